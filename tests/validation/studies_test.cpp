// The analyses of the studies on synthetic inputs with known answers: mesh sequences, observed
// orders from solutions with an exact h^p error, exit-time statistics, limit marginals, sweep specs.
#include <doctest/doctest.h>
#include <petscsys.h>

#include <atomic>
#include <cmath>
#include <string>

#include "model/case_reader.hpp"
#include "model/input_error.hpp"
#include "particles/ensemble.hpp"
#include "validation/exit_law_study.hpp"
#include "validation/limit_reference.hpp"
#include "validation/mesh_study.hpp"
#include "validation/particle_study.hpp"
#include "validation/report.hpp"
#include "validation/sweep.hpp"

using namespace stf;
using namespace stf::validation;

TEST_CASE("mesh sequences halve the cells exactly and end at the case mesh when they can")
{
  model::MeshSettings m;
  m.u_max = 10.0;
  m.c_max = 7.25;
  m.cells_u = 200;
  m.cells_per_unit_c = 4;
  const auto s = mesh_sequence(m, 3);
  REQUIRE(s.size() == 3);
  CHECK(s[0].cells_u == 50);
  CHECK(s[1].cells_u == 100);
  CHECK(s[2].cells_u == 200);
  CHECK(s[0].cells_per_unit_c == 1);
  CHECK(s[2].cells_per_unit_c == 4);
  for (const auto& l : s) CHECK(l.c_max == 8.0);  // whole calcium units on every level
  // m = 2 halves once only: the third level refines past the case mesh.
  m.cells_per_unit_c = 2;
  m.cells_u = 101;
  const auto r = mesh_sequence(m, 3);
  CHECK(r[0].cells_per_unit_c == 1);
  CHECK(r[2].cells_per_unit_c == 4);
  CHECK(r[0].cells_u == 51);
  CHECK(r[2].cells_u == 204);
  CHECK_THROWS(mesh_sequence(m, 1));
}

TEST_CASE("observed orders and the Richardson exit time are exact for an error K h^p")
{
  // q_h(t) = sin t + K h^2 cos t; tau_h = 2 + 3 h^2.
  std::vector<solver::Solution> sols;
  MeshStudy study;
  for (double h : {0.4, 0.2, 0.1, 0.05}) {
    solver::Solution s;
    for (int k = 0; k <= 100; ++k) {
      const double t = 0.03 * k;
      model::Observables o;
      for (std::size_t i = 0; i < model::observable_count; ++i) o.values[i] = std::sin(t) + double(i + 1) * h * h * std::cos(t);
      s.times.push_back(t);
      s.observables.push_back(o);
    }
    s.exit_time = 2.0 + 3.0 * h * h;
    sols.push_back(s);
  }
  analyse_mesh_levels(study, sols);
  REQUIRE(study.observables.size() == compared_observables().size());
  for (const auto& row : study.observables) {
    REQUIRE(row.orders.size() == 2);
    CHECK(*row.orders[0] == doctest::Approx(2.0).epsilon(1e-9));
    CHECK(*row.orders[1] == doctest::Approx(2.0).epsilon(1e-9));
    CHECK(row.errors.size() == 3);
  }
  REQUIRE(study.exit_time.has_value());
  CHECK(*study.exit_time->extrapolated == doctest::Approx(2.0).epsilon(1e-12));
  CHECK(study.exit_time->errors.front() == doctest::Approx(3.0 * 0.16).epsilon(1e-12));

  // A first-order error gives order 1, and the analysis can tell the difference.
  for (std::size_t l = 0; l < sols.size(); ++l) {
    const double h = 0.4 / double(1 << l);
    sols[l].exit_time = 2.0 + h;
  }
  MeshStudy first;
  analyse_mesh_levels(first, sols);
  CHECK(*first.exit_time->orders.back() == doctest::Approx(1.0).epsilon(1e-9));
}

TEST_CASE("exit-time statistics count the replicas that never left")
{
  const auto s = exit_time_stats({1.0, std::nullopt, 2.0, 3.0}, 2.5);
  CHECK(s.replicas == 4);
  CHECK(s.exited == 3);
  REQUIRE(s.summary.has_value());
  CHECK(s.summary->mean == doctest::Approx(2.0));
  CHECK(*s.mean_error == doctest::Approx(0.5));
  REQUIRE(s.quantiles.size() == 5);
  CHECK(s.quantiles[2].second == doctest::Approx(2.0));
  const auto none = exit_time_stats({std::nullopt}, 1.0);
  CHECK_FALSE(none.summary.has_value());
  CHECK_FALSE(none.mean_error.has_value());
}

