// stf reduce CASE [--method NAME ...] [--compare] [--memory-curve START:STOP:COUNT]: the rate
// reductions of docs/reductions.md (Boost.Odeint), and with --compare the limit beside them.
// Writes <method>/observables.csv and summary.json, case.toml and comparison.json/.csv with the
// figures into the output folder (default out/<case>/reduce/).
#include <petscsys.h>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "app/case_options.hpp"
#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/interrupt.hpp"
#include "app/output_folder.hpp"
#include "model/input_error.hpp"
#include "validation/reduce_comparison.hpp"
#include "validation/sweep.hpp"

namespace stf::app {

namespace {

struct ReduceOptions {
  CaseOptions case_options;
  std::vector<std::string> methods;
  bool compare = false;
  std::string memory_curve;
  std::string out;
  bool force = false;
  bool quiet = false;
};

int run_reduce(const ReduceOptions& o, const AppContext& context)
{
  validation::ReduceStudyOptions so;
  so.methods = o.methods;
  so.compare = o.compare;
  if (!o.memory_curve.empty()) {
    // The same START:STOP:COUNT grammar as stf sweep --vary.
    const auto spec = validation::parse_sweep_spec("initial.C.at=" + o.memory_curve);
    so.memory_c0 = spec.values();
  }
  so.progress = !o.quiet;
  for (const auto& m : o.methods) {  // before the output folder is made
    const auto& valid = model::reduction_method_names();
    if (std::find(valid.begin(), valid.end(), m) == valid.end())
      throw model::InputError("--method", 0, m, fmt::format("unknown reduction; valid: {}", fmt::join(valid, ", ")));
  }
  // The limit solver's section is read only with --compare (the reductions need none of it).
  CaseOptions case_options = o.case_options;
  case_options.used = {.solver = o.compare, .report = false};
  const model::Case c = case_options.read();
  const std::filesystem::path out =
      o.out.empty() ? std::filesystem::path("out") / c.name / "reduce" : std::filesystem::path(o.out);
  std::optional<io::OutputFolder> folder;
  open_output_folder(context, out, o.force, o.case_options.case_file, folder);
  InterruptGuard guard;
  so.stop = &InterruptGuard::flag();
  const auto study = validation::run_reduce_study(o.case_options.case_file, o.case_options.overrides, so, PETSC_COMM_WORLD);
  if (study.interrupted) {
    if (context.is_root()) fmt::print(stderr, "stf reduce: interrupted; nothing was written\n");
    return exit_interrupted;
  }
  if (!context.is_root()) return exit_ok;
  validation::write_reduce_study(study, *folder);
  folder->commit();
  if (o.quiet) return exit_ok;
  auto f = [](const std::optional<double>& v, const char* spec = "{:.6g}") {
    return v ? fmt::format(fmt::runtime(spec), *v) : std::string("-");
  };
  fmt::print("stf reduce {}: abs_tol {:g}, rel_tol {:g}\n", c.name, c.reduce.abs_tol, c.reduce.rel_tol);
  fmt::print("{:>14} {:>12} {:>12} {:>10} {:>12} {:>8}\n", "method", "exit time", "error", "rel.err", "wall [us]",
             "steps");
  if (study.limit)
    fmt::print("{:>14} {:>12} {:>12} {:>10} {:>12.1f} {:>8}\n", "limit", f(study.limit->exit_time), "", "",
               1e6 * study.limit->wall_seconds, study.limit->steps);
  for (std::size_t m = 0; m < study.runs.size(); ++m) {
    const auto& r = study.runs[m];
    const auto* cmp = m < study.comparisons.size() ? &study.comparisons[m] : nullptr;
    fmt::print("{:>14} {:>12} {:>12} {:>10} {:>12.1f} {:>8}\n", r.method,
               r.exit_rule_defined ? f(r.exit_time) : std::string("(undefined)"), cmp ? f(cmp->exit_error, "{:+.4g}") : "",
               cmp ? f(cmp->exit_rel_error ? std::optional<double>(100.0 * *cmp->exit_rel_error) : std::nullopt,
                       "{:+.3g}%")
                   : "",
               1e6 * r.wall_seconds, r.steps);
  }
  if (!study.memory.empty()) {
    fmt::print("memory curve (exit time against initial.C.at):\n{:>8} {:>10}", "c0", "limit");
    for (const auto& r : study.runs) fmt::print(" {:>14}", r.method);
    fmt::print("\n");
    for (const auto& p : study.memory) {
      fmt::print("{:>8.4g} {:>10}", p.c0, f(p.limit_exit));
      for (std::size_t m = 0; m < study.runs.size(); ++m) fmt::print(" {:>14}", f(p.exits[m]));
      fmt::print("\n");
    }
  }
  fmt::print("  written to {}\n", out.string());
  return exit_ok;
}

}  // namespace

void register_reduce_command(CLI::App& app, const AppContext& context, CommandAction& action)
{
  auto* command = app.add_subcommand(
      "reduce", "integrate rate reductions of the limit (naive, moments, facilitation) and compare them with it");
  auto options = std::make_shared<ReduceOptions>();
  options->case_options.add_to(*command);
  command->add_option("--method", options->methods, "reductions to run (default: the case's reduce.methods)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command->add_flag("--compare", options->compare, "also solve the limit and compare (comparison.json, figures)");
  command->add_option("--memory-curve", options->memory_curve,
                      "START:STOP:COUNT: exit times over initial.C.at (with --compare, the limit's too)");
  command->add_option("-o,--out", options->out, "output folder (default out/<case>/reduce)");
  command->add_flag("--force", options->force, "replace the output folder if it exists");
  command->add_flag("--quiet", options->quiet, "print nothing but errors");
  command->callback([&action, &context, options] { action = [&context, options] { return run_reduce(*options, context); }; });
}

}  // namespace stf::app
