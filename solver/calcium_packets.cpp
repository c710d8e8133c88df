// Calcium packets and atoms in the frame of the linear calcium leak (see the header).
#include "solver/calcium_packets.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>

namespace stf::solver {

namespace {

/// x0 + k, the position of atom k.
double atom_position(double origin, long k) noexcept { return origin + double(k); }

constexpr double infinity = std::numeric_limits<double>::infinity();

// A newborn cell's close mixes every cell's law (characteristic_newborn.cpp): at fine levels most of
// the run is spent in the sums below, bound by reading the laws' rows and atoms from memory. They are
// built twice, for the baseline x86-64 and for AVX2 (four doubles per instruction instead of two), and
// the loader picks the one the processor runs. AVX2 without FMA (and no AVX-512, which brings FMA): the
// same products and sums, rounded the same way, so a run's results do not depend on the machine.

/// target[k] += weight source[k], k < count (mass and both moments).
__attribute__((target_clones("avx2", "default"))) void add_weighted(PacketMoments* __restrict target,
                                                                    const PacketMoments* __restrict source,
                                                                    long count, double weight) noexcept
{
  for (long k = 0; k < count; ++k) {
    target[k].f += weight * source[k].f;
    target[k].s1 += weight * source[k].s1;
    target[k].s2 += weight * source[k].s2;
  }
}

/// The same for source moved up one unit, x -> x + 1: E[x + 1] = E[x] + 1, E[(x + 1)^2] = E[x^2] + 2 E[x] + 1.
__attribute__((target_clones("avx2", "default"))) void add_weighted_moved_up(
    PacketMoments* __restrict target, const PacketMoments* __restrict source, long count, double weight) noexcept
{
  for (long k = 0; k < count; ++k) {
    const PacketMoments& o = source[k];
    target[k].f += weight * o.f;
    target[k].s1 += weight * (o.s1 + o.f);
    target[k].s2 += weight * (o.s2 + 2.0 * o.s1 + o.f);
  }
}

/// target[k] += weight source[k], k < count (atoms' masses).
__attribute__((target_clones("avx2", "default"))) void add_weighted(double* __restrict target,
                                                                    const double* __restrict source, long count,
                                                                    double weight) noexcept
{
  for (long k = 0; k < count; ++k) target[k] += weight * source[k];
}

}  // namespace

// ---- RowSet ------------------------------------------------------------------------------------

CalciumPackets::Row& CalciumPackets::RowSet::at(long r)
{
  if (rows.empty()) {
    first = r;
    rows.resize(1);
    if (!extents.empty()) extents.assign(1, Extent{});
    return rows.front();
  }
  if (r < first) {
    rows.insert(rows.begin(), static_cast<std::size_t>(first - r), Row{});
    if (!extents.empty()) extents.insert(extents.begin(), static_cast<std::size_t>(first - r), Extent{});
    first = r;
  }
  const auto index = static_cast<std::size_t>(r - first);
  if (index >= rows.size()) {
    rows.resize(index + 1);
    if (!extents.empty()) extents.resize(index + 1);
  }
  return rows[index];
}

void CalciumPackets::RowSet::add(long r, double f, double s1, double s2, Extent e)
{
  Row& row = at(r);
  const bool was_empty = !(row.f > 0.0);
  row.f += f;
  row.s1 += s1;
  row.s2 += s2;
  const bool whole = std::isinf(e.lo) && std::isinf(e.hi);
  if (extents.empty() && (whole || !was_empty)) return;  // whole rows need no extents
  extents.resize(rows.size());
  widen(static_cast<std::size_t>(r - first), e, was_empty);
}

void CalciumPackets::RowSet::widen(std::size_t k, Extent e, bool was_empty)
{
  Extent& x = extents[k];
  if (was_empty) {
    x = e;
  } else {
    x.lo = std::min(x.lo, e.lo);
    x.hi = std::max(x.hi, e.hi);
  }
  if (std::isinf(x.lo) && std::isinf(x.hi)) return;
  const long r = first + static_cast<long>(k);
  if (partial_last < partial_first) {
    partial_first = partial_last = r;
  } else {
    partial_first = std::min(partial_first, r);
    partial_last = std::max(partial_last, r);
  }
}

CalciumPackets::Extent CalciumPackets::RowSet::extent(long k) const noexcept
{
  const double h = 1.0 / double(m), row_lo = double(first + k) * h;
  Extent e{row_lo, row_lo + h};
  if (!extents.empty()) {
    const Extent& x = extents[static_cast<std::size_t>(k)];
    e.lo = std::max(e.lo, x.lo);
    e.hi = std::min(e.hi, x.hi);
  }
  return e;
}

double CalciumPackets::RowSet::mass() const noexcept
{
  double f = 0.0;
  for (const Row& r : rows) f += r.f;
  return f;
}

// ---- CalciumPackets ----------------------------------------------------------------------------

double CalciumPackets::total_mass() const noexcept
{
  auto front = [](const std::vector<Row>& suffix) { return suffix.empty() ? 0.0 : suffix.front().f; };
  return below_ + front(rows_.suffix) + front(landings_.suffix) + front(atom_suffix_);
}

double& CalciumPackets::atom_at(long k)
{
  if (std::isnan(origin_)) throw std::logic_error("CalciumPackets: an atom in a law without an atom lattice");
  if (atoms_.empty()) {
    first_atom_ = k;
    atoms_.resize(1, 0.0);
    return atoms_.front();
  }
  if (k < first_atom_) {
    atoms_.insert(atoms_.begin(), static_cast<std::size_t>(first_atom_ - k), 0.0);
    first_atom_ = k;
  }
  const auto index = static_cast<std::size_t>(k - first_atom_);
  if (index >= atoms_.size()) atoms_.resize(index + 1, 0.0);
  return atoms_[index];
}

void CalciumPackets::add(double f, double s1, double s2)
{
  if (!(f > 0.0)) return;
  rows_.add(static_cast<long>(std::floor(s1 / f * double(m_))), f, s1, s2, Extent{});
}

void CalciumPackets::add_spread(double f, double s1, double lo, double hi)
{
  if (!(f > 0.0)) return;
  const double w = hi - lo;
  if (!(w > 1e-12 * std::max(1.0, std::fabs(hi)))) {
    const double x = s1 / f;
    landings_.add(static_cast<long>(std::floor(x * double(landings_.m))), f, s1, f * x * x, Extent{x, x});
    return;
  }
  // g(x) = f / w (1 + kappa y), y = x - mid, kappa = 12 d / w^2, d the mean's offset from mid
  // (clipped to [-w/6, w/6], where g >= 0). A piece [p, q] has, in powers of y,
  //   m0 = f/w [y + kappa y^2/2],  m1 = f/w [y^2/2 + kappa y^3/3],  m2 = f/w [y^3/3 + kappa y^4/4]
  // between its ends, and in x: s1 = mid m0 + m1, s2 = mid^2 m0 + 2 mid m1 + m2.
  const double mid = 0.5 * (lo + hi), d = std::clamp(s1 / f - mid, -w / 6.0, w / 6.0), kappa = 12.0 * d / (w * w);
  auto primitive = [&](double y) {
    const double y2 = y * y, y3 = y2 * y;
    return Row{f / w * (y + kappa * y2 / 2.0), f / w * (y2 / 2.0 + kappa * y3 / 3.0),
               f / w * (y3 / 3.0 + kappa * y3 * y / 4.0)};
  };
  const double m = double(landings_.m);
  const long first = static_cast<long>(std::floor(lo * m));
  const long last = static_cast<long>(std::floor(hi * m));
  Row previous = primitive(lo - mid);
  double placed = 0.0;
  for (long r = first; r <= last; ++r) {
    const double p = std::max(lo, double(r) / m), q = r == last ? hi : std::min(hi, double(r + 1) / m);
    const Row next = primitive(q - mid);
    double m0 = next.f - previous.f;
    const double m1 = next.s1 - previous.s1, m2 = next.s2 - previous.s2;
    if (r == last) m0 = f - placed;  // the masses sum to f to rounding
    previous = next;
    if (!(m0 > 0.0)) continue;
    placed += m0;
    // The piece lies in [p, q]: its row keeps that extent (row_shape).
    landings_.add(r, m0, mid * m0 + m1, mid * mid * m0 + 2.0 * mid * m1 + m2, Extent{p, q});
  }
}

void CalciumPackets::add_atom(long k, double f)
{
  if (!(f > 0.0)) return;
  atom_at(k) += f;
}

void CalciumPackets::add_scaled(const CalciumPackets& other, double weight)
{
  if (!(weight > 0.0)) return;
  below_ += weight * other.below_;
  add_rows(rows_, other.rows_, 0, weight);
  add_rows(landings_, other.landings_, 0, weight);
  add_atoms(other, weight);
}

void CalciumPackets::add_scaled_above(const CalciumPackets& other, double weight, double F)
{
  if (!(weight > 0.0)) return;
  if (other.m_ != m_) throw std::invalid_argument("CalciumPackets: mixing laws with different rows per unit");
  below_ += weight * other.below_;
  for (auto [target, from] : {std::pair{&rows_, &other.rows_}, std::pair{&landings_, &other.landings_}}) {
    if (from->empty()) continue;
    const auto [straddle_begin, above_begin] = rows_cut_by(*from, F);
    for (long k = 0; k < straddle_begin; ++k) below_ += weight * from->rows[static_cast<std::size_t>(k)].f;
    for (long k = straddle_begin; k < above_begin; ++k) {
      const FloorWindow::RowShape shape = other.row_shape(*from, k);
      const Row a = FloorWindow::part_above(shape, F);
      below_ += weight * std::max(shape.row.f - a.f, 0.0);
      if (!(a.f > 0.0)) continue;
      const Extent e = shape.point ? Extent{shape.mean, shape.mean} : Extent{std::max(F, shape.lo), shape.hi};
      target->add(from->first + k, weight * a.f, weight * a.s1, weight * a.s2, e);
    }
    add_rows(*target, *from, above_begin, weight);
  }
  add_atoms(other, weight);
}

long CalciumPackets::row_of(const RowSet& set, long r) const noexcept
{
  const long q = set.m / m_;  // rows_ holds q rows of `set` (a power of two)
  return r >= 0 ? r / q : -((-r + q - 1) / q);
}

std::pair<long, long> CalciumPackets::rows_cut_by(const RowSet& set, double F) const noexcept
{
  // The floor lies in row floor(F m) or, by the rounding of F m, in one of its neighbours.
  const long n = set.size(), floor_index = static_cast<long>(std::floor(F * double(set.m))) - set.first;
  return {std::clamp(floor_index - 1, 0L, n), std::clamp(floor_index + 2, 0L, n)};
}

void CalciumPackets::add_rows(RowSet& target, const RowSet& from, long begin, double weight)
{
  const long n = from.size();
  if (begin >= n) return;
  const long lo = from.first + begin, hi = from.first + n - 1;
  target.at(lo);  // one insertion at the front, not one per row
  target.at(hi);
  const auto offset = static_cast<std::size_t>(lo - target.first);
  const Row* source = from.rows.data() + begin;
  if (!target.extents.empty() || !from.extents.empty()) {
    // Only rows that may be partial in either set change an extent: the hull of both.
    target.extents.resize(target.rows.size());
    auto [a, b] = target.partial_within(lo, hi);
    const auto [c, d] = from.partial_within(lo, hi);
    if (b < a) std::tie(a, b) = std::pair{c, d};  // the hull of the ranges that are not empty
    else if (c <= d) std::tie(a, b) = std::pair{std::min(a, c), std::max(b, d)};
    for (long r = a; r <= b; ++r) {
      const auto k = static_cast<std::size_t>(r - lo);
      if (source[k].f > 0.0)
        target.widen(offset + k, from.extents.empty() ? Extent{} : from.extents[static_cast<std::size_t>(r - from.first)],
                     !(target.rows[offset + k].f > 0.0));
    }
  }
  add_weighted(target.rows.data() + offset, source, n - begin, weight);
}

void CalciumPackets::add_atoms(const CalciumPackets& other, double weight)
{
  if (!(weight > 0.0)) return;
  if (!other.atoms_.empty()) {
    atom_at(other.first_atom_);
    atom_at(other.first_atom_ + static_cast<long>(other.atoms_.size()) - 1);
    add_weighted(atoms_.data() + (other.first_atom_ - first_atom_), other.atoms_.data(),
                 static_cast<long>(other.atoms_.size()), weight);
  }
}

double CalciumPackets::tilt_atoms(double shift)
{
  // Weights a_k (1 + lambda (x_k - mean)) keep the atoms' mass and move their mean by lambda times
  // their variance; lambda is bounded where a weight would turn negative.
  double f = 0.0, s1 = 0.0, s2 = 0.0;
  for (std::size_t k = 0; k < atoms_.size(); ++k) {
    const double x = atom_position(origin_, first_atom_ + static_cast<long>(k)), a = atoms_[k];
    f += a;
    s1 += a * x;
    s2 += a * x * x;
  }
  if (!(f > 0.0) || shift == 0.0) return 0.0;
  const double mean = s1 / f, variance = s2 / f - mean * mean;
  if (!(variance > 1e-12 * (1.0 + mean * mean))) return 0.0;
  double lambda = shift / variance;
  for (std::size_t k = 0; k < atoms_.size(); ++k) {
    if (!(atoms_[k] > 0.0)) continue;
    const double d = atom_position(origin_, first_atom_ + static_cast<long>(k)) - mean;
    if (lambda * d < -1.0) lambda = -1.0 / d;
  }
  for (std::size_t k = 0; k < atoms_.size(); ++k)
    atoms_[k] *= 1.0 + lambda * (atom_position(origin_, first_atom_ + static_cast<long>(k)) - mean);
  return lambda * variance;
}

void CalciumPackets::add_spiked_above(const CalciumPackets& other, double weight, double F)
{
  add_part_above(other, weight, F, F, true);
}

void CalciumPackets::add_above(const CalciumPackets& other, double weight, double F, double support_from)
{
  add_part_above(other, weight, F, support_from, false);
}

void CalciumPackets::move_up_one()
{
  // x -> x + 1: E[x + 1] = E[x] + 1, E[(x + 1)^2] = E[x^2] + 2 E[x] + 1; row r becomes row r + m,
  // atom k atom k + 1.
  for (RowSet* set : {&rows_, &landings_}) {
    for (Row& r : set->rows) {
      r.s2 += 2.0 * r.s1 + r.f;
      r.s1 += r.f;
    }
    for (Extent& e : set->extents) {
      e.lo += 1.0;
      e.hi += 1.0;
    }
    if (!set->empty()) set->first += set->m;
    set->partial_first += set->m;
    set->partial_last += set->m;
  }
  if (!atoms_.empty()) first_atom_ += 1;
}

void CalciumPackets::add_part_above(const CalciumPackets& other, double weight, double F, double support_from,
                                    bool moved_up)
{
  if (!(weight > 0.0)) return;
  if (other.m_ != m_) throw std::invalid_argument("CalciumPackets: mixing laws with different rows per unit");
  const long shift = moved_up ? 1 : 0;
  // Atoms above the floor, to the next atom of the lattice if moved up (the targets allocated once).
  const long n_atoms = static_cast<long>(other.atoms_.size());
  const long first_above = other.first_atom_above(F);
  if (first_above < n_atoms) {
    atom_at(other.first_atom_ + first_above + shift);
    atom_at(other.first_atom_ + n_atoms - 1 + shift);
    add_weighted(atoms_.data() + (other.first_atom_ + first_above + shift - first_atom_),
                 other.atoms_.data() + first_above, n_atoms - first_above, weight);
  }
  // Both kinds of rows of `other` become rows of this law: what spiked from above the floor.
  add_set_above(other.rows_, weight, F, support_from, moved_up);
  add_set_above(other.landings_, weight, F, support_from, moved_up);
}

void CalciumPackets::add_set_above(const RowSet& from, double weight, double F, double support_from, bool moved_up)
{
  if (from.empty()) return;
  const long shift = moved_up ? 1 : 0, n = from.size();
  // Adds a part `a` of row k of `from`, lying in `e` before the move, to the row of rows_ that holds
  // it: x -> x + 1 moves it m rows up, with E[x + 1] = E[x] + 1, E[(x + 1)^2] = E[x^2] + 2 E[x] + 1.
  auto place = [&](long k, const Row& a, Extent e) {
    const long r = row_of(from, from.first + k) + shift * m_;
    e.lo += double(shift);
    e.hi += double(shift);
    if (moved_up)
      rows_.add(r, weight * a.f, weight * (a.s1 + a.f), weight * (a.s2 + 2.0 * a.s1 + a.f), e);
    else
      rows_.add(r, weight * a.f, weight * a.s1, weight * a.s2, e);
  };
  // Only the rows the floor may cut go through the shape rule.
  const auto [straddle_begin, above_begin] = rows_cut_by(from, F);
  for (long k = straddle_begin; k < above_begin; ++k) {
    const FloorWindow::RowShape shape = row_shape(from, k);
    const Row a = FloorWindow::part_above(shape, F);
    if (!(a.f > 0.0)) continue;
    // The part lies in [max(F, lo), hi] of its shape, declared from support_from (<= F) up.
    place(k, a, shape.point ? Extent{shape.mean, shape.mean} : Extent{std::max(support_from, shape.lo), shape.hi});
  }
  if (above_begin >= n) return;
  if (from.m != m_) {
    // Finer rows (landings): each to the row that holds it, with its extent (its part of that row).
    for (long k = above_begin; k < n; ++k)
      if (from.rows[static_cast<std::size_t>(k)].f > 0.0) place(k, from.rows[static_cast<std::size_t>(k)], from.extent(k));
    return;
  }
  // Whole rows: row k lands on row k (+ m if moved up, with the same moment rule). The target rows
  // are allocated once.
  const long first_target = from.first + above_begin + shift * m_;
  rows_.at(first_target);
  rows_.at(from.first + n - 1 + shift * m_);
  Row* target = rows_.rows.data() + (first_target - rows_.first);
  const Row* source = from.rows.data() + above_begin;
  const long count = n - above_begin;
  if (!rows_.extents.empty()) {
    // Rows wholly above the floor are added as whole rows (a mixture of many cells' parts fills
    // them): only the target rows that may be narrower change, to the whole row.
    rows_.extents.resize(rows_.rows.size());
    const auto [a, b] = rows_.partial_within(first_target, first_target + count - 1);
    for (long r = a; r <= b; ++r) {
      const long k = r - first_target;
      if (source[k].f > 0.0) rows_.widen(static_cast<std::size_t>(r - rows_.first), Extent{}, !(target[k].f > 0.0));
    }
  }
  // The newborn cell's mixture is moved up once, afterwards (move_up_one): half the arithmetic here.
  if (moved_up) add_weighted_moved_up(target, source, count, weight);
  else add_weighted(target, source, count, weight);
}

void CalciumPackets::add_continuous_like(const CalciumPackets& shape, double f, double s1, double s2)
{
  if (!(f > 0.0)) return;
  double shape_f = 0.0, shape_s1 = 0.0;
  for (const RowSet* set : {&shape.rows_, &shape.landings_})
    for (const Row& r : set->rows) {
      shape_f += r.f;
      shape_s1 += r.s1;
    }
  if (!(shape_f > 0.0)) {
    add(f, s1, s2);
    return;
  }
  const double scale = f / shape_f, shift = s1 / f - shape_s1 / shape_f;
  // x -> x + shift: E[x + s] = E[x] + s, E[(x + s)^2] = E[x^2] + 2 s E[x] + s^2. Each packet keeps its
  // extent, moved by the shift, in the row of its new mean (row_shape clips it to that row).
  for (const RowSet* set : {&shape.rows_, &shape.landings_})
    for (std::size_t k = 0; k < set->rows.size(); ++k) {
      const Row& r = set->rows[k];
      if (!(r.f > 0.0)) continue;
      const Extent e = set->extents.empty() ? Extent{} : set->extents[k];
      rows_.add(static_cast<long>(std::floor((r.s1 / r.f + shift) * double(m_))), scale * r.f,
                scale * (r.s1 + shift * r.f), scale * (r.s2 + 2.0 * shift * r.s1 + shift * shift * r.f),
                Extent{e.lo + shift, e.hi + shift});
    }
}

void CalciumPackets::normalise()
{
  double total = below_ + rows_.mass() + landings_.mass();
  for (double a : atoms_) total += a;
  if (!(total > 0.0)) return;
  below_ /= total;
  for (RowSet* set : {&rows_, &landings_})
    for (Row& r : set->rows) {
      r.f /= total;
      r.s1 /= total;
      r.s2 /= total;
    }
  for (double& a : atoms_) a /= total;
}

void CalciumPackets::drop_below(double F)
{
  // Row r lies wholly below F when (r + 1) / m <= F; keep one row of margin for rounding.
  for (RowSet* set : {&rows_, &landings_}) {
    const long first_kept = static_cast<long>(std::floor(F * double(set->m))) - 1;
    if (set->empty() || first_kept <= set->first) continue;
    const auto drop = static_cast<std::size_t>(std::min<long>(first_kept - set->first, set->size()));
    for (std::size_t k = 0; k < drop; ++k) below_ += set->rows[k].f;
    set->rows.erase(set->rows.begin(), set->rows.begin() + static_cast<long>(drop));
    if (!set->extents.empty()) set->extents.erase(set->extents.begin(), set->extents.begin() + static_cast<long>(drop));
    set->first += static_cast<long>(drop);
  }
  // Atoms at or below the floor (their c is 0: they are on it).
  if (!atoms_.empty()) {
    const auto drop = static_cast<std::size_t>(first_atom_above(F));
    for (std::size_t k = 0; k < drop; ++k) below_ += atoms_[k];
    atoms_.erase(atoms_.begin(), atoms_.begin() + static_cast<long>(drop));
    first_atom_ += static_cast<long>(drop);
  }
}

void CalciumPackets::fold_above(double x)
{
  if (!(x * double(m_) < 1e15)) return;  // (nothing to fold, and no row number that far)
  const long top = static_cast<long>(std::ceil(x * double(m_)));
  Row sum{};
  bool folded = false;
  for (RowSet* set : {&rows_, &landings_}) {
    const long from = std::max(static_cast<long>(std::ceil(x * double(set->m))) - set->first, 0L);
    if (from >= set->size()) continue;
    for (long k = from; k < set->size(); ++k) {
      sum.f += set->rows[static_cast<std::size_t>(k)].f;
      sum.s1 += set->rows[static_cast<std::size_t>(k)].s1;
      sum.s2 += set->rows[static_cast<std::size_t>(k)].s2;
    }
    set->rows.resize(static_cast<std::size_t>(from));
    if (!set->extents.empty()) set->extents.resize(static_cast<std::size_t>(from));
    folded = true;
  }
  if (folded && sum.f > 0.0) rows_.add(top, sum.f, sum.s1, sum.s2, Extent{});
}

void CalciumPackets::finish()
{
  // The top tails (Poisson-like in the number of spikes) fall below 1e-300 within a few dozen units;
  // rows and atoms whose whole tail holds less than 1e-18 of the mass change no digit: they are cut.
  double total = below_ + rows_.mass() + landings_.mass();
  for (double a : atoms_) total += a;
  const double negligible = 1e-18 * total;
  for (RowSet* set : {&rows_, &landings_}) {
    for (double tail = 0.0; !set->empty() && tail + set->rows.back().f < negligible;) {
      tail += set->rows.back().f;
      set->rows.pop_back();
    }
    if (!set->extents.empty()) set->extents.resize(set->rows.size());
    set->suffix.assign(set->rows.size() + 1, Row{});
    for (std::size_t k = set->rows.size(); k-- > 0;) {
      set->suffix[k].f = set->suffix[k + 1].f + set->rows[k].f;
      set->suffix[k].s1 = set->suffix[k + 1].s1 + set->rows[k].s1;
      set->suffix[k].s2 = set->suffix[k + 1].s2 + set->rows[k].s2;
    }
  }
  for (double tail = 0.0; !atoms_.empty() && tail + atoms_.back() < negligible;) {
    tail += atoms_.back();
    atoms_.pop_back();
  }
  atom_suffix_.assign(atoms_.size() + 1, Row{});
  for (std::size_t k = atoms_.size(); k-- > 0;) {
    const double x = atom_position(origin_, first_atom_ + static_cast<long>(k)), a = atoms_[k];
    atom_suffix_[k].f = atom_suffix_[k + 1].f + a;
    atom_suffix_[k].s1 = atom_suffix_[k + 1].s1 + a * x;
    atom_suffix_[k].s2 = atom_suffix_[k + 1].s2 + a * x * x;
  }
}

long CalciumPackets::first_atom_above(double F) const noexcept
{
  const long n = static_cast<long>(atoms_.size());
  if (n == 0) return 0;
  // Atom k is above the floor when x0 + k > F: k > F - x0.
  long k = std::clamp(static_cast<long>(std::floor(F - origin_)) + 1 - first_atom_, 0L, n);
  while (k > 0 && atom_position(origin_, first_atom_ + k - 1) > F) --k;
  while (k < n && !(atom_position(origin_, first_atom_ + k) > F)) ++k;
  return k;
}

FloorWindow::RowShape CalciumPackets::row_shape(const RowSet& set, long index) const noexcept
{
  if (index < 0 || index >= set.size()) return {};
  FloorWindow::RowShape shape;
  shape.row = set.rows[static_cast<std::size_t>(index)];
  const Row& row = shape.row;
  if (!(row.f > 0.0)) return {};
  shape.mean = row.s1 / row.f;
  // The packet lies in its extent (the whole row unless it was added narrower: a window's floor
  // landings, the part above a floor); a mean outside it by rounding gives the whole row.
  Extent e = set.extent(index);
  if (!(e.lo <= shape.mean && shape.mean <= e.hi)) {
    e.lo = double(set.first + index) / double(set.m);
    e.hi = double(set.first + index + 1) / double(set.m);
  }
  const double lo = e.lo, hi = e.hi, h = hi - lo;
  // The packet's shape where it meets the floor: the linear density of its mass and mean on its
  // extent, f / h (1 + 12 d (x - mid) / h^2) with d = mean - mid, non-negative while |d| <= h / 6;
  // beyond, the triangle of that mass and mean against the extent's nearer edge (the limit of the
  // same family, zero at its far end). The part above a floor F is then continuous and
  // differentiable in F inside the extent. A jump of the density at the floor costs the Runge-Kutta
  // step that passes it an O(dt^2) error, and the floor passes beta m row edges per unit time: a jump
  // of O(1) inside every row (as a uniform shape on mean +- sqrt(3) sd had) is first order in all,
  // the O(h) jumps between the linear shapes of neighbouring rows of a smooth law second order.
  const double d = shape.mean - (lo + 0.5 * h);
  if (d > h / 6.0) {
    shape.lo = hi - 3.0 * (hi - shape.mean);
    shape.hi = hi;
  } else if (d < -h / 6.0) {
    shape.lo = lo;
    shape.hi = lo + 3.0 * (shape.mean - lo);
  } else {
    shape.lo = lo;
    shape.hi = hi;
  }
  const double w = shape.hi - shape.lo;
  shape.point = !(w > 1e-14 * std::max(1.0, std::fabs(shape.mean)));
  if (!shape.point) shape.slope = 12.0 * (shape.mean - 0.5 * (shape.lo + shape.hi)) / (w * w);
  return shape;
}

FloorWindow CalciumPackets::window(double F) const noexcept
{
  FloorWindow v;
  // It holds while the floor stays in its row, or in its landing row where landing rows lie near that
  // row (within two landing rows of it; elsewhere the landings above or below the floor are the same
  // for every floor in the row).
  v.rows_per_unit_ = m_;
  if (!landings_.empty()) {
    const long q = landings_.m / m_, row = static_cast<long>(std::floor(F * double(m_)));
    const long near_lo = row * q - 2, near_hi = (row + 1) * q + 1;
    if (landings_.first <= near_hi && landings_.first + landings_.size() - 1 >= near_lo) v.rows_per_unit_ = landings_.m;
  }
  v.total_ = total_mass();
  v.floor_row_ = static_cast<long>(std::floor(F * double(v.rows_per_unit_)));
  for (const RowSet* set : {&rows_, &landings_}) {
    if (set->empty()) continue;
    const long n = set->size(), index = static_cast<long>(std::floor(F * double(set->m))) - set->first;
    v.has_rows_ = true;
    Row tail;
    if (index < -1) {
      tail = set->suffix.front();
    } else if (index <= n) {
      // Rows index - 1 .. index + 1 through the shape rule (the floor is in one of them, whatever the
      // rounding of F * m); the rows after them are wholly above the floor.
      const long end = std::min(index + 2, n);
      tail = set->suffix[static_cast<std::size_t>(std::max(end, 0L))];
      for (long k = std::max(index - 1, 0L); k < end; ++k) v.shapes_[v.shape_count_++] = row_shape(*set, k);
    }
    v.tail_.f += tail.f;
    v.tail_.s1 += tail.s1;
    v.tail_.s2 += tail.s2;
  }
  if (!atoms_.empty()) {
    // Atom k is above the floor when its position is > F: the same atoms are above every floor in
    // [position of the last one below, position of the first one above).
    const long first = first_atom_above(F), n = static_cast<long>(atoms_.size());
    v.has_atoms_ = true;
    v.atoms_above_ = atom_suffix_[static_cast<std::size_t>(first)];
    v.atoms_from_ = first > 0 ? atom_position(origin_, first_atom_ + first - 1) : -infinity;
    v.atoms_until_ = first < n ? atom_position(origin_, first_atom_ + first) : infinity;
  }
  return v;
}

AboveFloor CalciumPackets::above(double F) const noexcept { return window(F).above(F); }

CalciumPackets::Moments CalciumPackets::atom_moments() const noexcept
{
  return atom_suffix_.empty() ? Moments{} : atom_suffix_.front();
}

std::vector<CalciumPackets::Packet> CalciumPackets::packets() const
{
  std::vector<Packet> out;
  for (const RowSet* set : {&rows_, &landings_})
    for (const Row& r : set->rows)
      if (r.f > 0.0) {
        const double mean = r.s1 / r.f;
        out.push_back({r.f, mean, std::max(r.s2 / r.f - mean * mean, 0.0)});
      }
  for (std::size_t k = 0; k < atoms_.size(); ++k)
    if (atoms_[k] > 0.0) out.push_back({atoms_[k], atom_position(origin_, first_atom_ + static_cast<long>(k)), 0.0});
  return out;
}

}  // namespace stf::solver
