// Rate families of MODEL.md §1: values at known points, monotonicity, bounds, name registry.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

#include "model/rate_function.hpp"

using namespace stf::model;

namespace {
RateFunction make(RateKind kind)
{
  RateFunction f;
  f.kind = kind;
  f.lambda0 = 0.25;
  f.gamma = 1.5;
  f.kappa = 3.0;
  f.theta = 1.2;
  f.s = 0.4;
  f.phi_max = 5.0;
  return f;
}
}  // namespace

TEST_CASE("rate families take their closed-form values")
{
  RateFunction f = make(RateKind::constant);
  CHECK(f(0.0) == 0.25);
  CHECK(f(7.0) == 0.25);

  f = make(RateKind::linear);
  CHECK(f(2.0) == doctest::Approx(0.25 + 1.5 * 2.0));

  f = make(RateKind::power);
  CHECK(f(2.0) == doctest::Approx(0.25 + 1.5 * 8.0));

  f = make(RateKind::hill);
  // lambda0 + phi_max u^k / (theta^k + u^k)
  CHECK(f(2.0) == doctest::Approx(0.25 + 5.0 * 8.0 / (std::pow(1.2, 3.0) + 8.0)).epsilon(1e-14));
  CHECK(f(1.2) == doctest::Approx(0.25 + 2.5).epsilon(1e-14));
  CHECK(f(0.0) == 0.25);

  f = make(RateKind::sigmoid);
  CHECK(f(1.2) == doctest::Approx(2.5).epsilon(1e-14));
  CHECK(f(0.0) == doctest::Approx(5.0 / (1.0 + std::exp(1.2 / 0.4))).epsilon(1e-14));

  f = make(RateKind::threshold_linear);
  CHECK(f(1.0) == 0.25);
  CHECK(f(2.0) == doctest::Approx(0.25 + 1.5 * 0.8));
  CHECK(f(100.0) == 5.0);  // capped
}

TEST_CASE("memory-case hill rate: phi(2) = 5 * 16 / 17")
{
  RateFunction f;
  f.kind = RateKind::hill;
  f.phi_max = 5.0;
  f.theta = 1.0;
  f.kappa = 4.0;
  CHECK(f(2.0) == doctest::Approx(80.0 / 17.0).epsilon(1e-15));
  CHECK(f.sup() == 5.0);
  CHECK(f.is_bounded());
}

TEST_CASE("every family is nondecreasing and bounded by its sup")
{
  for (std::size_t k = 0; k < rate_kind_names().size(); ++k) {
    const RateFunction f = make(static_cast<RateKind>(k));
    CAPTURE(rate_kind_names()[k]);
    double previous = f(0.0);
    CHECK(previous >= 0.0);
    for (int i = 1; i <= 2000; ++i) {
      const double u = 0.01 * i;
      const double v = f(u);
      CHECK(v >= previous);
      CHECK(v <= f.sup());
      CHECK(f.sup_on(u) == v);
      previous = v;
    }
  }
  CHECK_FALSE(make(RateKind::linear).is_bounded());
  CHECK(make(RateKind::threshold_linear).sup() == 5.0);
}

TEST_CASE("rate kinds are chosen by name; an unknown name lists the valid ones")
{
  CHECK(rate_kind_from_name("hill") == RateKind::hill);
  CHECK(to_string(RateKind::threshold_linear) == "threshold_linear");
  try {
    (void)rate_kind_from_name("hil");
    FAIL("expected an exception");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("sigmoid") != std::string::npos);
  }
}
