// The characteristic scheme's initial cells and, under the linear potential leak, its floor u = 0
// (docs/numerical-method.md §11).
#include "solver/characteristic_run.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "solver/marginal_moments.hpp"

namespace stf::solver::characteristic {

Cell CharacteristicRun::floor_cell() const
{
  Cell f;
  f.kind = CellKind::floor;
  if (!exp_c_) {
    auto empty = std::make_shared<CalciumPackets>(res_.rows_per_unit_c, atom_origin_);
    empty->finish();
    f.packets = empty;
  }
  return f;
}

void CharacteristicRun::build_initial_cells()
{
  const auto& law = case_.initial;
  if (!exp_u_) cells_.push_back(floor_cell());
  // Calcium of the product law, shared by every initial cell.
  std::shared_ptr<const CalciumPackets> packets;
  double c1 = 0.0, c2 = 0.0;
  if (exp_c_) {
    const PartialMoments m = partial_moments(law.C, 0.0, std::numeric_limits<double>::infinity());
    c1 = m.s1 / m.mass;
    c2 = m.s2 / m.mass;
  } else {
    auto p = std::make_shared<CalciumPackets>(res_.rows_per_unit_c, atom_origin_);
    const double row = 1.0 / double(res_.rows_per_unit_c);
    if (law.C.is_dirac()) {
      p->add_atom(0, 1.0);
    } else {
      // The floor x = beta t never rises above beta T (T the horizon), and spikes only move calcium up:
      // what lies above beta T + 1 never meets the floor before the end, and only its moments matter
      // (exact in one packet, the last row's). An exponential initial calcium of mean 10 (cases/memory.toml,
      // horizon 30) had rows up to its 1e-16 quantile, 368 units, in every cell's law; the floor stops at 180.
      const double top = std::min(law.C.upper_extent(1e-16), P_.beta() * case_.time.end + 1.0);
      const long rows = std::max(1L, static_cast<long>(std::ceil(top / row)));
      for (long r = 0; r < rows; ++r) {
        const double hi = r + 1 == rows ? std::numeric_limits<double>::infinity() : double(r + 1) * row;
        const PartialMoments m = partial_moments(law.C, double(r) * row, hi);
        p->add(m.mass, m.s1, m.s2);
      }
    }
    p->normalise();
    p->finish();
    packets = p;
  }
  auto add_cell = [&](double a, double b, const PartialMoments& m) {
    if (!(m.mass > 0.0)) return;
    Cell cell;
    cell.a = a;
    cell.b = b;
    cell.mass = m.mass;
    cell.moment = m.s1;
    cell.second = m.s2;
    cell.c1 = c1;
    cell.c2 = c2;
    cell.packets = packets;
    cell.kind = CellKind::initial;
    if (!exp_u_ && b <= 0.0) {
      to_floor(cells_[0], cell, m.mass);
      return;
    }
    cells_.push_back(cell);
  };
  if (law.U.is_dirac()) {
    add_cell(law.U.at, law.U.at, {1.0, law.U.at, law.U.at * law.U.at});
    return;
  }
  // Cells over the support, at most H wide and with phi changing by at most phi_step across, now and
  // wherever the flow takes them (the bound the merges keep for unions, phi_change_stays_below); the
  // last takes the upper tail, so that the masses sum to 1 to rounding. Graded by phi at t = 0 alone,
  // the cells of an exponential initial potential (mean 1.5, cases/memory.toml) were H wide near 0,
  // where phi is flat; the drive took them up through the rise of phi within 0.05, and the rate's
  // error at t = 0.01 stalled from level 2 to 3 (9.8e-5, 9.1e-5) and fell 70 times at level 4, so that
  // the default tolerance estimated half the rate's error. Graded for the flow, the rate's changes fall
  // by 4 per level (5.9e-4, 1.4e-4, 3.5e-5, 8.5e-6), for the same number of cells.
  const double lo = law.U.kind == model::MarginalKind::uniform ? law.U.min : 0.0;
  const double hi = law.U.upper_extent(1e-16);
  const double narrowest = 1e-6 * res_.cell_width;
  auto bounded = [&](double a, double b) {
    const double lowest = exp_u_ ? a : std::max(a - P_.alpha() * case_.time.end, 0.0);
    return P_.phi(b) - P_.phi(a) <= res_.phi_step && phi_change_stays_below(a, b, lowest, res_.phi_step);
  };
  std::vector<double> faces{lo};
  while (faces.back() < hi) {
    const double from = faces.back();
    double next = std::min(hi, from + res_.cell_width);
    if (!bounded(from, next)) {
      // The widest bounded cell from `from` (phi's change across grows with the width): by bisection.
      double inside = from, outside = next;
      while (outside - inside > 1e-3 * (inside - from) && outside - inside > narrowest) {
        const double mid = 0.5 * (inside + outside);
        (bounded(from, mid) ? inside : outside) = mid;
      }
      next = std::max(inside, from + narrowest);
    }
    faces.push_back(next);
  }
  for (std::size_t i = 0; i + 1 < faces.size(); ++i) {
    const double top = i + 2 == faces.size() ? std::numeric_limits<double>::infinity() : faces[i + 1];
    PartialMoments m = partial_moments(law.U, i == 0 ? 0.0 : faces[i], top);
    add_cell(faces[i], faces[i + 1], m);
  }
}

void CharacteristicRun::to_floor(Cell& floor, const Cell& from, double moved) const
{
  if (!(moved > 0.0)) return;
  const double total = floor.mass + moved;
  if (exp_c_ || !P_.reset) {
    floor.c1 = (floor.mass * floor.c1 + moved * from.c1) / total;
    floor.c2 = (floor.mass * floor.c2 + moved * from.c2) / total;
  }
  if (!exp_c_) {
    floor.packets = mix_packets(floor, from, floor.mass, moved, res_.rows_per_unit_c, atom_origin_, floor_now_, unreached_);
    floor.forget_above();
  }
  floor.mass = total;
}

/// Linear potential leak: mass that the translation took below u = 0 sits on the floor {u = 0}
/// (cells_[0]); the floor itself moved by G and, if it rose, is released as a cell of one potential.
void CharacteristicRun::handle_potential_floor(double G)
{
  Cell& floor = cells_[0];
  if (G > 0.0 && floor.mass > 0.0) {
    Cell released = floor;
    released.kind = CellKind::reset;
    released.a = released.b = G;
    released.moment = G * released.mass;
    released.second = G * G * released.mass;
    cells_.push_back(released);
    cells_[0] = floor_cell();
  } else {
    cells_[0].a = cells_[0].b = 0.0;
    cells_[0].moment = 0.0;
    cells_[0].second = 0.0;
  }
  // In place (this runs at every step: a copy of every cell cost a fifth of the run on cases/memory.toml
  // with a linear potential leak): cells wholly on the floor leave, the others keep their order.
  std::size_t kept = 1;
  for (std::size_t n = 1; n < cells_.size(); ++n) {
    Cell& c = cells_[n];
    if (c.b <= 0.0) {
      to_floor(cells_[0], c, c.mass);
      cells_[0].emitted += c.emitted;
      continue;
    }
    if (c.a < 0.0) {
      // The part of the cell's linear density below 0 (cell_killing.hpp), with its moments.
      const double w = c.b - c.a, m = 0.5 * (c.a + c.b);
      const double d = c.mass > 0.0 ? std::clamp(c.moment / c.mass - m, -w / 6.0, w / 6.0) : 0.0;
      const double g = 12.0 * d / (w * w);
      const double mass = c.mass / w * ((0.0 - c.a) + 0.5 * g * ((0.0 - m) * (0.0 - m) - (c.a - m) * (c.a - m)));
      const double moment = c.mass / w *
                            ((0.0 - c.a * c.a) / 2.0 + g * ((0.0 - c.a * c.a * c.a) / 3.0 - m * (0.0 - c.a * c.a) / 2.0));
      const double second =
          c.mass / w * ((0.0 - c.a * c.a * c.a) / 3.0 + g * ((0.0 - c.a * c.a * c.a * c.a) / 4.0 - m * (0.0 - c.a * c.a * c.a) / 3.0));
      const double moved = std::clamp(mass, 0.0, c.mass);
      to_floor(cells_[0], c, moved);
      c.mass -= moved;
      c.moment = std::max(c.moment - moment, 0.0);
      c.a = 0.0;
      c.second = second_within(c.a, c.b, c.mass, c.moment, c.second - second);
    }
    if (kept != n) cells_[kept] = std::move(c);
    ++kept;
  }
  cells_.resize(kept);
}

}  // namespace stf::solver::characteristic
