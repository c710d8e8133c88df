// The spiking rate phi(u) of MODEL.md §1: continuous, nondecreasing families chosen by name.
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace stf::model {

enum class RateKind { constant, linear, power, hill, sigmoid, threshold_linear };

/// Names of the rate families, in the order of RateKind (the case-file `phi.kind`).
const std::vector<std::string>& rate_kind_names();
RateKind rate_kind_from_name(std::string_view name);  // throws std::invalid_argument listing valid names
std::string_view to_string(RateKind kind);

/// x^kappa, with the common small integer exponents by multiplication (std::pow is most of the cost
/// of evaluating a hill rate, and the limit solver evaluates it at every cell and stage).
inline double power_of(double x, double kappa) noexcept
{
  if (kappa == 1.0) return x;
  if (kappa == 2.0) return x * x;
  if (kappa == 3.0) return x * x * x;
  if (kappa == 4.0) {
    const double x2 = x * x;
    return x2 * x2;
  }
  return std::pow(x, kappa);
}

/// phi : [0, inf) -> [0, inf), one of the families of MODEL.md §1.
/// Fields not used by a family keep their defaults. `constant` uses `lambda0` as its lambda.
struct RateFunction {
  RateKind kind = RateKind::constant;
  double lambda0 = 0.0;
  double gamma = 0.0;
  double kappa = 1.0;
  double theta = 0.0;
  double s = 1.0;
  double phi_max = std::numeric_limits<double>::infinity();  // cap; infinite = uncapped

  double operator()(double u) const noexcept
  {
    switch (kind) {
      case RateKind::constant: return lambda0;
      case RateKind::linear: return lambda0 + gamma * u;
      case RateKind::power: return lambda0 + gamma * power_of(u, kappa);
      case RateKind::hill: {
        // phi_max u^kappa / (theta^kappa + u^kappa), written as 1/(1 + (theta/u)^kappa) to stay finite.
        if (u <= 0.0) return lambda0;
        return lambda0 + phi_max / (1.0 + power_of(theta / u, kappa));
      }
      case RateKind::sigmoid: return phi_max / (1.0 + std::exp(-(u - theta) / s));
      case RateKind::threshold_linear: {
        const double v = lambda0 + gamma * (u > theta ? u - theta : 0.0);
        return v < phi_max ? v : phi_max;
      }
    }
    return 0.0;
  }

  /// The corners of phi (where its slope jumps) strictly inside (a, b), in increasing order: the
  /// threshold and the start of the cap of `threshold_linear`; the other families are smooth for u > 0.
  struct Corners {
    double at[2] = {0.0, 0.0};
    int count = 0;
  };
  Corners corners_in(double a, double b) const noexcept
  {
    Corners c;
    if (kind != RateKind::threshold_linear || !(gamma > 0.0) || !(lambda0 < phi_max)) return c;  // else linear or flat
    const double cap = theta + (phi_max - lambda0) / gamma;  // where lambda0 + gamma (u - theta) meets phi_max
    for (const double u : {theta, cap})
      if (u > a && u < b) c.at[c.count++] = u;
    return c;
  }
  bool has_corners() const noexcept
  {
    return corners_in(-std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()).count > 0;
  }

  /// sup of phi over [0, u_hi] (phi is nondecreasing, so phi(u_hi)); u_hi may be infinite.
  double sup_on(double u_hi) const noexcept;
  /// sup of phi over [0, inf): finite for the bounded families (hill, sigmoid, capped ones).
  double sup() const noexcept { return sup_on(std::numeric_limits<double>::infinity()); }
  bool is_bounded() const noexcept { return std::isfinite(sup()); }

  bool operator==(const RateFunction&) const = default;
};

}  // namespace stf::model
