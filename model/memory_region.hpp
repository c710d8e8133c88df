// The memory region R of MODEL.md §4 (thresholds on observables) and the exit-time rule shared
// by the particle simulator and the limit solver.
#pragma once

#include <optional>
#include <vector>

#include "model/observables.hpp"

namespace stf::model {

struct Threshold {
  ObservableId observable = ObservableId::rate;
  std::optional<double> min;  // inside requires value >= min
  std::optional<double> max;  // inside requires value <= max

  bool operator==(const Threshold&) const = default;
};

struct MemoryRegion {
  std::vector<Threshold> thresholds;  // empty: the whole space (no exit)
  double t_grace = 0.0;

  bool contains(const Observables& obs) const noexcept;
  bool is_empty_constraint() const noexcept { return thresholds.empty(); }

  bool operator==(const MemoryRegion&) const = default;
};

/// tau = inf { t >= t_grace : not in R }, observed at sample times: the exit time is the linear
/// interpolation, between the last sample inside and the first sample outside, of the first
/// threshold crossed (MODEL.md §4). Its resolution is the sample interval.
class ExitTimeDetector {
public:
  explicit ExitTimeDetector(MemoryRegion region) : region_(std::move(region)) {}

  /// Feeds the observables at sample time t (increasing). Returns true once exited.
  bool observe(double t, const Observables& obs);
  bool exited() const noexcept { return exit_time_.has_value(); }
  std::optional<double> exit_time() const noexcept { return exit_time_; }

private:
  MemoryRegion region_;
  std::optional<double> exit_time_;
  std::optional<double> last_t_;
  Observables last_obs_;
};

}  // namespace stf::model
