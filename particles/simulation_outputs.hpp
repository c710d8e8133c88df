// The files of `stf simulate`: observables.csv, exit_times.csv, summary.json and, with a raster,
// spikes.csv. Each is written under a temporary name and renamed (io::write_text_file).
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
/// spikes.csv: t, neuron (numbered from 0), replica 0.
std::string spikes_csv(const EnsembleResult& r);

/// Writes the files above into `folder` (which exists). Rank 0 only. Throws io::IoError.
/// summary.json holds: case, method, neurons, replicas (asked), replicas_completed, seed, ranks,
/// exit_time {mean, std, stderr, quantiles (of the replicas that exited), fraction_exited},
/// total_spikes, acceptance (spikes per thinning proposal; null for the stepped reference),
/// spikes_per_second, wall_seconds, interrupted, stf_version, stf_git_hash.
void write_simulation_outputs(const model::Case& c, const SimulationOptions& o, const EnsembleResult& r,
                              const std::filesystem::path& folder);

}  // namespace stf::particles
