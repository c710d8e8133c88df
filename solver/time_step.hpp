// The explicit time step allowed by the CFL condition of the finite-volume scheme, recomputed
// before every step from the current drive (MODEL.md §3: the potential velocity I + p - leak_U).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>

#include "solver/rhs_context.hpp"

namespace stf::solver {

/// A forward-Euler stage keeps every cell non-negative when
///   dt (2 max|a| / du + 2 max|b| / dc + max phi) <= 1
/// (on stretched potential cells, max |a| / du is taken face by face with the narrower adjacent width),
/// since the limited face values of a cell are at most twice its mass and a cell has at most one
/// outflow face per direction (the velocities are monotone in u and in c). With a Courant number
/// `cfl` <= 1/2 this is dt = C cfl / (max|a| / du + max|b| / dc + max phi / 2), C the SSP
/// coefficient of the Runge-Kutta method (each of its stages is a convex combination of Euler
/// steps of size dt / C). The drive is taken 25% above its current value, as it changes during
/// the step. Returns +inf when nothing moves.
inline double cfl_time_step(const Physics& ph, const NonlocalTerms& nl, double cfl, double ssp_coefficient)
{
  // |drive - leak| is convex in the drive: its largest value over [I, I + 1.25 p] is at an end.
  const double drive = nl.input + 1.25 * nl.drive;
  double a_rate = 0.0;  // max over faces of |a| / (narrower adjacent width)
  const std::size_t faces = ph.leak_u_face.size();
  for (std::size_t f = 0; f < faces; ++f) {
    const double l = ph.leak_u_face[f];
    a_rate = std::max(a_rate, std::max(std::fabs(drive - l), std::fabs(nl.input - l)) * ph.face_inv_width[f]);
  }
  const double b_max = ph.calcium_frame ? 0.0 : std::max(ph.leak_c_face.front(), ph.leak_c_face.back());
  const double rate = a_rate + b_max / ph.grid.dc() + 0.5 * ph.phi_max_mesh;
  if (!(rate > 0.0)) return std::numeric_limits<double>::infinity();
  return ssp_coefficient * cfl / rate;
}

}  // namespace stf::solver
