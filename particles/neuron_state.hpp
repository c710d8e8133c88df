// Every neuron's (U, C) of MODEL.md §1 stored as offsets from shared quantities, so that a kick to
// all other neurons costs O(1) and a neuron is materialised only when it is looked at.
//
// Potential, exponential leak (rate alpha): with E(t) = exp(-alpha (t - t_E)),
//   U_i(t) = E(t) (Shat(t) + D_i),   Shat' = I(t) / E(t) between events, Shat += k / E(t) at a kick,
// and D_i constant between neuron i's own spikes: dU_i/dt = I - alpha U_i holds for every i at once.
// Potential, linear leak with the sticky floor at 0: X(t) = integral of (I - alpha) plus the kicks,
// and U_i is the Skorokhod reflection at 0 of U_i(t_i) + X(t) - X(t_i):
//   U_i(t) = U_i(t_i) + X(t) - X(t_i) + max(0, X(t_i) - U_i(t_i) - min_{[t_i, t]} X),
// the minimum answered from a monotone stack of the suffix minima of X (X is linear between kicks
// and input changes and jumps up at kicks, so its minima over any stretch sit at those times or at
// its ends; the current X is compared separately).
// Calcium (no shared part): exponential leak C_i(t) = F_i exp(-beta (t - t_C)), linear leak
// C_i(t) = max(G_i - beta t, 0).
//
// Layout: a neuron's numbers sit side by side, (D_i, F_i or G_i) in 16 bytes for the exponential
// potential, (U_i(t_i), X(t_i), t_i, G_i or F_i) in 32 bytes for the linear one, in storage aligned
// to cache lines, so that looking at a random neuron touches one cache line (one prefetch).
#pragma once

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "model/model_parameters.hpp"

namespace stf::particles {

class NeuronState {
public:
  NeuronState(const model::ModelParameters& p, long neurons);

  long size() const noexcept { return n_; }
  double time() const noexcept { return t_; }

  /// Sets neuron i to (u, c) at the current time (used for the initial condition).
  void set(long i, double u, double c) noexcept
  {
    set_potential(i, u, u_exp_ ? 1.0 / E_ : 0.0);
    set_calcium(i, c);
  }

  /// Moves the shared flow to time t >= time(), through the breakpoints of I(t).
  void advance_to(double t) noexcept;

  double potential(long i) const noexcept
  {
    if (u_exp_) {
      const double u = E_ * (shared_ + a(i));
      return u > 0.0 ? u : 0.0;
    }
    return linear_potential(i);
  }
  double calcium(long i) const noexcept
  {
    if (c_exp_) return c(i) * std::exp(-beta_ * (t_ - t_C_));
    const double v = c(i) - beta_ * t_;
    return v > 0.0 ? v : 0.0;
  }

  /// A spike of neuron i at the current time (MODEL.md §1): every other neuron gets the kick
  /// (w0 + w1 C_i(t-)) / N, C_i += 1, U_i <- u_reset (or kept). `u_before` is U_i(t-).
  /// Returns the kick.
  double spike(long i, double u_before) noexcept;

  /// Materialises every potential and calcium into u[begin..end), c[...] (contiguous, vectorised
  /// for the exponential laws).
  void materialise(long begin, long end, double* u, double* c) const noexcept;

  /// Every potential and calcium at time s, for s in the current stretch: no spike, no input and
  /// no rebase between s and time() (s may be before or after time(); the flow between events is
  /// a closed form of absolute time, MODEL.md §1). Used to locate a region exit between events.
  void materialise_at(double s, long begin, long end, double* u, double* c) const noexcept;

  /// Re-expresses the state from the current time (keeps exp() arguments small and the stack
  /// short). O(N); called at sample times.
  void rebase() noexcept;

