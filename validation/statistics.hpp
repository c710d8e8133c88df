// Sample statistics used by the reports: moments, quantiles, least-squares slopes of log-log data
// with Student-t confidence intervals, observed orders of convergence and Richardson extrapolation.
#pragma once

#include <cmath>

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

/// The sample size whose mean has standard error `precision` when one draw has standard deviation
/// `sd`: ceil((sd / precision)^2).
inline double replicas_for_precision(double sd, double precision) { return std::ceil(sd * sd / (precision * precision)); }

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

namespace stf::validation {

// ---- Laws of exit times at finite N (issue: finite-size laws) ----

/// A goodness-of-fit test: the statistic and its p-value (small: the law is rejected).
struct GoodnessOfFit {
  double statistic = 0.0;
  double p_value = 1.0;
  long count = 0;
};

/// Anderson–Darling test of normality with mean and variance estimated from the sample (needs at
/// least 8 values). The statistic is A*^2 = A^2 (1 + 0.75 / n + 2.25 / n^2); its p-value follows
/// D'Agostino and Stephens (1986), Table 4.9 (the case of both parameters estimated).
GoodnessOfFit anderson_darling_normal(std::vector<double> x);

/// Kolmogorov–Smirnov test of x / mean(x) against Exp(1) (needs at least 2 positive values).
/// Because the mean is estimated, Kolmogorov's law of D does not apply (it would rarely reject);
/// the p-value is from a parametric bootstrap of the same statistic (Lilliefors' idea): `draws`
/// samples of n Exp(1) values, each rescaled by its own mean, from a generator seeded with `seed`.
/// p = (1 + #{D_b >= D}) / (1 + draws).
GoodnessOfFit ks_exponential(std::vector<double> x, long draws = 999, unsigned long long seed = 12345);

/// The same test when `censored` further runs were still inside at `horizon` (type I censoring):
/// the exits are compared with Exp(m) conditioned on tau <= horizon, m the censored
/// maximum-likelihood mean (total time on test / exits); the p-value is from a parametric bootstrap
/// that censors and re-estimates m in each draw. With censored = 0 it is ks_exponential.
GoodnessOfFit ks_exponential_censored(std::vector<double> exits, long censored, double horizon, long draws = 999,
                                      unsigned long long seed = 12345);

/// Maximum-likelihood mean of an exponential law from right-censored data: each run i was watched
/// up to time[i], and exited there if exited[i] (else it was still inside at time[i]). The estimate
/// is the total time on test over the number of exits, d; the interval at `level` is the chi-square
/// one, [2 T / chi2_{2d+2}(1 - a/2), 2 T / chi2_{2d}(a/2)] (exact for failure-censored data, the
/// usual conservative choice with a fixed horizon); with d = 0 only a lower end exists.
struct CensoredMean {
  double mean = 0.0;         // infinite when no run exited
  double ci_low = 0.0, ci_high = 0.0;
  double level = 0.95;
  long exits = 0, censored = 0;
  double time_on_test = 0.0;
};
CensoredMean censored_exponential_mean(const std::vector<double>& time, const std::vector<bool>& exited,
                                       double level = 0.95);

/// Kaplan–Meier estimate of the survival function P(tau > t) from right-censored data (same inputs
/// as above): one step per distinct exit time, with Greenwood's standard error.
struct SurvivalStep {
  double t = 0.0;
  double survival = 1.0;
  double stderr_ = 0.0;
};
std::vector<SurvivalStep> kaplan_meier(const std::vector<double>& time, const std::vector<bool>& exited);

/// The distribution function F(t) = P(tau <= t) of exit times when `censored` further runs were
/// still inside at `horizon`: 1 - Kaplan–Meier survival, one step per distinct exit. Without
/// censored runs it is the empirical distribution function (k / n at the k-th order statistic);
/// since every run is censored at the same horizon, after the last exit, it is then still the
/// fraction of all runs that exited by t (not of the exits alone).
struct CdfStep {
  double t = 0.0, cdf = 0.0;
};
std::vector<CdfStep> exit_time_cdf(const std::vector<double>& exits, long censored = 0, double horizon = 0.0);

/// Weighted least squares y_i = intercept + slope x_i with known standard errors sigma_i
/// (weights 1 / sigma_i^2). Intervals are normal (the sigmas are known, not estimated). The
/// residuals are given in standard errors, with chi^2 = sum of their squares and its p-value on
/// points - parameters degrees of freedom (small: the model does not fit the data).
/// With `fixed_intercept`, only the slope is fitted and the intercept's own standard error
/// `intercept_sigma` is carried into the slope's.
struct WeightedFit {
  double slope = 0.0, slope_stderr = 0.0, slope_low = 0.0, slope_high = 0.0;
  double intercept = 0.0, intercept_stderr = 0.0, intercept_low = 0.0, intercept_high = 0.0;
  std::vector<double> residuals;  // (y_i - fit) / sigma_i
  double chi2 = 0.0, p_value = 1.0;
  double level = 0.95;
  long points = 0;
};
WeightedFit fit_weighted_line(const std::vector<double>& x, const std::vector<double>& y,
                              const std::vector<double>& sigma, double level = 0.95,
                              std::optional<double> fixed_intercept = std::nullopt, double intercept_sigma = 0.0);

/// E[tau_N] = tau_inf + b / N: the fit over N of the means with their standard errors; the
/// slope is b. With tau_inf given (the limit's exit time, with its error bar), only b is fitted.
WeightedFit fit_exit_bias(const std::vector<double>& neurons, const std::vector<double>& mean,
                          const std::vector<double>& stderr_, std::optional<double> tau_inf = std::nullopt,
                          double tau_inf_sigma = 0.0, double level = 0.95);

/// log E[tau_N] = a + rate N (metastability): the slope is the growth rate (standard errors of
/// the logs by the delta method, stderr / mean).
WeightedFit fit_log_mean_growth(const std::vector<double>& neurons, const std::vector<double>& mean,
                                const std::vector<double>& stderr_, double level = 0.95);

/// sqrt(N) sd(tau_N) from a sample of exit times, with the chi-square interval of a normal
/// sample's standard deviation (n - 1 degrees of freedom).
struct Spread {
  double value = 0.0, low = 0.0, high = 0.0;
  double level = 0.95;
};
Spread scaled_spread(const std::vector<double>& exit_times, double neurons, double level = 0.95);

}  // namespace stf::validation
