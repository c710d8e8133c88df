// The initial law mu0 of MODEL.md §1 projected onto the cells and the singular parts.
#pragma once

#include <petscvec.h>

#include "model/initial_law.hpp"
#include "solver/rhs_context.hpp"

namespace stf::solver {

/// Cell masses are the exact masses of mu0 in each cell (differences of the marginals' CDFs). A
/// Dirac marginal at 0 on a side with a linear leak puts the mass on that line; any other Dirac
/// marginal alone is split between the two cells whose centres bracket it (mean kept; smeared
/// over one cell); two Dirac marginals make the atom. Mass beyond u_max or c_max starts in the
/// lost counters, so the total is 1. Collective; X is a vector of ctx.dm.pack.
PetscErrorCode set_initial_state(const RhsContext& ctx, const model::InitialLaw& initial, Vec X);

}  // namespace stf::solver
