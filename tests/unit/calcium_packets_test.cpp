// The calcium law of the characteristic scheme under the linear calcium leak (CalciumPackets):
// exact moments above the floor, the +1 jump, and the floor window that the cells keep between
// Runge-Kutta stages (FloorWindow), which must give `above` to the last bit wherever it holds.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "solver/calcium_packets.hpp"

using stf::solver::AboveFloor;
using stf::solver::CalciumPackets;

namespace {

/// A law with both parts: atoms at 2.5 + k and packets over four rows per unit, unit mass.
CalciumPackets mixed_law()
{
  CalciumPackets p(4, 2.5);
  p.add_atom(0, 0.3);
  p.add_atom(1, 0.2);
  // Packets with mean and variance inside their rows [r/4, (r+1)/4).
  for (int r = 4; r < 20; ++r) {
    const double mean = (r + 0.5) / 4.0, variance = 0.003, mass = 0.5 / 16.0;
    p.add(mass, mass * mean, mass * (variance + mean * mean));
  }
  p.normalise();
  p.finish();
  return p;
}

/// Mass `mass` uniform on [p, q]: its mass above the floor F and the integral of (x - F) over it.
std::pair<double, double> uniform_above(double F, double mass, double p, double q)
{
  const double from = std::max(F, p);
  if (!(from < q)) return {0.0, 0.0};
  const double density = mass / (q - p);
  return {density * (q - from), density * (q - from) * (0.5 * (q + from) - F)};
}

}  // namespace

TEST_CASE("CalciumPackets: above a floor under every packet, the moments are exact in c = x - F")
{
  CalciumPackets p(2, std::nan(""));
  p.add(0.25, 0.25 * 3.2, 0.25 * (0.01 + 3.2 * 3.2));
  p.add(0.75, 0.75 * 5.1, 0.75 * (0.02 + 5.1 * 5.1));
  p.finish();
  const double F = 1.0;
  const AboveFloor a = p.above(F);
  CHECK(a.mass == doctest::Approx(1.0).epsilon(1e-15));
  CHECK(a.on_floor == doctest::Approx(0.0).epsilon(1e-15));
  const double c1 = 0.25 * (3.2 - F) + 0.75 * (5.1 - F);
  const double c2 = 0.25 * (0.01 + (3.2 - F) * (3.2 - F)) + 0.75 * (0.02 + (5.1 - F) * (5.1 - F));
  CHECK(a.c1 == doctest::Approx(c1).epsilon(1e-14));
  CHECK(a.c2 == doctest::Approx(c2).epsilon(1e-14));
}

TEST_CASE("CalciumPackets: a spike moves the part above the floor up by one unit, exactly")
{
  const CalciumPackets law = mixed_law();
  const double F = 0.0;  // everything above: the whole law moves
  CalciumPackets spiked(4, 2.5);
  spiked.add_spiked_above(law, 1.0, F);
  spiked.finish();
  const AboveFloor before = law.above(F), after = spiked.above(F);
  CHECK(after.mass == doctest::Approx(before.mass).epsilon(1e-14));
  // E[c + 1] and E[(c + 1)^2].
  CHECK(after.c1 == doctest::Approx(before.c1 + before.mass).epsilon(1e-14));
  CHECK(after.c2 == doctest::Approx(before.c2 + 2.0 * before.c1 + before.mass).epsilon(1e-14));
}

