// The part of a calcium law above the floor, as the characteristic scheme's cells read it at every
// Runge-Kutta stage (docs/numerical-method.md §11): AboveFloor, and FloorWindow, the few numbers of a
// CalciumPackets law (calcium_packets.hpp) that give it near one floor.
#pragma once

#include <algorithm>
#include <cmath>

namespace stf::solver {

/// Masses and moments of the part of a law above the floor F, in powers of c = x - F:
/// mass, integral of c, integral of c^2; and the mass on the floor (c = 0), the rest.
struct AboveFloor {
  double mass = 0.0, c1 = 0.0, c2 = 0.0;
  double on_floor = 0.0;
};

/// Mass and first two moments in x of a part of a law: mass, integral of x, integral of x^2.
struct PacketMoments {
  double f = 0.0, s1 = 0.0, s2 = 0.0;
};

/// What `CalciumPackets::above(F)` reads near one floor: the shapes of the rows it cuts, the sums of
/// the rows and atoms above them. It gives `above(F)` to the last bit for every floor in the same
/// row with the same atoms above it (`holds`): the stages of a Runge-Kutta step ask at floors a
/// small part of a row apart, and a window held by each cell spares reading its packets, scattered
/// over memory, at every stage.
class FloorWindow {
public:
  bool holds(double F) const noexcept;
  AboveFloor above(double F) const noexcept;

private:
  friend class CalciumPackets;
  using Row = PacketMoments;
  /// A row's packet and its shape where it meets the floor (see CalciumPackets::row_shape): the
  /// linear density f / w (1 + slope (x - mid)) on [lo, hi] (w = hi - lo, mid its centre), or, for
  /// `point`, all the mass at `mean`.
  struct RowShape {
    Row row;
    double lo = 0.0, hi = 0.0, slope = 0.0, mean = 0.0;
    bool point = false;
  };
  static Row part_above(const RowShape& shape, double F) noexcept;

  long rows_per_unit_ = 0;  // 0: holds no floor
  bool has_rows_ = false;
  long floor_row_ = 0;      // floor(F m) of the floors it holds (with rows)
  Row tail_;                // the rows wholly above them
  RowShape shapes_[6];      // three rows of each of the two sets of rows
  int shape_count_ = 0;
  bool has_atoms_ = false;
  Row atoms_above_;
  double atoms_from_ = 0.0, atoms_until_ = 0.0;  // the floors with the same atoms above
  double total_ = 0.0;
};

// Inline: called for every cell at every Runge-Kutta stage.
inline FloorWindow::Row FloorWindow::part_above(const RowShape& shape, double F) noexcept
{
  const Row& row = shape.row;
  if (!(row.f > 0.0)) return {};
  if (shape.point) return shape.mean > F ? row : Row{};
  if (F <= shape.lo) return row;
  if (F >= shape.hi) return {};
  // The integrals over [F, hi] of f / w (1 + g y), y = x - mid, times 1, y and y^2; in x:
  // s1 = mid m0 + m1, s2 = mid^2 m0 + 2 mid m1 + m2.
  const double w = shape.hi - shape.lo, mid = 0.5 * (shape.lo + shape.hi), g = shape.slope, scale = row.f / w;
  const double a = F - mid, b = 0.5 * w;
  const double a2 = a * a, b2 = b * b, a3 = a2 * a, b3 = b2 * b;
  const double m0 = scale * ((b - a) + g * (b2 - a2) / 2.0);
  const double m1 = scale * ((b2 - a2) / 2.0 + g * (b3 - a3) / 3.0);
  const double m2 = scale * ((b3 - a3) / 3.0 + g * (b3 * b - a3 * a) / 4.0);
  return {m0, mid * m0 + m1, mid * mid * m0 + 2.0 * mid * m1 + m2};
}

inline bool FloorWindow::holds(double F) const noexcept
{
  if (rows_per_unit_ == 0) return false;
  if (has_rows_ && static_cast<long>(std::floor(F * double(rows_per_unit_))) != floor_row_) return false;
  return !has_atoms_ || (atoms_from_ <= F && F < atoms_until_);
}

inline AboveFloor FloorWindow::above(double F) const noexcept
{
  Row sum = tail_;
  for (int k = 0; k < shape_count_; ++k) {
    const Row a = part_above(shapes_[k], F);
    sum.f += a.f;
    sum.s1 += a.s1;
    sum.s2 += a.s2;
  }
  if (has_atoms_) {
    sum.f += atoms_above_.f;
    sum.s1 += atoms_above_.s1;
    sum.s2 += atoms_above_.s2;
  }
  // In powers of c = x - F.
  return {sum.f, sum.s1 - F * sum.f, sum.s2 - 2.0 * F * sum.s1 + F * F * sum.f, std::max(total_ - sum.f, 0.0)};
}

}  // namespace stf::solver
