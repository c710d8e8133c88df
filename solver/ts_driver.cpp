// solve_muscl(): builds the state, advances it with PETSc TS from one stop to the next (sample times,
// snapshot times and the changes of I(t)), and checks and records it at every sample time.
#include <petscts.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fmt/core.h>
#include <limits>
#include <string>

#include "mesh/state_dm.hpp"
#include "model/memory_region.hpp"
#include "solver/initial_state.hpp"
#include "solver/petsc_error.hpp"
#include "solver/rhs.hpp"
#include "solver/snapshots.hpp"
#include "solver/solve.hpp"
#include "solver/solver_failure.hpp"
#include "solver/state_summary.hpp"
#include "solver/time_step.hpp"
#include "solver/ts_monitors.hpp"

namespace stf::solver {

namespace {

/// Mass drift beyond which a run stops: far above rounding (the scheme conserves to ~1e-14),
/// far below anything that would change an observable.
constexpr double mass_drift_limit = 1e-9;

/// Negative cell or singular masses (relative to the total mass 1) that stop a run. The SSP methods
/// keep the density non-negative under the step bound, so below rounding a negative mass is a bug;
/// other methods (e.g. -ts_type rk -ts_rk_type 5dp) undershoot near fronts by their truncation error
/// (about 1e-8 on the memory case), which is not an instability: one grows past any bound in a few steps.
constexpr double negative_mass_rounding = -1e-14;
constexpr double negative_mass_undershoot = -1e-6;

/// What the pre-step hook reads: the context and the step bound's parameters.
struct StepControl {
  const RhsContext* ctx = nullptr;
  double cfl = 0.4;
  double ssp_coefficient = 1.0;
  long steps = 0;
  const std::atomic<bool>* stop = nullptr;  // SolveOptions::stop, polled before every step
  bool interrupted = false;
};

PetscErrorCode pre_step(TS ts)
{
  PetscFunctionBeginUser;
  void* raw = nullptr;
  PetscCall(TSGetApplicationContext(ts, &raw));
  auto& control = *static_cast<StepControl*>(raw);
  const RhsContext& ctx = *control.ctx;
  // Between two sample times there may be any number of steps: Ctrl-C is polled before each one
  // (all ranks together; the step's own reductions cost more), and ends the solve at once.
  if (control.stop != nullptr && stop_requested_on_any_rank(control.stop, ctx.comm)) {
    control.interrupted = true;
    PetscCall(TSSetConvergedReason(ts, TS_CONVERGED_USER));
    PetscFunctionReturn(0);
  }
  PetscReal t, t_stop;
  Vec X;
  PetscCall(TSGetTime(ts, &t));
  PetscCall(TSGetMaxTime(ts, &t_stop));
  PetscCall(TSGetSolution(ts, &X));
  PetscCall(load_state(ctx, X));
  NonlocalTerms nl;
  PetscCall(compute_nonlocal_terms(ctx, ctx.interval.input, ctx.sigma_at(t), &nl));
  PetscCheck(std::isfinite(nl.drive), ctx.comm, PETSC_ERR_FP, "the drive p(t) is not finite at t = %g", double(t));
  double dt = cfl_time_step(ctx.physics, nl, control.cfl, control.ssp_coefficient);
  const double remaining = t_stop - t;
  // Land exactly on the stop, without a sliver of a last step.
  if (dt >= remaining)
    dt = remaining;
  else if (dt > 0.5 * remaining)
    dt = 0.5 * remaining;
  PetscCall(TSSetTimeStep(ts, dt));
  ++control.steps;
  PetscFunctionReturn(0);
}

/// The atom's coordinates stay >= 0. With a linear leak the velocity has a kink where U or C
/// reaches 0 (the sticky floor of MODEL.md §1), and a Runge-Kutta step across it overshoots below 0
/// by O(dt^2); the exact position there is 0.
PetscErrorCode post_step(TS ts)
{
  PetscFunctionBeginUser;
  void* raw = nullptr;
  PetscCall(TSGetApplicationContext(ts, &raw));
  const RhsContext& ctx = *static_cast<StepControl*>(raw)->ctx;
  const auto& P = ctx.physics.parts;
  if (!P.atom || ctx.rank != 0) PetscFunctionReturn(0);
  Vec X, Xc, Xp;
  PetscCall(TSGetSolution(ts, &X));
  PetscCall(DMCompositeGetAccess(ctx.dm.pack, X, &Xc, &Xp));
  PetscScalar* s;
  PetscCall(VecGetArray(Xp, &s));
  s[P.atom_offset] = std::max(s[P.atom_offset], 0.0);
  s[P.atom_offset + 1] = std::max(s[P.atom_offset + 1], 0.0);
  PetscCall(VecRestoreArray(Xp, &s));
  PetscCall(DMCompositeRestoreAccess(ctx.dm.pack, X, &Xc, &Xp));
  PetscFunctionReturn(0);
}

/// SSP coefficient of the selected method (1 for methods that are not SSP: positivity is then
/// not guaranteed by the step bound).
double ssp_coefficient_of(TS ts)
{
  TSType type;
  petsc_check(TSGetType(ts, &type), "TSGetType");
  if (std::string(type) != TSSSP) return 1.0;
  TSSSPType ssp;
  PetscInt stages;
  petsc_check(TSSSPGetType(ts, &ssp), "TSSSPGetType");
  petsc_check(TSSSPGetNumStages(ts, &stages), "TSSSPGetNumStages");
  const double s = double(stages);
  if (std::string(ssp) == TSSSPRKS2) return s - 1.0;
  if (std::string(ssp) == TSSSPRKS3) return s - std::sqrt(s);
  return 6.0;  // rk104
}

/// Owns the PETSc objects of a run, destroyed even when the run throws.
struct Resources {
  RhsContext* ctx = nullptr;
  Vec X = nullptr;
  TS ts = nullptr;
  ~Resources()
  {
    TSDestroy(&ts);
    VecDestroy(&X);
    if (ctx) {
      DMRestoreLocalVector(ctx->dm.cells, &ctx->cells_local);
      DMRestoreLocalVector(ctx->dm.parts, &ctx->parts_local);
      mesh::destroy_state_dm(&ctx->dm);
    }
  }
};

/// The calcium frame (linear calcium leak): at every multiple of dc / beta the rows have moved
/// down by exactly one row. Relabel them: row j + 1 becomes row j, row 0 (now entirely at c <= 0)
/// joins the line {c = 0}, the line {u = 0}'s row 0 joins the corner. Collective; every rank owns
/// whole columns in the frame. The caller moves the frame's origin (ctx.interval.frame_start).
PetscErrorCode relabel_calcium_rows(const RhsContext& ctx, Vec X)
{
  PetscFunctionBeginUser;
  const auto& g = ctx.physics.grid;
  const auto& P = ctx.physics.parts;
  const long nu = g.cells_u(), nc = g.cells_c();
  Vec Xc, Xp;
  PetscCall(DMCompositeGetAccess(ctx.dm.pack, X, &Xc, &Xp));
  PetscInt xs, ys, xm, ym;
  PetscCall(DMDAGetCorners(ctx.dm.cells, &xs, &ys, nullptr, &xm, &ym, nullptr));
  PetscCheck(ys == 0 && ym == nc, ctx.comm, PETSC_ERR_PLIB, "the calcium frame needs whole columns on every rank");
  std::vector<double> to_line(static_cast<std::size_t>(nu), 0.0), on_root(static_cast<std::size_t>(nu), 0.0);
  PetscScalar** q;
  PetscCall(DMDAVecGetArray(ctx.dm.cells, Xc, &q));
  for (PetscInt i = xs; i < xs + xm; ++i) {
    to_line[static_cast<std::size_t>(i)] = q[0][i];
    for (long j = 0; j + 1 < nc; ++j) q[j][i] = q[j + 1][i];
    q[nc - 1][i] = 0.0;
  }
  PetscCall(DMDAVecRestoreArray(ctx.dm.cells, Xc, &q));
  PetscCallMPI(MPI_Reduce(to_line.data(), on_root.data(), static_cast<int>(nu), MPI_DOUBLE, MPI_SUM, 0, ctx.comm));
  if (ctx.rank == 0) {
    PetscScalar* s;
    PetscCall(VecGetArray(Xp, &s));
    for (long i = 0; i < nu; ++i) s[P.line_c0_offset + i] += on_root[static_cast<std::size_t>(i)];
    if (P.line_u0) {
      PetscScalar* line = s + P.line_u0_offset;
      s[P.corner_offset] += line[0];
      for (long j = 0; j + 1 < nc; ++j) line[j] = line[j + 1];
      line[nc - 1] = 0.0;
    }
    PetscCall(VecRestoreArray(Xp, &s));
  }
  PetscCall(DMCompositeRestoreAccess(ctx.dm.pack, X, &Xc, &Xp));
  PetscFunctionReturn(0);
}

/// The relabelling times of the calcium frame in (0, end]: multiples of dc / beta.
std::vector<double> relabel_times(const Physics& ph, double end)
{
  std::vector<double> times;
  if (!ph.calcium_frame || !(ph.beta > 0.0)) return times;
  const double period = ph.grid.dc() / ph.beta;
  for (long k = 1; double(k) * period <= end * (1.0 + 1e-12); ++k) times.push_back(double(k) * period);
  return times;
}

std::vector<double> stop_times(const model::Case& c, const std::vector<double>& samples,
                               const std::vector<double>& snapshots, const std::vector<double>& relabels)
{
  const double end = c.time.end;
  std::vector<double> stops(samples.begin(), samples.end());
  for (double s : relabels)
    if (s > 0.0 && s <= end) stops.push_back(s);
  for (double s : snapshots)
    if (s > 0.0 && s <= end) stops.push_back(s);
  for (double t = c.model.input.next_change_after(0.0); t < end; t = c.model.input.next_change_after(t))
    stops.push_back(t);
  std::sort(stops.begin(), stops.end());
  std::vector<double> unique;
  for (double s : stops)
    if (s > 0.0 && (unique.empty() || s - unique.back() > 1e-12 * end)) unique.push_back(s);
  return unique;
}

bool near(double a, double b, double end) { return std::fabs(a - b) <= 1e-12 * end; }

std::string fmt_g(double x) { return fmt::format("{:.6g}", x); }

void check_state(const StateSummary& s, const model::Case& c, const mesh::Grid& g, double t, double negative_limit)
{
  const double tol = c.solver.lost_mass_tolerance;
  if (!s.finite)
    throw SolverFailure("the density is not finite (NaN) at t = " + fmt_g(t) +
                        "; try a smaller solver.cfl or check the case's parameters");
  if (s.min_mass < negative_limit * s.total_mass)
    throw SolverFailure("the density became negative (" + fmt_g(s.min_mass) + ") at t = " + fmt_g(t) +
                        "; try a smaller solver.cfl");
  if (s.lost_u > tol)
    throw SolverFailure("mass " + fmt_g(s.lost_u) + " left through u = u_max = " + fmt_g(g.u_max()) + " by t = " +
                        fmt_g(t) + " (tolerance solver.lost_mass_tolerance = " + fmt_g(tol) +
                        "); increase mesh.u_max");
  if (s.lost_c > tol)
    throw SolverFailure("mass " + fmt_g(s.lost_c) + " left through c = c_max = " + fmt_g(g.c_max()) + " by t = " +
                        fmt_g(t) + " (tolerance solver.lost_mass_tolerance = " + fmt_g(tol) +
                        "); increase mesh.c_max");
  if (s.atom_u > g.u_max() && s.atom_weight > tol)
    throw SolverFailure("the stimulus atom (weight " + fmt_g(s.atom_weight) + ") left through u = u_max = " +
                        fmt_g(g.u_max()) + " at t = " + fmt_g(t) + "; increase mesh.u_max");
  if (std::fabs(s.total_mass - 1.0) > mass_drift_limit)
    throw SolverFailure("the total mass drifted to " + fmt::format("{:.17g}", s.total_mass) + " at t = " + fmt_g(t) +
                        "; this is a bug, please report it with the case");
}

void validate(const model::Case& c, const mesh::Grid& g)
{
  if (c.model.u_reset < 0.0 || c.model.u_reset >= g.u_max())
    throw SolverFailure("model.u_reset = " + fmt_g(c.model.u_reset) + " must lie in [0, mesh.u_max = " +
                        fmt_g(g.u_max()) + ")");
  if (!(c.time.end > 0.0)) throw SolverFailure("time.end must be positive");
  if (!(c.solver.cfl > 0.0 && c.solver.cfl <= 0.5))
    throw SolverFailure("solver.cfl = " + fmt_g(c.solver.cfl) + " must lie in (0, 0.5] for positivity");
  const auto& init = c.initial;
  if (init.U.is_dirac() && init.C.is_dirac() && (init.U.at > g.u_max() || init.C.at > g.c_max()))
    throw SolverFailure("the initial atom lies outside the mesh; increase mesh.u_max or mesh.c_max");
}

}  // namespace

Solution solve_muscl(const model::Case& c, const SolveOptions& options, MPI_Comm comm)
{
  mesh::Grid grid = [&] {
    try {
      return mesh::Grid(c.mesh);
    } catch (const std::invalid_argument& e) {
      throw SolverFailure(e.what());
    }
  }();
  validate(c, grid);
  const Limiter limiter = [&] {
    try {
      return limiter_from_name(c.solver.limiter);
    } catch (const std::invalid_argument& e) {
      throw SolverFailure(e.what());
    }
  }();
  const auto parts = mesh::SingularParts::for_model(c.model, c.initial, grid);
  RhsContext ctx(Physics(grid, parts, c.model, limiter));
  ctx.comm = comm;
  MPI_Comm_rank(comm, &ctx.rank);
  Resources res;
  petsc_check(mesh::create_state_dm(comm, grid, parts, !c.model.reset || ctx.physics.calcium_frame, &ctx.dm), "creating the mesh");
  res.ctx = &ctx;
  petsc_check(DMGetLocalVector(ctx.dm.cells, &ctx.cells_local), "DMGetLocalVector");
  petsc_check(DMGetLocalVector(ctx.dm.parts, &ctx.parts_local), "DMGetLocalVector");
  PetscInt xs, ys, xm, ym;
  petsc_check(DMDAGetCorners(ctx.dm.cells, &xs, &ys, nullptr, &xm, &ym, nullptr), "DMDAGetCorners");
  ctx.reset_flux.assign(static_cast<std::size_t>(grid.cells_c()), 0.0);
  ctx.parts_rhs.assign(static_cast<std::size_t>(parts.size), 0.0);
  ctx.parts_sum.assign(static_cast<std::size_t>(parts.size), 0.0);
  ctx.flux_u.assign(static_cast<std::size_t>(xm + 1), 0.0);
  ctx.density_row.assign(static_cast<std::size_t>(xm + 4), 0.0);
  ctx.flux_c_low.assign(static_cast<std::size_t>(xm), 0.0);
  ctx.flux_c_high.assign(static_cast<std::size_t>(xm), 0.0);
  PetscClassId class_id;
  petsc_check(PetscClassIdRegister("stf limit solver", &class_id), "PetscClassIdRegister");
  petsc_check(PetscLogEventRegister("StfRhs", class_id, &ctx.event_rhs), "PetscLogEventRegister");
  petsc_check(PetscLogEventRegister("StfNonlocal", class_id, &ctx.event_nonlocal), "PetscLogEventRegister");

  petsc_check(DMCreateGlobalVector(ctx.dm.pack, &res.X), "DMCreateGlobalVector");
  petsc_check(set_initial_state(ctx, c.initial, res.X), "setting the initial state");

  StepControl control;
  control.ctx = &ctx;
  control.cfl = c.solver.cfl;
  control.stop = options.stop;
  TS& ts = res.ts;
  petsc_check(TSCreate(comm, &ts), "TSCreate");
  petsc_check(TSSetProblemType(ts, TS_NONLINEAR), "TSSetProblemType");
  petsc_check(TSSetType(ts, TSSSP), "TSSetType");
  petsc_check(TSSSPSetType(ts, TSSSPRKS3), "TSSSPSetType");
  petsc_check(TSSSPSetNumStages(ts, 4), "TSSSPSetNumStages");
  petsc_check(TSSetRHSFunction(ts, nullptr, rhs_function, &ctx), "TSSetRHSFunction");
  petsc_check(TSSetApplicationContext(ts, &control), "TSSetApplicationContext");
  petsc_check(TSSetPreStep(ts, pre_step), "TSSetPreStep");
  petsc_check(TSSetPostStep(ts, post_step), "TSSetPostStep");
  petsc_check(TSSetTime(ts, 0.0), "TSSetTime");
  petsc_check(TSSetTimeStep(ts, c.time.end * 1e-3), "TSSetTimeStep");
  petsc_check(TSSetMaxSteps(ts, PETSC_MAX_INT - 1), "TSSetMaxSteps");
  petsc_check(TSSetExactFinalTime(ts, TS_EXACTFINALTIME_MATCHSTEP), "TSSetExactFinalTime");
  RunMonitors monitors(comm);  // -ts_monitor and -ts_view once per run, not once per TSSolve
  petsc_check(TSSetFromOptions(ts), "TSSetFromOptions");
  petsc_check(monitors.attach(ts), "-ts_monitor");
  control.ssp_coefficient = ssp_coefficient_of(ts);

  Solution sol;
  sol.cells = grid.cells();
  sol.scheme = "muscl";
  {
    TSType type;
    petsc_check(TSGetType(ts, &type), "TSGetType");
    sol.ts_type = type;
  }
  const double negative_limit = sol.ts_type == TSSSP ? negative_mass_rounding : negative_mass_undershoot;
  const std::vector<double> samples = c.time.sample_times();
  const std::vector<double> relabels = relabel_times(ctx.physics, c.time.end);
  const std::vector<double> stops = stop_times(c, samples, options.snapshot_times, relabels);
  std::size_t next_relabel = 0;
  model::ExitTimeDetector exit_detector(c.region);
  const bool show_progress = options.progress && ctx.rank == 0 && ::isatty(STDERR_FILENO);

  std::size_t next_sample = 0, next_snapshot = 0;
  std::vector<double> snapshot_times(options.snapshot_times);
  std::sort(snapshot_times.begin(), snapshot_times.end());
  auto record = [&](double t) {
    if (next_sample < samples.size() && near(samples[next_sample], t, c.time.end)) {
      StateSummary s;
      petsc_check(summarize_state(ctx, res.X, t, &s), "computing the observables");
      check_state(s, c, grid, t, negative_limit);
      sol.times.push_back(samples[next_sample]);
      sol.observables.push_back(s.observables);
      sol.max_mass_error = std::max(sol.max_mass_error, std::fabs(s.total_mass - 1.0));
      sol.lost_u_max = s.lost_u;
      sol.lost_c_max = s.lost_c;
      exit_detector.observe(samples[next_sample], s.observables);
      ++next_sample;
      if (show_progress) fmt::print(stderr, "\rstf run: t = {:<12.6g} of {:g}", t, c.time.end);
    }
    while (next_snapshot < snapshot_times.size() && snapshot_times[next_snapshot] <= t + 1e-12 * c.time.end) {
      DensitySnapshot snap;
      petsc_check(gather_snapshot(ctx, res.X, t, &snap), "gathering a snapshot");
      if (options.vtk_folder && ctx.rank == 0)
        petsc_check(write_snapshot_vts(snap, *options.vtk_folder / fmt::format("density_{:04d}.vts", next_snapshot)),
                    "writing a snapshot");
      sol.snapshots.push_back(std::move(snap));
      ++next_snapshot;
    }
  };

  const auto start = std::chrono::steady_clock::now();
  record(0.0);
  double from = 0.0;  // the start of the current stop interval
  for (double stop : stops) {
    // I is right-continuous and changes only at stops: its value on [from, stop) is the one at from.
    ctx.interval.input = c.model.input.value(from);
    petsc_check(TSSetMaxTime(ts, stop), "TSSetMaxTime");
    petsc_check(TSSolve(ts, res.X), "TSSolve");
    if (control.interrupted) {
      sol.interrupted = true;
      break;
    }
    TSConvergedReason reason;
    petsc_check(TSGetConvergedReason(ts, &reason), "TSGetConvergedReason");
    if (reason < 0) throw SolverFailure(std::string("the time stepper failed: ") + TSConvergedReasons[reason]);
    PetscReal t;
    petsc_check(TSGetTime(ts, &t), "TSGetTime");
    if (!near(t, stop, c.time.end))
      throw SolverFailure("the time stepper stopped at t = " + fmt_g(t) + " instead of " + fmt_g(stop));
    // At a relabelling time the rows have moved down by one: relabel first, so the state and its
    // shift (0 again) describe the same positions for the observables.
    while (next_relabel < relabels.size() && relabels[next_relabel] <= stop + 1e-12 * c.time.end) {
      petsc_check(relabel_calcium_rows(ctx, res.X), "relabelling the calcium rows");
      ctx.interval.frame_start = stop;
      ++next_relabel;
    }
    from = stop;
    record(stop);
    // Every rank decides together: the next TSSolve is collective.
    if (options.stop != nullptr && stop_requested_on_any_rank(options.stop, comm)) {
      sol.interrupted = true;
      break;
    }
  }
  if (show_progress) fmt::print(stderr, "\n");
  petsc_check(monitors.view_once(ts), "-ts_view");
  sol.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  sol.steps = control.steps;
  sol.cell_steps = sol.cells * sol.steps;
  sol.rhs_evaluations = ctx.rhs_evaluations;
  sol.cell_stage_updates_per_second =
      sol.wall_seconds > 0.0 ? double(sol.cells) * double(sol.rhs_evaluations) / sol.wall_seconds : 0.0;
  sol.exit_time = exit_detector.exit_time();
  return sol;
}

}  // namespace stf::solver
