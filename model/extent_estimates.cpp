// A-priori extents of (U, C) for a case. Each bound is stated where it is computed; the solver
// reports any mass that leaves the mesh anyway, so an optimistic estimate fails loudly, not silently.
#include "model/extent_estimates.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace stf::model {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

/// Calcium extent. Each neuron's calcium jumps by 1 at rate <= phi_sup and decays by its leak.
/// linear leak, phi_sup < beta: C - c0 is dominated by sup_t (N(t) - beta t), whose tail is
///   exp(-theta x) with phi_sup (e^theta - 1) = beta theta (Cramér–Lundberg); x = ln(1/tol) / theta.
/// otherwise: the spike count over the horizon, Poisson with mean m, bounded by
///   (Bernstein: m + sqrt(2 m L) + L / 3, L = ln(1/tol)); with an exponential leak m = phi_sup / beta (jumps older than 1/beta
///   have decayed by e), which is an estimate, not a bound.
double calcium_extent(const Case& c, double phi_sup, double tol)
{
  const double c0 = c.initial.C.upper_extent();
  const double L = std::log(1.0 / std::max(tol, 1e-300));
  const double beta = c.model.beta();
  if (phi_sup <= 0.0) return std::max(c0, 1.0);
  if (c.model.leak_C.kind == LeakKind::linear && phi_sup < beta) {
    double lo = 1e-12, hi = 1.0;
    auto f = [&](double th) { return phi_sup * std::expm1(th) - beta * th; };
    while (f(hi) < 0.0) hi *= 2.0;
    for (int k = 0; k < 200; ++k) {
      const double mid = 0.5 * (lo + hi);
      (f(mid) < 0.0 ? lo : hi) = mid;
    }
    return c0 + L / hi + 1.0;
  }
  double m = phi_sup * c.time.end;
  if (c.model.leak_C.kind == LeakKind::exponential && beta > 0.0) m = std::min(m, phi_sup / beta);
  else if (beta > 0.0) m = std::max(0.0, phi_sup - beta) * c.time.end + std::sqrt(phi_sup * c.time.end);
  return c0 + m + std::sqrt(2.0 * m * L) + L / 3.0 + 1.0;
}

/// Bound of the mean calcium <C>, which with phi <= phi_sup bounds the drive p <= phi_sup (w0 + w1 <C>).
///   exponential leak: d<C>/dt = r - beta <C> <= phi_sup - beta <C>, so <C> <= max(<C0>, phi_sup / beta).
///   linear leak, phi_sup < beta: <C0> plus the stationary mean of a unit-jump workload process
///     (Pollaczek–Khinchine), phi_sup / (2 (beta - phi_sup)): an estimate.
///   otherwise: <C> <= <C0> + phi_sup T.
double mean_calcium_bound(const Case& c, double phi_sup)
{
  const double c_mean = c.initial.C.expectation();
  const double beta = c.model.beta();
  if (c.model.leak_C.kind == LeakKind::exponential && beta > 0.0) return std::max(c_mean, phi_sup / beta);
  if (c.model.leak_C.kind == LeakKind::linear && phi_sup < beta) return c_mean + phi_sup / (2.0 * (beta - phi_sup));
  return c_mean + phi_sup * c.time.end;
}

/// Potential reached under input I + p from the initial extent.
///   exponential leak: U never exceeds max(U0, (I + p) / alpha), the fixed point of its flow.
///   linear leak: U grows at speed v = I + p - alpha until the neuron spikes; once phi has reached half
///     its sup (at u_half) a neuron survives a further climb x with probability <= exp(-phi_sup x / (2 v)),
///     so the extent is u_half + 2 v ln(1/tol) / phi_sup (an estimate; with unbounded phi, v T is used).
double potential_extent(const Case& c, double drive, double phi_sup, double tol)
{
  const double u0 = std::max(c.initial.U.upper_extent(), c.model.reset ? c.model.u_reset : 0.0);
  const double push = c.model.input.sup() + drive;
  const double alpha = c.model.alpha();
  if (c.model.leak_U.kind == LeakKind::exponential && alpha > 0.0) return std::max(u0, push / alpha);
  const double speed = c.model.leak_U.kind == LeakKind::linear ? std::max(push - alpha, 0.0) : push;
  if (speed == 0.0) return u0;
  const RateFunction& phi = c.model.phi;
  if (!phi.is_bounded() || phi_sup <= 0.0) return u0 + speed * c.time.end;
  double u_half = 1.0;
  while (phi(u_half) < 0.5 * phi_sup && u_half < 1e12) u_half *= 2.0;
  const double climb = 2.0 * speed * std::log(1.0 / tol) / phi_sup;
  return std::max(u0, u_half) + std::min(climb, speed * c.time.end);
}

}  // namespace

ExtentEstimates estimate_extents(const Case& c, double u_cap)
{
  ExtentEstimates e;
  const double tol = std::max(c.solver.lost_mass_tolerance, 1e-16);
  const RateFunction& phi = c.model.phi;
  // phi_sup: for unbounded rates, iterate u -> min(potential_extent(drive(phi(u))), u_cap) to a fixed
  // point (the iteration is monotone: a larger u gives a larger rate, drive and extent).
  double u = std::min(std::max(c.initial.U.upper_extent(), 1.0), u_cap);
  for (int k = 0; k < 100; ++k) {
    e.phi_sup = phi.is_bounded() ? phi.sup() : phi(u);
    e.c_needed = calcium_extent(c, e.phi_sup, tol);
    e.mean_calcium_bound = mean_calcium_bound(c, e.phi_sup);
    e.drive_bound = e.phi_sup * (c.model.w0 + c.model.w1 * e.mean_calcium_bound);
    const double next = std::min(potential_extent(c, e.drive_bound, e.phi_sup, tol), u_cap);
    if (phi.is_bounded() || std::abs(next - u) <= 1e-6 * u) {
      u = next;
      break;
    }
    u = next;
    if (!std::isfinite(u) || u > 1e12 || k == 99) {
      u = inf;
      break;
    }
  }
  if (!std::isfinite(u)) {
    // No fixed point: the rate bounds neither the potential nor, through it, the calcium and the drive.
    e.u_needed = e.c_needed = e.mean_calcium_bound = e.drive_bound = e.phi_sup = inf;
    return e;
  }
  // A 5% margin over the estimate, so the fixed point itself is not on the boundary.
  e.u_needed = 1.05 * u;
  if (!phi.is_bounded()) e.phi_sup = phi.sup_on(e.u_needed);
  return e;
}

}  // namespace stf::model
