// The calcium law of one cohort of the characteristic scheme under the linear calcium leak
// (MODEL.md §1, docs/numerical-method.md §11).
//
// Every neuron with c > 0 moves down at the same speed beta, so in the frame x = c + beta t the
// positions of the neurons above the floor do not move, and the floor c = 0 is the rising line
// x = F(t) = beta t. A neuron at x < F sits on the floor (c = 0). A spike takes x to max(x, F) + 1.
// The law in x has two parts:
//   - atoms on the lattice x0 + k (k = 0, 1, ...): a Dirac initial calcium c0 = x0 stays a Dirac
//     for every neuron that has not yet reached the floor, moved up one unit by each spike. They are
//     held exactly (mass per k), so the mass above the floor drops by the right amount at the right
//     time, t = (x0 + k) / beta;
//   - the continuous rest (neurons that have been on the floor spike to F + 1, a position that moves
//     with t), held as packets, one per row [r / m, (r + 1) / m): each keeps its exact mass and its
//     first two moments in x, so a +1 jump (x -> x + 1, m rows up) moves a packet exactly, and every
//     functional of c that is polynomial away from the floor is exact. Only the packet that
//     straddles the floor needs a shape: the linear density of its mass and mean on its extent (a
//     triangle against the extent's edge where the mean is too near it), smooth in the floor inside
//     it (row_shape). A packet's extent is its row unless what it holds is known to lie in a narrower
//     part of it: the floor landings of one newborn window, [F(opened) + 1, F(closed) + 1], often a
//     fraction of a row; and what spiked from above a floor F, which lies above F + 1.
//   - the landings are held in rows of their own (landings_), beside the rest (rows_): a row of a
//     newborn's law holds both a narrow landing and the top of what spiked from above the floor, and
//     one linear density for the two spreads the landing over the row. The error of that spread,
//     whose size depends on where the window's floor falls in the row, changes irregularly from one
//     level of refinement to the next and defeats the extrapolation (cases/memory.toml at tolerance
//     1e-6: the extrapolated variance of calcium changed by 7.7e-5 from level 4 to 5, as much as the
//     levels did; held apart, by 1.1e-6).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "solver/floor_window.hpp"

namespace stf::solver {

class CalciumPackets {
public:
  /// `atom_origin`: x0 of the atom lattice (NaN: the laws of this run have no atoms).
  explicit CalciumPackets(long rows_per_unit = 1, double atom_origin = std::nan(""))
      : m_(rows_per_unit), origin_(atom_origin)
  {
    rows_.m = m_;
    landings_.m = m_ * landing_rows_per_row;
  }

  /// The landing rows are this many times narrower than the others. A law that collects the landings
  /// of many windows (the potential floor's, a union's) fills a landing row unevenly where they start
  /// (the first of them) or where their weights change, and one linear density misplaces its mass
  /// when the floor crosses the row: an error second order in the row's width, whose size depends on
  /// where that edge falls in the row, different at every level (cases/memory.toml with a linear
  /// potential leak, alpha = 0.6, I = 0.2: the mean calcium's level-to-level change jumped to twice its
  /// neighbours' for 0.02 time units where the floor met the edge of the arrived landings). Landings
  /// are narrow (beta times a window), so the finer rows cost little.
  static constexpr long landing_rows_per_row = 4;

  long rows_per_unit() const noexcept { return m_; }
  double atom_origin() const noexcept { return origin_; }
  bool empty() const noexcept { return rows_.empty() && landings_.empty() && atoms_.empty(); }
  long rows() const noexcept { return rows_.size() + landings_.size(); }
  long atoms() const noexcept { return static_cast<long>(atoms_.size()); }
  double total_mass() const noexcept;

  /// Adds continuous mass `f` with first and second moments `s1 = f E[x]`, `s2 = f E[x^2]` to the
  /// row of its mean.
  void add(double f, double s1, double s2);
  /// Adds continuous mass `f` with mean `s1 / f`, spread over [lo, hi] with the linear density of
  /// that mass and mean (the landings at F + 1 of a window's floor spikes), one packet per row it
  /// covers, each with the exact moments of its piece and its part of [lo, hi] as extent, in the
  /// landing rows.
  void add_spread(double f, double s1, double lo, double hi);
  /// Adds mass `f` at the atom x0 + k.
  void add_atom(long k, double f);
  /// Adds `weight` times every packet and atom of `other` (same rows per unit and lattice).
  void add_scaled(const CalciumPackets& other, double weight);
  /// Adds `weight` times `other` with the rows that the floor F cuts replaced by their parts above it
  /// (their extents from F up) and what lies below F put on the floor: the mixture keeps each law's
  /// mass and moments above the floor, where one shape for the sum of two cut rows would not (a
  /// cell's law mixed into another's: mix_packets, characteristic_merge.cpp).
  void add_scaled_above(const CalciumPackets& other, double weight, double F);
  /// Adds `weight` times the part of `other` above the floor F, moved up by one unit of calcium
  /// (the law of the calcium just after a spike of those neurons). The part on the floor is not
  /// added: it lands at x = F + 1 and the caller accounts for it with its exact emission times.
  void add_spiked_above(const CalciumPackets& other, double weight, double F);
  /// The same without the move: `weight` times the part of `other` above F, where it is. A mixture
  /// of many such parts is moved up once, by `move_up_one`, for half the arithmetic per row. The
  /// parts of the rows cut at F keep the extent [support_from, their top]: a newborn window's
  /// mixture is formed at its middle floor, but what spiked in it lies above the first one.
  void add_above(const CalciumPackets& other, double weight, double F, double support_from);
  /// Moves every packet and atom up by one unit (x -> x + 1, exact moments); before `finish`.
  void move_up_one();
  /// Adds the continuous packets of `shape` scaled to mass `f` and moved in x to the mean `s1 / f`
  /// (its atoms are not added). Without continuous mass in `shape`, one packet (f, s1, s2).
  void add_continuous_like(const CalciumPackets& shape, double f, double s1, double s2);
  /// Divides every packet and atom by the total mass (a law). No-op for an empty set.
  void normalise();
  /// Rows and atoms wholly below the floor F hold mass on the floor, whose position no longer
  /// matters: they become one number (keeps the rows to the span of calcium above the floor).
  void drop_below(double F);
  /// Folds every row at or above x into one packet (its exact mass and moments) in the row of x: for
  /// x at least one unit above every floor the law will meet (beta T + 1, T the horizon), whose shape
  /// is never read (only a row cut by a floor has one) and whose calcium enters by its moments only
  /// (spikes move it up). Atoms are kept. Before `finish`.
  void fold_above(double x);
  /// Must be called after the last `add*` and before `above`: builds the suffix sums.
  void finish();

