// The characteristic finite-volume scheme (docs/numerical-method.md §11).
//
// The potential velocity v(t, u) = I(t) + p(t) - leak_U(u) does not depend on calcium and is affine
// in u (exponential leak: v = I + p - alpha u; linear leak: a translation, with the sticky floor at
// u = 0), and the calcium velocity does not depend on potential. So a cell bounded by two
// characteristics of the potential flow stays such a cell, whatever its calcium: every cell is an
// interval [a, b] of potential, moved by one affine map per step (u -> e^{-alpha dt} u + G, or
// u -> u + G), that never exchanges mass with another by transport. What is discretised:
//   - the killing: a cell of mass M and first moment P loses mass at the rate integral of phi rho,
//     rho the linear density with that mass and moment, corrected by the cell's carried integral of
//     u^2 where its content is not that density (a union of cells; cell_killing.hpp);
//   - the reset: the spiking mass of every cell enters the newborn cell, [u_reset, the characteristic
//     that left u_reset when the cell opened], which closes at the end of every full step (`window`
//     is dt), or once it is `cell_width` wide or phi changes by `phi_step` across it, and becomes a
//     cell like the others, cut into cells no wider than `cell_width` if the drive moved it further;
//     the time step keeps phi's change across a newborn cell within `phi_step`;
//   - the calcium of a cell: with the exponential leak (c -> c e^{-beta t}, +1 at a spike) only
//     E[C] and E[C^2] per unit mass enter the drive and the observables, and they are carried
//     exactly; with the linear leak, the law in the frame x = c + beta t (CalciumPackets). A union of
//     cells keeps how its calcium depends on the potential as a line (Cell::slope, merge_calcium_line).
// One state vector (G, the masses, the newborn cell, its calcium moments and the emission
// counters) is advanced by the classical Runge-Kutta method of order 4: mass moves only between
// cells, so the total is conserved to rounding.
#include "solver/characteristic_scheme.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <fmt/core.h>
#include <limits>
#include <memory>
#include <unistd.h>

#include "model/memory_region.hpp"
#include "solver/calcium_packets.hpp"
#include "solver/cell_killing.hpp"
#include "solver/marginal_moments.hpp"
#include "solver/solver_failure.hpp"
#include "solver/step_observer.hpp"

namespace stf::solver {

namespace {

enum class CellKind { initial, reset, floor };

struct Cell {
  double a = 0.0, b = 0.0;  // potential interval now (a <= b; a == b: all the mass at one potential)
  double mass = 0.0;
  double moment = 0.0;      // integral of u over the cell's mass
  double second = 0.0;      // integral of u^2 over it (carried: the flow is affine, merges add it)
  double c1 = 0.0, c2 = 0.0;  // exponential calcium leak: E[C] and E[C^2] per unit mass, now
  std::shared_ptr<const CalciumPackets> packets;  // linear calcium leak: the law of x = c + beta t (unit mass)
  CellKind kind = CellKind::initial;
  double emitted = 0.0;  // spiking mass since the newborn cell opened: its weight in the newborn's calcium
  // With reset (and the exponential potential leak: lines_), a union of cells born at different times
  // holds neurons whose calcium depends on their potential (each part has its own calcium law), and
  // one law for the union loses that: the mean calcium of its neurons at potential u is taken as the
  // law's plus
  //     offset + slope (u - slope_at)
  // (the calcium line, set by merge_calcium_line; zero for a cell that is not a union). slope_at is a
  // characteristic (it moves with the flow) and slope scales with the flow's contraction, so the line
  // is carried exactly by the transport; the spiking, which does not depend on calcium, leaves it.
  // Under the linear calcium leak the line moves the part of the law above the floor (the offset
  // stands for what the union's law cannot hold: its packets are the parts' laws mixed); under the
  // exponential leak the offset is folded into c1 at the merge.
  double slope = 0.0, slope_at = 0.0, offset = 0.0;

