// Observables, total mass and sign checks of a state (MODEL.md §2, §3).
#include "solver/state_summary.hpp"

#include <petscdmda.h>

#include <array>
#include <cmath>
#include <limits>

#include "solver/rhs.hpp"

namespace stf::solver {

namespace {

/// Neumaier's compensated sum: the total mass must be checked to 1e-12 over a million cells.
struct CompensatedSum {
  double sum = 0.0, comp = 0.0;
  void add(double x) noexcept
  {
    const double t = sum + x;
    comp += std::fabs(sum) >= std::fabs(x) ? (sum - t) + x : (x - t) + sum;
    sum = t;
  }
};

}  // namespace

PetscErrorCode summarize_state(const RhsContext& ctx, Vec X, double t, StateSummary* out)
{
  PetscFunctionBeginUser;
  const double sigma = ctx.sigma_at(t);  // the calcium rows' shift (calcium frame only)
  const Physics& ph = ctx.physics;
  const auto& g = ph.grid;
  const auto& P = ph.parts;
  const double w0 = ph.params.w0, w1 = ph.params.w1;
  PetscCall(load_state(ctx, X));
  PetscInt xs, ys, xm, ym;
  PetscCall(DMDAGetCorners(ctx.dm.cells, &xs, &ys, nullptr, &xm, &ym, nullptr));
  PetscScalar** q;
  PetscCall(DMDAVecGetArrayRead(ctx.dm.cells, ctx.cells_local, &q));
  // Raw sums in ObservableAccumulator's order (mass, rate, drive, su, sc, suu, scc), then the
  // compensated mass (sum, compensation) and the count of non-finite values.
  std::array<double, 10> sums{};
  CompensatedSum mass;
  double min_mass = std::numeric_limits<double>::infinity();
  for (PetscInt j = ys; j < ys + ym; ++j) {
    const PetscScalar* r = q[j];
    double rm = 0.0, rphi = 0.0, ru = 0.0, ruu = 0.0;
    for (PetscInt i = xs; i < xs + xm; ++i) {
      const double v = r[i], u = g.u_center(i);
      if (!std::isfinite(v)) sums[9] += 1.0;
      min_mass = std::fmin(min_mass, v);
      mass.add(v);
      rm += v;
      rphi += ph.phi_column[static_cast<std::size_t>(i)] * v;
      ru += u * v;
      ruu += u * u * v;
    }
    double c, c2;
    ph.row_calcium(j, sigma, &c, &c2);
    sums[0] += rm;
    sums[1] += rphi;
    sums[2] += (w0 + w1 * c) * rphi;
    sums[3] += ru;
    sums[4] += c * rm;
    sums[5] += ruu;
    sums[6] += c2 * rm;
  }
  PetscCall(DMDAVecRestoreArrayRead(ctx.dm.cells, ctx.cells_local, &q));
  sums[7] = mass.sum;
  sums[8] = mass.comp;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums.data(), 10, MPI_DOUBLE, MPI_SUM, ctx.comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &min_mass, 1, MPI_DOUBLE, MPI_MIN, ctx.comm));

  // The singular parts, replicated on every rank: each adds them identically.
  model::ObservableAccumulator acc(w0, w1);
  acc.set_sums({sums[0], sums[1], sums[2], sums[3], sums[4], sums[5], sums[6]});
  CompensatedSum total;
  total.add(sums[7]);
  total.add(sums[8]);
  const PetscScalar* s;
  PetscCall(VecGetArrayRead(ctx.parts_local, &s));
  auto singular = [&](double weight, double u, double c, double phi_u) {
    if (!std::isfinite(weight)) sums[9] += 1.0;
    min_mass = std::fmin(min_mass, weight);
    total.add(weight);
    acc.add(weight, u, c, phi_u);
  };
  if (P.line_u0)
    for (long j = 0; j < g.cells_c(); ++j) {
      double c, c2;
      ph.row_calcium(j, sigma, &c, &c2);
      singular(s[P.line_u0_offset + j], 0.0, c, ph.phi_at_0);
    }
  if (P.line_c0)
    for (long i = 0; i < g.cells_u(); ++i)
      singular(s[P.line_c0_offset + i], g.u_center(i), 0.0, ph.phi_column[static_cast<std::size_t>(i)]);
  if (P.corner) singular(s[P.corner_offset], 0.0, 0.0, ph.phi_at_0);
  out->atom_u = 0.0;
  out->atom_weight = 0.0;
  if (P.atom) {
    const double U = s[P.atom_offset], C = s[P.atom_offset + 1], W = s[P.atom_offset + 2];
    singular(W, U, C, ph.params.phi(U > 0.0 ? U : 0.0));
    out->atom_u = U;
    out->atom_weight = W;
    if (!std::isfinite(U) || !std::isfinite(C)) sums[9] += 1.0;
  }
  out->lost_u = s[P.lost_u_offset];
  out->lost_c = s[P.lost_c_offset];
  total.add(out->lost_u);
  total.add(out->lost_c);
  PetscCall(VecRestoreArrayRead(ctx.parts_local, &s));
  out->observables = acc.finish();
  out->total_mass = total.sum + total.comp;
  out->min_mass = min_mass;
  out->finite = sums[9] == 0.0 && std::isfinite(out->total_mass);
  PetscFunctionReturn(0);
}

}  // namespace stf::solver
