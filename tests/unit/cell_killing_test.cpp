// The spiking of one cell of the characteristic scheme (solver/cell_killing.hpp): the integrals of
// phi rho and u phi rho for the linear density rho of the cell's mass and moment, against their
// closed forms where phi rho is a cubic on each piece between phi's corners (threshold-linear,
// with and without corners in the cell; a quadratic power rate).
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <initializer_list>
#include <vector>

#include "solver/cell_killing.hpp"

using namespace stf;

namespace {

model::RateFunction threshold_linear(double lambda0, double gamma, double theta, double cap)
{
  model::RateFunction phi;
  phi.kind = model::RateKind::threshold_linear;
  phi.lambda0 = lambda0;
  phi.gamma = gamma;
  phi.theta = theta;
  phi.phi_max = cap;
  return phi;
}

/// The linear density on [a, b] with mass M and moment P (written out here, not taken from the code).
std::function<double(double)> linear_density(double a, double b, double M, double P)
{
  const double w = b - a, m = 0.5 * (a + b), d = P / M - m;
  return [=](double u) { return M / w * (1.0 + 12.0 * d * (u - m) / (w * w)); };
}

/// Integral of f over [a, b], exact for polynomials of degree 3 on each piece between `breaks`
/// (Simpson's rule on each piece).
double piecewise_simpson(const std::function<double(double)>& f, double a, double b, std::initializer_list<double> breaks)
{
  double total = 0.0, lo = a;
  std::vector<double> ends;
  for (double x : breaks)
    if (x > a && x < b) ends.push_back(x);
  ends.push_back(b);
  for (double hi : ends) {
    total += (hi - lo) / 6.0 * (f(lo) + 4.0 * f(0.5 * (lo + hi)) + f(hi));
    lo = hi;
  }
  return total;
}

}  // namespace

TEST_CASE("cell_spiking: exact for a threshold-linear rate whatever corners the cell holds")
{
  // phi = 0.2 + 2 (u - 1)^+ capped at 5: corners at theta = 1 and at 3.4.
  const model::RateFunction phi = threshold_linear(0.2, 2.0, 1.0, 5.0);
  struct Cell {
    double a, b, M, P;
  };
  // No corner, one (each), both; tilted both ways; a triangle (d = w / 6).
  const Cell cells[] = {{0.1, 0.8, 0.3, 0.3 * 0.5},    {1.2, 3.0, 0.5, 0.5 * 2.0},  {0.6, 1.7, 0.4, 0.4 * 1.3},
                        {2.9, 4.1, 0.2, 0.2 * 3.4},    {0.5, 4.5, 1.0, 1.0 * 2.2},  {0.5, 4.5, 1.0, 1.0 * 3.1},
                        {0.9, 1.3, 0.7, 0.7 * (1.1 + 0.4 / 6.0)}};
  for (const Cell& c : cells) {
    CAPTURE(c.a);
    CAPTURE(c.b);
    const auto rho = linear_density(c.a, c.b, c.M, c.P);
    const double rate = piecewise_simpson([&](double u) { return phi(u) * rho(u); }, c.a, c.b, {1.0, 3.4});
    const double moment = piecewise_simpson([&](double u) { return u * phi(u) * rho(u); }, c.a, c.b, {1.0, 3.4});
    const solver::CellSpiking s = solver::cell_spiking(phi, c.a, c.b, c.M, c.P);
    CHECK(s.rate == doctest::Approx(rate).epsilon(1e-13));
    CHECK(s.moment == doctest::Approx(moment).epsilon(1e-13));
  }
}

namespace {

/// phi = 0.3 + 1.5 u^2.
model::RateFunction quadratic_rate()
{
  model::RateFunction phi;
  phi.kind = model::RateKind::power;
  phi.lambda0 = 0.3;
  phi.gamma = 1.5;
  phi.kappa = 2.0;
  return phi;
}

}  // namespace

