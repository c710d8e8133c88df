// Leak laws of MODEL.md §1 and their closed-form flows dx/dt = I - leak(x) under a constant input.
#pragma once

#include <cmath>
#include <string>
#include <string_view>
#include <vector>

namespace stf::model {

enum class LeakKind { exponential, linear };

const std::vector<std::string>& leak_kind_names();
LeakKind leak_kind_from_name(std::string_view name);  // throws std::invalid_argument listing valid names
std::string_view to_string(LeakKind kind);

/// leak(x) = rate * x (exponential) or rate while x > 0 (linear, with a sticky floor at 0).
struct LeakLaw {
  LeakKind kind = LeakKind::exponential;
  double rate = 0.0;

  /// leak(x) for x > 0.
  double leak(double x) const noexcept { return kind == LeakKind::exponential ? rate * x : rate; }

  /// Velocity dx/dt of x >= 0 under input `input` >= 0. At x = 0 the linear law is sticky:
  /// dx/dt = max(input - rate, 0) (MODEL.md §1).
  double velocity(double x, double input) const noexcept
  {
    if (kind == LeakKind::linear && x <= 0.0) return input > rate ? input - rate : 0.0;
    return input - leak(x);
  }

  /// x(t) from x(0) = x0 >= 0 under the constant input `input` >= 0, in closed form:
  ///   exponential: I/a + (x0 - I/a) exp(-a t)         (x0 + I t when a = 0)
  ///   linear:      max(x0 + (I - a) t, 0), and (I - a)^+ t from the floor.
  double flow(double x0, double input, double t) const noexcept
  {
    if (kind == LeakKind::exponential) {
      if (rate == 0.0) return x0 + input * t;
      const double x_eq = input / rate;
      return x_eq + (x0 - x_eq) * std::exp(-rate * t);
    }
    const double v = input - rate;
    if (x0 <= 0.0) return v > 0.0 ? v * t : 0.0;
    const double x = x0 + v * t;
    return x > 0.0 ? x : 0.0;
  }

  /// Time for x0 to reach `target` under a constant input, or +inf if it never does.
  double time_to_reach(double x0, double input, double target) const noexcept;

  bool operator==(const LeakLaw&) const = default;
};

}  // namespace stf::model
