// Exit time at event resolution; see exit_tracker.hpp for the bounds and why they hold.
#include "particles/exit_tracker.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace stf::particles {

namespace {

using model::ObservableId;

// phi(q u) - lambda0 >= q^kappa (phi(u) - lambda0) for q in (0, 1].
bool scales_with_kappa(const model::RateFunction& f)
{
  using model::RateKind;
  return f.kind == RateKind::constant || f.kind == RateKind::linear ||
         ((f.kind == RateKind::power || f.kind == RateKind::hill) && f.kappa > 0.0);
}

}  // namespace

bool ExitTracker::applies(const model::ModelParameters& p, const model::MemoryRegion& region)
{
  if (!p.input.is_zero() || region.thresholds.empty()) return false;
  for (const auto& th : region.thresholds) {
    if (th.max || !th.min) return false;
    switch (th.observable) {
      case ObservableId::rate:
      case ObservableId::drive:
      case ObservableId::mean_potential:
      case ObservableId::mean_calcium: break;
      default: return false;
    }
  }
  return true;
}

ExitTracker::ExitTracker(const model::ModelParameters& p, const model::MemoryRegion& region, long neurons)
    : p_(p),
      phi_(p.phi),
      t_grace_(region.t_grace),
      inv_n_(1.0 / static_cast<double>(neurons)),
      u_(512),
      c_(512),
      r_(512)
{
  const bool u_exp = p.leak_U.kind == model::LeakKind::exponential;
  const bool c_exp = p.leak_C.kind == model::LeakKind::exponential;
  const bool scalable = u_exp && scales_with_kappa(p.phi);
  kappa_ = p.phi.kind == model::RateKind::power || p.phi.kind == model::RateKind::hill ? p.phi.kappa : 1.0;
  for (const auto& th : region.thresholds) {
    Bound b = Bound::none;
    switch (th.observable) {
      case ObservableId::rate: b = scalable ? Bound::rate : Bound::none; break;
      case ObservableId::drive: b = scalable && c_exp ? Bound::drive : Bound::none; break;
      case ObservableId::mean_potential: b = Bound::mean_u; break;
      case ObservableId::mean_calcium: b = Bound::mean_c; break;
      default: break;
    }
    watches_.push_back({th.observable, th.min.value_or(-std::numeric_limits<double>::infinity()), b});
  }
}

model::Observables ExitTracker::evaluate(const NeuronState& state, double s)
{
  ++looks_;
  const long n = state.size();
  double rate = 0.0, drive = 0.0, su = 0.0, sc = 0.0;
  for (long b = 0; b < n; b += 512) {
    const long m = std::min(512L, n - b);
    state.materialise_at(s, b, b + m, u_.data(), c_.data());
    phi_.evaluate(u_.data(), r_.data(), static_cast<std::size_t>(m));
    for (long j = 0; j < m; ++j) {
      const auto i = static_cast<std::size_t>(j);
      rate += r_[i];
      drive += r_[i] * p_.kick_weight(c_[i]);
      su += u_[i];
      sc += c_[i];
    }
  }
  model::Observables o;
  o[ObservableId::rate] = rate * inv_n_;
  o[ObservableId::drive] = drive * inv_n_;
  o[ObservableId::mean_potential] = su * inv_n_;
  o[ObservableId::mean_calcium] = sc * inv_n_;
  o[ObservableId::mass] = 1.0;
  // Variances are not region observables here (ExitTracker::applies): left at 0.
  return o;
}

bool ExitTracker::inside(const model::Observables& obs) const noexcept
{
  for (const auto& w : watches_)
    if (!(obs[w.id] >= w.min)) return false;
  return true;
}