TEST_CASE("the ensemble analysis measures errors, fluctuations and W1 against the reference")
{
  LimitReference ref;
  particles::EnsembleResult ens;
  for (int k = 0; k <= 10; ++k) {
    const double t = 0.1 * k;
    model::Observables lim, mean, se;
    for (std::size_t i = 0; i < model::observable_count; ++i) {
      lim.values[i] = t;
      mean.values[i] = t + (k == 5 ? 0.3 : 0.1);
      se.values[i] = 0.05;
    }
    ref.trajectory.times.push_back(t);
    ref.trajectory.observables.push_back(lim);
    ens.times.push_back(t);
    ens.mean.push_back(mean);
    ens.stderr_.push_back(se);
  }
  ref.exit_time = 0.5;
  CellLaw u;
  u.atoms = {{1.0, 1.0}};
  ref.marginals.push_back({0.5, u, u});
  particles::ReplicaResult r0, r1;
  r0.exit_time = 0.4;
  r1.exit_time = 0.8;
  r0.snapshots.push_back({0.5, {1.0, 2.0}, {1.0, 1.0}});
  r1.snapshots.push_back({0.5, {1.0, 1.0}, {3.0, 3.0}});
  ens.replicas = {r0, r1};
  const auto level = analyse_ensemble(100, 16, ens, ref);
  CHECK(level.sup_error[0] == doctest::Approx(0.3));
  CHECK(level.sup_std[0] == doctest::Approx(0.05 * 4.0));
  CHECK(level.sup_z[0] == doctest::Approx(6.0));
  REQUIRE(level.wasserstein.size() == 1);
  CHECK(level.wasserstein[0].samples == 2);
  CHECK(level.wasserstein[0].potential == doctest::Approx(0.25));  // (0.5 + 0) / 2
  CHECK(level.wasserstein[0].calcium == doctest::Approx(1.0));     // (0 + 2) / 2
  CHECK(level.exit.summary->mean == doctest::Approx(0.6));
}

TEST_CASE("limit marginals carry cells, singular lines and atoms")
{
  solver::DensitySnapshot s;
  s.cells_u = 2;
  s.cells_c = 2;
  s.du = 0.5;
  s.dc = 0.25;
  s.cell_mass = {0.1, 0.2, 0.3, 0.05};  // (i=0,j=0) (1,0) (0,1) (1,1)
  s.line_u0 = {0.05, 0.1};
  s.line_c0 = {0.02, 0.03};
  s.corner = 0.05;
  s.atoms = {{0.7, 0.3, 0.1}};
  const auto u = potential_marginal(s);
  CHECK(u.cell_mass[0] == doctest::Approx(0.1 + 0.3 + 0.02));
  CHECK(u.cell_mass[1] == doctest::Approx(0.2 + 0.05 + 0.03));
  CHECK(u.total_mass() == doctest::Approx(1.0));
  const auto c = calcium_marginal(s);
  CHECK(c.cell_mass[0] == doctest::Approx(0.1 + 0.2 + 0.05));
  CHECK(c.cell_mass[1] == doctest::Approx(0.3 + 0.05 + 0.1));
  CHECK(c.total_mass() == doctest::Approx(1.0));
  // Mean potential: cells at their midpoints 0.25 and 0.75, atoms at 0 and 0.7.
  CHECK(u.mean() == doctest::Approx(0.42 * 0.25 + 0.28 * 0.75 + 0.1 * 0.7));
}

TEST_CASE("sweep specifications are parsed and checked")
{
  const auto s = parse_sweep_spec("initial.C.at=5:20:4");
  CHECK(s.key == "initial.C.at");
  const auto v = s.values();
  REQUIRE(v.size() == 4);
  CHECK(v[0] == 5.0);
  CHECK(v[1] == doctest::Approx(10.0));
  CHECK(v[3] == 20.0);
  CHECK_THROWS_AS(parse_sweep_spec("initial.C.at=5:20"), model::InputError);
  CHECK_THROWS_AS(parse_sweep_spec("initial.C.at=5:x:3"), model::InputError);
  CHECK_THROWS_AS(parse_sweep_spec("=1:2:3"), model::InputError);
  CHECK_THROWS_AS(parse_sweep_spec("k=1:2:1"), model::InputError);
}

TEST_CASE("a report asked to stop ends after the mesh study, marked interrupted, with no particle study")
{
  const model::Case c = model::read_case(std::string(STF_SOURCE_DIR) + "/cases/transport.toml");
  std::atomic<bool> stop{true};
  ReportOptions o;
  o.quick = true;
  o.stop = &stop;
  const ReportData data = run_report_studies(c, o, PETSC_COMM_WORLD);
  CHECK(data.interrupted);
  CHECK(data.particles.levels.empty());
  CHECK(data.closing_note.empty());
  stop = false;
  const ReportData whole = run_report_studies(c, o, PETSC_COMM_WORLD);
  CHECK_FALSE(whole.interrupted);
  CHECK_FALSE(whole.particles.levels.empty());
}

