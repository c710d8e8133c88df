// The rate reductions (docs/reductions.md) against closed forms: the constant-rate oracle of
// MODEL.md §5, hand-derived solutions of the naive model and of the moment closure, the error
// control of the Odeint integration, the exit time on the dense output, and the quadrature.
#include <doctest/doctest.h>

#include <cmath>
#include <fmt/core.h>
#include <string>

#include "model/case_reader.hpp"
#include "model/constant_rate_oracle.hpp"
#include "reduce/gauss_hermite.hpp"
#include "reduce/integrate.hpp"

using namespace stf;

namespace {

/// A case with these [model] and [initial] lines (and extra sections), a horizon of 4 sampled
/// every 0.05, and integration tolerances `tol`.
model::Case make_case(const std::string& model_lines, const std::string& initial_lines, double tol,
                      const std::string& extra = "")
{
  const std::string text = "name = \"t\"\n[model]\n" + model_lines + "\n[initial]\n" + initial_lines +
                           "\n[time]\nend = 4.0\nsample = 0.05\n" + extra + fmt::format("\n[reduce]\nabs_tol = {0}\nrel_tol = {0}\n", tol);
  return model::read_case_text(text, "t.toml", {}, {.solver = false, .report = false});  // as stf reduce reads
}

const std::string constant_rate_model = R"(phi = { kind = "constant", lambda = 1.5 }
leak_U = { law = "exponential", alpha = 0.7 }
leak_C = { law = "exponential", beta = 2.0 }
w0 = 0.3
w1 = 0.8
u_reset = 0.4
I = 0.25)";
const std::string spread_initial = R"(U = { law = "uniform", min = 1.0, max = 3.0 }
C = { law = "exponential", mean = 2.5 })";

double observable(const reduce::ReductionRun& r, std::size_t i, model::ObservableId id) { return r.observables[i][id]; }

}  // namespace

TEST_CASE("Gauss-Hermite integrates the moments of the standard normal exactly")
{
  const auto rule = reduce::gauss_hermite(20);
  // E[Z^(2k)] = (2k - 1)!!, odd moments 0, exact up to degree 39.
  double odd = 1.0;
  for (int k = 0; k <= 8; ++k) {
    double even_sum = 0.0, odd_sum = 0.0;
    for (std::size_t i = 0; i < rule.nodes.size(); ++i) {
      even_sum += rule.weights[i] * std::pow(rule.nodes[i], 2 * k);
      odd_sum += rule.weights[i] * std::pow(rule.nodes[i], 2 * k + 1);
    }
    CHECK(even_sum == doctest::Approx(odd).epsilon(1e-12));
    CHECK(std::abs(odd_sum) < 1e-9 * odd);
    odd *= double(2 * k + 1);
  }
}

TEST_CASE("constant rate: the naive model and the moment closure give the exact means (MODEL.md §5)")
{
  const double tol = 1e-10;
  const auto c = make_case(constant_rate_model, spread_initial, tol);
  const model::ConstantRateOracle oracle(c.model, c.initial);
  for (const std::string method : {"naive", "moments"}) {
    INFO(method);
    const auto r = reduce::run_reduction(method, c);
    REQUIRE(r.times.size() == c.time.sample_times().size());
    double worst = 0.0;
    for (std::size_t i = 0; i < r.times.size(); ++i) {
      const double t = r.times[i];
      worst = std::max(worst, std::abs(observable(r, i, model::ObservableId::mean_calcium) - oracle.mean_calcium(t)));
      worst = std::max(worst, std::abs(observable(r, i, model::ObservableId::mean_potential) - oracle.mean_potential(t)));
      worst = std::max(worst, std::abs(observable(r, i, model::ObservableId::drive) - oracle.drive(t)));
      CHECK(observable(r, i, model::ObservableId::rate) == doctest::Approx(1.5).epsilon(1e-14));
    }
    // Values are O(1): an error of a few tolerances.
    CHECK(worst < 50.0 * tol);
    CHECK(worst > 0.0);  // the comparison is not vacuous
  }
}

