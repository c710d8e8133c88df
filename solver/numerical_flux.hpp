// Upwind numerical fluxes with a limited linear reconstruction (MUSCL), on cell masses.
// Pure inline functions: the right-hand side calls them face by face.
#pragma once

namespace stf::solver {

/// Mass per unit time through a face with velocity `a` (positive towards the cell on the right),
/// for a cell width h, from the four cell masses around the face: q_ll, q_l | q_r, q_rr.
/// The upwind cell's value is reconstructed at the face with the limited slope `L`.
template <class L>
inline double muscl_flux(double a, double q_ll, double q_l, double q_r, double q_rr, double inv_h) noexcept
{
  if (a > 0.0) return a * inv_h * (q_l + 0.5 * L::slope(q_l - q_ll, q_r - q_l));
  if (a < 0.0) return a * inv_h * (q_r - 0.5 * L::slope(q_r - q_l, q_rr - q_r));
  return 0.0;
}

/// First-order upwind flux (used on the 1-D singular lines).
inline double upwind_flux(double a, double q_l, double q_r, double inv_h) noexcept
{
  return a * inv_h * (a > 0.0 ? q_l : q_r);
}

}  // namespace stf::solver
