// Upwind numerical fluxes with a limited linear reconstruction (MUSCL), on cell masses.
// Pure inline functions: the right-hand side calls them face by face.
#pragma once

#include "solver/limiters.hpp"

namespace stf::solver {

/// Mass per unit time through a face with velocity `a` (positive towards the cell on the right),
/// for a cell width h, from the four cell masses around the face: q_ll, q_l | q_r, q_rr.
/// The upwind cell's value is reconstructed at the face with the limited slope `L`.
template <class L>
inline double muscl_flux(double a, double q_ll, double q_l, double q_r, double q_rr, double inv_h) noexcept
{
  constexpr CellGeometry uniform{};
  if (a > 0.0) return a * inv_h * (q_l + L::deviation(q_l - q_ll, q_r - q_l, uniform));
  if (a < 0.0) return a * inv_h * (q_r - L::deviation(q_r - q_l, q_rr - q_r, uniform));
  return 0.0;
}

/// Mass per unit time through a face with velocity `a` between cells of possibly different widths,
/// from the four cell densities around it (mass per unit length: rho_ll, rho_l | rho_r, rho_rr) and
/// the geometry of the two cells next to the face: the upwind cell's density reconstructed at the
/// face with the limited deviation of `L`.
template <class L>
inline double muscl_flux_density(double a, double rho_ll, double rho_l, double rho_r, double rho_rr,
                                 const CellGeometry& g_l, const CellGeometry& g_r) noexcept
{
  if (a > 0.0) return a * (rho_l + L::deviation(rho_l - rho_ll, rho_r - rho_l, g_l));
  if (a < 0.0) return a * (rho_r - L::deviation(rho_r - rho_l, rho_rr - rho_r, g_r));
  return 0.0;
}

}  // namespace stf::solver
