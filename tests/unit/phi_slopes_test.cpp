// The bounds on phi's slopes that the characteristic scheme's merge rules rely on
// (solver/phi_slopes.hpp), against phi' written out here: for a Hill rate the largest slope, the
// largest logarithmic slope u phi'(u) = phi_max kappa / 4 (at u = theta), and the largest slope on
// [u, infinity), which bounds phi' from above there to within its grid; for a linear rate, gamma
// everywhere.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <string>

#include "model/case_reader.hpp"
#include "solver/phi_slopes.hpp"

using namespace stf;
using namespace stf::solver::characteristic;

namespace {

model::Case case_with_rate(const std::string& phi)
{
  return model::read_case_text(R"(name = "t"
[model]
phi = )" + phi + R"(
leak_U = { law = "exponential", alpha = 1.0 }
leak_C = { law = "linear", beta = 6.0 }
[initial]
U = { law = "dirac", at = 2.0 }
C = { law = "dirac", at = 10.0 }
[region]
rate = { min = 0.5 }
[time]
end = 30.0
)",
                               "t.toml");
}

// phi'(u) of phi_max u^kappa / (theta^kappa + u^kappa).
double hill_slope(double phi_max, double theta, double kappa, double u)
{
  const double x = std::pow(u / theta, kappa);
  return phi_max * kappa * x / (u * (1.0 + x) * (1.0 + x));
}

// The largest phi' on [lo, hi], on a fine logarithmic grid (phi' is smooth and unimodal).
double hill_slope_sup(double phi_max, double theta, double kappa, double lo, double hi)
{
  double sup = 0.0;
  constexpr int points = 200000;
  for (int i = 0; i <= points; ++i)
    sup = std::max(sup, hill_slope(phi_max, theta, kappa, lo * std::pow(hi / lo, double(i) / points)));
  return sup;
}

}  // namespace

TEST_CASE("the slopes of a Hill rate: largest slope, largest logarithmic slope")
{
  const model::Case c = case_with_rate(R"({ kind = "hill", phi_max = 5.0, theta = 1.0, kappa = 4.0 })");
  CHECK(phi_search_scale(c) == 2.0);  // the initial potential, above theta = 1 and u_reset = 0
  const double exact = hill_slope_sup(5.0, 1.0, 4.0, 1e-3, 8.0);
  const double slope = largest_phi_slope(c);
  // Differences on a grid: at most the largest derivative, and close to it.
  CHECK(slope <= exact * (1.0 + 1e-12));
  CHECK(slope >= exact * (1.0 - 1e-4));
  // u phi'(u) = phi_max kappa x / (1 + x)^2 with x = (u / theta)^kappa: largest at x = 1.
  const double log_slope = largest_phi_log_slope(c);
  CHECK(log_slope <= 5.0 * 4.0 / 4.0 * (1.0 + 1e-12));
  CHECK(log_slope >= 5.0 * (1.0 - 1e-4));
}

TEST_CASE("the largest slope of a Hill rate above u bounds phi' there")
{
  const model::Case c = case_with_rate(R"({ kind = "hill", phi_max = 5.0, theta = 1.0, kappa = 4.0 })");
  const PhiSlopeAbove above(c);
  double previous = std::numeric_limits<double>::infinity();
  for (const double u : {0.0, 1e-3, 0.5, 0.9, 1.0, 1.2, 2.0, 5.0, 50.0, 1e3}) {
    CAPTURE(u);
    const double bound = above(u);
    const double exact = hill_slope_sup(5.0, 1.0, 4.0, std::max(u, 1e-6), 1e7);
    // The bound is the secant slope of the grid cell that holds u (and the suffix maximum above):
    // where phi' decreases like u^-(kappa + 1), the cell's secant is below phi'(u) by up to
    // (kappa + 1) times the cells' relative width, log(1e12) / 8192 = 0.34 %: 1.7 %.
    CHECK(bound >= exact * (1.0 - 0.02));
    CHECK(bound <= previous);  // a supremum over [u, infinity) does not grow with u
    previous = bound;
  }
  // Beyond the steepest point phi' decreases, and the bound follows it down (within a grid cell).
  CHECK(above(5.0) <= hill_slope(5.0, 1.0, 4.0, 5.0) * 1.01);
  CHECK(above(5.0) < 0.05 * above(0.0));
}

TEST_CASE("a linear rate has slope gamma everywhere")
{
  const model::Case c = case_with_rate(R"({ kind = "linear", lambda0 = 0.5, gamma = 3.0 })");
  CHECK(largest_phi_slope(c) == doctest::Approx(3.0).epsilon(1e-12));
  const PhiSlopeAbove above(c);
  // (Differences of phi = 0.5 + 3 u over cells 7e-9 wide near the grid's bottom: rounding of 1e-8.)
  for (const double u : {0.0, 0.1, 2.0, 1e4}) CHECK(above(u) == doctest::Approx(3.0).epsilon(1e-7));
}

TEST_CASE("largest_change_under_flow: no shift and scaling of a cell changes a concave Hill rate across it more")
{
  // Against a brute-force search over the flow's maps u -> s u + G (s on a fine logarithmic grid,
  // G >= 0 a few values): the closed form is never exceeded, and the search comes within 1e-6 of it.
  for (const double kappa : {1.0, 0.5, 0.2}) {
    model::RateFunction phi;
    phi.kind = model::RateKind::hill;
    phi.lambda0 = 0.1;
    phi.phi_max = 5.0;
    phi.theta = 1.3;
    phi.kappa = kappa;
    for (const auto& [lo, hi] : {std::pair{0.0, 0.01}, std::pair{0.0, 3.0}, std::pair{0.2, 0.3},
                                 std::pair{2.0, 2.5}, std::pair{40.0, 90.0}, std::pair{1e-4, 20.0}}) {
      const double bound = largest_change_under_flow(phi, lo, hi);
      double largest = 0.0;
      for (int i = 0; i <= 200000; ++i) {
        const double s = std::exp(-20.0 * double(i) / 200000.0);
        for (const double G : {0.0, 1e-3, 0.1, 1.0}) {
          const double change = phi(s * hi + G) - phi(s * lo + G);
          CAPTURE(kappa);
          CAPTURE(lo);
          CAPTURE(s);
          if (!(change <= bound * (1.0 + 1e-12))) CHECK(change <= bound);
          largest = std::max(largest, change);
        }
      }
      CHECK(largest == doctest::Approx(bound).epsilon(1e-6));
    }
  }
}
