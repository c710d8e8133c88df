// DMDA + DMRedundant composite for the solver state (MODEL.md §3).
#include "mesh/state_dm.hpp"

namespace stf::mesh {

PetscErrorCode create_state_dm(MPI_Comm comm, const Grid& grid, const SingularParts& parts, bool whole_columns,
                               StateDm* dm)
{
  PetscFunctionBeginUser;
  // Ghosted boundaries: the solver fills the ghost cells outside the domain itself (copies of the
  // boundary cells, which makes the limited slope of a boundary cell zero).
  PetscCall(DMDACreate2d(comm, DM_BOUNDARY_GHOSTED, DM_BOUNDARY_GHOSTED, DMDA_STENCIL_STAR,
                         static_cast<PetscInt>(grid.cells_u()), static_cast<PetscInt>(grid.cells_c()),
                         PETSC_DECIDE, whole_columns ? 1 : PETSC_DECIDE, 1, 2, nullptr, nullptr, &dm->cells));
  PetscCall(DMSetUp(dm->cells));
  PetscCall(DMDASetFieldName(dm->cells, 0, "cell_mass"));
  PetscCall(DMRedundantCreate(comm, 0, static_cast<PetscInt>(parts.size), &dm->parts));
  PetscCall(DMCompositeCreate(comm, &dm->pack));
  PetscCall(DMCompositeAddDM(dm->pack, dm->cells));
  PetscCall(DMCompositeAddDM(dm->pack, dm->parts));
  PetscCall(DMSetUp(dm->pack));
  PetscFunctionReturn(0);
}

PetscErrorCode destroy_state_dm(StateDm* dm)
{
  PetscFunctionBeginUser;
  PetscCall(DMDestroy(&dm->pack));
  PetscCall(DMDestroy(&dm->cells));
  PetscCall(DMDestroy(&dm->parts));
  PetscFunctionReturn(0);
}

}  // namespace stf::mesh