TEST_CASE("cell_spiking: exact for a quadratic rate, and a cell of one potential spikes at phi there")
{
  // phi = 0.3 + 1.5 u^2: phi rho is a cubic, which the two-point Gauss-Legendre rule integrates exactly.
  const model::RateFunction phi = quadratic_rate();
  for (const double tilt : {-1.0 / 6.0, 0.0, 0.1}) {
    const double a = 0.7, b = 2.3, M = 0.6, P = M * (0.5 * (a + b) + tilt * (b - a));
    CAPTURE(tilt);
    const auto rho = linear_density(a, b, M, P);
    const double rate = piecewise_simpson([&](double u) { return phi(u) * rho(u); }, a, b, {});
    CHECK(solver::cell_spiking(phi, a, b, M, P).rate == doctest::Approx(rate).epsilon(1e-13));
  }
  const solver::CellSpiking point = solver::cell_spiking(phi, 1.3, 1.3, 0.25, 0.25 * 1.3);
  CHECK(point.rate == doctest::Approx(0.25 * phi(1.3)).epsilon(1e-15));
  CHECK(point.moment == doctest::Approx(1.3 * 0.25 * phi(1.3)).epsilon(1e-15));
}

TEST_CASE("cell_spiking: a cell's carried second moment corrects its rate, exactly for a quadratic rate")
{
  // A union of two cells holds what they held, not its linear density: here mass 0.6 uniform on
  // [1.1, 1.5] inside the cell [0.7, 2.3] (mean 1.3, integral of u^2 S = 0.6 (1.3^2 + 0.4^2 / 12)).
  // With phi = 0.3 + 1.5 u^2 its rate is 0.6 (0.3 + 1.5 S / 0.6) exactly; the linear density of the
  // cell's mass and mean (tilted, d = -0.2) has a wider spread.
  const model::RateFunction phi = quadratic_rate();
  const double a = 0.7, b = 2.3, M = 0.6, mean = 1.3, S = M * (mean * mean + 0.4 * 0.4 / 12.0);
  const double w = b - a, m = 0.5 * (a + b), d = mean - m;
  const double S_density = M * (m * m + 2.0 * m * d + w * w / 12.0);
  const solver::CellSpiking without = solver::cell_spiking(phi, a, b, M, M * mean);
  CHECK(without.rate == doctest::Approx(0.3 * M + 1.5 * S_density).epsilon(1e-13));
  const solver::CellSpiking with = solver::cell_spiking(phi, a, b, M, M * mean, S);
  CHECK(with.rate == doctest::Approx(0.3 * M + 1.5 * S).epsilon(1e-13));
  // u phi and u^2 phi are cubic and quartic: the correction is exact to second order in u - m only.
  // Their errors fall from 0.62 to 0.024 and from 1.87 to 0.11.
  auto content_integral = [&](int power) {  // integral of u^power phi over the content
    auto F = [&](double u) {
      return 0.3 * std::pow(u, power + 1) / (power + 1) + 1.5 * std::pow(u, power + 3) / (power + 3);
    };
    return M / 0.4 * (F(1.5) - F(1.1));
  };
  CHECK(std::fabs(with.moment - content_integral(1)) < 0.1 * std::fabs(without.moment - content_integral(1)));
  CHECK(std::fabs(with.second - content_integral(2)) < 0.1 * std::fabs(without.second - content_integral(2)));
  // A cell that is its linear density is not changed by its own second moment.
  const solver::CellSpiking own = solver::cell_spiking(phi, a, b, M, M * mean, S_density);
  CHECK(own.rate == doctest::Approx(without.rate).epsilon(1e-14));
  CHECK(own.moment == doctest::Approx(without.moment).epsilon(1e-14));
}

