// The mean-field limit solver (MODEL.md §3): conservative finite volumes over the (potential,
// calcium) plane with exact singular parts, advanced by PETSc TS. The entry point of `stf run`
// and of the validation studies.
#pragma once

#include <mpi.h>

#include <array>
#include <atomic>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "model/case.hpp"
#include "model/observables.hpp"

namespace stf::solver {

struct SolveOptions {
  std::vector<double> snapshot_times;                // densities to return (and to write if a folder is given)
  std::optional<std::filesystem::path> vtk_folder;   // where rank 0 writes the snapshots (.vts), if anywhere
  bool progress = false;                             // progress on stderr (rank 0, only if it is a terminal)
  const std::atomic<bool>* stop = nullptr;           // checked by every rank together at each stop of the
                                                     // stepper; when set, the run ends (Solution::interrupted)
  double wall_limit_seconds = std::numeric_limits<double>::infinity();  // a level of the characteristic scheme
                                                     // that runs longer stops (Solution::over_budget)
};

/// The state at one time, gathered on rank 0 (empty vectors on the other ranks).
struct DensitySnapshot {
  double t = 0.0;
  long cells_u = 0, cells_c = 0;
  double du = 0.0, dc = 0.0;     // du: the mean potential width u_max / cells_u (every column's when mesh.stretch = 1)
  std::vector<double> u_faces;   // the cells_u + 1 potential faces (column i spans [u_faces[i], u_faces[i + 1]])
  double c_shift = 0.0;          // linear calcium leak: row j spans [j dc - c_shift, (j + 1) dc - c_shift] (the rows
                                 // move with the flow; row 0's part below 0 is at c = 0); 0 otherwise
  std::vector<double> cell_mass;  // mass in each cell, index j * cells_u + i (calcium row j, potential column i)
  std::vector<double> line_u0;    // mass on {u = 0} per calcium row (empty if the potential leak is exponential)
  std::vector<double> line_c0;    // mass on {c = 0} per potential column (empty if the calcium leak is exponential)
  double corner = 0.0;            // mass at (0, 0)
  struct Atom {
    double u, c, weight;
  };
  std::vector<Atom> atoms;        // the never-spiked mass of a Dirac stimulus
  double lost = 0.0;              // mass that left through u_max or c_max
};

/// One refinement level of an accuracy-controlled run.
struct AccuracyLevel {
  int level = 0;
  std::string resolution;            // e.g. "dt 0.00625, h 0.03125, 16 rows/unit c" or "mesh 240 x 64"
  long cells = 0, steps = 0;
  double wall_seconds = 0.0;
  std::optional<double> exit_time;
};

/// What the refinement estimated: for the exit time and for each observable (sup over the sample
/// times), the error of the finest level, Fs |q_L - q_{L-1}| / (2^p - 1) with the observed order p
/// (clamped to [0.5, nominal order]: a higher apparent order is not trusted to shrink the estimate;
/// Fs is Roache's safety factor; see solver/accuracy_control.hpp), or, for a quantity marked
/// extrapolated, the error of the Richardson extrapolation of the two finest levels that is reported.
struct AccuracyReport {
  double tolerance = 0.0;
  bool converged = false;                 // every estimate below tolerance (relative)
  std::string stop_reason;                // why the refinement stopped without converging
  std::optional<double> exit_time_error;  // absolute
  std::optional<double> exit_time_order;
  std::array<double, model::observable_count> observable_error{};   // absolute, sup over time (NaN: one level, none)
  std::array<double, model::observable_count> observable_scale{};   // sup over time of |q|: errors are relative to it
  std::array<std::optional<double>, model::observable_count> observable_order{};
  // Whether the value reported is the Richardson extrapolation of the two finest levels (its error
  // then bounded from the last three extrapolations) rather than the finest level's own.
  bool exit_time_extrapolated = false;
  std::array<bool, model::observable_count> observable_extrapolated{};
  std::vector<AccuracyLevel> levels;      // coarse to fine; the solution is the finest's
};

struct Solution {
  std::vector<double> times;                     // the case's sample times
  std::vector<model::Observables> observables;   // at each sample time (MODEL.md §2)
  std::optional<double> exit_time;               // model::ExitTimeDetector's rule, shared with the particles
  std::vector<DensitySnapshot> snapshots;        // at SolveOptions::snapshot_times (rank 0)
  long steps = 0;
  long rhs_evaluations = 0;
  long cells = 0;                                // the largest number of cells
  long cell_steps = 0;                           // the cells advanced, summed over the steps: the run's work
  double max_mass_error = 0.0;                   // max over sample times of |total mass - 1|, lost mass included
  double lost_u_max = 0.0, lost_c_max = 0.0;     // mass that left through u = u_max and c = c_max (at the end)
  double wall_seconds = 0.0;                     // time stepping only (set-up excluded)
  double cell_stage_updates_per_second = 0.0;    // cells * right-hand-side evaluations / wall_seconds
  std::string ts_type;                           // the PETSc TS type that ran
  bool interrupted = false;                      // ended by SolveOptions::stop: the records stop short of the end
  bool over_budget = false;                      // ended by SolveOptions::wall_limit_seconds: the same
  std::string scheme;                            // "characteristic" or "muscl"
  std::string resolution;                        // the resolution it ran at, in words
  std::optional<AccuracyReport> accuracy;        // set by solve() (refinement to solver.tolerance)
};

/// Whether `stop` (may be null) is set on any rank of `comm`. Collective: every rank must call it, and
/// every rank gets the same answer, so that all of them leave a loop of collective work together.
inline bool stop_requested_on_any_rank(const std::atomic<bool>* stop, MPI_Comm comm)
{
  int requested = stop != nullptr && stop->load(std::memory_order_relaxed) ? 1 : 0;
  if (comm != MPI_COMM_NULL) MPI_Allreduce(MPI_IN_PLACE, &requested, 1, MPI_INT, MPI_LOR, comm);
  return requested != 0;
}

/// Solves the limit equation of the case with its solver.scheme, refining until the estimated
/// relative error of the exit time and of every observable is below solver.tolerance (or a level
/// or time budget is reached: Solution::accuracy says which). Collective over `comm`. The
/// characteristic scheme runs whole on every rank (its state is small), the MUSCL scheme spreads
/// its mesh over the ranks; with `comm` = MPI_COMM_NULL it runs in this process alone, without MPI
/// (which need not be initialised). Throws SolverFailure as the single-resolution solvers do.
Solution solve(const model::Case& c, const SolveOptions& options, MPI_Comm comm);

/// The MUSCL scheme on the fixed mesh of the case's [mesh] settings (one resolution). Collective over `comm`
/// (PETSc must be initialised); the result is complete on every rank, except the snapshots, which
/// are gathered on rank 0. PETSc options (-ts_type, -ts_monitor, -log_view, ...) apply.
/// Throws SolverFailure (NaN, negative density, lost mass beyond tolerance naming the boundary,
/// mass drift, unsupported setting) and std::runtime_error for a PETSc error.
Solution solve_muscl(const model::Case& c, const SolveOptions& options, MPI_Comm comm);

}  // namespace stf::solver