double ExitTracker::lower_bound(const Watch& w, double t) const noexcept
{
  const double dt = t - t_a_;
  const double alpha = p_.leak_U.rate, beta = p_.leak_C.rate;
  const bool u_exp = p_.leak_U.kind == model::LeakKind::exponential;
  const bool c_exp = p_.leak_C.kind == model::LeakKind::exponential;
  switch (w.bound) {
    case Bound::rate: {
      const double lambda0 = p_.phi.lambda0;
      return lambda0 + std::exp(-alpha * kappa_ * dt) * (w.anchor - lambda0) - w.spent * inv_n_;
    }
    case Bound::drive: return std::exp(-(alpha * kappa_ + beta) * dt) * w.anchor - w.spent * inv_n_;
    case Bound::mean_u:
      return (u_exp ? std::exp(-alpha * dt) * w.anchor : w.anchor - alpha * dt) - w.spent * inv_n_;
    case Bound::mean_c: return c_exp ? std::exp(-beta * dt) * w.anchor : w.anchor - beta * dt;
    case Bound::none: break;
  }
  return -std::numeric_limits<double>::infinity();
}

bool ExitTracker::certified(double t) const noexcept
{
  for (const auto& w : watches_) {
    // The bound is computed in floating point: ask for a margin well above its rounding.
    const double margin = 1e-12 * (std::abs(w.anchor) + std::abs(w.min) + w.spent * inv_n_) + 1e-300;
    if (!(lower_bound(w, t) - w.min > margin)) return false;
  }
  return true;
}

void ExitTracker::anchor(double t, const model::Observables& obs) noexcept
{
  t_a_ = t;
  for (auto& w : watches_) {
    w.anchor = obs[w.id];
    w.spent = 0.0;
  }
}

double ExitTracker::first_outside(const NeuronState& state, double lo, double hi)
{
  // Each value is nonincreasing on the stretch, so { outside } is an interval ending at hi.
  while (true) {
    const double mid = lo + 0.5 * (hi - lo);
    if (!(mid > lo && mid < hi)) break;
    if (inside(evaluate(state, mid))) lo = mid;
    else hi = mid;
  }
  return std::max(hi, t_grace_);
}

bool ExitTracker::start(const NeuronState& state, const model::Observables* obs_now)
{
  // No spike between t_grace and now: t_grace lies on the current stretch.
  started_ = true;
  const model::Observables obs = obs_now && state.time() == t_grace_ ? *obs_now : evaluate(state, t_grace_);
  if (!inside(obs)) {
    exit_time_ = t_grace_;
    return false;
  }
  anchor(t_grace_, obs);
  t_cert_ = t_grace_;
  return true;
}

void ExitTracker::observe(const NeuronState& state, const model::Observables& obs)
{
  if (exited()) return;
  const double t = state.time();
  if (!started_) {
    if (t < t_grace_ || !start(state, &obs)) return;
  }
  if (inside(obs)) {
    anchor(t, obs);
    t_cert_ = t;
  } else {
    exit_time_ = first_outside(state, t_cert_, t);
  }
}

void ExitTracker::before_spike(const NeuronState& state, double u, double c)
{
  pending_rate_ = pending_drive_ = pending_u_ = 0.0;
  if (exited()) return;
  const double t = state.time();
  if (!started_) {
    if (t <= t_grace_ || !start(state, nullptr)) return;
  }
  if (!certified(t)) {
    const model::Observables obs = evaluate(state, t);  // just before the spike
    if (!inside(obs)) {
      exit_time_ = first_outside(state, t_cert_, t);
      return;
    }
    anchor(t, obs);
  }
  const double r = phi_(u);
  pending_rate_ = r - p_.phi.lambda0;
  pending_drive_ = r * p_.kick_weight(c);
  pending_u_ = u;
}

void ExitTracker::after_spike(const NeuronState& state)
{
  if (exited()) return;
  const double t = state.time();
  if (!started_) {
    if (t >= t_grace_) start(state, nullptr);  // a spike at t_grace itself: R is tested after it
    return;
  }
  for (auto& w : watches_) {
    if (w.bound == Bound::rate) w.spent += pending_rate_;
    if (w.bound == Bound::drive) w.spent += pending_drive_;
    if (w.bound == Bound::mean_u) w.spent += pending_u_;
  }
  if (!certified(t)) {
    const model::Observables obs = evaluate(state, t);  // just after the spike
    if (!inside(obs)) {
      exit_time_ = t;  // the jump left R
      return;
    }
    anchor(t, obs);
  }
  t_cert_ = t;
}

}  // namespace stf::particles