TEST_CASE("constant rate: the moment closure's variances solve their linear equations")
{
  // With phi = lambda, w1 = 0, no input and u_reset = 0 (hand derivation, docs/reductions.md §5):
  //   dV_C/dt = -2 beta V_C + lambda   (each spike adds 1 at rate lambda: shot noise)
  //   d<U^2>/dt = 2 lambda w0 m_U - (2 alpha + lambda) <U^2>, dm_U/dt = lambda w0 - (alpha + lambda) m_U.
  const double lambda = 1.5, alpha = 0.7, beta = 2.0, w0 = 0.3;
  const auto c = make_case(R"(phi = { kind = "constant", lambda = 1.5 }
leak_U = { law = "exponential", alpha = 0.7 }
leak_C = { law = "exponential", beta = 2.0 }
w0 = 0.3
w1 = 0.0)",
                           R"(U = { law = "dirac", at = 2.0 }
C = { law = "dirac", at = 1.0 })",
                           1e-11);
  const auto r = reduce::run_reduction("moments", c);
  const double a = alpha + lambda, m_inf = lambda * w0 / a;
  const double b2 = 2.0 * alpha + lambda;
  for (std::size_t i = 0; i < r.times.size(); i += 10) {
    const double t = r.times[i];
    const double vc = lambda / (2.0 * beta) * (1.0 - std::exp(-2.0 * beta * t));
    const double mu = m_inf + (2.0 - m_inf) * std::exp(-a * t);
    // <U^2> = A + B e^{-a t} + D e^{-b2 t} from the linear system with <U^2>(0) = 4.
    const double A = 2.0 * lambda * w0 * m_inf / b2;
    const double B = 2.0 * lambda * w0 * (2.0 - m_inf) / (b2 - a);
    const double D = 4.0 - A - B;
    const double uu = A + B * std::exp(-a * t) + D * std::exp(-b2 * t);
    INFO("t = " << t);
    CHECK(observable(r, i, model::ObservableId::var_calcium) == doctest::Approx(vc).epsilon(1e-8));
    CHECK(std::abs(observable(r, i, model::ObservableId::var_potential) - (uu - mu * mu)) < 1e-8);
  }
}

TEST_CASE("constant rate: the moment closure's covariance solves its linear equation")
{
  // With phi = lambda and exponential leaks the <UC> equation of docs/reductions.md §1 is linear:
  //   d<UC>/dt = I'(t) m_C - (alpha + beta + lambda) <UC> + lambda u_reset (m_C + 1),
  // I'(t) = I + lambda (w0 + w1 m_C(t)), with the oracle's means; integrated here by classical RK4
  // on a fine grid (an independent method), from <UC>(0) = m_U(0) m_C(0) (mu0 is a product law).
  const auto c = make_case(constant_rate_model, spread_initial, 1e-11);
  const model::ConstantRateOracle oracle(c.model, c.initial);
  const double lambda = 1.5, alpha = 0.7, beta = 2.0, w0 = 0.3, w1 = 0.8, ur = 0.4, input = 0.25;
  auto rhs = [&](double t, double uc) {
    const double mc = oracle.mean_calcium(t);
    return (input + lambda * (w0 + w1 * mc)) * mc - (alpha + beta + lambda) * uc + lambda * ur * (mc + 1.0);
  };
  const auto r = reduce::run_reduction("moments", c);
  REQUIRE(r.final_state.size() == 5);  // (m_U, m_C, V_U, V_C, K) at t = end
  double uc = oracle.mean_potential(0.0) * oracle.mean_calcium(0.0);
  const int steps = 40000;
  const double h = c.time.end / steps;
  for (int n = 0; n < steps; ++n) {
    const double t = n * h;
    const double k1 = rhs(t, uc), k2 = rhs(t + h / 2, uc + h / 2 * k1), k3 = rhs(t + h / 2, uc + h / 2 * k2),
                 k4 = rhs(t + h, uc + h * k3);
    uc += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  const double k = uc - oracle.mean_potential(c.time.end) * oracle.mean_calcium(c.time.end);
  CHECK(std::abs(r.final_state[4] - k) < 1e-8);
  // The covariance becomes nonzero (the test is not vacuous).
  CHECK(std::abs(r.final_state[4]) > 1e-2);
}

TEST_CASE("the naive model with phi constant, w1 = 0 and linear leaks follows its hand-derived solution")
{
  // dm_C/dt = lambda - beta while m_C > 0 (then the floor holds it at 0 since lambda < beta);
  // dm_U/dt = I + lambda w0 - alpha + lambda (u_reset - m_U) while m_U > 0: with m* = u_reset + (I
  // + lambda w0 - alpha)/lambda < 0 it reaches 0 at t* = ln((u0 - m*)/(-m*))/lambda and stays there.
  const double lambda = 1.0, alpha = 2.0, beta = 3.0, w0 = 0.5, u0 = 3.0, c0 = 5.0;
  const auto c = make_case(R"(phi = { kind = "constant", lambda = 1.0 }
leak_U = { law = "linear", alpha = 2.0 }
leak_C = { law = "linear", beta = 3.0 }
w0 = 0.5
w1 = 0.0)",
                           R"(U = { law = "dirac", at = 3.0 }
C = { law = "dirac", at = 5.0 })",
                           1e-10);
  const auto r = reduce::run_reduction("naive", c);
  const double m_star = (w0 * lambda - alpha) / lambda;
  const double t_star = std::log((u0 - m_star) / (-m_star)) / lambda;
  REQUIRE(t_star > 0.5);
  REQUIRE(t_star < 3.5);
  bool saw_floor = false;
  for (std::size_t i = 0; i < r.times.size(); ++i) {
    const double t = r.times[i];
    const double mc = std::max(c0 + (lambda - beta) * t, 0.0);
    const double mu = t < t_star ? m_star + (u0 - m_star) * std::exp(-lambda * t) : 0.0;
    saw_floor = saw_floor || t > t_star + 0.5;
    INFO("t = " << t);
    CHECK(std::abs(observable(r, i, model::ObservableId::mean_calcium) - mc) < 1e-7);
    CHECK(std::abs(observable(r, i, model::ObservableId::mean_potential) - mu) < 1e-7);
  }
  CHECK(saw_floor);
}

