// The files of `stf simulate`: observables.csv, exit_times.csv, summary.json and, when asked for,
// spikes.csv and trajectories.csv. Each is written under a temporary name and renamed (io::write_text_file).
#pragma once

#include <filesystem>
#include <string>

#include "model/case.hpp"
#include "particles/ensemble.hpp"

namespace stf::particles {

/// observables.csv: t, then <name>_mean and <name>_stderr for each observable of MODEL.md §2
/// (stderr empty with fewer than two replicas).
std::string observables_csv(const EnsembleResult& r);
/// exit_times.csv: replica, exit_time (empty when the replica did not exit before the end).
std::string exit_times_csv(const EnsembleResult& r);
/// summary.json (see write_simulation_outputs).
std::string summary_json(const model::Case& c, const SimulationOptions& o, const EnsembleResult& r);
/// spikes.csv: replica, t, neuron (numbered from 0) for every replica that recorded its spikes.
std::string spikes_csv(const EnsembleResult& r);
/// trajectories.csv: replica, t and every observable of each replica at each sample time.
std::string trajectories_csv(const EnsembleResult& r);

/// Writes the files above into `folder` (which exists). Rank 0 only. Throws io::IoError.
/// summary.json holds: case, method, neurons, replicas (asked), replicas_completed, seed, ranks,
/// exit_time {mean, std, stderr, quantiles (of the replicas that exited), fraction_exited},
/// total_spikes, acceptance (spikes per thinning proposal; null for the stepped reference),
/// spikes_per_second, wall_seconds, interrupted, stf_version, stf_git_hash.
void write_simulation_outputs(const model::Case& c, const SimulationOptions& o, const EnsembleResult& r,
                              const std::filesystem::path& folder);

}  // namespace stf::particles
