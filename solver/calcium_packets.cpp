// Calcium packets and atoms in the frame of the linear calcium leak (see the header).
#include "solver/calcium_packets.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace stf::solver {

namespace {

/// x0 + k, the position of atom k.
double atom_position(double origin, long k) noexcept { return origin + double(k); }

}  // namespace

double CalciumPackets::total_mass() const noexcept
{
  return below_ + (suffix_.empty() ? 0.0 : suffix_.front().f) + (atom_suffix_.empty() ? 0.0 : atom_suffix_.front().f);
}

CalciumPackets::Row& CalciumPackets::row_at(long r)
{
  if (rows_.empty()) {
    first_row_ = r;
    rows_.resize(1);
    return rows_.front();
  }
  if (r < first_row_) {
    rows_.insert(rows_.begin(), static_cast<std::size_t>(first_row_ - r), Row{});
    first_row_ = r;
  }
  const auto index = static_cast<std::size_t>(r - first_row_);
  if (index >= rows_.size()) rows_.resize(index + 1);
  return rows_[index];
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
  const double mean = s1 / f;
  Row& row = row_at(static_cast<long>(std::floor(mean * double(m_))));
  row.f += f;
  row.s1 += s1;
  row.s2 += s2;
}

void CalciumPackets::add_spread(double f, double s1, double lo, double hi)
{
  if (!(f > 0.0)) return;
  const double w = hi - lo;
  if (!(w > 1e-12 * std::max(1.0, std::fabs(hi)))) {
    const double x = s1 / f;
    add(f, s1, f * x * x);
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
  const long first = static_cast<long>(std::floor(lo * double(m_)));
  const long last = static_cast<long>(std::floor(hi * double(m_)));
  Row previous = primitive(lo - mid);
  double placed = 0.0;
  for (long r = first; r <= last; ++r) {
    const double q = r == last ? hi : std::min(hi, double(r + 1) / double(m_));
    const Row next = primitive(q - mid);
    double m0 = next.f - previous.f;
    const double m1 = next.s1 - previous.s1, m2 = next.s2 - previous.s2;
    if (r == last) m0 = f - placed;  // the masses sum to f to rounding
    previous = next;
    if (!(m0 > 0.0)) continue;
    placed += m0;
    Row& row = row_at(r);
    row.f += m0;
    row.s1 += mid * m0 + m1;
    row.s2 += mid * mid * m0 + 2.0 * mid * m1 + m2;
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
  if (!other.rows_.empty()) {
    row_at(other.first_row_);  // one insertion at the front, not one per row
    row_at(other.first_row_ + static_cast<long>(other.rows_.size()) - 1);
    Row* target = rows_.data() + (other.first_row_ - first_row_);
    for (const Row& o : other.rows_) {
      target->f += weight * o.f;
      target->s1 += weight * o.s1;
      target->s2 += weight * o.s2;
      ++target;
    }
  }
  add_atoms(other, weight);
}

void CalciumPackets::add_atoms(const CalciumPackets& other, double weight)
{
  if (!(weight > 0.0)) return;
  if (!other.atoms_.empty()) {
    atom_at(other.first_atom_);
    atom_at(other.first_atom_ + static_cast<long>(other.atoms_.size()) - 1);
    double* target = atoms_.data() + (other.first_atom_ - first_atom_);
    for (double a : other.atoms_) *target++ += weight * a;
  }
}

void CalciumPackets::add_spiked_above(const CalciumPackets& other, double weight, double F)
{
  add_part_above(other, weight, F, true);
}

void CalciumPackets::add_above(const CalciumPackets& other, double weight, double F)
{
  add_part_above(other, weight, F, false);
}

void CalciumPackets::move_up_one()
{
  // x -> x + 1: E[x + 1] = E[x] + 1, E[(x + 1)^2] = E[x^2] + 2 E[x] + 1; row r becomes row r + m,
  // atom k atom k + 1.
  for (Row& r : rows_) {
    r.s2 += 2.0 * r.s1 + r.f;
    r.s1 += r.f;
  }
  if (!rows_.empty()) first_row_ += m_;
  if (!atoms_.empty()) first_atom_ += 1;
}

void CalciumPackets::add_part_above(const CalciumPackets& other, double weight, double F, bool moved_up)
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
    double* target = atoms_.data() + (other.first_atom_ + first_above + shift - first_atom_);
    for (long k = first_above; k < n_atoms; ++k) *target++ += weight * other.atoms_[static_cast<std::size_t>(k)];
  }
  if (other.rows_.empty()) return;
  const long n = static_cast<long>(other.rows_.size());
  // Rows before `floor_index - 1` lie wholly below the floor, rows from `floor_index + 2` on wholly
  // above it (whatever the rounding of F * m); only the rows between go through the shape rule.
  const long floor_index = static_cast<long>(std::floor(F * double(m_))) - other.first_row_;
  const long straddle_begin = std::clamp(floor_index - 1, 0L, n), above_begin = std::clamp(floor_index + 2, 0L, n);
  for (long k = straddle_begin; k < above_begin; ++k) {
    const Row a = other.row_above(k, F);
    if (!(a.f > 0.0)) continue;
    // x -> x + 1: E[x + 1] = E[x] + 1, E[(x + 1)^2] = E[x^2] + 2 E[x] + 1.
    if (moved_up)
      add(weight * a.f, weight * (a.s1 + a.f), weight * (a.s2 + 2.0 * a.s1 + a.f));
    else
      add(weight * a.f, weight * a.s1, weight * a.s2);
  }
  if (above_begin >= n) return;
  // Whole rows: row k of `other` lands on its row k (+ m if moved up, with the same moment rule). The
  // target rows are allocated once.
  const long first_target = other.first_row_ + above_begin + shift * m_;
  row_at(first_target);
  row_at(other.first_row_ + n - 1 + shift * m_);
  Row* target = rows_.data() + (first_target - first_row_);
  const Row* from = other.rows_.data() + above_begin;
  const long count = n - above_begin;
  if (moved_up) {
    for (long k = 0; k < count; ++k) {
      const Row& o = from[k];
      target[k].f += weight * o.f;
      target[k].s1 += weight * (o.s1 + o.f);
      target[k].s2 += weight * (o.s2 + 2.0 * o.s1 + o.f);
    }
  } else {
    // The newborn cell's mixture: moved up once, afterwards (move_up_one), half the arithmetic here.
    for (long k = 0; k < count; ++k) {
      target[k].f += weight * from[k].f;
      target[k].s1 += weight * from[k].s1;
      target[k].s2 += weight * from[k].s2;
    }
  }
}

