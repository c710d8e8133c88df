// The start-up time of the stf command: `stf --help`, `stf --version` and `stf check` on the memory
// case, the median of several runs each (target: under 0.2 s; initialising MPI and PETSc alone
// takes about half a second, so these commands go without).
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fmt/core.h>
#include <string>
#include <vector>

#include "bench/usage.hpp"

namespace {

constexpr const char* usage =
    "startup: the median wall time of stf --help, stf --version and stf check cases/memory.toml\n"
    "(target: under 0.2 s each).\n\n"
    "usage: startup [--repeat K]\n\n"
    "  --repeat K  runs of each command (default 7)\n"
    "  -h, --help  this text\n";

/// Median wall time of `command` (its output discarded) over `repeat` runs; negative if it failed.
double median_seconds(const std::string& command, int repeat)
{
  std::vector<double> times;
  for (int k = 0; k < repeat; ++k) {
    const auto start = std::chrono::steady_clock::now();
    if (std::system((command + " >/dev/null 2>&1").c_str()) != 0) return -1.0;
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv)
{
  if (stf::bench::asked_for_help(argc, argv, usage)) return 0;
  int repeat = 7;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc && stf::bench::positive_integer(argv[i + 1]) > 0) {
      repeat = static_cast<int>(stf::bench::positive_integer(argv[++i]));
    } else {
      fmt::print(stderr, "startup: unknown argument {} (see --help)\n", a);
      return 2;
    }
  }
  const std::string stf = STF_EXECUTABLE;
  const std::string memory = std::string(STF_SOURCE_DIR) + "/cases/memory.toml";
  struct Command {
    std::string label, args;
  };
  const Command commands[] = {{"--help", "--help"}, {"--version", "--version"},
                              {"check cases/memory.toml", "check '" + memory + "'"}};
  int failures = 0;
  for (const auto& command : commands) {
    const double t = median_seconds("'" + stf + "' " + command.args, repeat);
    if (t < 0.0) {
      fmt::print("stf {}: failed\n", command.label);
      ++failures;
    } else {
      fmt::print("stf {}: {:.3f} s (median of {}; target < 0.2 s){}\n", command.label, t, repeat,
                 t < 0.2 ? "" : "  ABOVE TARGET");
    }
  }
  return failures == 0 ? 0 : 1;
}
