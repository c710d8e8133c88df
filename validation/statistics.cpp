// Sample statistics, least-squares slopes and convergence orders for the reports.
#include "validation/statistics.hpp"

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>

namespace stf::validation {

SampleSummary summarize(const std::vector<double>& x)
{
  if (x.empty()) throw std::invalid_argument("summarize: empty sample");
  SampleSummary s;
  s.count = static_cast<long>(x.size());
  // Two passes: the mean first, then centred squares (no cancellation for tight samples).
  double sum = 0.0;
  for (double v : x) sum += v;
  s.mean = sum / double(x.size());
  double ss = 0.0;
  for (double v : x) ss += (v - s.mean) * (v - s.mean);
  s.std = x.size() > 1 ? std::sqrt(ss / double(x.size() - 1)) : 0.0;
  s.stderr_ = s.std / std::sqrt(double(x.size()));
  const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
  s.min = *lo;
  s.max = *hi;
  return s;
}

double quantile(std::vector<double> x, double p)
{
  if (x.empty()) throw std::invalid_argument("quantile: empty sample");
  if (!(p >= 0.0 && p <= 1.0)) throw std::invalid_argument("quantile: level outside [0, 1]");
  std::sort(x.begin(), x.end());
  const double h = p * double(x.size() - 1);
  const auto k = static_cast<std::size_t>(std::floor(h));
  if (k + 1 >= x.size()) return x.back();
  return x[k] + (h - double(k)) * (x[k + 1] - x[k]);
}

double student_t_two_sided(double level, double dof)
{
  const boost::math::students_t dist(dof);
  return boost::math::quantile(dist, 0.5 + 0.5 * level);
}

LinearFit fit_line(const std::vector<double>& x, const std::vector<double>& y, double level)
{
  if (x.size() != y.size()) throw std::invalid_argument("fit_line: x and y differ in size");
  if (x.size() < 2) throw std::invalid_argument("fit_line: fewer than two points");
  const double n = double(x.size());
  double mx = 0.0, my = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  double sxx = 0.0, sxy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  if (!(sxx > 0.0)) throw std::invalid_argument("fit_line: all x are equal");
  LinearFit f;
  f.points = static_cast<long>(x.size());
  f.level = level;
  f.slope = sxy / sxx;
  f.intercept = my - f.slope * mx;
  if (x.size() == 2) {
    f.ci_low = -std::numeric_limits<double>::infinity();
    f.ci_high = std::numeric_limits<double>::infinity();
    return f;
  }
  double rss = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double r = y[i] - (f.intercept + f.slope * x[i]);
    rss += r * r;
  }
  f.slope_stderr = std::sqrt(rss / (n - 2.0) / sxx);
  const double t = student_t_two_sided(level, n - 2.0);
  f.ci_low = f.slope - t * f.slope_stderr;
  f.ci_high = f.slope + t * f.slope_stderr;
  return f;
}

std::optional<LinearFit> fit_log_log(const std::vector<double>& x, const std::vector<double>& y, double level)
{
  std::vector<double> lx, ly;
  for (std::size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
    if (x[i] > 0.0 && y[i] > 0.0 && std::isfinite(x[i]) && std::isfinite(y[i])) {
      lx.push_back(std::log(x[i]));
      ly.push_back(std::log(y[i]));
    }
  }
  if (lx.size() < 2) return std::nullopt;
  if (std::all_of(lx.begin(), lx.end(), [&](double v) { return v == lx.front(); })) return std::nullopt;
  return fit_line(lx, ly, level);
}

std::optional<double> observed_order(double error_coarse, double error_fine, double ratio)
{
  if (!(error_coarse > 0.0 && error_fine > 0.0) || !std::isfinite(error_coarse) || !std::isfinite(error_fine))
    return std::nullopt;
  return std::log(error_coarse / error_fine) / std::log(ratio);
}

double richardson(double q_coarse, double q_fine, double order, double ratio)
{
  const double f = std::pow(ratio, order);
  return q_fine + (q_fine - q_coarse) / (f - 1.0);
}

}  // namespace stf::validation

