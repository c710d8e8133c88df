// `stf reduce`: the rate reductions of docs/reductions.md on a case, and with --compare side by
// side with the limit solver (MODEL.md §3): exit-time errors, the largest observable errors before
// the exit, wall times, figures of the observables over time and the memory curve (exit time
// against the stimulus strength initial.C.at, MODEL.md §4) of the limit and every reduction.
#pragma once

#include <atomic>
#include <filesystem>
#include <mpi.h>
#include <optional>
#include <string>
#include <vector>

#include "io/output_folder.hpp"
#include "model/case.hpp"
#include "reduce/integrate.hpp"
#include "solver/solve.hpp"

namespace stf::validation {

struct ReduceStudyOptions {
  std::vector<std::string> methods;                // default: the case's reduce.methods
  bool compare = false;                            // also the limit solver
  std::optional<std::vector<double>> memory_c0;    // memory curve at these initial.C.at
  bool progress = false;
  const std::atomic<bool>* stop = nullptr;
};

/// Largest |reduction - limit| over the sample times up to the limit's exit time (the whole run
/// if it does not exit), absolute and relative to the largest |limit| there.
struct ObservableError {
  model::ObservableId id;
  double max_abs = 0.0;
  double max_rel = 0.0;
};

struct MethodComparison {
  std::string method;
  std::optional<double> exit_error, exit_rel_error;  // reduction - limit, and over the limit's
  std::vector<ObservableError> errors;
};

struct MemoryPoint {
  double c0 = 0.0;
  std::optional<double> limit_exit;
  double limit_wall = 0.0;
  std::vector<std::optional<double>> exits;  // per method
  std::vector<double> walls;                 // per method, seconds
};

struct ReduceStudy {
  model::Case base;
  std::vector<reduce::ReductionRun> runs;   // one per method, in order
  std::optional<solver::Solution> limit;
  std::vector<MethodComparison> comparisons;
  std::vector<MemoryPoint> memory;
  bool interrupted = false;
};

/// Runs the study (collective over `comm` when the limit runs; the reductions run on every rank).
/// Throws model::InputError (an unknown method, a memory curve without a Dirac calcium stimulus),
/// reduce::ReductionFailure and solver::SolverFailure.
ReduceStudy run_reduce_study(const std::filesystem::path& case_file, const std::vector<std::string>& overrides,
                             const ReduceStudyOptions& options, MPI_Comm comm);

/// Compares one reduction with the limit (same sample times).
MethodComparison compare_with_limit(const reduce::ReductionRun& run, const solver::Solution& limit);

/// Writes <method>/observables.csv and <method>/summary.json per reduction, case.toml and, with the
/// limit, comparison.json, comparison.csv, figures (observables over time; the memory curve) into
/// the staged folder (rank 0).
void write_reduce_study(const ReduceStudy& study, const io::OutputFolder& folder);

}  // namespace stf::validation
