// The mesh study of the limit (MODEL.md §3): the solver on meshes h, h/2, h/4, ..., sup-over-time
// differences of the observables between successive meshes, observed orders, and the exit time
// with its Richardson extrapolation.
#pragma once

#include <mpi.h>
#include <optional>
#include <string>
#include <vector>

#include "model/case.hpp"
#include "solver/solve.hpp"

namespace stf::validation {

/// Meshes from coarse to fine, each twice as fine as the previous one in u and in c. The finest is
/// the case's mesh when its calcium resolution can be halved levels - 1 times (cells_per_unit_c
/// divisible by 2^(levels-1)); otherwise the sequence starts from the coarsest admissible mesh and
/// refines past the case's. cells_u is rounded up so that it halves exactly, and c_max is rounded
/// up to a whole calcium unit so that every level has whole cells.
std::vector<model::MeshSettings> mesh_sequence(const model::MeshSettings& mesh, long levels);

struct MeshLevel {
  long cells_u = 0, cells_per_unit_c = 0, cells_c = 0;
  double du = 0.0, dc = 0.0;
  std::optional<double> exit_time;
  long steps = 0;
  double wall_seconds = 0.0;
  double max_mass_error = 0.0;
  double lost_mass = 0.0;  // through u_max and c_max
};

/// One quantity across the meshes. For observables, differences[k] is sup over time of
/// |q_{k+1} - q_k| (levels - 1 values) and orders[k] = log2(differences[k] / differences[k+1]);
/// errors[k] is sup over time of |q_k - q_finest|. For the exit time, differences are |tau_{k+1} -
/// tau_k|, `extrapolated` is the Richardson value from the two finest meshes with the last observed
/// order, and errors[k] = |tau_k - extrapolated| (or against the finest mesh if no order exists).
struct ConvergenceRow {
  std::string quantity;
  std::vector<double> differences;
  std::vector<std::optional<double>> orders;
  std::vector<double> errors;
  std::optional<double> extrapolated;
};

struct MeshStudy {
  std::vector<MeshLevel> levels;        // coarse to fine
  std::vector<ConvergenceRow> observables;
  std::optional<ConvergenceRow> exit_time;  // when every level has an exit time
  solver::Solution finest;              // the finest solution, with the snapshots asked for
  bool interrupted = false;             // finest_options.stop was set: levels and analysis are incomplete
};

/// Runs the solver on every level (collective over `comm`; analysis on rank 0). Only the finest
/// level takes `finest_options` (snapshots); the others run without outputs (but with its `stop`).
MeshStudy run_mesh_study(const model::Case& c, long levels, const solver::SolveOptions& finest_options,
                         MPI_Comm comm);

/// The analysis of solutions on successive meshes (pure; exposed for tests).
void analyse_mesh_levels(MeshStudy& study, const std::vector<solver::Solution>& solutions);

}  // namespace stf::validation
