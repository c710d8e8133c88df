// What the right-hand side of the limit equation needs (MODEL.md §3): the immutable physics and
// geometry of a run, precomputed per column and per face so that the inner loop has no pow/exp,
// plus PETSc handles and preallocated scratch (nothing is allocated per call).
#pragma once

#include <petscts.h>

#include <vector>

#include "mesh/grid.hpp"
#include "mesh/singular_parts.hpp"
#include "mesh/state_dm.hpp"
#include "model/model_parameters.hpp"
#include "solver/limiters.hpp"

namespace stf::solver {

/// Immutable for a run.
struct Physics {
  mesh::Grid grid;
  mesh::SingularParts parts;
  model::ModelParameters params;
  Limiter limiter = Limiter::mc;
  std::vector<double> phi_column;   // phi(u_i) at the cell centres
  // Potential columns, padded with the two ghost columns on each side (index i + 2 for column i;
  // a ghost column has the width of the boundary column it copies).
  std::vector<double> inv_du_padded;             // 1 / h_i
  std::vector<CellGeometry> geometry_padded;     // the limiter's geometry of column i
  std::vector<double> face_inv_width;            // faces 0..cells_u: 1 / (narrower adjacent width), for the CFL bound
  double inv_du(long i) const noexcept { return inv_du_padded[static_cast<std::size_t>(i + 2)]; }
  std::vector<double> leak_u_face;  // leak_U(u) at the potential faces 0..cells_u (linear law: alpha, even at u = 0)
  std::vector<double> leak_c_face;  // leak_C(c) at the calcium faces 0..cells_c (exponential law: 0 at c = 0)
  double phi_at_0 = 0.0;            // phi(0): the rate of the mass on {u = 0} and at the corner
  // Linear calcium leak: every c > 0 moves down at the same speed beta, so the calcium rows move
  // with the flow (row j covers [j dc - sigma, (j + 1) dc - sigma], sigma = beta (t - frame start))
  // and are relabelled one row down every dc / beta: no calcium fluxes, no smearing in c.
  bool calcium_frame = false;
  double beta = 0.0;
  /// Mean calcium and mean squared calcium (at the centre, like every cell) of row j's mass at
  /// shift sigma. Row 0 straddles c = 0: its part below 0 sits at 0 (uniform mass in the row).
  void row_calcium(long j, double sigma, double* c, double* c2) const noexcept
  {
    const double dc = grid.dc();
    if (j > 0 || sigma <= 0.0) {
      *c = grid.c_center(j) - sigma;
      *c2 = *c * *c;
      return;
    }
    const double above = dc - sigma, centre = 0.5 * above;
    *c = above / dc * centre;
    *c2 = above / dc * centre * centre;
  }
  double phi_max_mesh = 0.0;        // phi(u_max)
  mesh::CellSplit reset_split;      // columns that receive u_reset > 0

  Physics(const mesh::Grid& g, const mesh::SingularParts& p, const model::ModelParameters& m, Limiter l);
};

/// What the right-hand side reads besides (t, X) and the physics, and which changes during a run:
/// the input I and the origin of the calcium frame. Both are constant between two stops of the
/// driver (I is piecewise constant and every change of it is a stop; the calcium rows are
/// relabelled only at stops), so the driver sets them before each TSSolve and the right-hand side
/// only reads them: it is a function of (t, X) and this, not of the stepper's state.
struct StopInterval {
  double input = 0.0;        // I(t) on the interval (MODEL.md §1)
  double frame_start = 0.0;  // time of the last relabelling of the calcium rows (calcium frame only)
};

/// The calcium rows' shift sigma = beta (t - frame start), within [0, dc] (0 without the calcium frame).
inline double calcium_shift(const Physics& ph, double frame_start, double t) noexcept
{
  if (!ph.calcium_frame) return 0.0;
  const double s = ph.beta * (t - frame_start);
  return s < 0.0 ? 0.0 : (s > ph.grid.dc() ? ph.grid.dc() : s);
}

/// The nonlocal terms of one state: reset flux per calcium row and the drive.
struct NonlocalTerms {
  double input = 0.0;  // I(t)
  double drive = 0.0;  // p(t), MODEL.md §3
  double v0 = 0.0;     // I + p - leak_U(0+): the potential velocity at u = 0 (its sign decides where resets go)
  double sigma = 0.0;  // the calcium rows' shift (calcium frame only)
};

struct RhsContext {
  explicit RhsContext(Physics p) : physics(std::move(p)) {}
  Physics physics;
  mesh::StateDm dm;
  PetscMPIInt rank = 0;
  MPI_Comm comm = MPI_COMM_NULL;
  Vec cells_local = nullptr;  // ghosted local vector of the DMDA
  Vec parts_local = nullptr;  // replicated copy of the singular parts
  PetscLogEvent event_rhs = 0, event_nonlocal = 0;
  // Scratch, sized once.
  mutable std::vector<double> reset_flux;  // J_j, per calcium row (MODEL.md §3), reduced over ranks
  mutable std::vector<double> parts_rhs;   // this rank's contributions to the singular parts' derivative
  mutable std::vector<double> parts_sum;   // their sum on rank 0
  mutable std::vector<double> flux_u;      // potential-face fluxes of one row
  mutable std::vector<double> density_row; // one row's densities per unit potential, two ghosts each side
  mutable std::vector<double> flux_c_low, flux_c_high;  // calcium-face fluxes below and above a row
  mutable long rhs_evaluations = 0;
  StopInterval interval;  // set by the driver between two TSSolve calls, read-only inside them
  double sigma_at(double t) const noexcept { return calcium_shift(physics, interval.frame_start, t); }
};

}  // namespace stf::solver