TEST_CASE("cell_spiking: moments that no mass on the cell can have are held to the nearest that can")
{
  // A light cell that spiked for long (cases/leaks_exponential_exponential.toml with kappa = 2): on
  // [7.34, 7.78] with mass 1.9e-8, mean 4.74 and variance 21. Corrected with those moments, it spiked
  // faster than phi(b) allows, its mass turned negative and the run stopped on the total mass. Held
  // to mass on the cell, the mean is at a and the variance 0: it spikes as a point at a.
  model::RateFunction phi;
  phi.kind = model::RateKind::hill;
  phi.phi_max = 5.0;
  phi.theta = 1.0;
  phi.kappa = 2.0;
  const double a = 7.34, b = 7.78, M = 1.9e-8, P = M * 4.74, S = M * (21.0 + 4.74 * 4.74);
  const solver::CellSpiking s = solver::cell_spiking(phi, a, b, M, P, S);
  CHECK(s.rate >= M * phi(a));
  CHECK(s.rate <= M * phi(b));
  // To the third-order term of phi about the cell's middle, (w / 2)^3 |phi'''| / 6 = 1.7e-6 of phi(a)
  // here (a relative bound: doctest's Approx would compare these 1e-7 sizes to 1 in absolute terms).
  CHECK(std::fabs(s.rate - M * phi(a)) < 1e-5 * M * phi(a));
  // A second moment beyond what mass on [a, b] with its mean can hold is taken at that bound: the
  // rate stays within phi's range on the cell.
  const double mean = 7.5;
  const solver::CellSpiking wide = solver::cell_spiking(phi, a, b, M, M * mean, M * (mean * mean + 100.0));
  CHECK(wide.rate >= M * phi(a));
  CHECK(wide.rate <= M * phi(b));
}

TEST_CASE("cell_spiking: a mean beyond what the linear density can hold is corrected too, continuously")
{
  // Mass 0.6 uniform on [0.7, 1.5] in the cell [0.7, 2.3]: mean 1.1, below m - w / 6 = 1.233, where
  // the density is the triangle of mean 1.233. With phi = 0.3 + 1.5 u^2 the rate is 0.3 M + 1.5 S
  // exactly, and the correction by the mean's and the second moment's differences gives it.
  const model::RateFunction phi = quadratic_rate();
  const double a = 0.7, b = 2.3, M = 0.6, mean = 1.1, S = M * (mean * mean + 0.8 * 0.8 / 12.0);
  const solver::CellSpiking plain = solver::cell_spiking(phi, a, b, M, M * mean);
  const solver::CellSpiking held = solver::cell_spiking(phi, a, b, M, M * mean, S);
  CHECK(std::fabs(plain.rate - (0.3 * M + 1.5 * S)) > 1e-2 * plain.rate);
  CHECK(held.rate == doctest::Approx(0.3 * M + 1.5 * S).epsilon(1e-13));
  // The killing moves a cell's mean across m - w / 6 (cases/memory.toml with kappa = 2: 0.43 of the
  // mass on [0, 0.02] at the quiet state, narrower than its density). The rate must not jump there:
  // it jumped by 18 % when the correction held only inside.
  model::RateFunction hill;
  hill.kind = model::RateKind::hill;
  hill.phi_max = 5.0;
  hill.theta = 1.0;
  hill.kappa = 2.0;
  const double lo = 0.0, hi = 0.02, mass = 0.43, S_cell = 3.53e-5 / 0.4291 * mass, edge = (0.5 - 1.0 / 6.0) * hi;
  const double inside = solver::cell_spiking(hill, lo, hi, mass, mass * edge * (1.0 + 1e-9), S_cell).rate;
  const double outside = solver::cell_spiking(hill, lo, hi, mass, mass * edge * (1.0 - 1e-9), S_cell).rate;
  CHECK(std::fabs(inside - outside) < 1e-7 * inside);
  CHECK(std::fabs(inside - solver::cell_spiking(hill, lo, hi, mass, mass * edge * (1.0 + 1e-9)).rate) > 0.05 * inside);
}

