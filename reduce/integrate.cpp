// The Odeint driver. On each piece [t0, t1) where I(t) is constant the right-hand side is
// smooth in t, so the dense-output stepper is (re)started at every breakpoint: it may step past
// t1 with the piece's input, but only its interpolant on [t0, t1] is used.
#include "reduce/integrate.hpp"

#include <algorithm>
#include <boost/numeric/odeint.hpp>
#include <chrono>
#include <cmath>
#include <fmt/core.h>

namespace stf::reduce {

namespace {

namespace odeint = boost::numeric::odeint;

/// Signed distance inside the region: min over its thresholds of value - min and max - value;
/// the configuration is in R exactly when it is >= 0 (model::MemoryRegion::contains).
double region_margin(const model::MemoryRegion& region, const model::Observables& o)
{
  double g = std::numeric_limits<double>::infinity();
  for (const auto& th : region.thresholds) {
    const double v = o[th.observable];
    if (th.min) g = std::min(g, v - *th.min);
    if (th.max) g = std::min(g, *th.max - v);
  }
  return g;
}

}  // namespace

ReductionRun integrate(const Reduction& reduction, const model::Case& c, const IntegrateOptions& options)
{
  const auto wall_start = std::chrono::steady_clock::now();
  ReductionRun run;
  run.method = reduction.name();
  run.defines = reduction.defines();
  run.abs_tol = c.reduce.abs_tol;
  run.rel_tol = c.reduce.rel_tol;
  for (const auto& th : c.region.thresholds)
    if (!run.defines[static_cast<std::size_t>(th.observable)]) run.exit_rule_defined = false;
  const bool find_exit = run.exit_rule_defined && !c.region.is_empty_constraint();

  const std::vector<double> samples = options.sample ? c.time.sample_times() : std::vector<double>{};
  std::size_t next_sample = 0;
  const double end = c.time.end;
  const double t_grace = c.region.t_grace;

  State x = reduction.initial_state();
  State probe = x;  // dense-output evaluations (no allocation in the loop)
  double input = 0.0;
  auto system = [&](const State& s, State& dsdt, double /*t*/) {
    ++run.rhs_evaluations;
    reduction.rhs(s, dsdt, input);
  };
  auto stepper = odeint::make_dense_output(c.reduce.abs_tol, c.reduce.rel_tol, odeint::runge_kutta_dopri5<State>());

  bool checked_any = false;  // whether a time >= t_grace was tested for the exit
  auto observe_at = [&](double t) {
    stepper.calc_state(t, probe);
    return reduction.observables(probe);
  };
  // Looks for the first exit in [a, b] (a >= t_grace, covered by the current step's interpolant):
  // the margin is tested at eight points, and a sign change is refined by bisection to the
  // resolution of double precision (the interpolant is accurate to the integration tolerance).
  auto search_exit = [&](double a, double b) {
    if (!checked_any) {
      checked_any = true;
      if (region_margin(c.region, observe_at(a)) < 0.0) {
        run.exit_time = a;
        return;
      }
    }
    double inside = a;
    for (int k = 1; k <= 8; ++k) {
      const double t = k == 8 ? b : a + (b - a) * double(k) / 8.0;
      if (region_margin(c.region, observe_at(t)) >= 0.0) {
        inside = t;
        continue;
      }
      double lo = inside, hi = t;
      for (int it = 0; it < 200 && hi - lo > 4.0 * std::numeric_limits<double>::epsilon() * std::max(1.0, hi); ++it) {
        const double mid = 0.5 * (lo + hi);
        (region_margin(c.region, observe_at(mid)) >= 0.0 ? lo : hi) = mid;
      }
      run.exit_time = hi;
      return;
    }
  };

  double t0 = 0.0;
  double dt = std::min(1e-3 * end, c.time.sample > 0.0 ? c.time.sample : end);
  while (true) {
    input = c.model.input.value(t0);
    const double t1 = std::min(c.model.input.next_change_after(t0), end);
    stepper.initialize(x, t0, dt);
    if (t0 == 0.0 && next_sample < samples.size() && samples[next_sample] <= 0.0) {
      run.times.push_back(0.0);
      run.observables.push_back(reduction.observables(x));
      ++next_sample;
    }
    while (stepper.current_time() < t1) {
      if (options.stop && options.stop->load(std::memory_order_relaxed)) {
        run.interrupted = true;
        break;
      }
      if (run.steps >= options.max_steps)
        throw ReductionFailure(fmt::format("{}: more than {} steps before t = {:g}", run.method, options.max_steps, end));
      const auto [ta, tb_raw] = stepper.do_step(system);
      ++run.steps;
      const double tb = std::min(tb_raw, t1);
      for (double v : stepper.current_state())
        if (!std::isfinite(v))
          throw ReductionFailure(fmt::format("{}: the state is not finite at t = {:.6g}", run.method, tb_raw));
      while (next_sample < samples.size() && samples[next_sample] <= tb) {
        run.times.push_back(samples[next_sample]);
        run.observables.push_back(observe_at(samples[next_sample]));
        ++next_sample;
      }
      if (find_exit && !run.exit_time && tb >= t_grace) search_exit(std::max(ta, t_grace), tb);
      if (!options.sample && (run.exit_time || !find_exit)) break;  // nothing more to learn
      dt = stepper.current_time_step();
    }
    if (run.interrupted || (!options.sample && (run.exit_time || !find_exit))) break;
    stepper.calc_state(t1, x);
    if (t1 >= end) break;
    t0 = t1;
  }
  run.final_state = x;
  run.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return run;
}

ReductionRun run_reduction(const std::string& name, const model::Case& c, const IntegrateOptions& options)
{
  const auto reduction = make_reduction(name, c);
  return integrate(*reduction, c, options);
}

}  // namespace stf::reduce
