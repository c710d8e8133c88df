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

TEST_CASE("cell_spiking: exact for a quadratic rate, and a cell of one potential spikes at phi there")
{
  // phi = 0.3 + 1.5 u^2: phi rho is a cubic, which the two-point Gauss-Legendre rule integrates exactly.
  model::RateFunction phi;
  phi.kind = model::RateKind::power;
  phi.lambda0 = 0.3;
  phi.gamma = 1.5;
  phi.kappa = 2.0;
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
