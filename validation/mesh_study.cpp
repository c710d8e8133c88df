// The mesh study: the limit on successively refined meshes and its observed orders.
#include "validation/mesh_study.hpp"

#include <cmath>
#include <stdexcept>

#include "validation/statistics.hpp"
#include "validation/trajectory.hpp"

namespace stf::validation {

std::vector<model::MeshSettings> mesh_sequence(const model::MeshSettings& mesh, long levels)
{
  if (levels < 2) throw std::invalid_argument("mesh_sequence: needs at least two levels");
  // How many times the calcium resolution m halves to an integer, up to levels - 1.
  long halvings = 0;
  long m = mesh.cells_per_unit_c;
  while (halvings < levels - 1 && m % 2 == 0) {
    m /= 2;
    ++halvings;
  }
  const long coarsest_m = m;
  const long factor = 1L << halvings;
  const long coarsest_u = std::max(2L, (mesh.cells_u + factor - 1) / factor);
  std::vector<model::MeshSettings> out;
  for (long l = 0; l < levels; ++l) {
    model::MeshSettings s = mesh;
    s.cells_u = coarsest_u << l;
    s.cells_per_unit_c = coarsest_m << l;
    s.c_max = std::ceil(mesh.c_max - 1e-9);
    s.u_max_auto = false;
    s.c_max_auto = false;
    out.push_back(s);
  }
  return out;
}

void analyse_mesh_levels(MeshStudy& study, const std::vector<solver::Solution>& solutions)
{
  const std::size_t n = solutions.size();
  std::vector<Trajectory> tr(n);
  for (std::size_t k = 0; k < n; ++k) tr[k] = {solutions[k].times, solutions[k].observables};
  for (auto id : compared_observables()) {
    ConvergenceRow row;
    row.quantity = std::string(model::observable_names()[static_cast<std::size_t>(id)]);
    for (std::size_t k = 0; k + 1 < n; ++k) row.differences.push_back(sup_distance(tr[k + 1], tr[k], id));
    for (std::size_t k = 0; k + 2 < n; ++k) row.orders.push_back(observed_order(row.differences[k], row.differences[k + 1]));
    for (std::size_t k = 0; k + 1 < n; ++k) row.errors.push_back(sup_distance(tr[k], tr[n - 1], id));
    study.observables.push_back(std::move(row));
  }
  bool all_exit = n > 0;
  for (const auto& s : solutions) all_exit = all_exit && s.exit_time.has_value();
  if (!all_exit) return;
  ConvergenceRow row;
  row.quantity = "exit time";
  for (std::size_t k = 0; k + 1 < n; ++k)
    row.differences.push_back(std::abs(*solutions[k + 1].exit_time - *solutions[k].exit_time));
  for (std::size_t k = 0; k + 2 < n; ++k) row.orders.push_back(observed_order(row.differences[k], row.differences[k + 1]));
  const double finest = *solutions[n - 1].exit_time;
  // Richardson needs a believable order: within [0.5, 4] (a first- to high-order scheme).
  if (!row.orders.empty() && row.orders.back() && *row.orders.back() >= 0.5 && *row.orders.back() <= 4.0)
    row.extrapolated = richardson(*solutions[n - 2].exit_time, finest, *row.orders.back());
  const double ref = row.extrapolated.value_or(finest);
  for (std::size_t k = 0; k < n; ++k) {
    if (!row.extrapolated && k + 1 == n) break;
    row.errors.push_back(std::abs(*solutions[k].exit_time - ref));
  }
  study.exit_time = std::move(row);
}

MeshStudy run_mesh_study(const model::Case& c, long levels, const solver::SolveOptions& finest_options,
                         MPI_Comm comm)
{
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  MeshStudy study;
  const auto meshes = mesh_sequence(c.mesh, levels);
  std::vector<solver::Solution> solutions;
  for (std::size_t l = 0; l < meshes.size(); ++l) {
    model::Case level_case = c;
    level_case.mesh = meshes[l];
    const bool finest = l + 1 == meshes.size();
    solver::SolveOptions o;
    if (finest) o = finest_options;
    else o.progress = finest_options.progress, o.stop = finest_options.stop;
    auto sol = solver::solve_muscl(level_case, o, comm);
    if (sol.interrupted) {  // every rank sees it: the study ends incomplete
      study.interrupted = true;
      return study;
    }
    MeshLevel m;
    m.cells_u = meshes[l].cells_u;
    m.cells_per_unit_c = meshes[l].cells_per_unit_c;
    m.cells_c = meshes[l].cells_c();
    m.du = meshes[l].u_max / double(meshes[l].cells_u);
    m.dc = 1.0 / double(meshes[l].cells_per_unit_c);
    m.exit_time = sol.exit_time;
    m.steps = sol.steps;
    m.wall_seconds = sol.wall_seconds;
    m.max_mass_error = sol.max_mass_error;
    m.lost_mass = sol.lost_u_max + sol.lost_c_max;
    study.levels.push_back(m);
    solutions.push_back(std::move(sol));
  }
  if (rank == 0) analyse_mesh_levels(study, solutions);
  study.finest = std::move(solutions.back());
  return study;
}

}  // namespace stf::validation
