// Speed of the rate reductions (docs/reductions.md) on cases/memory.toml: microseconds per run for
// each stimulus strength c0 = 5..20, the exit time alone (as `stf sweep --method reduce:NAME` needs
// it without --observe) and with the 3001 samples of observables.csv. Each figure is the minimum
// over repetitions: on a shared machine the minimum is the cost, the rest is waiting.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <string>
#include <vector>

#include "model/case_reader.hpp"
#include "reduce/integrate.hpp"

using namespace stf;

int main()
{
  const std::string file = std::string(STF_SOURCE_DIR) + "/cases/memory.toml";
  fmt::print("{:>14} {:>5} {:>10} {:>16} {:>16} {:>7}\n", "method", "c0", "exit time", "exit only [us]", "sampled [us]",
             "steps");
  for (const auto& method : model::reduction_method_names())
    for (int c0 = 5; c0 <= 20; c0 += 5) {
      const model::Case c = model::read_case(file, {fmt::format("initial.C.at={}", c0)});
      double best[2] = {std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
      reduce::ReductionRun last;
      for (int rep = 0; rep < 15; ++rep)
        for (int sample = 0; sample < 2; ++sample) {
          reduce::IntegrateOptions o;
          o.sample = sample == 1;
          const auto start = std::chrono::steady_clock::now();
          last = reduce::run_reduction(method, c, o);
          const double us = 1e6 * std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          best[sample] = std::min(best[sample], us);
        }
      fmt::print("{:>14} {:>5} {:>10.5g} {:>16.1f} {:>16.1f} {:>7}\n", method, c0, last.exit_time.value_or(-1.0),
                 best[0], best[1], last.steps);
    }
  return 0;
}
