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

int run(const RunOptions& options, const AppContext& context)
{
  const model::Case c = options.case_options.read();
  const std::filesystem::path out = options.out.empty() ? std::filesystem::path("out") / c.name / "run" : std::filesystem::path(options.out);

  std::optional<io::OutputFolder> folder;
  open_output_folder(context, out, options.force, folder, {"snapshots"});

  if (context.is_root() && !options.quiet) {
    const mesh::Grid g(c.mesh);
    fmt::print("stf run {}: mesh {} x {} = {} cells over [0, {:.6g}] x [0, {:.6g}] (du = {:.4g} to {:.4g}, dc = {:.4g}), "
               "limiter {}, cfl {}, {} rank(s)\n",
               c.name, g.cells_u(), g.cells_c(), g.cells(), g.u_max(), g.c_max(), g.du(0), g.du(g.cells_u() - 1), g.dc(),
               c.solver.limiter,
               c.solver.cfl, context.size);
  }
  solver::SolveOptions so;
  so.snapshot_times = c.solver.snapshots;
  if (context.is_root()) so.vtk_folder = folder->file("snapshots");
  so.progress = !options.quiet;
  InterruptGuard guard;
  so.stop = &InterruptGuard::flag();
  const solver::Solution sol = solver::solve(c, so, PETSC_COMM_WORLD);
  if (sol.interrupted) {
    // Observables that stop short would read like a finished run: the staged folder is dropped.
    if (context.is_root())
      fmt::print(stderr, "stf run: interrupted at t = {:.6g} of {:g}; nothing was written\n",
                 sol.times.empty() ? 0.0 : sol.times.back(), c.time.end);
    return exit_interrupted;
  }
  if (context.is_root()) {
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
    if (!options.quiet) {
      fmt::print("  steps {}, wall {:.3g} s, {:.3g} cell-stage updates/s, max mass error {:.2e}, lost mass {:.2e} "
                 "(u_max) {:.2e} (c_max)\n",
                 sol.steps, sol.wall_seconds, sol.cell_stage_updates_per_second, sol.max_mass_error, sol.lost_u_max,
                 sol.lost_c_max);
      if (sol.exit_time)
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
