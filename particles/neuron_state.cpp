// Shared-input representation of the neurons (MODEL.md §1); see neuron_state.hpp.
#include "particles/neuron_state.hpp"

namespace stf::particles {

NeuronState::NeuronState(const model::ModelParameters& p, long neurons)
    : p_(p),
      n_(neurons),
      inv_n_(1.0 / static_cast<double>(neurons)),
      u_exp_(p.leak_U.kind == model::LeakKind::exponential),
      c_exp_(p.leak_C.kind == model::LeakKind::exponential),
      alpha_(p.leak_U.rate),
      beta_(p.leak_C.rate),
      stride_(u_exp_ ? 2 : 4),
      storage_(static_cast<std::size_t>(std::max(1L, (stride_ * neurons + 7) / 8)), CacheLine{})
{
  input_ = p.input.value(0.0);
  next_change_ = p.input.next_change_after(0.0);
}

void NeuronState::advance_to(double t) noexcept
{
  while (t_ < t) {
    const double t1 = t < next_change_ ? t : next_change_;
    const double h = t1 - t_;
    if (u_exp_) {
      // Shat' = I / E: integral of I exp(alpha (s - t_E)) over [t_, t1].
      if (input_ != 0.0)
        shared_ += alpha_ > 0.0 ? input_ * std::expm1(alpha_ * h) / (alpha_ * E_) : input_ * h;
      // Past exp(-746) the value is exactly 0: skip libm's slow underflow path (silent tails).
      const double x = alpha_ * (t1 - t_E_);
      E_ = alpha_ > 0.0 ? (x > 746.0 ? 0.0 : std::exp(-x)) : 1.0;
    } else {
      shared_ += (input_ - alpha_) * h;
    }
    t_ = t1;
    if (t1 == next_change_) {
      // X's slope changes here: a candidate minimum for the reflection.
      if (!u_exp_) push_minimum(t1, shared_);
      input_ = p_.input.value(t1);
      next_change_ = p_.input.next_change_after(t1);
    }
  }
}

double NeuronState::spike(long i, double u_before) noexcept
{
  // Exponential calcium: C_i = F_i f with f = exp(-beta (t - t_C)), so C_i + 1 is F_i + 1 / f (one
  // exp for the read and the jump). Linear: the floor may hold C_i at 0, so G_i is set anew.
  const double inv_f = c_exp_ ? std::exp(beta_ * (t_ - t_C_)) : 1.0;
  const double c_before = c_exp_ ? c(i) / inv_f : calcium(i);
  const double kick = n_ > 1 ? p_.kick_weight(c_before) * inv_n_ : 0.0;
  const double inv_E = u_exp_ ? 1.0 / E_ : 0.0;
  if (kick != 0.0) {
    if (u_exp_) {
      shared_ += kick * inv_E;
    } else {
      push_minimum(t_, shared_);  // X just before its jump
      shared_ += kick;
    }
  }
  // The spiker takes no kick from its own spike: its state is set after the shared jump.
  set_potential(i, p_.reset ? p_.u_reset : u_before, inv_E);
  if (c_exp_) c(i) += inv_f;
  else set_calcium(i, c_before + 1.0);
  return kick;
}

void NeuronState::materialise(long begin, long end, double* u, double* c) const noexcept
{
  const long m = end - begin, st = stride_;
  if (u_exp_) {
    const double E = E_, s = shared_;
    const double* a = data() + st * begin;
    for (long j = 0; j < m; ++j) {
      const double v = E * (s + a[st * j]);
      u[j] = v > 0.0 ? v : 0.0;
    }
  } else {
    for (long j = 0; j < m; ++j) u[j] = linear_potential(begin + j);
  }
  const double* g = data() + st * begin + st - 1;
  if (c_exp_) {
    const double f = std::exp(-beta_ * (t_ - t_C_));
    for (long j = 0; j < m; ++j) c[j] = g[st * j] * f;
  } else {
    const double bt = beta_ * t_;
    for (long j = 0; j < m; ++j) {
      const double v = g[st * j] - bt;
      c[j] = v > 0.0 ? v : 0.0;
    }
  }
}

void NeuronState::materialise_at(double s, long begin, long end, double* u, double* c) const noexcept
{
  const long m = end - begin, st = stride_;
  if (u_exp_) {
    // No kick and no input since s: Shat is the same, only E moves.
    const double E = alpha_ > 0.0 ? std::exp(-alpha_ * (s - t_E_)) : 1.0, sh = shared_;
    const double* a = data() + st * begin;
    for (long j = 0; j < m; ++j) {
      const double v = E * (sh + a[st * j]);
      u[j] = v > 0.0 ? v : 0.0;
    }
  } else {
    // X' = I - alpha = -alpha with no input.
    const double x = shared_ + alpha_ * (t_ - s);
    for (long j = 0; j < m; ++j) u[j] = linear_potential_at(begin + j, x);
  }
  const double* g = data() + st * begin + st - 1;
  if (c_exp_) {
    const double f = std::exp(-beta_ * (s - t_C_));
    for (long j = 0; j < m; ++j) c[j] = g[st * j] * f;
  } else {
    const double bt = beta_ * s;
    for (long j = 0; j < m; ++j) {
      const double v = g[st * j] - bt;
      c[j] = v > 0.0 ? v : 0.0;
    }
  }
}

void NeuronState::rebase() noexcept
{
  if (u_exp_) {
    if (alpha_ * (t_ - t_E_) > 50.0) {
      for (long i = 0; i < n_; ++i) a(i) = E_ * (shared_ + a(i));
      shared_ = 0.0;
      E_ = 1.0;
      t_E_ = t_;
    }
  } else {
    for (long i = 0; i < n_; ++i) {
      a(i) = linear_potential(i);
      xr(i) = 0.0;
      tr(i) = t_;
    }
    shared_ = 0.0;
    stack_.clear();
  }
  if (c_exp_ && beta_ * (t_ - t_C_) > 50.0) {
    const double f = std::exp(-beta_ * (t_ - t_C_));
    for (long i = 0; i < n_; ++i) c(i) *= f;
    t_C_ = t_;
  }
}

}  // namespace stf::particles