  /// The part of the calcium law above the floor F. A Runge-Kutta step asks at three floors (its
  /// start, middle twice, end) and the next step starts at this one's end: the last two answers
  /// are kept, and the packets' window near the floor (FloorWindow) gives the others without
  /// reading the packets until the floor leaves its row (the law does not change between closes;
  /// every change makes a new Cell or calls forget_above).
  const AboveFloor& above(double F) const
  {
    if (F == cached_floor[0]) return cached_above[0];
    if (F == cached_floor[1]) return cached_above[1];
    const int slot = next_slot;
    next_slot ^= 1;
    if (!window.holds(F)) window = packets->window(F);
    cached_floor[slot] = F;
    cached_above[slot] = window.above(F);
    return cached_above[slot];
  }
  void forget_above() const
  {
    cached_floor[0] = cached_floor[1] = std::numeric_limits<double>::quiet_NaN();
    window = FloorWindow{};
  }

private:
  mutable double cached_floor[2] = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  mutable AboveFloor cached_above[2];
  mutable int next_slot = 0;
  mutable FloorWindow window;
};

/// The cell that collects the reset mass (MODEL.md §3: the spiking mass re-enters at u_reset).
struct Newborn {
  double b = 0.0;         // the characteristic that left u_reset when the cell opened
  double opened = 0.0;    // when it opened
  double mass = 0.0, moment = 0.0, second = 0.0;
  double C1 = 0.0, C2 = 0.0;  // integral of c and c^2 (exponential calcium) or of x and x^2 (linear)
  double Q0 = 0.0, Q1 = 0.0, Q2 = 0.0;  // linear calcium: mass spiked from the floor, and its moments in x
  double A0 = 0.0, A1 = 0.0, A2 = 0.0;  // linear calcium: mass spiked from above the floor, and its moments in x
  double A_shift = 0.0;  // linear calcium: the integral of the calcium line's shift over that mass (not in A1)
  double emitted = 0.0;   // its own spiking mass (it re-enters itself)
  double cross = 0.0;     // integral of u c (exponential calcium) or of u x (linear): its calcium line
};

/// Where each block of the state vector starts, for K cells.
struct Layout {
  std::size_t K, mass, moment, newborn, floor_spikes, emitted, c1, c2, second, cross, size;
  // Without reset, linear calcium (per cell, per unit mass, over the step; see kept_calcium): the
  // spike count Lambda, the first spikes from above the floor (A: mass, moments of x + 1) and from
  // the floor (Q: mass, integral of the landing F + 1).
  std::size_t lambda = 0, a0 = 0, a1 = 0, a2 = 0, q0 = 0, q1 = 0;
  Layout(std::size_t cells, bool reset, bool linear_calcium)
  {
    K = cells;
    mass = 1;
    moment = 1 + K;
    newborn = 1 + 2 * K;          // M, P, C1, C2 of the newborn cell (reset)
    floor_spikes = newborn + 4;   // Q0, Q1, Q2, A0, A1, A2, A_shift (reset, linear calcium)
    emitted = floor_spikes + 7;   // K + 1 (reset, linear calcium)
    c1 = 1 + 2 * K;               // without reset: the cells' calcium totals (linear calcium: the mean)
    c2 = 1 + 3 * K;
    if (!reset && linear_calcium) {
      lambda = c2;
      a0 = 1 + 4 * K;
      a1 = 1 + 5 * K;
      a2 = 1 + 6 * K;
      q0 = 1 + 7 * K;
      q1 = 1 + 8 * K;
      size = 1 + 9 * K;
    } else if (!reset) {
      size = 1 + 4 * K;
    } else if (linear_calcium) {
      size = emitted + K + 1;
    } else {
      size = newborn + 4;
    }
    second = size;  // K + 1: the cells' and the newborn's integrals of u^2
    size += K + 1;
    cross = size;   // the newborn's integral of xi c (of xi x under the linear calcium leak)
    size += 1;
  }
};

/// The law of the union of two cells' masses, with the rows below the floor F dropped and those at or
/// above `unreached` folded (CalciumPackets::fold_above).
std::shared_ptr<const CalciumPackets> mix_packets(const Cell& x, const Cell& y, double mx, double my, long rows,
                                                  double atom_origin, double F, double unreached)
{
  if (x.packets == y.packets) return x.packets;
  auto mixed = std::make_shared<CalciumPackets>(rows, atom_origin);
  if (x.packets) mixed->add_scaled(*x.packets, mx);
  if (y.packets) mixed->add_scaled(*y.packets, my);
  mixed->drop_below(F);
  mixed->fold_above(unreached);
  mixed->normalise();
  mixed->finish();
  return mixed;
}

/// The largest slope of phi over [0, 4 x the case's potential scale] (from differences on a fine
/// grid). A merged cell no wider than phi_step / slope keeps phi within phi_step across it wherever
/// the flow takes it below that bound: the flow keeps or shrinks every width (translation, or the
/// contraction u -> e^{-alpha t} u + G). Without it, cells merged where phi is flat (at high
/// potential, during the activity) mix neurons whose calcium differs and are cut only by phi_step
/// when, at the exit, they come down through the potentials where phi rises.
/// Where the slopes of phi are looked for: the largest of the initial potential (its Dirac or its
/// 1e-3 upper quantile), u_reset and phi's theta.
double phi_search_scale(const model::Case& c)
{
  const auto& U = c.initial.U;
  return std::max({U.is_dirac() ? U.at : U.upper_extent(1e-3), c.model.u_reset, c.model.phi.theta, 1e-300});
}

double largest_phi_slope(const model::Case& c)
{
  const double top = 4.0 * phi_search_scale(c);
  constexpr int points = 4096;
  double slope = 0.0;
  for (int i = 0; i < points; ++i) {
    const double lo = top * i / points, hi = top * (i + 1) / points;
    slope = std::max(slope, (c.model.phi(hi) - c.model.phi(lo)) / (hi - lo));
  }
  return std::isfinite(slope) ? slope : 0.0;
}

/// The largest logarithmic slope u phi'(u) of phi over u > 0 (from differences on a logarithmic
/// grid from 1e-6 to 1e6 times the case's potential scale; infinite if phi grows without bound).
/// Under the exponential potential leak, u -> e^{-alpha t} u + G with G >= 0 (I, w0 and w1 are
/// non-negative), so a cell [a, b] with a > 0 keeps b / a or shrinks it, and phi changes across it by
/// at most log(b / a) times this slope, wherever the flow takes it.
double largest_phi_log_slope(const model::Case& c)
{
  const double scale = phi_search_scale(c);
  constexpr int points = 8192;
  const double first = std::log(1e-6 * scale), last = std::log(1e6 * scale), h = (last - first) / points;
  double slope = 0.0;
  for (int i = 0; i < points; ++i)
    slope = std::max(slope, (c.model.phi(std::exp(first + h * (i + 1))) - c.model.phi(std::exp(first + h * i))) / h);
  return std::isfinite(slope) ? slope : std::numeric_limits<double>::infinity();
}

/// Linear potential leak: the largest slope of phi on [u, infinity), from differences on a
/// logarithmic grid of potentials from 1e-6 to 1e6 times the case's potential scale (their suffix
/// maxima); below the grid, the largest slope near the scale (largest_phi_slope) as well.
class PhiSlopeAbove {
public:
  PhiSlopeAbove() = default;
  explicit PhiSlopeAbove(const model::Case& c)
  {
    const double scale = phi_search_scale(c);
    constexpr int points = 8192;
    first_ = std::log(1e-6 * scale);
    step_ = (std::log(1e6 * scale) - first_) / points;
    sup_.resize(points);
    for (int i = 0; i < points; ++i) {
      const double lo = std::exp(first_ + step_ * i), hi = std::exp(first_ + step_ * (i + 1));
      sup_[static_cast<std::size_t>(i)] = (c.model.phi(hi) - c.model.phi(lo)) / (hi - lo);
    }
    for (int i = points - 1; i-- > 0;)
      sup_[static_cast<std::size_t>(i)] = std::max(sup_[static_cast<std::size_t>(i)], sup_[static_cast<std::size_t>(i) + 1]);
    below_ = std::max(sup_.front(), largest_phi_slope(c));
    start_ = std::exp(first_);
  }
  double operator()(double u) const noexcept
  {
    if (sup_.empty()) return std::numeric_limits<double>::infinity();
    if (!(u > start_)) return below_;
    const auto i = std::min(static_cast<std::size_t>((std::log(u) - first_) / step_), sup_.size() - 1);
    return std::isfinite(sup_[i]) ? sup_[i] : std::numeric_limits<double>::infinity();
  }

private:
  double first_ = 0.0, step_ = 1.0, start_ = 0.0, below_ = std::numeric_limits<double>::infinity();
  std::vector<double> sup_;
};

/// The integral of u^2 of mass M with integral of u P on [lo, hi], clamped to what such mass can hold:
/// from P^2 / M (all at its mean) to (lo + hi) P - lo hi M (all at the ends), as E[(u - lo)(hi - u)] >= 0.
double second_within(double lo, double hi, double M, double P, double second)
{
  if (!(M > 0.0)) return 0.0;
  return std::clamp(second, P * P / M, std::max((lo + hi) * P - lo * hi * M, P * P / M));
}

class CharacteristicRun {
public:
  CharacteristicRun(const model::Case& c, const CharacteristicResolution& r) : case_(c), res_(r), P_(c.model)
  {
    exp_u_ = P_.leak_U.kind == model::LeakKind::exponential;
    exp_c_ = P_.leak_C.kind == model::LeakKind::exponential;
    newborn_.b = P_.u_reset;
    // A Dirac initial calcium c0 under the linear leak: the atoms x = c0 + k reach the floor at
    // t = (c0 + k) / beta, where steps end and the newborn cell closes (its calcium's shape is
    // formed with one floor for the whole window, exact for the atoms only if none crosses it).
    if (!exp_c_ && c.initial.C.is_dirac()) {
      atom_origin_ = c.initial.C.at;
      if (P_.beta() > 0.0)
        for (long k = 0;; ++k) {
          const double crossing = (atom_origin_ + double(k)) / P_.beta();
          if (!(crossing < c.time.end)) break;
          if (crossing > 0.0) {
            atom_crossings_.push_back(crossing);
            atom_positions_.push_back(atom_origin_ + double(k));
          }
        }
    }
    phi_slope_ = largest_phi_slope(c);
    potential_scale_ = phi_search_scale(c);
    if (!exp_c_) unreached_ = P_.beta() * c.time.end + 1.0;
    lines_ = P_.reset && exp_u_;
    newborn_lines_ = lines_ && exp_c_;
    phi_has_corners_ = P_.phi.has_corners();
    if (exp_u_) phi_log_slope_ = largest_phi_log_slope(c);
    else phi_slope_above_ = PhiSlopeAbove(c);
    build_initial_cells();
  }

