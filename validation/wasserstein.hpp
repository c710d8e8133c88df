// Wasserstein-1 distance between an empirical sample on the line and a limit marginal given as
// masses in the cells of a grid (uniform or with given faces; spread uniformly inside each cell)
// plus point atoms:
// the potential and calcium marginals of the limit density rho_t (MODEL.md §3) against those of
// the N neurons.
#pragma once

#include <vector>

namespace stf::validation {

/// A law on the line: `cell_mass[k]` spread uniformly over [edge(k), edge(k + 1)], plus atoms.
/// The masses need not sum to one: the distance is taken to the law divided by its total mass
/// (the limit may have lost a tolerated sliver of mass through the far edges of its mesh).
struct CellLaw {
  double x0 = 0.0;
  double dx = 1.0;
  std::vector<double> faces;  // if not empty: the cell_mass.size() + 1 edges of non-uniform cells
  std::vector<double> cell_mass;
  struct Atom {
    double x, mass;
  };
  std::vector<Atom> atoms;

  double total_mass() const noexcept;
  /// Edge k of the cells: faces[k], or x0 + k dx for uniform cells.
  double edge(std::size_t k) const noexcept { return faces.empty() ? x0 + double(k) * dx : faces[k]; }
  /// Mean of the normalised law (cells contribute their midpoints).
  double mean() const;
};

/// W1 = integral over the line of |F(x) - G(x)|, F the empirical CDF of `sample`, G the CDF of the
/// normalised `law`. Exact: G is linear inside cells and F constant between sample points, so the
/// integral is evaluated in closed form on each piece. Throws std::invalid_argument if the sample
/// is empty or the law has no positive mass.
double wasserstein1(std::vector<double> sample, const CellLaw& law);

/// W1 between two empirical samples (the integral of |F1 - F2|), for tests and between replicas.
double wasserstein1(std::vector<double> a, std::vector<double> b);

}  // namespace stf::validation
