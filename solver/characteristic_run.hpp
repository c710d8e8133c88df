// One run of the characteristic scheme at a fixed resolution (docs/numerical-method.md §11): its cells,
// its newborn cell, and the steps that move them. The member functions are defined by topic:
// characteristic_run.cpp (the time loop, the step, the observables), characteristic_rhs.cpp (the
// right-hand side of the Runge-Kutta step), characteristic_cells.cpp (the initial cells and the
// linear leak's potential floor), characteristic_newborn.cpp (the reset: the newborn cell and its
// calcium) and characteristic_merge.cpp (merging cells, their calcium lines).
#pragma once

#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "model/case.hpp"
#include "solver/calcium_packets.hpp"
#include "solver/characteristic_cell.hpp"
#include "solver/characteristic_scheme.hpp"
#include "solver/phi_slopes.hpp"
#include "solver/solve.hpp"

namespace stf::solver::characteristic {

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
    change_bound_known_ = exp_u_ && change_under_flow_known(P_.phi);
    newborn_phi_bound_ = !((P_.phi.kind == model::RateKind::power || P_.phi.kind == model::RateKind::hill) &&
                           P_.phi.kappa < 1.0);
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
  /// phi changes by less than `phi_step` across a cell [lo, hi] now and wherever the flow takes it
  /// (the flow never widens a cell); `lowest` is the least potential the cell can reach by the horizon.
  bool phi_change_stays_below(double lo, double hi, double lowest, double phi_step) const;
  /// A cell's calcium as a part of a union: its mass, the mean and variance of its potential, its
  /// law's calcium (per unit mass: on the floor counts 0) and part above the floor, and with its
  /// calcium line, the mean calcium, Cov(u, c) and the second moment of the calcium (per unit mass).
  struct CalciumOfPart {
    double M, mean_u, var_u, law_c, above, mean_c, cov, second_c;
  };
  CalciumOfPart calcium_of(const Cell& c) const;
  /// The parts' calcium is close enough for `x` and `y` to merge, where phi changes by `phi_change`
  /// across their union (`relax`: light unions may be wider, mergeable).
  bool calcium_close_enough(const Cell& x, const Cell& y, double phi_change, double relax) const;
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
  static constexpr double union_calcium_fraction = 0.25;  // of phi_step calcium_step (calcium_close_enough)
  bool phi_has_corners_ = false;   // threshold_linear: steps end where a point cell crosses a corner (to_corner)
  double phi_log_slope_ = std::numeric_limits<double>::infinity();  // exponential leak: largest_phi_log_slope
  PhiSlopeAbove phi_slope_above_;  // linear leak
  // Under the exponential leak, phi's largest change across a cell wherever the flow takes it is
  // known (largest_change_under_flow; mergeable).
  bool change_bound_known_ = false;
  // Whether the step keeps phi's change across the newborn within phi_step (step_bound). Where phi
  // rises like u^kappa, kappa < 1, from u_reset = 0, that makes the step O(phi_step^(1/kappa)): the
  // steps x4 per level for sqrt, 180143 at level 4 of cases/memory.toml with phi = 1.5 u^0.5 (78 s).
  // Such cells are integrated in closed form (cell_killing.hpp, power_spiking; hill_spiking for a Hill
  // rate with kappa < 1, where the same bound made a level cost 8 times the previous), and without the bound
  // the exit times of levels 0 to 4 were 3.5397045537, 3.5396621664, 3.5396630706, 3.5396640157,
  // 3.5396640259 (level 4: 4 s), converging to what the bounded levels approach (3.5396637009 at
  // level 4, rising by 7e-7 a level); against the renewal oracle (w1 = 0, self-excited) the errors at
  // levels 0 to 4 were of order 2.3 to 2.5, 1.5e-10 in the mean potential at level 3 (2.5e-11 bounded).
  bool newborn_phi_bound_ = true;
  double merge_time_ = 0.0;        // when merge_cells runs (the horizon left bounds how far cells come down)
  std::vector<double> y0_, k1_, k2_, k3_, k4_, y_;  // scratch of step(), kept to spare allocations
  long steps_ = 0, max_cells_ = 0, cell_steps_ = 0;
};

}  // namespace stf::solver::characteristic
