// Marginals of the limit's density snapshots (MODEL.md §3: cells, singular lines and atoms).
#include "validation/limit_reference.hpp"

namespace stf::validation {

CellLaw potential_marginal(const solver::DensitySnapshot& s)
{
  CellLaw law;
  law.x0 = 0.0;
  law.dx = s.du;
  law.faces = s.u_faces;  // stretched potential cells (mesh.stretch > 1)
  law.cell_mass.assign(static_cast<std::size_t>(s.cells_u), 0.0);
  for (long j = 0; j < s.cells_c; ++j)
    for (long i = 0; i < s.cells_u; ++i) law.cell_mass[std::size_t(i)] += s.cell_mass[std::size_t(j * s.cells_u + i)];
  for (std::size_t i = 0; i < s.line_c0.size() && i < law.cell_mass.size(); ++i) law.cell_mass[i] += s.line_c0[i];
  double on_u0 = s.corner;
  for (double m : s.line_u0) on_u0 += m;
  if (on_u0 > 0.0) law.atoms.push_back({0.0, on_u0});
  for (const auto& a : s.atoms)
    if (a.weight > 0.0) law.atoms.push_back({a.u, a.weight});
  return law;
}

CellLaw calcium_marginal(const solver::DensitySnapshot& s)
{
  CellLaw law;
  // With a linear calcium leak the rows move down with the flow: row j starts at j dc - c_shift.
  law.x0 = -s.c_shift;
  law.dx = s.dc;
  law.cell_mass.assign(static_cast<std::size_t>(s.cells_c), 0.0);
  for (long j = 0; j < s.cells_c; ++j)
    for (long i = 0; i < s.cells_u; ++i) law.cell_mass[std::size_t(j)] += s.cell_mass[std::size_t(j * s.cells_u + i)];
  for (std::size_t j = 0; j < s.line_u0.size() && j < law.cell_mass.size(); ++j) law.cell_mass[j] += s.line_u0[j];
  double on_c0 = s.corner;
  for (double m : s.line_c0) on_c0 += m;
  if (on_c0 > 0.0) law.atoms.push_back({0.0, on_c0});
  for (const auto& a : s.atoms)
    if (a.weight > 0.0) law.atoms.push_back({a.c, a.weight});
  return law;
}

LimitReference limit_reference(const solver::Solution& solution)
{
  LimitReference r;
  r.trajectory.times = solution.times;
  r.trajectory.observables = solution.observables;
  r.exit_time = solution.exit_time;
  for (const auto& s : solution.snapshots) {
    const auto u = potential_marginal(s);
    const auto c = calcium_marginal(s);
    if (u.total_mass() > 0.0 && c.total_mass() > 0.0) r.marginals.push_back({s.t, u, c});
  }
  return r;
}

}  // namespace stf::validation
