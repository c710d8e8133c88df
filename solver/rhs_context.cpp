// Precomputed per-column and per-face values of the right-hand side (MODEL.md §1 and §3).
#include "solver/rhs_context.hpp"

#include <algorithm>

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
  const long n = g.cells_u();
  auto width = [&](long i) { return g.du(std::clamp(i, 0L, n - 1)); };
  auto centre = [&](long i) {
    // Ghost columns mirror the boundary column's width outward.
    if (i < 0) return g.u_center(0) + double(i) * g.du(0);
    if (i >= n) return g.u_center(n - 1) + double(i - n + 1) * g.du(n - 1);
    return g.u_center(i);
  };
  inv_du_padded.resize(static_cast<std::size_t>(n + 4));
  geometry_padded.resize(static_cast<std::size_t>(n + 4));
  for (long i = -2; i < n + 2; ++i) {
    const double h = width(i);
    inv_du_padded[static_cast<std::size_t>(i + 2)] = 1.0 / h;
    CellGeometry& geo = geometry_padded[static_cast<std::size_t>(i + 2)];
    if (g.uniform_u()) continue;  // exactly 1/2, 1/2, 1/4
    geo.l = 0.5 * h / (centre(i) - centre(i - 1));
    geo.r = 0.5 * h / (centre(i + 1) - centre(i));
    geo.c = 0.5 * h / (centre(i + 1) - centre(i - 1));
  }
  face_inv_width.resize(static_cast<std::size_t>(n + 1));
  for (long i = 0; i <= n; ++i) face_inv_width[static_cast<std::size_t>(i)] = 1.0 / std::min(width(i - 1), width(i));
  phi_at_0 = m.phi(0.0);
  calcium_frame = p.line_c0;
  beta = m.leak_C.rate;
  phi_max_mesh = m.phi(g.u_max());
  if (m.u_reset > 0.0) reset_split = g.split_u(m.u_reset);
}

}  // namespace stf::solver