namespace stf::validation {

namespace {

double chi2_quantile(double dof, double p) { return boost::math::quantile(boost::math::chi_squared(dof), p); }

double normal_two_sided(double level) { return boost::math::quantile(boost::math::normal(), 0.5 + 0.5 * level); }

// D = sup |F_n(y) - (1 - exp(-y))| of y = x / mean(x), x sorted.
double ks_exponential_statistic(std::vector<double>& x)
{
  std::sort(x.begin(), x.end());
  double sum = 0.0;
  for (double v : x) sum += v;
  const double mean = sum / static_cast<double>(x.size());
  const double n = static_cast<double>(x.size());
  double d = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double f = -std::expm1(-x[i] / mean);
    d = std::max({d, static_cast<double>(i + 1) / n - f, f - static_cast<double>(i) / n});
  }
  return d;
}

}  // namespace

GoodnessOfFit anderson_darling_normal(std::vector<double> x)
{
  if (x.size() < 8) throw std::invalid_argument("anderson_darling_normal: fewer than 8 values");
  const SampleSummary s = summarize(x);
  if (!(s.std > 0.0)) throw std::invalid_argument("anderson_darling_normal: all values equal");
  std::sort(x.begin(), x.end());
  const auto n = static_cast<double>(x.size());
  const boost::math::normal law;
  // A^2 = -n - (1/n) sum_i (2i - 1) [log F(z_i) + log(1 - F(z_{n+1-i}))]
  double sum = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double zi = (x[i] - s.mean) / s.std, zj = (x[x.size() - 1 - i] - s.mean) / s.std;
    const double log_f = std::log(boost::math::cdf(law, zi));
    const double log_g = std::log(boost::math::cdf(boost::math::complement(law, zj)));
    sum += (2.0 * static_cast<double>(i) + 1.0) * (log_f + log_g);
  }
  const double a2 = -n - sum / n;
  const double a = a2 * (1.0 + 0.75 / n + 2.25 / (n * n));
  double p = 0.0;
  if (a >= 0.6) p = std::exp(1.2937 - 5.709 * a + 0.0186 * a * a);
  else if (a >= 0.34) p = std::exp(0.9177 - 4.279 * a - 1.38 * a * a);
  else if (a >= 0.2) p = 1.0 - std::exp(-8.318 + 42.796 * a - 59.938 * a * a);
  else p = 1.0 - std::exp(-13.436 + 101.14 * a - 223.73 * a * a);
  return {a, std::clamp(p, 0.0, 1.0), static_cast<long>(x.size())};
}

GoodnessOfFit ks_exponential(std::vector<double> x, long draws, unsigned long long seed)
{
  if (x.size() < 2) throw std::invalid_argument("ks_exponential: fewer than 2 values");
  for (double v : x)
    if (!(v > 0.0)) throw std::invalid_argument("ks_exponential: values must be positive");
  const double d = ks_exponential_statistic(x);
  std::mt19937_64 gen(seed);
  std::vector<double> y(x.size());
  long above = 0;
  for (long b = 0; b < draws; ++b) {
    // Exp(1) by inversion of a uniform in (0, 1) (53 bits, never 0).
    for (auto& v : y) v = -std::log((static_cast<double>(gen() >> 11) + 0.5) * 0x1.0p-53);
    if (ks_exponential_statistic(y) >= d) ++above;
  }
  return {d, static_cast<double>(1 + above) / static_cast<double>(1 + draws), static_cast<long>(x.size())};
}

namespace {

// D between the exits (sorted here) and Exp(m) conditioned on tau <= horizon.
double ks_truncated_statistic(std::vector<double>& exits, double m, double horizon)
{
  std::sort(exits.begin(), exits.end());
  const double n = static_cast<double>(exits.size()), norm = -std::expm1(-horizon / m);
  double d = 0.0;
  for (std::size_t i = 0; i < exits.size(); ++i) {
    const double f = -std::expm1(-exits[i] / m) / norm;
    d = std::max({d, static_cast<double>(i + 1) / n - f, f - static_cast<double>(i) / n});
  }
  return d;
}

}  // namespace

