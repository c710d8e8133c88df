// The initial law mu0 of MODEL.md §1: a product of two marginals on [0, inf).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace stf::model {

enum class MarginalKind { dirac, uniform, normal, exponential };

const std::vector<std::string>& marginal_kind_names();
MarginalKind marginal_kind_from_name(std::string_view name);  // throws std::invalid_argument
std::string_view to_string(MarginalKind kind);

/// One marginal on [0, inf):
///   dirac(at), uniform(min, max), normal(mean, sd) truncated to [0, inf), exponential(mean).
struct Marginal {
  MarginalKind kind = MarginalKind::dirac;
  double at = 0.0;
  double min = 0.0, max = 0.0;
  double mean = 0.0, sd = 1.0;

  bool is_dirac() const noexcept { return kind == MarginalKind::dirac; }
  /// Inverse CDF: maps a uniform p in (0, 1) to a sample (inversion keeps one draw per sample).
  double quantile(double p) const;
  double cdf(double x) const;
  /// Mean of the (truncated) law.
  double expectation() const;
  /// Smallest x with P(X > x) <= tail: the extent a mesh needs to hold the law.
  double upper_extent(double tail = 1e-12) const;
  /// Mass of the law in [a, b].
  double mass_between(double a, double b) const { return cdf(b) - cdf(a); }

  bool operator==(const Marginal&) const = default;
};

struct InitialLaw {
  Marginal U;
  Marginal C;

  bool operator==(const InitialLaw&) const = default;
};

}  // namespace stf::model