TEST_CASE("CalciumPackets: a mixture of parts added where they are and moved up once is the mixture of spiked parts")
{
  // Two laws, weighted, cut by floors below, inside and above their packets and atoms.
  CalciumPackets other(4, 2.5);
  other.add_atom(2, 0.4);
  for (int r = 10; r < 30; ++r) {
    const double mean = (r + 0.3) / 4.0, mass = 0.6 / 20.0;
    other.add(mass, mass * mean, mass * (0.002 + mean * mean));
  }
  other.normalise();
  other.finish();
  const CalciumPackets law = mixed_law();
  for (const double F : {0.0, 1.3, 2.5, 3.01, 4.6, 6.2, 9.0}) {
    CAPTURE(F);
    CalciumPackets spiked(4, 2.5), moved(4, 2.5);
    spiked.add_spiked_above(law, 0.7, F);
    spiked.add_spiked_above(other, 0.3, F);
    spiked.finish();
    moved.add_above(law, 0.7, F, F);
    moved.add_above(other, 0.3, F, F);
    moved.move_up_one();
    moved.finish();
    REQUIRE(moved.rows() == spiked.rows());
    REQUIRE(moved.atoms() == spiked.atoms());
    const auto a = spiked.packets(), b = moved.packets();
    REQUIRE(a.size() == b.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
      CHECK(b[k].mass == doctest::Approx(a[k].mass).epsilon(1e-14).scale(0.0));
      CHECK(b[k].mean == doctest::Approx(a[k].mean).epsilon(1e-14));
      CHECK(b[k].variance == doctest::Approx(a[k].variance).epsilon(1e-9).scale(1e-6));
    }
    // And above every floor the two laws agree.
    for (const double G : {F, F + 0.4, F + 1.1, F + 2.7}) {
      const AboveFloor x = spiked.above(G), y = moved.above(G);
      // Relative (the masses and moments can be small); exactly 0 when nothing is above G.
      CHECK(std::fabs(y.mass - x.mass) <= 1e-13 * std::fabs(x.mass));
      CHECK(std::fabs(y.c1 - x.c1) <= 1e-13 * std::fabs(x.c1));
      CHECK(std::fabs(y.c2 - x.c2) <= 1e-13 * std::fabs(x.c2));
    }
  }
}

TEST_CASE("FloorWindow: gives CalciumPackets::above to the last bit wherever it holds, and holds only there")
{
  const CalciumPackets law = mixed_law();
  int held = 0, refused = 0;
  for (double F0 = 0.9; F0 < 5.2; F0 += 0.037) {
    const auto window = law.window(F0);
    REQUIRE(window.holds(F0));
    for (double F = F0 - 0.3; F < F0 + 0.3; F += 0.0071) {
      // The same row of the floor (floor(4 F)) and the same atoms above it (2.5 + k > F).
      const bool same_row = std::floor(4.0 * F) == std::floor(4.0 * F0);
      const bool same_atoms = (2.5 > F) == (2.5 > F0) && (3.5 > F) == (3.5 > F0);
      CHECK(window.holds(F) == (same_row && same_atoms));
      if (!window.holds(F)) {
        ++refused;
        continue;
      }
      ++held;
      const AboveFloor a = window.above(F), b = law.above(F);
      CHECK(a.mass == b.mass);
      CHECK(a.c1 == b.c1);
      CHECK(a.c2 == b.c2);
      CHECK(a.on_floor == b.on_floor);
      CHECK(a.mass + a.on_floor == doctest::Approx(1.0).epsilon(1e-14));
    }
  }
  CHECK(held > 100);
  CHECK(refused > 100);
}

TEST_CASE("FloorWindow: a law of atoms only holds between two points of the lattice, whatever the row")
{
  CalciumPackets atoms(8, 10.0);
  atoms.add_atom(0, 1.0);
  atoms.add_atom(3, 1.0);
  atoms.normalise();
  atoms.finish();
  const auto window = atoms.window(11.2);
  CHECK(window.holds(11.0));  // the lattice point 11 is not above 11: the same points are above
  CHECK(window.holds(11.99));
  CHECK_FALSE(window.holds(10.99));  // 11 is above
  CHECK_FALSE(window.holds(12.0));   // 12 is not
  CHECK(window.above(11.5).mass == doctest::Approx(0.5));
  CHECK(window.above(11.5).c1 == doctest::Approx(0.5 * (13.0 - 11.5)));
  CHECK(window.above(11.5).on_floor == doctest::Approx(0.5));
}