TEST_CASE("the exit-law study reuses replicas already run: the same exit times as running them again")
{
  // Replicas 0..23 of the memory case at N = 40, run whole (as the particle study runs them), stand
  // for the pilot; the exit-only pilot of the same seed finds the same exits, to the last bit.
  const model::Case c = model::read_case(std::string(STF_SOURCE_DIR) + "/cases/memory.toml", {"time.end=8"});
  particles::SimulationOptions whole;
  whole.neurons = 40;
  whole.replicas = 24;
  whole.seed = 3;
  const auto ensemble = particles::simulate_ensemble(c, whole, PETSC_COMM_WORLD);
  PriorReplicas prior{{40, {}, 0, c.time.end}, 1.0};
  for (const auto& r : ensemble.replicas) {
    if (r.exit_time) prior.sample.exits.push_back(*r.exit_time);
    else ++prior.sample.censored;
  }
  ExitLawSettings s;
  s.neurons = {40};
  s.precision = 1e9;  // the pilot is enough: no further replicas
  s.pilot_replicas = 24;
  s.seed = 3;
  const ExitLawStudy fresh = run_exit_law_study(c, s, std::nullopt, 0.0, std::nullopt, PETSC_COMM_WORLD);
  s.prior = {prior};
  const ExitLawStudy reused = run_exit_law_study(c, s, std::nullopt, 0.0, std::nullopt, PETSC_COMM_WORLD);
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (rank != 0) return;
  REQUIRE(fresh.runs.size() == 1);
  REQUIRE(reused.runs.size() == 1);
  CHECK(fresh.runs[0].reused == 0);
  CHECK(reused.runs[0].reused == 24);
  CHECK(reused.runs[0].replicas == 24);
  REQUIRE(fresh.law.levels.size() == 1);
  REQUIRE(reused.law.levels.size() == 1);
  CHECK(prior.sample.exits.size() >= 20);
  CHECK(fresh.law.levels[0].exits == prior.sample.exits);
  CHECK(reused.law.levels[0].exits == prior.sample.exits);
  // A prior of another horizon is not reused.
  s.prior[0].sample.horizon = 2.0 * c.time.end;
  CHECK(run_exit_law_study(c, s, std::nullopt, 0.0, std::nullopt, PETSC_COMM_WORLD).runs[0].reused == 0);
}

TEST_CASE("the particle study runs fewer replicas where the pilot gives the mean exit time to the precision")
{
  // The memory case at N = 2000: every replica exits, with sd(tau_N) about 2.8 / sqrt(2000) = 0.06.
  const model::Case c = model::read_case(std::string(STF_SOURCE_DIR) + "/cases/memory.toml", {"time.end=6"});
  LimitReference none;
  ParticleStudySettings s;
  s.neurons = {2000};
  s.replicas = 30;
  s.seed = 5;
  auto run = [&](double precision) {
    s.exit_precision = precision;
    return run_particle_study(c, s, none, PETSC_COMM_WORLD);
  };
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  const ParticleStudy all = run(0.0);
  // The pilot is replicas 0..9 of the same stream: their spread sets the count, (sd / precision)^2.
  double sd = 0.0;
  if (rank == 0) {
    REQUIRE(all.levels.size() == 1);
    CHECK(all.levels.front().replicas == 30);  // no precision: the count asked
    REQUIRE(all.levels.front().exit.values.size() == 30);
    const std::vector<double> pilot(all.levels.front().exit.values.begin(), all.levels.front().exit.values.begin() + 10);
    sd = summarize(pilot).std;
    MESSAGE("pilot sd of the exit time at N = 2000: " << sd);
  }
  MPI_Bcast(&sd, 1, MPI_DOUBLE, 0, PETSC_COMM_WORLD);
  const ParticleStudy coarse = run(sd);           // 1 replica wanted: the pilot is enough
  const ParticleStudy middling = run(sd / 4.0);   // 16 wanted
  const ParticleStudy fine = run(sd / 100.0);     // 10^4 wanted: never more than asked
  if (rank != 0) return;
  CHECK(coarse.levels.front().replicas == 10);
  CHECK(middling.levels.front().replicas == 16);
  CHECK(middling.levels.front().exit.replicas == 16);
  CHECK(fine.levels.front().replicas == 30);
  // The first 16 replicas are those of the full run: the same streams.
  for (std::size_t k = 0; k < 16; ++k)
    CHECK(middling.levels.front().exit.values[k] == all.levels.front().exit.values[k]);
  // A size where a pilot replica stays inside to the end runs every replica: its spread is unknown.
  const model::Case early =
      model::read_case(std::string(STF_SOURCE_DIR) + "/cases/memory.toml", {"time.end=3", "report.times=[1]"});
  s.exit_precision = 1.0;
  const ParticleStudy censored = run_particle_study(early, s, none, PETSC_COMM_WORLD);
  REQUIRE(censored.levels.size() == 1);
  CHECK(censored.levels.front().exit.exited == 0);
  CHECK(censored.levels.front().replicas == 30);
}
