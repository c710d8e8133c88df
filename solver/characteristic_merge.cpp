// Merging neighbouring cells in the characteristic scheme (docs/numerical-method.md §11): when two
// cells may merge, and the union's calcium law and calcium line.
#include "solver/characteristic_run.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

namespace stf::solver::characteristic {

std::shared_ptr<const CalciumPackets> mix_packets(const Cell& x, const Cell& y, double mx, double my, long rows,
                                                  double atom_origin, double F, double unreached)
{
  if (x.packets == y.packets) return x.packets;
  auto mixed = std::make_shared<CalciumPackets>(rows, atom_origin);
  if (x.packets) mixed->add_scaled_above(*x.packets, mx, F);
  if (y.packets) mixed->add_scaled_above(*y.packets, my, F);
  mixed->drop_below(F);
  mixed->fold_above(unreached);
  mixed->normalise();
  mixed->finish();
  return mixed;
}

/// Neighbouring cells of one kind that share a boundary merge while the union is at most H wide (or,
/// under the exponential leak, at most relative_width times its lower end) and phi changes by less
/// than phi_step across it, now and wherever the flow takes it (light unions: wider, see below).
bool CharacteristicRun::mergeable(const Cell& x, const Cell& y) const
{
  if (x.kind != y.kind || x.kind == CellKind::floor) return false;
  if (!(x.a == y.b || x.b == y.a)) return false;
  // Cells whose union holds less than 1e-18 of the mass merge whatever their widths: after the exit
  // the cells left at high potential hold that little, and under the linear leak they take the
  // horizon's length to come down (on cases/memory.toml with a linear potential leak, 1200 cells
  // with 1e-9 of the mass at t = 8). Each spikes at most phi_max times its mass per unit time: a
  // thousand of them change no observable by more than about 1e-13 over a run.
  if (x.mass + y.mass < negligible_mass) return true;
  // A union of mass M below mass_reference may be sqrt(mass_reference / M) times wider, in H and in
  // phi_step: the error of a cell's spiking, the integral of (phi - its linear part) times (rho - its
  // linear part), is O(M w^2), so it is then at most that of a cell of mass mass_reference at the
  // usual widths, and it still shrinks as w^2 from level to level. On cases/memory.toml with a linear
  // potential leak alpha = 3 and u_reset = 0.5, 6e-6 of the mass stays above u = 20 after the exit in
  // cells that the rules below keep narrow (they will come down through the steep part of phi before
  // the horizon): level 3 held 3454 cells and the default tolerance took 10 s, against 1503 and 2.4 s;
  // the exit time moved by 1e-9 and the observables by at most 0.13 of their estimates.
  const double relax = std::sqrt(std::max(1.0, mass_reference / (x.mass + y.mass)));
  const double H = res_.cell_width * relax, phi_step = res_.phi_step * relax;
  const double lo = std::max(std::min(x.a, y.a), 0.0), hi = std::max(std::max(x.b, y.b), 0.0);
  // The flow never widens a cell, and under the exponential leak it never raises (b - a) / a either
  // (largest_phi_log_slope): a union that meets these bounds now meets them wherever it goes.
  const double width = hi - lo;
  // Under the linear leak the velocity I + p - alpha is at least -alpha, so by the horizon a cell comes
  // down to `lowest` at the least; where phi is flat from there up, a union as wide as relative_width
  // times that potential keeps phi within phi_step until the end (cases/memory.toml with a linear
  // potential leak: the drive takes the population to u = 50 and beyond, where cells H wide were
  // 1361 at level 3).
  const double lowest = exp_u_ ? lo : std::max(lo - P_.alpha() * (case_.time.end - merge_time_), 0.0);
  if (!(width < H || width < res_.relative_width * lowest)) return false;
  // Under the linear leak the floor u = 0 cuts the cells that the flow brings down to it, and there
  // a merged cell's linear density misplaces what its parts held: the reset cells born near 0 while
  // the velocity there was small hold a density that varies on a scale well below H. A union is no
  // wider than its distance to the floor (cells graded towards it). Without this, the mean potential
  // of cases/leaks_linear_linear.toml had the same error of 2e-5 at levels 2 and 3 (when the velocity
  // turns negative near t = 0.45, the cells merged next to the floor fall onto it) and 1e-6 at 4.
  if (!exp_u_ && !(width <= lo)) return false;
  // phi changes across the union by less than a quarter of phi_step now (the rules below bound it by
  // phi_step wherever the flow takes it). Where phi is steep at u_reset, two newborn cells (each closed
  // before phi changes by phi_step / 2 across it) merged into a union spanning phi_step, and that was
  // the largest error of a level: cases/memory.toml with u_reset = 1 (phi' largest there) did not
  // converge at the default tolerance (5 levels, 105 s, the rate's estimate 2.8e-3 at order 1.4: the
  // rate while the activity dies, t = 24, was 0.506, 0.607, 0.721, 0.762 at levels 0 to 3), and with a
  // quarter it converges in 5 levels and 33 s (0.748, 0.770, 0.779, 0.783); with u_reset = 0.5 the exit
  // times of levels 1 to 3 changed by 3.2e-3, 1.1e-3, 1.6e-4, now 1.2e-3, 2.6e-4, 8.8e-5. On every
  // variant tried the changes per level were the same or smaller, for 5 to 20 % more cells.
  const double phi_change = P_.phi(hi) - P_.phi(lo);
  if (!(phi_change < union_phi_fraction * phi_step)) return false;
  // The union's linear density must hold its mean, |P / M - mid| <= width / 6, where that density is
  // non-negative; beyond, cell_spiking clamps the slope and the union spikes as if its mass sat where
  // it does not. With phi(0) > 0 (cases/memory.toml with a sigmoid rate) the cells that contract onto
  // the quiet state's potential after the exit merged with very unequal neighbours at times that
  // depend on the level: the rate there changed by 1e-3 from level to level, at first order, and the
  // default tolerance took 7 levels and 66 s (4 levels and 0.6 s with this rule).
  const double mass = x.mass + y.mass;
  if (width > 0.0 && mass > 0.0 && std::fabs((x.moment + y.moment) / mass - 0.5 * (lo + hi)) > width / 6.0) return false;
  if (!phi_change_stays_below(lo, hi, lowest, phi_step)) return false;
  return calcium_close_enough(x, y, phi_change, relax);
}

/// A union spikes at the rates of its potentials with one calcium law (and line) for all its neurons:
/// what the parts' calcium laws differ by is spiked at the wrong potentials, an error of about
///     (M_x M_y / M) (phi_x - phi_y) (law_x - law_y)
/// in the spikers' calcium (hence in the drive and the newborn's law) and in the calcium the union
/// keeps. The line corrects the mean of that only, and not the part on the floor. phi_step bounds the
/// first difference by O(h); this bounds the product by a quarter of phi_step calcium_step, O(h^2),
/// with the parts' difference measured as that of their fractions above the floor, of their mean
/// calcium and of its standard deviation (lines included, the floor counting 0). Neighbours of about
/// one age have nearly one law and merge as before. After the exit of cases/memory.toml with a Hill
/// rate of kappa = 1 the cells contract onto u = 0, where phi is steepest, and there the newest
/// (calcium near 1: they spiked just before) met the oldest (calcium on the floor). Their unions made
/// the rate's changes over levels 0 to 4 (horizon 8) 6.4e-4, 8.7e-5, 4.5e-5, 3.8e-6 and the variance
/// of calcium's 1.2e-3, 3.3e-4, 1.4e-4, 4.8e-5 (and 3.3e-5 at level 5: order 0.6), and tolerance 1e-6
/// stopped unconverged after 6 levels and 37 s; with this bound they are 2.2e-4, 5.1e-5, 1.3e-5,
/// 3.2e-6 and 1.1e-3, 2.7e-4, 6.9e-5, 1.7e-5 (orders 1.98 to 2.07), for 811 cells at level 4 instead
/// of 800, and 1e-6 converges in 4 levels and 3.9 s. Four times the bound gave about the same
/// changes; sixteen times, irregular ones again (the rate's 6.5e-4, 1.1e-4, 1.5e-5, 3.8e-6).
bool CharacteristicRun::calcium_close_enough(const Cell& x, const Cell& y, double phi_change, double relax) const
{
  if (x.packets == y.packets && x.slope == y.slope && x.offset == y.offset && x.slope_at == y.slope_at &&
      (!exp_c_ || (x.c1 == y.c1 && x.c2 == y.c2)))
    return true;
  const CalciumOfPart p = calcium_of(x), q = calcium_of(y);
  auto sd = [](const CalciumOfPart& c) { return std::sqrt(std::max(c.second_c - c.mean_c * c.mean_c, 0.0)); };
  const double difference = std::fabs(p.above - q.above) + std::fabs(p.mean_c - q.mean_c) + std::fabs(sd(p) - sd(q));
  return std::fabs(phi_change) * difference <= union_calcium_fraction * relax * res_.phi_step * res_.calcium_step;
}

bool CharacteristicRun::phi_change_stays_below(double lo, double hi, double lowest, double phi_step) const
{
  if ((hi - lo) * phi_slope_ < phi_step) return true;
  // Under the exponential leak the flow maps u to s u + G with s = e^{-alpha t} <= 1 and G >= 0: for
  // the concave rates of largest_change_under_flow the bound on phi's change holds wherever the flow
  // takes the cell; for the others, through phi's largest log slope.
  if (change_bound_known_) return largest_change_under_flow(P_.phi, lo, hi) < phi_step;
  if (exp_u_) return lo > 0.0 && std::log(hi / lo) * phi_log_slope_ < phi_step;
  return (hi - lo) * phi_slope_above_(lowest) < phi_step;
}

void CharacteristicRun::merge_cells()
{
  // In place: a Cell is about 650 bytes (its FloorWindow), and a copy of every cell at every close
  // (every step) was a tenth of the run; the merges happen mostly among the newest cells, at the end.
  std::size_t kept = 0;
  for (std::size_t n = 0; n < cells_.size(); ++n) {
    Cell& c = cells_[n];
    if (kept > 0 && mergeable(cells_[kept - 1], c)) {
      Cell& last = cells_[kept - 1];
      const double total = last.mass + c.mass;
      if (lines_ && total > 0.0) {
        merge_calcium_line(last, c);
      } else if ((exp_c_ || !P_.reset) && total > 0.0) {
        last.c1 = (last.mass * last.c1 + c.mass * c.c1) / total;
        last.c2 = (last.mass * last.c2 + c.mass * c.c2) / total;
      }
      if (!exp_c_) {
        last.packets = mix_packets(last, c, last.mass, c.mass, res_.rows_per_unit_c, atom_origin_, floor_now_, unreached_);
        last.forget_above();
      }
      last.a = std::min(last.a, c.a);
      last.b = std::max(last.b, c.b);
      last.mass = total;
      last.moment += c.moment;
      last.second += c.second;
      last.emitted += c.emitted;
      continue;
    }
    if (!(c.mass > 0.0) && c.kind != CellKind::floor) continue;
    if (kept != n) cells_[kept] = std::move(c);
    ++kept;
  }
  cells_.resize(kept);
}

/// The union of two cells holds each part's calcium law where that part's neurons are: the union's
/// law (their mixture) with the calcium line that regresses the calcium on the potential (Cell::slope):
///     slope = Cov(u, c) / Var(u),
/// with each part's moments from its own line (a cell that is not a union: slope 0), its mean at
/// the union's mean potential (slope_at), and the offset that gives the union's mean calcium. Without
/// it, where the neighbours' calcium differs (cells born at different times) and phi is steep, the
/// union's drive misses w1 times the integral of (phi(u) - its mean) (c - its mean): on
/// cases/memory.toml with u_reset = 1 the exit times of levels 0 to 3 converged at order 1.2 to 1.4.

CharacteristicRun::CalciumOfPart CharacteristicRun::calcium_of(const Cell& c) const
{
  CalciumOfPart p{};
  p.M = c.mass;
  p.mean_u = c.mass > 0.0 ? c.moment / c.mass : 0.5 * (c.a + c.b);
  p.var_u = c.mass > 0.0 ? std::max(c.second / c.mass - p.mean_u * p.mean_u, 0.0) : 0.0;
  double c2 = 0.0;
  if (exp_c_) {
    p.law_c = c.c1;
    p.above = 1.0;
    c2 = c.c2;
  } else if (c.packets) {
    const AboveFloor& A = c.above(floor_now_);
    p.law_c = A.c1;
    p.above = A.mass;
    c2 = A.c2;
  }
  // Its line at its mean potential, and over its potentials (above: the part it moves).
  const double shift = c.offset + c.slope * (p.mean_u - c.slope_at);
  p.mean_c = p.law_c + p.above * shift;
  p.cov = p.above * c.slope * p.var_u;
  p.second_c = c2 + 2.0 * shift * p.law_c + p.above * (shift * shift + c.slope * c.slope * p.var_u);
  return p;
}

void CharacteristicRun::merge_calcium_line(Cell& x, const Cell& y) const
{
  if (!(x.mass > 0.0) || !(y.mass > 0.0)) {
    if (!(x.mass > 0.0)) {
      x.slope = y.slope;
      x.slope_at = y.slope_at;
      x.offset = y.offset;
      if (exp_c_) {
        x.c1 = y.c1;
        x.c2 = y.c2;
      }
    }
    return;
  }
  const CalciumOfPart p = calcium_of(x), q = calcium_of(y);
  const double M = p.M + q.M, wp = p.M / M, wq = q.M / M;
  const double mean_u = wp * p.mean_u + wq * q.mean_u, mean_c = wp * p.mean_c + wq * q.mean_c;
  const double var_u = wp * (p.var_u + (p.mean_u - mean_u) * (p.mean_u - mean_u)) +
                       wq * (q.var_u + (q.mean_u - mean_u) * (q.mean_u - mean_u));
  const double cov = wp * (p.cov + (p.mean_u - mean_u) * (p.mean_c - mean_c)) +
                     wq * (q.cov + (q.mean_u - mean_u) * (q.mean_c - mean_c));
  const double above = wp * p.above + wq * q.above, law_c = wp * p.law_c + wq * q.law_c;
  // No line where the union is narrow to rounding (cells contracted onto the quiet state, or a point:
  // Cov / Var is rounding over rounding below a spread of potential of 1e-6 of the case's scale, where
  // the moments carry errors of 1e-16 of it), nor for a negligible union (merged whatever its width,
  // see mergeable: its moments are those of a few neurons' worth of mass that spiked for long, and a
  // line through them predicted calcium of 1e4 at its ends on cases/memory.toml with beta = 3, which
  // its mass times that squared put into the variance of calcium). Elsewhere the line spans at most
  // what the parts' calcium spans: twice the difference of their means plus their own lines' spans
  // (two equal halves with means c -+ d / 2 give a line spanning 1.5 d).
  const double width = std::max(x.b, y.b) - std::min(x.a, y.a);
  const double span = 2.0 * std::fabs(p.mean_c - q.mean_c) + std::fabs(x.slope) * (x.b - x.a) +
                      std::fabs(y.slope) * (y.b - y.a);
  const double resolved = 1e-6 * potential_scale_;
  const bool spread = M >= negligible_mass && width > 0.0 && var_u > resolved * resolved &&
                      var_u > 1e-12 * width * width && above > 1e-12;
  x.slope = spread ? std::clamp(cov / (above * var_u), -span / width, span / width) : 0.0;
  x.slope_at = mean_u;
  if (exp_c_) {
    // The law is the calcium at the mean potential: mean mean_c, and the second moment less what
    // the line explains.
    x.offset = 0.0;
    x.c1 = mean_c;
    const double second_c = wp * p.second_c + wq * q.second_c;
    x.c2 = std::max(second_c - x.slope * x.slope * var_u, mean_c * mean_c);
  } else {
    x.offset = above > 1e-12 ? (mean_c - law_c) / above : 0.0;
  }
}

}  // namespace stf::solver::characteristic
