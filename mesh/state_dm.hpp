// The PETSc layout of the solver state: a DMComposite of a 2-D DMDA holding the cell masses
// (x = potential column i, y = calcium row j, stencil width 2 for the limited reconstruction,
// ghosted boundaries) and a DMRedundant holding the singular parts (see singular_parts.hpp).
#pragma once

#include <petscdmcomposite.h>
#include <petscdmda.h>
#include <petscdmredundant.h>

#include "mesh/grid.hpp"
#include "mesh/singular_parts.hpp"

namespace stf::mesh {

struct StateDm {
  DM pack = nullptr;   // the composite: one Vec holds everything that the time stepper advances
  DM cells = nullptr;  // the DMDA (owned by pack after creation; a reference is kept here)
  DM parts = nullptr;  // the DMRedundant, stored on rank 0, replicated by global-to-local
};

/// Creates the composite over `comm`. Collective. With `whole_columns` every rank owns whole
/// potential columns (the cells are split over the ranks in u only): a spike without reset moves
/// mass m rows up its own column, which must then be local. The caller destroys `pack`, `cells`
/// and `parts` with destroy_state_dm.
PetscErrorCode create_state_dm(MPI_Comm comm, const Grid& grid, const SingularParts& parts, bool whole_columns,
                               StateDm* dm);
PetscErrorCode destroy_state_dm(StateDm* dm);

}  // namespace stf::mesh
