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

/// Whether the cell [a, a + w] gets the exact integrals of a rate with a fractional power of u at 0:
/// a power rate phi = lambda0 + gamma u^kappa, or a Hill rate with kappa < 1 on a cell below theta (a
/// series in (u / theta)^kappa, hill_spiking), on a cell not far from u = 0 relative to its width.
/// There u^kappa is not smooth at the scale of the cell, and the Gauss rule errs by a fixed fraction
/// of the integral (1.1 % for sqrt on [0, w]); the cell that the reset fills at u_reset = 0 then made
/// the scheme first-and-a-half order (phi = 1.5 u^0.5 against the renewal oracle: the rate's error
/// 1.8e-5, 6.3e-6, 2.2e-6, 7.9e-7 at levels 0 to 3, at t = 0.01). Farther out (w < a / 100) the Gauss
/// rule errs by less than (w / a)^4 / 4000 relative, and the closed form would lose digits to
/// cancellation. (Whole exponents below 4 need none: the Gauss rule is exact for a linear density,
/// or nearly; a Hill rate with kappa >= 1 has no infinite slope at 0.)
inline bool root_near_zero(const model::RateFunction& phi, double a, double w) noexcept
{
  if (!(100.0 * w > a)) return false;
  if (phi.kind == model::RateKind::power)
    return phi.gamma > 0.0 && !(phi.kappa == std::floor(phi.kappa) && phi.kappa < 4.0);
  return phi.kind == model::RateKind::hill && phi.kappa < 1.0 && phi.theta > 0.0 && a + w <= phi.theta;
}

/// The integrals over [a, b] of u^(beta + j) rho(u), j = 0, 1, 2, for the linear density
/// rho = c0 + c1 u (u >= 0): with J_j = (b^(beta+j+1) - a^(beta+j+1)) / (beta + j + 1),
///     integral of u^(beta + j) rho = c0 J_j + c1 J_(j+1).
/// `a_beta`, `b_beta`: a^beta and b^beta (the callers have them).
inline void add_power_moments(double beta, double a, double b, double a_beta, double b_beta, double c0, double c1,
                              double factor, CellSpiking& s)
{
  double J[4];
  double Ap = a_beta * a, Bp = b_beta * b;  // a^(beta+j+1), b^(beta+j+1)
  for (int j = 0; j < 4; ++j) {
    J[j] = (Bp - Ap) / (beta + double(j + 1));
    Ap *= a, Bp *= b;
  }
  s.rate += factor * (c0 * J[0] + c1 * J[1]);
  s.moment += factor * (c0 * J[1] + c1 * J[2]);
  s.second += factor * (c0 * J[2] + c1 * J[3]);
}

/// The exact integrals of phi rho, u phi rho and u^2 phi rho over [a, b] for phi = lambda0 + gamma
/// u^kappa and the linear density rho = M / w (1 + g (u - m)), g = 12 d / w^2 = c0 + c1 u.
inline CellSpiking power_spiking(const model::RateFunction& phi, double a, double b, double M, double d)
{
  const double w = b - a, m = 0.5 * (a + b), g = 12.0 * d / (w * w), k = phi.kappa;
  const double c0 = M / w * (1.0 - g * m), c1 = M / w * g;
  CellSpiking s;
  add_power_moments(0.0, a, b, 1.0, 1.0, c0, c1, phi.lambda0, s);
  add_power_moments(k, a, b, a > 0.0 ? std::pow(a, k) : 0.0, std::pow(b, k), c0, c1, phi.gamma, s);
  return s;
}