TEST_CASE("halving the tolerances changes the result by about the tolerance (Odeint error control)")
{
  // A known solution (the constant-rate oracle): the error and the change under halving are of the
  // order of the tolerance, neither far below it at loose tolerance nor above it.
  const model::Case base = make_case(constant_rate_model, spread_initial, 1e-5);
  const model::ConstantRateOracle oracle(base.model, base.initial);
  auto final_u = [&](double tol) {
    model::Case c = base;
    c.reduce.abs_tol = c.reduce.rel_tol = tol;
    const auto r = reduce::run_reduction("naive", c);
    return observable(r, r.times.size() - 1, model::ObservableId::mean_potential);
  };
  const double exact = oracle.mean_potential(base.time.end);
  for (double tol : {1e-5, 1e-7, 1e-9}) {
    INFO("tol = " << tol);
    const double a = final_u(tol), b = final_u(tol / 2.0);
    CHECK(std::abs(a - exact) < 20.0 * tol);
    CHECK(std::abs(b - exact) < 20.0 * tol);
    CHECK(std::abs(a - b) < 20.0 * tol);
  }
  // The control is active: a loose tolerance is visibly less accurate than a tight one.
  CHECK(std::abs(final_u(1e-3) - exact) > 100.0 * std::abs(final_u(1e-10) - exact));
}

TEST_CASE("the exit time is found in continuous time on the dense output")
{
  // Constant rate, region mean_calcium >= 1: m_C(t) = c_inf + (c0 - c_inf) exp(-beta t) crosses 1 at
  // tau = ln((c0 - c_inf)/(1 - c_inf))/beta, between the sample times.
  const auto c = make_case(constant_rate_model, spread_initial, 1e-11, "[region]\nmean_calcium = { min = 1.0 }\n");
  const double c_inf = 1.5 / 2.0, c0 = 2.5;
  const double tau = std::log((c0 - c_inf) / (1.0 - c_inf)) / 2.0;
  for (const std::string method : {"naive", "moments", "facilitation"}) {
    INFO(method);
    const auto r = reduce::run_reduction(method, c);
    REQUIRE(r.exit_time.has_value());
    CHECK(std::abs(*r.exit_time - tau) < 1e-8);
    reduce::IntegrateOptions fast;
    fast.sample = false;
    const auto q = reduce::run_reduction(method, c, fast);
    REQUIRE(q.exit_time.has_value());
    CHECK(std::abs(*q.exit_time - tau) < 1e-8);
    CHECK(q.times.empty());
  }
}

TEST_CASE("without reset the facilitation rate model is the naive model; with reset it is not")
{
  const std::string m = R"(phi = { kind = "hill", phi_max = 5.0, theta = 1.0, kappa = 4.0 }
leak_U = { law = "exponential", alpha = 1.0 }
leak_C = { law = "linear", beta = 6.0 }
)";
  const std::string init = R"(U = { law = "dirac", at = 2.0 }
C = { law = "dirac", at = 3.0 })";
  const auto no_reset = make_case(m + "reset = false", init, 1e-10);
  const auto a = reduce::run_reduction("naive", no_reset), b = reduce::run_reduction("facilitation", no_reset);
  REQUIRE(a.times.size() == b.times.size());
  for (std::size_t i = 0; i < a.times.size(); ++i)
    CHECK(a.observables[i][model::ObservableId::mean_potential] ==
          doctest::Approx(b.observables[i][model::ObservableId::mean_potential]).epsilon(1e-12));
  const auto with_reset = make_case(m, init, 1e-10);
  const auto n = reduce::run_reduction("naive", with_reset), f = reduce::run_reduction("facilitation", with_reset);
  CHECK(std::abs(n.observables[20][model::ObservableId::mean_potential] -
                 f.observables[20][model::ObservableId::mean_potential]) > 1e-3);
}

TEST_CASE("an input pulse is integrated piece by piece: the naive model matches the closed-form flow")
{
  // phi = 0: no spikes, m_U follows the flow of dU/dt = I(t) - alpha U (model::flow_through).
  const auto c = make_case(R"(phi = { kind = "constant", lambda = 0.0 }
leak_U = { law = "exponential", alpha = 1.3 }
leak_C = { law = "exponential", beta = 1.0 }
I = { base = 0.2, pulses = [ { start = 0.5, end = 1.37, amplitude = 3.0 } ] })",
                           R"(U = { law = "dirac", at = 1.0 }
C = { law = "dirac", at = 0.0 })",
                           1e-11);
  const auto r = reduce::run_reduction("naive", c);
  for (std::size_t i = 0; i < r.times.size(); ++i)
    CHECK(std::abs(r.observables[i][model::ObservableId::mean_potential] -
                   model::flow_through(c.model.leak_U, 1.0, 0.0, r.times[i], c.model.input)) < 1e-9);
}