  Solution run(const SolveOptions& options);

private:
  void build_initial_cells();
  Cell floor_cell() const;
  /// The state vector of the Runge-Kutta step (see Layout) at the last step end, into `y`.
  void state(std::vector<double>& y) const;
  void rhs(double t, double tau, double input, const std::vector<double>& y, std::vector<double>& dy) const;
  double max_rate() const;
  double step_bound(double t) const;
  /// The Runge-Kutta step from t0 over dt into y_ (the state is not changed); returns G, the flow's
  /// displacement over it.
  double integrate(double t0, double dt);
  /// The end of the step over dt that a point cell (a == b) takes across a corner of phi, shortened so
  /// that it ends at the corner (dt if none is crossed).
  double to_corner(double dt, double G) const;
  /// Moves everything to t0 + dt from the step integrate() left in y_.
  void advance(double t0, double dt, double G);
  bool newborn_full(double t) const;
  void close_newborn(double t);
  void add_newborn_cells(Cell cell);
  std::shared_ptr<const CalciumPackets> newborn_calcium(double t);
  /// Without reset, linear calcium: cell n's calcium law at t0 + dt from its step's counters in y.
  void kept_calcium(Cell& cell, const std::vector<double>& y, const Layout& L, std::size_t n, double t0,
                    double dt) const;
  void to_floor(Cell& floor, const Cell& from, double moved) const;
  void handle_potential_floor(double G);
  bool mergeable(const Cell& x, const Cell& y) const;
  /// Sets the calcium line (Cell::slope) of the union of `x` and `y` into `x` (before the union's
  /// other fields; under the exponential calcium leak, its c1 and c2 too).
  void merge_calcium_line(Cell& x, const Cell& y) const;
  void merge_cells();
  /// The slope Cov(u, c) / Var(u) of the newborn cell's calcium line from its mass M, its integrals of
  /// u, u^2, c, c^2 (x, x^2 under the linear calcium leak) and u c, in any frame u = e xi + G; 0 where
  /// the cell is narrower than 1e-6 of the potential scale (its variance is rounding) or light.
  double newborn_line_slope(double M, double P, double S, double C1, double C2, double cross, double width) const;
  model::Observables observables(double t, double* total_mass) const;

