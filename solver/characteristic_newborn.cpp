// The reset in the characteristic scheme (docs/numerical-method.md §11): the newborn cell that
// collects the spiking mass at u_reset, its calcium law when it closes, and the cells it becomes.
#include "solver/characteristic_run.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

namespace stf::solver::characteristic {

bool CharacteristicRun::newborn_full(double t) const
{
  if (!P_.reset) return t - newborn_.opened >= res_.window * (1.0 - 1e-9);
  const double width = std::fabs(newborn_.b - P_.u_reset);
  return width >= res_.cell_width * (1.0 - 1e-9) ||
         std::fabs(P_.phi(std::max(newborn_.b, 0.0)) - P_.phi(P_.u_reset)) >= 0.5 * res_.phi_step ||
         t - newborn_.opened >= res_.window * (1.0 - 1e-9);
}

/// Linear calcium leak: the law of the newborn cell's calcium: what the spiking mass brought in.
///   - The mass spiked from the floor landed at x = F(s) + 1 for the spike times s of the window: its
///     exact mass and mean (Q), spread linearly over [F(opened) + 1, F(t) + 1], in landing rows of its
///     own (calcium_packets.hpp).
///   - The mass spiked from above the floor is every cell's part above it moved up by one, weighted
///     by what it emitted. With one floor for the window (its middle), the atoms are exact (none
///     crosses the floor inside a window); the continuous part keeps that mixture's shape, moved
///     to its exact mass and mean (A minus the atoms), and lies above F(opened) + 1.
///   - The newborn's own spikes (many where phi(u_reset) is large) move part of that law up by one
///     unit, and a smaller part by two.
std::shared_ptr<const CalciumPackets> CharacteristicRun::newborn_calcium(double t)
{
  const Newborn& n = newborn_;
  CalciumPackets mixture(res_.rows_per_unit_c, atom_origin_);
  const double F_open = P_.beta() * n.opened, F_now = P_.beta() * t, F_mid = 0.5 * (F_open + F_now);
  double total = 0.0;
  for (const Cell& c : cells_) total += c.emitted;
  // Cells that emitted below 1e-15 of the total change no digit of the mixture. Each part above the
  // floor is added where it is, and the mixture moved up by one unit once. Neighbours that share a
  // law (the cells a newborn was cut into) add it once, with the sum of their weights.
  for (std::size_t k = 0; k < cells_.size();) {
    const CalciumPackets* law = cells_[k].packets.get();
    double weight = 0.0;
    for (; k < cells_.size() && cells_[k].packets.get() == law; ++k) weight += cells_[k].emitted;
    if (weight > 1e-15 * total) mixture.add_above(*law, weight, F_mid, F_open);
  }
  mixture.move_up_one();
  mixture.finish();
  auto law = std::make_shared<CalciumPackets>(res_.rows_per_unit_c, atom_origin_);
  if (n.A0 > 0.0) {
    // The emissions and A are integrated by the same Runge-Kutta step, so the atoms' part of A is
    // the mixture's atoms to rounding.
    const CalciumPackets::Moments atoms = mixture.atom_moments();
    law->add_atoms(mixture, 1.0);
    const double f = n.A0 - atoms.f, s1 = n.A1 - atoms.s1, s2 = n.A2 - atoms.s2;
    // The calcium lines of the spiking unions (Cell::slope) moved what they sent by A_shift / A0 on
    // average: the continuous part moves by that much, and the atoms, which stay on their lattice,
    // take it in their weights (the unions spiked more from the atoms on the side their lines favour).
    // As an offset of the new cell instead (a shift of the law that its neurons lose where they reach
    // the floor), the exit times of cases/memory.toml with u_reset = 1 at levels 1 to 3 changed
    // irregularly (-2.8e-4, then +9.2e-4).
    const double shift = n.A_shift / n.A0;
    law->tilt_atoms(shift);
    if (f > 1e-12 * n.A0)
      law->add_continuous_like(mixture, f, s1 + shift * f, s2 + 2.0 * shift * s1 + shift * shift * f);
  }
  law->add_spread(n.Q0, n.Q1, F_open + 1.0, F_now + 1.0);
  if (n.emitted > 0.0 && n.mass > 0.0) {
    // The newborn's own spikes (phi does not depend on calcium) move a neuron of it up by one unit
    // J times, J a Poisson count of mean Lambda(s) = k (t - s) for a neuron that entered at s. With
    // entries uniform over the window, E[J] = lambda = e / M (e its own spiking mass, M its mass:
    // what the other cells emitted into it; exact) and P(J = 2) = E[Lambda^2] / 2 = 2/3 lambda^2, so
    // the law is p0 L + p1 L moved up once + p2 L moved up twice with p2 = 2/3 lambda^2,
    // p1 = lambda - 2 p2: its mean is the exact C1 / M, its variance exact to O(lambda^3). Weighting L
    // by M and the moved copy by e (the law's first form) put e / (M + e) of the mass one unit up,
    // about lambda^2 too little: on cases/memory.toml with u_reset = 1.5 (phi(u_reset) = 4.1, lambda
    // near k dt / 2) the mean calcium drifted by 1e-3 per unit time at dt = 0.01 and the variance of
    // calcium changed by 4.4e-2 from dt = 0.01 to 0.005 (the largest error of the run), against 6.2e-3
    // with J at most 1 and 1.1e-3 with the second spike.
    law->normalise();
    law->finish();
    const double lambda = std::min(n.emitted / n.mass, 0.5);  // k dt <= 1/2 (step_bound): lambda near 1/4 at most
    const double p2 = 2.0 / 3.0 * lambda * lambda, p1 = lambda - 2.0 * p2, p0 = 1.0 - p1 - p2;
    CalciumPackets once(res_.rows_per_unit_c, atom_origin_);
    once.add_spiked_above(*law, 1.0, F_now);
    once.normalise();
    once.finish();
    auto respiked = std::make_shared<CalciumPackets>(res_.rows_per_unit_c, atom_origin_);
    respiked->add_scaled(*law, p0);
    respiked->add_scaled(once, p1);
    respiked->add_spiked_above(once, p2, F_now);
    law = std::move(respiked);
  }
  law->fold_above(unreached_);
  law->normalise();
  law->finish();
  return law;
}

/// Without reset, linear calcium: cell n's calcium law at t1 = t0 + dt. A neuron spikes J times in
/// the step, J Poisson of mean Lambda (the cell's rate, whatever its calcium). Its first spike, at s,
/// takes x to x + 1 if x > F(s) (A: that part of the law moved up, with the exact mass and moments the
/// step integrated; the law's shape above the middle floor) or to F(s) + 1 from the floor (Q: its exact
/// mass and mean, spread linearly over [F(t0) + 1, F(t1) + 1]). Every later spike adds one unit (the
/// neuron is then above the floor). So the law is (1 - S) L + S (r1 B + r2 B(+1) + r3 B(+2)), B the law
/// of the first landings (mass S = A0 + Q0 = 1 - e^{-Lambda}), r_j = P(J = j | J >= 1) for j = 1, 2 and
/// r3 = P(J >= 3 | J >= 1): its mean calcium is exact to O(Lambda^3 dt) per step (J >= 4 counted as 3,
/// and J's correlation with where the first spike landed), and k dt <= 1/2 (step_bound).
void CharacteristicRun::kept_calcium(Cell& cell, const std::vector<double>& y, const Layout& L, std::size_t n,
                                     double t0, double dt) const
{
  const double lambda = y[L.lambda + n], A0 = y[L.a0 + n], Q0 = y[L.q0 + n], S = A0 + Q0;
  // Below 1e-15 of spiking in a step changes no digit of the law (cells where phi is near 0).
  if (!(S > 1e-15) || !cell.packets) return;
  const double F0 = P_.beta() * t0, F1 = P_.beta() * (t0 + dt), F_mid = 0.5 * (F0 + F1);
  const CalciumPackets& law = *cell.packets;
  // The part above the floor, moved up (atoms exact: none crosses the floor inside a step; the
  // continuous part takes the exact mass and moments of A minus the atoms').
  CalciumPackets above(res_.rows_per_unit_c, atom_origin_);
  above.add_above(law, 1.0, F_mid, F0);
  above.move_up_one();
  above.finish();
  CalciumPackets first(res_.rows_per_unit_c, atom_origin_);
  const CalciumPackets::Moments atoms = above.atom_moments();
  // The atoms are above the floor for the whole step: their first spikes are the fraction S of them.
  first.add_atoms(above, S);
  const double f = A0 - S * atoms.f;
  if (f > 1e-12 * S) first.add_continuous_like(above, f, y[L.a1 + n] - S * atoms.s1, y[L.a2 + n] - S * atoms.s2);
  first.add_spread(Q0, y[L.q1 + n], F0 + 1.0, F1 + 1.0);
  first.normalise();
  first.finish();
  // P(J = j) = e^{-Lambda} Lambda^j / j!, over P(J >= 1) = -expm1(-Lambda).
  const double spiked = -std::expm1(-lambda), z = std::exp(-lambda);
  const double r1 = spiked > 0.0 ? std::min(lambda * z / spiked, 1.0) : 1.0;
  const double r2 = spiked > 0.0 ? std::min(0.5 * lambda * lambda * z / spiked, 1.0 - r1) : 0.0;
  const double r3 = std::max(1.0 - r1 - r2, 0.0);
  auto next = std::make_shared<CalciumPackets>(res_.rows_per_unit_c, atom_origin_);
  next->add_scaled(law, 1.0 - S);
  next->add_scaled(first, S * r1);
  if (r2 + r3 > 0.0) {
    CalciumPackets once(res_.rows_per_unit_c, atom_origin_);
    once.add_spiked_above(first, 1.0, F1);  // all of it lies above F1: moved up by one
    once.finish();
    next->add_scaled(once, S * r2);
    if (r3 > 0.0) next->add_spiked_above(once, S * r3, F1);
  }
  next->drop_below(F1);
  next->normalise();
  next->finish();
  cell.packets = std::move(next);
  cell.forget_above();
}

void CharacteristicRun::close_newborn(double t)
{
  if (P_.reset && newborn_.mass > 0.0) {
    Cell cell;
    cell.kind = CellKind::reset;
    cell.a = std::min(P_.u_reset, newborn_.b);
    cell.b = std::max(P_.u_reset, newborn_.b);
    cell.mass = newborn_.mass;
    cell.moment = newborn_.moment;
    cell.second = second_within(cell.a, cell.b, cell.mass, cell.moment, newborn_.second);
    // Its calcium line (Cell::slope) through its mean potential; under the exponential calcium leak the
    // law is the calcium there, its second moment less what the line explains (as merge_calcium_line).
    const double mean_u = cell.moment / cell.mass;
    const double var_u = std::max(cell.second / cell.mass - mean_u * mean_u, 0.0);
    if (newborn_lines_) {
      cell.slope = newborn_line_slope(cell.mass, cell.moment, cell.second, newborn_.C1, newborn_.C2, newborn_.cross,
                                      cell.b - cell.a);
      cell.slope_at = mean_u;
    }
    if (exp_c_) {
      cell.c1 = newborn_.C1 / newborn_.mass;
      cell.c2 = std::max(newborn_.C2 / newborn_.mass - cell.slope * cell.slope * var_u, cell.c1 * cell.c1);
    } else {
      cell.packets = newborn_calcium(t);
    }
    if (!exp_u_ && cell.b <= 0.0)
      to_floor(cells_[0], cell, cell.mass);
    else
      add_newborn_cells(std::move(cell));
  }
  for (Cell& c : cells_) c.emitted = 0.0;
  newborn_ = Newborn{};
  newborn_.b = P_.u_reset;
  newborn_.opened = t;
  merge_time_ = t;
  merge_cells();
}

/// A closed newborn cell wider than H (a strong drive moves it more than H in a step) becomes
/// ceil(width / H) cells of equal widths, with the mass and moment of its linear density on each
/// (cell_killing.hpp) and its calcium law; they sum to its mass and moment to rounding (the last
/// takes what is left).
void CharacteristicRun::add_newborn_cells(Cell cell)
{
  const double width = cell.b - cell.a;
  if (!(width > res_.cell_width * (1.0 + 1e-9)) || !(cell.mass > 0.0)) {
    cells_.push_back(std::move(cell));
    return;
  }
  // Where the linear density on [a, b] cannot hold the mean (|P / M - m| > w / 6), the triangle
  // against the nearer end that does, on the narrower support [lo, hi] (a linear density with
  // d = -+ w / 6 there).
  double lo = cell.a, hi = cell.b;
  const double mean = std::clamp(cell.moment / cell.mass, lo, hi);
  if (mean - lo < (hi - lo) / 3.0) hi = lo + 3.0 * (mean - lo);
  else if (hi - mean < (hi - lo) / 3.0) lo = hi - 3.0 * (hi - mean);
  const double w = hi - lo, m = 0.5 * (lo + hi);
  if (!(w > 0.0)) {
    cell.a = cell.b = mean;
    cells_.push_back(std::move(cell));
    return;
  }
  const double d = std::clamp(mean - m, -w / 6.0, w / 6.0), g = 12.0 * d / (w * w);
  const long pieces = static_cast<long>(std::ceil(w / res_.cell_width * (1.0 - 1e-9)));
  // Integrals of rho(u) = M / w (1 + g (u - m)) and of u rho over [l, r], in s = u - m.
  auto mass_to = [&](double s) { return cell.mass / w * (s + 0.5 * g * s * s); };
  auto moment_to = [&](double s) { return cell.mass / w * (0.5 * s * s + g * s * s * s / 3.0); };
  auto second_to = [&](double s) { return cell.mass / w * (s * s * s / 3.0 + g * s * s * s * s / 4.0); };
  // The integral of u^2 of the density on [l, r]; what the cell carries beyond the density's is
  // shared in proportion to the pieces' masses.
  auto density_second = [&](double l, double r) {
    return m * m * (mass_to(r - m) - mass_to(l - m)) + 2.0 * m * (moment_to(r - m) - moment_to(l - m)) +
           (second_to(r - m) - second_to(l - m));
  };
  const double excess = cell.second - density_second(lo, hi);
  double mass_left = cell.mass, moment_left = cell.moment;
  for (long i = 0; i < pieces; ++i) {
    Cell piece = cell;
    piece.a = lo + w * double(i) / double(pieces);
    piece.b = i + 1 == pieces ? hi : lo + w * double(i + 1) / double(pieces);
    if (i + 1 == pieces) {
      piece.mass = std::max(mass_left, 0.0);
      piece.moment = moment_left;
    } else {
      const double sl = piece.a - m, sr = piece.b - m;
      piece.mass = std::clamp(mass_to(sr) - mass_to(sl), 0.0, mass_left);
      piece.moment = m * piece.mass + (moment_to(sr) - moment_to(sl));
    }
    piece.moment = std::clamp(piece.moment, piece.a * piece.mass, piece.b * piece.mass);
    piece.second = second_within(piece.a, piece.b, piece.mass, piece.moment,
                                 density_second(piece.a, piece.b) + excess * piece.mass / cell.mass);
    mass_left -= piece.mass;
    moment_left -= piece.moment;
    if (piece.mass > 0.0) cells_.push_back(std::move(piece));
  }
}

/// The newborn cell's calcium line regresses its calcium on its potential, slope = Cov(u, c) / Var(u).
/// By Cauchy-Schwarz, Cov^2 <= Var(u) Var(c): the line explains at most the calcium's variance, which
/// bounds the slope by sqrt(Var(c) / Var(u)); the bound holds for exact moments and only clips rounding
/// (the moments are differences of integrals that the Runge-Kutta stages carry separately), and it keeps
/// the variance that the close leaves to the cell's law (c2 less slope^2 Var(u)) non-negative.
double CharacteristicRun::newborn_line_slope(double M, double P, double S, double C1, double C2, double cross,
                                             double width) const
{
  if (!(M >= negligible_mass) || !(width > 1e-6 * potential_scale_)) return 0.0;
  const double mean_u = P / M, var_u = S / M - mean_u * mean_u;
  if (!(var_u > 1e-12 * width * width)) return 0.0;
  const double mean_c = C1 / M, var_c = std::max(C2 / M - mean_c * mean_c, 0.0);
  const double bound = std::sqrt(var_c / var_u);
  return std::clamp((cross / M - mean_u * mean_c) / var_u, -bound, bound);
}

}  // namespace stf::solver::characteristic
