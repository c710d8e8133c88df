// Precomputed per-column and per-face values of the right-hand side (MODEL.md §1 and §3).
#include "solver/rhs_context.hpp"

namespace stf::solver {

Physics::Physics(const mesh::Grid& g, const mesh::SingularParts& p, const model::ModelParameters& m, Limiter l)
    : grid(g), parts(p), params(m), limiter(l)
{
  phi_column.resize(static_cast<std::size_t>(g.cells_u()));
  for (long i = 0; i < g.cells_u(); ++i) phi_column[static_cast<std::size_t>(i)] = m.phi(g.u_center(i));
  leak_u_face.resize(static_cast<std::size_t>(g.cells_u() + 1));
  for (long i = 0; i <= g.cells_u(); ++i) leak_u_face[static_cast<std::size_t>(i)] = m.leak_U.leak(g.u_face(i));
  leak_c_face.resize(static_cast<std::size_t>(g.cells_c() + 1));
  for (long j = 0; j <= g.cells_c(); ++j) leak_c_face[static_cast<std::size_t>(j)] = m.leak_C.leak(g.c_face(j));
  phi_at_0 = m.phi(0.0);
  phi_max_mesh = m.phi(g.u_max());
  if (m.u_reset > 0.0) reset_split = g.split_u(m.u_reset);
}

}  // namespace stf::solver
