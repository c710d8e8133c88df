// The observables of MODEL.md §2 along a stretch with no spike and no input, in closed form.
//
// With the exponential potential leak and I = 0, every potential only decays:
//   U_i(t) = q U_i(t_r),  q = exp(-alpha (t - t_r)),
// and with the exponential calcium leak C_i(t) = f C_i(t_r), f = exp(-beta (t - t_r)) (with the
// linear calcium leak the closed form is used only once every calcium is 0, where it stays). So the
// means scale by q and f, the variances by q^2 and f^2, and, for phi = lambda0 + s h(u) with
// x = u^k (k an integer),
//   power / linear:  h = x,                 sum_i phi(U_i(t)) = n lambda0 + s q^k sum_i x_i(t_r);
//   hill:            h = x / (theta^k + x), the same with s / theta^k, once theta^k + x rounds to
//                    theta^k for every neuron ((q u_max)^k <= 2^-54 theta^k): exact to rounding.
// The drive sum_i phi (w0 + w1 C_i) follows from sum x_i C_i(t_r) in the same way.
// A silent tail (MODEL.md §4) then costs O(groups) per sample time instead of O(N).
#pragma once

#include <optional>
#include <vector>

#include "model/model_parameters.hpp"
#include "particles/neuron_state.hpp"
#include "particles/population_sweep.hpp"
#include "particles/rate_kernel.hpp"

namespace stf::particles {

class QuietRelaxation {
public:
  explicit QuietRelaxation(const model::ModelParameters& p);

  /// Whether the model's flow and phi admit the closed form at all (exponential potential leak,
  /// phi constant, linear, or power or hill of integer order, theta > 0).
  bool applies() const noexcept { return applies_; }

  /// Takes the state at its current time as the reference, given the full sweep `at_reference`
  /// and per-group maxima of that same time (one more pass over the neurons). The caller
  /// promises that no spike and no input come until it calls drop().
  void take_reference(const NeuronState& state, const SweepResult& at_reference,
                      const std::vector<double>& group_max);
  void drop() noexcept { valid_ = false; }
  bool has_reference() const noexcept { return valid_; }

  /// The sweep at time t >= the reference time, with group_max scaled, when the closed form is
  /// exact to rounding there; nothing otherwise (the caller then sweeps).
  std::optional<SweepResult> at(double t, std::vector<double>& group_max) const;

private:
  model::ModelParameters p_;
  RateKernel phi_;
  bool applies_ = false;
  bool hill_ = false;
  int k_ = 0;
  double scale_ = 0.0;  // phi = lambda0 + scale_ x (hill: once theta^k + x == theta^k)

  bool valid_ = false;
  double t_ref_ = 0.0;
  SweepResult ref_;
  std::vector<double> group_max_ref_;
  double u_max_ = 0.0;
  double mean_x_ = 0.0, mean_xc_ = 0.0;  // averages of u^k and u^k c at the reference
};

}  // namespace stf::particles
