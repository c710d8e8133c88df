// Names and bounds of the rate families (MODEL.md §1).
#include "model/rate_function.hpp"

#include <stdexcept>

namespace stf::model {

const std::vector<std::string>& rate_kind_names()
{
  static const std::vector<std::string> names{"constant", "linear", "power", "hill", "sigmoid",
                                              "threshold_linear"};
  return names;
}

RateKind rate_kind_from_name(std::string_view name)
{
  const auto& names = rate_kind_names();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<RateKind>(i);
  std::string valid;
  for (const auto& n : names) valid += (valid.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown rate kind '" + std::string(name) + "'; valid kinds: " + valid);
}

std::string_view to_string(RateKind kind) { return rate_kind_names().at(static_cast<std::size_t>(kind)); }

double RateFunction::sup_on(double u_hi) const noexcept
{
  constexpr double inf = std::numeric_limits<double>::infinity();
  if (!std::isinf(u_hi)) return (*this)(u_hi);
  switch (kind) {
    case RateKind::constant: return lambda0;
    case RateKind::linear:
    case RateKind::power: return gamma > 0.0 ? inf : lambda0;
    case RateKind::hill: return lambda0 + phi_max;
    case RateKind::sigmoid: return phi_max;
    case RateKind::threshold_linear: return gamma > 0.0 ? phi_max : std::min(lambda0, phi_max);
  }
  return inf;
}

}  // namespace stf::model
