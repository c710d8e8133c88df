#include "model/renewal_oracle.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace stf::model {

namespace {

// The observables the grid computes, in the order of `computed`.
constexpr std::array<ObservableId, 4> computed{ObservableId::rate, ObservableId::mean_potential,
                                               ObservableId::var_potential, ObservableId::mean_calcium};
using Row = std::array<double, computed.size()>;

/// The neurons that last spiked at one step (or the initial cohort): potential u, phi(u), and the
/// integrated hazard H (the cohort's surviving fraction is e^{-H}).
struct Cohort {
  double u, phi, H;
};

/// What the trapezoid rule over one interval of length h misses where phi has corners (threshold_linear)
/// between the ends' potentials u0 and u1: the integrand g phi, with g0 phi(u0) and g1 phi(u1) at the
/// ends, is taken piecewise linear through its values at the corners instead of linear across them (g
/// and u linear across the interval). Without it the error is O(h^2) with a size that depends on where
/// the corner falls, different on every grid, and the extrapolation fails.
double corner_correction(const RateFunction& phi, double u0, double u1, double g0, double g1, double h)
{
  const RateFunction::Corners corners = phi.corners_in(std::min(u0, u1), std::max(u0, u1));
  if (corners.count == 0) return 0.0;
  const double F0 = g0 * phi(u0), F1 = g1 * phi(u1);
  double x = 0.0, F = F0, piecewise = 0.0;
  for (int i = 0; i < corners.count; ++i) {
    const int c = u1 > u0 ? i : corners.count - 1 - i;  // in the order the interval meets them
    const double q = (corners.at[c] - u0) / (u1 - u0), Fc = ((1.0 - q) * g0 + q * g1) * phi(corners.at[c]);
    piecewise += (q - x) * 0.5 * (F + Fc);
    x = q;
    F = Fc;
  }
  piecewise += (1.0 - x) * 0.5 * (F + F1);
  return h * (piecewise - 0.5 * (F0 + F1));
}

/// One grid: `steps_per_sample` steps of h per sample interval. Returns the computed observables at
/// every sample time.
std::vector<Row> solve_on_grid(const Case& c, long steps_per_sample)
{
  const ModelParameters& P = c.model;
  const double sample = c.time.sample, h = sample / double(steps_per_sample);
  const long samples = std::lround(c.time.end / sample), steps = samples * steps_per_sample;
  const double w0 = P.w0, u_reset = P.u_reset;
  const double decay_u = std::exp(-P.alpha() * h), decay_c = std::exp(-P.beta() * h);
  const bool calcium_closed = P.leak_C.kind == LeakKind::exponential;
  const double phi_reset = P.phi(u_reset);
  const bool has_corners = P.phi.has_corners();

  Cohort initial{c.initial.U.at, P.phi(c.initial.U.at), 0.0};
  std::vector<Cohort> born, next;  // born[j]: the cohort born at step j
  born.reserve(std::size_t(steps) + 1);
  next.reserve(std::size_t(steps) + 1);
  std::vector<double> rate;  // r at every step
  rate.reserve(std::size_t(steps) + 1);
  rate.push_back(initial.phi);
  born.push_back({u_reset, phi_reset, 0.0});
  double mean_calcium = c.initial.C.expectation();

  // Trapezoid weight of the birth at step j in the integral over s in [0, t_k] (the ends count half).
  auto birth_weight = [&](std::size_t j, std::size_t k) { return (j == 0 || j == k) ? 0.5 * h : h; };
  auto record = [&](std::size_t k) {
    double m = std::exp(-initial.H), mu = m * initial.u, muu = m * initial.u * initial.u;
    for (std::size_t j = 0; k > 0 && j <= k; ++j) {  // born[k], the newborn, has H = 0
      const double w = birth_weight(j, k) * rate[j] * std::exp(-born[j].H);
      m += w;
      mu += w * born[j].u;
      muu += w * born[j].u * born[j].u;
    }
    const double mean = mu / m;
    return Row{rate[k], mean, muu / m - mean * mean,
               calcium_closed ? mean_calcium : std::numeric_limits<double>::quiet_NaN()};
  };

  std::vector<Row> rows{record(0)};
  for (long step = 1; step <= steps; ++step) {
    const std::size_t k = std::size_t(step);
    // The potential map of this step, u -> decay_u u + G, with G the trapezoid rule for
    // int e^{-alpha (t_k - tau)} (I + w0 r(tau)) dtau, which depends on the new rate r_k itself when
    // w0 > 0: two fixed-point passes from a linear extrapolation (each pass gains a factor O(h)).
    const double r_prev = rate[k - 1];
    // The input is constant over the step (its changes lie on sample times: why_not), and its part of
    // G is exact: I (1 - e^{-alpha h}) / alpha.
    const double I = P.input.value((double(step) - 0.5) * h);
    const double input_part = P.alpha() > 0.0 ? I * (1.0 - decay_u) / P.alpha() : I * h;
    double r_new = k >= 2 ? 2.0 * r_prev - rate[k - 2] : r_prev;
    Cohort initial_next{};
    const int passes = w0 > 0.0 || has_corners ? 2 : 1;
    for (int pass = 0; pass < passes; ++pass) {
      const double G = input_part + 0.5 * h * w0 * (decay_u * r_prev + std::max(r_new, 0.0));
      auto advance = [&](const Cohort& a) {
        const double u = decay_u * a.u + G, f = P.phi(u);
        return Cohort{u, f, a.H + 0.5 * h * (a.phi + f) + corner_correction(P.phi, a.u, u, 1.0, 1.0, h)};
      };
      initial_next = advance(initial);
      double spiking = std::exp(-initial_next.H) * initial_next.phi;
      next.resize(k);
      for (std::size_t j = 0; j < k; ++j) {
        next[j] = advance(born[j]);
        spiking += birth_weight(j, k) * rate[j] * std::exp(-next[j].H) * next[j].phi;
      }
      // Corners of phi between neighbouring cohorts (the newest, at u_reset, with the guessed rate).
      if (has_corners)
        for (std::size_t j = 0; j < k; ++j) {
          const double u_after = j + 1 < k ? next[j + 1].u : u_reset;
          const double g_after = j + 1 < k ? rate[j + 1] * std::exp(-next[j + 1].H) : r_new;
          spiking += corner_correction(P.phi, next[j].u, u_after, rate[j] * std::exp(-next[j].H), g_after, h);
        }
      // The newborn at t_k (weight h / 2, at u_reset, not yet decayed) spikes at phi(u_reset).
      r_new = spiking / (1.0 - 0.5 * h * phi_reset);
    }
    if (!std::isfinite(r_new))
      throw std::runtime_error(fmt::format("renewal oracle: the rate is not finite at t = {}", double(step) * h));
    initial = initial_next;
    born.swap(next);
    born.push_back({u_reset, phi_reset, 0.0});
    rate.push_back(r_new);
    mean_calcium = decay_c * mean_calcium + 0.5 * h * (decay_c * r_prev + r_new);
    if (step % steps_per_sample == 0) rows.push_back(record(k));
  }
  return rows;
}

}  // namespace

