// The characteristic scheme level by level on one case: exit time, its difference from the previous
// level and the observed order, cells, steps and wall time. The data of a work-precision diagram.
// Run: build/bench/characteristic_levels CASE [LEVELS] [KEY=VALUE ...]   (default 6 levels)
// dump=PATH writes every level's observables at every sample time to PATH (CSV: level, t, names...).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fmt/core.h>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/case_reader.hpp"
#include "model/observables.hpp"
#include "solver/characteristic_scheme.hpp"

int main(int argc, char** argv)
{
  if (argc < 2 || std::string(argv[1]) == "--help") {
    fmt::print("usage: characteristic_levels CASE [LEVELS] [KEY=VALUE ...]\n"
               "  runs the characteristic scheme of the limit at levels 0 .. LEVELS-1 (default 6) of CASE with the\n"
               "  overrides KEY=VALUE, and prints each level's exit time, its change, the observed order and the time\n");
    return argc < 2 ? 2 : 0;
  }
  const int levels = argc > 2 ? std::atoi(argv[2]) : 6;
  // rows=M, h=LEVEL, phi=LEVEL, dt=LEVEL (with the window), window=LEVEL pin one length at a level, to
  // see the error of the others alone; obs=NAME follows one observable.
  std::vector<std::string> overrides;
  long pinned_rows = 0;
  int pinned_h = -1, pinned_dt = -1, pinned_phi = -1, pinned_window = -1;
  std::string watched;  // obs=NAME: that observable's sup change and observed order, level by level
  std::string dump;     // dump=PATH: the observables of every level, for a closer look
  for (int a = 3; a < argc; ++a) {
    const std::string arg = argv[a];
    if (arg.rfind("rows=", 0) == 0) pinned_rows = std::atol(arg.c_str() + 5);
    else if (arg.rfind("h=", 0) == 0) pinned_h = std::atoi(arg.c_str() + 2);
    else if (arg.rfind("dt=", 0) == 0) pinned_dt = std::atoi(arg.c_str() + 3);
    else if (arg.rfind("phi=", 0) == 0) pinned_phi = std::atoi(arg.c_str() + 4);
    else if (arg.rfind("window=", 0) == 0) pinned_window = std::atoi(arg.c_str() + 7);
    else if (arg.rfind("obs=", 0) == 0) watched = arg.substr(4);
    else if (arg.rfind("dump=", 0) == 0) dump = arg.substr(5);
    else overrides.push_back(arg);
  }
  using namespace stf;
  try {
    const auto c = model::read_case(argv[1], overrides);
    std::vector<double> exits, watched_changes;
    const auto watched_id = watched.empty() ? model::ObservableId::rate : model::observable_from_name(watched);
    std::vector<std::vector<model::Observables>> obs;
    for (int level = 0; level < levels; ++level) {
      auto r = solver::characteristic_resolution(c, level);
      if (pinned_rows > 0) r.rows_per_unit_c = pinned_rows;
      if (pinned_h >= 0) {
        r.cell_width = solver::characteristic_resolution(c, pinned_h).cell_width;
        r.relative_width = solver::characteristic_resolution(c, pinned_h).relative_width;
      }
      if (pinned_dt >= 0) {
        const auto p = solver::characteristic_resolution(c, pinned_dt);
        r.dt = p.dt;
        r.window = p.window;
      }
      if (pinned_phi >= 0) r.phi_step = solver::characteristic_resolution(c, pinned_phi).phi_step;
      if (pinned_window >= 0) r.window = solver::characteristic_resolution(c, pinned_window).window;
      const auto sol = solver::solve_characteristic_level(c, r, {});
      const double exit = sol.exit_time.value_or(NAN);
      double diff = NAN, order = NAN, obs_diff = 0.0;
      if (!exits.empty()) diff = exit - exits.back();
      if (exits.size() >= 2) order = std::log2(std::fabs(exits[exits.size() - 1] - exits[exits.size() - 2]) / std::fabs(diff));
      // The largest change of an observable from the previous level, relative to its largest value.
      std::string worst = "-";
      if (!obs.empty())
        for (std::size_t k = 0; k + 1 < model::observable_count; ++k) {
          double diff_k = 0.0, scale = 0.0, at = NAN;
          for (std::size_t s = 0; s < sol.observables.size() && s < obs.back().size(); ++s) {
            const double change = std::fabs(sol.observables[s].values[k] - obs.back()[s].values[k]);
            if (change > diff_k) {
              diff_k = change;
              at = sol.times[s];
            }
            scale = std::max(scale, std::fabs(obs.back()[s].values[k]));
          }
          if (scale > 0.0 && diff_k / scale > obs_diff) {
            obs_diff = diff_k / scale;
            worst = fmt::format("{} at t = {:.3g}", model::observable_names()[k], at);
          }
        }
      std::string watched_text;
      if (!watched.empty() && !obs.empty()) {
        const auto k = static_cast<std::size_t>(watched_id);
        double change = 0.0;
        for (std::size_t s = 0; s < sol.observables.size() && s < obs.back().size(); ++s)
          change = std::max(change, std::fabs(sol.observables[s].values[k] - obs.back()[s].values[k]));
        const double watched_order =
            watched_changes.empty() ? std::nan("") : std::log2(watched_changes.back() / change);
        watched_changes.push_back(change);
        watched_text = fmt::format(" | {} change {:.3e} order {:5.2f}", watched, change, watched_order);
      }
      fmt::print("level {:2d}: dt {:.3e} h {:.3e} rows {:4d} | exit {:.10f} diff {:+.3e} order {:5.2f} | observables: "
                 "relative sup change {:.3e} ({}) | cells {:6d} steps {:7d} wall {:.3f} s\n",
                 level, r.dt, r.cell_width, r.rows_per_unit_c, exit, diff, order, obs_diff, worst, sol.cells, sol.steps,
                 sol.wall_seconds);
      if (!watched_text.empty()) fmt::print("         {}\n", watched_text);
      std::fflush(stdout);
      exits.push_back(exit);
      obs.push_back(sol.observables);
      if (!dump.empty()) {
        std::FILE* f = std::fopen(dump.c_str(), level == 0 ? "w" : "a");
        if (f == nullptr) throw std::runtime_error("cannot write " + dump);
        if (level == 0) {
          fmt::print(f, "level,t");
          for (auto name : model::observable_names()) fmt::print(f, ",{}", name);
          fmt::print(f, "\n");
        }
        for (std::size_t s = 0; s < sol.observables.size(); ++s) {
          fmt::print(f, "{},{:.10g}", level, sol.times[s]);
          for (double v : sol.observables[s].values) fmt::print(f, ",{:.17g}", v);
          fmt::print(f, "\n");
        }
        std::fclose(f);
      }
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "characteristic_levels: {}\n", e.what());
    return 1;
  }
  return 0;
}