void CalciumPackets::add_continuous_like(const CalciumPackets& shape, double f, double s1, double s2)
{
  if (!(f > 0.0)) return;
  double shape_f = 0.0, shape_s1 = 0.0;
  for (const Row& r : shape.rows_) {
    shape_f += r.f;
    shape_s1 += r.s1;
  }
  if (!(shape_f > 0.0)) {
    add(f, s1, s2);
    return;
  }
  const double scale = f / shape_f, shift = s1 / f - shape_s1 / shape_f;
  // x -> x + shift: E[x + s] = E[x] + s, E[(x + s)^2] = E[x^2] + 2 s E[x] + s^2.
  for (const Row& r : shape.rows_)
    if (r.f > 0.0)
      add(scale * r.f, scale * (r.s1 + shift * r.f), scale * (r.s2 + 2.0 * shift * r.s1 + shift * shift * r.f));
}

void CalciumPackets::normalise()
{
  double total = below_;
  for (const Row& r : rows_) total += r.f;
  for (double a : atoms_) total += a;
  if (!(total > 0.0)) return;
  below_ /= total;
  for (Row& r : rows_) {
    r.f /= total;
    r.s1 /= total;
    r.s2 /= total;
  }
  for (double& a : atoms_) a /= total;
}

void CalciumPackets::drop_below(double F)
{
  // Row r lies wholly below F when (r + 1) / m <= F; keep one row of margin for rounding.
  const long first_kept = static_cast<long>(std::floor(F * double(m_))) - 1;
  if (!rows_.empty() && first_kept > first_row_) {
    const auto drop =
        static_cast<std::size_t>(std::min<long>(first_kept - first_row_, static_cast<long>(rows_.size())));
    for (std::size_t k = 0; k < drop; ++k) below_ += rows_[k].f;
    rows_.erase(rows_.begin(), rows_.begin() + static_cast<long>(drop));
    first_row_ += static_cast<long>(drop);
  }
  // Atoms at or below the floor (their c is 0: they are on it).
  if (!atoms_.empty()) {
    const auto drop = static_cast<std::size_t>(first_atom_above(F));
    for (std::size_t k = 0; k < drop; ++k) below_ += atoms_[k];
    atoms_.erase(atoms_.begin(), atoms_.begin() + static_cast<long>(drop));
    first_atom_ += static_cast<long>(drop);
  }
}

