// The characteristic scheme (docs/numerical-method.md §11) against exact results: phi = 0 transport
// is exact (cells move with the flow), the constant-rate oracle (MODEL.md §5) is met to the
// requested tolerance, and the error estimate of the refinement brackets the truth.
#include <doctest/doctest.h>
#include <fmt/core.h>
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "../petsc/test_cases.hpp"
#include "level_changes.hpp"
#include "model/case_reader.hpp"
#include "model/constant_rate_oracle.hpp"
#include "solver/accuracy_control.hpp"
#include "solver/characteristic_scheme.hpp"
#include "solver/solve.hpp"
#include "solver/solver_failure.hpp"

namespace {

using namespace stf;

/// E[g(X)] and E[g(X)^2] for X uniform on [lo, hi], g continuous and piecewise smooth, by the
/// composite midpoint rule on 2^20 points (error ~1e-13 for the kinks of the floor).
std::pair<double, double> uniform_moments(double lo, double hi, const std::function<double(double)>& g)
{
  const long n = 1L << 20;
  long double s1 = 0.0L, s2 = 0.0L;  // 2^20 terms: the sum needs the extra digits
  for (long i = 0; i < n; ++i) {
    const double x = lo + (hi - lo) * (double(i) + 0.5) / double(n), y = g(x);
    s1 += y;
    s2 += y * y;
  }
  return {static_cast<double>(s1 / n), static_cast<double>(s2 / n)};
}

model::Case transport_case(model::LeakKind u_law, model::LeakKind c_law)
{
  model::Case c = test::base_case();
  c.solver.scheme = "characteristic";
  c.model.leak_U = {u_law, u_law == model::LeakKind::linear ? 1.5 : 1.0};
  c.model.leak_C = {c_law, c_law == model::LeakKind::linear ? 2.0 : 1.0};
  // Uniform laws (rows of the calcium packets hold them exactly); an input pulse that lifts the
  // floor's mass off u = 0 again.
  c.initial.U = test::uniform(1.0, 3.0);
  c.initial.C = test::uniform(2.0, 4.0);
  c.model.input = model::InputSchedule(0.5, {{1.0, 1.6, 3.0}});
  c.time.end = 2.5;
  c.time.sample = 0.25;
  return c;
}

TEST_CASE("characteristic scheme: phi = 0 transport is exact for every leak combination and an input pulse")
{
  using model::LeakKind;
  for (LeakKind u_law : {LeakKind::exponential, LeakKind::linear})
    for (LeakKind c_law : {LeakKind::exponential, LeakKind::linear}) {
      const model::Case c = transport_case(u_law, c_law);
      CAPTURE(model::to_string(u_law));
      CAPTURE(model::to_string(c_law));
      const auto sol = solver::solve_characteristic_level(c, solver::characteristic_resolution(c, 1), {});
      REQUIRE(sol.times.size() == sol.observables.size());
      REQUIRE(sol.times.size() == 11);
      for (std::size_t k = 0; k < sol.times.size(); ++k) {
        const double t = sol.times[k];
        CAPTURE(t);
        const auto u = uniform_moments(1.0, 3.0, [&](double x) {
          return model::flow_through(c.model.leak_U, x, 0.0, t, c.model.input);
        });
        const auto cc = uniform_moments(2.0, 4.0, [&](double x) { return c.model.leak_C.flow(x, 0.0, t); });
        const auto& o = sol.observables[k];
        CHECK(o.mass() == doctest::Approx(1.0).epsilon(1e-14));
        CHECK(std::fabs(o.mean_potential() - u.first) < 1e-11);
        CHECK(std::fabs(o[model::ObservableId::var_potential] - (u.second - u.first * u.first)) < 1e-11);
        CHECK(std::fabs(o.mean_calcium() - cc.first) < 1e-11);
        CHECK(std::fabs(o[model::ObservableId::var_calcium] - (cc.second - cc.first * cc.first)) < 1e-11);
        CHECK(o.rate() == 0.0);
      }
    }
}

TEST_CASE("characteristic scheme: under the linear potential leak, reset mass on the floor stays at u = 0")
{
  // Constant rate 2 from u = 0 with a drive (0.4) below the leak (5): every neuron stays at the floor,
  // so the mean and the variance of the potential are 0 at all times. The newborn cell at u_reset = 0
  // once kept, for the mass that entered at time s, the position G(t) - G(s) < 0 of the flow without
  // its floor: a mean potential of -4e-3 at level 0, -5e-4 at level 1.
  for (const std::string calcium : {"exponential", "linear"}) {
    CAPTURE(calcium);
    const model::Case c = model::read_case(
        std::filesystem::path(STF_SOURCE_DIR) / "cases" / "constant_rate.toml",
        {"model.leak_U={ law = \"linear\", alpha = 5.0 }", fmt::format("model.leak_C={{ law = \"{}\", beta = 1.5 }}", calcium),
         "model.w1=0", "initial.U={ law = \"dirac\", at = 0.0 }", "time.end=1", "time.sample=0.01"});
    for (int level = 0; level <= 2; ++level) {
      CAPTURE(level);
      const auto sol = solver::solve_characteristic_level(c, solver::characteristic_resolution(c, level), {});
      REQUIRE(sol.observables.size() == 101);
      double worst = 0.0;
      for (const auto& o : sol.observables)
        worst = std::max({worst, std::fabs(o.mean_potential()), std::fabs(o[model::ObservableId::var_potential])});
      CHECK(worst <= 1e-14);
    }
  }
}

TEST_CASE("characteristic scheme: the constant-rate oracle to the requested tolerance, the estimate brackets it")
{
  model::Case c = test::base_case();
  c.solver.scheme = "characteristic";
  c.model.phi = test::constant_rate(2.0);
  c.model.leak_C = {model::LeakKind::exponential, 1.5};
  c.model.w0 = 0.2;
  c.model.w1 = 0.5;
  c.initial.U = test::normal(2.0, 0.4);
  c.initial.C = test::normal(3.0, 0.4);
  c.time.end = 4.0;
  c.time.sample = 0.05;
  const model::ConstantRateOracle oracle(c.model, c.initial);
  for (double tol : {1e-4, 1e-6, 1e-8}) {
    c.solver.tolerance = tol;
    const auto sol = solver::solve(c, {}, MPI_COMM_SELF);
    REQUIRE(sol.accuracy);
    const auto& a = *sol.accuracy;
    CHECK(a.converged);
    double err_c = 0.0, err_u = 0.0, err_d = 0.0, scale_c = 0.0, scale_u = 0.0, scale_d = 0.0;
    for (std::size_t k = 0; k < sol.times.size(); ++k) {
      const double t = sol.times[k];
      const auto& o = sol.observables[k];
      err_c = std::max(err_c, std::fabs(o.mean_calcium() - oracle.mean_calcium(t)));
      err_u = std::max(err_u, std::fabs(o.mean_potential() - oracle.mean_potential(t)));
      err_d = std::max(err_d, std::fabs(o.drive() - oracle.drive(t)));
      scale_c = std::max(scale_c, std::fabs(oracle.mean_calcium(t)));
      scale_u = std::max(scale_u, std::fabs(oracle.mean_potential(t)));
      scale_d = std::max(scale_d, std::fabs(oracle.drive(t)));
    }
    const auto id = [](model::ObservableId i) { return static_cast<std::size_t>(i); };
    fmt::print("oracle at tolerance {:.0e}: {} levels; errors (estimates) mean_calcium {:.2e} ({:.2e}), mean_potential "
               "{:.2e} ({:.2e}), drive {:.2e} ({:.2e}); observed order of mean_potential {:.2f}\n",
               tol, a.levels.size(), err_c, a.observable_error[id(model::ObservableId::mean_calcium)], err_u,
               a.observable_error[id(model::ObservableId::mean_potential)], err_d,
               a.observable_error[id(model::ObservableId::drive)],
               a.observable_order[id(model::ObservableId::mean_potential)].value_or(NAN));
    CHECK(err_c <= tol * scale_c);
    CHECK(err_u <= tol * scale_u);
    CHECK(err_d <= tol * scale_d);
    // The estimate brackets the error (above rounding: 1e-13 relative to the observable's size).
    CHECK(err_u <= std::max(a.observable_error[id(model::ObservableId::mean_potential)], 1e-13 * scale_u));
    CHECK(err_d <= std::max(a.observable_error[id(model::ObservableId::drive)], 1e-13 * scale_d));
    CHECK(sol.max_mass_error < 1e-12);
  }
}

TEST_CASE("characteristic scheme: mass is conserved and positive on a hill-rate case with reset and both leak laws")
{
  using model::LeakKind;
  for (LeakKind u_law : {LeakKind::exponential, LeakKind::linear})
    for (LeakKind c_law : {LeakKind::exponential, LeakKind::linear}) {
      model::Case c = test::base_case();
      c.solver.scheme = "characteristic";
      c.model.phi = test::hill_rate(5.0, 1.0, 4.0);
      c.model.leak_U = {u_law, 1.0};
      c.model.leak_C = {c_law, c_law == LeakKind::linear ? 6.0 : 2.5};
      c.model.w1 = 0.5;
      c.initial.U = test::normal(2.0, 0.5);
      c.initial.C = test::normal(4.0, 1.0);
      c.time.end = 3.0;
      c.time.sample = 0.1;
      CAPTURE(model::to_string(u_law));
      CAPTURE(model::to_string(c_law));
      const auto sol = solver::solve_characteristic_level(c, solver::characteristic_resolution(c, 2), {});
      CHECK(sol.max_mass_error < 1e-12);
      for (const auto& o : sol.observables) {
        CHECK(o.rate() >= 0.0);
        CHECK(o[model::ObservableId::var_potential] >= -1e-12);
        CHECK(o[model::ObservableId::var_calcium] >= -1e-12);
      }
    }
}

}  // namespace

