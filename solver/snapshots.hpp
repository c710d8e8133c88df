// Density snapshots: the state gathered on rank 0, and written as VTK XML files that ParaView
// opens: the cells as a structured grid (.vts) on their true faces, the singular parts beside it
// (.vtp), and a collection (.pvd) with the true times.
#pragma once

#include <petscvec.h>

#include <filesystem>
#include <string>
#include <vector>

#include "solver/rhs_context.hpp"
#include "solver/solve.hpp"

namespace stf::solver {

/// Gathers the state X at time t on rank 0 (the other ranks get the header only). Collective.
PetscErrorCode gather_snapshot(const RhsContext& ctx, Vec X, double t, DensitySnapshot* out);

/// Writes a snapshot on the calling rank alone: `path` (.vts) holds the cells, a structured grid
/// whose points are the cell corners, with cell data `density` (mass / area) and `mass`; beside it,
/// singular_parts_path(path) (.vtp) holds the lines {u = 0} and {c = 0}, the corner and the atoms
/// as thin quadrilaterals (width a thousandth of a cell) with the same two arrays. Integrating
/// `density` over both (ParaView's Integrate Variables) gives the mass in the mesh: 1 - snapshot.lost.
PetscErrorCode write_snapshot_vts(const DensitySnapshot& snapshot, const std::filesystem::path& path);

/// The companion file of the singular parts: density_0003.vts -> density_0003_singular.vtp.
std::filesystem::path singular_parts_path(const std::filesystem::path& cells_path);

/// A ParaView collection (.pvd) of the snapshots: at times[k], cell_files[k] (part 0) and its
/// singular parts (part 1), names relative to the .pvd's folder.
std::string snapshots_pvd(const std::vector<double>& times, const std::vector<std::string>& cell_files);

}  // namespace stf::solver
