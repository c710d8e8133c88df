// Memory region and exit-time rule (MODEL.md §4).
#include "model/memory_region.hpp"

#include <algorithm>
#include <limits>

namespace stf::model {

bool MemoryRegion::contains(const Observables& obs) const noexcept
{
  for (const auto& th : thresholds) {
    const double v = obs[th.observable];
    if (th.min && !(v >= *th.min)) return false;
    if (th.max && !(v <= *th.max)) return false;
  }
  return true;
}

namespace {
// Time at which the linear interpolation of v from (t0, v0) to (t1, v1) reaches `level`.
double crossing_time(double t0, double v0, double t1, double v1, double level)
{
  if (v1 == v0) return t1;
  const double s = std::clamp((level - v0) / (v1 - v0), 0.0, 1.0);
  return t0 + s * (t1 - t0);
}
}  // namespace

bool ExitTimeDetector::observe(double t, const Observables& obs)
{
  if (exit_time_) return true;
  if (t < region_.t_grace) {
    last_t_ = t;
    last_obs_ = obs;
    return false;
  }
  if (region_.contains(obs)) {
    last_t_ = t;
    last_obs_ = obs;
    return false;
  }
  // Outside at t. With no earlier sample inside (or none at all), the exit is at t itself.
  if (!last_t_ || !region_.contains(last_obs_)) {
    exit_time_ = std::max(t, region_.t_grace);
    return true;
  }
  double first = std::numeric_limits<double>::infinity();
  for (const auto& th : region_.thresholds) {
    const double v0 = last_obs_[th.observable], v1 = obs[th.observable];
    if (th.min && !(v1 >= *th.min)) first = std::min(first, crossing_time(*last_t_, v0, t, v1, *th.min));
    if (th.max && !(v1 <= *th.max)) first = std::min(first, crossing_time(*last_t_, v0, t, v1, *th.max));
  }
  exit_time_ = std::max(first, region_.t_grace);
  return true;
}

}  // namespace stf::model