namespace {

stf::solver::Solution level_with_exit(double exit)
{
  stf::solver::Solution s;
  s.times = {0.0};
  stf::model::Observables o;
  o[stf::model::ObservableId::mass] = 1.0;
  o[stf::model::ObservableId::rate] = exit;  // one observable that converges like the exit time
  s.observables = {o};
  s.exit_time = exit;
  return s;
}

/// Runs levels first to last of `c` (default 1 to 5), checks that the exit times' observed orders
/// (from three successive levels) lie in (lowest, highest), and returns the levels.
std::vector<solver::Solution> check_exit_orders(const model::Case& c, double lowest, double highest, int first = 1,
                                                int last = 5)
{
  const std::vector<solver::Solution> levels = test::run_levels(c, first, last);
  std::vector<double> exits;
  for (const solver::Solution& sol : levels) {
    REQUIRE(sol.exit_time);
    exits.push_back(*sol.exit_time);
  }
  for (std::size_t k = 2; k < exits.size(); ++k) {
    const double order = std::log2(std::fabs(exits[k - 1] - exits[k - 2]) / std::fabs(exits[k] - exits[k - 1]));
    MESSAGE(fmt::format("levels {} to {}: exit {:.10f}, observed order {:.3f}", first + int(k) - 2, first + int(k),
                        exits[k], order));
    CHECK(order > lowest);
    CHECK(order < highest);
  }
  return levels;
}

/// The largest change of observable `id` over the sample times from each level of `c` to the next,
/// levels first to last.
std::vector<double> observable_changes(const model::Case& c, int first, int last, model::ObservableId id)
{
  return test::largest_changes(test::run_levels(c, first, last), id);
}

/// Checks that the observed orders of observable `id` over successive levels (from its largest changes
/// over the sample times) lie in (lowest, highest).
void check_observable_orders(const std::vector<solver::Solution>& levels, model::ObservableId id, double lowest,
                             double highest)
{
  const std::vector<double> changes = test::largest_changes(levels, id);
  for (std::size_t l = 1; l < changes.size(); ++l) {
    const double order = std::log2(changes[l - 1] / changes[l]);
    MESSAGE(fmt::format("{}: largest change {:.3e} then {:.3e}, observed order {:.3f}",
                        model::observable_names()[static_cast<std::size_t>(id)], changes[l - 1], changes[l], order));
    CHECK(order > lowest);
    CHECK(order < highest);
  }
}

/// The same for levels first to last of `c`.
void check_observable_orders(const model::Case& c, int first, int last, model::ObservableId id, double lowest,
                             double highest)
{
  check_observable_orders(test::run_levels(c, first, last), id, lowest, highest);
}

TEST_CASE("characteristic scheme: second order through the crossings of the calcium floor by the atoms")
{
  // cases/memory.toml with c0 = 6: the atoms x0 + k of the stimulus's calcium reach the floor at
  // t = 1 + k / 6, during the activity (the exit is near 2.2). The newborn cell closing at a crossing
  // once took the spikes of the crossing atom twice (as the atom's and as the floor's, at the last
  // stage of the step that ends there): the exit times of levels 2 to 5 changed by 1.9e-4, 5.3e-5,
  // 8.4e-6, 4.6e-6 (observed orders 1.86, 2.65, 0.88).
  const model::Case c = model::read_case(std::filesystem::path(STF_SOURCE_DIR) / "cases" / "memory.toml",
                                         {"initial.C.at=6", "time.end=3", "report.times=[1.0]"});
  check_exit_orders(c, 1.8, 2.2);
}

TEST_CASE("characteristic scheme: second order with a continuous calcium law at the floor")
{
  // cases/leaks_exponential_linear.toml: a normal initial calcium, held in rows, reaches the floor
  // near t = 1, before the exit (about 2.25). When the row at the floor was taken uniform on its
  // mean +- sqrt(3) sd, the part above the floor had corners inside the rows, and the exit times of
  // levels 1 to 6 converged at orders 0.24, 1.29, 3.38, -0.79, 2.31. Levels 1 to 4 show both the
  // fault (its first two orders) and the fix (2.14, 2.07; 2.03 over levels 3 to 5, at eight times the cost).
  const model::Case c = model::read_case(std::filesystem::path(STF_SOURCE_DIR) / "cases" / "leaks_exponential_linear.toml",
                                         {"time.end=3"});
  check_exit_orders(c, 1.6, 2.4, 1, 4);
}

TEST_CASE("characteristic scheme: initial cells graded for the flow keep an exponential initial potential second order")
{
  // cases/memory.toml with U exponential (mean 1.5): much of the mass starts near 0, where phi is flat,
  // and the drive takes it up through the rise of phi within 0.05. Cells graded by phi at t = 0 alone
  // were H wide there; the rate's largest changes over levels 1 to 4 were 4.3e-4, 1.0e-5, 9.0e-5
  // (orders 5.4, -3.1). Graded as the merges keep unions (phi's change bounded wherever the flow takes
  // a cell): 1.9e-6, 4.7e-7, 1.2e-7.
  const model::Case c = model::read_case(std::filesystem::path(STF_SOURCE_DIR) / "cases" / "memory.toml",
                                         {"initial.U={ law = \"exponential\", mean = 1.5 }", "time.end=0.2",
                                          "report.times=[0.1]"});
  check_observable_orders(c, 1, 4, model::ObservableId::rate, 1.7, 2.4);
}

TEST_CASE("characteristic scheme: second order with a rate that has corners (threshold-linear)")
{
  // phi = 2 (u - 1)^+ capped at 5: corners at u = 1 and 3.5. Integrated by one Gauss-Legendre rule
  // across a corner, a cell's spiking erred by O(w^2) with a size set by where the corner falls in it:
  // exit times over levels 1 to 4 changed by 1.2e-4, 7.0e-6, 5.7e-6 (orders 4.05, 0.29). The stimulus,
  // a cell of one potential, crosses the cap near t = 0.055; inside a step that kink of the
  // right-hand side left the mean potential changing by 6.4e-5, 1.5e-5, 7.5e-6 (orders 2.1, 1.0).
  const model::Case c = model::read_case(
      std::filesystem::path(STF_SOURCE_DIR) / "cases" / "memory.toml",
      {"model.phi={ kind = \"threshold_linear\", lambda0 = 0.0, gamma = 2.0, theta = 1.0, phi_max = 5.0 }", "time.end=4",
       "report.times=[1.0]"});
  check_exit_orders(c, 1.8, 2.2, 1, 4);
  check_observable_orders(c, 1, 4, model::ObservableId::mean_potential, 1.8, 2.2);
}

TEST_CASE("characteristic scheme: where phi is steep at u_reset, merged cells do not span phi_step")
{
  // cases/memory.toml with u_reset = 0.5 (phi' = 2.2 there): unions of two newborn cells spanning
  // phi_step of phi's change were the largest error of a level; the exit times of levels 1 to 3
  // changed by 1.1e-3 and 1.6e-4. With unions limited to a quarter of phi_step, 2.6e-4 and 8.8e-5.
  const model::Case c = model::read_case(std::filesystem::path(STF_SOURCE_DIR) / "cases" / "memory.toml",
                                         {"model.u_reset=0.5", "time.end=10", "report.times=[1.0]"});
  const std::vector<solver::Solution> levels = test::run_levels(c, 1, 3);
  for (const solver::Solution& sol : levels) REQUIRE(sol.exit_time);
  const double first = std::fabs(*levels[1].exit_time - *levels[0].exit_time);
  const double second = std::fabs(*levels[2].exit_time - *levels[1].exit_time);
  MESSAGE(fmt::format("exit changes over levels 1 to 3: {:.3e}, {:.3e}", first, second));
  CHECK(first < 5e-4);
  CHECK(second < 1.2e-4);
}

TEST_CASE("characteristic scheme: a union's calcium line keeps merges where phi is steep at u_reset of second order")
{
  // cases/memory.toml with u_reset = 1, where the Hill rate is steepest: the activity dies slowly (exit
  // near 24.51) and the unions of newborn cells of different ages, whose calcium differs, are the
  // error of a level. A union's law taken independent of the potential (no calcium line) gave exit
  // times 24.4478, 24.4861, 24.5033 at levels 0 to 2: changes 3.8e-2 and 1.7e-2, order 1.15 (and 1.4
  // from level 1 to 3). With the lines: 4.0e-2 and 5.1e-3, then 7.6e-4 at level 3 (orders 2.96, 2.74).
  const model::Case c = model::read_case(std::filesystem::path(STF_SOURCE_DIR) / "cases" / "memory.toml",
                                         {"model.u_reset=1", "report.times=[1.0]"});
  const std::vector<solver::Solution> levels = test::run_levels(c, 0, 2);
  for (const solver::Solution& sol : levels) REQUIRE(sol.exit_time);
  const double first = std::fabs(*levels[1].exit_time - *levels[0].exit_time);
  const double second = std::fabs(*levels[2].exit_time - *levels[1].exit_time);
  MESSAGE(fmt::format("exit {:.10f}; changes over levels 0 to 2: {:.3e}, {:.3e} (order {:.2f})", *levels[2].exit_time,
                      first, second, std::log2(first / second)));
  CHECK(second < 8e-3);
  CHECK(first / second > 4.5);  // order above 2.2
}

TEST_CASE("characteristic scheme: the newborn cell's calcium line removes its window's error (exponential calcium)")
{
  // cases/memory_exponential_calcium.toml: the whole error of a level is the newborn window (dividing
  // dt by 4 alone changes nothing to 1e-10). Closed as one cell with one calcium law, a newborn lost
  // the correlation of calcium with potential inside it, a second-order error: the exit times of
  // levels 0 to 3 changed by 2.8e-5, 6.8e-6, 1.7e-6 (order 2.0). With its line (Newborn::cross):
  // 3.8e-7, 4.3e-9, 5.5e-10.
  const model::Case c = model::read_case(std::filesystem::path(STF_SOURCE_DIR) / "cases" / "memory_exponential_calcium.toml",
                                         {"time.end=4", "report.times=[1.0]"});
  const std::vector<solver::Solution> levels = test::run_levels(c, 0, 3);
  std::vector<double> exit_changes;
  for (std::size_t l = 1; l < levels.size(); ++l) {
    REQUIRE(levels[l - 1].exit_time);
    REQUIRE(levels[l].exit_time);
    exit_changes.push_back(std::fabs(*levels[l].exit_time - *levels[l - 1].exit_time));
  }
  MESSAGE(fmt::format("exit {:.10f}; changes over levels 0 to 3: {:.3e}, {:.3e}, {:.3e}", *levels[3].exit_time,
                      exit_changes[0], exit_changes[1], exit_changes[2]));
  CHECK(exit_changes[0] < 2e-6);
  CHECK(exit_changes[1] < 1e-7);
  CHECK(exit_changes[2] < 2e-8);
  // The drive's largest change over the samples, order 4 with the line (2 without it).
  const std::vector<double> drive = test::largest_changes(levels, model::ObservableId::drive);
  MESSAGE(fmt::format("drive: largest changes over levels 0 to 3: {:.3e}, {:.3e}, {:.3e}", drive[0], drive[1], drive[2]));
  CHECK(std::log2(drive[0] / drive[1]) > 3.0);
  CHECK(std::log2(drive[1] / drive[2]) > 3.0);
}

TEST_CASE("characteristic scheme: the newborn cell's own spikes keep the mean calcium exact")
{
  // cases/memory.toml with u_reset = 1.5, where phi(u_reset) = 4.1: newborn neurons spike again
  // before their cell closes. Until t = 1 no mass reaches the calcium floor (the stimulus's atoms
  // x0 + k >= 10 meet F = 6 t after t = 1.67), so every spike adds one to x = c + beta t and
  // mean_calcium(t) = 10 - 6 t + integral of the rate from 0 to t (Simpson's rule on the samples).
  // The scheme meets it to 2.9e-8 at level 0. Putting e / (M + e) of the newborn one unit up instead
  // of about e / M (M its mass, e its own spiking mass) departed from it by 8.8e-5.
  const model::Case c = model::read_case(std::filesystem::path(STF_SOURCE_DIR) / "cases" / "memory.toml",
                                         {"model.u_reset=1.5", "time.end=1", "time.sample=0.002", "report.times=[0.5]"});
  const auto sol = solver::solve_characteristic_level(c, solver::characteristic_resolution(c, 0), {});
  REQUIRE(sol.observables.size() == 501);
  const double h = sol.times[1] - sol.times[0];
  double integral = 0.0, largest = 0.0;  // Simpson over pairs of sample intervals
  for (std::size_t s = 2; s < sol.observables.size(); s += 2) {
    integral += h / 3.0 * (sol.observables[s - 2].rate() + 4.0 * sol.observables[s - 1].rate() + sol.observables[s].rate());
    const double t = sol.times[s], exact = 10.0 - 6.0 * t + integral;
    const double mean_calcium = sol.observables[s][model::ObservableId::mean_calcium];
    CAPTURE(t);
    CHECK(std::fabs(mean_calcium - exact) < 1e-7);
    largest = std::max(largest, std::fabs(mean_calcium - exact));
  }
  MESSAGE(fmt::format("largest departure of the mean calcium from 10 - 6 t + integral of the rate: {:.2e}", largest));

  // Some newborn neurons spike twice before their cell closes (2/3 lambda^2 of its mass, lambda = e / M).
  // The variance of calcium to t = 4 over levels 1 to 3 changes by 9.1e-4, 2.6e-4, 8.0e-5; with at
  // most one such spike per neuron, by 6.8e-3, 1.3e-3, 3.2e-4.
  const model::Case longer = model::read_case(std::filesystem::path(STF_SOURCE_DIR) / "cases" / "memory.toml",
                                              {"model.u_reset=1.5", "time.end=4", "report.times=[1.0]"});
  const std::vector<double> changes = observable_changes(longer, 0, 3, model::ObservableId::var_calcium);
  for (std::size_t l = 0; l < changes.size(); ++l) {
    MESSAGE(fmt::format("var_calcium: largest change from level {} to {}: {:.3e}", l, l + 1, changes[l]));
    CHECK(changes[l] < 2e-3 * std::pow(0.3, double(l)));
  }
}

TEST_CASE("characteristic scheme: converged where the linear potential leak brings cells down onto the floor")
{
  // cases/leaks_linear_linear.toml: near t = 0.45 the velocity at u = 0 turns negative and the reset
  // cells born next to the floor fall back onto it. When they merged there as freely as elsewhere
  // (phi is flat near 0), the mean potential's largest changes over levels 2 to 5 were 8.6e-5,
  // 1.5e-5, 3.4e-6 (with a newborn window of 4 dt: 7.1e-6, 2.3e-5, 1.1e-6). Graded cells give
  // 3.3e-7, 1.2e-7, 3.9e-8. Their orders, 1.5 and 1.6, are not checked: at that size the sup is set by
  // a jitter from sample to sample while cells land on the floor (present with either window, below
  // the smooth error with 4 dt), whose mean over the samples converges at orders 1.6 and 1.9.
  const model::Case c = model::read_case(std::filesystem::path(STF_SOURCE_DIR) / "cases" / "leaks_linear_linear.toml",
                                         {"time.end=1"});
  const std::vector<double> changes = observable_changes(c, 2, 5, model::ObservableId::mean_potential);
  for (std::size_t l = 1; l < changes.size(); ++l) {
    MESSAGE(fmt::format("mean potential: largest change {:.3e} then {:.3e}", changes[l - 1], changes[l]));
    CHECK(changes[l] < 1e-6);
    CHECK(changes[l] < 0.5 * changes[l - 1]);
  }
}

TEST_CASE("characteristic scheme: the potential floor's landings stay second order where the calcium floor meets their edge")
{
  // cases/memory.toml with a linear potential leak (alpha = 0.6, I = 0.2): after the exit the cells reach
  // u = 0 youngest first, and the floor's law holds the narrow landings of those arrived, down to an
  // edge that the calcium floor meets near t = 4.98. With landing rows as wide as the others, one
  // linear density for the row holding that edge misplaced its mass by an amount set by where the edge
  // fell in the row: the mean calcium's largest changes over levels 0 to 3 were 5.7e-4, 1.3e-4, 5.2e-5
  // (orders 2.08, 1.37). With landing rows four times finer: 5.7e-4, 1.3e-4, 3.4e-5 (2.08, 2.01).
  const model::Case c = model::read_case(std::filesystem::path(STF_SOURCE_DIR) / "cases" / "memory.toml",
                                         {"model.leak_U={ law = \"linear\", alpha = 0.6 }", "model.I=0.2",
                                          "time.end=5.5", "report.times=[1.0]"});
  check_observable_orders(c, 0, 3, model::ObservableId::mean_calcium, 1.7, 2.4);
}

TEST_CASE("characteristic scheme: a population driven far above its potential scale keeps few cells, at second order")
{
  // cases/memory.toml with beta = 4: calcium outlasts the horizon and the drive takes the population
  // from u = 2 to about 50 by t = 6, where phi is flat. Cells there merge up to a width relative to
  // their potential (under the exponential leak the flow never raises (b - a) / a); with the
  // absolute width H alone, level 3 held 1586 cells, against 261 (newborn window 4 dt; now 352, and
  // 853 without the relative width, the light unions merging wider all the same).
  const model::Case c = model::read_case(std::filesystem::path(STF_SOURCE_DIR) / "cases" / "memory.toml",
                                         {"model.leak_C.beta=4", "time.end=6", "report.times=[1.0]"});
  std::vector<double> variances;
  const auto levels = test::run_levels(c, 1, 4);
  for (const solver::Solution& sol : levels) {
    REQUIRE(!sol.observables.empty());
    variances.push_back(sol.observables.back()[model::ObservableId::var_potential]);
  }
  const long cells = levels[2].cells;  // level 3
  MESSAGE(fmt::format("level 3: {} cells", cells));
  CHECK(cells < 400);
  // The variance of the potential holds the within-cell error of the wider cells: it still converges
  // at second order (3.36, 2.61, 2.11 over levels 1 to 4 at t = 6).
  const double order = std::log2(std::fabs(variances[2] - variances[1]) / std::fabs(variances[3] - variances[2]));
  MESSAGE(fmt::format("variance of the potential at t = 6: {:.10g}, observed order {:.3f}", variances[3], order));
  CHECK(order > 1.8);
}

TEST_CASE("characteristic scheme: a strong drive does not shorten the steps, and converges at second order")
{
  // cases/memory.toml with beta = 3: calcium builds up and the drive reaches about 90 by t = 6, so
  // the newborn cell moves about 2 H in a step of level 2. When the steps kept it within H they were
  // 3613 instead of 2400 of dt, and each closed a newborn whose calcium law is a mixture over every
  // cell (at t = 30, with p near 300, they were 3.6 times those of dt); now the newborn closes after
  // the step and is cut into cells no wider than H.
  const model::Case c = model::read_case(std::filesystem::path(STF_SOURCE_DIR) / "cases" / "memory.toml",
                                         {"model.leak_C.beta=3", "time.end=6", "report.times=[1.0]"});
  const auto level2 = solver::characteristic_resolution(c, 2);
  const auto sol = solver::solve_characteristic_level(c, level2, {});
  const double nominal = c.time.end / level2.dt;
  MESSAGE(fmt::format("level 2: {} steps ({} of dt)", sol.steps, nominal));
  CHECK(double(sol.steps) < 1.2 * nominal);
  // The cut keeps the scheme's order: 2.00 over levels 1 to 3 (2.04 over 0 to 2, 2.00 over 2 to 4).
  check_observable_orders(c, 1, 3, model::ObservableId::var_calcium, 1.8, 2.2);
}

TEST_CASE("characteristic scheme: under the linear potential leak too, a population driven far up keeps few cells")
{
  // cases/memory.toml with a linear potential leak: the drive (about 47) takes the population to
  // u = 50 and beyond, where phi is flat. The velocity is at least -alpha, so a cell comes down by at
  // most alpha times the horizon left; cells merge up to a width relative to that lowest potential
  // where phi stays flat from there up. Light unions also merge wider (mass_reference), which alone
  // does nearly as much here: level 3 holds 849 cells, 931 with the relative width alone, 866 with
  // the light unions alone, and 2837 with neither (the absolute width H). The relative width alone is
  // checked under the exponential leak (above: 853 cells without it).
  const model::Case c = model::read_case(std::filesystem::path(STF_SOURCE_DIR) / "cases" / "memory.toml",
                                         {"model.leak_U={ law = \"linear\", alpha = 1.0 }", "time.end=12"});
  const auto levels = check_exit_orders(c, 1.8, 2.2, 1, 4);
  const long cells = levels[2].cells;  // level 3
  MESSAGE(fmt::format("level 3: {} cells", cells));
  CHECK(cells < 1200);
}

TEST_CASE("characteristic scheme: neighbours of different calcium merge only where phi changes little across them")
{
  // cases/memory.toml with a Hill rate of kappa = 1: after the exit (4.67) the cells contract onto
  // u = 0, where phi is steepest, and the newest (calcium near 1) meet the oldest (calcium on the
  // floor). Merged by phi's change alone, their unions spiked one law at the rates of both parts' potentials:
  // the rate's largest changes over levels 0 to 3 were 6.4e-4, 8.7e-5, 4.5e-5 (orders 2.88, 0.94)
  // and the variance of calcium's 1.2e-3, 3.3e-4, 1.4e-4 (1.89, 1.21). With the product of phi's
  // change and the parts' calcium difference bounded (calcium_close_enough): orders 2.07, 1.98 and
  // 1.94, 1.98.
  const model::Case c = model::read_case(std::filesystem::path(STF_SOURCE_DIR) / "cases" / "memory.toml",
                                         {"model.phi.kappa=1", "time.end=6", "report.times=[1.0]"});
  const std::vector<solver::Solution> levels = test::run_levels(c, 0, 3);
  check_observable_orders(levels, model::ObservableId::rate, 1.7, 2.4);
  check_observable_orders(levels, model::ObservableId::var_calcium, 1.7, 2.4);
}

TEST_CASE("characteristic scheme: light unions merge wider, at second order")
{
  // cases/memory.toml with a linear potential leak alpha = 3 and u_reset = 0.5: after the exit (near
  // 6.0) a few millionths of the mass remain far above u = 20, in cells that the width rules keep
  // narrow because the flow brings them down through the steep part of phi before the horizon. A
  // union of mass M below mass_reference (1e-3) may be sqrt(1e-3 / M) times wider: level 2 held 1792
  // cells with the usual widths alone.
  const model::Case c = model::read_case(
      std::filesystem::path(STF_SOURCE_DIR) / "cases" / "memory.toml",
      {"model.leak_U={ law = \"linear\", alpha = 3.0 }", "model.u_reset=0.5", "report.times=[1.0]"});
  const auto levels = check_exit_orders(c, 1.8, 2.2, 0, 2);
  const long cells = levels[2].cells;  // level 2
  MESSAGE(fmt::format("level 2: {} cells", cells));
  CHECK(cells < 1200);
}

TEST_CASE("characteristic scheme: merged cells hold their mean, so a rate that stays positive at rest converges")
{
  // cases/memory.toml with a sigmoid rate, phi(0) = 0.09: after the exit (near 5.35) the network keeps
  // firing at about 0.09 and the cells contract onto the quiet state's potential. When unions whose
  // mean their linear density could not hold merged there, the rate's largest changes over levels 2
  // to 4 were 6.2e-3, 2.4e-3, 1.2e-3 (orders 1.38 and 1.02, at times that moved with the level).
  const model::Case c = model::read_case(
      std::filesystem::path(STF_SOURCE_DIR) / "cases" / "memory.toml",
      {"model.phi={ kind = \"sigmoid\", phi_max = 5.0, theta = 1.0, s = 0.25 }", "time.end=12"});
  check_observable_orders(c, 1, 4, model::ObservableId::rate, 1.6, 2.4);
}

TEST_CASE("characteristic scheme: after the exit, cells with a negligible mass merge and stop costing steps")
{
  // cases/memory.toml with a linear potential leak: the cells left at high potential after the exit
  // (about 4.7) hold 1e-9 of the mass at t = 8 and come down at speed alpha = 1, so they outlive the
  // horizon. Once their unions hold less than 1e-18 they merge, and the work after the exit drops.
  const model::Case c = model::read_case(std::filesystem::path(STF_SOURCE_DIR) / "cases" / "memory.toml",
                                         {"model.leak_U.law=\"linear\"", "time.end=20", "report.times=[1.0]"});
  const auto sol = solver::solve_characteristic_level(c, solver::characteristic_resolution(c, 2), {});
  REQUIRE(sol.exit_time);
  const double mean_cells = double(sol.cell_steps) / double(sol.steps);
  MESSAGE(fmt::format("exit {:.10f}; at most {} cells, {:.1f} on average over {} steps", *sol.exit_time, sol.cells,
                      mean_cells, sol.steps));
  CHECK(mean_cells < 0.5 * double(sol.cells));
  // The total mass stays 1 to rounding whatever merges.
  CHECK(sol.max_mass_error < 1e-12);
  // summary.json's throughput: the cells times the four stages of each step, per wall second.
  CHECK(sol.cell_stage_updates_per_second ==
        doctest::Approx(4.0 * double(sol.cell_steps) / sol.wall_seconds).epsilon(1e-12).scale(0.0));
}

TEST_CASE("estimate_accuracy: brackets the error of a second-order sequence, widens a non-asymptotic one")
{
  // q_L = 1 + 0.3 h_L^2 + 0.05 h_L^3, h_L = 2^-L: the estimate from levels 0..2 brackets q_2 - 1.
  std::vector<stf::solver::Solution> levels;
  for (int L = 0; L < 3; ++L) {
    const double h = std::ldexp(1.0, -L);
    levels.push_back(level_with_exit(1.0 + 0.3 * h * h + 0.05 * h * h * h));
  }
  const std::vector<const stf::solver::Solution*> view{&levels[0], &levels[1], &levels[2]};
  const auto r = stf::solver::estimate_accuracy(view, 1e-1, 2.0, {});
  const double truth = *levels[2].exit_time - 1.0;
  REQUIRE(r.exit_time_error);
  CHECK(*r.exit_time_error >= truth);
  CHECK(*r.exit_time_error <= 2.0 * truth);
  CHECK(r.converged);
  CHECK(*r.exit_time_order > 1.9);
  // Differences that do not shrink: order clamped to 0.5, a wide estimate, not converged at 1e-3.
  std::vector<stf::solver::Solution> bad{level_with_exit(1.0), level_with_exit(1.1), level_with_exit(1.0)};
  const auto rb = stf::solver::estimate_accuracy({&bad[0], &bad[1], &bad[2]}, 1e-3, 2.0, {});
  CHECK(*rb.exit_time_error > 0.1);
  CHECK_FALSE(rb.converged);
  // A level without an exit beside levels with one is not converged.
  bad[2].exit_time.reset();
  CHECK_FALSE(stf::solver::estimate_accuracy({&bad[0], &bad[1], &bad[2]}, 1.0, 2.0, {}).converged);
}

TEST_CASE("estimate_accuracy: an observable that is zero to rounding converges")
{
  // Without reset every neuron of a Dirac initial potential keeps one potential: its variance is 0
  // up to the rounding of E[u^2] - E[u]^2 at u near 38. Taken relative to its own size it never
  // converged (cases/memory.toml without reset refined to level 12 at the default tolerance).
  std::vector<stf::solver::Solution> levels;
  const double noise[] = {3e-14, -2e-14, 1e-14};
  for (int L = 0; L < 3; ++L) {
    const double h = std::ldexp(1.0, -L);
    stf::solver::Solution s = level_with_exit(1.0 + 1e-3 * h * h);
    s.observables[0][stf::model::ObservableId::mean_potential] = 38.0;
    s.observables[0][stf::model::ObservableId::var_potential] = noise[L];
    levels.push_back(s);
  }
  const auto r = stf::solver::estimate_accuracy({&levels[0], &levels[1], &levels[2]}, 1e-4, 2.0, {});
  CHECK(r.converged);
  // A variance that is not zero still counts relative to its size.
  for (int L = 0; L < 3; ++L)
    levels[static_cast<std::size_t>(L)].observables[0][stf::model::ObservableId::var_potential] =
        0.25 + 1e-3 * std::ldexp(1.0, -2 * L);
  CHECK_FALSE(stf::solver::estimate_accuracy({&levels[0], &levels[1], &levels[2]}, 1e-4, 2.0, {}).converged);
}

TEST_CASE("refine_to_tolerance: a level that runs past the wall budget is dropped, or fails the run if it is the first")
{
  // Levels converging at second order; level 2 stops on the budget (a limit that blows up shortens
  // the steps without end): levels 0 and 1 stand, not converged, and the reason is given.
  auto run_level = [](bool first_over, int over_at) {
    return [=](int level) {
      const double h = std::ldexp(1.0, -level);
      stf::solver::Solution s = level_with_exit(1.0 + 0.3 * h * h);
      s.over_budget = level == over_at || (first_over && level == 0);
      return s;
    };
  };
  stf::solver::RefinementLimits limits;
  const auto out = stf::solver::refine_to_tolerance(run_level(false, 2), 1e-9, {}, limits, nullptr, MPI_COMM_NULL);
  REQUIRE(out.accuracy);
  CHECK_FALSE(out.accuracy->converged);
  CHECK(out.accuracy->levels.size() == 2);
  CHECK(out.accuracy->stop_reason.find("did not finish within the budget") != std::string::npos);
  CHECK_FALSE(out.over_budget);
  CHECK_THROWS_AS(stf::solver::refine_to_tolerance(run_level(true, -1), 1e-9, {}, limits, nullptr, MPI_COMM_NULL),
                  stf::solver::SolverFailure);
}

TEST_CASE("refine_to_tolerance: the next level's time is predicted from the last two levels' ratio when larger")
{
  // Levels whose wall times grow by 8 (0.1, 0.8, 6.4 s): with the nominal ratio 4 the next level would
  // be predicted at 25.6 s and started within a budget of 40 s; from the levels' own ratio, 51.2 s.
  auto run_level = [](int level) {
    const double h = std::ldexp(1.0, -level);
    stf::solver::Solution s = level_with_exit(1.0 + 0.3 * h * h);
    s.wall_seconds = 0.1 * std::pow(8.0, level);
    return s;
  };
  stf::solver::RefinementLimits limits;
  limits.wall_budget_seconds = 40.0;
  const auto out = stf::solver::refine_to_tolerance(run_level, 1e-12, {}, limits, nullptr, MPI_COMM_NULL);
  REQUIRE(out.accuracy);
  CHECK_FALSE(out.accuracy->converged);
  CHECK(out.accuracy->levels.size() == 3);
  CHECK(out.accuracy->stop_reason.find("about 51.2 s") != std::string::npos);
  // Levels too short to time (0.01 and 0.08 s) keep the nominal ratio: level 3 is predicted at
  // 2.56 s and runs (5.12 s); then levels 2 and 3 (0.64 and 5.12 s) predict 41 s for level 4.
  auto fast = [&](int level) {
    stf::solver::Solution s = run_level(level);
    s.wall_seconds *= 0.1;
    return s;
  };
  const auto quick = stf::solver::refine_to_tolerance(fast, 1e-12, {}, limits, nullptr, MPI_COMM_NULL);
  REQUIRE(quick.accuracy);
  CHECK(quick.accuracy->levels.size() == 4);
  CHECK(quick.accuracy->stop_reason.find("about 41 s") != std::string::npos);
}

TEST_CASE("solve: solver.wall_budget bounds the refinement's wall time")
{
  // A tolerance no budget of a few seconds reaches: the refinement stops within the budget (plus the
  // granularity of the in-level check), not converged, and says why; a budget below the first
  // level's cost fails the run. (2 s: level 0 takes 0.07 s in a release build, 0.25 s
  // under the sanitizers.)
  const auto memory = std::filesystem::path(STF_SOURCE_DIR) / "cases" / "memory.toml";
  const model::Case c = model::read_case(memory, {"solver.tolerance=1e-10", "solver.wall_budget=2"});
  const auto start = std::chrono::steady_clock::now();
  const solver::Solution sol = solver::solve(c, {}, MPI_COMM_SELF);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MESSAGE(fmt::format("wall {:.3f} s for a budget of 2 s", wall));
  REQUIRE(sol.accuracy);
  CHECK_FALSE(sol.accuracy->converged);
  CHECK(sol.accuracy->stop_reason.find("budget") != std::string::npos);
  CHECK(wall < 3.0);
  const model::Case tiny = model::read_case(memory, {"solver.wall_budget=1e-4"});
  CHECK_THROWS_AS(solver::solve(tiny, {}, MPI_COMM_SELF), solver::SolverFailure);
}

/// A level whose mean calcium is q(t) = 3 - 2 t + shift on samples 0, 0.1, .., 2, with the exit
/// time `exit` (the region is mean_calcium >= 1).
stf::solver::Solution calcium_path(double shift, double exit)
{
  stf::solver::Solution s;
  for (int k = 0; k <= 20; ++k) {
    const double t = 0.1 * k;
    stf::model::Observables o;
    o[stf::model::ObservableId::mass] = 1.0;
    o[stf::model::ObservableId::mean_calcium] = 3.0 - 2.0 * t + shift;
    s.times.push_back(t);
    s.observables.push_back(o);
  }
  s.exit_time = exit;
  return s;
}

TEST_CASE("estimate_accuracy: an exit time is not more certain than the observable that defines it")
{
  // Three levels whose exit times agree to 1e-9 while their mean calcium still moves by 1e-3, 2.5e-4:
  // the exit time's estimate must be the calcium's (about 1e-4 after Richardson) over the slope 2.
  stf::model::MemoryRegion region;
  region.thresholds.push_back({stf::model::ObservableId::mean_calcium, 1.0, std::nullopt});
  std::vector<stf::solver::Solution> levels{calcium_path(1.25e-3, 1.0), calcium_path(2.5e-4, 1.0 + 1e-9),
                                            calcium_path(0.0, 1.0)};
  const auto r = stf::solver::estimate_accuracy({&levels[0], &levels[1], &levels[2]}, 1e-6, 2.0, region);
  const double calcium_error = r.observable_error[std::size_t(stf::model::ObservableId::mean_calcium)];
  CHECK(calcium_error == doctest::Approx(1.25 * 2.5e-4 / 3.0).epsilon(1e-9).scale(0.0));
  REQUIRE(r.exit_time_error);
  CHECK(*r.exit_time_error == doctest::Approx(calcium_error / 2.0).epsilon(1e-9).scale(0.0));
  const auto implied = stf::solver::exit_time_error_from_observables(levels[2], region, r.observable_error);
  REQUIRE(implied);
  CHECK(*implied == doctest::Approx(calcium_error / 2.0).epsilon(1e-9).scale(0.0));
  // No threshold crossed over the interval of the exit (an exit found between samples): no bound.
  levels[2].exit_time = 0.45;
  CHECK_FALSE(stf::solver::exit_time_error_from_observables(levels[2], region, r.observable_error));
  // A flat crossing: the exit time is not determined at all.
  for (auto& o : levels[2].observables) o[stf::model::ObservableId::mean_calcium] = 1.0;
  levels[2].exit_time = 1.0;
  CHECK(std::isinf(*stf::solver::exit_time_error_from_observables(levels[2], region, r.observable_error)));
}

}  // namespace