/// The same for a Hill rate, phi = lambda0 + phi_max x / (1 + x), x = (u / theta)^kappa, kappa < 1,
/// on a cell below theta (x <= 1), by the identity
///     x / (1 + x) = sum_{i=1..n} (-1)^(i+1) x^i + (-1)^n x^(n+1) / (1 + x):
/// the powers exactly (add_power_moments), the remainder, of order u^((n+1) kappa) with
/// (n + 1) kappa >= 4, by the two-point Gauss rule, which errs on it as on a smooth function. Every
/// term is at most 1 in size (x <= 1): no cancellation beyond n roundings.
inline CellSpiking hill_spiking(const model::RateFunction& phi, double a, double b, double M, double d)
{
  constexpr double sqrt3 = 1.7320508075688772935;
  const double w = b - a, m = 0.5 * (a + b), g = 12.0 * d / (w * w), k = phi.kappa;
  const double c0 = M / w * (1.0 - g * m), c1 = M / w * g;
  CellSpiking s;
  add_power_moments(0.0, a, b, 1.0, 1.0, c0, c1, phi.lambda0, s);
  const int n = static_cast<int>(std::ceil(4.0 / k)) - 1;
  const double scale = std::pow(phi.theta, -k);  // x = scale u^kappa
  const double A = a > 0.0 ? std::pow(a, k) : 0.0, B = std::pow(b, k);
  double Ai = 1.0, Bi = 1.0, coefficient = phi.phi_max;  // a^(i kappa), b^(i kappa), phi_max (-1)^(i+1) scale^i
  for (int i = 1; i <= n; ++i) {
    Ai *= A, Bi *= B, coefficient *= scale;
    add_power_moments(double(i) * k, a, b, Ai, Bi, c0, c1, coefficient, s);
    coefficient = -coefficient;
  }
  // The remainder phi_max (-1)^n x^(n+1) / (1 + x) at the Gauss points, against rho.
  const double h = w * (0.5 / sqrt3), sign = n % 2 == 0 ? 1.0 : -1.0;
  for (const double u : {m - h, m + h}) {
    const double x = scale * std::pow(u, k);
    const double f = sign * phi.phi_max * std::pow(x, double(n + 1)) / (1.0 + x) * (c0 + c1 * u) * 0.5 * w;
    s.rate += f;
    s.moment += u * f;
    s.second += u * u * f;
  }
  return s;
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
  CellSpiking s = root_near_zero(phi, a, w)
                      ? (phi.kind == model::RateKind::hill ? hill_spiking(phi, a, b, M, d) : power_spiking(phi, a, b, M, d))
                      : CellSpiking{0.5 * M * (f_lo + f_hi), 0.5 * M * (u_lo * f_lo + u_hi * f_hi),
                                    0.5 * M * (u_lo * u_lo * f_lo + u_hi * u_hi * f_hi)};
  // The cell's content need not be its linear density: a union of two cells (merged where phi
  // changes little across it) holds what they held, often narrower or wider than the union's
  // density, and the killing, heavier where phi is larger, moves a cell's mean away from where the
  // density can hold it (|P / M - m| <= w / 6; beyond, the density is the triangle of the nearest
  // mean). Its carried moments say by how much: with dP = P - (the density's) and
  // dQ = dS - 2 m dP (the change of the integral of (u - m)^2), the integral of g rho changes by
  //     g'(m) dP + g''(m) dQ / 2
  // to second order in u - m, for g = phi, u phi and u^2 phi, with phi' and phi'' the differences at
  // the Gauss points and m (exact for phi quadratic). A cell that is its own density has dP = 0 and
  // dS = O(w^4): no change of order. On cases/memory.toml with kappa = 2 (phi = 5 u^2 near 0), two
  // cells holding 0.73 of the mass at the quiet state merged at t = 6.56 at level 2 only, and the
  // rate fell by 12 % there (1.7e-4): the default tolerance's estimate of the rate was 1.15 times too
  // small. The correction held only while the mean was within w / 6 of the middle, and the killing
  // took the mean of the cell at the quiet state (0.43 of the mass on [0, 0.02]) past it: the rate
  // fell by 18 % in one step (3.2e-5), at a time that depends on the level (t = 6.35 at level 3),
  // and the rate's observed orders were 3.4, 1.6, 0.25, 4.3 over levels 2 to 5 (tolerance 1e-6 took
  // 6 levels, 118 s, unconverged). The moments are first held to what mass on [a, b] can have (a
  // light cell that spiked for long drifts out of that: on cases/leaks_exponential_exponential.toml
  // with kappa = 2, a cell on [7.34, 7.78] with mass 1.9e-8 had mean 4.74 and variance 21), so the
  // correction is continuous in P and S and stays within what the cell can spike.
  if (std::isnan(S)) return s;
  const double P_held = std::clamp(P, a * M, b * M);
  const double S_held = std::clamp(S, P_held * P_held / M, std::max((a + b) * P_held - a * b * M, P_held * P_held / M));
  const double dP = P_held - M * (m + d);
  const double dQ = S_held - M * (m * m + 2.0 * m * d + w * w * (1.0 / 12.0)) - 2.0 * m * dP;
  const double scale = M * (m * m + w * w);
  if (!(std::fabs(dQ) > 1e-12 * scale) && !(std::fabs(dP) * (std::fabs(m) + w) > 1e-12 * scale)) return s;
  const double phi_m = phi(m);
  // h^2 = w^2 / 12, 2 h = w / sqrt 3.
  const double curvature = (phi_lo - 2.0 * phi_m + phi_hi) * 12.0 * inv_w * inv_w;
  const double slope = (phi_hi - phi_lo) * sqrt3 * inv_w;
  s.rate += slope * dP + 0.5 * curvature * dQ;
  s.moment += (phi_m + m * slope) * dP + 0.5 * (2.0 * slope + m * curvature) * dQ;
  s.second += (2.0 * m * phi_m + m * m * slope) * dP + 0.5 * (2.0 * phi_m + 4.0 * m * slope + m * m * curvature) * dQ;
  // It spikes at potentials in [a, b].
  s.rate = std::max(s.rate, 0.0);
  s.moment = std::clamp(s.moment, a * s.rate, b * s.rate);
  s.second = std::clamp(s.second, a * a * s.rate, b * b * s.rate);
  return s;
}

}  // namespace stf::solver
