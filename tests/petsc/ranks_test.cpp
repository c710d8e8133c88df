// Run under 2 ranks: the solution on both ranks (PETSC_COMM_WORLD) equals the one-rank solution
// (PETSC_COMM_SELF) to 1e-12, with every singular part present, and for both schemes on a short
// memory case.
#include <doctest/doctest.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/case_reader.hpp"
#include "solver/solve.hpp"
#include "test_cases.hpp"

using namespace stf;

namespace {

/// Relative difference, with the observables' natural scale 1 as the floor (a probability or a
/// rate near 0 is compared absolutely).
double relative_difference(double a, double b) { return std::fabs(a - b) / std::max(1.0, std::fabs(a)); }

/// The memory case (cases/memory.toml) with overrides; `report.times` follows a shortened horizon.
model::Case memory_case(const std::vector<std::string>& overrides)
{
  std::vector<std::string> all{"report.times=[0.25, 0.5]"};
  all.insert(all.end(), overrides.begin(), overrides.end());
  return model::read_case(std::filesystem::path(STF_SOURCE_DIR) / "cases" / "memory.toml", all);
}

/// solve() (the scheme the case names, refined to solver.tolerance if set) on 1 and on 2 ranks.
void compare_schemes_on_one_and_two_ranks(const model::Case& c)
{
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  CHECK(size == 2);
  const auto one = solver::solve(c, {}, MPI_COMM_SELF);
  const auto two = solver::solve(c, {}, MPI_COMM_WORLD);
  CHECK(one.scheme == c.solver.scheme);
  CHECK(two.scheme == c.solver.scheme);
  REQUIRE(one.times.size() == two.times.size());
  REQUIRE(one.times.size() == c.time.sample_times().size());
  double worst = 0.0;
  for (std::size_t k = 0; k < one.times.size(); ++k) {
    CHECK(one.times[k] == two.times[k]);
    for (std::size_t q = 0; q < model::observable_count; ++q)
      worst = std::max(worst, relative_difference(one.observables[k].values[q], two.observables[k].values[q]));
  }
  MESSAGE(c.solver.scheme << ": largest difference between 1 and 2 ranks: " << worst);
  CHECK(worst <= 1e-12);
  REQUIRE(one.exit_time.has_value());
  REQUIRE(two.exit_time.has_value());
  MESSAGE(c.solver.scheme << ": exit times " << *one.exit_time << " (1 rank), relative difference "
                          << std::fabs(*one.exit_time - *two.exit_time) / *one.exit_time);
  CHECK(std::fabs(*one.exit_time - *two.exit_time) <= 1e-12 * *one.exit_time);
  CHECK(one.steps == two.steps);
  CHECK(one.accuracy.has_value() == two.accuracy.has_value());
  if (one.accuracy && two.accuracy) CHECK(one.accuracy->levels.size() == two.accuracy->levels.size());
}

void compare_one_and_two_ranks(const model::Case& c)
{
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  CHECK(size == 2);
  const auto one = solver::solve_muscl(c, {}, MPI_COMM_SELF);
  const auto two = solver::solve_muscl(c, {}, MPI_COMM_WORLD);
  REQUIRE(one.times.size() == two.times.size());
  double worst = 0.0;
  for (std::size_t k = 0; k < one.times.size(); ++k)
    for (std::size_t q = 0; q < model::observable_count; ++q) {
      const double a = one.observables[k].values[q], b = two.observables[k].values[q];
      worst = std::max(worst, std::fabs(a - b) / std::max(1.0, std::fabs(a)));
    }
  MESSAGE("largest difference between 1 and 2 ranks: " << worst);
  CHECK(worst <= 1e-12);
  CHECK(one.exit_time.has_value() == two.exit_time.has_value());
  if (one.exit_time && two.exit_time) CHECK(std::fabs(*one.exit_time - *two.exit_time) <= 1e-12);
  CHECK(one.steps == two.steps);
}

}  // namespace

TEST_CASE("1 rank and 2 ranks give the same observables: linear leaks, lines and corner")
{
  auto c = test::base_case();
  c.model.phi = test::hill_rate(5.0, 1.0, 4.0);
  c.model.leak_U = {model::LeakKind::linear, 1.0};
  c.model.leak_C = {model::LeakKind::linear, 3.0};
  c.model.w0 = 0.1;
  c.model.w1 = 0.5;
  c.initial.U = test::normal(1.0, 0.5);
  c.initial.C = test::normal(2.0, 1.0);
  c.mesh.c_max = 12.0;
  c.mesh.cells_u = 50;
  c.mesh.cells_per_unit_c = 4;
  c.time.end = 2.0;
  c.time.sample = 0.05;
  compare_one_and_two_ranks(c);
}

