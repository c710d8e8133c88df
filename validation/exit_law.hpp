// The law of the finite network's exit time (MODEL.md §4) over network sizes N: bias against 1/N,
// spread sqrt(N) sd(tau_N), shape (normality, exponential law), censored runs, and the regime the
// data support, deterministic (tau_N -> tau_inf with N^-1/2 Gaussian fluctuations) or metastable
// (the limit never exits; tau_N / E[tau_N] -> Exp(1), log E[tau_N] growing linearly in N).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "validation/statistics.hpp"

namespace stf::validation {

/// The exit times of one network size: exits (in replica order) and the runs still inside at the
/// horizon (censored).
struct ExitSample {
  long neurons = 0;
  std::vector<double> exits;
  long censored = 0;
  double horizon = 0.0;
};

enum class ExitRegime { deterministic, metastable, undetermined };
std::string to_string(ExitRegime r);

struct ExitLawLevel {
  long neurons = 0, replicas = 0, exited = 0, censored = 0;
  std::vector<double> exits;               // the exit times, in replica order (the figures' data)
  double horizon = 0.0;                    // where the censored runs were still inside
  std::optional<SampleSummary> summary;    // of the exits
  std::optional<CensoredMean> mean;        // exponential maximum likelihood with the censored runs
  std::optional<Spread> spread;            // sqrt(N) sd(tau_N)
  std::optional<GoodnessOfFit> normality;  // Anderson-Darling (>= 8 exits)
  /// KS of tau / mean against Exp(1) (>= 8 exits; with censored runs, against the exponential law
  /// conditioned on an exit before the horizon, ks_exponential_censored)
  std::optional<GoodnessOfFit> exponential;
  long early_exits = 0;                    // exits before ExitLaw::settle_time (left out of the exponential test)
  // What the exponential test tests (with the censored runs): the exits, or their time beyond the
  // settle time, and the horizon on that clock.
  std::vector<double> tested_exits;
  double tested_horizon = 0.0;
  std::vector<double> standardised;        // sqrt(N) (tau - tau_inf), when tau_inf is finite
  ExitRegime regime = ExitRegime::undetermined;
  std::string reason;                      // why that regime, in words
};

struct ExitLaw {
  std::optional<double> tau_inf;           // the limit's exit time (none: no exit before the horizon)
  std::optional<double> settle_time;       // when the limit has settled on its active state (no exit)
  double tau_inf_sigma = 0.0;
  double level = 0.95;                     // of every interval
  double test_level = 0.01;                // of the normality and exponential tests
  std::vector<ExitLawLevel> levels;
  std::optional<WeightedFit> bias;         // E[tau_N] = tau_inf + b / N (slope b), uncensored sizes
  std::optional<WeightedFit> spread_fit;   // sqrt(N) sd(tau_N) = s + c / N (intercept s: the large-N spread)
  std::optional<WeightedFit> growth;       // log E[tau_N] = a + rate N (metastable sizes)
};

/// The sizes the bias and spread fits use: no censored run, and a mean with a standard error.
bool in_bias_fit(const ExitLawLevel& l);
/// The sizes the growth fit uses: classified metastable, with a finite censored mean from two exits.
bool in_growth_fit(const ExitLawLevel& l);

/// The analysis (pure). Sizes in increasing N. The bias fit needs tau_inf and two sizes
/// (in_bias_fit), the spread fit tau_inf and three; the growth fit uses the censored
/// maximum-likelihood means and needs three sizes (in_growth_fit).
///
/// Metastability is memorylessness once the network has settled: where the limit does not exit and
/// `settle_time` t_s is given, the exponential test is of tau - t_s over the runs still inside at
/// t_s (censored at horizon - t_s). The exits before t_s (a small network that fails before it
/// settles on the active state, whose fraction falls with N) are counted as early exits.
ExitLaw analyse_exit_law(const std::vector<ExitSample>& samples, std::optional<double> tau_inf,
                         double tau_inf_sigma = 0.0, double level = 0.95, double test_level = 0.01,
                         std::optional<double> settle_time = std::nullopt);

/// The first sample time after which every series stays within `relative` of its last value (the
/// limit has settled on a stationary state); none if the last value is 0 for a series or the
/// series are empty.
std::optional<double> settle_time(const std::vector<double>& times, const std::vector<std::vector<double>>& series,
                                  double relative = 1e-2);

}  // namespace stf::validation
