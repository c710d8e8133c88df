// The slope limiters of the MUSCL reconstruction (solver/limiters.hpp, docs/numerical-method.md §3):
// on uniform cells each deviation is half the classical limited slope phi(r) dl of the ratio
// r = dr / dl (Sweby's form), every limiter is symmetric and odd, stays in the TVD region, vanishes
// at extrema, and on stretched cells reproduces a linear density exactly.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include "mesh/grid.hpp"
#include "solver/limiters.hpp"

using namespace stf;
using solver::CellGeometry;

namespace {

// The classical limiter functions phi(r) (Sweby 1984; LeVeque, Finite Volume Methods, §6.11),
// written independently of the code under test.
double phi_minmod(double r) { return std::max(0.0, std::min(1.0, r)); }
double phi_van_leer(double r) { return (r + std::fabs(r)) / (1.0 + std::fabs(r)); }
double phi_mc(double r) { return std::max(0.0, std::min({2.0 * r, 0.5 * (1.0 + r), 2.0})); }

template <class L>
double uniform_deviation(double dl, double dr)
{
  return L::deviation(dl, dr, CellGeometry{});
}

template <class L>
void check_against_classical(double (*phi)(double))
{
  for (double dl : {1.0, -1.0, 0.37, -2.5})
    for (double r : {-3.0, -1.0, -0.2, 0.0, 0.1, 0.25, 0.5, 0.8, 1.0, 1.5, 2.0, 3.0, 10.0, 1e3}) {
      CAPTURE(dl);
      CAPTURE(r);
      // Relative (deviations go down to 1e-2); exactly 0 where phi(r) = 0.
      const double expected = 0.5 * phi(r) * dl;
      CHECK(std::fabs(uniform_deviation<L>(dl, r * dl) - expected) <= 1e-14 * std::fabs(expected));
    }
}

template <class L>
void check_symmetry_and_bounds()
{
  std::mt19937_64 gen(20240611);
  std::uniform_real_distribution<double> d(-3.0, 3.0);
  for (int k = 0; k < 2000; ++k) {
    const double dl = d(gen), dr = d(gen);
    CAPTURE(dl);
    CAPTURE(dr);
    const double dev = uniform_deviation<L>(dl, dr);
    // Symmetric in the two differences (phi(r) / r = phi(1 / r)) and odd.
    CHECK(dev == uniform_deviation<L>(dr, dl));
    CHECK(uniform_deviation<L>(-dl, -dr) == -dev);
    if (dl * dr <= 0.0) {
      CHECK(dev == 0.0);
      continue;
    }
    // TVD region (Sweby): 0 <= phi(r) <= min(2 r, 2), i.e. the deviation has the sign of the
    // differences and is at most min(|dl|, |dr|): both face values lie between the neighbours.
    CHECK(dev * dl > 0.0);
    CHECK(std::fabs(dev) <= std::min(std::fabs(dl), std::fabs(dr)));
  }
}

template <class L>
void check_extrema()
{
  for (double a : {1.0, -1.0, 1e-300, 5.0}) {
    CHECK(uniform_deviation<L>(a, -a) == 0.0);
    CHECK(uniform_deviation<L>(a, -2.0 * a) == 0.0);
    CHECK(uniform_deviation<L>(a, 0.0) == 0.0);
    CHECK(uniform_deviation<L>(0.0, a) == 0.0);
    const CellGeometry stretched{0.3, 0.7, 0.2};
    CHECK(L::deviation(a, -0.5 * a, stretched) == 0.0);
    CHECK(L::deviation(0.0, a, stretched) == 0.0);
  }
}

/// The geometry of docs/numerical-method.md §3 for column i of `g` (1 <= i <= cells_u - 2).
CellGeometry geometry_of(const mesh::Grid& g, long i)
{
  const double h = g.du(i), xm = g.u_center(i - 1), x = g.u_center(i), xp = g.u_center(i + 1);
  return {h / (2.0 * (x - xm)), h / (2.0 * (xp - x)), h / (2.0 * (xp - xm))};
}

/// A linear density rho(u) = s0 + s1 u has cell means rho(centre) on any cells: the limited
/// deviation must be the exact half-width increment s1 h_i / 2 (second order on stretched cells).
template <class L>
void check_linear_exact_on_stretched_cells()
{
  const mesh::Grid g(10.0, 16, 4, 8, 30.0);
  for (double slope : {0.7, -1.3})
    for (long i = 1; i + 1 < g.cells_u(); ++i) {
      CAPTURE(i);
      CAPTURE(slope);
      auto rho = [&](long k) { return 2.0 + slope * g.u_center(k); };
      const double dev = L::deviation(rho(i) - rho(i - 1), rho(i + 1) - rho(i), geometry_of(g, i));
      CHECK(dev == doctest::Approx(0.5 * slope * g.du(i)).epsilon(1e-12).scale(0.0));
    }
}

}  // namespace

