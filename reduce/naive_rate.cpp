// The naive rate model: state (m_U, m_C). docs/reductions.md §2 derives
//   dm_U/dt = I + phi(m_U) (w0 + w1 m_C) - leak_U(m_U) + phi(m_U) (u_reset - m_U)   [reset]
//   dm_C/dt = phi(m_U) - leak_C(m_C)
// with the sticky floor of a linear leak applied to the mean as to one neuron (MODEL.md §1).
#include "reduce/naive_rate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "reduce/initial_moments.hpp"

namespace stf::reduce {

NaiveRate::NaiveRate(const model::Case& c)
    : p_(c.model), u0_(marginal_moments(c.initial.U).mean), c0_(marginal_moments(c.initial.C).mean)
{
}

void NaiveRate::rhs(const State& x, State& dxdt, double input) const
{
  const double u = std::max(x[0], 0.0), c = std::max(x[1], 0.0);
  const double r = p_.phi(u);
  const double jump = p_.reset ? r * (p_.u_reset - u) : 0.0;  // potential lost (or gained) at resets
  // The floor's velocity rule (LeakLaw::velocity) takes every gain of the potential as its input.
  dxdt[0] = p_.leak_U.velocity(u, input + r * p_.kick_weight(c) + jump);
  dxdt[1] = p_.leak_C.velocity(c, r);
}

model::Observables NaiveRate::observables(const State& x) const
{
  const double u = std::max(x[0], 0.0), c = std::max(x[1], 0.0);
  model::Observables o;
  o.values.fill(std::numeric_limits<double>::quiet_NaN());
  const double r = p_.phi(u);
  o[model::ObservableId::rate] = r;
  o[model::ObservableId::drive] = r * p_.kick_weight(c);
  o[model::ObservableId::mean_potential] = u;
  o[model::ObservableId::mean_calcium] = c;
  o[model::ObservableId::mass] = 1.0;
  return o;
}

std::array<bool, model::observable_count> NaiveRate::defines() const
{
  return {true, true, true, true, false, false, true};
}

}  // namespace stf::reduce