TEST_CASE("1 rank and 2 ranks give the same observables and exit time: a Dirac stimulus")
{
  auto c = test::base_case();
  c.model.phi = test::hill_rate(5.0, 1.0, 4.0);
  c.model.leak_U = {model::LeakKind::exponential, 1.0};
  c.model.leak_C = {model::LeakKind::linear, 6.0};
  c.model.w0 = 0.0;
  c.model.w1 = 1.0;
  c.initial.U = test::dirac(2.0);
  c.initial.C = test::dirac(6.0);
  c.region.thresholds.push_back({model::ObservableId::rate, 0.5, std::nullopt});
  c.mesh.u_max = 12.0;
  c.mesh.c_max = 24.0;
  c.mesh.cells_u = 60;
  c.mesh.cells_per_unit_c = 4;
  c.time.end = 4.0;
  c.time.sample = 0.02;
  compare_one_and_two_ranks(c);
}

TEST_CASE("1 rank and 2 ranks agree without reset, on stretched potential cells, with lines and an atom")
{
  // reset = false splits the cells over the ranks in u only (a spike moves mass up its column);
  // the stretched cells carry per-column widths across the rank boundary.
  auto c = test::base_case();
  c.model.phi = test::hill_rate(5.0, 1.0, 4.0);
  c.model.leak_U = {model::LeakKind::linear, 1.0};
  c.model.leak_C = {model::LeakKind::linear, 3.0};
  c.model.w0 = 0.2;
  c.model.w1 = 0.3;
  c.model.reset = false;
  c.initial.U = test::dirac(1.5);
  c.initial.C = test::dirac(2.0);
  c.mesh.u_max = 12.0;
  c.mesh.c_max = 24.0;  // without reset calcium only grows by spikes: P(22 spikes by t = 0.6) ~ 1e-12
  c.mesh.stretch = 5.0;
  c.mesh.cells_u = 48;
  c.mesh.cells_per_unit_c = 4;
  c.time.end = 0.6;
  c.time.sample = 0.05;
  compare_one_and_two_ranks(c);
}

TEST_CASE("1 rank and 2 ranks agree on the memory case: the MUSCL scheme on a coarse mesh")
{
  // Up to t = 6, past the exit (~4.9); the drive carries mass over the whole stretched mesh, so
  // both ranks' columns hold mass (0.1 s per run).
  const auto c = memory_case({"solver.scheme=muscl", "time.end=6", "mesh.cells_u=40", "mesh.cells_per_unit_c=2"});
  compare_schemes_on_one_and_two_ranks(c);
}

TEST_CASE("1 rank and 2 ranks agree on a short memory case: the characteristic scheme, refined to a tolerance")
{
  // A weaker stimulus (c0 = 3): the network falls silent at t ~ 0.8, so a horizon of 2 includes the
  // exit and four levels reach the tolerance in about a second. Every rank runs the whole
  // characteristic solve; the refinement decides together over the ranks.
  const auto c = memory_case({"solver.scheme=characteristic", "solver.tolerance=1e-3", "time.end=2", "initial.C.at=3"});
  compare_schemes_on_one_and_two_ranks(c);
}

TEST_CASE("the characteristic scheme without MPI (MPI_COMM_NULL, as stf run in one process) gives the one-rank solution")
{
  const auto c = memory_case({"solver.scheme=characteristic", "solver.tolerance=1e-3", "time.end=2", "initial.C.at=3"});
  const auto alone = solver::solve(c, {}, MPI_COMM_NULL);
  const auto one = solver::solve(c, {}, MPI_COMM_SELF);
  REQUIRE(alone.times.size() == one.times.size());
  for (std::size_t k = 0; k < one.times.size(); ++k)
    for (std::size_t q = 0; q < model::observable_count; ++q)
      CHECK(alone.observables[k].values[q] == one.observables[k].values[q]);
  REQUIRE(alone.exit_time.has_value());
  CHECK(*alone.exit_time == *one.exit_time);
  REQUIRE(alone.accuracy.has_value());
  CHECK(alone.accuracy->levels.size() == one.accuracy->levels.size());
  // The MUSCL scheme spreads a PETSc mesh over the ranks: it needs a communicator.
  CHECK_THROWS_AS(solver::solve(memory_case({"solver.scheme=muscl", "time.end=1"}), {}, MPI_COMM_NULL),
                  std::logic_error);
}
