// Exact Wasserstein-1 distances on the line (integral of the absolute difference of CDFs).
#include "validation/wasserstein.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace stf::validation {

double CellLaw::total_mass() const noexcept
{
  double m = 0.0;
  for (double v : cell_mass) m += v;
  for (const auto& a : atoms) m += a.mass;
  return m;
}

double CellLaw::mean() const
{
  const double m = total_mass();
  if (!(m > 0.0)) throw std::invalid_argument("CellLaw::mean: no mass");
  double s = 0.0;
  for (std::size_t k = 0; k < cell_mass.size(); ++k) s += cell_mass[k] * 0.5 * (edge(k) + edge(k + 1));
  for (const auto& a : atoms) s += a.mass * a.x;
  return s / m;
}

namespace {

// Integral over an interval of length len of |d(x)| where d is linear from d0 to d1.
double abs_linear_integral(double d0, double d1, double len)
{
  if ((d0 >= 0.0 && d1 >= 0.0) || (d0 <= 0.0 && d1 <= 0.0)) return 0.5 * (std::abs(d0) + std::abs(d1)) * len;
  // One sign change: two triangles.
  return 0.5 * len * (d0 * d0 + d1 * d1) / (std::abs(d0) + std::abs(d1));
}

}  // namespace

double wasserstein1(std::vector<double> sample, const CellLaw& law)
{
  if (sample.empty()) throw std::invalid_argument("wasserstein1: empty sample");
  const double total = law.total_mass();
  if (!(total > 0.0)) throw std::invalid_argument("wasserstein1: the law has no mass");
  if (law.faces.empty() ? !(law.dx > 0.0) : law.faces.size() != law.cell_mass.size() + 1)
    throw std::invalid_argument("wasserstein1: cells need a positive width or cell_mass.size() + 1 faces");
  std::sort(sample.begin(), sample.end());
  auto atoms = law.atoms;
  std::sort(atoms.begin(), atoms.end(), [](const auto& a, const auto& b) { return a.x < b.x; });

  const std::size_t cells = law.cell_mass.size();
  // Cumulative cell mass up to each edge, normalised.
  std::vector<double> edge_cdf(cells + 1, 0.0);
  for (std::size_t k = 0; k < cells; ++k) edge_cdf[k + 1] = edge_cdf[k] + law.cell_mass[k] / total;
  // Continuous part of G at x: linear inside cells, flat outside.
  auto continuous_cdf = [&](double x) {
    if (cells == 0 || x <= law.edge(0)) return 0.0;
    if (x >= law.edge(cells)) return edge_cdf[cells];
    std::size_t k = 0;
    if (law.faces.empty()) {
      k = std::min(static_cast<std::size_t>((x - law.x0) / law.dx), cells - 1);
    } else {
      k = static_cast<std::size_t>(std::upper_bound(law.faces.begin(), law.faces.end(), x) - law.faces.begin()) - 1;
      k = std::min(k, cells - 1);
    }
    const double s = (x - law.edge(k)) / (law.edge(k + 1) - law.edge(k));
    return edge_cdf[k] + s * (edge_cdf[k + 1] - edge_cdf[k]);
  };

  // Breakpoints: cell edges, atoms and sample points, merged in order.
  std::vector<double> points;
  points.reserve(cells + 1 + atoms.size() + sample.size());
  for (std::size_t k = 0; k <= cells; ++k) points.push_back(law.edge(k));
  for (const auto& a : atoms) points.push_back(a.x);
  points.insert(points.end(), sample.begin(), sample.end());
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());

  const double n = double(sample.size());
  std::size_t next_sample = 0, next_atom = 0;
  double atom_cdf = 0.0;
  double w1 = 0.0;
  for (std::size_t i = 0; i + 1 < points.size(); ++i) {
    const double a = points[i], b = points[i + 1];
    // F and the atomic part of G are right-continuous: include everything at a.
    while (next_sample < sample.size() && sample[next_sample] <= a) ++next_sample;
    while (next_atom < atoms.size() && atoms[next_atom].x <= a) atom_cdf += atoms[next_atom++].mass / total;
    const double f = double(next_sample) / n;
    const double d0 = continuous_cdf(a) + atom_cdf - f;
    const double d1 = continuous_cdf(b) + atom_cdf - f;
    w1 += abs_linear_integral(d0, d1, b - a);
  }
  return w1;
}

double wasserstein1(std::vector<double> a, std::vector<double> b)
{
  if (a.empty() || b.empty()) throw std::invalid_argument("wasserstein1: empty sample");
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<double> points(a);
  points.insert(points.end(), b.begin(), b.end());
  std::sort(points.begin(), points.end());
  std::size_t ia = 0, ib = 0;
  double w1 = 0.0;
  for (std::size_t i = 0; i + 1 < points.size(); ++i) {
    while (ia < a.size() && a[ia] <= points[i]) ++ia;
    while (ib < b.size() && b[ib] <= points[i]) ++ib;
    w1 += std::abs(double(ia) / double(a.size()) - double(ib) / double(b.size())) * (points[i + 1] - points[i]);
  }
  return w1;
}

}  // namespace stf::validation
