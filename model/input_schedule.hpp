// The external input I(t) of MODEL.md §1: a constant base plus rectangular pulses, piecewise constant.
#pragma once

#include <vector>

#include "model/leak_law.hpp"

namespace stf::model {

struct InputPulse {
  double start = 0.0;      // I rises by `amplitude` at `start` ...
  double end = 0.0;        // ... and falls back at `end` (the pulse is active on [start, end))
  double amplitude = 0.0;

  bool operator==(const InputPulse&) const = default;
};

class InputSchedule {
public:
  InputSchedule() = default;
  explicit InputSchedule(double base, std::vector<InputPulse> pulses = {});

  double base() const noexcept { return base_; }
  const std::vector<InputPulse>& pulses() const noexcept { return pulses_; }
  bool is_zero() const noexcept { return base_ == 0.0 && pulses_.empty(); }

  /// I(t), right-continuous.
  double value(double t) const noexcept;
  /// The first time > t at which I changes, or +inf.
  double next_change_after(double t) const noexcept;
  /// sup of I over [0, inf).
  double sup() const noexcept;

  bool operator==(const InputSchedule&) const = default;

private:
  double base_ = 0.0;
  std::vector<InputPulse> pulses_;
  std::vector<double> breakpoints_;  // sorted start and end times
};

/// x(t1) from x(t0) = x0 under dx/dt = I(t) + extra - leak(x): the closed-form flow applied
/// piece by piece between the breakpoints of I.
double flow_through(const LeakLaw& leak, double x0, double t0, double t1, const InputSchedule& input,
                    double extra = 0.0) noexcept;

}  // namespace stf::model
