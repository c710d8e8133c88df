// The times at which a replica records every neuron's state, consumed in increasing order.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace stf::particles {

class SnapshotSchedule {
public:
  explicit SnapshotSchedule(std::vector<double> times) : times_(std::move(times))
  {
    std::sort(times_.begin(), times_.end());
    while (next_ < times_.size() && times_[next_] < 0.0) ++next_;
  }
  /// The next pending time strictly before t (taken off the list), or -1.
  double next_before(double t) noexcept
  {
    if (next_ < times_.size() && times_[next_] < t && !same(times_[next_], t)) return times_[next_++];
    return -1.0;
  }
  /// True (once) when the next pending time is t itself.
  bool due_at(double t) noexcept
  {
    if (next_ < times_.size() && same(times_[next_], t)) {
      ++next_;
      return true;
    }
    return false;
  }

private:
  static bool same(double a, double b) noexcept { return std::abs(a - b) <= 1e-12 * std::max(1.0, std::abs(b)); }
  std::vector<double> times_;
  std::size_t next_ = 0;
};

}  // namespace stf::particles
