// The constant-rate oracle (MODEL.md §5) against an Odeint integration of its linear ODE system.
#include <doctest/doctest.h>

#include <boost/numeric/odeint.hpp>

#include "model/constant_rate_oracle.hpp"

using namespace stf::model;
namespace odeint = boost::numeric::odeint;

namespace {
ModelParameters constant_case(double lambda, double alpha, double beta)
{
  ModelParameters p;
  p.phi.kind = RateKind::constant;
  p.phi.lambda0 = lambda;
  p.leak_U = {LeakKind::exponential, alpha};
  p.leak_C = {LeakKind::exponential, beta};
  p.w0 = 0.3;
  p.w1 = 0.7;
  p.u_reset = 0.2;
  p.input = InputSchedule(0.4);
  return p;
}
}  // namespace

TEST_CASE("closed-form means match the ODE, limit and finite N")
{
  InitialLaw init;
  init.U.at = 1.5;
  init.C.at = 4.0;
  for (double beta : {0.8, 3.0, 2.0 + 1.0 /*a == beta for lambda=2, alpha=1*/}) {
    const ModelParameters p = constant_case(2.0, 1.0, beta);
    for (long n : {0L, 10L}) {
      const ConstantRateOracle oracle(p, init, n ? std::optional<long>(n) : std::nullopt);
      const double kappa = n ? double(n - 1) / double(n) : 1.0;
      using State = std::array<double, 2>;  // m_U, m_C
      State m{1.5, 4.0};
      auto rhs = [&](const State& s, State& d, double) {
        d[1] = -beta * s[1] + 2.0;
        d[0] = 0.4 + kappa * 2.0 * (0.3 + 0.7 * s[1]) - 1.0 * s[0] - 2.0 * (s[0] - 0.2);
      };
      double t = 0.0;
      for (double t_next : {0.1, 0.7, 2.0, 5.0}) {
        odeint::integrate_adaptive(odeint::make_controlled<odeint::runge_kutta_dopri5<State>>(1e-13, 1e-13), rhs, m, t,
                                   t_next, 1e-3);
        t = t_next;
        CAPTURE(beta);
        CAPTURE(n);
        CAPTURE(t);
        CHECK(oracle.mean_potential(t) == doctest::Approx(m[0]).epsilon(1e-10));
        CHECK(oracle.mean_calcium(t) == doctest::Approx(m[1]).epsilon(1e-10));
        CHECK(oracle.drive(t) == doctest::Approx(2.0 * (0.3 + 0.7 * m[1])).epsilon(1e-10));
      }
    }
  }
}

TEST_CASE("the oracle refuses cases it does not cover")
{
  ModelParameters p = constant_case(1.0, 1.0, 1.0);
  p.phi.kind = RateKind::hill;
  CHECK_FALSE(ConstantRateOracle::applies(p));
  CHECK_THROWS_AS(ConstantRateOracle(p, InitialLaw{}), std::invalid_argument);
  p = constant_case(1.0, 1.0, 1.0);
  p.leak_C.kind = LeakKind::linear;
  CHECK_FALSE(ConstantRateOracle::applies(p));
}
