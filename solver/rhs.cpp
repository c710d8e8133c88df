// The PETSc shim of the limit equation (MODEL.md §3). The physics is in the face fluxes of
// numerical_flux.hpp and in the small helpers below; this file moves data between them and PETSc.
#include "solver/rhs.hpp"

#include <algorithm>
#include <utility>

#include "solver/numerical_flux.hpp"

namespace stf::solver {

namespace {

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

ResetDestination reset_destination(const Physics& ph, const NonlocalTerms& nl)
{
  ResetDestination d;
  if (!ph.params.reset) {
    d.keep = true;
    return d;
  }
  if (ph.params.u_reset > 0.0) {
    d.i0 = ph.reset_split.first;
    d.w0 = ph.reset_split.w_first;
    if (d.w0 < 1.0) {
      d.i1 = d.i0 + 1;
      d.w1 = 1.0 - d.w0;
    }
    return d;
  }
  d.line = ph.parts.line_u0 && nl.v0 <= 0.0;
  return d;
}

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
void keep_potential_spikes(const Physics& ph, PetscScalar** q, const Depositor& dep)
{
  const long m = ph.grid.cells_per_unit_c(), nc = ph.grid.cells_c();
  const double* phi = ph.phi_column.data();
  double lost = 0.0;
  for (long j = dep.ys; j < dep.ye; ++j) {
    const PetscScalar* r = q[j];
    if (j + m < nc) {
      PetscScalar* out = dep.f[j + m];
      for (long i = dep.xs; i < dep.xe; ++i) out[i] += phi[i] * r[i];
    } else {
      for (long i = dep.xs; i < dep.xe; ++i) lost += phi[i] * r[i];
    }
  }
  dep.s[dep.parts.lost_c_offset] += lost;  // this rank's cells only: summed over the ranks
}

template <class L>
void cell_terms(const RhsContext& ctx, const NonlocalTerms& nl, PetscScalar** q, const PetscScalar* parts,
                PetscScalar** f, PetscInt xs, PetscInt ys, PetscInt xm, PetscInt ym)
{
  const Physics& ph = ctx.physics;
  const auto& P = ph.parts;
  const long nu = ph.grid.cells_u(), nc = ph.grid.cells_c();
  const double inv_dc = 1.0 / ph.grid.dc();
  const double* inv_h = ph.inv_du_padded.data();      // column i at i + 2
  const CellGeometry* geo = ph.geometry_padded.data();  // column i at i + 2
  const double* phi = ph.phi_column.data();
  const double* lu = ph.leak_u_face.data();
  const double* lc = ph.leak_c_face.data();
  const double drive = nl.input + nl.drive;
  double* s = ctx.parts_rhs.data();
  double* fu = ctx.flux_u.data();
  double* rho = ctx.density_row.data();
  double* low = ctx.flux_c_low.data();
  double* high = ctx.flux_c_high.data();

  // Calcium-face fluxes (positive upward; the calcium velocity -leak_C is never positive, so the
  // upwind cell is the one above). Face ys first.
  // In the calcium frame the rows move with the flow: no calcium fluxes.
  const bool frame = ph.calcium_frame;
  if (frame) std::fill(low, low + xm, 0.0);
  if (!frame) {
    const PetscInt j = ys;
    const double b = -lc[j];
    for (PetscInt k = 0; k < xm; ++k) {
      const PetscInt i = xs + k;
      low[k] = muscl_flux<L>(b, q[j - 2][i], q[j - 1][i], q[j][i], q[j + 1][i], inv_dc);
    }
    // Mass crossing c = 0 (linear calcium leak) lands on the line {c = 0}.
    if (j == 0 && P.line_c0)
      for (PetscInt k = 0; k < xm; ++k) s[P.line_c0_offset + xs + k] -= low[k];
  }
  const PetscInt k_first = xs == 0 ? 1 : 0;             // face u = 0 is special
  const PetscInt k_last = xs + xm == nu ? xm - 1 : xm;  // face u = u_max too
  for (PetscInt j = ys; j < ys + ym; ++j) {
    const PetscScalar* r = q[j];
    if (j + 1 < nc && !frame) {
      const double b = -lc[j + 1];
      const PetscScalar *rm = q[j - 1], *rp = q[j + 1], *rpp = q[j + 2];
      for (PetscInt k = 0; k < xm; ++k) {
        const PetscInt i = xs + k;
        high[k] = muscl_flux<L>(b, rm[i], r[i], rp[i], rpp[i], inv_dc);
      }
    } else {
      std::fill(high, high + xm, 0.0);  // nothing enters from above c_max
    }
    // Potential-face fluxes: velocity I + p - leak_U(u_face), from the densities per unit potential
    // (the columns may differ in width). rho[k + 2] is the density of column xs + k.
    for (PetscInt k = -2; k < xm + 2; ++k) rho[k + 2] = r[xs + k] * inv_h[xs + k + 2];
    for (PetscInt k = k_first; k <= k_last; ++k) {
      const PetscInt i = xs + k;
      fu[k] = muscl_flux_density<L>(drive - lu[i], rho[k], rho[k + 1], rho[k + 2], rho[k + 3], geo[i + 1], geo[i + 2]);
    }
    if (k_first == 1) {
      // Face u = 0. Linear leak: outward drift moves cell mass onto the line {u = 0}; inward drift
      // releases the line's mass into column 0 (first-order upwind from the line, as from a ghost
      // cell holding it). Exponential leak: the drift there is I + p >= 0 and nothing enters
      // through the face except the reset flux, added as a source below.
      double flux = 0.0;
      if (P.line_u0) {
        const double v0 = nl.v0;
        flux = v0 < 0.0 ? v0 * inv_h[2] * r[0] : (v0 > 0.0 ? v0 * inv_h[2] * parts[P.line_u0_offset + j] : 0.0);
        s[P.line_u0_offset + j] -= flux;
      }
      fu[0] = flux;
    }
    if (xs + xm == nu) {
      // Face u = u_max: outflow is lost (counted), nothing flows in.
      const double a = drive - lu[nu];
      const double flux = a > 0.0 ? a * inv_h[nu + 1] * r[nu - 1] : 0.0;
      s[P.lost_u_offset] += flux;
      fu[xm] = flux;
    }
    PetscScalar* out = f[j];
    for (PetscInt k = 0; k < xm; ++k) {
      const PetscInt i = xs + k;
      out[i] = (fu[k] - fu[k + 1]) + (low[k] - high[k]) - phi[i] * r[i];
    }
    std::swap(low, high);
  }
}

/// The reset flux of the cells and the dynamics of the singular parts (MODEL.md §3).
void singular_terms(const RhsContext& ctx, const NonlocalTerms& nl, const PetscScalar* parts, const Depositor& dep)
{
  const Physics& ph = ctx.physics;
  const auto& P = ph.parts;
  const long nu = ph.grid.cells_u(), nc = ph.grid.cells_c(), m = ph.grid.cells_per_unit_c();
  const double inv_dc = 1.0 / ph.grid.dc();
  const double drive = nl.input + nl.drive;
  const double phi0 = ph.phi_at_0;
  const bool root = dep.root;
  double* s = dep.s;
  const ResetDestination d = reset_destination(ph, nl);

  // J(t, c - 1): the mass that spiked in calcium row j re-enters in row j + m (an exact shift).
  // Without reset the cells' spikes stay in their columns (keep_potential_spikes).
  if (!d.keep)
    for (long j = 0; j < nc; ++j) {
      const double J = ctx.reset_flux[static_cast<std::size_t>(j)];
      if (J != 0.0) dep.add(J, d, j + m, 1.0);
    }
  // Without reset, mass at u = 0 spikes to u = 0 (the line {u = 0}, which exists wherever mass can
  // sit at u = 0), mass at column i to column i.
  const ResetDestination d_line_u0 = d.keep ? dep.keep_at(mesh::CellSplit{}, true) : d;

  if (P.line_u0) {
    const PetscScalar* line = parts + P.line_u0_offset;
    for (long j = 0; j < nc; ++j) {
      // Transport down in c (first-order upwind through face j, from row j); at c = 0 into the corner.
      // (In the calcium frame the line's rows move with the flow: relabelled by the driver.)
      const double down = ph.calcium_frame ? 0.0 : ph.leak_c_face[static_cast<std::size_t>(j)] * inv_dc * line[j];
      const double spikes = phi0 * line[j];  // the line spikes at phi(0)
      if (root) {
        s[P.line_u0_offset + j] -= down + spikes;
        if (j > 0)
          s[P.line_u0_offset + j - 1] += down;
        else if (P.corner)
          s[P.corner_offset] += down;
      }
      dep.add(spikes, d_line_u0, j + m, 1.0);
    }
  }
  if (P.line_c0) {
    const PetscScalar* line = parts + P.line_c0_offset;
    for (long i = 0; i < nu; ++i) {
      const double spikes = ph.phi_column[static_cast<std::size_t>(i)] * line[i];
      if (root) s[P.line_c0_offset + i] -= spikes;
      dep.add_at_c(spikes, d.keep ? dep.keep_at(mesh::CellSplit{i, 1.0, false}, false) : d, ph.grid, 1.0);
    }
    if (root) {
      // Transport along c = 0 in u, first-order upwind, with the cells' face velocities.
      for (long i = 1; i < nu; ++i) {
        const double a = drive - ph.leak_u_face[static_cast<std::size_t>(i)];
        const double flux = a * (a > 0.0 ? line[i - 1] * ph.inv_du(i - 1) : line[i] * ph.inv_du(i));
        s[P.line_c0_offset + i - 1] -= flux;
        s[P.line_c0_offset + i] += flux;
      }
      if (P.corner) {
        const double v0 = nl.v0;
        const double flux = v0 * ph.inv_du(0) * (v0 > 0.0 ? parts[P.corner_offset] : line[0]);
        s[P.corner_offset] -= flux;
        s[P.line_c0_offset] += flux;
      }
      const double a = drive - ph.leak_u_face[static_cast<std::size_t>(nu)];
      if (a > 0.0) {
        const double flux = a * ph.inv_du(nu - 1) * line[nu - 1];
        s[P.line_c0_offset + nu - 1] -= flux;
        s[P.lost_u_offset] += flux;
      }
    }
  }
  if (P.corner) {
    const double spikes = phi0 * parts[P.corner_offset];
    if (root) s[P.corner_offset] -= spikes;
    dep.add_at_c(spikes, d_line_u0, ph.grid, 1.0);
  }
  if (P.atom) {
    // The atom moves along its characteristic and loses weight at rate phi(U) into the reset
    // flux, which lands at calcium C + 1 (split between the two rows around it).
    const double U = parts[P.atom_offset], C = parts[P.atom_offset + 1], W = parts[P.atom_offset + 2];
    const double spikes = ph.params.phi(U > 0.0 ? U : 0.0) * W;
    if (root) {
      s[P.atom_offset] += ph.params.leak_U.velocity(U, drive);
      s[P.atom_offset + 1] += ph.params.leak_C.velocity(C, 0.0);
      s[P.atom_offset + 2] -= spikes;
    }
    // Without reset the spikes keep the atom's potential U (on the line {u = 0} if it sits there).
    const ResetDestination da =
        d.keep ? dep.keep_at(ph.grid.split_u(U > 0.0 ? U : 0.0), P.line_u0 && U <= 0.0) : d;
    dep.add_at_c(spikes, da, ph.grid, (C > 0.0 ? C : 0.0) + 1.0);
  }
}

}  // namespace

PetscErrorCode load_state(const RhsContext& ctx, Vec X)
{
  PetscFunctionBeginUser;
  PetscCall(DMCompositeScatter(ctx.dm.pack, X, ctx.cells_local, ctx.parts_local));
  // Domain ghosts: copies of the boundary cells, so a boundary cell's limited slope is zero.
  PetscInt xs, ys, xm, ym;
  PetscCall(DMDAGetCorners(ctx.dm.cells, &xs, &ys, nullptr, &xm, &ym, nullptr));
  const long nu = ctx.physics.grid.cells_u(), nc = ctx.physics.grid.cells_c();
  PetscScalar** q;
  PetscCall(DMDAVecGetArray(ctx.dm.cells, ctx.cells_local, &q));
  if (ys == 0)
    for (PetscInt i = xs; i < xs + xm; ++i) q[-1][i] = q[-2][i] = q[0][i];
  if (ys + ym == nc)
    for (PetscInt i = xs; i < xs + xm; ++i) q[nc][i] = q[nc + 1][i] = q[nc - 1][i];
  if (xs == 0)
    for (PetscInt j = ys; j < ys + ym; ++j) q[j][-1] = q[j][-2] = q[j][0];
  if (xs + xm == nu)
    for (PetscInt j = ys; j < ys + ym; ++j) q[j][nu] = q[j][nu + 1] = q[j][nu - 1];
  PetscCall(DMDAVecRestoreArray(ctx.dm.cells, ctx.cells_local, &q));
  PetscFunctionReturn(0);
}

PetscErrorCode compute_nonlocal_terms(const RhsContext& ctx, double input, double sigma, NonlocalTerms* out)
{
  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(ctx.event_nonlocal, 0, 0, 0, 0));
  const Physics& ph = ctx.physics;
  const auto& P = ph.parts;
  const auto& g = ph.grid;
  PetscInt xs, ys, xm, ym;
  PetscCall(DMDAGetCorners(ctx.dm.cells, &xs, &ys, nullptr, &xm, &ym, nullptr));
  std::fill(ctx.reset_flux.begin(), ctx.reset_flux.end(), 0.0);
  PetscScalar** q;
  PetscCall(DMDAVecGetArrayRead(ctx.dm.cells, ctx.cells_local, &q));
  const double* phi = ph.phi_column.data();
  for (PetscInt j = ys; j < ys + ym; ++j) {
    const PetscScalar* r = q[j];
    double sum = 0.0;
    for (PetscInt i = xs; i < xs + xm; ++i) sum += phi[i] * r[i];
    ctx.reset_flux[static_cast<std::size_t>(j)] = sum;
  }
  PetscCall(DMDAVecRestoreArrayRead(ctx.dm.cells, ctx.cells_local, &q));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, ctx.reset_flux.data(), static_cast<int>(ctx.reset_flux.size()),
                             MPI_DOUBLE, MPI_SUM, ctx.comm));
  // p(t) = < phi(u) (w0 + w1 c) > (MODEL.md §3): cells at their centres, then the singular parts.
  const double w0 = ph.params.w0, w1 = ph.params.w1;
  double p = 0.0;
  auto row_c = [&](long j) {
    double c, c2;
    ph.row_calcium(j, sigma, &c, &c2);
    return c;
  };
  for (long j = 0; j < g.cells_c(); ++j) p += (w0 + w1 * row_c(j)) * ctx.reset_flux[static_cast<std::size_t>(j)];
  const PetscScalar* parts;
  PetscCall(VecGetArrayRead(ctx.parts_local, &parts));
  if (P.line_u0)
    for (long j = 0; j < g.cells_c(); ++j) p += ph.phi_at_0 * (w0 + w1 * row_c(j)) * parts[P.line_u0_offset + j];
  if (P.line_c0)
    for (long i = 0; i < g.cells_u(); ++i) p += ph.phi_column[static_cast<std::size_t>(i)] * w0 * parts[P.line_c0_offset + i];
  if (P.corner) p += ph.phi_at_0 * w0 * parts[P.corner_offset];
  if (P.atom) {
    const double U = parts[P.atom_offset], C = parts[P.atom_offset + 1], W = parts[P.atom_offset + 2];
    p += ph.params.phi(U > 0.0 ? U : 0.0) * (w0 + w1 * C) * W;
  }
  PetscCall(VecRestoreArrayRead(ctx.parts_local, &parts));
  out->input = input;
  out->drive = p;
  out->v0 = input + p - ph.leak_u_face[0];
  out->sigma = sigma;
  PetscCall(PetscLogEventEnd(ctx.event_nonlocal, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode rhs_function(TS, PetscReal t, Vec X, Vec F, void* raw)
{
  const auto& ctx = *static_cast<const RhsContext*>(raw);
  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(ctx.event_rhs, 0, 0, 0, 0));
  ++ctx.rhs_evaluations;
  const Physics& ph = ctx.physics;
  // I(t) is piecewise constant and no step straddles one of its changes (the driver stops there):
  // every stage uses the value of the current stop interval, even a stage evaluated at its end,
  // where I(t) itself may already have jumped.
  PetscCall(load_state(ctx, X));
  NonlocalTerms nl;
  PetscCall(compute_nonlocal_terms(ctx, ctx.interval.input, ctx.sigma_at(t), &nl));

  PetscInt xs, ys, xm, ym;
  PetscCall(DMDAGetCorners(ctx.dm.cells, &xs, &ys, nullptr, &xm, &ym, nullptr));
  Vec Fc, Fp;
  PetscCall(DMCompositeGetAccess(ctx.dm.pack, F, &Fc, &Fp));
  PetscScalar **q, **f;
  const PetscScalar* parts;
  PetscCall(DMDAVecGetArrayRead(ctx.dm.cells, ctx.cells_local, &q));
  PetscCall(DMDAVecGetArray(ctx.dm.cells, Fc, &f));
  PetscCall(VecGetArrayRead(ctx.parts_local, &parts));
  std::fill(ctx.parts_rhs.begin(), ctx.parts_rhs.end(), 0.0);

  switch (ph.limiter) {
    case Limiter::minmod: cell_terms<Minmod>(ctx, nl, q, parts, f, xs, ys, xm, ym); break;
    case Limiter::van_leer: cell_terms<VanLeer>(ctx, nl, q, parts, f, xs, ys, xm, ym); break;
    case Limiter::mc: cell_terms<MonotonizedCentral>(ctx, nl, q, parts, f, xs, ys, xm, ym); break;
  }
  const Depositor dep{f, ctx.parts_rhs.data(), ctx.rank == 0, xs, xs + xm, ys, ys + ym, ph.grid.cells_c(), ph.parts, nl.sigma};
  singular_terms(ctx, nl, parts, dep);
  if (!ph.params.reset) keep_potential_spikes(ph, q, dep);

  PetscCall(VecRestoreArrayRead(ctx.parts_local, &parts));
  PetscCall(DMDAVecRestoreArray(ctx.dm.cells, Fc, &f));
  PetscCall(DMDAVecRestoreArrayRead(ctx.dm.cells, ctx.cells_local, &q));

  // The singular parts' derivative: each rank's contributions summed on rank 0, which stores them.
  PetscCallMPI(MPI_Reduce(ctx.parts_rhs.data(), ctx.parts_sum.data(), static_cast<int>(ctx.parts_rhs.size()),
                          MPI_DOUBLE, MPI_SUM, 0, ctx.comm));
  if (ctx.rank == 0) {
    PetscScalar* fp;
    PetscCall(VecGetArray(Fp, &fp));
    std::copy(ctx.parts_sum.begin(), ctx.parts_sum.end(), fp);
    PetscCall(VecRestoreArray(Fp, &fp));
  }
  PetscCall(DMCompositeRestoreAccess(ctx.dm.pack, F, &Fc, &Fp));
  PetscCall(PetscLogFlops(30.0 * double(xm) * double(ym)));
  PetscCall(PetscLogEventEnd(ctx.event_rhs, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

}  // namespace stf::solver