TEST_CASE("CalciumPackets: the density at the floor has no jump inside a row, and keeps each packet's mass and mean")
{
  // One packet per row (four rows per unit), narrow (variance far below h^2 / 12), with its mean at
  // the centre, at the edge of the linear family (d = h / 6), and near either edge of its row. The
  // density at the floor, -d above(F).mass / dF, must be continuous inside each row: a shape with a
  // jump or a corner there costs the Runge-Kutta steps an O(dt^2) error at every passage of the
  // floor, first order over the run (a uniform shape on mean +- sqrt(3) sd jumped from 0 to f / 2w).
  const double h = 0.25;
  const double offsets[] = {0.5, 0.5 + 1.0 / 6.0, 0.9, 0.1, 0.02};
  CalciumPackets law(4, std::nan(""));
  for (int k = 0; k < 5; ++k) {
    const double mean = (8 + k + offsets[k]) * h, mass = 0.1 * (k + 1);
    law.add(mass, mass * mean, mass * (1e-6 + mean * mean));
  }
  law.finish();
  for (int k = 0; k < 5; ++k) {
    CAPTURE(k);
    const double lo = (8 + k) * h, hi = lo + h, mass = 0.1 * (k + 1), mean = (8 + k + offsets[k]) * h;
    const auto above = [&](double F) { return law.above(F).mass; };
    // The row is whole at its lower edge and gone at its upper edge.
    CHECK(above(lo) - above(hi) == doctest::Approx(mass).epsilon(1e-13).scale(0.0));
    // Its mean: the integral over the row of the mass above F is f (mean - lo).
    constexpr int n = 4000;
    const double dF = h / n;
    double integral = 0.0, largest_jump = 0.0, previous_density = NAN, first_density = NAN;
    for (int i = 0; i < n; ++i) {
      const double a = lo + i * dF, b = a + dF;
      integral += 0.5 * (above(a) + above(b)) * dF;
      const double density = (above(a) - above(b)) / dF;
      CHECK(density >= -1e-9);
      if (i > 0) largest_jump = std::max(largest_jump, std::fabs(density - previous_density));
      else first_density = density;
      previous_density = density;
    }
    // The trapezoids' error on the mass above F, quadratic in F, is -dF^2 / 12 times the change of
    // its slope (minus the density) over the row (Euler-Maclaurin): 2e-8 for the triangle of k = 4,
    // 9e-6 of the result. Corrected with the densities of the first and last intervals, what is left
    // is O(dF^3): 1.8e-8 of the result for k = 4, below 2e-10 for the others.
    integral += dF * dF / 12.0 * (previous_density - first_density);
    const double tail = above(hi);  // the rows above
    CHECK(integral - tail * h == doctest::Approx(mass * (mean - lo)).epsilon(1e-7).scale(0.0));
    // Within the row the density changes by at most its slope times dF (the linear density's
    // 12 f d / h^3, or 2 f / L^2 for the triangle of width L = 3 x the distance to the nearer edge),
    // where a uniform shape jumps by f / (2 w) at its edge.
    const double d = mean - (lo + 0.5 * h), edge = std::min(mean - lo, hi - mean);
    const double slope = std::fabs(d) <= h / 6.0 ? 12.0 * mass * std::fabs(d) / (h * h * h) : 2.0 * mass / (9.0 * edge * edge);
    CHECK(largest_jump <= 1.01 * slope * dF + 1e-9);
  }
}

