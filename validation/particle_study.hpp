// Particles against the limit (MODEL.md §3-4): the finite system for a sequence of network sizes N,
// compared with the limit's observables, marginals and exit time; fluctuation and error slopes in N.
#pragma once

#include <atomic>
#include <cstdint>
#include <mpi.h>
#include <optional>
#include <string>
#include <vector>

#include "model/case.hpp"
#include "particles/ensemble.hpp"
#include "validation/statistics.hpp"
#include "validation/trajectory.hpp"
#include "validation/wasserstein.hpp"

namespace stf::validation {

/// What the particles are compared with: the limit's observables (from the solver or a closed
/// form), its exit time, and its potential and calcium marginals at some times (may be empty).
struct LimitReference {
  Trajectory trajectory;
  std::optional<double> exit_time;
  struct Marginals {
    double t;
    CellLaw potential, calcium;
  };
  std::vector<Marginals> marginals;
};

struct ParticleStudySettings {
  std::vector<long> neurons;        // increasing
  long replicas = 10;               // per size; with exit_precision > 0, at most
  /// When > 0: a size whose first `pilot_replicas` replicas all exit runs only as many replicas
  /// as give their mean exit time this standard error, (sd / exit_precision)^2, between the pilot
  /// and `replicas` (large networks fluctuate little: at N = 10^6 the memory case needs about ten).
  double exit_precision = 0.0;
  long pilot_replicas = 10;
  std::uint64_t seed = 1;
  long wasserstein_replicas = 4;    // replicas whose (U, C) are recorded at the marginal times
  bool progress = false;
  const std::atomic<bool>* stop = nullptr;
};

struct ExitTimeStats {
  long replicas = 0;
  long exited = 0;                          // replicas that left the region before the end
  std::vector<double> values;               // the exit times of those that did
  std::optional<SampleSummary> summary;     // of `values` (none if no replica exited)
  std::vector<std::pair<double, double>> quantiles;  // (level, value) at 5, 25, 50, 75, 95 %
  std::optional<double> mean_error;         // |mean - limit exit time|
};

struct WassersteinAt {
  double t = 0.0;
  long samples = 0;                         // replicas averaged
  double potential = 0.0, potential_stderr = 0.0;
  double calcium = 0.0, calcium_stderr = 0.0;
};

struct ParticleLevel {
  long neurons = 0, replicas = 0;
  Trajectory mean;                          // ensemble mean at the sample times
  std::vector<model::Observables> stderr_;  // its standard error
  // Per observable (index of model::ObservableId): sup over time of |mean - limit|, of the
  // standard deviation across replicas, and of |mean - limit| / standard error.
  std::array<double, model::observable_count> sup_error{}, sup_std{}, sup_z{};
  std::vector<WassersteinAt> wasserstein;
  ExitTimeStats exit;
  std::vector<particles::Snapshot> cloud;   // replica 0's neurons at the marginal times
  long total_spikes = 0;
  double wall_seconds = 0.0;
  bool interrupted = false;
};

/// What a slope fit measures against N: one family per figure of the report.
enum class FitFamily {
  fluctuation,  // sup over time of the standard deviation across replicas, per observable
  error,        // sup over time of |ensemble mean - limit|, per observable
  wasserstein,  // W1 distance of a marginal (potential, calcium) to the limit's
  exit_time,    // standard deviation and |mean - limit| of the exit time
};

/// A log-log slope in N of one quantity: a family and its subject (an observable, a marginal, or
/// "std" / "mean error" for the exit time); `quantity` names both ("std rate", "W1 potential",
/// "exit-time std", ...) in the report's tables and report.json.
struct SlopeFit {
  FitFamily family{};
  std::string subject;
  std::string quantity;
  std::vector<double> values;               // one per network size
  std::optional<LinearFit> fit;             // nullopt when fewer than two positive values
};

struct ParticleStudy {
  std::vector<ParticleLevel> levels;
  std::vector<SlopeFit> fits;
  bool interrupted = false;
};

/// Runs the ensembles (collective over `comm`) and analyses them on rank 0 (other ranks get
/// empty levels). Sample times are the case's; the marginal times are those of `reference`.
ParticleStudy run_particle_study(const model::Case& c, const ParticleStudySettings& settings,
                                 const LimitReference& reference, MPI_Comm comm);

/// The analysis of one ensemble against the reference (pure; exposed for tests).
ParticleLevel analyse_ensemble(long neurons, long replicas, const particles::EnsembleResult& ensemble,
                               const LimitReference& reference);

/// Exit-time statistics of replicas against the limit's exit time.
ExitTimeStats exit_time_stats(const std::vector<std::optional<double>>& exit_times,
                              std::optional<double> limit_exit_time);

}  // namespace stf::validation
