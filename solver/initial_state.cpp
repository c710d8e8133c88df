// Projection of the initial law (MODEL.md §1) onto the state.
#include "solver/initial_state.hpp"

#include <petscdmcomposite.h>
#include <petscdmda.h>

#include <cmath>
#include <vector>

namespace stf::solver {

namespace {

/// Mass of a marginal in each cell of [0, n h], and whether it sits on the line at 0 instead.
struct MarginalCells {
  std::vector<double> mass;
  bool on_line = false;
  double inside = 0.0;  // sum of mass (compensated), or 1 when on the line
};

/// `face(i)` is the position of face i (face 0 at 0, face n at the extent).
template <class Face>
MarginalCells project(const model::Marginal& law, long n, Face face, bool line_at_zero, const mesh::CellSplit& split)
{
  MarginalCells out;
  out.mass.assign(static_cast<std::size_t>(n), 0.0);
  if (law.is_dirac()) {
    if (law.at == 0.0 && line_at_zero) {
      out.on_line = true;
      out.inside = 1.0;
      return out;
    }
    if (split.outside) return out;
    out.mass[static_cast<std::size_t>(split.first)] = split.w_first;
    if (split.w_first < 1.0) out.mass[static_cast<std::size_t>(split.first + 1)] = 1.0 - split.w_first;
  } else {
    double previous = law.cdf(0.0);
    for (long i = 0; i < n; ++i) {
      const double next = law.cdf(face(i + 1));
      out.mass[static_cast<std::size_t>(i)] = next - previous;
      previous = next;
    }
  }
  double sum = 0.0, comp = 0.0;  // Neumaier
  for (double m : out.mass) {
    const double t = sum + m;
    comp += std::fabs(sum) >= std::fabs(m) ? (sum - t) + m : (m - t) + sum;
    sum = t;
  }
  out.inside = sum + comp;
  return out;
}

}  // namespace

PetscErrorCode set_initial_state(const RhsContext& ctx, const model::InitialLaw& initial, Vec X)
{
  PetscFunctionBeginUser;
  const auto& g = ctx.physics.grid;
  const auto& P = ctx.physics.parts;
  PetscCall(VecSet(X, 0.0));
  Vec Xc, Xp;
  PetscCall(DMCompositeGetAccess(ctx.dm.pack, X, &Xc, &Xp));
  const MarginalCells mu =
      project(initial.U, g.cells_u(), [&](long i) { return g.u_face(i); }, P.line_u0, g.split_u(initial.U.at));
  const MarginalCells mc =
      project(initial.C, g.cells_c(), [&](long j) { return g.c_face(j); }, P.line_c0, g.split_c(initial.C.at));

  if (!P.atom && !mu.on_line && !mc.on_line) {
    PetscInt xs, ys, xm, ym;
    PetscCall(DMDAGetCorners(ctx.dm.cells, &xs, &ys, nullptr, &xm, &ym, nullptr));
    PetscScalar** q;
    PetscCall(DMDAVecGetArray(ctx.dm.cells, Xc, &q));
    for (PetscInt j = ys; j < ys + ym; ++j)
      for (PetscInt i = xs; i < xs + xm; ++i) q[j][i] = mu.mass[static_cast<std::size_t>(i)] * mc.mass[static_cast<std::size_t>(j)];
    PetscCall(DMDAVecRestoreArray(ctx.dm.cells, Xc, &q));
  }
  if (ctx.rank == 0) {
    PetscScalar* s;
    PetscCall(VecGetArray(Xp, &s));
    if (P.atom) {
      s[P.atom_offset] = initial.U.at;
      s[P.atom_offset + 1] = initial.C.at;
      s[P.atom_offset + 2] = 1.0;
    } else if (mu.on_line) {
      for (long j = 0; j < g.cells_c(); ++j) s[P.line_u0_offset + j] = mc.mass[static_cast<std::size_t>(j)];
    } else if (mc.on_line) {
      for (long i = 0; i < g.cells_u(); ++i) s[P.line_c0_offset + i] = mu.mass[static_cast<std::size_t>(i)];
    }
    if (!P.atom) {
      s[P.lost_u_offset] = 1.0 - mu.inside;
      s[P.lost_c_offset] = mu.inside * (1.0 - mc.inside);
    }
    PetscCall(VecRestoreArray(Xp, &s));
  }
  PetscCall(DMCompositeRestoreAccess(ctx.dm.pack, X, &Xc, &Xp));
  PetscFunctionReturn(0);
}

}  // namespace stf::solver
