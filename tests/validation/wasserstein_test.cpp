// Wasserstein-1 against closed forms and against an independent numerical integration of |F - G|.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "validation/wasserstein.hpp"

using namespace stf::validation;

namespace {

// The law's CDF evaluated directly (right-continuous), for the independent check.
double law_cdf(const CellLaw& law, double x)
{
  double m = 0.0;
  for (std::size_t k = 0; k < law.cell_mass.size(); ++k) {
    const double a = law.x0 + double(k) * law.dx;
    const double f = std::clamp((x - a) / law.dx, 0.0, 1.0);
    m += law.cell_mass[k] * f;
  }
  for (const auto& at : law.atoms)
    if (at.x <= x) m += at.mass;
  return m / law.total_mass();
}

double brute_force_w1(const std::vector<double>& sample, const CellLaw& law, double lo, double hi, long steps)
{
  std::vector<double> s(sample);
  std::sort(s.begin(), s.end());
  const double h = (hi - lo) / double(steps);
  double w = 0.0;
  for (long k = 0; k < steps; ++k) {
    const double x = lo + (double(k) + 0.5) * h;
    const double f = double(std::upper_bound(s.begin(), s.end(), x) - s.begin()) / double(s.size());
    w += std::abs(f - law_cdf(law, x)) * h;
  }
  return w;
}

}  // namespace

TEST_CASE("W1 of one point against a uniform cell is a quarter of the cell")
{
  CellLaw law;
  law.x0 = 0.0;
  law.dx = 1.0;
  law.cell_mass = {1.0};
  CHECK(wasserstein1({0.5}, law) == doctest::Approx(0.25).epsilon(1e-14));
  // Point at the left edge: integral of (1 - x) over [0, 1].
  CHECK(wasserstein1({0.0}, law) == doctest::Approx(0.5).epsilon(1e-14));
  // Point far to the right: |mean difference| since the CDFs do not cross.
  CHECK(wasserstein1({10.0}, law) == doctest::Approx(9.5).epsilon(1e-14));
}

TEST_CASE("W1 between atoms and points is the transport distance")
{
  CellLaw law;
  law.atoms = {{1.0, 0.5}, {3.0, 0.5}};
  CHECK(wasserstein1({1.0, 3.0}, law) == doctest::Approx(0.0).epsilon(1e-15));
  CHECK(wasserstein1({2.0, 2.0}, law) == doctest::Approx(1.0).epsilon(1e-14));
  // Masses are normalised: doubling them changes nothing.
  law.atoms = {{1.0, 1.0}, {3.0, 1.0}};
  CHECK(wasserstein1({2.0, 2.0}, law) == doctest::Approx(1.0).epsilon(1e-14));
  CHECK_THROWS(wasserstein1(std::vector<double>{}, law));
}

TEST_CASE("W1 matches a fine numerical integration of |F - G| for a mixed law")
{
  std::mt19937_64 gen(12345);
  std::uniform_real_distribution<double> unif(0.0, 1.0);
  CellLaw law;
  law.x0 = 0.5;
  law.dx = 0.25;
  for (int k = 0; k < 12; ++k) law.cell_mass.push_back(unif(gen));
  law.atoms = {{0.0, 0.7}, {1.3, 0.4}, {4.0, 0.2}};
  std::vector<double> sample;
  for (int k = 0; k < 37; ++k) sample.push_back(4.5 * unif(gen));
  const double exact = wasserstein1(sample, law);
  const double brute = brute_force_w1(sample, law, -0.1, 4.6, 2'000'000);
  CHECK(exact == doctest::Approx(brute).epsilon(1e-5));
  CHECK(exact > 0.0);
}

TEST_CASE("W1 of a large uniform sample to the uniform law shrinks like n^(-1/2)")
{
  CellLaw law;
  law.x0 = 0.0;
  law.dx = 0.1;
  law.cell_mass.assign(10, 0.1);
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> unif(0.0, 1.0);
  std::vector<double> sample;
  for (int k = 0; k < 100000; ++k) sample.push_back(unif(gen));
  // E W1 = integral of E|F_n - F| <= integral of sqrt(F (1 - F) / n) = (pi / 8) / sqrt(n).
  CHECK(wasserstein1(sample, law) < 3.0 * (3.14159265 / 8.0) / std::sqrt(1e5));
}

TEST_CASE("W1 between two samples is the shift for translated samples")
{
  const std::vector<double> a{0.1, 0.5, 0.9, 2.0};
  std::vector<double> b;
  for (double v : a) b.push_back(v + 0.3);
  CHECK(wasserstein1(a, b) == doctest::Approx(0.3).epsilon(1e-14));
  CHECK(wasserstein1(a, a) == 0.0);
}
