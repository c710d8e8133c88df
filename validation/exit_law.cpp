// The exit-time law over network sizes; see exit_law.hpp.
#include "validation/exit_law.hpp"

#include <cmath>
#include <fmt/core.h>

namespace stf::validation {

std::string to_string(ExitRegime r)
{
  switch (r) {
    case ExitRegime::deterministic: return "deterministic";
    case ExitRegime::metastable: return "metastable";
    case ExitRegime::undetermined: break;
  }
  return "undetermined";
}

namespace {

ExitLawLevel analyse_level(const ExitSample& s, std::optional<double> tau_inf, std::optional<double> settle,
                           double level, double test_level)
{
  ExitLawLevel l;
  l.neurons = s.neurons;
  l.exited = static_cast<long>(s.exits.size());
  l.censored = s.censored;
  l.exits = s.exits;
  l.horizon = s.horizon;
  l.replicas = l.exited + l.censored;
  if (l.exited > 0) l.summary = summarize(s.exits);
  if (l.replicas > 0) {
    std::vector<double> time = s.exits;
    std::vector<bool> exited(s.exits.size(), true);
    time.insert(time.end(), static_cast<std::size_t>(s.censored), s.horizon);
    exited.insert(exited.end(), static_cast<std::size_t>(s.censored), false);
    l.mean = censored_exponential_mean(time, exited, level);
  }
  if (l.exited >= 2) l.spread = scaled_spread(s.exits, static_cast<double>(s.neurons), level);
  // The exponential test: of the whole exit times, or (no limit exit, a settle time) of the time
  // beyond the settle time of the runs still inside then.
  l.tested_exits = s.exits;
  l.tested_horizon = s.horizon;
  if (!tau_inf && settle && *settle < s.horizon) {
    l.tested_exits.clear();
    for (double t : s.exits)
      if (t > *settle) l.tested_exits.push_back(t - *settle);
      else ++l.early_exits;
    l.tested_horizon = s.horizon - *settle;
  }
  if (l.exited >= 8 && l.summary->std > 0.0) l.normality = anderson_darling_normal(s.exits);
  if (l.tested_exits.size() >= 8)
    l.exponential = ks_exponential_censored(l.tested_exits, s.censored, l.tested_horizon);
  if (tau_inf)
    for (double t : s.exits) l.standardised.push_back(std::sqrt(static_cast<double>(s.neurons)) * (t - *tau_inf));

  // The regime the data support at this N.
  if (!l.exponential) {
    l.reason = fmt::format("{} exits: too few to test the law", l.exited);
  } else if (!tau_inf) {
    const std::string tested_what =
        settle ? fmt::format("the time beyond the limit's settle time {:.4g} ({} early exits before it)", *settle,
                             l.early_exits)
               : std::string("tau");
    if (l.exponential->p_value >= test_level) {
      l.regime = ExitRegime::metastable;
      l.reason = fmt::format("the limit does not exit; {} over its mean passes KS against Exp(1) (p = {:.3g})",
                             tested_what, l.exponential->p_value);
    } else {
      l.reason = fmt::format("the limit does not exit, but {} over its mean fails KS against Exp(1) (p = {:.3g})",
                             tested_what, l.exponential->p_value);
    }
  } else if (l.censored == 0 && l.exponential->p_value < test_level) {
    l.regime = ExitRegime::deterministic;
    l.reason = fmt::format("the limit exits at {:.6g}; tau / mean is not exponential (KS p = {:.3g}); "
                           "coefficient of variation {:.3g}",
                           *tau_inf, l.exponential->p_value, l.summary->std / l.summary->mean);
  } else {
    l.reason = fmt::format("the limit exits at {:.6g}, but tau / mean is consistent with Exp(1) (KS p = {:.3g}) "
                           "or runs were censored ({})",
                           *tau_inf, l.exponential->p_value, l.censored);
  }
  return l;
}

}  // namespace

bool in_bias_fit(const ExitLawLevel& l)
{
  return l.censored == 0 && l.summary && l.summary->count >= 2 && l.summary->stderr_ > 0.0;
}

bool in_growth_fit(const ExitLawLevel& l)
{
  return l.regime == ExitRegime::metastable && l.mean && std::isfinite(l.mean->mean) && l.exited >= 2;
}

ExitLaw analyse_exit_law(const std::vector<ExitSample>& samples, std::optional<double> tau_inf, double tau_inf_sigma,
                         double level, double test_level, std::optional<double> settle_time)
{
  ExitLaw law;
  law.tau_inf = tau_inf;
  if (!tau_inf) law.settle_time = settle_time;
  law.tau_inf_sigma = tau_inf_sigma;
  law.level = level;
  law.test_level = test_level;
  for (const auto& s : samples) law.levels.push_back(analyse_level(s, tau_inf, law.settle_time, level, test_level));

  std::vector<double> n, mean, err;
  for (const auto& l : law.levels)
    if (in_bias_fit(l)) {
      n.push_back(static_cast<double>(l.neurons));
      mean.push_back(l.summary->mean);
      err.push_back(l.summary->stderr_);
    }
  if (tau_inf && n.size() >= 2) law.bias = fit_exit_bias(n, mean, err, *tau_inf, tau_inf_sigma, level);

  // The spread's own expansion, sqrt(N) sd(tau_N) = s + c / N + ..., over the same sizes; each
  // spread's standard error is that of a normal sample's standard deviation, value / sqrt(2 (n - 1)).
  std::vector<double> inverse_n, spread, spread_err;
  for (const auto& l : law.levels)
    if (in_bias_fit(l) && l.spread) {
      inverse_n.push_back(1.0 / static_cast<double>(l.neurons));
      spread.push_back(l.spread->value);
      spread_err.push_back(l.spread->value / std::sqrt(2.0 * static_cast<double>(l.summary->count - 1)));
    }
  if (tau_inf && inverse_n.size() >= 3) law.spread_fit = fit_weighted_line(inverse_n, spread, spread_err, level);

  n.clear(), mean.clear(), err.clear();
  for (const auto& l : law.levels)
    if (in_growth_fit(l)) {
      n.push_back(static_cast<double>(l.neurons));
      mean.push_back(l.mean->mean);
      err.push_back(l.mean->mean / std::sqrt(static_cast<double>(l.exited)));  // exponential: sd = mean
    }
  if (n.size() >= 3) law.growth = fit_log_mean_growth(n, mean, err, level);
  return law;
}

std::optional<double> settle_time(const std::vector<double>& times, const std::vector<std::vector<double>>& series,
                                  double relative)
{
  if (times.empty() || series.empty()) return std::nullopt;
  std::size_t first = 0;  // the first sample from which every series stays near its last value
  for (const auto& q : series) {
    if (q.size() != times.size() || !(q.back() != 0.0)) return std::nullopt;
    std::size_t k = q.size();
    while (k > 0 && std::fabs(q[k - 1] - q.back()) <= relative * std::fabs(q.back())) --k;
    first = std::max(first, k);
  }
  return times[std::min(first, times.size() - 1)];
}

}  // namespace stf::validation
