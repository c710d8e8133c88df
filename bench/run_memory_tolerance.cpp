// `stf run cases/memory.toml` as a user runs it (the stf command, start-up included), at the default
// tolerance and at solver.tolerance = 1e-6: the median wall time of each, and the exit time's error
// against the memory case's converged value beside the run's own error estimate (issue 9's targets:
// within the tolerance of the truth in under 1 s at the default, under 30 s at 1e-6).
//
// The converged value, 4.8908533969 +- 8.3e-8: levels 5 and 6 of the characteristic scheme (exit times
// 4.8908556438 and 4.8908539586) extrapolated at order 2, with the error that solve()'s refinement
// gives that extrapolation (solver/accuracy_control.hpp; Roache's factor 3 for the extrapolations'
// observed order 1.72). The previous value, 4.8908533135 +- 6.8e-7, came from levels with the double
// count at the atoms' crossings of the calcium floor (docs/numerical-method.md §11); they agree. With
// the floor landings in rows of their own, levels 5 and 6 (4.8908556602, 4.8908539637) extrapolate to
// 4.8908533980, 1.1e-9 from it.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fmt/core.h>
#include <fstream>
#include <string>
#include <vector>

#include "bench/usage.hpp"

namespace {

constexpr const char* usage =
    "run_memory_tolerance: the wall time of stf run cases/memory.toml (median of K runs) at the default\n"
    "tolerance and at 1e-6, and the exit time's error against the converged value next to the run's\n"
    "estimate (targets: under 1 s and under 30 s).\n\n"
    "usage: run_memory_tolerance [--repeat K] [--skip-fine]\n\n"
    "  --repeat K    runs at the default tolerance (default 5; the 1e-6 run is made once)\n"
    "  --skip-fine   only the default tolerance\n"
    "  -h, --help    this text\n";

constexpr double converged_exit = 4.8908533969, converged_uncertainty = 8.3e-8;

struct RunResult {
  double seconds = -1.0, exit_time = NAN, estimate = NAN;
};

RunResult run_once(const std::string& extra, const std::filesystem::path& out)
{
  const std::string command = fmt::format("'{}' run '{}/cases/memory.toml' --quiet --force --out '{}' {} >/dev/null 2>&1",
                                          STF_EXECUTABLE, STF_SOURCE_DIR, out.string(), extra);
  const auto start = std::chrono::steady_clock::now();
  if (std::system(command.c_str()) != 0) return {};
  RunResult r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::ifstream in(out / "summary.json");
  const auto summary = nlohmann::json::parse(in);
  r.exit_time = summary.at("exit_time").get<double>();
  r.estimate = summary.at("exit_time_error").get<double>();
  return r;
}

int report(const char* label, double tolerance, double target_seconds, const std::string& extra, int repeat,
           const std::filesystem::path& out)
{
  std::vector<double> times;
  RunResult r;
  for (int k = 0; k < repeat; ++k) {
    r = run_once(extra, out);
    if (r.seconds < 0.0) {
      fmt::print("stf run cases/memory.toml {}: failed\n", label);
      return 1;
    }
    times.push_back(r.seconds);
  }
  std::sort(times.begin(), times.end());
  const double median = times[times.size() / 2];
  const double error = std::fabs(r.exit_time - converged_exit);
  const bool fast = median < target_seconds, accurate = error <= tolerance * converged_exit + converged_uncertainty;
  fmt::print("stf run cases/memory.toml {}: {:.3f} s (median of {}; target < {:g} s){} | exit time {:.10f}, error "
             "{:.2e} ({:.1e} relative, tolerance {:g}){}, estimate {:.2e}{}\n",
             label, median, repeat, target_seconds, fast ? "" : "  ABOVE TARGET", r.exit_time, error,
             error / converged_exit, tolerance, accurate ? "" : "  OUTSIDE TOLERANCE", r.estimate,
             error <= r.estimate + converged_uncertainty ? " (brackets it)" : "  DOES NOT BRACKET IT");
  return fast && accurate ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv)
{
  if (stf::bench::asked_for_help(argc, argv, usage)) return 0;
  int repeat = 5;
  bool fine = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc && stf::bench::positive_integer(argv[i + 1]) > 0) {
      repeat = static_cast<int>(stf::bench::positive_integer(argv[++i]));
    } else if (a == "--skip-fine") {
      fine = false;
    } else {
      fmt::print(stderr, "run_memory_tolerance: unknown argument {} (see --help)\n", a);
      return 2;
    }
  }
  const auto out = std::filesystem::temp_directory_path() / "stf_bench_run_memory_tolerance";
  int missed = report("(default tolerance 1e-4)", 1e-4, 1.0, "", repeat, out);
  if (fine) missed += report("--set solver.tolerance=1e-6", 1e-6, 30.0, "--set solver.tolerance=1e-6", 1, out);
  std::filesystem::remove_all(out);
  return missed == 0 ? 0 : 1;
}
