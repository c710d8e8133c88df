// phi of MODEL.md §1 evaluated fast for the simulators: a scalar call for acceptance tests and a
// loop over a block of potentials that the compiler vectorises (one branch on the family per block,
// integer powers by multiplication instead of pow for the `hill` and `power` families).
#pragma once

#include <cstddef>

#include "model/rate_function.hpp"

namespace stf::particles {

class RateKernel {
public:
  explicit RateKernel(const model::RateFunction& phi);

  /// phi(u) for u >= 0. Agrees with model::RateFunction to rounding (it is the same formula, with
  /// u^kappa multiplied out when kappa is a small integer).
  double operator()(double u) const noexcept
  {
    if (integer_kappa_ != 0) {
      if (phi_.kind == model::RateKind::hill) {
        const double x = ipow(u, integer_kappa_);
        const double den = theta_k_ + x;
        return phi_.lambda0 + (den > 0.0 ? phi_.phi_max * x / den : 0.0);
      }
      if (phi_.kind == model::RateKind::power) return phi_.lambda0 + phi_.gamma * ipow(u, integer_kappa_);
    }
    return phi_(u);
  }
  /// x^k by k - 1 multiplications (1 <= k <= 8).
  static double ipow(double x, int k) noexcept
  {
    double r = x;
    for (int j = 1; j < k; ++j) r *= x;
    return r;
  }
  /// out[j] = phi(u[j]) for j < n.
  void evaluate(const double* u, double* out, std::size_t n) const noexcept;

  const model::RateFunction& function() const noexcept { return phi_; }
  /// kappa when it is an integer in 1..8 (powers are multiplied out), else 0.
  int integer_kappa() const noexcept { return integer_kappa_; }
  /// theta^kappa (hill).
  double theta_k() const noexcept { return theta_k_; }

private:
  model::RateFunction phi_;
  int integer_kappa_ = 0;  // kappa when it is an integer in 1..8, else 0 (use pow)
  double theta_k_ = 0.0;   // theta^kappa (hill)
};

}  // namespace stf::particles
