// stf run CASE: solves the mean-field limit (MODEL.md §3) and writes observables.csv,
// summary.json, case.toml and density snapshots into the run folder (default out/<case>/run/).
#include <petscsys.h>

#include <fmt/core.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/case_options.hpp"
#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/interrupt.hpp"
#include "app/output_folder.hpp"
#include "app/petsc_options.hpp"
#include "mesh/grid.hpp"
#include "io/output_folder.hpp"
#include "solver/run_outputs.hpp"
#include "solver/snapshots.hpp"
#include "solver/solve.hpp"

namespace stf::app {

namespace {

struct RunOptions {
  CaseOptions case_options;
  std::string out;
  bool force = false;
  bool quiet = false;
};

/// Writes the density snapshots as density_NNNN.vts (rank 0 holds them); a failure (disk full) is
/// an output error, reported without PETSc's traceback.
void write_snapshots(const solver::Solution& sol, const std::filesystem::path& folder)
{
  if (sol.snapshots.empty()) return;
  PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);
  for (std::size_t k = 0; k < sol.snapshots.size(); ++k) {
    const auto path = folder / fmt::format("density_{:04d}.vts", k);
    if (const PetscErrorCode code = solver::write_snapshot_vts(sol.snapshots[k], path); code != 0) {
      PetscPopErrorHandler();
      const char* text = nullptr;
      PetscErrorMessage(code, &text, nullptr);
      throw io::IoError("writing '" + path.string() + "' failed (disk full?): " + (text ? text : "unknown error"));
    }
  }
  PetscPopErrorHandler();
}

int run(const RunOptions& options, const AppContext& context)
{
  const model::Case c = options.case_options.read();
  // One process solving with the characteristic scheme needs neither MPI nor PETSc (AppContext).
  const bool alone = c.solver.scheme == "characteristic" && !context.parallel;
  if (!alone) context.start_parallel();
  check_petsc_options(context);
  const std::filesystem::path out = options.out.empty() ? std::filesystem::path("out") / c.name / "run" : std::filesystem::path(options.out);

  std::optional<io::OutputFolder> folder;
  open_output_folder(context, out, options.force, options.case_options.case_file, folder, {"snapshots"});

  if (context.is_root() && !options.quiet && c.solver.scheme == "characteristic") {
    fmt::print("stf run {}: characteristic scheme, refined to a relative error of {:g}, {} rank(s)\n", c.name,
               c.solver.tolerance.value_or(model::SolverSettings::default_tolerance), context.size);
    // Nothing the user gave is silently ignored: the cells move with the flow, the grid is unused.
    if (c.mesh.given)
      fmt::print("  [mesh] is not used by this scheme (it is read by solver.scheme = \"muscl\" and by stf report's "
                 "density study)\n");
  } else if (context.is_root() && !options.quiet) {
    const mesh::Grid g(c.mesh);
    fmt::print("stf run {}: mesh {} x {} = {} cells over [0, {:.6g}] x [0, {:.6g}] (du = {:.4g} to {:.4g}, dc = {:.4g}), "
               "limiter {}, cfl {}, {} rank(s)\n",
               c.name, g.cells_u(), g.cells_c(), g.cells(), g.u_max(), g.c_max(), g.du(0), g.du(g.cells_u() - 1), g.dc(),
               c.solver.limiter,
               c.solver.cfl, context.size);
  }
  solver::SolveOptions so;
  so.snapshot_times = c.solver.snapshots;
  // The snapshots are written after the solve (below), where a full disk is an output error (exit 4).
  so.progress = !options.quiet;
  InterruptGuard guard;
  so.stop = &InterruptGuard::flag();
  const solver::Solution sol = solver::solve(c, so, alone ? MPI_COMM_NULL : PETSC_COMM_WORLD);
  if (sol.interrupted) {
    // Observables that stop short would read like a finished run: the staged folder is dropped.
    if (context.is_root())
      fmt::print(stderr, "stf run: interrupted at t = {:.6g} of {:g}; nothing was written\n",
                 sol.times.empty() ? 0.0 : sol.times.back(), c.time.end);
    return exit_interrupted;
  }
  if (context.is_root()) {
    write_snapshots(sol, folder->file("snapshots"));
    solver::write_run_outputs(folder->staging(), c, sol, {context.size, context.petsc_args});
    if (!sol.snapshots.empty()) {
      // ParaView opens snapshots/density.pvd: each snapshot's cells and singular parts at its time.
      std::vector<double> times;
      std::vector<std::string> files;
      for (std::size_t k = 0; k < sol.snapshots.size(); ++k) {
        times.push_back(sol.snapshots[k].t);
        files.push_back(fmt::format("density_{:04d}.vts", k));
      }
      io::write_text_file(folder->file("snapshots") / "density.pvd", solver::snapshots_pvd(times, files));
    }
    folder->commit();
    if (!options.quiet && sol.scheme == "characteristic") {
      fmt::print("  finest level: steps {}, wall {:.3g} s, at most {} cells, max mass error {:.2e}\n", sol.steps,
                 sol.wall_seconds, sol.cells, sol.max_mass_error);
    } else if (!options.quiet) {
      fmt::print("  steps {}, wall {:.3g} s, {:.3g} cell-stage updates/s, max mass error {:.2e}, lost mass {:.2e} "
                 "(u_max) {:.2e} (c_max)\n",
                 sol.steps, sol.wall_seconds, sol.cell_stage_updates_per_second, sol.max_mass_error, sol.lost_u_max,
                 sol.lost_c_max);
    }
    if (!options.quiet) {
      if (sol.accuracy) {
        const auto& a = *sol.accuracy;
        fmt::print("  {} levels, finest: {}\n", a.levels.size(), sol.resolution);
        if (!a.converged) fmt::print("  NOT converged to the tolerance: {}\n", a.stop_reason);
      }
      if (sol.exit_time && sol.accuracy && sol.accuracy->exit_time_error)
        fmt::print("  exit time {:.10g} +- {:.2g} (estimated error{})\n", *sol.exit_time, *sol.accuracy->exit_time_error,
                   sol.accuracy->exit_time_extrapolated ? "; extrapolated from the two finest levels" : "");
      else if (sol.exit_time)
        fmt::print("  exit time {:.6g}\n", *sol.exit_time);
      else
        fmt::print("  no exit from the region before t = {:.6g}\n", c.time.end);
      fmt::print("  written to {}\n", out.string());
    }
  }
  return exit_ok;
}

}  // namespace

void register_run_command(CLI::App& app, const AppContext& context, CommandAction& action)
{
  auto* command = app.add_subcommand("run", "solve the mean-field limit of a case on a mesh (PETSc options after --)");
  auto options = std::make_shared<RunOptions>();
  options->case_options.add_to(*command);
  options->case_options.used = {.solver = true, .report = false};
  command->add_option("-o,--out", options->out, "output folder (default out/<case>/run)");
  command->add_flag("--force", options->force, "replace the output folder if it exists");
  command->add_flag("--quiet", options->quiet, "print nothing but errors");
  command->callback([&action, &context, options] { action = [&context, options] { return run(*options, context); }; });
}

}  // namespace stf::app
