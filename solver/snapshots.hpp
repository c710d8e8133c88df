// Density snapshots: the state gathered on rank 0, and written as VTK structured grids (.vts,
// PETSc's VTK viewer) that ParaView opens.
#pragma once

#include <petscvec.h>

#include <filesystem>

#include "solver/rhs_context.hpp"
#include "solver/solve.hpp"

namespace stf::solver {

/// Gathers the state X at time t on rank 0 (the other ranks get the header only). Collective.
PetscErrorCode gather_snapshot(const RhsContext& ctx, Vec X, double t, DensitySnapshot* out);

/// Writes the density (cell mass / (du dc)) of a snapshot as `path` (.vts), on the calling rank
/// alone (PETSC_COMM_SELF). The singular parts are not part of the file.
PetscErrorCode write_snapshot_vts(const DensitySnapshot& snapshot, const std::filesystem::path& path);

}  // namespace stf::solver
