// `stf sweep`: the limit (and optionally the finite system) over a range of one case parameter, or
// over the grid of two, tabulating the exit time from the memory region and chosen observables
// (MODEL.md §4: the memory curve is the exit time against the stimulus strength c0; over two
// parameters the exit time draws a phase diagram, with the region where the limit never exits).
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
  // The grid points (one value per swept key) where the finite system runs; empty: every point.
  std::vector<std::vector<double>> particle_points;
  long replicas = 10;
  std::vector<model::ObservableId> observables{model::ObservableId::rate, model::ObservableId::mean_calcium};
  bool progress = false;
  const std::atomic<bool>* stop = nullptr;  // checked between values, by the solver and by the particle ensembles
  std::optional<std::string> reduction;     // a rate reduction (docs/reductions.md) in place of the limit solver
};

struct SweepPoint {
  double value = 0.0;                 // the (first) swept key's value
  std::optional<double> value2;       // the second key's, in a two-key sweep
  std::string error;                  // why the limit could not be computed at this value (empty: it was)
  std::optional<double> limit_exit_time;
  std::vector<double> limit_peak;     // per chosen observable: max over time of the limit
  double limit_mass_error = 0.0;
  // The limit's own error estimates (the refinement to solver.tolerance, solver/accuracy_control.hpp):
  // the exit time's, and per chosen observable its sup over time, which bounds its peak's error too
  // (|max q - max q*| <= sup |q - q*|). Absent (NaN for a peak) where the limit has none: a
  // reduction, or the MUSCL scheme on its fixed mesh without solver.tolerance. `limit_converged`:
  // every estimate below the tolerance; else `limit_stop_reason` says why the refinement stopped.
  std::optional<double> limit_exit_time_error;
  std::vector<double> limit_peak_error;
  std::optional<bool> limit_converged;
  std::string limit_stop_reason;
  // The finite system, when asked for at this point (replicas = 0: not run here).
  long exited = 0, replicas = 0;
  std::optional<double> exit_mean, exit_std, exit_stderr;
  std::vector<double> particle_peak;  // max over time of the mean over replicas
};

/// A point's status: "failed" (the limit could not be computed: SweepPoint::error says why),
/// "no_exit" (the limit stays in the memory region up to time.end) or "ok".
std::string sweep_status(const SweepPoint& point);

struct SweepResult {
  SweepSpec spec;
  std::optional<SweepSpec> second;     // the second key of a two-key sweep (the phase diagram)
  std::string case_name;
  model::Case base_case;               // the case with the base overrides, before the swept key
  std::vector<std::string> overrides;  // the base overrides, as given
  std::optional<long> neurons;
  long replicas = 0;
  std::vector<model::ObservableId> observables;
  std::optional<std::string> reduction;  // the limit's columns then hold this reduction's results
  std::vector<SweepPoint> points;  // complete points only, in the order of the values (the second key
                                   // varies fastest)
  bool interrupted = false;        // `stop` was set: `points` holds the values finished before
  bool limit_spread = false;       // the limit's points were shared among the ranks (else solved by all together)
  int ranks = 1;
  double time_end = 0.0;           // the base case's horizon (a point without exit stays up to it)
};

/// Reads the case once per point (the base overrides then KEY=value for each swept key, so every
/// point is validated and every derived default, such as the automatic mesh extents, is resolved
/// again) and runs it. `specs` holds one or two keys; two make the grid of their values. Collective
/// over `comm`: the limit's points are shared among the ranks, each solved on one rank, when its
/// scheme is the characteristic one (or a reduction runs in its place); the MUSCL scheme spreads
/// each point's mesh over all ranks instead. The finite system spreads its replicas over all ranks.
/// The limit's results are complete on every rank, the finite system's on rank 0 (every rank
/// agrees on `interrupted`). Throws model::InputError (source "--particles-at") for a particle
/// point that is not on the grid.
SweepResult run_sweep(const std::filesystem::path& case_file, const std::vector<std::string>& overrides,
                      const std::vector<SweepSpec>& specs, const SweepOptions& options, MPI_Comm comm);
inline SweepResult run_sweep(const std::filesystem::path& case_file, const std::vector<std::string>& overrides,
                             const SweepSpec& spec, const SweepOptions& options, MPI_Comm comm)
{
  return run_sweep(case_file, overrides, std::vector<SweepSpec>{spec}, options, comm);
}

/// sweep.csv, sweep.json, case.toml (the base case resolved) and a figure into the staged folder:
/// over one key memory_curve.png (exit time against the parameter; the limit and, if run, the
/// finite system with +-2 standard errors), over two keys phase_diagram.png (the limit's exit time
/// over the grid, the points where it never exits and where it failed marked apart).
void write_sweep(const SweepResult& result, const io::OutputFolder& folder);

}  // namespace stf::validation