TEST_CASE("limiters: uniform-cell deviations are half the classical limited slopes")
{
  check_against_classical<solver::Minmod>(phi_minmod);
  check_against_classical<solver::VanLeer>(phi_van_leer);
  check_against_classical<solver::MonotonizedCentral>(phi_mc);
  // A few by hand: dl = 1, dr = 3.
  CHECK(uniform_deviation<solver::Minmod>(1.0, 3.0) == 0.5);
  CHECK(uniform_deviation<solver::VanLeer>(1.0, 3.0) == doctest::Approx(0.75).epsilon(1e-15));
  CHECK(uniform_deviation<solver::MonotonizedCentral>(1.0, 3.0) == 1.0);
  // Smooth data (r = 1): every limiter gives the central slope, dl / 2.
  CHECK(uniform_deviation<solver::Minmod>(0.4, 0.4) == 0.2);
  CHECK(uniform_deviation<solver::VanLeer>(0.4, 0.4) == doctest::Approx(0.2).epsilon(1e-15));
  CHECK(uniform_deviation<solver::MonotonizedCentral>(0.4, 0.4) == 0.2);
}

TEST_CASE("limiters: symmetric, odd, inside the TVD region")
{
  check_symmetry_and_bounds<solver::Minmod>();
  check_symmetry_and_bounds<solver::VanLeer>();
  check_symmetry_and_bounds<solver::MonotonizedCentral>();
}

TEST_CASE("limiters: zero at an extremum or a flat side")
{
  check_extrema<solver::Minmod>();
  check_extrema<solver::VanLeer>();
  check_extrema<solver::MonotonizedCentral>();
}

TEST_CASE("limiters: face values stay between the neighbours on stretched cells too")
{
  // docs/numerical-method.md §3: the caps |dl|, |dr| keep every face value between the neighbouring
  // values, even where the geometry factors exceed 1/2.
  const mesh::Grid g(10.0, 12, 4, 8, 50.0);
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> d(0.0, 1.0);
  for (long i = 1; i + 1 < g.cells_u(); ++i) {
    const CellGeometry geo = geometry_of(g, i);
    for (int k = 0; k < 300; ++k) {
      const double a = d(gen), b = d(gen), c = d(gen);
      const double dl = b - a, dr = c - b;
      for (double dev : {solver::Minmod::deviation(dl, dr, geo), solver::VanLeer::deviation(dl, dr, geo),
                         solver::MonotonizedCentral::deviation(dl, dr, geo)}) {
        // b + dev between b and c, b - dev between a and b (exactly, in the deviation's terms:
        // the sums round).
        CHECK(dev * dl >= 0.0);
        CHECK(dev * dr >= 0.0);
        CHECK(std::fabs(dev) <= std::min(std::fabs(dl), std::fabs(dr)));
      }
    }
  }
}

TEST_CASE("limiters: a linear density is reconstructed exactly on stretched cells")
{
  check_linear_exact_on_stretched_cells<solver::Minmod>();
  check_linear_exact_on_stretched_cells<solver::VanLeer>();
  check_linear_exact_on_stretched_cells<solver::MonotonizedCentral>();
}

TEST_CASE("limiters: chosen by name; an unknown name lists the valid ones")
{
  CHECK(solver::limiter_from_name("minmod") == solver::Limiter::minmod);
  CHECK(solver::limiter_from_name("van_leer") == solver::Limiter::van_leer);
  CHECK(solver::limiter_from_name("mc") == solver::Limiter::mc);
  try {
    solver::limiter_from_name("superbee");
    FAIL("no exception");
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    CHECK(what.find("superbee") != std::string::npos);
    for (const auto& name : solver::limiter_names()) CHECK(what.find(name) != std::string::npos);
  }
}
