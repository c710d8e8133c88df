// Speed of the rate reductions (docs/reductions.md) on cases/memory.toml: microseconds per run,
// the exit time alone (as `stf sweep --method reduce:NAME` needs it) and with the 3001 samples of
// observables.csv, over the stimulus strengths c0 = 5..20. The median of repeated runs is printed
// (the minimum too), so that a loaded machine shows as spread rather than as a slower method.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "model/case_reader.hpp"
#include "reduce/integrate.hpp"

using namespace stf;

int main()
{
  const std::string file = std::string(STF_SOURCE_DIR) + "/cases/memory.toml";
  std::vector<model::Case> cases;
  for (int c0 = 5; c0 <= 20; ++c0) cases.push_back(model::read_case(file, {fmt::format("initial.C.at={}", c0)}));
  fmt::print("{:>14} {:>22} {:>22} {:>8}\n", "method", "exit only [us] med/min", "sampled [us] med/min", "steps");
  for (const auto& method : model::reduction_method_names()) {
    std::vector<double> fast, sampled;
    long steps = 0;
    for (int rep = 0; rep < 20; ++rep)
      for (const auto& c : cases) {
        for (bool sample : {false, true}) {
          reduce::IntegrateOptions o;
          o.sample = sample;
          const auto start = std::chrono::steady_clock::now();
          const auto r = reduce::run_reduction(method, c, o);
          const double us = 1e6 * std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          (sample ? sampled : fast).push_back(us);
          if (sample) steps += r.steps;
        }
      }
    auto median = [](std::vector<double> v) {
      std::sort(v.begin(), v.end());
      return v[v.size() / 2];
    };
    fmt::print("{:>14} {:>13.1f} / {:<6.1f} {:>13.1f} / {:<6.1f} {:>8}\n", method, median(fast),
               *std::min_element(fast.begin(), fast.end()), median(sampled),
               *std::min_element(sampled.begin(), sampled.end()), steps / long(sampled.size()));
  }
  return 0;
}
