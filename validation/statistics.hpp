// Sample statistics used by the reports: moments, quantiles, least-squares slopes of log-log data
// with Student-t confidence intervals, observed orders of convergence and Richardson extrapolation.
#pragma once

#include <optional>
#include <vector>

namespace stf::validation {

struct SampleSummary {
  long count = 0;
  double mean = 0.0;
  double std = 0.0;      // sample standard deviation (divisor count - 1); 0 for fewer than 2 values
  double stderr_ = 0.0;  // std / sqrt(count)
  double min = 0.0, max = 0.0;
};

/// Mean, sample standard deviation and standard error of `x` (throws std::invalid_argument if empty).
SampleSummary summarize(const std::vector<double>& x);

/// Quantile of level p in [0, 1] of `x`, with linear interpolation between order statistics
/// (Hyndman and Fan's type 7, the default of R and NumPy). Throws std::invalid_argument if empty.
double quantile(std::vector<double> x, double p);

/// The least-squares line y = intercept + slope x with the confidence interval of the slope at the
/// given level, from Student's t with n - 2 degrees of freedom.
struct LinearFit {
  double slope = 0.0;
  double intercept = 0.0;
  double slope_stderr = 0.0;        // 0 when only two points (the interval is then undefined)
  double ci_low = 0.0, ci_high = 0.0;  // slope -/+ t * slope_stderr; infinite with two points
  double level = 0.95;
  long points = 0;
};

/// Throws std::invalid_argument with fewer than two points, mismatched sizes or all x equal.
LinearFit fit_line(const std::vector<double>& x, const std::vector<double>& y, double level = 0.95);

/// Fits log(y) = a + slope log(x): the convergence rate y ~ x^slope. Points with y <= 0 or a
/// non-finite value are left out; returns nullopt when fewer than two points remain.
std::optional<LinearFit> fit_log_log(const std::vector<double>& x, const std::vector<double>& y,
                                     double level = 0.95);

/// Observed order from errors on meshes refined by `ratio`: p = log(e_coarse / e_fine) / log(ratio).
/// nullopt if either error is not positive and finite.
std::optional<double> observed_order(double error_coarse, double error_fine, double ratio = 2.0);

/// Richardson extrapolation of a quantity q(h) = q* + K h^p from its values on meshes h and h/ratio.
double richardson(double q_coarse, double q_fine, double order, double ratio = 2.0);

/// Two-sided Student t quantile: t such that P(|T| <= t) = level with `dof` degrees of freedom.
double student_t_two_sided(double level, double dof);

}  // namespace stf::validation
