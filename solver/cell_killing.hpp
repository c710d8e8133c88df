// The spiking of one cell of the characteristic scheme (docs/numerical-method.md §11): a cell is
// an interval [a, b] of potential holding mass M with first moment P = integral of u. Its density
// is taken linear, the one with that mass and moment,
//
//     rho(u) = M / w (1 + 12 d (u - m) / w^2),   m = (a + b) / 2, w = b - a, d = P / M - m,
//
// (d clipped to [-w/6, w/6], where rho stays >= 0), and the spiking rates are its integrals
// against phi and u phi, by two-point Gauss-Legendre. Against the uniform density this is two
// orders more accurate: the error is the integral of (phi - its linear part) (rho - its linear
// part), O(w^4) for smooth phi and rho. The integral of u^2 phi rho (the loss of the cell's second
// moment, which the scheme carries) by the same rule.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>

#include "model/rate_function.hpp"

namespace stf::solver {

struct CellSpiking {
  double rate = 0.0;         // integral of phi rho: the mass spiking per unit time
  double moment = 0.0;       // integral of u phi rho
  double second = 0.0;       // integral of u^2 phi rho
};

/// Whether the cell [a, a + w] gets the exact integrals of a power rate: phi = lambda0 + gamma u^kappa
/// with kappa not a whole number below 4 (else the Gauss rule is exact for a linear density, or
/// nearly), on a cell not far from u = 0 relative to its width. There u^kappa is not smooth at the
/// scale of the cell, and the Gauss rule errs by a fixed fraction of the integral (1.1 % for sqrt on
/// [0, w]); the cell that the reset fills at u_reset = 0 then made the scheme first-and-a-half order
/// (phi = 1.5 u^0.5 against the renewal oracle: the rate's error 1.8e-5, 6.3e-6, 2.2e-6, 7.9e-7 at
/// levels 0 to 3, at t = 0.01). Farther out (w < a / 100) the Gauss rule errs by less than
/// (w / a)^4 / 4000 relative, and the closed form would lose digits to cancellation.
inline bool power_near_zero(const model::RateFunction& phi, double a, double w) noexcept
{
  return phi.kind == model::RateKind::power && phi.gamma > 0.0 && 100.0 * w > a &&
         !(phi.kappa == std::floor(phi.kappa) && phi.kappa < 4.0);
}

/// The exact integrals of phi rho, u phi rho and u^2 phi rho over [a, b] for phi = lambda0 + gamma
/// u^kappa and the linear density rho = M / w (1 + g (u - m)), g = 12 d / w^2: with
/// J_j = (b^(kappa+j+1) - a^(kappa+j+1)) / (kappa + j + 1) and I_j the same for kappa = 0,
///     integral of u^j phi rho = M / w [(1 - g m) (lambda0 I_j + gamma J_j) + g (lambda0 I_(j+1) + gamma J_(j+1))].
inline CellSpiking power_spiking(const model::RateFunction& phi, double a, double b, double M, double d)
{
  const double w = b - a, m = 0.5 * (a + b), g = 12.0 * d / (w * w), k = phi.kappa;
  const double A = a > 0.0 ? std::pow(a, k) : 0.0, B = std::pow(b, k);
  double I[4], J[4];
  double ap = a, bp = b;          // a^(j+1), b^(j+1)
  double Ap = A * a, Bp = B * b;  // a^(kappa+j+1), b^(kappa+j+1)
  for (int j = 0; j < 4; ++j) {
    I[j] = (bp - ap) / double(j + 1);
    J[j] = (Bp - Ap) / (k + double(j + 1));
    ap *= a, bp *= b, Ap *= a, Bp *= b;
  }
  const double c0 = M / w * (1.0 - g * m), c1 = M / w * g;
  auto integral = [&](int j) {
    return c0 * (phi.lambda0 * I[j] + phi.gamma * J[j]) + c1 * (phi.lambda0 * I[j + 1] + phi.gamma * J[j + 1]);
  };
  return {integral(0), integral(1), integral(2)};
}

/// `S`, the cell's integral of u^2 (carried by the scheme), corrects the smooth rule where it differs
/// from the linear density's (below); NaN: no correction.
inline CellSpiking cell_spiking(const model::RateFunction& phi, double a, double b, double M, double P,
                                double S = std::numeric_limits<double>::quiet_NaN())
{
  if (b < a) std::swap(a, b);
  a = std::max(a, 0.0);
  b = std::max(b, 0.0);
  const double w = b - a, m = 0.5 * (a + b);
  if (!(M != 0.0)) return {};
  if (!(w > 1e-14 * (1.0 + m))) {
    const double r = phi(m) * M;
    return {r, m * r, m * m * r};
  }
  // (Divisions by constants are written as products: this runs for every cell at every stage.)
  constexpr double sqrt3 = 1.7320508075688772935;
  const double d = std::clamp(P / M - m, -w * (1.0 / 6.0), w * (1.0 / 6.0));
  const model::RateFunction::Corners corners = phi.corners_in(a, b);
  if (corners.count > 0) {
    // phi has a corner inside the cell (threshold_linear): one Gauss-Legendre rule per piece between
    // the corners, exact where phi is linear on each. Across a corner the rule on the whole cell errs
    // by O(w^2) with a size that depends on where the corner falls in the cell, different at every
    // level: the refinement saw irregular orders (exit times of cases/memory.toml with a
    // threshold-linear rate: changes 1.2e-4, 7.0e-6, 5.7e-6 over levels 2 to 4, orders 4.05 and 0.29;
    // per piece 3.5e-5, 8.1e-6, 1.8e-6).
    const double g = 12.0 * d / (w * w), density = M / w;
    CellSpiking s;
    double lo = a;
    for (int k = 0; k <= corners.count; ++k) {
      const double hi = k < corners.count ? corners.at[k] : b;
      const double half = 0.5 * (hi - lo), mid = 0.5 * (lo + hi), offset = half * (1.0 / sqrt3);
      for (const double u : {mid - offset, mid + offset}) {
        const double f = phi(u) * density * (1.0 + g * (u - m)) * half;
        s.rate += f;
        s.moment += u * f;
        s.second += u * u * f;
      }
      lo = hi;
    }
    return s;
  }
  // Gauss points m -+ w / (2 sqrt 3); there rho / (M / w) = 1 -+ 2 sqrt(3) d / w.
  const double inv_w = 1.0 / w, h = w * (0.5 / sqrt3), tilt = 2.0 * sqrt3 * d * inv_w;
  const double u_lo = m - h, u_hi = m + h;
  const double phi_lo = phi(u_lo), phi_hi = phi(u_hi);
  const double f_lo = phi_lo * (1.0 - tilt), f_hi = phi_hi * (1.0 + tilt);
  CellSpiking s = power_near_zero(phi, a, w)
                      ? power_spiking(phi, a, b, M, d)
                      : CellSpiking{0.5 * M * (f_lo + f_hi), 0.5 * M * (u_lo * f_lo + u_hi * f_hi),
                                    0.5 * M * (u_lo * u_lo * f_lo + u_hi * u_hi * f_hi)};
  // The cell's content need not be its linear density: a union of two cells (merged where phi
  // changes little across it) holds what they held, often narrower or wider than the union's
  // density. Its carried integral of u^2 says by how much: with excess E = S - (that of the density),
  // the integral of g rho changes by g''(m) E / 2 to second order in u - m (the first moments agree),
  // for g = phi, u phi and u^2 phi, with phi'' the second difference at the Gauss points and m (exact
  // for phi quadratic). A cell that is its own density has E = O(w^4): no change of order. On
  // cases/memory.toml with kappa = 2 (phi = 5 u^2 near 0), two cells holding 0.73 of the mass at the
  // quiet state merged at t = 6.56 at level 2 only, and the rate fell by 12 % there (1.7e-4): the
  // default tolerance's estimate of the rate was 1.15 times too small.
  // Only where the carried moments describe mass on [a, b] that the density can hold (its mean
  // within w / 6 of the middle; S between P^2 / M and (a + b) P - a b M): a light cell that spiked
  // for long drifts out of that (on cases/leaks_exponential_exponential.toml with kappa = 2, a cell on
  // [7.34, 7.78] with mass 1.9e-8 had mean 4.74 and variance 21), and its correction would exceed what
  // the cell can spike (its mass turned negative, and the total drifted by 7e-5).
  if (!(std::fabs(P / M - m) <= w * (1.0 / 6.0))) return s;
  const double S_held = std::clamp(S, P * P / M, std::max((a + b) * P - a * b * M, P * P / M));
  const double excess = S_held - M * (m * m + 2.0 * m * d + w * w * (1.0 / 12.0));
  if (!(std::fabs(excess) > 1e-12 * M * (m * m + w * w))) return s;
  const double phi_m = phi(m);
  // h^2 = w^2 / 12, 2 h = w / sqrt 3.
  const double curvature = (phi_lo - 2.0 * phi_m + phi_hi) * 12.0 * inv_w * inv_w;
  const double slope = (phi_hi - phi_lo) * sqrt3 * inv_w;
  s.rate += 0.5 * curvature * excess;
  s.moment += 0.5 * (2.0 * slope + m * curvature) * excess;
  s.second += 0.5 * (2.0 * phi_m + 4.0 * m * slope + m * m * curvature) * excess;
  // It spikes at potentials in [a, b].
  s.rate = std::max(s.rate, 0.0);
  s.moment = std::clamp(s.moment, a * s.rate, b * s.rate);
  s.second = std::clamp(s.second, a * a * s.rate, b * b * s.rate);
  return s;
}

}  // namespace stf::solver
