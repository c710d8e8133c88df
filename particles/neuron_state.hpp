// Every neuron's (U, C) of MODEL.md §1 stored as offsets from shared quantities, so that a kick to
// all other neurons costs O(1) and a neuron is materialised only when it is looked at.
//
// Potential, exponential leak (rate alpha): with E(t) = exp(-alpha (t - t_E)),
//   U_i(t) = E(t) (Shat(t) + D_i),   Shat' = I(t) / E(t) between events, Shat += k / E(t) at a kick,
// and D_i constant between neuron i's own spikes: dU_i/dt = I - alpha U_i holds for every i at once.
// Potential, linear leak with the sticky floor at 0: X(t) = integral of (I - alpha) plus the kicks,
// and U_i is the Skorokhod reflection at 0 of U_i(t_i) + X(t) - X(t_i):
//   U_i(t) = U_i(t_i) + X(t) - X(t_i) + max(0, X(t_i) - U_i(t_i) - min_{[t_i, t]} X),
// the minimum answered from a monotone stack of the suffix minima of X (X falls linearly between
// kicks and input changes and jumps up at kicks, so its minima sit just before those times).
// Calcium (no shared part): exponential leak C_i(t) = F_i exp(-beta (t - t_C)), linear leak
// C_i(t) = max(G_i - beta t, 0).
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
      const double u = E_ * (shared_ + a_[i]);
      return u > 0.0 ? u : 0.0;
    }
    return linear_potential(i);
  }
  double calcium(long i) const noexcept
  {
    if (c_exp_) return c_[i] * std::exp(-beta_ * (t_ - t_C_));
    const double c = c_[i] - beta_ * t_;
    return c > 0.0 ? c : 0.0;
  }

  /// A spike of neuron i at the current time (MODEL.md §1): every other neuron gets the kick
  /// (w0 + w1 C_i(t-)) / N, C_i += 1, U_i <- u_reset (or kept). `u_before` is U_i(t-).
  /// Returns the kick.
  double spike(long i, double u_before) noexcept;

  /// Materialises every potential and calcium into u[begin..end), c[...] (contiguous, vectorised
  /// for the exponential laws).
  void materialise(long begin, long end, double* u, double* c) const noexcept;

  /// Re-expresses the state from the current time (keeps exp() arguments small and the stack
  /// short). O(N); called at sample times.
  void rebase() noexcept;

  /// Raw view of an exponential-leak potential and the calcium, for the vectorised sweep:
  /// U_i = max(E (shared + D[i]), 0); C_i = F[i] * c_factor (exponential) or max(G[i] - beta_t, 0).
  struct ExponentialView {
    const double* D;
    const double* calcium;
    double E, shared, c_factor, beta_t;
    bool calcium_exponential;
  };
  bool exponential_potential() const noexcept { return u_exp_; }
  ExponentialView exponential_view() const noexcept
  {
    return {a_.data(), c_.data(), E_, shared_, c_exp_ ? std::exp(-beta_ * (t_ - t_C_)) : 0.0, beta_ * t_, c_exp_};
  }

  /// Hint that neuron i is about to be looked at.
  void prefetch(long i) const noexcept
  {
    __builtin_prefetch(&a_[i]);
    __builtin_prefetch(&c_[i]);
  }

private:
  double linear_potential(long i) const noexcept
  {
    double m = std::min(xr_[i], shared_);
    // First stack entry strictly after the neuron's reference time: the smallest X since then.
    const auto it = std::upper_bound(stack_.begin(), stack_.end(), tr_[i],
                                     [](double t, const std::pair<double, double>& e) { return t < e.first; });
    if (it != stack_.end()) m = std::min(m, it->second);
    // Free path Y(s) = a + X(s) - xr; reflected: Y(t) while min Y >= 0, else Y(t) - min Y = X(t) - m
    // (exactly 0 for a neuron sitting on the floor).
    const double min_free = a_[i] + (m - xr_[i]);
    const double u = min_free >= 0.0 ? a_[i] + (shared_ - xr_[i]) : shared_ - m;
    return u > 0.0 ? u : 0.0;
  }
  void set_potential(long i, double u, double inv_E) noexcept
  {
    if (u_exp_) {
      a_[i] = u * inv_E - shared_;
    } else {
      a_[i] = u;
      xr_[i] = shared_;
      tr_[i] = t_;
    }
  }
  void set_calcium(long i, double c) noexcept
  {
    if (c_exp_) c_[i] = c * std::exp(beta_ * (t_ - t_C_));
    else c_[i] = c + beta_ * t_;
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

  std::vector<double> a_;        // exponential: D_i; linear: U_i at its reference time
  std::vector<double> xr_, tr_;  // linear potential only: X and t at the reference time
  std::vector<double> c_;        // exponential: F_i; linear: G_i

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
