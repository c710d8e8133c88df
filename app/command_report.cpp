// stf report CASE [--out DIR] [--quick] [--force]: the limit against the particles for one case
// (mesh study, particles against the limit, exit times), written as report.html and report.json.
#include <petscsys.h>

#include <fmt/core.h>

#include "app/case_options.hpp"
#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/interrupt.hpp"
#include "app/output_folder.hpp"
#include "app/petsc_options.hpp"
#include "model/case_limits.hpp"
#include "validation/report.hpp"

namespace stf::app {

namespace {

struct ReportCommandOptions {
  CaseOptions case_options;
  std::string out;
  bool quick = false;
  bool force = false;
};

int run_report(const AppContext& context, const ReportCommandOptions& o)
{
  const model::Case c = o.case_options.read();
  model::check_report_resources(c, model::machine_memory_bytes());
  check_petsc_options(context);
  const std::filesystem::path out = o.out.empty() ? std::filesystem::path("out") / c.name / "report" : std::filesystem::path(o.out);
  std::optional<io::OutputFolder> folder;
  // Only rank 0 writes; it checks for an existing folder before any work is done.
  open_output_folder(context, out, o.force, o.case_options.case_file, folder);
  InterruptGuard guard;
  validation::ReportOptions ro;
  ro.quick = o.quick;
  ro.progress = true;
  ro.stop = &InterruptGuard::flag();
  const validation::ReportData data = validation::run_report_studies(c, ro, PETSC_COMM_WORLD);
  if (data.interrupted) {
    // A report of incomplete studies would read like a finished one: the staged folder is dropped.
    if (context.is_root()) fmt::print(stderr, "stf report: interrupted; nothing was written\n");
    return exit_interrupted;
  }
  if (context.is_root()) {
    validation::write_report(data, *folder);
    folder->commit();
    fmt::print("{}\nReport written to {}\n", data.closing_note, (out / "report.html").string());
  }
  return exit_ok;
}

}  // namespace

void register_report_command(CLI::App& app, const AppContext& context, CommandAction& action)
{
  auto* command = app.add_subcommand(
      "report", "compare the limit with the finite network: mesh study, particles, exit times (report.html)");
  auto options = std::make_shared<ReportCommandOptions>();
  options->case_options.add_to(*command);
  command->add_option("-o,--out", options->out, "output folder (default out/<case>/report)");
  command->add_flag("--quick", options->quick, "a small study (seconds): for tests and a first look");
  command->add_flag("--force", options->force, "replace an existing output folder");
  command->callback([&action, &context, options] { action = [&context, options] { return run_report(context, *options); }; });
}

}  // namespace stf::app
