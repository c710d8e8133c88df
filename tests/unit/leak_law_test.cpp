// Leak-law flows (MODEL.md §1) in closed form against a numerical integration with Boost.Odeint,
// including the sticky floor of the linear law and piecewise-constant inputs.
#include <doctest/doctest.h>

#include <boost/numeric/odeint.hpp>
#include <cmath>
#include <limits>

#include "model/input_schedule.hpp"
#include "model/leak_law.hpp"

using namespace stf::model;
namespace odeint = boost::numeric::odeint;

namespace {

/// x(t) by an adaptive Dormand–Prince integration of dx/dt = velocity(x, I(s)).
double integrate(const LeakLaw& leak, double x0, double t0, double t1, const InputSchedule& input)
{
  using State = std::array<double, 1>;
  State x{x0};
  auto rhs = [&](const State& s, State& dxdt, double t) { dxdt[0] = leak.velocity(std::max(s[0], 0.0), input.value(t)); };
  // Integrate piece by piece so that the input's jumps are step boundaries.
  double t = t0;
  while (t < t1) {
    const double t_next = std::min(t1, input.next_change_after(t));
    odeint::integrate_adaptive(odeint::make_controlled<odeint::runge_kutta_dopri5<State>>(1e-12, 1e-12), rhs, x, t,
                               t_next, 1e-4);
    x[0] = std::max(x[0], 0.0);  // the floor: a numerical overshoot below 0 is the sticky state 0
    t = t_next;
  }
  return x[0];
}

}  // namespace

TEST_CASE("exponential leak: closed form matches the ODE")
{
  const LeakLaw leak{LeakKind::exponential, 1.7};
  for (double input : {0.0, 0.5, 4.0})
    for (double x0 : {0.0, 0.3, 6.0})
      for (double t : {0.01, 0.5, 3.0}) {
        CAPTURE(input);
        CAPTURE(x0);
        CAPTURE(t);
        // Relative (flows go down to 2e-3); exactly 0 from 0 without input.
        const double ode = integrate(leak, x0, 0.0, t, InputSchedule(input));
        CHECK(std::fabs(leak.flow(x0, input, t) - ode) <= 1e-9 * std::fabs(ode));
      }
  CHECK(leak.flow(2.0, 0.0, 1.0) == doctest::Approx(2.0 * std::exp(-1.7)).epsilon(1e-15));
  const LeakLaw no_leak{LeakKind::exponential, 0.0};
  CHECK(no_leak.flow(1.0, 2.0, 3.0) == 7.0);
}

TEST_CASE("linear leak: constant speed down to 0, then the sticky floor")
{
  const LeakLaw leak{LeakKind::linear, 6.0};
  CHECK(leak.flow(10.0, 0.0, 1.0) == doctest::Approx(4.0));
  CHECK(leak.flow(10.0, 0.0, 2.0) == 0.0);           // reaches 0 at t = 5/3 and stays
  CHECK(leak.flow(0.0, 5.0, 10.0) == 0.0);           // I < beta: the floor holds
  CHECK(leak.flow(0.0, 6.0, 10.0) == 0.0);           // I = beta: still held
  CHECK(leak.flow(0.0, 8.0, 1.5) == doctest::Approx(3.0));  // I > beta: leaves at speed I - beta
  CHECK(leak.velocity(0.0, 5.0) == 0.0);
  CHECK(leak.velocity(0.0, 8.0) == 2.0);
  for (double input : {0.0, 3.0, 9.0})
    for (double x0 : {0.0, 0.4, 5.0})
      for (double t : {0.05, 0.5, 2.0}) {
        CAPTURE(input);
        CAPTURE(x0);
        CAPTURE(t);
        const double exact = leak.flow(x0, input, t);
        CHECK(exact >= 0.0);
        // Relative; exactly 0 on the sticky floor.
        const double ode = integrate(leak, x0, 0.0, t, InputSchedule(input));
        CHECK(std::fabs(exact - ode) <= 1e-7 * std::fabs(ode));
      }
}

TEST_CASE("piecewise-constant input: flow_through matches the ODE across pulses")
{
  const InputSchedule input(0.5, {{1.0, 2.0, 7.0}, {1.5, 3.0, 1.0}});
  CHECK(input.value(0.9) == 0.5);
  CHECK(input.value(1.0) == 7.5);
  CHECK(input.value(1.7) == 8.5);
  CHECK(input.value(2.5) == 1.5);
  CHECK(input.value(3.0) == 0.5);
  CHECK(input.next_change_after(1.0) == 1.5);
  CHECK(input.sup() == 8.5);
  for (const LeakLaw& leak : {LeakLaw{LeakKind::exponential, 1.3}, LeakLaw{LeakKind::linear, 2.0}})
    for (double x0 : {0.0, 1.0}) {
      CAPTURE(x0);
      const double exact = flow_through(leak, x0, 0.2, 4.0, input);
      CHECK(exact == doctest::Approx(integrate(leak, x0, 0.2, 4.0, input)).epsilon(1e-7).scale(0.0));
    }
  // Linear leak, sticky floor with input below the leak: stays at 0 until the pulse lifts it.
  const LeakLaw linear{LeakKind::linear, 2.0};
  CHECK(flow_through(linear, 0.0, 0.0, 1.0, input) == 0.0);
  CHECK(flow_through(linear, 0.0, 0.0, 1.5, input) == doctest::Approx(0.5 * 5.5));
}

TEST_CASE("hitting times agree with the flows")
{
  const LeakLaw exp_leak{LeakKind::exponential, 2.0};
  const double t = exp_leak.time_to_reach(5.0, 1.0, 2.0);
  CHECK(exp_leak.flow(5.0, 1.0, t) == doctest::Approx(2.0).epsilon(1e-12));
  CHECK(std::isinf(exp_leak.time_to_reach(5.0, 1.0, 0.4)));  // below the fixed point 0.5
  const LeakLaw lin{LeakKind::linear, 3.0};
  CHECK(lin.time_to_reach(6.0, 0.0, 0.0) == doctest::Approx(2.0));
  CHECK(std::isinf(lin.time_to_reach(0.0, 2.0, 1.0)));  // held at the floor
  CHECK(lin.time_to_reach(0.0, 5.0, 1.0) == doctest::Approx(0.5));
}
