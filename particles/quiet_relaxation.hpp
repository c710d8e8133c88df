// The observables of MODEL.md §2 along a stretch with no spike and no input, in closed form.
//
// With the exponential potential leak and I = 0, every potential only decays:
//   U_i(t) = q U_i(t_r),  q = exp(-alpha (t - t_r)),
// and with the exponential calcium leak C_i(t) = f C_i(t_r), f = exp(-beta (t - t_r)) (with the
// linear calcium leak the closed form is used only once every calcium is 0, where it stays). So the
// means scale by q and f, the variances by q^2 and f^2. For phi = lambda0 + s h(u), x = u^k (k an
// integer), with Q = q^k:
//   power / linear:  h = x:  sum_i phi(U_i(t)) = n lambda0 + s Q sum_i x_i(t_r);
//   hill:            h = x / (theta^k + x) = sum_{j >= 1} (-1)^(j+1) y^j,  y = x / theta^k < 1:
//                    with r = Q y_max and z_i = y_i(t_r) / y_max <= 1,
//                    sum_i h(U_i(t)) = sum_{j=1..8} (-1)^(j+1) r^j sum_i z_i^j,
//                    used once r <= 2^-7, where the neglected terms are below 2^-56 of the first.
// The drive sum_i phi (w0 + w1 C_i) follows from the same sums weighted by C_i(t_r).
// A silent tail (MODEL.md §4) then costs O(groups) per sample time instead of O(N).
#pragma once

#include <array>
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
  /// exact to rounding there (hill: once r <= 2^-7); nothing otherwise (the caller then sweeps).
  std::optional<SweepResult> at(double t, std::vector<double>& group_max) const;

private:
  model::ModelParameters p_;
  RateKernel phi_;
  bool applies_ = false;
  bool hill_ = false;
  int k_ = 0;
  double scale_ = 0.0;  // phi = lambda0 + scale_ h(u)

  static constexpr int hill_terms = 8;

  bool valid_ = false;
  double t_ref_ = 0.0;
  SweepResult ref_;
  std::vector<double> group_max_ref_;
  double y_max_ = 0.0;  // hill: largest u^k / theta^k at the reference
  // power: mean of x and of x C; hill: mean of z^j and of z^j C for j = 1..hill_terms (index j - 1)
  std::array<double, hill_terms> mean_z_{}, mean_zc_{};
};

}  // namespace stf::particles
