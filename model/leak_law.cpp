// Names of the leak laws and hitting times of their flows (MODEL.md §1).
#include "model/leak_law.hpp"

#include <limits>
#include <stdexcept>

namespace stf::model {

const std::vector<std::string>& leak_kind_names()
{
  static const std::vector<std::string> names{"exponential", "linear"};
  return names;
}

LeakKind leak_kind_from_name(std::string_view name)
{
  if (name == "exponential") return LeakKind::exponential;
  if (name == "linear") return LeakKind::linear;
  throw std::invalid_argument("unknown leak law '" + std::string(name) + "'; valid laws: exponential, linear");
}

std::string_view to_string(LeakKind kind) { return kind == LeakKind::exponential ? "exponential" : "linear"; }

double LeakLaw::time_to_reach(double x0, double input, double target) const noexcept
{
  constexpr double never = std::numeric_limits<double>::infinity();
  if (x0 == target) return 0.0;
  if (kind == LeakKind::linear) {
    const double v = (x0 <= 0.0 && input <= rate) ? 0.0 : input - rate;
    if (target < 0.0 || v == 0.0 || (target - x0) / v < 0.0) return never;
    return (target - x0) / v;
  }
  if (rate == 0.0) return (input > 0.0 && target > x0) ? (target - x0) / input : never;
  // x(t) - x_eq = (x0 - x_eq) exp(-a t): target must lie strictly between x0 and x_eq.
  const double x_eq = input / rate;
  const double ratio = (target - x_eq) / (x0 - x_eq);
  if (!(ratio > 0.0 && ratio < 1.0)) return never;
  return -std::log(ratio) / rate;
}

}  // namespace stf::model
