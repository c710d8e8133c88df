// R independent replicas of the finite system (MODEL.md §1) spread over MPI ranks, reduced on
// rank 0 in replica order, so the results are bit-identical whatever the number of ranks.
#pragma once

#include <mpi.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "model/case.hpp"
#include "model/observables.hpp"
#include "particles/replica.hpp"

namespace stf::particles {

struct SimulationOptions {
  long neurons = 1000;
  long replicas = 10;
  long first_replica = 0;                   // replicas first_replica .. first_replica + replicas - 1
  std::uint64_t seed = 1;
  bool whole_horizon = false;
  /// Only exit times are asked for: each replica stops at its exit, and the ensemble has no mean
  /// observables (mean and stderr_ empty).
  bool exit_only = false;
  std::vector<double> snapshot_times;       // times at which to record every neuron's (U, C)
  long snapshot_replicas = 1;               // replicas 0..k-1 record snapshots
  long raster_replicas = 0;                 // replicas 0..k-1 record every spike (t, neuron)
  bool trajectories = false;                // keep each replica's observables, not only mean and error
  const std::atomic<bool>* stop = nullptr;  // set by a SIGINT handler: stop cleanly
  bool progress = false;                    // progress bar on stderr (only if it is a terminal)
  /// Stepped reference instead of the exact method when > 0 (tests and benchmarks only).
  double stepped_dt = 0.0;

  /// The options a case asks for (neurons, replicas, seed, whole_horizon from case.particles).
  static SimulationOptions from_case(const model::Case& c);
};

struct ReplicaResult {
  std::optional<double> exit_time;  // none: no exit before the end
  long spikes = 0;
  double silent_from = 0.0;         // see ReplicaOutput::silent_from
  std::vector<Snapshot> snapshots;
  std::vector<std::pair<double, long>> raster;  // (t, neuron) if this replica recorded its spikes
  std::vector<model::Observables> observables;  // at the sample times, with SimulationOptions::trajectories
};

struct EnsembleResult {
  std::vector<double> times;                      // the case's sample times
  std::vector<model::Observables> mean, stderr_;  // over replicas at each sample time (stderr NaN if R < 2)
  std::vector<ReplicaResult> replicas;            // completed replicas, in replica order (on rank 0)
  long total_spikes = 0;
  long total_proposals = 0;  // thinning proposals of the exact method (0 for the stepped reference)
  double wall_seconds = 0.0;
  bool interrupted = false;  // stopped early (on every rank): `replicas` holds the completed prefix 0..k-1
  int ranks = 1;
};

/// Runs o.replicas replicas of `c` with o.neurons neurons each. Collective over `comm`; the result
/// is complete on rank 0 (other ranks get an empty result). Replica k uses the stream (o.seed, k)
/// and is run by rank k mod size.
EnsembleResult simulate_ensemble(const model::Case& c, const SimulationOptions& o, MPI_Comm comm);

/// The ensemble of `first`'s replicas followed by `second`'s (the same case and sample times,
/// `second` run from first_replica = first's count): its mean and standard error are those of one
/// pass over all the replicas, to rounding (the pairwise update of Chan, Golub and LeVeque). On the
/// ranks other than 0, where both are empty, the result is empty too.
EnsembleResult combine_ensembles(EnsembleResult first, EnsembleResult second);

}  // namespace stf::particles