  double position(double u0, double e, double G) const noexcept
  {
    return exp_u_ ? e * u0 + G : std::max(u0 + G, 0.0);
  }
  /// The displacement of the potential flow over tau from the input and the leak alone, in closed
  /// form: I (1 - e^{-alpha tau}) / alpha (exponential leak), (I - alpha) tau (linear leak).
  double input_shift(double input, double tau) const noexcept
  {
    if (!exp_u_) return (input - P_.alpha()) * tau;
    if (P_.alpha() == 0.0) return input * tau;
    return input * -std::expm1(-P_.alpha() * tau) / P_.alpha();
  }
  const model::Case& case_;
  CharacteristicResolution res_;
  const model::ModelParameters& P_;
  bool exp_u_ = true, exp_c_ = true;
  std::vector<Cell> cells_;  // with the linear potential leak, cells_[0] is the floor {u = 0}
  Newborn newborn_;
  double drive_ = 0.0;       // p at the last step end
  double floor_now_ = 0.0;   // linear calcium leak: the floor beta t at the last step end
  double atom_origin_ = std::numeric_limits<double>::quiet_NaN();  // linear calcium leak: x0 of the atoms
  std::vector<double> atom_crossings_;  // when the atoms reach the floor
  std::vector<double> atom_positions_;  // where: x0 + k, as CalciumPackets places them
  // The floors at which the right-hand side asks which atoms are above (atoms_floor): within a step,
  // those above at its start. A step never holds a crossing (steps end at them), but at its end the
  // floor beta t meets the atom to rounding, and the atom must still count as above, as in the
  // newborn's mixture (formed at the window's middle floor); counted on the floor for that stage, its
  // spikes entered both the mixture's atoms and the floor spikes, and the newborn's calcium law took
  // them twice (its mean calcium off by 1e-3 at every crossing on cases/memory.toml with c0 = 6).
  double atoms_floor_lo_ = -std::numeric_limits<double>::infinity();
  double atoms_floor_hi_ = std::numeric_limits<double>::infinity();
  double phi_slope_ = 0.0;  // the largest slope of phi where the mass can go (largest_phi_slope)
  double potential_scale_ = 1.0;  // phi_search_scale: where the mass and phi's changes lie
  // Linear calcium leak: the floor x = beta t stays below beta T (T the horizon), so the rows of the
  // calcium laws from beta T + 1 up never meet it and are folded into one (CalciumPackets::fold_above):
  // where the activity is long the calcium climbs far above the floor, and every newborn's law is a
  // mixture over every cell's rows (cases/memory.toml with phi_max = 10 at the default tolerance:
  // 20.5 s -> 13.3 s, beta = 4: 3.0 s -> 1.9 s; the observables the same to 5e-14).
  double unreached_ = std::numeric_limits<double>::infinity();
  // Whether unions carry calcium lines (Cell::slope): with reset, under the exponential potential leak.
  // Under the linear leak the floor u = 0 takes the low end of the unions (and the line's value there)
  // at every step, and the observables' calcium moments then converged irregularly (memory with a
  // linear potential leak: var_calcium changed by 3.1e-5, 9.2e-6, 6.8e-6 over levels 3 to 5, against
  // 2.0e-5, 4.9e-6, 1.2e-6 without lines; tolerance 1e-6 took 6 levels and 40 s, unconverged, against
  // 5 and 6.5 s).
  bool lines_ = false;
  // Whether the newborn cell carries a calcium line (Newborn::cross): under the exponential calcium
  // leak, where the newborn's window was the whole error of a level (cases/memory_exponential_calcium.toml:
  // exit-time changes over levels 1 to 4 2.8e-5, 6.8e-6, 1.7e-6, 4.3e-7 without it, 3.8e-7, 4.3e-9,
  // 5.5e-10, 5.6e-11 with it). Under the linear leak it broke the observed orders of the floor tests.
  bool newborn_lines_ = false;
  static constexpr double negligible_mass = 1e-18;  // of the total (1): see mergeable
  static constexpr double mass_reference = 1e-3;    // of the total: lighter unions may be wider (mergeable)
  static constexpr double union_phi_fraction = 0.25;  // of phi_step: phi's largest change across a union now (mergeable)
  bool phi_has_corners_ = false;   // threshold_linear: steps end where a point cell crosses a corner (to_corner)
  double phi_log_slope_ = std::numeric_limits<double>::infinity();  // exponential leak: largest_phi_log_slope
  PhiSlopeAbove phi_slope_above_;  // linear leak
  double merge_time_ = 0.0;        // when merge_cells runs (the horizon left bounds how far cells come down)
  std::vector<double> y0_, k1_, k2_, k3_, k4_, y_;  // scratch of step(), kept to spare allocations
  long steps_ = 0, max_cells_ = 0, cell_steps_ = 0;
};

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
  // Cells over the support, at most H wide and with phi changing by at most phi_step across; the
  // last takes the upper tail, so that the masses sum to 1 to rounding.
  const double lo = law.U.kind == model::MarginalKind::uniform ? law.U.min : 0.0;
  const double hi = law.U.upper_extent(1e-16);
  std::vector<double> faces{lo};
  while (faces.back() < hi) {
    double next = std::min(hi, faces.back() + res_.cell_width);
    const double base = P_.phi(faces.back());
    while (P_.phi(next) - base > res_.phi_step && next - faces.back() > 1e-6 * res_.cell_width)
      next = faces.back() + 0.5 * (next - faces.back());
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

void CharacteristicRun::state(std::vector<double>& y) const
{
  const Layout L(cells_.size(), P_.reset, !exp_c_);
  y.assign(L.size, 0.0);
  for (std::size_t n = 0; n < L.K; ++n) {
    const Cell& c = cells_[n];
    y[L.mass + n] = c.mass;
    y[L.moment + n] = c.moment;
    y[L.second + n] = c.second;
    if (!P_.reset && !exp_c_) {
      y[L.c1 + n] = c.above(floor_now_).c1;  // the other counters start at 0
    } else if (!P_.reset) {
      y[L.c1 + n] = c.mass * c.c1;
      y[L.c2 + n] = c.mass * c.c2;
    } else if (!exp_c_) {
      y[L.emitted + n] = c.emitted;
    }
  }
  if (P_.reset) {
    y[L.newborn] = newborn_.mass;
    y[L.newborn + 1] = newborn_.moment;
    y[L.second + L.K] = newborn_.second;
    y[L.newborn + 2] = newborn_.C1;
    y[L.newborn + 3] = newborn_.C2;
    y[L.cross] = newborn_.cross;
    if (!exp_c_) {
      y[L.floor_spikes] = newborn_.Q0;
      y[L.floor_spikes + 1] = newborn_.Q1;
      y[L.floor_spikes + 2] = newborn_.Q2;
      y[L.floor_spikes + 3] = newborn_.A0;
      y[L.floor_spikes + 4] = newborn_.A1;
      y[L.floor_spikes + 5] = newborn_.A2;
      y[L.floor_spikes + 6] = newborn_.A_shift;
      y[L.emitted + L.K] = newborn_.emitted;
    }
  }
  y[0] = 0.0;
}

/// dy/dt at time t = (step start) + tau, I(t) = input over the step.
void CharacteristicRun::rhs(double t, double tau, double input, const std::vector<double>& y,
                            std::vector<double>& dy) const
{
  const Layout L(cells_.size(), P_.reset, !exp_c_);
  const double alpha = P_.alpha(), beta = P_.beta(), w0 = P_.w0, w1 = P_.w1;
  const double e = exp_u_ ? std::exp(-alpha * tau) : 1.0;
  const double eb = exp_c_ ? std::exp(-beta * tau) : 1.0;
  const double F = exp_c_ ? 0.0 : beta * t;  // the floor in the frame x = c + beta t
  const double F_atoms = std::clamp(F, atoms_floor_lo_, atoms_floor_hi_);  // the same but at a crossing
  const double G = input_shift(input, tau) + y[0];
  const double inv_e = 1.0 / e;
  double drive = 0.0, emitted = 0.0, n1 = 0.0, n2 = 0.0, q0 = 0.0, q1 = 0.0, q2 = 0.0, a0 = 0.0, a1 = 0.0, a2 = 0.0;
  double a_shift = 0.0, a2_shift = 0.0;  // linear calcium: what the calcium lines add to A1 and A2
  for (std::size_t n = 0; n < L.K; ++n) {
    const Cell& cell = cells_[n];
    const double M = y[L.mass + n];
    // The state holds the moment in the frame of the step's start (xi = (u - G) / e): the flow does
    // not change it, only the spiking does.
    // Its integral of u^2 likewise (u = e xi + G), but not for a cell that the linear leak's
    // translation has taken partly below the floor within the step (its moments there are the frame's).
    const double second = !exp_u_ && cell.a + G < 0.0
                              ? std::numeric_limits<double>::quiet_NaN()
                              : e * e * y[L.second + n] + 2.0 * e * G * y[L.moment + n] + G * G * M;
    const CellSpiking S = cell_spiking(P_.phi, position(cell.a, e, G), position(cell.b, e, G), M,
                                       e * y[L.moment + n] + G * M, second);
    const double km = S.rate;
    if (!P_.reset && !exp_c_) {
      // Spikes keep U and take x to max(x, F) + 1. The rate k is the cell's mean (calcium and
      // potential independent inside a cell), so a neuron has not spiked since the step's start with
      // probability Z = e^{-Lambda}, whatever its x; every neuron that spiked lies above the floor (it
      // landed at F(s) + 1 > F(t): beta dt < 1). So the part above the floor is 1 - Z (1 - a(F)), a(F)
      // the step-start law's part above F, and the mean calcium obeys dc/dt = k - beta (1 - Z (1 - a)).
      const double k = M != 0.0 ? km / M : 0.0, Z = std::exp(-y[L.lambda + n]);
      const AboveFloor& A = cell.above(F_atoms);
      const double c1 = y[L.c1 + n], kZ = k * Z;
      drive += km * (w0 + w1 * c1);
      const double x1 = A.c1 + F_atoms * A.mass, x2 = A.c2 + 2.0 * F_atoms * A.c1 + F_atoms * F_atoms * A.mass;
      dy[L.mass + n] = 0.0;
      dy[L.moment + n] = 0.0;
      dy[L.second + n] = 0.0;
      dy[L.c1 + n] = k - beta * (1.0 - Z * A.on_floor);
      dy[L.lambda + n] = k;
      dy[L.a0 + n] = kZ * A.mass;
      dy[L.a1 + n] = kZ * (x1 + A.mass);
      dy[L.a2 + n] = kZ * (x2 + 2.0 * x1 + A.mass);
      dy[L.q0 + n] = kZ * A.on_floor;
      dy[L.q1 + n] = kZ * A.on_floor * (F + 1.0);
      continue;
    }
    if (!P_.reset) {
      // Spikes keep U and add one unit of calcium: d C1 = -beta C1 + k M, d C2 = -2 beta C2 + k (2 C1 + M),
      // with k the cell's mean rate (calcium and potential independent inside a cell).
      const double C1 = y[L.c1 + n], C2 = y[L.c2 + n], k = M != 0.0 ? km / M : 0.0;
      drive += k * (w0 * M + w1 * C1);
      dy[L.mass + n] = 0.0;
      dy[L.moment + n] = 0.0;
      dy[L.second + n] = 0.0;
      dy[L.c1 + n] = -beta * C1 + km;
      dy[L.c2 + n] = -2.0 * beta * C2 + k * (2.0 * C1 + M);
      continue;
    }
    dy[L.mass + n] = -km;
    // The moment in the frame of the step's start: d/dt of the integral of xi rho is minus the
    // spiking mass's xi, (integral of u phi rho - G integral of phi rho) / e.
    dy[L.moment + n] = -(S.moment - G * km) * inv_e;
    // The same for the integral of xi^2 rho: (integral of (u - G)^2 phi rho) / e^2.
    dy[L.second + n] = -(S.second - 2.0 * G * S.moment + G * G * km) * inv_e * inv_e;
    emitted += km;
    // The cell's calcium line (Cell::slope): the neurons spiking at its mean spiking potential
    // S.moment / km hold its law's calcium moved by `shift`.
    double shift = 0.0, slope = 0.0;
    if (km > 0.0 && (cell.slope != 0.0 || cell.offset != 0.0)) {
      const double at = e * cell.slope_at + G;  // (e = 1 under the linear leak)
      slope = cell.slope * inv_e * eb;
      shift = cell.offset * eb + slope * (S.moment / km - at);
    }
    if (exp_c_) {
      const double cb = cell.c1 * eb, c2b = cell.c2 * eb * eb;
      shift = std::max(shift, -cb);  // (a mean calcium is not negative)
      drive += km * (w0 + w1 * (cb + shift));
      // A spike takes c to c + 1: E[c + s + 1] and E[(c + s + 1)^2], with the spread of the line over
      // the spiking potentials (merge_calcium_line took it out of c2).
      const double spread = slope != 0.0 ? slope * slope * std::max(S.second / km - (S.moment / km) * (S.moment / km), 0.0) : 0.0;
      n1 += km * (cb + shift + 1.0);
      n2 += km * (c2b + 2.0 * shift * cb + shift * shift + spread + 2.0 * (cb + shift) + 1.0);
    } else {
      const AboveFloor& A = cell.above(F_atoms);
      // The line moves the part above the floor: by `shift` each, so its calcium by A.mass shift.
      shift = A.mass > 0.0 ? std::max(shift, -A.c1 / A.mass) : 0.0;
      drive += km * (w0 + w1 * (A.c1 + A.mass * shift));
      // In x: above the floor x -> x + 1 (A); on the floor (c = 0) to c = 1, i.e. x = F + 1, the same
      // landing for every cell (Q, from q0 after the loop).
      const double x1 = A.c1 + F_atoms * A.mass, x2 = A.c2 + 2.0 * F_atoms * A.c1 + F_atoms * F_atoms * A.mass;
      q0 += km * A.on_floor;
      a0 += km * A.mass;
      a1 += km * (x1 + A.mass);
      a2 += km * (x2 + 2.0 * x1 + A.mass);
      a_shift += km * A.mass * shift;
      a2_shift += km * (2.0 * shift * (x1 + A.mass) + shift * shift * A.mass);
      dy[L.emitted + n] = km;
    }
  }
  if (!exp_c_) {
    const double landing = F + 1.0;
    q1 = q0 * landing;
    q2 = q1 * landing;
    n1 = a1 + q1 + a_shift;
    n2 = a2 + q2 + a2_shift;
  }
  CellSpiking S_new;
  double b_new = 0.0;
  // The newborn's spiking in the frame xi (the integrals of phi rho, phi xi rho, phi xi^2 rho), its
  // calcium line there (slope and mean xi) and the integral of phi c rho (phi x rho, linear calcium).
  double R0 = 0.0, R1 = 0.0, R2 = 0.0, new_slope = 0.0, new_mean_xi = 0.0, spiking_c = 0.0;
  if (P_.reset) {
    const double M = y[L.newborn], C1 = y[L.newborn + 2];
    b_new = position(newborn_.b, e, G);
    // Its spiking from its linear density alone (no second-moment correction): inside a step the
    // Runge-Kutta stages put what entered at u_reset (the Euler predictions of its moments) while its
    // far end has moved, and the correction turned that into an error of the time stepping, of first
    // order: the identity mean_calcium = 10 - 6 t + integral of the rate (cases/memory.toml with
    // u_reset = 1.5, test "the newborn cell's own spikes") then failed by 2.3e-7, 1.7e-7, 4.9e-8 at
    // levels 0 to 2, against 2.8e-8, 4.0e-8, 2.5e-8 (the sampling's floor) without it.
    S_new = cell_spiking(P_.phi, P_.u_reset, b_new, M, e * y[L.newborn + 1] + G * M);
    R0 = S_new.rate;
    R1 = (S_new.moment - G * S_new.rate) * inv_e;
    R2 = (S_new.second - 2.0 * G * S_new.moment + G * G * S_new.rate) * inv_e * inv_e;
    if (M > 0.0) {
      new_mean_xi = y[L.newborn + 1] / M;
      if (newborn_lines_)
        new_slope = newborn_line_slope(M, y[L.newborn + 1], y[L.second + L.K], C1, y[L.newborn + 3], y[L.cross],
                                       std::fabs(b_new - P_.u_reset) * inv_e);
      // Its neurons that spike hold the calcium of its line at their potentials.
      spiking_c = R0 * C1 / M + new_slope * (R1 - new_mean_xi * R0);
    }
    const double c_real = exp_c_ ? spiking_c : spiking_c - F * R0;  // all of its calcium is above the floor
    drive += w0 * R0 + w1 * c_real;
  }
  if (P_.reset) {
    const double M = y[L.newborn], C1 = y[L.newborn + 2], C2 = y[L.newborn + 3];
    const double k_M = S_new.rate;  // its own spikes re-enter it
    // Reset mass enters at u_reset, at xi = (u_reset - G) / e.
    dy[L.newborn] = emitted;
    dy[L.newborn + 1] = (emitted + k_M) * (P_.u_reset - G) / e - (S_new.moment - G * S_new.rate) / e;
    const double xi_reset = (P_.u_reset - G) * inv_e;
    dy[L.second + L.K] = (emitted + k_M) * xi_reset * xi_reset -
                         (S_new.second - 2.0 * G * S_new.moment + G * G * S_new.rate) * inv_e * inv_e;
    // Its own spikes: the loss (the integral of phi c rho) and the gain (the same of c + 1) leave k_M
    // in C1; in C2 (c + 1)^2 - c^2 = 2 c + 1 each.
    // Its integral of xi c: what enters at xi_reset (the others' spikes; its own, with c + 1), less what
    // its own spikes take away (phi xi c rho along its line), and under the exponential leak c decays.
    if (newborn_lines_) {
      const double spiking_xi_c = M > 0.0 ? R1 * C1 / M + new_slope * (R2 - new_mean_xi * R1) : 0.0;
      dy[L.cross] = xi_reset * (n1 + spiking_c + k_M) - spiking_xi_c - (exp_c_ ? beta * y[L.cross] : 0.0);
    } else {
      dy[L.cross] = 0.0;
    }
    if (exp_c_) {
      dy[L.newborn + 2] = n1 + k_M - beta * C1;
      dy[L.newborn + 3] = n2 + 2.0 * spiking_c + k_M - 2.0 * beta * C2;
    } else {
      dy[L.newborn + 2] = n1 + k_M;
      dy[L.newborn + 3] = n2 + 2.0 * spiking_c + k_M;
      dy[L.floor_spikes] = q0;
      dy[L.floor_spikes + 1] = q1;
      dy[L.floor_spikes + 2] = q2;
      dy[L.floor_spikes + 3] = a0;
      dy[L.floor_spikes + 4] = a1;
      dy[L.floor_spikes + 5] = a2;
      dy[L.floor_spikes + 6] = a_shift;
      dy[L.emitted + L.K] = k_M;
    }
  } else {
    dy[L.second + L.K] = 0.0;
    dy[L.cross] = 0.0;
  }
  // G = G_I + G_p: u(t) = e^{-alpha tau} u0 + G(tau) with G' = I + p - alpha G (exponential leak), or
  // u(t) = u0 + G(tau) with G' = I + p - alpha (linear leak, above the floor). The part of I and the
  // leak is in closed form (input_shift), the state carries the drive's part G_p.
  dy[0] = exp_u_ ? drive - alpha * y[0] : drive;
}

double CharacteristicRun::max_rate() const
{
  // phi is nondecreasing (model/rate_function.hpp): its largest value is at the highest potential.
  double u = P_.reset ? std::max(P_.u_reset, newborn_.b) : 0.0;
  for (const Cell& c : cells_) u = std::max(u, c.b);
  return P_.phi(std::max(u, 0.0));
}

/// The longest step from t: dt, the stability of the killing (k_max dt <= 1/2), and a newborn cell
/// across which phi changes by at most phi_step (its far end moves at most that displacement). Moving
/// up, the newborn may grow wider than H in a step: it closes at the step's end and is cut into cells
/// no wider than H (add_newborn_cells). Bounding the step by H instead made it a fraction of dt where
/// the drive is strong (cases/memory.toml with beta = 3: p near 300, 43570 steps at level 2 instead of
/// 12000, each closing a newborn whose calcium law is a mixture over every cell). Moving down onto the
/// linear leak's floor, it stays within H and above the floor.
double CharacteristicRun::step_bound(double t) const
{
  double dt = res_.dt;
  const double k_max = max_rate();
  if (k_max > 0.0) dt = std::min(dt, 0.5 / k_max);
  if (!P_.reset) return dt;
  const double u = P_.u_reset, input = P_.input.value(t);
  const double v = exp_u_ ? input + drive_ - P_.alpha() * u : input + drive_ - P_.alpha();
  if (!(std::fabs(v) > 0.0) || (!exp_u_ && u <= 0.0 && v < 0.0)) return dt;
  const double direction = v > 0.0 ? 1.0 : -1.0, base = P_.phi(u);
  double d = v > 0.0 ? v * dt : std::min(res_.cell_width, u);
  if (std::fabs(P_.phi(std::max(u + direction * d, 0.0)) - base) > res_.phi_step) {
    double lo = 0.0, hi = d;  // phi is monotone: bisect for the displacement
    for (int i = 0; i < 40; ++i) {
      const double mid = 0.5 * (lo + hi);
      (std::fabs(P_.phi(std::max(u + direction * mid, 0.0)) - base) > res_.phi_step ? hi : lo) = mid;
    }
    d = lo;
  }
  return d > 0.0 ? std::min(dt, d / std::fabs(v)) : dt;
}

double CharacteristicRun::integrate(double t0, double dt)
{
  const double input = P_.input.value(t0);
  state(y0_);
  const std::size_t size = y0_.size();
  for (auto* v : {&k1_, &k2_, &k3_, &k4_, &y_}) v->resize(size);
  const std::vector<double>& y0 = y0_;
  std::vector<double>& k1 = k1_;
  std::vector<double>& k2 = k2_;
  std::vector<double>& k3 = k3_;
  std::vector<double>& k4 = k4_;
  std::vector<double>& y = y_;
  auto stage = [&](const std::vector<double>& k, double factor) {
    for (std::size_t i = 0; i < size; ++i) y[i] = y0[i] + factor * k[i];
  };
  rhs(t0, 0.0, input, y0, k1);
  stage(k1, 0.5 * dt);
  rhs(t0 + 0.5 * dt, 0.5 * dt, input, y, k2);
  stage(k2, 0.5 * dt);
  rhs(t0 + 0.5 * dt, 0.5 * dt, input, y, k3);
  stage(k3, dt);
  rhs(t0 + dt, dt, input, y, k4);
  for (std::size_t i = 0; i < size; ++i) y[i] = y0[i] + dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
  const double G = input_shift(input, dt) + y[0];
  if (!std::isfinite(G))
    throw SolverFailure(fmt::format("the drive p(t) is not finite near t = {:.6g}; check the case's parameters", t0));
  return G;
}

double CharacteristicRun::to_corner(double dt, double G) const
{
  if (!phi_has_corners_) return dt;
  const double e = exp_u_ ? std::exp(-P_.alpha() * dt) : 1.0;
  double shortest = dt;
  for (const Cell& c : cells_) {
    if (c.a != c.b || !(c.mass > 0.0)) continue;
    const double from = c.a, to = position(c.a, e, G);
    const model::RateFunction::Corners corners = P_.phi.corners_in(std::min(from, to), std::max(from, to));
    if (corners.count == 0) continue;
    // The nearest corner ahead, reached at the fraction of the step where the path, close to
    // linear over a step, meets it.
    const double corner = to > from ? corners.at[0] : corners.at[corners.count - 1];
    shortest = std::min(shortest, dt * (corner - from) / (to - from));
  }
  return shortest;
}

void CharacteristicRun::advance(double t0, double dt, double G)
{
  ++steps_;
  const std::vector<double>& y = y_;
  const Layout L(cells_.size(), P_.reset, !exp_c_);
  const double e = exp_u_ ? std::exp(-P_.alpha() * dt) : 1.0;
  const double eb = exp_c_ ? std::exp(-P_.beta() * dt) : 1.0;
  for (std::size_t n = 0; n < L.K; ++n) {
    Cell& c = cells_[n];
    c.a = exp_u_ ? e * c.a + G : c.a + G;  // the linear leak's floor is applied below
    c.b = exp_u_ ? e * c.b + G : c.b + G;
    c.mass = y[L.mass + n];
    c.moment = e * y[L.moment + n] + G * c.mass;
    // u = e xi + G: the integral of u^2 from those of xi^2, xi and 1.
    c.second = e * e * y[L.second + n] + 2.0 * e * G * y[L.moment + n] + G * G * c.mass;
    if (c.slope != 0.0) {
      // The calcium line moves with the flow: the potentials of its neurons by u -> e u + G, their
      // calcium by c -> e^{-beta dt} c (exponential leak; the linear leak moves the law, not the line).
      c.slope_at = e * c.slope_at + G;  // (e = 1 under the linear leak)
      c.slope *= eb / e;
    }
    if (!P_.reset && !exp_c_) {
      kept_calcium(c, y, L, n, t0, dt);
    } else if (!P_.reset) {
      if (c.mass > 0.0) {
        c.c1 = y[L.c1 + n] / c.mass;
        c.c2 = y[L.c2 + n] / c.mass;
      }
    } else if (exp_c_) {
      c.c1 *= eb;
      c.c2 *= eb * eb;
    } else {
      c.emitted = y[L.emitted + n];
    }
  }
  if (P_.reset) {
    newborn_.b = position(newborn_.b, e, G);
    newborn_.mass = y[L.newborn];
    newborn_.moment = e * y[L.newborn + 1] + G * newborn_.mass;
    newborn_.second = e * e * y[L.second + L.K] + 2.0 * e * G * y[L.newborn + 1] + G * G * newborn_.mass;
    if (!exp_u_) {
      // Under the linear leak the translation stops at the floor u = 0: with the reset on it and a
      // negative velocity there, the frame puts the mass that entered at time s at G(t) - G(s) < 0,
      // where it is not: it sits at 0. Every newborn neuron lies in [min(u_reset, b), max(u_reset, b)]
      // clipped to u >= 0 (b follows the reflected path, position()), and so does its mean.
      const double lo = std::max(std::min(P_.u_reset, newborn_.b), 0.0), hi = std::max(P_.u_reset, newborn_.b);
      newborn_.moment = std::clamp(newborn_.moment, lo * newborn_.mass, hi * newborn_.mass);
      newborn_.second = second_within(lo, hi, newborn_.mass, newborn_.moment, newborn_.second);
    }
    newborn_.C1 = y[L.newborn + 2];
    newborn_.C2 = y[L.newborn + 3];
    newborn_.cross = e * y[L.cross] + G * newborn_.C1;  // u = e xi + G
    if (!exp_c_) {
      newborn_.Q0 = y[L.floor_spikes];
      newborn_.Q1 = y[L.floor_spikes + 1];
      newborn_.Q2 = y[L.floor_spikes + 2];
      newborn_.A0 = y[L.floor_spikes + 3];
      newborn_.A1 = y[L.floor_spikes + 4];
      newborn_.A2 = y[L.floor_spikes + 5];
      newborn_.A_shift = y[L.floor_spikes + 6];
      newborn_.emitted = y[L.emitted + L.K];
    }
  }
  floor_now_ = exp_c_ ? 0.0 : P_.beta() * (t0 + dt);
  if (!exp_u_) handle_potential_floor(G);
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
  if (!(P_.phi(hi) - P_.phi(lo) < union_phi_fraction * phi_step)) return false;
  // The union's linear density must hold its mean, |P / M - mid| <= width / 6, where that density is
  // non-negative; beyond, cell_spiking clamps the slope and the union spikes as if its mass sat where
  // it does not. With phi(0) > 0 (cases/memory.toml with a sigmoid rate) the cells that contract onto
  // the quiet state's potential after the exit merged with very unequal neighbours at times that
  // depend on the level: the rate there changed by 1e-3 from level to level, at first order, and the
  // default tolerance took 7 levels and 66 s (4 levels and 0.6 s with this rule).
  const double mass = x.mass + y.mass;
  if (width > 0.0 && mass > 0.0 && std::fabs((x.moment + y.moment) / mass - 0.5 * (lo + hi)) > width / 6.0) return false;
  if (width * phi_slope_ < phi_step) return true;
  if (exp_u_) return lo > 0.0 && std::log(hi / lo) * phi_log_slope_ < phi_step;
  return width * phi_slope_above_(lowest) < phi_step;
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

/// The union of two cells holds each part's calcium law where that part's neurons are: the union's
/// law (their mixture) with the calcium line that regresses the calcium on the potential (Cell::slope):
///     slope = Cov(u, c) / Var(u),
/// with each part's moments from its own line (a cell that is not a union: slope 0), its mean at
/// the union's mean potential (slope_at), and the offset that gives the union's mean calcium. Without
/// it, where the neighbours' calcium differs (cells born at different times) and phi is steep, the
/// union's drive misses w1 times the integral of (phi(u) - its mean) (c - its mean): on
/// cases/memory.toml with u_reset = 1 the exit times of levels 0 to 3 converged at order 1.2 to 1.4.

void CharacteristicRun::merge_calcium_line(Cell& x, const Cell& y) const
{
  struct Part {
    double M, mean_u, var_u, law_c, above, mean_c, cov, second_c;
  };
  auto part = [&](const Cell& c) {
    Part p{};
    p.M = c.mass;
    p.mean_u = c.moment / c.mass;
    p.var_u = std::max(c.second / c.mass - p.mean_u * p.mean_u, 0.0);
    double c2 = 0.0;
    if (exp_c_) {
      p.law_c = c.c1;
      p.above = 1.0;
      c2 = c.c2;
    } else {
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
  };
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
  const Part p = part(x), q = part(y);
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

model::Observables CharacteristicRun::observables(double t, double* total_mass) const
{
  const double F = exp_c_ ? 0.0 : P_.beta() * t;
  model::ObservableAccumulator acc(P_.w0, P_.w1);
  std::array<double, 7> s{};
  double total = 0.0, compensation = 0.0;
  // A cell's calcium line (Cell::slope): `above` is the part of its law that it moves. Under the
  // exponential calcium leak the law lacks the spread the line explains (merge_calcium_line took it out
  // of c2); under the linear leak the law is the parts' mixture, which holds it.
  struct Line {
    double offset = 0.0, slope = 0.0, at = 0.0, above = 0.0;
  };
  // (The newborn spikes from its linear density alone, as in rhs: `corrected` false.)
  auto add = [&](double a, double b, double M, double P, double second, double c1, double c2, bool corrected = true,
                 Line line = {}) {
    const CellSpiking S =
        cell_spiking(P_.phi, a, b, M, P, corrected ? second : std::numeric_limits<double>::quiet_NaN());
    // The line's shift at the spiking potentials (as in rhs) and over the cell's: its mean and mean square.
    double spiking_shift = 0.0, shift = 0.0, shift_square = 0.0;
    if (line.slope != 0.0 || line.offset != 0.0) {
      const double mean_u = P / M, var_u = std::max(second / M - mean_u * mean_u, 0.0);
      if (S.rate > 0.0 && line.above > 0.0)
        spiking_shift = std::max(line.offset + line.slope * (S.moment / S.rate - line.at), -c1 / line.above);
      shift = line.offset + line.slope * (mean_u - line.at);
      shift_square = shift * shift + (exp_c_ ? line.slope * line.slope * var_u : 0.0);
    }
    s[0] += M;
    s[1] += S.rate;
    s[2] += S.rate * (P_.w0 + P_.w1 * (c1 + line.above * spiking_shift));
    s[3] += P;
    s[4] += M * (c1 + line.above * shift);
    s[5] += second;
    s[6] += M * (c2 + 2.0 * shift * c1 + line.above * shift_square);
    const double sum = total + M;  // Neumaier
    compensation += std::fabs(total) >= std::fabs(M) ? (total - sum) + M : (M - sum) + total;
    total = sum;
  };
  for (const Cell& c : cells_) {
    if (exp_c_) {
      add(c.a, c.b, c.mass, c.moment, c.second, c.c1, c.c2, true, {c.offset, c.slope, c.slope_at, 1.0});
    } else {
      const AboveFloor& A = c.above(F);
      add(c.a, c.b, c.mass, c.moment, c.second, A.c1, A.c2, true, {c.offset, c.slope, c.slope_at, A.mass});
    }
  }
  if (P_.reset && newborn_.mass != 0.0) {
    const double M = newborn_.mass;
    // Its calcium line (as in rhs), through its mean potential.
    Line line;
    if (newborn_lines_) {
      line.slope = newborn_line_slope(M, newborn_.moment, newborn_.second, newborn_.C1, newborn_.C2, newborn_.cross,
                                      std::fabs(newborn_.b - P_.u_reset));
      line.at = newborn_.moment / M;
      line.above = 1.0;
    }
    const double var_u = std::max(newborn_.second / M - line.at * line.at, 0.0);
    if (exp_c_) {
      // (add puts back into c2 the spread the line explains)
      const double c1 = newborn_.C1 / M, c2 = std::max(newborn_.C2 / M - line.slope * line.slope * var_u, c1 * c1);
      add(P_.u_reset, newborn_.b, M, newborn_.moment, newborn_.second, c1, c2, false, line);
    } else {
      const double c1 = newborn_.C1 / M - F, c2 = newborn_.C2 / M - 2.0 * F * newborn_.C1 / M + F * F;
      add(P_.u_reset, newborn_.b, M, newborn_.moment, newborn_.second, c1, c2, false, line);
    }
  }
  acc.set_sums(s);
  *total_mass = total + compensation;
  return acc.finish();
}

Solution CharacteristicRun::run(const SolveOptions& options)
{
  const auto start = std::chrono::steady_clock::now();
  const double end = case_.time.end;
  // Step ends are forced at the sample times (observables there are the state's, not interpolated),
  // the changes of I(t), the snapshot times, t_grace and the end.
  std::vector<double> stops = case_.time.sample_times();
  for (double t = P_.input.next_change_after(0.0); t < end; t = P_.input.next_change_after(t)) stops.push_back(t);
  for (double t : options.snapshot_times)
    if (t > 0.0 && t < end) stops.push_back(t);
  if (case_.region.t_grace > 0.0 && case_.region.t_grace < end) stops.push_back(case_.region.t_grace);
  stops.insert(stops.end(), atom_crossings_.begin(), atom_crossings_.end());
  std::sort(stops.begin(), stops.end());
  std::size_t next_crossing = 0;

  Solution sol;
  sol.ts_type = "rk4";
  StepObserver observer(case_.time.sample_times(), case_.region);
  double mass = 0.0;
  double t = 0.0;
  model::Observables obs = observables(0.0, &mass);
  drive_ = obs.drive();
  observer.observe(0.0, obs);
  sol.max_mass_error = std::fabs(mass - 1.0);
  newborn_.opened = 0.0;
  // Progress on a terminal: the level and its time, twice a second once it has run for a second (a
  // short level prints nothing); the line is cleared when the level ends.
  const bool show_progress = options.progress && ::isatty(STDERR_FILENO);
  double next_progress = 1.0;
  bool progress_shown = false;
  for (double stop : stops) {
    while (stop - t > 1e-12 * end && !sol.interrupted && !sol.over_budget) {
      double dt = step_bound(t);
      // Land on the stop without a sliver of a last step.
      if (dt >= stop - t) dt = stop - t;
      else if (dt > 0.5 * (stop - t)) dt = 0.5 * (stop - t);
      const double t0 = t;
      t = dt == stop - t0 ? stop : t0 + dt;
      if (next_crossing < atom_positions_.size())
        atoms_floor_hi_ = std::nextafter(atom_positions_[next_crossing], -std::numeric_limits<double>::infinity());
      else
        atoms_floor_hi_ = std::numeric_limits<double>::infinity();
      atoms_floor_lo_ = next_crossing > 0 ? atom_positions_[next_crossing - 1] : -std::numeric_limits<double>::infinity();
      double G = integrate(t0, t - t0);
      // A cell of one potential (a Dirac stimulus) spikes at phi of that potential: a corner of phi
      // crossed inside a step is a kink of the right-hand side in time, which the Runge-Kutta step
      // integrates at first order. The step ends at the corner instead (to O(dt^2): its path is close
      // to linear over a step). cases/memory.toml with a threshold-linear rate: the stimulus crosses the
      // cap near t = 0.055, where the mean potential's largest changes over levels 3 to 5 were 1.5e-5,
      // 7.5e-6, 9.8e-7 (orders 1.0 and 2.9); ending the step there, 1.6e-5, 4.2e-6, 1.0e-6.
      if (const double to = to_corner(t - t0, G); to < t - t0 && to > 1e-6 * (t - t0)) {
        t = t0 + to;
        G = integrate(t0, to);
      }
      advance(t0, t - t0, G);
      bool crossing = false;  // an atom reached the floor: a new window starts
      while (next_crossing < atom_crossings_.size() && atom_crossings_[next_crossing] <= t + 1e-12 * end) {
        crossing = true;
        ++next_crossing;
      }
      if (crossing || newborn_full(t)) close_newborn(t);
      max_cells_ = std::max(max_cells_, static_cast<long>(cells_.size()));
      cell_steps_ += static_cast<long>(cells_.size());
      obs = observables(t, &mass);
      drive_ = obs.drive();
      if (!std::isfinite(mass) || !std::isfinite(drive_))
        throw SolverFailure(fmt::format("the solution is not finite at t = {:.6g}; check the case's parameters", t));
      sol.max_mass_error = std::max(sol.max_mass_error, std::fabs(mass - 1.0));
      if (std::fabs(mass - 1.0) > 1e-9)
        throw SolverFailure(fmt::format("the total mass drifted to {:.17g} at t = {:.6g}; this is a bug, please report "
                                        "it with the case", mass, t));
      observer.observe(t, obs);
      if (options.stop != nullptr && options.stop->load(std::memory_order_relaxed)) sol.interrupted = true;
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (elapsed > options.wall_limit_seconds) sol.over_budget = true;
      if (show_progress && elapsed >= next_progress) {
        fmt::print(stderr, "\rstf: level {}, t = {:<10.4g} of {:g}, rate {:<10.4g} ({:.0f} s)", res_.level, t, end,
                   obs.rate(), elapsed);
        next_progress = elapsed + 0.5;
        progress_shown = true;
      }
    }
    if (sol.interrupted || sol.over_budget) break;
  }
  if (progress_shown) fmt::print(stderr, "\r{:72}\r", "");
  sol.times = observer.sample_times_done();
  sol.observables = observer.samples();
  sol.exit_time = observer.exit_time();
  sol.steps = steps_;
  sol.rhs_evaluations = 4 * steps_;
  sol.cells = max_cells_;
  sol.cell_steps = cell_steps_;
  sol.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (sol.wall_seconds > 0.0) sol.cell_stage_updates_per_second = 4.0 * double(cell_steps_) / sol.wall_seconds;
  return sol;
}

/// The scales of a case: a potential scale (where its initial law and reset lie, and where phi
/// changes), a rate scale (phi there, the leaks, the horizon) and phi's range there.
struct CaseScales {
  double potential = 1.0, rate = 1.0, phi_range = 1.0;
};

CaseScales case_scales(const model::Case& c)
{
  const auto& U = c.initial.U;
  const auto& phi = c.model.phi;
  CaseScales s;
  const double u_init = U.is_dirac() ? U.at : U.upper_extent(1e-3);
  double phi_scale = 1.0;
  if (phi.kind == model::RateKind::hill || phi.kind == model::RateKind::sigmoid ||
      phi.kind == model::RateKind::threshold_linear)
    phi_scale = std::max(phi.theta, 1e-300);
  s.potential = std::max({u_init, c.model.u_reset, phi_scale, 1e-300});
  s.phi_range = phi(2.0 * s.potential) - phi(0.0);
  s.rate = std::max({phi(2.0 * s.potential), c.model.alpha(), c.model.beta(), 1.0 / c.time.end});
  return s;
}

}  // namespace

CharacteristicResolution characteristic_resolution(const model::Case& c, int level)
{
  const CaseScales s = case_scales(c);
  const double scale = std::ldexp(1.0, -level);
  CharacteristicResolution r;
  r.level = level;
  // Steps end at the sample times too, so the longest step starts at most one sample interval long:
  // then every level halves the steps actually taken (the refinement sees the time error).
  r.dt = std::min({c.time.end / 16.0, 0.2 / s.rate, c.time.sample}) * scale;
  r.cell_width = s.potential / 4.0 * scale;
  // Above the potential scale, the same width relative to the cell's potential: a population that
  // the drive takes far above its scale (a strong stimulus, slow calcium leak) keeps about as many
  // cells as one that stays near it. The within-cell error of the potential's variance is then
  // relative to the mean square potential, like the others.
  r.relative_width = r.cell_width / s.potential;
  r.phi_step = s.phi_range > 0.0 ? s.phi_range / 8.0 * scale : std::numeric_limits<double>::infinity();
  // The newborn cell closes at every step. Its calcium is one law and its potential one linear
  // density for all it collected, so what changes over its window (the spikers' calcium, the inflow
  // and the velocity at u_reset) is averaged over it. With a window of 4 dt this was the
  // largest error: on cases/memory.toml the variance of calcium changed by 1.0e-3 from level 2 to 3,
  // against 1.7e-4 with dt (the exit time by 1.1e-4 against 2.1e-5; with an exponential calcium leak
  // 11 times less), for 20 % more cells: the default tolerance needs one level fewer.
  r.window = r.dt;
  if (c.model.leak_C.kind == model::LeakKind::linear && c.model.beta() > 0.0)
    r.window = std::min(r.window, 0.25 / c.model.beta());  // newborn calcium (>= 1 - beta window) stays above 0
  // The rows' error (order 2.5 in 1 / m; the atoms are exact) must shrink from each level to the
  // next like the others, or the refinement cannot see it: with m doubling every second level, the
  // variance of calcium on cases/memory.toml changed by 1.3e-4 (relative) from level 2 to 3 while
  // its error at level 3 was 6.5e-5, 1.2 times the estimate. m doubles every level.
  r.rows_per_unit_c = 1L << std::min(level, 10);
  return r;
}

Solution solve_characteristic_level(const model::Case& c, const CharacteristicResolution& resolution,
                                    const SolveOptions& options)
{
  CharacteristicRun run(c, resolution);
  return run.run(options);
}

}  // namespace stf::solver
