// The calcium law of one cohort of the characteristic scheme under the linear calcium leak
// (MODEL.md §1, docs/numerical-method.md §11).
//
// Every neuron with c > 0 moves down at the same speed beta, so in the frame x = c + beta t the
// positions of the neurons above the floor do not move, and the floor c = 0 is the rising line
// x = F(t) = beta t. A neuron at x < F sits on the floor (c = 0). The law in x is held as packets,
// one per row [r / m, (r + 1) / m): each packet keeps its exact mass and its first two moments in
// x, so a +1 jump (x -> x + 1) moves a packet with exact moments, and every functional of c that is
// polynomial away from the floor is exact. Only the packet that straddles the floor needs a shape:
// it is taken as uniform on the interval of its mean and variance, clipped to its row.
#pragma once

#include <vector>

namespace stf::solver {

/// Masses and moments of the part of a law above the floor F, in powers of c = x - F:
/// mass, integral of c, integral of c^2.
struct AboveFloor {
  double mass = 0.0, c1 = 0.0, c2 = 0.0;
};

class CalciumPackets {
public:
  explicit CalciumPackets(long rows_per_unit = 1) : m_(rows_per_unit) {}

  long rows_per_unit() const noexcept { return m_; }
  bool empty() const noexcept { return rows_.empty(); }
  long rows() const noexcept { return static_cast<long>(rows_.size()); }
  long first_row() const noexcept { return first_row_; }
  double total_mass() const noexcept { return below_ + (suffix_.empty() ? 0.0 : suffix_.front().f); }

  /// Adds mass `f` with first and second moments `s1 = f E[x]`, `s2 = f E[x^2]` to the row of its mean.
  void add(double f, double s1, double s2);
  /// Adds `weight` times every packet of `other` (same rows per unit).
  void add_scaled(const CalciumPackets& other, double weight);
  /// Adds `weight` times the part of `other` above the floor F, moved up by one unit of calcium
  /// (the law of the calcium just after a spike of those neurons). The part on the floor is not
  /// added: it lands at x = F + 1 and the caller accounts for it with its exact emission times.
  void add_spiked_above(const CalciumPackets& other, double weight, double F);
  /// Divides every packet by the total mass (a law). No-op for an empty set.
  void normalise();
  /// Rows wholly below the floor F hold mass on the floor, whose position no longer matters: they
  /// become one number (keeps the rows to the span of calcium above the floor).
  void drop_below(double F);
  /// Must be called after the last `add*` and before `above`: builds the suffix sums.
  void finish();

  /// The part above the floor F: O(1) from the suffix sums plus the straddling row.
  AboveFloor above(double F) const noexcept;

  /// Every packet as (mass, mean x, variance x): for snapshots and tests.
  struct Packet {
    double mass, mean, variance;
  };
  std::vector<Packet> packets() const;

  /// The law of `shape` moved in x to have the mean `mean` (the shape of one law at the mean of
  /// another). The mass below the floor stays there.
  static CalciumPackets moved_to_mean(const CalciumPackets& shape, double mean);

private:
  struct Row {
    double f = 0.0, s1 = 0.0, s2 = 0.0;
  };
  Row& row_at(long r);
  /// The above-floor part of one row's packet in x-moments (mass, s1, s2).
  Row row_above(long index, double F) const noexcept;

  long m_ = 1;
  long first_row_ = 0;
  std::vector<Row> rows_;    // rows first_row_ .. first_row_ + size - 1
  std::vector<Row> suffix_;  // suffix_[k] = sum of rows_[k..]; one extra zero entry at the end
  double below_ = 0.0;       // mass of the rows dropped below the floor
};

}  // namespace stf::solver