TEST_CASE("cell_spiking: exact for a power rate with a fractional exponent on cells near u = 0")
{
  // phi = 0.3 + 1.5 u^kappa; the integrals written out with the substitution u = a + w y^2, which
  // makes the integrand smooth at u = 0 (where a = 0), by composite Simpson on 4000 pieces.
  for (const double kappa : {0.5, 0.25, 1.5, 2.5}) {
    model::RateFunction phi;
    phi.kind = model::RateKind::power;
    phi.lambda0 = 0.3;
    phi.gamma = 1.5;
    phi.kappa = kappa;
    for (const auto& [a, b] : {std::pair{0.0, 0.01}, std::pair{0.0, 2.0}, std::pair{0.05, 0.2}, std::pair{1.0, 1.5}}) {
      const double M = 0.7, P = M * (0.5 * (a + b) + 0.1 * (b - a));  // a tilted density
      const auto rho = linear_density(a, b, M, P);
      auto integral = [&](int power) {
        const int n = 4000;
        const double w = b - a;
        double sum = 0.0;
        for (int i = 0; i <= n; ++i) {
          const double y = double(i) / n, u = a + w * y * y;
          const double f = std::pow(u, power) * phi(u) * rho(u) * 2.0 * w * y;
          sum += f * (i == 0 || i == n ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0));
        }
        return sum / (3.0 * n);
      };
      const auto s = solver::cell_spiking(phi, a, b, M, P);
      CAPTURE(kappa);
      CAPTURE(a);
      CAPTURE(b);
      CHECK(s.rate == doctest::Approx(integral(0)).epsilon(1e-11));
      CHECK(s.moment == doctest::Approx(integral(1)).epsilon(1e-11));
      CHECK(s.second == doctest::Approx(integral(2)).epsilon(1e-11));
    }
  }
}

TEST_CASE("cell_spiking: a Hill rate with kappa < 1 on cells near u = 0 errs like a smooth rate, not by a fixed fraction")
{
  // phi = 0.2 + 5 x / (1 + x), x = (u / 0.8)^kappa: infinite slope at 0. The reference integrals
  // with the substitution u = w y^(1/kappa'), kappa' = kappa / 4 (smooth at 0), composite Simpson.
  for (const double kappa : {0.5, 0.3, 0.75}) {
    model::RateFunction phi;
    phi.kind = model::RateKind::hill;
    phi.lambda0 = 0.2;
    phi.phi_max = 5.0;
    phi.theta = 0.8;
    phi.kappa = kappa;
    double previous_error = 0.0;
    for (const double w : {0.4, 0.2, 0.1, 0.05, 0.025}) {
      const double a = 0.0, b = w, M = 0.7, P = M * (0.5 * w + 0.1 * w);  // a tilted density on [0, w]
      const auto rho = linear_density(a, b, M, P);
      const double q = 4.0 / kappa;  // u = w y^q
      auto integral = [&](int power) {
        const int n = 20000;
        double sum = 0.0;
        for (int i = 0; i <= n; ++i) {
          const double y = double(i) / n, u = w * std::pow(y, q);
          const double f = i == 0 ? 0.0 : std::pow(u, power) * phi(u) * rho(u) * w * q * std::pow(y, q - 1.0);
          sum += f * (i == 0 || i == n ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0));
        }
        return sum / (3.0 * n);
      };
      const auto s = solver::cell_spiking(phi, a, b, M, P);
      CAPTURE(kappa);
      CAPTURE(w);
      double error = 0.0;
      for (const auto& [value, power] : {std::pair{s.rate, 0}, std::pair{s.moment, 1}, std::pair{s.second, 2}}) {
        const double exact = integral(power);
        error = std::max(error, std::fabs(value - exact) / exact);
      }
      // The remainder of the series is O(u^4) at 0: the relative error falls 11 to 15 times when the
      // cell halves (order 3.5 to 3.9), from 0.9 % on [0, 0.4] to below 1e-5 on [0, 0.05]. The Gauss
      // rule on the whole cell erred by 0.25 to 0.66 % at every width here, never falling 1.2 times.
      if (w <= 0.05) CHECK(error < 1e-5);
      if (previous_error > 1e-13) CHECK(error < previous_error / 8.0);
      previous_error = error;
    }
  }
}
