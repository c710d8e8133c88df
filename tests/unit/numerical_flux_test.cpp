// The upwind MUSCL face fluxes (solver/numerical_flux.hpp, docs/numerical-method.md §3): they take
// the upwind side only, are consistent (flux(u, u) = v u), mirror-symmetric, exact on linear data,
// and a forward-Euler step of the face-by-face update conserves mass and is TVD under the CFL bound.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "mesh/grid.hpp"
#include "solver/numerical_flux.hpp"

using namespace stf;
using solver::CellGeometry;
using solver::Minmod;
using solver::MonotonizedCentral;
using solver::VanLeer;

namespace {

template <class L>
void check_upwind_side()
{
  const double inv_h = 4.0;
  // Flow to the right: the cell right of the right neighbour is not read.
  const double right = solver::muscl_flux<L>(1.5, 0.2, 0.5, 0.9, 0.1, inv_h);
  CHECK(solver::muscl_flux<L>(1.5, 0.2, 0.5, 0.9, 7.0, inv_h) == right);
  CHECK(right > 0.0);
  // Flow to the left: the cell left of the left neighbour is not read.
  const double left = solver::muscl_flux<L>(-1.5, 0.2, 0.5, 0.9, 0.1, inv_h);
  CHECK(solver::muscl_flux<L>(-1.5, 7.0, 0.5, 0.9, 0.1, inv_h) == left);
  CHECK(left < 0.0);
  // At an extremum of the upwind cell the face value is that cell's own value (first order).
  CHECK(solver::muscl_flux<L>(2.0, 0.1, 0.9, 0.3, 0.0, inv_h) == doctest::Approx(2.0 * inv_h * 0.9).epsilon(1e-15));
  CHECK(solver::muscl_flux<L>(-2.0, 0.0, 0.3, 0.9, 0.1, inv_h) == doctest::Approx(-2.0 * inv_h * 0.9).epsilon(1e-15));
  // Same for the density form.
  const CellGeometry g{};
  CHECK(solver::muscl_flux_density<L>(1.0, 0.2, 0.5, 0.9, 0.1, g, g) ==
        solver::muscl_flux_density<L>(1.0, 0.2, 0.5, 0.9, 9.0, g, g));
  CHECK(solver::muscl_flux_density<L>(-1.0, 0.2, 0.5, 0.9, 0.1, g, g) ==
        solver::muscl_flux_density<L>(-1.0, 9.0, 0.5, 0.9, 0.1, g, g));
}

template <class L>
void check_consistency()
{
  const CellGeometry g{0.3, 0.7, 0.2};
  for (double v : {-2.5, -0.1, 0.0, 0.4, 3.0})
    for (double q : {0.0, 0.25, 1.7}) {
      CAPTURE(v);
      CAPTURE(q);
      // A constant state: the face carries v times the density, h = 1/4.
      // Relative (fluxes go down to 0.025); exactly 0 for v = 0 or q = 0.
      CHECK(std::fabs(solver::muscl_flux<L>(v, q, q, q, q, 4.0) - v * 4.0 * q) <= 1e-15 * std::fabs(v * 4.0 * q));
      CHECK(std::fabs(solver::muscl_flux_density<L>(v, q, q, q, q, g, g) - v * q) <= 1e-15 * std::fabs(v * q));
    }
  CHECK(solver::muscl_flux<L>(0.0, 0.1, 0.5, 0.9, 0.2, 1.0) == 0.0);
}

/// Reflecting the stencil and the velocity reverses the flux: the scheme has no preferred side.
template <class L>
void check_mirror_symmetry()
{
  std::mt19937_64 gen(11);
  std::uniform_real_distribution<double> d(0.0, 1.0), v(-2.0, 2.0);
  const CellGeometry gl{0.45, 0.6, 0.26}, gr{0.55, 0.4, 0.24};
  const CellGeometry gl_mirror{gl.r, gl.l, gl.c}, gr_mirror{gr.r, gr.l, gr.c};
  for (int k = 0; k < 500; ++k) {
    const double a = v(gen), q0 = d(gen), q1 = d(gen), q2 = d(gen), q3 = d(gen);
    CHECK(solver::muscl_flux<L>(a, q0, q1, q2, q3, 3.0) == doctest::Approx(-solver::muscl_flux<L>(-a, q3, q2, q1, q0, 3.0)).epsilon(1e-14).scale(0.0));
    CHECK(solver::muscl_flux_density<L>(a, q0, q1, q2, q3, gl, gr) ==
          doctest::Approx(-solver::muscl_flux_density<L>(-a, q3, q2, q1, q0, gr_mirror, gl_mirror)).epsilon(1e-14).scale(0.0));
  }
}

/// A linear density on stretched cells: the face value is exact from either side, so the flux is
/// v rho(face) whatever the direction.
template <class L>
void check_linear_on_stretched_cells()
{
  const mesh::Grid grid(8.0, 20, 4, 8, 20.0);
  auto geometry = [&](long i) {
    const double h = grid.du(i), xm = grid.u_center(i - 1), x = grid.u_center(i), xp = grid.u_center(i + 1);
    return CellGeometry{h / (2.0 * (x - xm)), h / (2.0 * (xp - x)), h / (2.0 * (xp - xm))};
  };
  auto rho = [&](long i) { return 1.0 + 0.3 * grid.u_center(i); };
  for (long f = 2; f + 2 <= grid.cells_u(); ++f)  // face f between columns f - 1 and f
    for (double v : {1.7, -0.9}) {
      CAPTURE(f);
      CAPTURE(v);
      const double exact = v * (1.0 + 0.3 * grid.u_face(f));
      CHECK(solver::muscl_flux_density<L>(v, rho(f - 2), rho(f - 1), rho(f), rho(f + 1), geometry(f - 1), geometry(f)) ==
            doctest::Approx(exact).epsilon(1e-12));
    }
}

/// One forward-Euler step of d q_i / dt = F_{i-1/2} - F_{i+1/2} on a periodic row of uniform cells:
/// each flux computed once and used for both cells.
template <class L>
std::vector<double> euler_step(const std::vector<double>& q, double a, double inv_h, double dt)
{
  const long n = static_cast<long>(q.size());
  auto at = [&](long i) { return q[static_cast<std::size_t>(((i % n) + n) % n)]; };
  std::vector<double> flux(q.size());  // flux[i]: the face between cells i - 1 and i
  for (long i = 0; i < n; ++i) flux[static_cast<std::size_t>(i)] = solver::muscl_flux<L>(a, at(i - 2), at(i - 1), at(i), at(i + 1), inv_h);
  std::vector<double> out(q.size());
  for (long i = 0; i < n; ++i)
    out[static_cast<std::size_t>(i)] = q[static_cast<std::size_t>(i)] + dt * (flux[static_cast<std::size_t>(i)] - flux[static_cast<std::size_t>((i + 1) % n)]);
  return out;
}

double total_variation(const std::vector<double>& q)
{
  double tv = 0.0;
  for (std::size_t i = 0; i < q.size(); ++i) tv += std::fabs(q[(i + 1) % q.size()] - q[i]);
  return tv;
}

template <class L>
void check_conservative_and_tvd()
{
  std::mt19937_64 gen(3);
  std::uniform_real_distribution<double> d(0.0, 1.0);
  std::vector<double> q(64);
  for (std::size_t i = 0; i < q.size(); ++i) q[i] = (i > 20 && i < 40 ? 1.0 : 0.1) + 0.3 * d(gen);
  const double h = 0.05;
  for (double a : {1.3, -0.8}) {
    // Courant number |a| dt / h = 1/2: the bound of solver/time_step.hpp for forward Euler.
    const double dt = 0.5 * h / std::fabs(a);
    std::vector<double> x = q;
    for (int step = 0; step < 40; ++step) {
      const std::vector<double> y = euler_step<L>(x, a, 1.0 / h, dt);
      CHECK(std::accumulate(y.begin(), y.end(), 0.0) ==
            doctest::Approx(std::accumulate(x.begin(), x.end(), 0.0)).epsilon(1e-14));
      CHECK(total_variation(y) <= total_variation(x) * (1.0 + 1e-13));
      CHECK(*std::min_element(y.begin(), y.end()) >= *std::min_element(x.begin(), x.end()) - 1e-15);
      CHECK(*std::max_element(y.begin(), y.end()) <= *std::max_element(x.begin(), x.end()) + 1e-15);
      x = y;
    }
  }
}

}  // namespace