GoodnessOfFit ks_exponential_censored(std::vector<double> exits, long censored, double horizon, long draws,
                                      unsigned long long seed)
{
  if (censored == 0) return ks_exponential(std::move(exits), draws, seed);
  if (exits.size() < 2) throw std::invalid_argument("ks_exponential_censored: fewer than 2 exits");
  auto mle = [horizon](const std::vector<double>& e, long c) {
    double total = static_cast<double>(c) * horizon;
    for (double v : e) total += v;
    return total / static_cast<double>(e.size());
  };
  const double d = ks_truncated_statistic(exits, mle(exits, censored), horizon);
  const long total = static_cast<long>(exits.size()) + censored;
  const double m = mle(exits, censored);
  std::mt19937_64 gen(seed);
  long above = 0, used = 0;
  std::vector<double> e;
  for (long b = 0; b < draws; ++b) {
    e.clear();
    long c = 0;
    for (long k = 0; k < total; ++k) {
      const double tau = -m * std::log((static_cast<double>(gen() >> 11) + 0.5) * 0x1.0p-53);
      if (tau <= horizon) e.push_back(tau);
      else ++c;
    }
    if (e.size() < 2) continue;
    ++used;
    if (ks_truncated_statistic(e, mle(e, c), horizon) >= d) ++above;
  }
  return {d, static_cast<double>(1 + above) / static_cast<double>(1 + used), static_cast<long>(exits.size())};
}

CensoredMean censored_exponential_mean(const std::vector<double>& time, const std::vector<bool>& exited, double level)
{
  if (time.size() != exited.size() || time.empty())
    throw std::invalid_argument("censored_exponential_mean: empty or mismatched inputs");
  CensoredMean m;
  m.level = level;
  for (std::size_t i = 0; i < time.size(); ++i) {
    m.time_on_test += time[i];
    if (exited[i]) ++m.exits;
    else ++m.censored;
  }
  const double a = 1.0 - level, two_t = 2.0 * m.time_on_test;
  const auto d = static_cast<double>(m.exits);
  m.ci_low = two_t / chi2_quantile(2.0 * d + 2.0, 1.0 - 0.5 * a);
  if (m.exits == 0) {
    m.mean = m.ci_high = std::numeric_limits<double>::infinity();
    return m;
  }
  m.mean = m.time_on_test / d;
  m.ci_high = two_t / chi2_quantile(2.0 * d, 0.5 * a);
  return m;
}

std::vector<SurvivalStep> kaplan_meier(const std::vector<double>& time, const std::vector<bool>& exited)
{
  if (time.size() != exited.size()) throw std::invalid_argument("kaplan_meier: mismatched inputs");
  std::vector<std::size_t> order(time.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return time[a] < time[b]; });
  std::vector<SurvivalStep> steps;
  double s = 1.0, greenwood = 0.0;
  auto at_risk = static_cast<double>(time.size());
  for (std::size_t k = 0; k < order.size();) {
    const double t = time[order[k]];
    double deaths = 0.0, leaving = 0.0;
    for (; k < order.size() && time[order[k]] == t; ++k) {
      leaving += 1.0;
      if (exited[order[k]]) deaths += 1.0;
    }
    if (deaths > 0.0) {
      s *= 1.0 - deaths / at_risk;
      if (at_risk > deaths) greenwood += deaths / (at_risk * (at_risk - deaths));
      steps.push_back({t, s, s * std::sqrt(greenwood)});
    }
    at_risk -= leaving;
  }
  return steps;
}

std::vector<CdfStep> exit_time_cdf(const std::vector<double>& exits, long censored, double horizon)
{
  std::vector<double> time = exits;
  std::vector<bool> exited(exits.size(), true);
  time.insert(time.end(), static_cast<std::size_t>(censored), horizon);
  exited.insert(exited.end(), static_cast<std::size_t>(censored), false);
  std::vector<CdfStep> out;
  for (const auto& s : kaplan_meier(time, exited)) out.push_back({s.t, 1.0 - s.survival});
  return out;
}

