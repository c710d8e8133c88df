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

#include "model/rate_function.hpp"

namespace stf::solver {

struct CellSpiking {
  double rate = 0.0;         // integral of phi rho: the mass spiking per unit time
  double moment = 0.0;       // integral of u phi rho
  double second = 0.0;       // integral of u^2 phi rho
};

inline CellSpiking cell_spiking(const model::RateFunction& phi, double a, double b, double M, double P)
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
  const double h = w * (0.5 / sqrt3), tilt = 2.0 * sqrt3 * d / w;
  const double u_lo = m - h, u_hi = m + h;
  const double f_lo = phi(u_lo) * (1.0 - tilt), f_hi = phi(u_hi) * (1.0 + tilt);
  return {0.5 * M * (f_lo + f_hi), 0.5 * M * (u_lo * f_lo + u_hi * f_hi),
          0.5 * M * (u_lo * u_lo * f_lo + u_hi * u_hi * f_hi)};
}

}  // namespace stf::solver
