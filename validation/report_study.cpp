// The studies behind `stf report`: sizes from the [report] section (or --quick), the mesh study,
// then the particles against the finest limit.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <fmt/core.h>
#include <fmt/ranges.h>

#include "validation/limit_reference.hpp"
#include "validation/report.hpp"

namespace stf::validation {

ReportSizes report_sizes(const model::Case& c, bool quick)
{
  ReportSizes s;
  s.quick = quick;
  s.mesh_levels = c.report.mesh_levels;
  s.finest_mesh_hint = c.mesh;
  s.neurons = c.report.neurons;
  s.replicas = c.report.replicas;
  s.times = c.report.times;
  s.exit_neurons = c.report.exit_neurons;
  s.exit_precision = c.report.exit_precision;
  s.exit_budget = c.report.exit_budget;
  s.exit_horizon = std::max(c.report.exit_horizon, c.time.end);
  // Well below the particles' standard errors: at N = 10^5 the memory case's exit time has a
  // standard error near 1.4e-3 (3e-4 relative); 1e-4 puts the limit's error bar an order below.
  s.limit_tolerance = std::min(c.solver.tolerance.value_or(model::SolverSettings::default_tolerance), 1e-4);
  if (quick) {
    // Small enough for a test to run every shipped case in seconds, large enough that every
    // section (three meshes, three network sizes, fits with a confidence interval) is non-trivial.
    s.mesh_levels = 3;
    // Half the case's potential resolution: coarser meshes put the mass that relaxes to u = 0 in a
    // first cell so wide that phi at its centre keeps it firing (the memory case would never exit).
    s.finest_mesh_hint.cells_u = std::max(24L, c.mesh.cells_u / 2);
    s.finest_mesh_hint.cells_per_unit_c = std::max(4L, c.mesh.cells_per_unit_c);
    s.neurons = {50, 100, 200};
    s.replicas = 12;
    s.exit_neurons = {10, 20, 40};
    s.exit_budget = 0.5;
    s.exit_horizon = c.time.end;
    s.limit_tolerance = 1e-3;
  }
  return s;
}

ReportData run_report_studies(const model::Case& c, const ReportOptions& options, MPI_Comm comm)
{
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const auto start = std::chrono::steady_clock::now();
  ReportData data;
  data.study_case = c;
  data.sizes = report_sizes(c, options.quick);
  data.study_case.mesh = data.sizes.finest_mesh_hint;
  auto say = [&](const std::string& what) {
    if (options.progress && rank == 0) fmt::print(stderr, "stf report: {}\n", what);
  };

  say(fmt::format("mesh study, {} levels", data.sizes.mesh_levels));
  solver::SolveOptions finest;
  finest.snapshot_times = data.sizes.times;
  finest.stop = options.stop;
  data.mesh = run_mesh_study(data.study_case, data.sizes.mesh_levels, finest, comm);
  for (const auto& l : data.mesh.levels)
    say(fmt::format("  {} x {} cells: {} steps, {:.2f} s", l.cells_u, l.cells_c, l.steps, l.wall_seconds));
  // Every rank must agree to stop before the collective particle study.
  if (solver::stop_requested_on_any_rank(options.stop, comm) || data.mesh.interrupted) {
    data.interrupted = true;
    return data;
  }
  model::Case reference_case = data.study_case;
  reference_case.solver.scheme = "characteristic";
  reference_case.solver.tolerance = data.sizes.limit_tolerance;
  say(fmt::format("limit to a relative error of {:g} (characteristic scheme)", data.sizes.limit_tolerance));
  solver::SolveOptions reference_options;
  reference_options.stop = options.stop;
  reference_options.progress = options.progress;
  data.reference = solver::solve(reference_case, reference_options, comm);
  if (solver::stop_requested_on_any_rank(options.stop, comm) || data.reference.interrupted) {
    data.interrupted = true;
    return data;
  }
  // The error estimate of the exit time (0 when there is none: no exit, or a single level).
  double reference_error = 0.0;
  if (data.reference.accuracy && data.reference.accuracy->exit_time_error)
    reference_error = *data.reference.accuracy->exit_time_error;
  if (data.reference.exit_time)
    say(fmt::format("  exit time {:.9g} +- {:.2g}", *data.reference.exit_time, reference_error));
  if (rank == 0) {
    data.limit = limit_reference(data.mesh.finest);
    data.limit.trajectory.times = data.reference.times;
    data.limit.trajectory.observables = data.reference.observables;
    data.limit.exit_time = data.reference.exit_time;
  }
  // The particles need the marginal times on every rank (to record snapshots), not the data.
  if (rank != 0)
    for (double t : data.sizes.times) data.limit.marginals.push_back({t, {}, {}});

  ParticleStudySettings ps;
  ps.neurons = data.sizes.neurons;
  ps.replicas = data.sizes.replicas;
  ps.seed = c.particles.seed;
  ps.stop = options.stop;
  // A large network fluctuates little: where ten replicas already give the mean exit time to the
  // exit-time law's precision, more would only cost (40 at N = 10^6 on the memory case: 150 s).
  ps.exit_precision = data.sizes.exit_precision;
  say(fmt::format("particles: N = {}, {} replicas (fewer where {} give the mean exit time to {})",
                  fmt::join(ps.neurons, ", "), ps.replicas, std::min(ps.pilot_replicas, ps.replicas),
                  ps.exit_precision));
  data.particles = run_particle_study(data.study_case, ps, data.limit, comm);
  for (const auto& l : data.particles.levels)
    say(fmt::format("  N = {}: {} replicas, {} spikes, {:.2f} s", l.neurons, l.replicas, l.total_spikes,
                    l.wall_seconds));
  if (data.particles.interrupted) {
    data.interrupted = true;
    return data;
  }

  // The exit-time law at finite N against the limit's exit time (rank 0 has it).
  int has_exit = data.limit.exit_time ? 1 : 0;
  double tau_inf = data.limit.exit_time.value_or(0.0);
  MPI_Bcast(&has_exit, 1, MPI_INT, 0, comm);
  MPI_Bcast(&tau_inf, 1, MPI_DOUBLE, 0, comm);
  ExitLawSettings es;
  es.neurons = data.sizes.exit_neurons;
  es.precision = data.sizes.exit_precision;
  es.budget_seconds = data.sizes.exit_budget;
  es.seed = c.particles.seed;
  es.stop = options.stop;
  // The particle study's replicas (same seed, replicas 0, 1, ...) stand for the pilot of their size.
  for (const auto& l : data.particles.levels) {
    PriorReplicas p{{l.neurons, l.exit.values, l.exit.replicas - l.exit.exited, data.study_case.time.end},
                    l.wall_seconds};
    es.prior.push_back(std::move(p));
  }
  say(fmt::format("exit-time law: N = {}, standard error {} within {} s per size, horizon {}",
                  fmt::join(es.neurons, ", "), es.precision, es.budget_seconds, data.sizes.exit_horizon));
  // The limit's error bar enters the bias fit as the uncertainty of tau_inf.
  double tau_inf_sigma = reference_error;
  MPI_Bcast(&tau_inf_sigma, 1, MPI_DOUBLE, 0, comm);
  // The replicas run to the exit horizon; the limit's exit (or its absence) is over time.end.
  model::Case exit_case = data.study_case;
  exit_case.time.end = data.sizes.exit_horizon;
  // Without a limit exit: when the limit has settled on its active state (rate and mean calcium
  // within 1% of their values at time.end; rank 0 has the limit).
  std::optional<double> settle;
  if (rank == 0 && !has_exit) {
    std::vector<double> rate, calcium;
    for (const auto& o : data.reference.observables) {
      rate.push_back(o.rate());
      calcium.push_back(o.mean_calcium());
    }
    settle = settle_time(data.reference.times, {rate, calcium});
  }
  data.exit_law = run_exit_law_study(exit_case, es, has_exit ? std::optional<double>(tau_inf) : std::nullopt,
                                     tau_inf_sigma, settle, comm);
  for (const auto& r : data.exit_law.runs)
    say(fmt::format("  N = {}: {} replicas{}, {:.2f} s{}", r.neurons, r.replicas,
                    r.reused > 0 ? fmt::format(" ({} from the particle study)", r.reused) : "", r.wall_seconds,
                    r.precision_reached ? "" : " (budget reached first)"));
  data.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  data.interrupted = data.exit_law.interrupted;
  if (rank == 0 && !data.interrupted) data.closing_note = closing_note(data);
  return data;
}

}  // namespace stf::validation
