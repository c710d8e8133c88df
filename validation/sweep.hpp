// `stf sweep`: the limit (and optionally the finite system) over a range of one case parameter,
// tabulating the exit time from the memory region and chosen observables (MODEL.md §4: the
// memory curve is the exit time against the stimulus strength c0).
#pragma once

#include <atomic>
#include <filesystem>
#include <mpi.h>
#include <optional>
#include <string>
#include <vector>

#include "io/output_folder.hpp"
#include "model/case.hpp"
#include "model/observables.hpp"

namespace stf::validation {

/// KEY=START:STOP:COUNT, e.g. "initial.C.at=5:20:7": COUNT equally spaced values from START to STOP.
struct SweepSpec {
  std::string key;
  double start = 0.0, stop = 0.0;
  long count = 0;
  std::vector<double> values() const;
};

/// Most values a sweep takes (each one is a whole run).
inline constexpr long max_sweep_points = 10000;

/// Throws model::InputError (source "--vary") on a malformed spec or COUNT < 2.
SweepSpec parse_sweep_spec(const std::string& text);

struct SweepOptions {
  std::optional<long> neurons;   // with replicas: also the finite system
  long replicas = 10;
  std::vector<model::ObservableId> observables{model::ObservableId::rate, model::ObservableId::mean_calcium};
  bool progress = false;
  const std::atomic<bool>* stop = nullptr;  // checked between values, by the solver and by the particle ensembles
  std::optional<std::string> reduction;     // a rate reduction (docs/reductions.md) in place of the limit solver
};

struct SweepPoint {
  double value = 0.0;
  std::string error;                  // why the limit could not be computed at this value (empty: it was)
  std::optional<double> limit_exit_time;
  std::vector<double> limit_peak;     // per chosen observable: max over time of the limit
  double limit_mass_error = 0.0;
  // The finite system, when asked for.
  long exited = 0, replicas = 0;
  std::optional<double> exit_mean, exit_std, exit_stderr;
  std::vector<double> particle_peak;  // max over time of the mean over replicas
};

struct SweepResult {
  SweepSpec spec;
  std::string case_name;
  model::Case base_case;               // the case with the base overrides, before the swept key
  std::vector<std::string> overrides;  // the base overrides, as given
  std::optional<long> neurons;
  long replicas = 0;
  std::vector<model::ObservableId> observables;
  std::optional<std::string> reduction;  // the limit's columns then hold this reduction's results
  std::vector<SweepPoint> points;  // complete points only, in the order of the values
  bool interrupted = false;        // `stop` was set: `points` holds the values finished before
};

/// Reads the case once per value (the base overrides then KEY=value, so every value is validated
/// and every derived default, such as the automatic mesh extents, is resolved again) and runs it.
/// Collective over `comm`; the result is complete on rank 0 (every rank agrees on `interrupted`).
SweepResult run_sweep(const std::filesystem::path& case_file, const std::vector<std::string>& overrides,
                      const SweepSpec& spec, const SweepOptions& options, MPI_Comm comm);

/// sweep.csv, sweep.json, case.toml (the base case resolved) and the figure memory_curve.png (exit
/// time against the parameter; the limit and, if run, the finite system with +-2 standard errors)
/// into the staged folder.
void write_sweep(const SweepResult& result, const io::OutputFolder& folder);

}  // namespace stf::validation
