// Observables of MODEL.md §2 from weighted points.
#include <doctest/doctest.h>

#include <stdexcept>

#include "model/observables.hpp"

using namespace stf::model;

TEST_CASE("accumulator: rate, drive, means and variances of a two-point measure")
{
  ObservableAccumulator acc(0.5, 2.0);  // w0, w1
  acc.add(0.25, 1.0, 3.0, 4.0);         // weight, u, c, phi(u)
  acc.add(0.75, 3.0, 1.0, 2.0);
  const Observables o = acc.finish();
  CHECK(o.mass() == doctest::Approx(1.0));
  CHECK(o.rate() == doctest::Approx(0.25 * 4.0 + 0.75 * 2.0));
  CHECK(o.drive() == doctest::Approx(0.25 * 4.0 * (0.5 + 6.0) + 0.75 * 2.0 * (0.5 + 2.0)));
  CHECK(o.mean_potential() == doctest::Approx(2.5));
  CHECK(o.mean_calcium() == doctest::Approx(1.5));
  CHECK(o[ObservableId::var_potential] == doctest::Approx(0.25 * 2.25 + 0.75 * 0.25));
  CHECK(o[ObservableId::var_calcium] == doctest::Approx(0.25 * 2.25 + 0.75 * 0.25));
}

TEST_CASE("normalised empirical measure and merging")
{
  ObservableAccumulator a(0.0, 1.0), b(0.0, 1.0);
  a.add(1.0, 1.0, 2.0, 1.0);
  b.add(1.0, 3.0, 4.0, 3.0);
  a.merge(b);
  const Observables o = a.finish(true);
  CHECK(o.mass() == 1.0);
  CHECK(o.rate() == doctest::Approx(2.0));
  CHECK(o.drive() == doctest::Approx((2.0 + 12.0) / 2.0));
  CHECK(o.mean_potential() == doctest::Approx(2.0));
  CHECK(o[ObservableId::var_potential] == doctest::Approx(1.0));
}

TEST_CASE("observable names")
{
  CHECK(observable_names()[0] == "rate");
  CHECK(observable_from_name("mean_calcium") == ObservableId::mean_calcium);
  CHECK_THROWS_AS(observable_from_name("rates"), std::invalid_argument);
}
