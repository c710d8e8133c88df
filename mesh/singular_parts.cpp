// Layout of the singular parts (MODEL.md §3).
#include "mesh/singular_parts.hpp"

namespace stf::mesh {

SingularParts SingularParts::for_model(const model::ModelParameters& params, const model::InitialLaw& initial,
                                       const Grid& grid)
{
  SingularParts s;
  s.line_u0 = params.leak_U.kind == model::LeakKind::linear;
  s.line_c0 = params.leak_C.kind == model::LeakKind::linear;
  s.corner = s.line_u0 && s.line_c0;
  s.atom = initial.U.is_dirac() && initial.C.is_dirac();
  long next = 0;
  if (s.line_u0) {
    s.line_u0_offset = next;
    next += grid.cells_c();
  }
  if (s.line_c0) {
    s.line_c0_offset = next;
    next += grid.cells_u();
  }
  if (s.corner) s.corner_offset = next++;
  if (s.atom) {
    s.atom_offset = next;
    next += 3;
  }
  s.lost_u_offset = next++;
  s.lost_c_offset = next++;
  s.size = next;
  return s;
}

}  // namespace stf::mesh