  /// The part above the floor F: O(1) from the suffix sums plus the straddling row.
  AboveFloor above(double F) const noexcept;
  /// What `above` reads near the floor F (after `finish`).
  FloorWindow window(double F) const noexcept;

  /// Mass and moments (mass, s1, s2) in x.
  using Moments = PacketMoments;
  /// Of all the atoms (after `finish`).
  Moments atom_moments() const noexcept;
  /// Adds `weight` times the atoms of `other` (not its packets).
  void add_atoms(const CalciumPackets& other, double weight);
  /// Moves the mean of the atoms by `shift` with weights linear in x (their mass unchanged, each
  /// weight kept >= 0); returns the shift made (less than asked where a weight would turn negative; 0
  /// for fewer than two atoms). Before `finish`.
  double tilt_atoms(double shift);

  /// Every packet and atom (variance 0) as (mass, mean x, variance x): for snapshots and tests.
  struct Packet {
    double mass, mean, variance;
  };
  std::vector<Packet> packets() const;

private:
  using Row = Moments;
  /// Where a row's packet lies inside its row: [lo, hi] (infinite ends: the whole row).
  struct Extent {
    double lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
  };
  /// Packets one per row r / m: rows first .. first + size - 1, their extents (empty: all whole rows)
  /// and, after `finish`, their suffix sums (one extra zero entry at the end).
  struct RowSet {
    long m = 1;  // rows per unit
    long first = 0;
    std::vector<Row> rows;
    std::vector<Extent> extents;
    std::vector<Row> suffix;
    // Rows partial_first .. partial_last (absolute numbers r) are the only ones whose extent may be
    // narrower than their row: whole rows added to a set touch the extents there only.
    long partial_first = 0, partial_last = -1;

    bool empty() const noexcept { return rows.empty(); }
    long size() const noexcept { return static_cast<long>(rows.size()); }
    /// Row r, created (empty, whole) if needed.
    Row& at(long r);
    /// Adds mass f (moments s1, s2) lying in `e` to row r: its extent becomes the hull of both.
    void add(long r, double f, double s1, double s2, Extent e);
    /// Row index k's extent clipped to its row [lo, lo + 1 / m).
    Extent extent(long k) const noexcept;
    void widen(std::size_t k, Extent e, bool was_empty);
    /// The row numbers of [lo, hi] that may have a narrower extent (empty: hi < lo).
    std::pair<long, long> partial_within(long lo, long hi) const noexcept
    {
      return {std::max(lo, partial_first), std::min(hi, partial_last)};
    }
    double mass() const noexcept;
  };

  /// The row of `rows_` that holds row r of `set` (rows_ is as fine or coarser).
  long row_of(const RowSet& set, long r) const noexcept;
  /// The indices [begin, end) into `set` of the rows the floor F may cut: those before lie wholly below
  /// F and those from `end` on wholly above it, whatever the rounding of F m.
  std::pair<long, long> rows_cut_by(const RowSet& set, double F) const noexcept;
  /// Adds `weight` times the rows begin.. of `from` to `target` (extents: the hull of both).
  static void add_rows(RowSet& target, const RowSet& from, long begin, double weight);
  /// The shape of row `index` of `set` where it meets the floor (see the .cpp).
  FloorWindow::RowShape row_shape(const RowSet& set, long index) const noexcept;
  /// Adds `weight` times the part of `from` above F to rows_ (moved up by one if `moved_up`), each
  /// part cut at F declared to start at `support_from`.
  void add_set_above(const RowSet& from, double weight, double F, double support_from, bool moved_up);
  void add_part_above(const CalciumPackets& other, double weight, double F, double support_from, bool moved_up);
  double& atom_at(long k);
  /// The index into atoms_ of the first atom above F (atoms_.size() if none).
  long first_atom_above(double F) const noexcept;

  long m_ = 1;
  double origin_ = 0.0;
  // The continuous law in two sets of rows: `landings_`, the floor spikes of the newborn cells'
  // windows (each a linear density on [F(opened) + 1, F(closed) + 1], narrower than a row, held with
  // its extent until it reaches the floor), and `rows_`, the rest (the initial law, the spikes from
  // above the floor). Kept apart, each row's shape at the floor is that of one kind of content.
  RowSet rows_, landings_;
  long first_atom_ = 0;
  std::vector<double> atoms_;        // masses of the atoms first_atom_ .. first_atom_ + size - 1
  std::vector<Row> atom_suffix_;     // suffix sums of (mass, mass x, mass x^2)
  double below_ = 0.0;        // mass of the rows and atoms dropped below the floor
};

}  // namespace stf::solver
