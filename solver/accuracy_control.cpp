// Refinement to a requested accuracy (see the header).
#include "solver/accuracy_control.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

namespace stf::solver {

namespace {

/// Roache's safety factor of the grid convergence index with three resolutions: the estimate is
/// meant to bracket the error, not to equal it.
constexpr double safety = 1.25;

/// Error of the finest of three values from their last two differences: Fs d_f / (2^p - 1) with the
/// observed p = log2(d_c / d_f), clamped to [0.5, order]. A higher apparent order is not trusted to
/// shrink the estimate; a lower one (pre-asymptotic, or noise) widens it.
double richardson_error(double d_coarse, double d_fine, double order, std::optional<double>* observed)
{
  double p = order;
  if (d_coarse > 0.0 && d_fine > 0.0) {
    *observed = std::log2(d_coarse / d_fine);
    p = std::clamp(**observed, 0.5, order);
  } else if (d_fine == 0.0) {
    return 0.0;
  }
  return safety * d_fine / (std::exp2(p) - 1.0);
}

}  // namespace

AccuracyReport estimate_accuracy(const std::vector<const Solution*>& levels, double tolerance, double order)
{
  AccuracyReport r;
  r.tolerance = tolerance;
  const std::size_t n = levels.size();
  if (n < 2) return r;
  const Solution& fine = *levels[n - 1];
  const Solution& mid = *levels[n - 2];
  const Solution* coarse = n >= 3 ? levels[n - 3] : nullptr;
  bool ok = true;
  // Observables: sup over the common sample times of the differences.
  const std::size_t samples = std::min(fine.observables.size(), mid.observables.size());
  for (std::size_t k = 0; k < model::observable_count; ++k) {
    double d_fine = 0.0, d_coarse = 0.0, scale = 0.0;
    for (std::size_t s = 0; s < samples; ++s) {
      d_fine = std::max(d_fine, std::fabs(fine.observables[s].values[k] - mid.observables[s].values[k]));
      scale = std::max(scale, std::fabs(fine.observables[s].values[k]));
      if (coarse && s < coarse->observables.size())
        d_coarse = std::max(d_coarse, std::fabs(mid.observables[s].values[k] - coarse->observables[s].values[k]));
    }
    r.observable_scale[k] = scale;
    r.observable_error[k] = coarse ? richardson_error(d_coarse, d_fine, order, &r.observable_order[k])
                                   : safety * d_fine / (std::exp2(order) - 1.0);
    if (r.observable_error[k] > tolerance * std::max(scale, 1e-300)) ok = false;
  }
  // Exit time: when every level has one. A level without an exit where another has one is a
  // disagreement on the region's boundary: not converged.
  const bool all_exit = fine.exit_time && mid.exit_time && (!coarse || coarse->exit_time);
  const bool none_exit = !fine.exit_time && !mid.exit_time;
  if (all_exit) {
    const double d_fine = std::fabs(*fine.exit_time - *mid.exit_time);
    const double d_coarse = coarse ? std::fabs(*mid.exit_time - *coarse->exit_time) : 0.0;
    r.exit_time_error = coarse ? richardson_error(d_coarse, d_fine, order, &r.exit_time_order)
                               : safety * d_fine / (std::exp2(order) - 1.0);
    if (*r.exit_time_error > tolerance * std::fabs(*fine.exit_time)) ok = false;
  } else if (!none_exit) {
    ok = false;
  }
  r.converged = ok && coarse != nullptr;
  return r;
}

Solution refine_to_tolerance(const std::function<Solution(int level)>& run_level, double tolerance,
                             const RefinementLimits& limits, const std::atomic<bool>* stop, MPI_Comm comm)
{
  std::vector<Solution> solutions;
  std::vector<AccuracyLevel> levels;
  double spent = 0.0;
  AccuracyReport report;
  for (int level = limits.first_level;; ++level) {
    Solution s = run_level(level);
    // Every rank must take the same decision: the slowest rank's time and any rank's interrupt.
    double wall = s.wall_seconds;
    MPI_Allreduce(MPI_IN_PLACE, &wall, 1, MPI_DOUBLE, MPI_MAX, comm);
    const bool interrupted = s.interrupted || stop_requested_on_any_rank(stop, comm);
    spent += wall;
    AccuracyLevel info;
    info.level = level;
    info.resolution = s.resolution;
    info.cells = s.cells;
    info.steps = s.steps;
    info.wall_seconds = wall;
    info.exit_time = s.exit_time;
    levels.push_back(info);
    solutions.push_back(std::move(s));
    if (interrupted) {
      Solution out = std::move(solutions.back());
      out.interrupted = true;
      return out;
    }
    if (solutions.size() > 3) solutions.erase(solutions.begin());
    std::vector<const Solution*> view;
    for (const auto& x : solutions) view.push_back(&x);
    report = estimate_accuracy(view, tolerance, limits.nominal_order);
    if (report.converged) break;
    // The next level costs about 2^dim times this one (dim = 2: time and cells).
    const double next = 4.0 * wall;
    if (level >= limits.max_level) {
      report.stop_reason = fmt::format("the finest level allowed ({}) was reached", limits.max_level);
      break;
    }
    if (solutions.size() >= 3 && spent + next > limits.wall_budget_seconds) {
      report.stop_reason =
          fmt::format("the next level would take about {:.3g} s, beyond the budget of {:.3g} s", next,
                      limits.wall_budget_seconds);
      break;
    }
  }
  Solution out = std::move(solutions.back());
  report.levels = std::move(levels);
  out.accuracy = std::move(report);
  return out;
}

}  // namespace stf::solver