  /// Raw view of an exponential-leak potential and the calcium, for the vectorised sweep:
  /// U_i = max(E (shared + D[2 i]), 0); C_i = calcium[2 i] * c_factor (exponential) or
  /// max(calcium[2 i] - beta_t, 0) (pairs: D and calcium interleave).
  struct ExponentialView {
    const double* D;
    const double* calcium;
    double E, shared, c_factor, beta_t;
    bool calcium_exponential;
  };
  bool exponential_potential() const noexcept { return u_exp_; }
  ExponentialView exponential_view() const noexcept
  {
    return {data(), data() + 1, E_, shared_, c_exp_ ? std::exp(-beta_ * (t_ - t_C_)) : 0.0, beta_ * t_, c_exp_};
  }

  /// Hint that neuron i is about to be looked at (its numbers share one cache line).
  void prefetch(long i) const noexcept { __builtin_prefetch(data() + stride_ * i); }

private:
  // Neuron i's numbers: a (D_i, or U_i at its reference time), then for the linear potential xr
  // (X there) and tr (that time), and last the calcium's F_i or G_i.
  const double* data() const noexcept { return storage_.front().v; }
  double* data() noexcept { return storage_.front().v; }
  double a(long i) const noexcept { return data()[stride_ * i]; }
  double& a(long i) noexcept { return data()[stride_ * i]; }
  double xr(long i) const noexcept { return data()[stride_ * i + 1]; }
  double& xr(long i) noexcept { return data()[stride_ * i + 1]; }
  double tr(long i) const noexcept { return data()[stride_ * i + 2]; }
  double& tr(long i) noexcept { return data()[stride_ * i + 2]; }
  double c(long i) const noexcept { return data()[stride_ * i + stride_ - 1]; }
  double& c(long i) noexcept { return data()[stride_ * i + stride_ - 1]; }

  double linear_potential(long i) const noexcept { return linear_potential_at(i, shared_); }
  // U_i when the shared X is `x` (its current value, or its value at an earlier time of the
  // current stretch: the stack holds no entry after the last spike).
  double linear_potential_at(long i, double x) const noexcept
  {
    const double x_ref = xr(i), a_ref = a(i);
    double m = std::min(x_ref, x);
    // First stack entry strictly after the neuron's reference time: the smallest X since then.
    const auto it = std::upper_bound(stack_.begin(), stack_.end(), tr(i),
                                     [](double t, const std::pair<double, double>& e) { return t < e.first; });
    if (it != stack_.end()) m = std::min(m, it->second);
    // Free path Y(s) = a + X(s) - xr; reflected: Y(t) while min Y >= 0, else Y(t) - min Y = X(t) - m
    // (exactly 0 for a neuron sitting on the floor).
    const double min_free = a_ref + (m - x_ref);
    const double u = min_free >= 0.0 ? a_ref + (x - x_ref) : x - m;
    return u > 0.0 ? u : 0.0;
  }
  void set_potential(long i, double u, double inv_E) noexcept
  {
    if (u_exp_) {
      a(i) = u * inv_E - shared_;
    } else {
      a(i) = u;
      xr(i) = shared_;
      tr(i) = t_;
    }
  }
  void set_calcium(long i, double value) noexcept
  {
    if (c_exp_) c(i) = value * std::exp(beta_ * (t_ - t_C_));
    else c(i) = value + beta_ * t_;
  }
  void push_minimum(double t, double x)
  {
    while (!stack_.empty() && stack_.back().second >= x) stack_.pop_back();
    stack_.emplace_back(t, x);
  }

  const model::ModelParameters& p_;
  long n_;
  double inv_n_;
  bool u_exp_, c_exp_;
  double alpha_, beta_;

  struct alignas(64) CacheLine {
    double v[8];
  };
  long stride_;                       // numbers per neuron: 2 (exponential potential) or 4 (linear)
  std::vector<CacheLine> storage_;    // neuron i at data()[stride_ * i ...]

  double t_ = 0.0;
  double t_E_ = 0.0;     // reference time of E
  double E_ = 1.0;       // exp(-alpha (t - t_E)) at t
  double shared_ = 0.0;  // Shat (exponential) or X (linear)
  double t_C_ = 0.0;     // reference time of the exponential calcium
  double input_ = 0.0;   // I on the current piece
  double next_change_ = 0.0;
  std::vector<std::pair<double, double>> stack_;  // (time, X) suffix minima, linear potential only
};

}  // namespace stf::particles