WeightedFit fit_weighted_line(const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& sigma,
                              double level, std::optional<double> fixed_intercept, double intercept_sigma)
{
  if (x.size() != y.size() || x.size() != sigma.size())
    throw std::invalid_argument("fit_weighted_line: x, y and sigma differ in size");
  const std::size_t params = fixed_intercept ? 1 : 2;
  if (x.size() < params + 1) throw std::invalid_argument("fit_weighted_line: too few points for a check of the fit");
  double sw = 0.0, swx = 0.0, swxx = 0.0, swy = 0.0, swxy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!(sigma[i] > 0.0)) throw std::invalid_argument("fit_weighted_line: standard errors must be positive");
    const double w = 1.0 / (sigma[i] * sigma[i]);
    sw += w, swx += w * x[i], swxx += w * x[i] * x[i], swy += w * y[i], swxy += w * x[i] * y[i];
  }
  WeightedFit f;
  f.level = level;
  f.points = static_cast<long>(x.size());
  const double z = normal_two_sided(level);
  if (fixed_intercept) {
    // min sum w (y - c - b x)^2 over b: b = sum w x (y - c) / sum w x^2; the variance of c enters
    // through d b / d c = -sum w x / sum w x^2.
    const double c = *fixed_intercept;
    f.intercept = c;
    f.intercept_stderr = intercept_sigma;
    f.slope = (swxy - c * swx) / swxx;
    const double dbdc = swx / swxx;
    f.slope_stderr = std::sqrt(1.0 / swxx + dbdc * dbdc * intercept_sigma * intercept_sigma);
  } else {
    const double det = sw * swxx - swx * swx;
    if (!(det > 0.0)) throw std::invalid_argument("fit_weighted_line: all x equal");
    f.slope = (sw * swxy - swx * swy) / det;
    f.intercept = (swxx * swy - swx * swxy) / det;
    f.slope_stderr = std::sqrt(sw / det);
    f.intercept_stderr = std::sqrt(swxx / det);
  }
  f.slope_low = f.slope - z * f.slope_stderr;
  f.slope_high = f.slope + z * f.slope_stderr;
  f.intercept_low = f.intercept - z * f.intercept_stderr;
  f.intercept_high = f.intercept + z * f.intercept_stderr;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double r = (y[i] - f.intercept - f.slope * x[i]) / sigma[i];
    f.residuals.push_back(r);
    f.chi2 += r * r;
  }
  const auto dof = static_cast<double>(x.size() - params);
  f.p_value = boost::math::cdf(boost::math::complement(boost::math::chi_squared(dof), f.chi2));
  return f;
}

WeightedFit fit_exit_bias(const std::vector<double>& neurons, const std::vector<double>& mean,
                          const std::vector<double>& stderr_, std::optional<double> tau_inf, double tau_inf_sigma,
                          double level)
{
  std::vector<double> inv_n;
  for (double n : neurons) inv_n.push_back(1.0 / n);
  return fit_weighted_line(inv_n, mean, stderr_, level, tau_inf, tau_inf_sigma);
}

WeightedFit fit_log_mean_growth(const std::vector<double>& neurons, const std::vector<double>& mean,
                                const std::vector<double>& stderr_, double level)
{
  std::vector<double> y, sigma;
  for (std::size_t i = 0; i < mean.size(); ++i) {
    if (!(mean[i] > 0.0)) throw std::invalid_argument("fit_log_mean_growth: means must be positive");
    y.push_back(std::log(mean[i]));
    sigma.push_back(stderr_.at(i) / mean[i]);
  }
  return fit_weighted_line(neurons, y, sigma, level);
}

Spread scaled_spread(const std::vector<double>& exit_times, double neurons, double level)
{
  if (exit_times.size() < 2) throw std::invalid_argument("scaled_spread: fewer than 2 values");
  const SampleSummary s = summarize(exit_times);
  const double k = static_cast<double>(s.count - 1), a = 1.0 - level, root_n = std::sqrt(neurons);
  Spread out;
  out.level = level;
  out.value = root_n * s.std;
  out.low = out.value * std::sqrt(k / chi2_quantile(k, 1.0 - 0.5 * a));
  out.high = out.value * std::sqrt(k / chi2_quantile(k, 0.5 * a));
  return out;
}

}  // namespace stf::validation
