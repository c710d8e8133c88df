// Equal-width histograms.
#include "validation/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace stf::validation {

std::vector<double> Histogram::density() const
{
  long total = outside;
  for (long c : counts) total += c;
  std::vector<double> d(counts.size(), 0.0);
  if (total == 0) return d;
  for (std::size_t k = 0; k < counts.size(); ++k)
    d[k] = double(counts[k]) / (double(total) * (edges[k + 1] - edges[k]));
  return d;
}

Histogram make_histogram(const std::vector<double>& x, long bins, double lo, double hi)
{
  if (bins < 1) throw std::invalid_argument("make_histogram: bins must be at least 1");
  if (!(lo < hi)) throw std::invalid_argument("make_histogram: empty range");
  Histogram h;
  h.edges.resize(static_cast<std::size_t>(bins) + 1);
  for (long k = 0; k <= bins; ++k) h.edges[std::size_t(k)] = lo + (hi - lo) * double(k) / double(bins);
  h.edges.back() = hi;
  h.counts.assign(static_cast<std::size_t>(bins), 0);
  for (double v : x) {
    if (!(v >= lo && v <= hi)) {
      ++h.outside;
      continue;
    }
    auto k = static_cast<long>(std::floor((v - lo) / (hi - lo) * double(bins)));
    k = std::clamp(k, 0L, bins - 1);
    ++h.counts[std::size_t(k)];
  }
  return h;
}

Histogram make_histogram(const std::vector<double>& x, long min_bins, long max_bins)
{
  if (x.empty()) return make_histogram(x, min_bins, 0.0, 1.0);
  const auto [mn, mx] = std::minmax_element(x.begin(), x.end());
  double lo = *mn, hi = *mx;
  if (!(lo < hi)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const long bins = std::clamp(static_cast<long>(std::ceil(std::sqrt(double(x.size())))), min_bins, max_bins);
  return make_histogram(x, bins, lo, hi);
}

}  // namespace stf::validation
