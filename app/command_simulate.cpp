// stf simulate CASE: the finite-N network of MODEL.md §1, simulated exactly, R replicas spread over
// the MPI ranks; writes observables.csv, exit_times.csv, summary.json (and spikes.csv, trajectories.csv) into a folder
// that appears complete or not at all.
#include <petscsys.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fmt/core.h>
#include <limits>
#include <optional>
#include <string>

#include "app/case_options.hpp"
#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/interrupt.hpp"
#include "app/output_folder.hpp"
#include "model/case_reader.hpp"
#include "model/input_error.hpp"
#include "particles/ensemble.hpp"
#include "particles/simulation_outputs.hpp"
#include "solver/solver_failure.hpp"

namespace stf::app {

namespace {

struct SimulateOptions {
  CaseOptions case_options;
  long neurons = 0;  // 0: from the case
  long replicas = 0;
  std::string seed;  // text: CLI11 would clamp a number beyond 2^63 - 1 to it
  std::string out;
  long raster = 0;  // replicas whose spikes go to spikes.csv
  bool trajectories = false;
  bool force = false;
  bool whole_horizon = false;
};

int run_simulate(const SimulateOptions& opt, const AppContext& context)
{
  // The options are case keys: applied as overrides, they are validated like the file and recorded
  // in the case.toml written beside the results, so that the run can be repeated from it.
  CaseOptions with_flags = opt.case_options;
  auto& ov = with_flags.overrides;
  if (opt.neurons > 0) ov.push_back(fmt::format("particles.neurons={}", opt.neurons));
  if (opt.replicas > 0) ov.push_back(fmt::format("particles.replicas={}", opt.replicas));
  if (!opt.seed.empty()) {
    // A seed is a TOML integer in case.toml: 0 .. 2^63 - 1, written in decimal digits only.
    const bool digits = std::all_of(opt.seed.begin(), opt.seed.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    const std::string max = std::to_string(std::numeric_limits<std::int64_t>::max());
    if (!digits || opt.seed.size() > max.size() || (opt.seed.size() == max.size() && opt.seed > max))
      throw model::InputError("--seed " + opt.seed, 0, "particles.seed", "a seed is an integer from 0 to " + max);
    ov.push_back("particles.seed=" + opt.seed);
  }
  if (opt.whole_horizon) ov.push_back("particles.whole_horizon=true");
  const model::Case c = with_flags.read();
  particles::SimulationOptions o = particles::SimulationOptions::from_case(c);
  o.raster_replicas = std::min(opt.raster, o.replicas);
  o.trajectories = opt.trajectories;
  o.progress = true;
  const std::string out = opt.out.empty() ? "out/" + c.name + "/simulate" : opt.out;

  // The folder is checked before the run (an existing one is a usage error), created on rank 0 only.
  std::optional<io::OutputFolder> folder;
  open_output_folder(context, out, opt.force, opt.case_options.case_file, folder);
  if (context.is_root()) {
    fmt::print(stderr, "stf simulate: case {} | N = {} | R = {} | seed = {} | {} rank(s) | {} sample times | out {}\n",
               c.name, o.neurons, o.replicas, o.seed, context.size, c.time.sample_times().size(), out);
  }
  InterruptGuard guard;
  o.stop = &InterruptGuard::flag();
  const particles::EnsembleResult r = particles::simulate_ensemble(c, o, PETSC_COMM_WORLD);
  if (!context.is_root()) return r.interrupted ? exit_interrupted : exit_ok;

  if (r.interrupted) {
    // Some replicas would read like a finished run of fewer (one rule for every command: an
    // interrupted command leaves nothing), so the staged folder is dropped.
    fmt::print(stderr, "stf simulate: interrupted after {} of {} replica(s); nothing was written\n", r.replicas.size(),
               o.replicas);
    return exit_interrupted;
  }
  // A NaN or an infinity is no result (exit 3, README): the case's scales are bounded when it is
  // read, so one would be a failure of the simulation, never something to write.
  // (The standard errors are NaN by definition with one replica.)
  bool finite = true;
  for (const auto& rep : r.replicas) finite = finite && (!rep.exit_time || std::isfinite(*rep.exit_time));
  for (std::size_t i = 0; i < r.mean.size(); ++i)
    for (std::size_t k = 0; k < model::observable_count; ++k)
      finite = finite && std::isfinite(r.mean[i].values[k]) && (o.replicas < 2 || std::isfinite(r.stderr_[i].values[k]));
  if (!finite) throw solver::SolverFailure("the simulation produced a NaN or an infinite value; nothing was written");
  io::write_text_file(folder->file("case.toml"), model::to_toml(c));
  particles::write_simulation_outputs(c, o, r, folder->staging());
  folder->commit();
  const double spikes_per_second = r.wall_seconds > 0.0 ? double(r.total_spikes) / r.wall_seconds : 0.0;
  long exited = 0;
  double sum = 0.0;
  for (const auto& rep : r.replicas)
    if (rep.exit_time) {
      ++exited;
      sum += *rep.exit_time;
    }
  fmt::print("{}: {} replicas, {} exited", out, r.replicas.size(), exited);
  if (exited > 0) fmt::print(", mean exit time {:.6g}", sum / double(exited));
  fmt::print("; {} spikes in {:.3f} s ({:.3g} spikes/s)\n", r.total_spikes, r.wall_seconds, spikes_per_second);
  return exit_ok;
}

}  // namespace

void register_simulate_command(CLI::App& app, const AppContext& context, CommandAction& action)
{
  auto* command = app.add_subcommand(
      "simulate", "simulate the finite network exactly (event-driven), R replicas over the MPI ranks");
  auto opt = std::make_shared<SimulateOptions>();
  opt->case_options.add_to(*command);
  opt->case_options.used = {.solver = false, .report = false};
  command->add_option("--neurons,-N", opt->neurons, "network size N >= 2 (default: particles.neurons)")
      ->check(CLI::Range(2L, std::numeric_limits<long>::max()));
  command->add_option("--replicas,-R", opt->replicas, "independent replicas (default: particles.replicas)")
      ->check(CLI::PositiveNumber);
  command->add_option("--seed", opt->seed, "seed; replica k uses the stream (seed, k) (default: particles.seed)")
      ->type_name("UINT");
  command->add_option("--out,-o", opt->out, "output folder (default: out/<case>/simulate)");
  command->add_flag("--raster{1}", opt->raster,
                    "also write spikes.csv: every spike of replica 0, or of replicas 0..K-1 with --raster=K")
      ->check(CLI::NonNegativeNumber);
  command->add_flag("--trajectories", opt->trajectories,
                    "also write trajectories.csv: every replica's observables at the sample times");
  command->add_flag("--whole-horizon", opt->whole_horizon,
                    "simulate to the end even after a silent exit (particles.whole_horizon)");
  command->add_flag("--force", opt->force, "replace the output folder if it exists");
  command->callback([&action, &context, opt] { action = [&context, opt] { return run_simulate(*opt, context); }; });
}

}  // namespace stf::app
