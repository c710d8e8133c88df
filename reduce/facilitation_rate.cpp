// The facilitation rate model: state (h, x),
//   dh/dt = I + phi(h) (w0 + w1 x) - leak_U(h)     (no reset term: a rate model's input current)
//   dx/dt = phi(h) - leak_C(x)
// With reset = false it is the naive model (docs/reductions.md §4).
#include "reduce/facilitation_rate.hpp"

#include <algorithm>
#include <limits>

#include "reduce/initial_moments.hpp"

namespace stf::reduce {

FacilitationRate::FacilitationRate(const model::Case& c)
    : p_(c.model), h0_(marginal_moments(c.initial.U).mean), x0_(marginal_moments(c.initial.C).mean)
{
}

void FacilitationRate::rhs(const State& x, State& dxdt, double input) const
{
  const double h = std::max(x[0], 0.0), f = std::max(x[1], 0.0);
  const double r = p_.phi(h);
  dxdt[0] = p_.leak_U.velocity(h, input + r * p_.kick_weight(f));
  dxdt[1] = p_.leak_C.velocity(f, r);
}

model::Observables FacilitationRate::observables(const State& x) const
{
  const double h = std::max(x[0], 0.0), f = std::max(x[1], 0.0);
  model::Observables o;
  o.values.fill(std::numeric_limits<double>::quiet_NaN());
  const double r = p_.phi(h);
  o[model::ObservableId::rate] = r;
  o[model::ObservableId::drive] = r * p_.kick_weight(f);
  o[model::ObservableId::mean_potential] = h;
  o[model::ObservableId::mean_calcium] = f;
  o[model::ObservableId::mass] = 1.0;
  return o;
}

std::array<bool, model::observable_count> FacilitationRate::defines() const
{
  return {true, true, true, true, false, false, true};
}

}  // namespace stf::reduce
