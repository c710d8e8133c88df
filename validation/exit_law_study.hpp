// The exit-time law of the finite network over N (MODEL.md §4) for `stf report`: replicas that
// only report their exit, as many per size as the requested precision asks within a time budget.
#pragma once

#include <atomic>
#include <mpi.h>
#include <optional>
#include <vector>

#include "model/case.hpp"
#include "validation/exit_law.hpp"

namespace stf::validation {

/// Replicas 0 .. replicas-1 of one size already run with the same seed and horizon (the report's
/// particle study): their exit times are those an exit-only run would find (exits at event
/// resolution), so they stand for the pilot instead of being run again.
struct PriorReplicas {
  ExitSample sample;             // neurons, exits, censored, horizon
  double wall_seconds = 0.0;     // what they cost (full runs: an upper bound for exit-only ones)
};

struct ExitLawSettings {
  std::vector<long> neurons;     // increasing
  double precision = 1e-3;       // standard error asked of each mean exit time
  double budget_seconds = 20.0;  // wall time per size (the pilot included)
  long pilot_replicas = 20;
  long max_replicas = 100000;
  std::uint64_t seed = 1;
  const std::atomic<bool>* stop = nullptr;
  std::vector<PriorReplicas> prior;  // read on rank 0
};

struct ExitLawRun {
  long neurons = 0, replicas = 0;
  long reused = 0;                 // of them, replicas of ExitLawSettings::prior
  double wall_seconds = 0.0;
  bool precision_reached = false;  // else the budget (or max_replicas) set the count
};

struct ExitLawStudy {
  ExitLaw law;
  std::vector<ExitLawRun> runs;
  bool interrupted = false;
};

/// Runs the sizes (collective over `comm`; the result is complete on rank 0). For each size a pilot
/// of `pilot_replicas` replicas estimates the spread and the cost of one replica; then replicas are
/// added up to (sd / precision)^2 (for censored runs: (mean / precision)^2 / exits fraction), within
/// the budget. tau_inf is the limit's exit time (none: it does not exit before time.end);
/// settle_time when it has settled on its active state (see analyse_exit_law).
ExitLawStudy run_exit_law_study(const model::Case& c, const ExitLawSettings& s, std::optional<double> tau_inf,
                                double tau_inf_sigma, std::optional<double> settle_time, MPI_Comm comm);

}  // namespace stf::validation
