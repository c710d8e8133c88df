// The time loop of the characteristic scheme (docs/numerical-method.md §11): the step's bound, the
// Runge-Kutta step, moving the cells, and the observables at the sample times.
#include "solver/characteristic_run.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>
#include <chrono>
#include <fmt/core.h>
#include <unistd.h>

#include "model/memory_region.hpp"
#include "solver/cell_killing.hpp"
#include "solver/marginal_moments.hpp"
#include "solver/solver_failure.hpp"
#include "solver/step_observer.hpp"

namespace stf::solver::characteristic {

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

double CharacteristicRun::max_rate() const
{
  // phi is nondecreasing (model/rate_function.hpp): its largest value is at the highest potential.
  double u = P_.reset ? std::max(P_.u_reset, newborn_.b) : 0.0;
  for (const Cell& c : cells_) u = std::max(u, c.b);
  return P_.phi(std::max(u, 0.0));
}

/// The longest step from t: dt, the stability of the killing (k_max dt <= 1/2), and a newborn cell
/// across which phi changes by at most phi_step (its far end moves at most that displacement). Not
/// for a power rate with kappa < 1 (newborn_phi_bound_). Moving
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
  if (newborn_phi_bound_ && std::fabs(P_.phi(std::max(u + direction * d, 0.0)) - base) > res_.phi_step) {
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

}  // namespace stf::solver::characteristic
