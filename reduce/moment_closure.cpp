// The Gaussian moment closure. With f = u, c, u^2, c^2, uc in the weak form of MODEL.md §3
// (u_r = u_reset with a reset, u_r = u without; I' = I + p):
//   d<u>/dt   = I' - <leak_U(U)> + <phi (u_r - U)>
//   d<c>/dt   = - <leak_C(C)> + <phi>
//   d<u^2>/dt = 2 I' <U> - 2 <U leak_U(U)> + <phi (u_r^2 - U^2)>
//   d<c^2>/dt = - 2 <C leak_C(C)> + <phi (2 C + 1)>               (the jump c -> c + 1)
//   d<uc>/dt  = I' <C> - <C leak_U(U)> - <U leak_C(C)> + <phi (u_r (C + 1) - U C)>
// and the centred moments follow (docs/reductions.md §3).
#include "reduce/moment_closure.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "reduce/initial_moments.hpp"

namespace stf::reduce {

namespace {

double normal_pdf(double a) { return std::exp(-0.5 * a * a) / std::sqrt(2.0 * std::numbers::pi); }
double normal_cdf(double a) { return 0.5 * std::erfc(-a / std::numbers::sqrt2); }

/// Leak expectations <leak(X)>, <X leak(X)> and <Y leak(X)> for (X, Y) Gaussian with means
/// (m, n), standard deviation s of X and covariance k. The linear law is rate 1{X > 0}: the
/// Gaussian's part below 0 stands for the mass on the sticky floor, which does not leak.
struct LeakMoments {
  double leak = 0.0, x_leak = 0.0, y_leak = 0.0;
};
LeakMoments leak_moments(const model::LeakLaw& law, double m, double var, double n, double k)
{
  if (law.kind == model::LeakKind::exponential) return {law.rate * m, law.rate * (var + m * m), law.rate * (k + m * n)};
  const double s = std::sqrt(var);
  if (!(s > 1e-300)) {
    const double inside = m > 0.0 ? 1.0 : 0.0;
    return {law.rate * inside, law.rate * inside * m, law.rate * inside * n};
  }
  const double a = m / s, P = normal_cdf(a), d = normal_pdf(a);
  // E[X; X > 0] = m P + s pdf(a); E[Y; X > 0] = n P + (k / s) pdf(a).
  return {law.rate * P, law.rate * (m * P + s * d), law.rate * (n * P + (k / s) * d)};
}

/// The moments with the variances clipped at 0 and the covariance to the Cauchy–Schwarz bound
/// (the integrator may overshoot them by its tolerance).
struct Clean {
  double mu, mc, vu, vc, k;
};
Clean clean(const State& x)
{
  const double vu = std::max(x[2], 0.0), vc = std::max(x[3], 0.0);
  const double bound = std::sqrt(vu * vc);
  return {x[0], x[1], vu, vc, std::clamp(x[4], -bound, bound)};
}

}  // namespace

MomentClosure::MomentClosure(const model::Case& c, int quadrature_points)
    : p_(c.model), rule_(gauss_hermite(quadrature_points))
{
  const Moments u = marginal_moments(c.initial.U), cm = marginal_moments(c.initial.C);
  initial_ = {u.mean, cm.mean, u.variance, cm.variance, 0.0};  // mu0 is a product law: no covariance
}

MomentClosure::Expectations MomentClosure::expectations(const State& x) const noexcept
{
  const Clean m = clean(x);
  const double su = std::sqrt(m.vu);
  // U = m_U + s_U Z and E[C | U] = m_C + b Z with b = K / s_U: C enters only linearly, so one
  // quadrature in Z gives every expectation. phi is applied at max(U, 0): the Gaussian's part
  // below 0 stands for mass at u = 0.
  const double b = su > 1e-300 ? m.k / su : 0.0;
  double e0 = 0.0, e1 = 0.0, e2 = 0.0;  // E[phi], E[Z phi], E[Z^2 phi]
  for (std::size_t i = 0; i < rule_.nodes.size(); ++i) {
    const double z = rule_.nodes[i];
    const double f = rule_.weights[i] * p_.phi(std::max(m.mu + su * z, 0.0));
    e0 += f;
    e1 += z * f;
    e2 += z * z * f;
  }
  Expectations e;
  e.phi = e0;
  e.u_phi = m.mu * e0 + su * e1;
  e.uu_phi = m.mu * m.mu * e0 + 2.0 * m.mu * su * e1 + m.vu * e2;
  e.c_phi = m.mc * e0 + b * e1;
  e.uc_phi = m.mu * m.mc * e0 + (m.mu * b + su * m.mc) * e1 + su * b * e2;
  return e;
}

void MomentClosure::rhs(const State& x, State& dxdt, double input) const
{
  const Clean m = clean(x);
  const Expectations e = expectations(x);
  const double ip = input + p_.w0 * e.phi + p_.w1 * e.c_phi;  // I + p(t)
  const LeakMoments lu = leak_moments(p_.leak_U, m.mu, m.vu, m.mc, m.k);
  const LeakMoments lc = leak_moments(p_.leak_C, m.mc, m.vc, m.mu, m.k);
  const double ur = p_.u_reset;
  // The reset terms <phi (f(u_r, c + 1) - f(u, c))>.
  const double jump_u = p_.reset ? ur * e.phi - e.u_phi : 0.0;
  const double jump_uu = p_.reset ? ur * ur * e.phi - e.uu_phi : 0.0;
  const double jump_uc = p_.reset ? ur * (e.c_phi + e.phi) - e.uc_phi : e.u_phi;
  const double d_u = ip - lu.leak + jump_u;
  const double d_c = -lc.leak + e.phi;
  const double d_uu = 2.0 * ip * m.mu - 2.0 * lu.x_leak + jump_uu;
  const double d_cc = -2.0 * lc.x_leak + 2.0 * e.c_phi + e.phi;
  const double d_uc = ip * m.mc - lu.y_leak - lc.y_leak + jump_uc;
  dxdt[0] = d_u;
  dxdt[1] = d_c;
  dxdt[2] = d_uu - 2.0 * m.mu * d_u;
  dxdt[3] = d_cc - 2.0 * m.mc * d_c;
  dxdt[4] = d_uc - m.mu * d_c - m.mc * d_u;
}

model::Observables MomentClosure::observables(const State& x) const
{
  const Clean m = clean(x);
  const Expectations e = expectations(x);
  model::Observables o;
  o[model::ObservableId::rate] = e.phi;
  o[model::ObservableId::drive] = p_.w0 * e.phi + p_.w1 * e.c_phi;
  o[model::ObservableId::mean_potential] = m.mu;
  o[model::ObservableId::mean_calcium] = m.mc;
  o[model::ObservableId::var_potential] = m.vu;
  o[model::ObservableId::var_calcium] = m.vc;
  o[model::ObservableId::mass] = 1.0;
  return o;
}

std::array<bool, model::observable_count> MomentClosure::defines() const
{
  std::array<bool, model::observable_count> all{};
  all.fill(true);
  return all;
}

}  // namespace stf::reduce