std::string RenewalOracle::why_not(const Case& c)
{
  const ModelParameters& P = c.model;
  if (P.w1 != 0.0) return "calcium enters the drive (w1 > 0)";
  if (!P.reset) return "reset = false";
  if (P.leak_U.kind != LeakKind::exponential && P.alpha() != 0.0) return "the potential leak is linear with alpha > 0";
  if (!c.initial.U.is_dirac()) return "the initial potential is not a Dirac";
  auto on_sample_grid = [&](double t) {
    const double n = t / c.time.sample;
    return c.time.sample > 0.0 && std::fabs(n - std::round(n)) <= 1e-9 * std::max(n, 1.0);
  };
  if (!on_sample_grid(c.time.end)) return "the sample interval does not divide the horizon";
  for (const InputPulse& p : P.input.pulses())
    if (!on_sample_grid(p.start) || !on_sample_grid(p.end)) return "an input pulse starts or ends between sample times";
  return {};
}

std::vector<double> RenewalOracle::error_exponents(const Case& c)
{
  const RateFunction& phi = c.model.phi;
  const double k = phi.kappa;
  const bool power_root = phi.kind == RateKind::power && phi.gamma > 0.0;
  const bool hill_root = phi.kind == RateKind::hill && phi.phi_max > 0.0;
  if (!(c.model.u_reset == 0.0 && (power_root || hill_root) && k > 0.0 && k != std::floor(k))) return {1.5, 2.0, 2.5};
  // phi(u(a)) for a cohort of age a: powers a^(j kappa) times smooth functions (j = 1 for a power
  // rate; every j for a Hill rate, x / (1 + x) = x - x^2 + ...); with the smooth part, the trapezoid
  // rule's error terms h^(1 + j kappa + i), and h^2, h^4, ...
  std::vector<double> p{2.0, 4.0};
  for (int j = 1; j <= (hill_root ? 8 : 1); ++j)
    for (int i = 0; i < 3; ++i) {
      const double q = 1.0 + double(j) * k + double(i);
      if (std::fabs(q - std::round(q)) > 1e-12) p.push_back(q);  // whole exponents: the smooth part's
    }
  std::sort(p.begin(), p.end());
  p.erase(std::unique(p.begin(), p.end(), [](double x, double y) { return std::fabs(x - y) < 1e-12; }), p.end());
  p.resize(3);
  return p;
}

