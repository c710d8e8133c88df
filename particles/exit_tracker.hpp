// The exit time of MODEL.md §4, tau = inf { t >= t_grace : configuration not in R }, in continuous
// time for the finite system, to rounding, whatever the sample times.
//
// Between spikes, with no input, every potential and calcium only decreases, so rate, drive,
// mean_potential and mean_calcium are nonincreasing on each stretch between events: a threshold
// `min` is crossed inside a stretch only if the value at its end is below it, and the crossing is
// then found by bisection on the closed-form flow. At a spike the value jumps (kicks raise the
// others' phi, the reset lowers the spiker's), so a crossing can also happen at an event.
// Looking at all N neurons at every event would cost O(N) per spike; instead a lower bound valid
// from the last exact look (time t_a, value v_a) over every later time t of the stretch is kept in
// O(1) per spike (q = exp(-alpha (t - t_a)), f = exp(-beta (t - t_a)) or the linear calcium drop):
//   rate  >= lambda0 + q^kappa (v_a - lambda0) - sum_spikes (phi(u_k) - lambda0) / N
//   drive >= q^kappa f v_a - sum_spikes phi(u_k) (w0 + w1 c_k) / N
//   <U>   >= q v_a - sum_spikes u_k / N           (linear leak: v_a - alpha (t - t_a) - ...)
//   <C>   >= f v_a                                (linear leak: v_a - beta (t - t_a))
// (u_k, c_k: the spiker's state just before spike k). A neuron that has not spiked since t_a has
// U(t) >= q U(t_a) (kicks are >= 0) and phi(q u) - lambda0 >= q^kappa (phi(u) - lambda0) for the
// constant, linear, power and hill families with an exponential leak; a neuron that spiked
// contributes >= 0 and at most the subtracted term at t_a's scale. Only when the bound falls
// below a threshold are the N neurons looked at. Other families or leaks: looked at every event.
#pragma once

#include <optional>
#include <vector>

#include "model/memory_region.hpp"
#include "model/model_parameters.hpp"
#include "particles/neuron_state.hpp"
#include "particles/rate_kernel.hpp"

namespace stf::particles {

class ExitTracker {
public:
  ExitTracker(const model::ModelParameters& p, const model::MemoryRegion& region, long neurons);

  /// Whether the exit can be found at event resolution: no input, and a region given by `min`
  /// thresholds on rate, drive, mean_potential or mean_calcium (the observables that are monotone
  /// between events). Otherwise the caller falls back to sample times (model::ExitTimeDetector).
  static bool applies(const model::ModelParameters& p, const model::MemoryRegion& region);

  /// The state at its current time t with its exact observables (a sample or a sweep), no spike
  /// pending at t. Call before the state is rebased.
  void observe(const NeuronState& state, const model::Observables& obs);
  /// Around a spike of neuron i at the state's time: the state before it (u, c are the spiker's
  /// U(t-), C(t-)), then after it.
  void before_spike(const NeuronState& state, double u, double c);
  void after_spike(const NeuronState& state);

  bool exited() const noexcept { return exit_time_.has_value(); }
  std::optional<double> exit_time() const noexcept { return exit_time_; }
  /// Times the N neurons were looked at (for the benchmarks: the bound saves most of them).
  long exact_looks() const noexcept { return looks_; }

private:
  enum class Bound { none, rate, drive, mean_u, mean_c };
  struct Watch {
    model::ObservableId id;
    double min;
    Bound bound;
    double anchor = 0.0;  // value at t_a
    double spent = 0.0;   // sum over spikes since t_a of the subtracted terms (times N)
  };

  /// Observables at time s of the current stretch (O(N)): only those the region uses are exact.
  model::Observables evaluate(const NeuronState& state, double s);
  bool inside(const model::Observables& obs) const noexcept;
  bool certified(double t) const noexcept;
  double lower_bound(const Watch& w, double t) const noexcept;
  void anchor(double t, const model::Observables& obs) noexcept;
  /// inf { s in (lo, hi] : outside } given inside at lo and outside at hi, on one stretch.
  double first_outside(const NeuronState& state, double lo, double hi);
  bool start(const NeuronState& state, const model::Observables* obs_now);

  model::ModelParameters p_;
  RateKernel phi_;
  double t_grace_;
  double inv_n_;
  double kappa_ = 1.0;
  std::vector<Watch> watches_;
  bool started_ = false;
  double t_a_ = 0.0;     // time of the last exact look
  double t_cert_ = 0.0;  // the configuration is known in R on [t_grace, t_cert]
  double pending_rate_ = 0.0, pending_drive_ = 0.0, pending_u_ = 0.0;
  std::optional<double> exit_time_;
  long looks_ = 0;
  std::vector<double> u_, c_, r_;
};

}  // namespace stf::particles
