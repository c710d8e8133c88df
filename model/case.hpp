// A case: the physics of MODEL.md (model, initial law, memory region) and the numerics of a run
// (time, mesh, solver, particles, report), as read from a case file with every default resolved.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "model/initial_law.hpp"
#include "model/memory_region.hpp"
#include "model/model_parameters.hpp"

namespace stf::model {

struct TimeSettings {
  double end = 0.0;     // required, > 0
  double sample = 0.0;  // default end / 1000; observables and the region test are made every `sample`
  /// Sample times 0, sample, 2 sample, ..., up to and including `end` (the last one is `end`).
  std::vector<double> sample_times() const;

  bool operator==(const TimeSettings&) const = default;
};

struct MeshSettings {
  double u_max = 0.0;           // potential extent; "auto" resolves to an estimate (see extent_estimates.hpp)
  double c_max = 0.0;           // calcium extent; "auto" likewise; rounded up to whole calcium cells
  bool u_max_auto = true;
  bool c_max_auto = true;
  long cells_u = 200;           // cells across [0, u_max]
  long cells_per_unit_c = 4;    // m: calcium cells have width 1/m, so a +1 jump shifts exactly m cells
  double stretch = 1.0;         // width of the potential cells at u_max over that at u = 0 (geometric growth; 1: uniform)
  bool given = false;           // the case (or a --set) has a [mesh] table; not written: case.toml always has one
  long cells_c() const noexcept { return static_cast<long>(c_max * double(cells_per_unit_c) + 0.5); }

  bool operator==(const MeshSettings&) const = default;
};

struct SolverSettings {
  std::string scheme = "characteristic";  // characteristic (cells moving with the flow) or muscl (the [mesh] grid)
  // Relative error of the exit time and observables that the solver refines to. Unset: the
  // characteristic scheme uses default_tolerance, the MUSCL scheme runs once on its [mesh].
  std::optional<double> tolerance;
  static constexpr double default_tolerance = 1e-4;
  // Seconds the refinement may spend: no level is started that is predicted to end beyond it, and a
  // level that runs past it stops (solver/accuracy_control.hpp, RefinementLimits).
  static constexpr double default_wall_budget = 120.0;
  double wall_budget = default_wall_budget;
  std::string limiter = "mc";         // minmod, van_leer, mc
  double cfl = 0.4;                   // Courant number of the explicit time step
  std::vector<double> snapshots;      // times at which the density is written for ParaView
  double lost_mass_tolerance = 1e-8;  // mass allowed to leave through u_max or c_max

  bool operator==(const SolverSettings&) const = default;
};

struct ParticleSettings {
  long neurons = 1000;
  long replicas = 10;
  std::uint64_t seed = 1;
  bool whole_horizon = false;  // keep simulating after the exit even when the network is silent

  bool operator==(const ParticleSettings&) const = default;
};

struct ReportSettings {
  long mesh_levels = 3;                      // meshes h, h/2, ..., h/2^(levels-1)
  std::vector<long> neurons{100, 1000, 10000, 100000};  // four sizes: slopes with two degrees of freedom
  long replicas = 40;
  std::vector<double> times;                 // Wasserstein and snapshot times; default end/4, end/2, 3end/4
  // The exit-time law over N: its sizes (default: `neurons`), the standard error asked of each
  // mean exit time, and the wall-time budget per size that caps the replicas.
  std::vector<long> exit_neurons;
  double exit_precision = 1e-3;
  double exit_budget = 20.0;                 // seconds per size
  // How long the exit-law replicas run (at least time.end; read as time.end when absent): a
  // metastable network's mean exit time can be far beyond the horizon the limit and the particles'
  // observables need.
  double exit_horizon = 0.0;

  bool operator==(const ReportSettings&) const = default;
};

/// The `[reduce]` section: tolerances of the adaptive ODE integration of the rate reductions
/// (docs/reductions.md) and which reductions `stf reduce` runs by default.
struct ReduceSettings {
  double abs_tol = 1e-9;
  double rel_tol = 1e-9;
  std::vector<std::string> methods{"naive", "moments", "facilitation"};

  bool operator==(const ReduceSettings&) const = default;
};

/// The names of the rate reductions (reduce/), in the order `stf reduce` lists them.
const std::vector<std::string>& reduction_method_names();

struct Case {
  std::string name;                 // default: the file's stem
  std::string description;          // optional free text
  std::filesystem::path source;     // the file it was read from
  std::vector<std::string> overrides;  // the --set arguments applied, in order
  ModelParameters model;
  InitialLaw initial;
  MemoryRegion region;
  TimeSettings time;
  MeshSettings mesh;
  SolverSettings solver;
  ParticleSettings particles;
  ReportSettings report;
  ReduceSettings reduce;

  /// Field by field, exactly (the writer prints shortest round-trip numbers; the fuzzer's round
  /// trip through case.toml compares with it).
  bool operator==(const Case&) const = default;
};

}  // namespace stf::model
