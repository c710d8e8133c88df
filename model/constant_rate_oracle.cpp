// Closed-form means for a constant rate (MODEL.md §5).
#include "model/constant_rate_oracle.hpp"

#include <cmath>
#include <stdexcept>

namespace stf::model {

bool ConstantRateOracle::applies(const ModelParameters& p) noexcept
{
  return p.phi.kind == RateKind::constant && p.leak_U.kind == LeakKind::exponential &&
         p.leak_C.kind == LeakKind::exponential && p.leak_C.rate > 0.0 && p.input.pulses().empty() &&
         (p.leak_U.rate > 0.0 || (p.reset && p.phi.lambda0 > 0.0));
}

ConstantRateOracle::ConstantRateOracle(const ModelParameters& p, const InitialLaw& initial,
                                       std::optional<long> neurons)
{
  if (!applies(p))
    throw std::invalid_argument(
        "the constant-rate oracle needs phi.kind = \"constant\", exponential leaks with positive rates "
        "and a constant input");
  lambda_ = p.phi.lambda0;
  beta_ = p.leak_C.rate;
  kappa_ = neurons ? double(*neurons - 1) / double(*neurons) : 1.0;
  w0_ = p.w0;
  w1_ = p.w1;
  c0_ = initial.C.expectation();
  u0_ = initial.U.expectation();
  c_inf_ = lambda_ / beta_;
  a_ = p.leak_U.rate + (p.reset ? lambda_ : 0.0);
  // m_U' = K + B exp(-beta t) - a m_U.
  k_ = p.input.base() + kappa_ * lambda_ * (w0_ + w1_ * c_inf_) + (p.reset ? lambda_ * p.u_reset : 0.0);
  b_ = kappa_ * lambda_ * w1_ * (c0_ - c_inf_);
}

double ConstantRateOracle::mean_calcium(double t) const noexcept
{
  return c_inf_ + (c0_ - c_inf_) * std::exp(-beta_ * t);
}

double ConstantRateOracle::mean_potential(double t) const noexcept
{
  const double ea = std::exp(-a_ * t);
  // (exp(-beta t) - exp(-a t)) / (a - beta), with its limit t exp(-a t) when a = beta.
  const double mixed =
      std::abs(a_ - beta_) > 1e-12 * (a_ + beta_) ? (std::exp(-beta_ * t) - ea) / (a_ - beta_) : t * ea;
  return k_ / a_ * (1.0 - ea) + u0_ * ea + b_ * mixed;
}

double ConstantRateOracle::drive(double t) const noexcept
{
  return lambda_ * (w0_ + w1_ * mean_calcium(t));
}

}  // namespace stf::model
