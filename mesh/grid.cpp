// Grid geometry (MODEL.md §3).
#include "mesh/grid.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace stf::mesh {

Grid::Grid(const model::MeshSettings& mesh)
    : Grid(mesh.u_max, mesh.cells_u, mesh.cells_per_unit_c, mesh.cells_c(), mesh.stretch)
{
}

Grid::Grid(double u_max, long cells_u, long cells_per_unit_c, long cells_c, double stretch)
    : u_max_(u_max), cells_u_(cells_u), cells_c_(cells_c), m_(cells_per_unit_c), stretch_(stretch)
{
  if (!(u_max > 0.0) || !std::isfinite(u_max))
    throw std::invalid_argument("mesh.u_max must be positive and finite, not " + std::to_string(u_max));
  if (cells_u < 2) throw std::invalid_argument("mesh.cells_u must be at least 2");
  if (cells_per_unit_c < 1) throw std::invalid_argument("mesh.cells_per_unit_c must be at least 1");
  if (cells_c < 2) throw std::invalid_argument("the calcium extent must hold at least 2 cells");
  if (!(stretch >= 1.0) || !std::isfinite(stretch))
    throw std::invalid_argument("mesh.stretch must be at least 1, not " + std::to_string(stretch));
  du_ = u_max / double(cells_u);
  dc_ = 1.0 / double(cells_per_unit_c);
  // Faces u_k = l (s^(k/N) - 1) with l = u_max / (s - 1): widths grow by the constant factor
  // s^(1/N) from cell to cell (a smooth mapping of a uniform mesh, so the limited reconstruction
  // keeps its second order), and the width at u_max is s times that at 0.
  u_faces_.resize(static_cast<std::size_t>(cells_u + 1));
  const double n = double(cells_u);
  for (long k = 0; k <= cells_u; ++k) {
    const double x = double(k) / n;
    u_faces_[static_cast<std::size_t>(k)] =
        stretch == 1.0 ? u_max * x : u_max * std::expm1(x * std::log(stretch)) / (stretch - 1.0);
  }
  u_faces_.front() = 0.0;
  u_faces_.back() = u_max;
}

CellSplit Grid::split_u(double u) const noexcept
{
  if (uniform_u()) return split(u, du_, cells_u_);
  CellSplit s;
  const long n = cells_u_;
  if (u > u_max_) {
    s.outside = true;
    s.first = n - 1;
    return s;
  }
  if (u <= u_center(0)) return s;
  if (u >= u_center(n - 1)) {
    s.first = n - 1;
    return s;
  }
  // The last column whose centre lies at or below u (centres increase with i).
  long lo = 0, hi = n - 1;
  while (hi - lo > 1) {
    const long mid = (lo + hi) / 2;
    (u_center(mid) <= u ? lo : hi) = mid;
  }
  s.first = lo;
  s.w_first = (u_center(lo + 1) - u) / (u_center(lo + 1) - u_center(lo));
  return s;
}

}  // namespace stf::mesh
