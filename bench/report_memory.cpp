// Issue 5's budget: `stf report cases/memory.toml` with the case's [report] defaults must finish in
// under 3 minutes on the 2-core CI machine. Prints the time of each stage and of the whole report
// (studies, figures and files), written into a temporary folder that is removed afterwards.
#include <petscsys.h>

#include <chrono>
#include <filesystem>
#include <fmt/core.h>
#include <fmt/ranges.h>
#include <string>
#include <vector>

#include "io/output_folder.hpp"
#include "bench/usage.hpp"
#include "model/case_reader.hpp"
#include "validation/report.hpp"

namespace {

constexpr const char* usage =
    "report_memory: the wall time of stf report cases/memory.toml (its [report] defaults) by stage,\n"
    "against the 3-minute budget.\n\n"
    "usage: report_memory [--set KEY=VALUE ...] [PETSc options]\n\n"
    "  --set KEY=VALUE  override a case key, as stf report --set does; e.g. the exit-time law up to\n"
    "                   N = 10^6: --set 'report.exit_neurons=[100, 1000, 10000, 100000, 1000000]'\n"
    "  -h, --help       this text\n";

}  // namespace

int main(int argc, char** argv)
{
  if (stf::bench::asked_for_help(argc, argv, usage)) return 0;
  // --set pairs are the case's; everything else goes to PETSc.
  std::vector<std::string> overrides;
  std::vector<char*> petsc_argv{argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--set" && i + 1 < argc) overrides.emplace_back(argv[++i]);
    else petsc_argv.push_back(argv[i]);
  }
  int petsc_argc = static_cast<int>(petsc_argv.size());
  petsc_argv.push_back(nullptr);
  char** petsc_args = petsc_argv.data();
  if (PetscInitialize(&petsc_argc, &petsc_args, nullptr, nullptr) != 0) return 1;
  int code = 0;
  try {
    const auto c = stf::model::read_case(std::string(STF_SOURCE_DIR) + "/cases/memory.toml", overrides);
    const auto start = std::chrono::steady_clock::now();
    stf::validation::ReportOptions o;
    o.progress = true;
    const auto data = stf::validation::run_report_studies(c, o, PETSC_COMM_WORLD);
    int rank = 0;
    MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
    if (rank == 0) {
      const auto out = std::filesystem::temp_directory_path() / "stf_bench_report_memory";
      {
        stf::io::OutputFolder folder(out, true);
        stf::validation::write_report(data, folder);
        folder.commit();
      }
      const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      double mesh = 0.0, particles = 0.0;
      for (const auto& l : data.mesh.levels) mesh += l.wall_seconds;
      for (const auto& l : data.particles.levels) particles += l.wall_seconds;
      double exit_law = 0.0;
      for (const auto& r : data.exit_law.runs) exit_law += r.wall_seconds;
      fmt::print("report on cases/memory.toml{}: mesh study {:.1f} s (time stepping), particles {:.1f} s, exit-time "
                 "law {:.1f} s, total with figures and files {:.1f} s (budget 180 s)\n",
                 overrides.empty() ? "" : " --set " + fmt::format("{}", fmt::join(overrides, " --set ")), mesh,
                 particles, exit_law, total);
      std::filesystem::remove_all(out);
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "report_memory: {}\n", e.what());
    code = 1;
  }
  PetscFinalize();
  return code;
}