namespace {

/// The memory case's rate and variance of calcium through its active phase, pinned from a run to
/// solver.tolerance = 1e-7 (levels 0 to 5, the budget's last): their estimated errors there, 8e-6
/// and 2.7e-5, are the pinned values' uncertainties. At the default tolerance each must be within
/// the run's own estimate of the pinned value. (The variance of calcium is the observable the
/// calcium rows limit: with rows refined only every second level, its error near t = 4 was 1.2
/// times its estimate.)
void check_pinned_observables(const solver::Solution& sol)
{
  struct Pinned {
    double t, rate, var_calcium;
  };
  constexpr Pinned pinned[] = {{1.0, 4.33181788696175, 3.4178519837819863},
                               {2.0, 4.151797532200041, 6.5003441854876485},
                               {3.0, 3.7937060272613845, 8.229306110032734},
                               {3.86, 3.0332666722958885, 6.945830827508205},
                               {3.94, 2.909915970629528, 6.658985553421693},
                               {4.02, 2.768901961450071, 6.3748032321296835},
                               {4.1, 2.6118970803360195, 6.0266177528733555},
                               {4.5, 1.5408249102673248, 4.025641119338019}};
  constexpr double rate_uncertainty = 8e-6, var_calcium_uncertainty = 2.7e-5;
  REQUIRE(sol.accuracy);
  const double rate_estimate = sol.accuracy->observable_error[static_cast<std::size_t>(model::ObservableId::rate)];
  const double var_estimate =
      sol.accuracy->observable_error[static_cast<std::size_t>(model::ObservableId::var_calcium)];
  for (const Pinned& p : pinned) {
    CAPTURE(p.t);
    const auto at = std::find_if(sol.times.begin(), sol.times.end(), [&](double t) { return std::fabs(t - p.t) < 1e-6; });
    REQUIRE(at != sol.times.end());
    const auto& obs = sol.observables[static_cast<std::size_t>(at - sol.times.begin())];
    CHECK(std::fabs(obs.rate() - p.rate) <= rate_estimate + rate_uncertainty);
    CHECK(std::fabs(obs[model::ObservableId::var_calcium] - p.var_calcium) <= var_estimate + var_calcium_uncertainty);
  }
}

}  // namespace

