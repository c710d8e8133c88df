// What one replica of the finite system of MODEL.md §1 is asked to do and what it gives back;
// shared by the exact simulator and the time-stepped reference.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "model/initial_law.hpp"
#include "model/model_parameters.hpp"
#include "model/observables.hpp"
#include "particles/random_stream.hpp"

namespace stf::particles {

/// Every neuron's state at one time, in neuron order.
struct Snapshot {
  double t = 0.0;
  std::vector<double> U, C;
};

struct ReplicaRequest {
  long neurons = 1000;
  std::uint64_t seed = 1;
  std::uint64_t replica = 0;                 // replica k draws only from the stream keyed by (seed, k)
  std::vector<double> sample_times;          // observables and the region test at these times
  bool whole_horizon = false;                // no early stop after a silent exit
  std::vector<double> snapshot_times;        // every neuron's (U, C) at these times
  bool raster = false;                       // record every spike (t, neuron)
  /// Only the exit time is asked for: the replica stops at the first sample time after its exit
  /// (its observables end there).
  bool exit_only = false;
  const std::atomic<bool>* stop = nullptr;   // checked between sample times
  std::function<void(double)> progress;      // called after each sample time with t / end (may be empty)
};

struct ReplicaOutput {
  std::vector<model::Observables> observables;  // one per sample time (all of them unless interrupted)
  /// none: no exit before the end. Exact method: at event resolution when ExitTracker::applies,
  /// else interpolated between sample times (model::ExitTimeDetector).
  std::optional<double> exit_time;
  long exact_looks = 0;  // times the exit tracker looked at all N neurons (exact method)
  long spikes = 0;
  long proposals = 0;  // thinning proposals (exact method): spikes / proposals is the acceptance
  /// Proposals whose neuron's rate exceeded the bound it was proposed under (exact method). The
  /// spike times are exact only if this is 0; tests check it.
  long bound_violations = 0;
  std::vector<Snapshot> snapshots;
  std::vector<std::pair<double, long>> raster;  // (t, neuron), neurons numbered from 0
  /// Time after which the replica was known silent and no more spikes were simulated (MODEL.md §4:
  /// outside the region, phi(0) = 0, no input, and the chance of any further spike below
  /// silent_tail_probability); the end time when it never stopped early.
  double silent_from = 0.0;
  bool interrupted = false;
};

/// An early-stopped replica may miss a spike with at most this probability (bounded by the
/// integral of the total intensity over the rest of the horizon, which cannot grow without input).
inline constexpr double silent_tail_probability = 1e-9;

/// The purposes of a replica's random streams (each keyed by (seed, replica, purpose)).
namespace stream_purpose {
inline constexpr std::uint64_t dynamics = 0;  // exact method: the proposals
inline constexpr std::uint64_t initial = 1;   // the initial condition, the same for both simulators
inline constexpr std::uint64_t extra = 2;     // exact method: the ziggurat's rare extra uniforms;
                                              // stepped reference: the steps
}  // namespace stream_purpose

/// MODEL.md §1: (U_i(0), C_i(0)) i.i.d. from the product law by inversion, from the replica's
/// initial stream; set(i, u, c) receives them in neuron order.
template <class Set>
void draw_initial_state(const model::InitialLaw& law, std::uint64_t seed, std::uint64_t replica, long neurons, Set&& set)
{
  RandomStream init(seed, replica, stream_purpose::initial);
  for (long i = 0; i < neurons; ++i) {
    const double u = law.U.is_dirac() ? law.U.at : law.U.quantile(init.uniform());
    const double c = law.C.is_dirac() ? law.C.at : law.C.quantile(init.uniform());
    set(i, u, c);
  }
}

/// MODEL.md §4: with phi(0) = 0 and I = 0 nothing but a spike raises a potential, so the chance of
/// any further spike is at most N rate(t) (end - t); below silent_tail_probability the replica may
/// stop simulating once it has left the region.
inline bool silent_from_now(const model::ModelParameters& p, long neurons, double rate, double t, double end)
{
  return p.quiet_state_is_equilibrium() && static_cast<double>(neurons) * rate * (end - t) < silent_tail_probability;
}

}  // namespace stf::particles
