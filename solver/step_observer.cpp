// Sampling and exit detection between step ends (see the header).
#include "solver/step_observer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace stf::solver {

double StepObserver::interpolate(const std::vector<double>& times, const std::vector<double>& values, double t)
{
  double sum = 0.0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (t == times[i]) return values[i];
    double basis = 1.0;
    for (std::size_t j = 0; j < times.size(); ++j)
      if (j != i) basis *= (t - times[j]) / (times[i] - times[j]);
    sum += basis * values[i];
  }
  return sum;
}

double StepObserver::history_value(model::ObservableId id, double t) const
{
  std::vector<double> times, values;
  for (const auto& [ti, obs] : history_) {
    times.push_back(ti);
    values.push_back(obs[id]);
  }
  return interpolate(times, values, t);
}

void StepObserver::observe(double t, const model::Observables& obs)
{
  history_.emplace_back(t, obs);
  if (history_.size() > 4) history_.pop_front();
  const double tolerance = 1e-12 * std::max(1.0, std::fabs(sample_times_.back()));
  while (samples_.size() < sample_times_.size() && sample_times_[samples_.size()] <= t + tolerance) {
    const double ts = sample_times_[samples_.size()];
    model::Observables s;
    for (std::size_t k = 0; k < model::observable_count; ++k)
      s.values[k] = history_value(static_cast<model::ObservableId>(k), std::min(ts, t));
    samples_.push_back(s);
  }
  detect_exit(t, obs);
}

void StepObserver::detect_exit(double t, const model::Observables& obs)
{
  if (exited_ || t < region_.t_grace || region_.contains(obs)) return;
  exited_ = true;
  // Outside at t. With no earlier step end inside, the exit is at t itself.
  if (history_.size() < 2 || !region_.contains(history_[history_.size() - 2].second)) {
    exit_time_ = std::max(t, region_.t_grace);
    return;
  }
  const double t_in = history_[history_.size() - 2].first;
  double first = std::numeric_limits<double>::infinity();
  for (const auto& th : region_.thresholds) {
    const double v = obs[th.observable];
    std::optional<double> level;
    if (th.min && !(v >= *th.min)) level = *th.min;
    if (th.max && !(v <= *th.max)) level = *th.max;
    if (!level) continue;
    // Bisection on the cubic: inside at t_in, outside at t.
    const double sign_in = history_value(th.observable, t_in) - *level;
    double lo = t_in, hi = t;
    for (int i = 0; i < 200 && hi - lo > 4.0 * std::numeric_limits<double>::epsilon() * std::fabs(hi); ++i) {
      const double mid = 0.5 * (lo + hi);
      const double f = history_value(th.observable, mid) - *level;
      if ((f >= 0.0) == (sign_in >= 0.0) && f != 0.0)
        lo = mid;
      else
        hi = mid;
    }
    first = std::min(first, 0.5 * (lo + hi));
  }
  exit_time_ = std::max(first, region_.t_grace);
}

}  // namespace stf::solver
