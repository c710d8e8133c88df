// Histograms of samples (exit times of the replicas) on equal-width bins.
#pragma once

#include <vector>

namespace stf::validation {

struct Histogram {
  std::vector<double> edges;  // bins + 1 increasing edges
  std::vector<long> counts;   // counts[k]: samples in [edges[k], edges[k+1]) (the last bin is closed)
  long outside = 0;           // samples outside [edges.front(), edges.back()]
  /// counts[k] / (total * width): integrates to the fraction inside.
  std::vector<double> density() const;
};

/// Equal-width bins over [lo, hi]; throws std::invalid_argument unless bins >= 1 and lo < hi.
Histogram make_histogram(const std::vector<double>& x, long bins, double lo, double hi);

/// Bins over the sample's own range (widened by half a unit around a single repeated value),
/// with sqrt(n) bins clamped to [min_bins, max_bins].
Histogram make_histogram(const std::vector<double>& x, long min_bins = 5, long max_bins = 40);

}  // namespace stf::validation
