// Grid geometry (MODEL.md §3).
#include "mesh/grid.hpp"

#include <stdexcept>
#include <string>

namespace stf::mesh {

Grid::Grid(const model::MeshSettings& mesh) : Grid(mesh.u_max, mesh.cells_u, mesh.cells_per_unit_c, mesh.cells_c()) {}

Grid::Grid(double u_max, long cells_u, long cells_per_unit_c, long cells_c)
    : u_max_(u_max), cells_u_(cells_u), cells_c_(cells_c), m_(cells_per_unit_c)
{
  if (!(u_max > 0.0) || !std::isfinite(u_max))
    throw std::invalid_argument("mesh.u_max must be positive and finite, not " + std::to_string(u_max));
  if (cells_u < 2) throw std::invalid_argument("mesh.cells_u must be at least 2");
  if (cells_per_unit_c < 1) throw std::invalid_argument("mesh.cells_per_unit_c must be at least 1");
  if (cells_c < 2) throw std::invalid_argument("the calcium extent must hold at least 2 cells");
  du_ = u_max / double(cells_u);
  dc_ = 1.0 / double(cells_per_unit_c);
}

}  // namespace stf::mesh
