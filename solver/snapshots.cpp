// Gathering and writing density snapshots (MODEL.md §3: the density and its singular parts).
#include "solver/snapshots.hpp"

#include <petscdmcomposite.h>
#include <petscdmda.h>
#include <petscviewer.h>

namespace stf::solver {

PetscErrorCode gather_snapshot(const RhsContext& ctx, Vec X, double t, DensitySnapshot* out)
{
  PetscFunctionBeginUser;
  const auto& g = ctx.physics.grid;
  const auto& P = ctx.physics.parts;
  out->t = t;
  out->cells_u = g.cells_u();
  out->cells_c = g.cells_c();
  out->du = g.du();
  out->u_faces = g.u_faces();
  out->c_shift = ctx.sigma_at(t);
  out->dc = g.dc();
  Vec Xc, Xp, natural, seq;
  VecScatter to_zero;
  PetscCall(DMCompositeGetAccess(ctx.dm.pack, X, &Xc, &Xp));
  PetscCall(DMDACreateNaturalVector(ctx.dm.cells, &natural));
  PetscCall(DMDAGlobalToNaturalBegin(ctx.dm.cells, Xc, INSERT_VALUES, natural));
  PetscCall(DMDAGlobalToNaturalEnd(ctx.dm.cells, Xc, INSERT_VALUES, natural));
  PetscCall(VecScatterCreateToZero(natural, &to_zero, &seq));
  PetscCall(VecScatterBegin(to_zero, natural, seq, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(to_zero, natural, seq, INSERT_VALUES, SCATTER_FORWARD));
  if (ctx.rank == 0) {
    const PetscScalar* a;
    PetscInt n;
    PetscCall(VecGetLocalSize(seq, &n));
    PetscCall(VecGetArrayRead(seq, &a));
    out->cell_mass.assign(a, a + n);
    PetscCall(VecRestoreArrayRead(seq, &a));
    const PetscScalar* s;
    PetscCall(VecGetArrayRead(Xp, &s));
    out->line_u0.clear();
    out->line_c0.clear();
    out->atoms.clear();
    if (P.line_u0) out->line_u0.assign(s + P.line_u0_offset, s + P.line_u0_offset + g.cells_c());
    if (P.line_c0) out->line_c0.assign(s + P.line_c0_offset, s + P.line_c0_offset + g.cells_u());
    out->corner = P.corner ? s[P.corner_offset] : 0.0;
    if (P.atom) out->atoms.push_back({s[P.atom_offset], s[P.atom_offset + 1], s[P.atom_offset + 2]});
    out->lost = s[P.lost_u_offset] + s[P.lost_c_offset];
    PetscCall(VecRestoreArrayRead(Xp, &s));
  }
  PetscCall(VecScatterDestroy(&to_zero));
  PetscCall(VecDestroy(&seq));
  PetscCall(VecDestroy(&natural));
  PetscCall(DMCompositeRestoreAccess(ctx.dm.pack, X, &Xc, &Xp));
  PetscFunctionReturn(0);
}

PetscErrorCode write_snapshot_vts(const DensitySnapshot& snapshot, const std::filesystem::path& path)
{
  PetscFunctionBeginUser;
  DM da;
  Vec density;
  PetscViewer viewer;
  const auto nu = static_cast<PetscInt>(snapshot.cells_u), nc = static_cast<PetscInt>(snapshot.cells_c);
  PetscCall(DMDACreate2d(PETSC_COMM_SELF, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, nu, nc, 1, 1, 1, 0,
                         nullptr, nullptr, &da));
  PetscCall(DMSetUp(da));
  PetscCall(DMDASetFieldName(da, 0, "density"));
  // Values sit at the cell centres.
  PetscCall(DMDASetUniformCoordinates(da, 0.5 * snapshot.du, (double(nu) - 0.5) * snapshot.du,
                                      0.5 * snapshot.dc - snapshot.c_shift, (double(nc) - 0.5) * snapshot.dc - snapshot.c_shift,
                                      0.0, 0.0));
  const bool stretched = snapshot.u_faces.size() == std::size_t(nu) + 1;
  if (stretched) {
    Vec coordinates;
    PetscScalar* x;
    PetscCall(DMGetCoordinates(da, &coordinates));
    PetscCall(VecGetArray(coordinates, &x));
    for (PetscInt j = 0; j < nc; ++j)
      for (PetscInt i = 0; i < nu; ++i) x[2 * (j * nu + i)] = 0.5 * (snapshot.u_faces[std::size_t(i)] + snapshot.u_faces[std::size_t(i) + 1]);
    PetscCall(VecRestoreArray(coordinates, &x));
  }
  PetscCall(DMCreateGlobalVector(da, &density));
  PetscCall(PetscObjectSetName(reinterpret_cast<PetscObject>(density), "density"));
  PetscScalar* a;
  PetscCall(VecGetArray(density, &a));
  for (std::size_t k = 0; k < snapshot.cell_mass.size(); ++k) {
    const std::size_t i = k % std::size_t(nu);
    const double du = stretched ? snapshot.u_faces[i + 1] - snapshot.u_faces[i] : snapshot.du;
    a[k] = snapshot.cell_mass[k] / (du * snapshot.dc);
  }
  PetscCall(VecRestoreArray(density, &a));
  PetscCall(PetscViewerVTKOpen(PETSC_COMM_SELF, path.c_str(), FILE_MODE_WRITE, &viewer));
  PetscCall(VecView(density, viewer));
  PetscCall(PetscViewerDestroy(&viewer));
  PetscCall(VecDestroy(&density));
  PetscCall(DMDestroy(&da));
  PetscFunctionReturn(0);
}

}  // namespace stf::solver
