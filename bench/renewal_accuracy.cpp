// The characteristic scheme against an independent reference for rates of every kind (issue 9): with
// w1 = 0 the limit is a renewal process whose rate solves a Volterra equation (model/renewal_oracle.hpp).
// Each variant of cases/memory.toml below (w1 = 0, a constant input, self-excitation through w0) is
// solved at the requested tolerance; for each observable the oracle computes (sup over the sample
// times) the bench prints the error, the run's own estimate, their ratio (below 1: the estimate
// brackets the error; not judged where the error is within twice the oracle's own), the oracle's own
// error estimate and the wall times.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fmt/core.h>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "bench/usage.hpp"
#include "model/case_reader.hpp"
#include "model/renewal_oracle.hpp"
#include "solver/characteristic_scheme.hpp"
#include "solver/solve.hpp"

namespace {

constexpr const char* usage =
    "renewal_accuracy: the characteristic scheme against the renewal oracle (w1 = 0, any rate function) on\n"
    "variants of cases/memory.toml: error, the run's own estimate, their ratio (below 1: the estimate brackets\n"
    "the error), the oracle's estimated error and the wall times.\n\n"
    "usage: renewal_accuracy [--variant \"KEY=VALUE ...\" ...] [--tolerance T] [--horizon H] [--only K] [--levels L]\n"
    "                        [--oracle-steps S]\n\n"
    "  --variant \"K=V ...\"  overrides of cases/memory.toml (after the common ones: w1 = 0, a constant input)\n"
    "                       instead of the built-in variants; repeatable\n"
    "  --tolerance T        the tolerance checked (default: the case's default, 1e-4)\n"
    "  --horizon H          time.end of every variant (default 8; the oracle's work grows as H^2)\n"
    "  --only K             the K-th variant alone (1-based)\n"
    "  --levels L           instead of a run to the tolerance, levels 0 to L-1 of the scheme each against the\n"
    "                       oracle: each observable's error (sup over time), where it is largest, and its order\n"
    "  --oracle-steps S     the oracle's coarsest grid, steps per unit time (default 200; its work grows as S^2)\n"
    "  -h, --help           this text\n";

/// Common to every variant: calcium out of the drive, a constant input keeping the network active.
const std::vector<std::string> common = {"model.w1=0", "model.I=0.5", "time.sample=0.01"};

/// Rates of every kind, each with self-excitation (w0 > 0), so that the drive varies in time.
const std::vector<std::vector<std::string>> variants = {
    {"model.w0=1.0"},  // the memory case's Hill rate (5, 1, 4)
    {"model.phi={kind=\"power\",gamma=1.5,kappa=0.5}", "model.w0=0.5", "model.I=1.0", "initial.U.at=0.5"},
    {"model.phi={kind=\"power\",gamma=1.5,kappa=0.5}", "model.w0=0.5", "model.I=1.0", "initial.U.at=0.5",
     "model.leak_C.law=\"exponential\"", "model.leak_C.beta=0.9"},
    {"model.phi={kind=\"sigmoid\",phi_max=4.0,theta=1.5,s=0.3}", "model.w0=0.8", "model.u_reset=0.3"},
    {"model.phi={kind=\"linear\",lambda0=0.2,gamma=1.0}", "model.w0=0.3"},
    {"model.phi={kind=\"threshold_linear\",gamma=2.0,theta=0.5,phi_max=6.0}", "model.w0=0.5"},
    {"model.phi.kappa=1", "model.w0=1.0", "model.leak_U.alpha=2"},
    {"model.phi.kappa=0.5", "model.w0=1.0"},  // Hill with an infinite slope at u_reset = 0
    {"model.phi={kind=\"hill\",phi_max=4.0,theta=0.8,kappa=0.3}", "model.w0=0.6"},
    {"model.phi={kind=\"power\",lambda0=0.1,gamma=1.0,kappa=2.0}", "model.w0=0.2", "model.leak_U.alpha=2"},
};

std::string joined(const std::vector<std::string>& v)
{
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
  return s;
}

double seconds_since(std::chrono::steady_clock::time_point start)
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Levels 0 to levels-1 of the characteristic scheme against the oracle, observable by observable.
void print_levels(const stf::model::Case& c, const stf::model::RenewalOracle& oracle, long levels, const std::string& name)
{
  using namespace stf;
  fmt::print("{}\n", name);
  std::array<double, model::observable_count> previous{};
  for (int level = 0; level < levels; ++level) {
    const auto start = std::chrono::steady_clock::now();
    const auto sol = solver::solve_characteristic_level(c, solver::characteristic_resolution(c, level), {});
    fmt::print("  level {} ({} cells, {:.2f} s):", level, sol.cells, seconds_since(start));
    for (std::size_t k = 0; k < model::observable_count; ++k) {
      if (std::isnan(oracle.error().values[k]) || static_cast<model::ObservableId>(k) == model::ObservableId::mass)
        continue;
      double error = 0.0, at = 0.0;
      for (std::size_t s = 0; s < std::min(sol.observables.size(), oracle.values().size()); ++s) {
        const double e = std::fabs(sol.observables[s].values[k] - oracle.values()[s].values[k]);
        if (e > error) error = e, at = oracle.times()[s];
      }
      fmt::print(" {} {:.2e} (t {:.2f}, order {:.2f})", model::observable_names()[k], error, at,
                 level > 0 ? std::log2(previous[k] / error) : std::nan(""));
      previous[k] = error;
    }
    fmt::print("\n");
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv)
{
  if (stf::bench::asked_for_help(argc, argv, usage)) return 0;
  double tolerance = 0.0, horizon = 8.0;
  long only = 0, levels = 0, oracle_steps = 200;
  std::vector<std::vector<std::string>> asked;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) {
      fmt::print(stderr, "renewal_accuracy: '{}' is not an option here (or lacks its value)\n{}", arg, usage);
      return 2;
    }
    const char* value = argv[++i];
    char* end = nullptr;
    if (arg == "--variant") {
      asked.emplace_back();
      std::istringstream words(value);
      for (std::string w; words >> w;) asked.back().push_back(w);
    } else if (arg == "--tolerance" || arg == "--horizon") {
      const double v = std::strtod(value, &end);
      if (end == value || *end != '\0' || !(v > 0.0)) {
        fmt::print(stderr, "renewal_accuracy: {} must be a positive number, not '{}'\n", arg, value);
        return 2;
      }
      (arg == "--tolerance" ? tolerance : horizon) = v;
    } else if (arg == "--only" || arg == "--levels" || arg == "--oracle-steps") {
      (arg == "--only" ? only : arg == "--levels" ? levels : oracle_steps) = stf::bench::positive_integer(value);
      if (stf::bench::positive_integer(value) == 0) {
        fmt::print(stderr, "renewal_accuracy: {} takes a positive whole number\n", arg);
        return 2;
      }
    } else {
      fmt::print(stderr, "renewal_accuracy: unknown option '{}'\n{}", arg, usage);
      return 2;
    }
  }
  using namespace stf;
  const auto memory = std::filesystem::path(STF_SOURCE_DIR) / "cases" / "memory.toml";
  const auto& runs = asked.empty() ? variants : asked;
  if (only > static_cast<long>(runs.size())) {
    fmt::print(stderr, "renewal_accuracy: --only takes 1 to {}\n", runs.size());
    return 2;
  }
  double worst_ratio = 0.0;
  std::size_t failed = 0;
  for (std::size_t v = 0; v < runs.size(); ++v) {
    if (only != 0 && static_cast<long>(v) + 1 != only) continue;
    std::vector<std::string> overrides = common;
    overrides.insert(overrides.end(), runs[v].begin(), runs[v].end());
    overrides.push_back(fmt::format("time.end={}", horizon));
    try {
      auto c = model::read_case(memory, overrides);
      if (tolerance > 0.0) c.solver.tolerance = tolerance;
      auto start = std::chrono::steady_clock::now();
      const model::RenewalOracle oracle(c, 4, oracle_steps);
      const double oracle_seconds = seconds_since(start);
      if (levels > 0) {
        print_levels(c, oracle, levels, joined(runs[v]));
        continue;
      }
      start = std::chrono::steady_clock::now();
      const auto run = solver::solve(c, {}, MPI_COMM_NULL);
      const double run_seconds = seconds_since(start);
      const auto& acc = *run.accuracy;
      fmt::print("{}: {} levels, {:.2f} s{}; oracle {:.2f} s\n", joined(runs[v]), acc.levels.size(), run_seconds,
                 acc.converged ? "" : " (not converged: " + acc.stop_reason + ")", oracle_seconds);
      const std::size_t samples = std::min(run.observables.size(), oracle.values().size());
      for (std::size_t k = 0; k < model::observable_count; ++k) {
        if (std::isnan(oracle.error().values[k]) || static_cast<model::ObservableId>(k) == model::ObservableId::mass)
          continue;
        double error = 0.0;
        for (std::size_t s = 0; s < samples; ++s)
          error = std::max(error, std::fabs(run.observables[s].values[k] - oracle.values()[s].values[k]));
        const double estimate = acc.observable_error[k], scale = acc.observable_scale[k];
        const double ratio = estimate > 0.0 ? error / estimate : (error > 0.0 ? std::numeric_limits<double>::infinity() : 0.0);
        // An error within twice the oracle's own is not resolved by it: no verdict on the estimate.
        const bool resolved = error > 2.0 * oracle.error().values[k];
        if (resolved) worst_ratio = std::max(worst_ratio, ratio);
        fmt::print("  {:15s} error {:.2e} estimate {:.2e} ratio {:.2f} relative error {:.1e} (oracle +- {:.1e}){}{}\n",
                   model::observable_names()[k], error, estimate, ratio, error / scale, oracle.error().values[k],
                   acc.observable_extrapolated[k] ? " extrapolated" : "", resolved ? "" : " (within the oracle's error)");
      }
      std::fflush(stdout);
    } catch (const std::exception& e) {
      ++failed;
      fmt::print("{}: FAILED: {}\n", joined(runs[v]), e.what());
      std::fflush(stdout);
    }
  }
  fmt::print("worst ratio of error to estimate: {:.2f} ({}){}\n", worst_ratio,
             worst_ratio < 1.0 ? "every estimate brackets its error" : "AN ESTIMATE MISSES ITS ERROR",
             failed > 0 ? fmt::format("; {} run(s) failed", failed) : "");
  return worst_ratio < 1.0 && failed == 0 ? 0 : 1;
}