TEST_CASE("CalciumPackets: a window's floor landings keep their own extent and shape beside the rest of their row")
{
  // Row [1, 1.125) of eight rows per unit holds two kinds of mass: the landings of one window's floor
  // spikes, uniform on [1.01, 1.05] (mass 0.3), and a continuous part uniform on the whole row (mass
  // 0.7). Held apart, each keeps its shape, and the part above every floor in the row is exact. One
  // packet per row, with the linear density of the sum's mass and mean on the whole row, put 0.777
  // of the mass above F = 1.02 instead of 0.813.
  CalciumPackets law(8);
  const double a = 1.01, b = 1.05, landed = 0.3, lo = 1.0, hi = 1.125, rest = 0.7;
  law.add_spread(landed, landed * 0.5 * (a + b), a, b);
  const double mean = 0.5 * (lo + hi), variance = (hi - lo) * (hi - lo) / 12.0;
  law.add(rest, rest * mean, rest * (variance + mean * mean));
  law.finish();
  for (const double F : {1.0, 1.005, 1.02, 1.04, 1.05, 1.08, 1.12}) {
    CAPTURE(F);
    const auto [m1, c1] = uniform_above(F, landed, a, b);
    const auto [m2, c2] = uniform_above(F, rest, lo, hi);
    const AboveFloor A = law.above(F);
    CHECK(A.mass == doctest::Approx(m1 + m2).epsilon(1e-13).scale(0.0));
    CHECK(A.c1 == doctest::Approx(c1 + c2).epsilon(1e-12).scale(0.0));
  }
}

TEST_CASE("CalciumPackets: landings of two windows that meet inside a row keep their own shapes in finer rows")
{
  // The landings of two windows, uniform on [1.02, 1.0625] (mass 0.3) and on [1.0625, 1.12] (mass
  // 0.1), meet inside the row [1, 1.125) of eight rows per unit: a law that collects many windows'
  // landings (the potential floor's) has such an edge where their weights change. Landing rows are
  // four times finer, and the edge 1.0625 is one of theirs: each landing row holds one window's
  // uniform piece and the part above every floor is exact. One row for both, with the linear density
  // of their mass and mean on [1.02, 1.12], put 0.146 of the mass above F = 1.06 instead of 0.118.
  REQUIRE(CalciumPackets::landing_rows_per_row == 4);
  CalciumPackets law(8);
  const double a = 1.02, edge = 1.0625, b = 1.12, first = 0.3, second = 0.1;
  law.add_spread(first, first * 0.5 * (a + edge), a, edge);
  law.add_spread(second, second * 0.5 * (edge + b), edge, b);
  law.finish();
  for (double F = 1.0; F <= 1.125; F += 0.0025) {
    CAPTURE(F);
    const auto [m1, c1] = uniform_above(F, first, a, edge);
    const auto [m2, c2] = uniform_above(F, second, edge, b);
    const AboveFloor A = law.above(F);
    // To rounding of the law's mass (0.4) and of its calcium above the floor (at most 0.4 x 0.1).
    CHECK(std::fabs(A.mass - (m1 + m2)) <= 1e-14);
    CHECK(std::fabs(A.c1 - (c1 + c2)) <= 1e-15);
  }
}

TEST_CASE("CalciumPackets: two laws mixed at a floor keep each one's mass and moments above it")
{
  // Two cells' laws, each the landings of one window, uniform on [1.01, 1.05] and on [1.08, 1.12]:
  // one row of eight per unit, [1, 1.125), in both. Mixed at the floor F = 1.04 (weights 0.4 and
  // 0.6), each cut row keeps its part above F; mixed whole (add_scaled), the row became one linear
  // density on the hull [1.01, 1.12] and put 0.80 of the mass above F instead of 0.70.
  CalciumPackets x(8), y(8);
  x.add_spread(1.0, 1.03, 1.01, 1.05);
  y.add_spread(1.0, 1.10, 1.08, 1.12);
  x.finish();
  y.finish();
  const double F = 1.04, wx = 0.4, wy = 0.6;
  CalciumPackets mixed(8);
  mixed.add_scaled_above(x, wx, F);
  mixed.add_scaled_above(y, wy, F);
  mixed.finish();
  CHECK(mixed.total_mass() == doctest::Approx(1.0).epsilon(1e-15));
  // Exactly the parts' (x's above F: mass 0.25, the integral of x - F over it 0.25 * 0.005); above a
  // higher floor the mixture reads one linear density for both cut parts, as any mixed row.
  const AboveFloor A = mixed.above(F), X = x.above(F), Y = y.above(F);
  CHECK(X.mass == doctest::Approx(0.25).epsilon(1e-13));
  CHECK(X.c1 == doctest::Approx(0.25 * 0.005).epsilon(1e-12));
  CHECK(A.mass == doctest::Approx(wx * X.mass + wy * Y.mass).epsilon(1e-14));
  CHECK(A.c1 == doctest::Approx(wx * X.c1 + wy * Y.c1).epsilon(1e-14));
  CHECK(A.c2 == doctest::Approx(wx * X.c2 + wy * Y.c2).epsilon(1e-14));
}