TEST_CASE("estimate_accuracy: an exit time kept at the finest level is bounded by that level's own path")
{
  // Four levels whose mean calcium converges so regularly that it is extrapolated (shifts
  // a 4^-L + b 8^-L), while their exit times jump by 1e-9 back and forth and are not: the exit time
  // reported is the finest level's, so its lower bound is the finest level's own calcium error over
  // the slope 2, not the smaller error of the extrapolated path.
  stf::model::MemoryRegion region;
  region.thresholds.push_back({stf::model::ObservableId::mean_calcium, 1.0, std::nullopt});
  std::vector<stf::solver::Solution> levels;
  for (int L = 0; L < 4; ++L)
    levels.push_back(calcium_path(1e-3 * std::exp2(-2.0 * L) + 1e-4 * std::exp2(-3.0 * L), 1.0 + (L % 2) * 1e-9));
  const auto r =
      stf::solver::estimate_accuracy({&levels[0], &levels[1], &levels[2], &levels[3]}, 1e-6, 2.0, region, 1.25, true);
  const auto calcium = std::size_t(stf::model::ObservableId::mean_calcium);
  REQUIRE(r.observable_extrapolated[calcium]);
  CHECK_FALSE(r.exit_time_extrapolated);
  const auto plain = stf::solver::estimate_accuracy({&levels[0], &levels[1], &levels[2], &levels[3]}, 1e-6, 2.0, region);
  REQUIRE(r.exit_time_error);
  CHECK(r.observable_error[calcium] < 0.2 * plain.observable_error[calcium]);
  // (Relative: doctest::Approx's default scale of 1 makes it absolute for numbers this small.)
  CHECK(std::fabs(*r.exit_time_error / (plain.observable_error[calcium] / 2.0) - 1.0) < 1e-12);
}

