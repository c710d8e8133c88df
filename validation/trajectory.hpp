// Observables over time (MODEL.md §2) as the studies compare them: interpolation between sample
// times and sup-over-time distances between two trajectories.
#pragma once

#include <vector>

#include "model/observables.hpp"

namespace stf::validation {

struct Trajectory {
  std::vector<double> times;                     // increasing
  std::vector<model::Observables> observables;   // one per time
  bool empty() const noexcept { return times.empty(); }
};

/// Linear interpolation of the trajectory at t (constant beyond its ends). Throws if empty.
model::Observables interpolate(const Trajectory& tr, double t);

/// sup over the sample times of `a` of |a(t) - b(t)| for one observable (b interpolated at a's
/// times, restricted to the common time span). Throws if either is empty.
double sup_distance(const Trajectory& a, const Trajectory& b, model::ObservableId id);

/// The observables a study compares: all but `mass` (1 for particles; the limit's mass
/// conservation is reported on its own).
const std::vector<model::ObservableId>& compared_observables();

}  // namespace stf::validation