void CalciumPackets::finish()
{
  // The top tails (Poisson-like in the number of spikes) fall below 1e-300 within a few dozen units;
  // rows and atoms whose whole tail holds less than 1e-18 of the mass change no digit: they are cut.
  double total = below_;
  for (const Row& r : rows_) total += r.f;
  for (double a : atoms_) total += a;
  const double negligible = 1e-18 * total;
  for (double tail = 0.0; !rows_.empty() && tail + rows_.back().f < negligible;) {
    tail += rows_.back().f;
    rows_.pop_back();
  }
  for (double tail = 0.0; !atoms_.empty() && tail + atoms_.back() < negligible;) {
    tail += atoms_.back();
    atoms_.pop_back();
  }
  suffix_.assign(rows_.size() + 1, Row{});
  for (std::size_t k = rows_.size(); k-- > 0;) {
    suffix_[k].f = suffix_[k + 1].f + rows_[k].f;
    suffix_[k].s1 = suffix_[k + 1].s1 + rows_[k].s1;
    suffix_[k].s2 = suffix_[k + 1].s2 + rows_[k].s2;
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

FloorWindow::RowShape CalciumPackets::row_shape(long index) const noexcept
{
  if (index < 0 || index >= static_cast<long>(rows_.size())) return {};
  FloorWindow::RowShape shape;
  shape.row = rows_[static_cast<std::size_t>(index)];
  const Row& row = shape.row;
  if (!(row.f > 0.0)) return {};
  const double h = 1.0 / double(m_), lo = double(first_row_ + index) * h, hi = lo + h;
  shape.mean = row.s1 / row.f;
  // The packet's shape where it meets the floor: the linear density of its mass and mean on its row,
  // f / h (1 + 12 d (x - mid) / h^2) with d = mean - mid, non-negative while |d| <= h / 6; beyond,
  // the triangle of that mass and mean against the row's nearer edge (the limit of the same family,
  // zero at its far end). The part above a floor F is then continuous and differentiable in F inside
  // the row. A jump of the density at the floor costs the Runge-Kutta step that passes it an O(dt^2)
  // error, and the floor passes beta m row edges per unit time: a jump of O(1) inside every row (as a
  // uniform shape on mean +- sqrt(3) sd had) is first order in all, the O(h) jumps between the linear
  // shapes of neighbouring rows of a smooth law second order.
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
  v.rows_per_unit_ = m_;
  v.total_ = total_mass();
  if (!rows_.empty()) {
    const long n = static_cast<long>(rows_.size());
    v.has_rows_ = true;
    v.floor_row_ = static_cast<long>(std::floor(F * double(m_)));
    const long index = v.floor_row_ - first_row_;
    if (index < -1) {
      v.tail_ = suffix_.front();
    } else if (index <= n) {
      // Rows index - 1 .. index + 1 through the shape rule (the floor is in one of them, whatever the
      // rounding of F * m); the rows after them are wholly above the floor.
      const long tail = std::min(index + 2, n);
      v.tail_ = suffix_[static_cast<std::size_t>(std::max(tail, 0L))];
      for (long k = std::max(index - 1, 0L); k < tail; ++k) v.shapes_[v.shape_count_++] = row_shape(k);
    }
  }
  if (!atoms_.empty()) {
    // Atom k is above the floor when its position is > F: the same atoms are above every floor in
    // [position of the last one below, position of the first one above).
    const long first = first_atom_above(F), n = static_cast<long>(atoms_.size());
    v.has_atoms_ = true;
    v.atoms_above_ = atom_suffix_[static_cast<std::size_t>(first)];
    v.atoms_from_ = first > 0 ? atom_position(origin_, first_atom_ + first - 1) : -std::numeric_limits<double>::infinity();
    v.atoms_until_ = first < n ? atom_position(origin_, first_atom_ + first) : std::numeric_limits<double>::infinity();
  }
  return v;
}

AboveFloor CalciumPackets::above(double F) const noexcept { return window(F).above(F); }

CalciumPackets::Row CalciumPackets::row_above(long index, double F) const noexcept
{
  return FloorWindow::part_above(row_shape(index), F);
}

CalciumPackets::Moments CalciumPackets::atom_moments() const noexcept
{
  return atom_suffix_.empty() ? Moments{} : atom_suffix_.front();
}

std::vector<CalciumPackets::Packet> CalciumPackets::packets() const
{
  std::vector<Packet> out;
  for (const Row& r : rows_)
    if (r.f > 0.0) {
      const double mean = r.s1 / r.f;
      out.push_back({r.f, mean, std::max(r.s2 / r.f - mean * mean, 0.0)});
    }
  for (std::size_t k = 0; k < atoms_.size(); ++k)
    if (atoms_[k] > 0.0) out.push_back({atoms_[k], atom_position(origin_, first_atom_ + static_cast<long>(k)), 0.0});
  return out;
}

}  // namespace stf::solver