TEST_CASE("CalciumPackets: tilting the atoms moves their mean by the shift asked, keeps their mass, and stops at a zero weight")
{
  // Atoms at 2.5, 3.5, 4.5 with masses 0.2, 0.5, 0.3: mean 3.6, variance 0.49.
  auto atoms = [] {
    CalciumPackets p(4, 2.5);
    p.add_atom(0, 0.2);
    p.add_atom(1, 0.5);
    p.add_atom(2, 0.3);
    return p;
  };
  CalciumPackets p = atoms();
  CHECK(p.tilt_atoms(0.1) == doctest::Approx(0.1).epsilon(1e-14));
  p.finish();
  const CalciumPackets::Moments m = p.atom_moments();
  CHECK(m.f == doctest::Approx(1.0).epsilon(1e-14));
  CHECK(m.s1 / m.f == doctest::Approx(3.7).epsilon(1e-14));

  // Down by 0.6 (lambda = -0.6 / 0.49): the weight of 4.5 would turn negative below lambda = -1 / 0.9;
  // the tilt stops there, with the whole mass on 2.5 and 3.5: mean 3.6 - 0.49 / 0.9.
  CalciumPackets q = atoms();
  const double made = q.tilt_atoms(-0.6);
  CHECK(made == doctest::Approx(-0.49 / 0.9).epsilon(1e-14));
  q.finish();
  const CalciumPackets::Moments n = q.atom_moments();
  CHECK(n.f == doctest::Approx(1.0).epsilon(1e-14));
  CHECK(n.s1 / n.f == doctest::Approx(3.6 - 0.49 / 0.9).epsilon(1e-14));
  for (const auto& packet : q.packets()) CHECK(packet.mass >= -1e-16);

  // One atom has no variance to tilt.
  CalciumPackets one(4, 2.5);
  one.add_atom(3, 1.0);
  CHECK(one.tilt_atoms(0.2) == 0.0);
}

TEST_CASE("CalciumPackets: folding the rows that no floor reaches keeps the law above every floor below them")
{
  // mixed_law()'s packets cover [1, 5); those from 3.0 up fold into one packet: above any floor F <= 2
  // (one unit below), mass and moments of c = x - F are those of the law as it was, to rounding; the
  // atoms (2.5, 3.5) stay.
  CalciumPackets law = mixed_law();
  // (mixed_law() is finished: unfinished copies to fold.)
  CalciumPackets a(4, 2.5), b(4, 2.5);
  a.add_scaled(law, 1.0);
  b.add_scaled(law, 1.0);
  b.fold_above(3.0);
  a.finish();
  b.finish();
  CHECK(b.rows() < a.rows());
  CHECK(b.atoms() == a.atoms());
  for (const double F : {0.0, 0.7, 1.3, 1.9, 2.0}) {
    const AboveFloor x = a.above(F), y = b.above(F);
    CAPTURE(F);
    CHECK(y.mass == doctest::Approx(x.mass).epsilon(1e-14));
    CHECK(y.c1 == doctest::Approx(x.c1).epsilon(1e-14));
    CHECK(y.c2 == doctest::Approx(x.c2).epsilon(1e-14));
  }
}