TEST_CASE("memory case: the exit time at tolerances 1e-3 and 1e-4 against its pinned refined value")
{
  // The pinned value: levels 3 and 4 of the scheme at its default lengths give 4.8908802 and
  // 4.8908611 (observed order 2.5 over levels 2 to 4), whose Richardson value is 4.890856; its
  // distance to level 4, 1e-5, is the value's uncertainty.
  constexpr double pinned = 4.890856, pinned_uncertainty = 1e-5;
  model::Case c = model::read_case(std::filesystem::path(STF_SOURCE_DIR) / "cases" / "memory.toml",
                                   {"time.end=7"});  // the exit is near 4.9; the rest of the horizon is quiet
  REQUIRE(c.solver.scheme == "characteristic");
  for (const double tolerance : {1e-3, 1e-4}) {
    CAPTURE(tolerance);
    c.solver.tolerance = tolerance;
    const auto sol = solver::solve(c, {}, MPI_COMM_SELF);
    REQUIRE(sol.exit_time);
    REQUIRE(sol.accuracy);
    REQUIRE(sol.accuracy->converged);
    REQUIRE(sol.accuracy->exit_time_error);
    const double error = std::fabs(*sol.exit_time - pinned), estimate = *sol.accuracy->exit_time_error;
    MESSAGE(fmt::format("tolerance {:g}: exit time {:.9f}, error {:.2e}, estimate {:.2e}, {} levels", tolerance,
                        *sol.exit_time, error, estimate, sol.accuracy->levels.size()));
    CHECK(error <= tolerance * pinned);
    CHECK(error <= estimate + pinned_uncertainty);  // the estimate brackets the error
    CHECK(estimate <= tolerance * *sol.exit_time);
    if (tolerance == 1e-4) check_pinned_observables(sol);
  }
}