TEST_CASE("numerical flux: only the upwind side is read")
{
  check_upwind_side<Minmod>();
  check_upwind_side<VanLeer>();
  check_upwind_side<MonotonizedCentral>();
}

TEST_CASE("numerical flux: consistent, flux(q, q) = v q / h")
{
  check_consistency<Minmod>();
  check_consistency<VanLeer>();
  check_consistency<MonotonizedCentral>();
}

TEST_CASE("numerical flux: mirror-symmetric")
{
  check_mirror_symmetry<Minmod>();
  check_mirror_symmetry<VanLeer>();
  check_mirror_symmetry<MonotonizedCentral>();
}

TEST_CASE("numerical flux: exact face values of a linear density, uniform and stretched cells")
{
  // Uniform cells of width 1/2, masses 0.5, 1, 1.5, 2 (density 1, 2, 3, 4): the face between the
  // middle two has density 2.5, from either side.
  for (double a : {2.0, -2.0}) {
    CHECK(solver::muscl_flux<MonotonizedCentral>(a, 0.5, 1.0, 1.5, 2.0, 2.0) == doctest::Approx(a * 2.5).epsilon(1e-15));
    CHECK(solver::muscl_flux<VanLeer>(a, 0.5, 1.0, 1.5, 2.0, 2.0) == doctest::Approx(a * 2.5).epsilon(1e-15));
    CHECK(solver::muscl_flux<Minmod>(a, 0.5, 1.0, 1.5, 2.0, 2.0) == doctest::Approx(a * 2.5).epsilon(1e-15));
  }
  check_linear_on_stretched_cells<Minmod>();
  check_linear_on_stretched_cells<VanLeer>();
  check_linear_on_stretched_cells<MonotonizedCentral>();
}

TEST_CASE("numerical flux: the face-by-face update conserves mass and is TVD at Courant number 1/2")
{
  check_conservative_and_tvd<Minmod>();
  check_conservative_and_tvd<VanLeer>();
  check_conservative_and_tvd<MonotonizedCentral>();
}
