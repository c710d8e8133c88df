// Where singular mass lives (MODEL.md §3) and where it sits in the solver's small replicated
// vector: the line {u = 0} (a density in c, one value per calcium row), the line {c = 0} (one
// value per potential column), the corner (0, 0), the moving atom of a Dirac stimulus (U, C,
// weight), and the counters of mass that left through u = u_max and c = c_max.
#pragma once

#include "mesh/grid.hpp"
#include "model/initial_law.hpp"
#include "model/model_parameters.hpp"

namespace stf::mesh {

struct SingularParts {
  // Which parts exist. A linear potential leak holds mass on {u = 0} (the drift there can point
  // outward); a linear calcium leak on {c = 0}; both together at the corner. The atom exists when
  // both initial marginals are Dirac.
  bool line_u0 = false;
  bool line_c0 = false;
  bool corner = false;
  bool atom = false;

  // Offsets in the replicated vector; -1 when the part does not exist.
  long line_u0_offset = -1;  // cells_c values: mass on {u = 0} in calcium row j
  long line_c0_offset = -1;  // cells_u values: mass on {c = 0} in potential column i
  long corner_offset = -1;
  long atom_offset = -1;     // U, C, weight
  long lost_u_offset = -1;   // mass that left through u = u_max
  long lost_c_offset = -1;   // mass that jumped past c = c_max
  long size = 0;

  static SingularParts for_model(const model::ModelParameters& params, const model::InitialLaw& initial,
                                 const Grid& grid);
};

}  // namespace stf::mesh
