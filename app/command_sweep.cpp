// stf sweep CASE --vary KEY=START:STOP:COUNT [--vary KEY2=START:STOP:COUNT] [--neurons N --replicas R
// [--particles-at V[,V2]]] [--out DIR]: the exit time and chosen observables over a range of one
// parameter (the memory curve when KEY is the stimulus strength initial.C.at, MODEL.md §4) or over
// the grid of two (the phase diagram).
#include <petscsys.h>

#include <algorithm>
#include <cmath>
#include <fmt/core.h>

#include "app/case_options.hpp"
#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/interrupt.hpp"
#include "app/output_folder.hpp"
#include "app/petsc_options.hpp"
#include "model/input_error.hpp"
#include "solver/solver_failure.hpp"
#include "validation/sweep.hpp"

namespace stf::app {

namespace {

/// `value` in fixed notation to the decimal of the second significant digit of `error` (6
/// significant digits where the error is 0 or not finite).
std::string with_error_digits(double value, double error)
{
  if (!(error > 0.0) || !std::isfinite(error)) return fmt::format("{:.6g}", value);
  const int decimals = std::clamp(1 - static_cast<int>(std::floor(std::log10(error))), 0, 16);
  return fmt::format("{:.{}f}", value, decimals);
}

struct SweepCommandOptions {
  CaseOptions case_options;
  std::vector<std::string> vary;
  std::vector<std::string> particles_at;
  std::string out;
  long neurons = 0;
  long replicas = 10;
  std::vector<std::string> observables{"rate", "mean_calcium"};
  std::string method = "limit";
  bool force = false;
};

int run_sweep(const AppContext& context, const SweepCommandOptions& o)
{
  if (o.vary.size() > 2) throw model::InputError("--vary", 0, o.vary[2], "at most two keys can be varied together");
  std::vector<validation::SweepSpec> specs;
  for (const auto& v : o.vary) specs.push_back(validation::parse_sweep_spec(v));
  const auto& spec = specs.front();
  if (specs.size() == 2 && specs[1].key == spec.key)
    throw model::InputError("--vary", 0, specs[1].key, "the two keys varied must differ");
  validation::SweepOptions so;
  for (const auto& text : o.particles_at) {  // V or V1,V2: a grid point
    std::vector<double> at;
    std::size_t from = 0;
    while (true) {
      const auto comma = text.find(',', from);
      const std::string part = text.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
      std::size_t used = 0;
      double v = 0.0;
      try {
        v = std::stod(part, &used);
      } catch (const std::logic_error&) {
        used = 0;
      }
      if (part.empty() || used != part.size() || !std::isfinite(v))
        throw model::InputError("--particles-at", 0, text, "expected the grid point's values, e.g. 10 or 10,0.5");
      at.push_back(v);
      if (comma == std::string::npos) break;
      from = comma + 1;
    }
    so.particle_points.push_back(at);
  }
  if (o.neurons > 0) so.neurons = o.neurons;
  if (o.neurons == 1 || o.neurons < 0) throw model::InputError("--neurons", 0, "", "needs at least 2 neurons");
  if (o.replicas < 2) throw model::InputError("--replicas", 0, "", "needs at least 2 replicas");
  so.replicas = o.replicas;
  if (o.method.rfind("reduce:", 0) == 0) {
    so.reduction = o.method.substr(7);
    if (so.neurons) throw model::InputError("--method", 0, o.method, "--neurons compares the network with the limit, not with a reduction");
  } else if (o.method != "limit") {
    throw model::InputError("--method", 0, o.method, "expected limit or reduce:NAME (e.g. reduce:naive)");
  }
  so.observables.clear();
  for (const auto& name : o.observables) {
    try {
      so.observables.push_back(model::observable_from_name(name));
    } catch (const std::invalid_argument& e) {
      throw model::InputError("--observe", 0, name, e.what());
    }
  }
  so.progress = !so.reduction;  // a reduction's values take microseconds
  InterruptGuard guard;
  so.stop = &InterruptGuard::flag();
  const model::Case base = o.case_options.read();
  check_petsc_options(context);
  std::string key_name;
  for (const auto& sp : specs) key_name += (key_name.empty() ? "" : "_") + sp.key;
  for (auto& ch : key_name)
    if (ch == '.') ch = '_';
  const std::filesystem::path out =
      o.out.empty() ? std::filesystem::path("out") / base.name / ("sweep_" + key_name) : std::filesystem::path(o.out);
  std::optional<io::OutputFolder> folder;
  open_output_folder(context, out, o.force, o.case_options.case_file, folder);
  const validation::SweepResult result =
      validation::run_sweep(o.case_options.case_file, o.case_options.overrides, specs, so, PETSC_COMM_WORLD);
  if (result.interrupted) {
    // One rule for every command: an interrupted command leaves nothing that could pass for a result.
    if (context.is_root())
      fmt::print(stderr, "stf sweep: interrupted after {} of {} value(s); nothing was written\n", result.points.size(),
                 spec.count * (specs.size() == 2 ? specs[1].count : 1));
    return exit_interrupted;
  }
  // A NaN or an infinity anywhere is no result (exit 3, README).
  for (const auto& p : result.points) {
    if (!p.error.empty()) continue;  // recorded as failed, with its reason
    bool finite = std::isfinite(p.limit_mass_error);
    for (const auto& v : {p.limit_exit_time, p.exit_mean, p.exit_std, p.exit_stderr}) finite = finite && (!v || std::isfinite(*v));
    for (double v : p.limit_peak) finite = finite && std::isfinite(v);
    for (double v : p.particle_peak) finite = finite && std::isfinite(v);
    if (!finite)
      throw solver::SolverFailure(fmt::format("the value {}{} gave a NaN or an infinite result; nothing was written", p.value,
                                              p.value2 ? fmt::format(", {}", *p.value2) : std::string()));
  }
  if (context.is_root()) {
    validation::write_sweep(result, *folder);
    folder->commit();
    const bool grid = specs.size() == 2;
    // The limit's exit time with its error estimate; a point whose refinement stopped short of
    // solver.tolerance is marked (sweep.json says why).
    const bool estimates = !so.reduction;
    fmt::print("{:>14}{} {:>14}{}{}\n", spec.key, grid ? fmt::format(" {:>14}", specs[1].key) : "",
               so.reduction ? *so.reduction + " tau" : std::string("limit tau"), estimates ? fmt::format(" {:>10}", "+-") : "",
               so.neurons ? fmt::format(" {:>14} {:>12}", "mean tau_N", "s.e.") : "");
    bool unconverged = false;
    for (const auto& p : result.points) {
      auto f = [](const std::optional<double>& v) { return v ? fmt::format("{:.6g}", *v) : std::string("-"); };
      // Over two keys the table says why a point has no exit time (one key: sweep.csv's failed column).
      const std::string status = validation::sweep_status(p);
      // With an estimate, the exit time to the digit after the error's first (2 digits of the error).
      const std::string tau = grid && status != "ok"                           ? status
                              : p.limit_exit_time && p.limit_exit_time_error ? with_error_digits(*p.limit_exit_time,
                                                                                                  *p.limit_exit_time_error)
                                                                             : f(p.limit_exit_time);
      const bool short_of_tolerance = p.limit_converged && !*p.limit_converged;
      unconverged = unconverged || short_of_tolerance;
      const std::string error =
          p.limit_exit_time_error ? fmt::format("{:.2g}{}", *p.limit_exit_time_error, short_of_tolerance ? "*" : "")
                                  : std::string(short_of_tolerance ? "*" : "-");
      fmt::print("{:>14.6g}{} {:>14}{}{}\n", p.value, grid ? fmt::format(" {:>14.6g}", p.value2.value_or(0.0)) : "", tau,
                 estimates ? fmt::format(" {:>10}", error) : "",
                 so.neurons && p.replicas > 0 ? fmt::format(" {:>14} {:>12}", f(p.exit_mean), f(p.exit_stderr)) : "");
    }
    if (unconverged)
      fmt::print("* the limit's refinement stopped before reaching solver.tolerance there (sweep.json: limit_stop_reason)\n");
    fmt::print("Sweep written to {}\n", out.string());
  }
  return exit_ok;
}

}  // namespace

void register_sweep_command(CLI::App& app, const AppContext& context, CommandAction& action)
{
  auto* command = app.add_subcommand(
      "sweep", "the exit time and observables over a range of one parameter (the memory curve) or over the grid of two "
               "(the phase diagram)");
  auto options = std::make_shared<SweepCommandOptions>();
  options->case_options.add_to(*command);
  options->case_options.used = {.solver = true, .report = false};
  command
      ->add_option("--vary", options->vary,
                   "KEY=START:STOP:COUNT, e.g. initial.C.at=5:20:7; given twice, the grid of both keys' values (the "
                   "phase diagram of the limit's exit time, phase_diagram.png)")
      ->required()
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command->add_option("--neurons", options->neurons,
                      "also simulate the finite network with N neurons (at every point, or at those of --particles-at)");
  command
      ->add_option("--particles-at", options->particles_at,
                   "V or V1,V2: a grid point (one value per --vary key) where the network runs; repeatable (default: "
                   "every point)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command->add_option("--replicas", options->replicas, "replicas of the finite network (default 10)");
  command->add_option("--method", options->method, "limit (default) or reduce:NAME, a rate reduction (stf reduce)");
  command->add_option("--observe", options->observables, "observables to tabulate (peak over time)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command->add_option("-o,--out", options->out, "output folder (default out/<case>/sweep_<key> or sweep_<key1>_<key2>)");
  command->add_flag("--force", options->force, "replace an existing output folder");
  command->callback([&action, &context, options] { action = [&context, options] { return run_sweep(context, *options); }; });
}

}  // namespace stf::app