RenewalOracle::RenewalOracle(const Case& c, int levels, long base_steps_per_unit)
{
  if (const std::string reason = why_not(c); !reason.empty())
    throw std::invalid_argument("the renewal oracle does not apply: " + reason);
  if (levels < 1 || base_steps_per_unit < 1) throw std::invalid_argument("renewal oracle: levels and steps must be >= 1");
  const long base = std::max(1L, std::lround(c.time.sample * double(base_steps_per_unit)));

  // Richardson's tableau, one column per eliminated exponent: column[i] from grids i.. of the last.
  std::vector<std::vector<Row>> column;
  for (int level = 0; level < levels; ++level) column.push_back(solve_on_grid(c, base << level));
  std::vector<Row> before_last = column.back();
  for (const double p : error_exponents(c)) {
    if (column.size() < 2) break;
    const double f = std::exp2(p);
    before_last = column.back();
    std::vector<std::vector<Row>> next;
    for (std::size_t i = 0; i + 1 < column.size(); ++i) {
      std::vector<Row> e(column[i].size());
      for (std::size_t s = 0; s < e.size(); ++s)
        for (std::size_t q = 0; q < computed.size(); ++q)
          e[s][q] = (f * column[i + 1][s][q] - column[i][s][q]) / (f - 1.0);
      next.push_back(std::move(e));
    }
    column = std::move(next);
  }

  const std::vector<Row>& best = column.back();
  times_ = c.time.sample_times();
  times_.resize(best.size());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t s = 0; s < best.size(); ++s) {
    Observables o;
    o.values.fill(nan);
    for (std::size_t q = 0; q < computed.size(); ++q) o[computed[q]] = best[s][q];
    o[ObservableId::drive] = c.model.w0 * o.rate();
    o[ObservableId::mass] = 1.0;
    values_.push_back(o);
  }
  error_.values.fill(nan);
  for (std::size_t q = 0; q < computed.size(); ++q) {
    double e = 0.0;
    for (std::size_t s = 0; s < best.size(); ++s) e = std::max(e, std::fabs(best[s][q] - before_last[s][q]));
    error_[computed[q]] = std::isnan(best[0][q]) ? nan : e;
  }
  error_[ObservableId::drive] = c.model.w0 * error_.rate();
  error_[ObservableId::mass] = 0.0;
}

}  // namespace stf::model
