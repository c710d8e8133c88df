// Fast evaluation of phi (MODEL.md §1) for the particle simulators.
#include "particles/rate_kernel.hpp"

#include <cmath>

namespace stf::particles {

namespace {

template <int K>
inline double ipow(double x) noexcept
{
  double r = x;
  for (int j = 1; j < K; ++j) r *= x;
  return r;
}

// hill: lambda0 + phi_max x / (theta^k + x), x = u^k; 0/0 (u = theta = 0) is taken as 0.
inline double hill_of_power(double x, double lambda0, double phi_max, double theta_k) noexcept
{
  const double den = theta_k + x;
  return lambda0 + (den > 0.0 ? phi_max * x / den : 0.0);
}

template <int K>
void hill_block(const double* u, double* out, std::size_t n, double lambda0, double phi_max, double theta_k) noexcept
{
  for (std::size_t j = 0; j < n; ++j) out[j] = hill_of_power(ipow<K>(u[j]), lambda0, phi_max, theta_k);
}

template <int K>
void power_block(const double* u, double* out, std::size_t n, double lambda0, double gamma) noexcept
{
  for (std::size_t j = 0; j < n; ++j) out[j] = lambda0 + gamma * ipow<K>(u[j]);
}

}  // namespace

RateKernel::RateKernel(const model::RateFunction& phi) : phi_(phi)
{
  const double k = phi.kappa;
  if (k >= 1.0 && k <= 8.0 && k == std::floor(k)) integer_kappa_ = static_cast<int>(k);
  if (phi.kind == model::RateKind::hill) theta_k_ = std::pow(phi.theta, phi.kappa);
}

void RateKernel::evaluate(const double* u, double* out, std::size_t n) const noexcept
{
  using model::RateKind;
  const double l0 = phi_.lambda0, g = phi_.gamma, pm = phi_.phi_max, th = phi_.theta;
  switch (phi_.kind) {
    case RateKind::constant:
      for (std::size_t j = 0; j < n; ++j) out[j] = l0;
      return;
    case RateKind::linear:
      for (std::size_t j = 0; j < n; ++j) out[j] = l0 + g * u[j];
      return;
    case RateKind::threshold_linear:
      for (std::size_t j = 0; j < n; ++j) {
        const double v = l0 + g * (u[j] > th ? u[j] - th : 0.0);
        out[j] = v < pm ? v : pm;
      }
      return;
    case RateKind::hill:
      switch (integer_kappa_) {
        case 1: hill_block<1>(u, out, n, l0, pm, theta_k_); return;
        case 2: hill_block<2>(u, out, n, l0, pm, theta_k_); return;
        case 3: hill_block<3>(u, out, n, l0, pm, theta_k_); return;
        case 4: hill_block<4>(u, out, n, l0, pm, theta_k_); return;
        default: break;
      }
      break;
    case RateKind::power:
      switch (integer_kappa_) {
        case 1: power_block<1>(u, out, n, l0, g); return;
        case 2: power_block<2>(u, out, n, l0, g); return;
        case 3: power_block<3>(u, out, n, l0, g); return;
        case 4: power_block<4>(u, out, n, l0, g); return;
        default: break;
      }
      break;
    case RateKind::sigmoid: break;
  }
  for (std::size_t j = 0; j < n; ++j) out[j] = (*this)(u[j]);
}

}  // namespace stf::particles
