// The singular parts of the MUSCL scheme (MODEL.md §3, docs/numerical-method.md §2-3): where the
// spiking mass re-enters (the reset routing: u_reset, or the line {u = 0}, or, without reset, where
// it spiked), and the dynamics of the parts carried apart from the cells: the lines {u = 0} and
// {c = 0}, their corner, the atom of a Dirac initial law, and what they lose past u_max and c_max.
// The right-hand side (rhs.cpp) calls these between its PETSc accesses; none of them touches PETSc
// objects, only arrays.
#pragma once

#include <petscsys.h>

#include "mesh/grid.hpp"
#include "solver/rhs_context.hpp"

namespace stf::solver {

/// Where spiking mass re-enters in potential (MODEL.md §1: U <- u_reset). With u_reset = 0 and a
/// linear potential leak whose drift at u = 0 points outward (v0 <= 0), the reset mass stays on the
/// line {u = 0}; otherwise it enters the cells through the face u = 0 (column 0). A u_reset > 0 is
/// split between the two columns whose centres bracket it (the mean potential is kept).
struct ResetDestination {
  bool keep = false;  // model.reset = false: the potential is kept, only the calcium jumps (MODEL.md §1)
  bool line = false;
  long i0 = 0;
  double w0 = 1.0;
  long i1 = -1;
  double w1 = 0.0;
};

ResetDestination reset_destination(const Physics& ph, const NonlocalTerms& nl);

/// Adds spiking mass to where it lands: owned cells on every rank, the singular parts (line u = 0,
/// lost past c_max) on rank 0 only, so that each contribution is counted once.
struct Depositor {
  PetscScalar** f;
  double* s;
  bool root;
  long xs, xe, ys, ye, cells_c;
  const mesh::SingularParts& parts;
  double sigma;  // the calcium rows' shift

  void add(double rate, const ResetDestination& d, long row, double w_row) const noexcept
  {
    const double m = rate * w_row;
    if (row >= cells_c) {
      if (root) s[parts.lost_c_offset] += m;
      return;
    }
    if (d.line) {
      if (root) s[parts.line_u0_offset + row] += m;
      return;
    }
    if (row < ys || row >= ye) return;
    if (d.i0 >= xs && d.i0 < xe) f[row][d.i0] += m * d.w0;
    if (d.i1 >= xs && d.i1 < xe) f[row][d.i1] += m * d.w1;
  }
  /// Mass landing at calcium c (row position c + sigma in the calcium frame): split between the
  /// two rows whose centres bracket it, so the mean calcium is kept (from c = 0 to c = 1 without
  /// frame: half in each of the rows m - 1 and m).
  void add_at_c(double rate, const ResetDestination& d, const mesh::Grid& grid, double c) const noexcept
  {
    const mesh::CellSplit split = grid.split_c(c + sigma);
    if (split.outside) {
      if (root) s[parts.lost_c_offset] += rate;
      return;
    }
    add(rate, d, split.first, split.w_first);
    if (split.w_first < 1.0) add(rate, d, split.first + 1, 1.0 - split.w_first);
  }
  /// Where spiking mass lands when it keeps its potential (model.reset = false): on the line
  /// {u = 0} if it spikes there, otherwise in the columns of `at_u` (where it spiked).
  ResetDestination keep_at(const mesh::CellSplit& at_u, bool on_line_u0) const noexcept
  {
    ResetDestination d;
    d.line = on_line_u0;
    d.i0 = at_u.first;
    d.w0 = at_u.w_first;
    if (at_u.w_first < 1.0) {
      d.i1 = at_u.first + 1;
      d.w1 = 1.0 - at_u.w_first;
    }
    return d;
  }
};

/// model.reset = false: the spiking mass of cell (i, j) moves to (i, j + m), an exact shift within
/// the column (each rank owns whole columns then, see create_state_dm), or past c_max.
void keep_potential_spikes(const Physics& ph, PetscScalar** q, const Depositor& dep);

/// The flux through the face u = 0 between column 0 (mass `cell0`) and the row of the line {u = 0}
/// next to it (mass `line_row`), positive into the cells: an outward drift (v0 < 0) moves cell mass
/// onto the line; an inward drift releases the line's mass into column 0 (first-order upwind from
/// the line, as from a ghost cell holding it). `inv_h0`: 1 / the width of column 0.
inline double line_u0_face_flux(double v0, double inv_h0, double cell0, double line_row) noexcept
{
  return v0 < 0.0 ? v0 * inv_h0 * cell0 : (v0 > 0.0 ? v0 * inv_h0 * line_row : 0.0);
}

/// The reset flux of the cells and the dynamics of the singular parts (MODEL.md §3). The reset flux
/// (ctx.reset_flux) is already summed over the ranks: each rank deposits it into the cells it owns,
/// rank 0 (dep.root) into the singular parts, and rank 0 alone adds the singular parts' own terms.
void singular_terms(const RhsContext& ctx, const NonlocalTerms& nl, const PetscScalar* parts, const Depositor& dep);

/// Adds to `p` the singular parts' share of the drive p(t) = < phi(u) (w0 + w1 c) > (MODEL.md §3):
/// the line {u = 0} spikes at phi(0) with its rows' calcium (in the calcium frame shifted by
/// `sigma`), the line {c = 0} and the corner with c = 0, the atom at (U, C). Added term by term
/// to the cells' sum, in this order.
void add_singular_parts_drive(const Physics& ph, const PetscScalar* parts, double sigma, double& p);

}  // namespace stf::solver
