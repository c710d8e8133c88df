// Sample statistics, least-squares slopes and convergence orders for the reports.
#include "validation/statistics.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
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
