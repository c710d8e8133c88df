// Interpolation and sup-over-time distances of observable trajectories.
#include "validation/trajectory.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace stf::validation {

model::Observables interpolate(const Trajectory& tr, double t)
{
  if (tr.times.empty() || tr.times.size() != tr.observables.size())
    throw std::invalid_argument("interpolate: empty or inconsistent trajectory");
  if (t <= tr.times.front()) return tr.observables.front();
  if (t >= tr.times.back()) return tr.observables.back();
  const auto it = std::upper_bound(tr.times.begin(), tr.times.end(), t);
  const auto k = static_cast<std::size_t>(it - tr.times.begin());
  const double t0 = tr.times[k - 1], t1 = tr.times[k];
  const double s = t1 > t0 ? (t - t0) / (t1 - t0) : 1.0;
  model::Observables out;
  for (std::size_t i = 0; i < model::observable_count; ++i)
    out.values[i] = (1.0 - s) * tr.observables[k - 1].values[i] + s * tr.observables[k].values[i];
  return out;
}

double sup_distance(const Trajectory& a, const Trajectory& b, model::ObservableId id)
{
  if (a.empty() || b.empty()) throw std::invalid_argument("sup_distance: empty trajectory");
  const double lo = std::max(a.times.front(), b.times.front());
  const double hi = std::min(a.times.back(), b.times.back());
  double sup = 0.0;
  // Both are sampled at the case's sample times when they come from the same case, so b is
  // usually evaluated exactly at its own samples; tolerance avoids losing the end points.
  const double slack = 1e-12 * std::max(1.0, std::abs(hi));
  for (std::size_t k = 0; k < a.times.size(); ++k) {
    if (a.times[k] < lo - slack || a.times[k] > hi + slack) continue;
    const double d = std::abs(a.observables[k][id] - interpolate(b, a.times[k])[id]);
    if (std::isnan(d)) return d;
    sup = std::max(sup, d);
  }
  return sup;
}

const std::vector<model::ObservableId>& compared_observables()
{
  using model::ObservableId;
  static const std::vector<ObservableId> ids{ObservableId::rate,          ObservableId::drive,
                                             ObservableId::mean_potential, ObservableId::mean_calcium,
                                             ObservableId::var_potential,  ObservableId::var_calcium};
  return ids;
}

}  // namespace stf::validation
