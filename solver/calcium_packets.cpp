// Calcium packets in the frame of the linear calcium leak (see the header).
#include "solver/calcium_packets.hpp"

#include <algorithm>
#include <cmath>

namespace stf::solver {

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

void CalciumPackets::add(double f, double s1, double s2)
{
  if (!(f > 0.0)) return;
  const double mean = s1 / f;
  Row& row = row_at(static_cast<long>(std::floor(mean * double(m_))));
  row.f += f;
  row.s1 += s1;
  row.s2 += s2;
}

void CalciumPackets::add_scaled(const CalciumPackets& other, double weight)
{
  if (!(weight > 0.0)) return;
  below_ += weight * other.below_;
  if (!other.rows_.empty()) row_at(other.first_row_);  // one insertion at the front, not one per row
  if (!other.rows_.empty()) row_at(other.first_row_ + static_cast<long>(other.rows_.size()) - 1);
  for (std::size_t k = 0; k < other.rows_.size(); ++k) {
    const Row& o = other.rows_[k];
    if (!(o.f > 0.0)) continue;
    Row& row = row_at(other.first_row_ + static_cast<long>(k));
    row.f += weight * o.f;
    row.s1 += weight * o.s1;
    row.s2 += weight * o.s2;
  }
}

void CalciumPackets::add_spiked_above(const CalciumPackets& other, double weight, double F)
{
  if (!(weight > 0.0)) return;
  for (std::size_t k = 0; k < other.rows_.size(); ++k) {
    const Row a = other.row_above(static_cast<long>(k), F);
    if (!(a.f > 0.0)) continue;
    // x -> x + 1: E[x + 1] = E[x] + 1, E[(x + 1)^2] = E[x^2] + 2 E[x] + 1.
    add(weight * a.f, weight * (a.s1 + a.f), weight * (a.s2 + 2.0 * a.s1 + a.f));
  }
}

void CalciumPackets::normalise()
{
  double total = below_;
  for (const Row& r : rows_) total += r.f;
  if (!(total > 0.0)) return;
  below_ /= total;
  for (Row& r : rows_) {
    r.f /= total;
    r.s1 /= total;
    r.s2 /= total;
  }
}

void CalciumPackets::drop_below(double F)
{
  // Row r lies wholly below F when (r + 1) / m <= F; keep one row of margin for rounding.
  const long first_kept = static_cast<long>(std::floor(F * double(m_))) - 1;
  if (rows_.empty() || first_kept <= first_row_) return;
  const auto drop = static_cast<std::size_t>(std::min<long>(first_kept - first_row_, static_cast<long>(rows_.size())));
  for (std::size_t k = 0; k < drop; ++k) below_ += rows_[k].f;
  rows_.erase(rows_.begin(), rows_.begin() + static_cast<long>(drop));
  first_row_ += static_cast<long>(drop);
}

void CalciumPackets::finish()
{
  suffix_.assign(rows_.size() + 1, Row{});
  for (std::size_t k = rows_.size(); k-- > 0;) {
    suffix_[k].f = suffix_[k + 1].f + rows_[k].f;
    suffix_[k].s1 = suffix_[k + 1].s1 + rows_[k].s1;
    suffix_[k].s2 = suffix_[k + 1].s2 + rows_[k].s2;
  }
}

CalciumPackets::Row CalciumPackets::row_above(long index, double F) const noexcept
{
  if (index < 0 || index >= static_cast<long>(rows_.size())) return {};
  const Row& row = rows_[static_cast<std::size_t>(index)];
  if (!(row.f > 0.0)) return {};
  const double lo = double(first_row_ + index) / double(m_), hi = double(first_row_ + index + 1) / double(m_);
  const double mean = row.s1 / row.f;
  const double variance = std::max(row.s2 / row.f - mean * mean, 0.0);
  // The packet's shape where it meets the floor: uniform with its mean, with the half-width of its
  // variance (sqrt(3 var)) but never leaving its row.
  const double w = std::min({std::sqrt(3.0 * variance), mean - lo, hi - mean});
  if (!(w > 1e-14 * std::max(1.0, std::fabs(mean)))) return mean > F ? row : Row{};
  if (F <= mean - w) return row;
  if (F >= mean + w) return {};
  const double length = mean + w - F;
  const double f = row.f * length / (2.0 * w);
  const double centre = 0.5 * (F + mean + w);
  return {f, f * centre, f * (centre * centre + length * length / 12.0)};
}

AboveFloor CalciumPackets::above(double F) const noexcept
{
  if (rows_.empty()) return {};
  const long n = static_cast<long>(rows_.size());
  const long index = static_cast<long>(std::floor(F * double(m_))) - first_row_;
  Row sum;
  if (index < -1) {
    sum = suffix_.front();
  } else if (index <= n) {
    // Rows index - 1 .. index + 1 through the shape rule (the floor is in one of them, whatever the
    // rounding of F * m); the rows after them are wholly above the floor.
    const long tail = std::min(index + 2, n);
    sum = suffix_[static_cast<std::size_t>(std::max(tail, 0L))];
    for (long k = std::max(index - 1, 0L); k < tail; ++k) {
      const Row a = row_above(k, F);
      sum.f += a.f;
      sum.s1 += a.s1;
      sum.s2 += a.s2;
    }
  }
  // In powers of c = x - F.
  return {sum.f, sum.s1 - F * sum.f, sum.s2 - 2.0 * F * sum.s1 + F * F * sum.f};
}

std::vector<CalciumPackets::Packet> CalciumPackets::packets() const
{
  std::vector<Packet> out;
  for (const Row& r : rows_)
    if (r.f > 0.0) {
      const double mean = r.s1 / r.f;
      out.push_back({r.f, mean, std::max(r.s2 / r.f - mean * mean, 0.0)});
    }
  return out;
}

CalciumPackets CalciumPackets::moved_to_mean(const CalciumPackets& shape, double mean)
{
  CalciumPackets out(shape.m_);
  double f = 0.0, s1 = 0.0;
  for (const Row& r : shape.rows_) {
    f += r.f;
    s1 += r.s1;
  }
  if (!(f > 0.0)) {
    out.add(1.0, mean, mean * mean);
    out.finish();
    return out;
  }
  const double shift = mean - s1 / f;
  // x -> x + shift: E[x + s] = E[x] + s, E[(x + s)^2] = E[x^2] + 2 s E[x] + s^2.
  for (const Row& r : shape.rows_)
    if (r.f > 0.0) out.add(r.f / f, (r.s1 + shift * r.f) / f, (r.s2 + 2.0 * shift * r.s1 + shift * shift * r.f) / f);
  out.finish();
  return out;
}

}  // namespace stf::solver
