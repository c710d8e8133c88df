// The (potential, calcium) grid of the MUSCL scheme (mesh/grid.hpp, docs/numerical-method.md §1):
// uniform and stretched potential faces, widths, centres, the calcium rows that a spike shifts by
// exactly m, the mean-keeping split of a point between two cells, and the rejected settings.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

#include "mesh/grid.hpp"

using namespace stf;

TEST_CASE("grid: uniform potential cells")
{
  const mesh::Grid g(6.0, 12, 4, 32);
  CHECK(g.uniform_u());
  CHECK(g.cells() == 12 * 32);
  CHECK(g.du() == 0.5);
  CHECK(g.u_face(0) == 0.0);
  CHECK(g.u_face(12) == 6.0);
  for (long i = 0; i < g.cells_u(); ++i) {
    CAPTURE(i);
    CHECK(g.du(i) == doctest::Approx(0.5).epsilon(1e-15));
    CHECK(g.u_center(i) == doctest::Approx(0.5 * double(i) + 0.25).epsilon(1e-15));
  }
}

TEST_CASE("grid: stretched faces follow u_k = l (s^(k/N) - 1), l = u_max / (s - 1)")
{
  for (double s : {1.5, 6.0, 30.0})
    for (long n : {2L, 7L, 60L}) {
      CAPTURE(s);
      CAPTURE(n);
      const double u_max = 40.0;
      const mesh::Grid g(u_max, n, 4, 8, s);
      CHECK(!g.uniform_u());
      CHECK(g.stretch() == s);
      CHECK(g.du() == doctest::Approx(u_max / double(n)).epsilon(1e-15));  // the mean width
      REQUIRE(g.u_faces().size() == static_cast<std::size_t>(n + 1));
      // The ends are exact, not merely close.
      CHECK(g.u_face(0) == 0.0);
      CHECK(g.u_face(n) == u_max);
      const double l = u_max / (s - 1.0), growth = std::pow(s, 1.0 / double(n));
      double sum = 0.0;
      for (long k = 0; k <= n; ++k) {
        CAPTURE(k);
        CHECK(g.u_face(k) == doctest::Approx(l * (std::pow(s, double(k) / double(n)) - 1.0)).epsilon(1e-12));
        if (k == n) break;
        const double h = g.du(k);
        CHECK(h > 0.0);
        sum += h;
        // Centres are the midpoints of the faces.
        CHECK(g.u_center(k) == doctest::Approx(0.5 * (g.u_face(k) + g.u_face(k + 1))).epsilon(1e-15).scale(0.0));
        if (k > 0) {
          // Widths grow by the constant factor s^(1/N), so faces and centres increase.
          CHECK(h / g.du(k - 1) == doctest::Approx(growth).epsilon(1e-11));
          CHECK(g.u_center(k) > g.u_center(k - 1));
        }
      }
      CHECK(sum == doctest::Approx(u_max).epsilon(1e-14));
      // The last cell is s^((N - 1) / N) times the first: "about s" (exactly s in the limit of the
      // mapping's derivative).
      CHECK(g.du(n - 1) / g.du(0) == doctest::Approx(std::pow(s, double(n - 1) / double(n))).epsilon(1e-11));
    }
}

TEST_CASE("grid: a stretch close to 1 is close to the uniform grid")
{
  const mesh::Grid uniform(10.0, 50, 4, 8), nearly(10.0, 50, 4, 8, 1.0 + 1e-9);
  for (long k = 0; k <= 50; ++k) CHECK(nearly.u_face(k) == doctest::Approx(uniform.u_face(k)).epsilon(1e-8));
}

TEST_CASE("grid: calcium rows of width 1/m, so a spike shifts a row by exactly m")
{
  model::MeshSettings s;
  s.u_max = 10.0;
  s.c_max = 8.0;
  s.cells_u = 20;
  s.cells_per_unit_c = 4;
  const mesh::Grid g(s);
  CHECK(g.cells_c() == 32);
  CHECK(g.cells_per_unit_c() == 4);
  CHECK(g.dc() == 0.25);
  CHECK(g.c_max() == 8.0);
  for (long j = 0; j + 4 < g.cells_c(); ++j) {
    CAPTURE(j);
    CHECK(g.c_center(j + 4) == g.c_center(j) + 1.0);
    CHECK(g.c_face(j) == 0.25 * double(j));
  }
}

TEST_CASE("grid: a point is split between the two cells around it, keeping its mean")
{
  for (double s : {1.0, 20.0}) {
    CAPTURE(s);
    const mesh::Grid g(10.0, 25, 4, 16, s);
    for (double u : {0.37, 1.0, 2.2, 5.5, 9.0}) {
      CAPTURE(u);
      const mesh::CellSplit split = g.split_u(u);
      CHECK(!split.outside);
      REQUIRE(split.first + 1 < g.cells_u());
      CHECK(g.u_center(split.first) <= u);
      CHECK(g.u_center(split.first + 1) > u);
      CHECK(split.w_first > 0.0);
      CHECK(split.w_first <= 1.0);
      const double mean = split.w_first * g.u_center(split.first) + (1.0 - split.w_first) * g.u_center(split.first + 1);
      CHECK(mean == doctest::Approx(u).epsilon(1e-13));
    }
    // Within half a cell of the ends: all in the end cell. Beyond u_max: outside.
    CHECK(g.split_u(0.5 * g.u_center(0)).first == 0);
    CHECK(g.split_u(0.5 * g.u_center(0)).w_first == 1.0);
    CHECK(g.split_u(0.5 * (g.u_center(24) + 10.0)).first == 24);
    CHECK(g.split_u(0.5 * (g.u_center(24) + 10.0)).w_first == 1.0);
    CHECK(g.split_u(10.5).outside);
  }
  const mesh::Grid g(10.0, 10, 4, 16);
  const mesh::CellSplit c = g.split_c(1.0);  // between rows 3 and 4, half each
  CHECK(c.first == 3);
  CHECK(c.w_first == doctest::Approx(0.5).epsilon(1e-15));
  CHECK(g.split_c(4.1).outside);
}

TEST_CASE("grid: unusable settings are rejected")
{
  CHECK_THROWS_AS(mesh::Grid(0.0, 10, 4, 8), std::invalid_argument);
  CHECK_THROWS_AS(mesh::Grid(10.0, 1, 4, 8), std::invalid_argument);
  CHECK_THROWS_AS(mesh::Grid(10.0, 10, 0, 8), std::invalid_argument);
  CHECK_THROWS_AS(mesh::Grid(10.0, 10, 4, 1), std::invalid_argument);
  CHECK_THROWS_AS(mesh::Grid(10.0, 10, 4, 8, 0.5), std::invalid_argument);
  CHECK_THROWS_AS(mesh::Grid(10.0, 10, 4, 8, std::nan("")), std::invalid_argument);
}
