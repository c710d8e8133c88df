// The PETSc shim of the limit equation (MODEL.md §3) for the MUSCL scheme: the cells' face fluxes
// (numerical_flux.hpp) and their killing here; the reset routing and the dynamics of the singular
// parts (lines, corner, atom) in singular_dynamics.hpp. This file moves data between them and PETSc.
#include "solver/rhs.hpp"

#include <algorithm>
#include <utility>

#include "solver/numerical_flux.hpp"
#include "solver/singular_dynamics.hpp"

namespace stf::solver {

namespace {

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
      // Face u = 0. Linear leak: the exchange with the line {u = 0} (line_u0_face_flux).
      // Exponential leak: the drift there is I + p >= 0 and nothing enters through the face except
      // the reset flux, added as a source by singular_terms.
      double flux = 0.0;
      if (P.line_u0) {
        flux = line_u0_face_flux(nl.v0, inv_h[2], r[0], parts[P.line_u0_offset + j]);
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
  add_singular_parts_drive(ph, parts, sigma, p);
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
