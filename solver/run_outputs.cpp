// Writing a run's outputs (MODEL.md §2 observables; the resolved case for reruns).
#include "solver/run_outputs.hpp"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "io/csv_table.hpp"
#include "io/output_folder.hpp"
#include "io/provenance.hpp"
#include "mesh/grid.hpp"
#include "model/case_reader.hpp"

namespace stf::solver {

std::string summary_json(const model::Case& c, const Solution& s, const RunInfo& info)
{
  nlohmann::ordered_json j;
  j["case"] = c.name;
  j["source"] = c.source.string();
  j["stf_version"] = io::stf_version;
  j["stf_git_hash"] = io::stf_git_hash;
  j["scheme"] = s.scheme;
  j["resolution"] = s.resolution;
  if (s.scheme == "muscl") {
    const mesh::Grid g(c.mesh);
    j["mesh"] = {{"u_max", g.u_max()},   {"c_max", g.c_max()},           {"cells_u", g.cells_u()},
                 {"cells_c", g.cells_c()}, {"cells_per_unit_c", g.cells_per_unit_c()}, {"du", g.du()},
                 {"stretch", g.stretch()}, {"du_min", g.du(0)}, {"dc", g.dc()},         {"cells", g.cells()}};
    j["solver"] = {{"ts_type", s.ts_type}, {"limiter", c.solver.limiter}, {"cfl", c.solver.cfl}, {"ranks", info.ranks},
                   {"petsc_options", info.petsc_args}};
  } else {
    j["solver"] = {{"time_stepper", s.ts_type}, {"largest_cell_count", s.cells}, {"ranks", info.ranks}};
  }
  j["steps"] = s.steps;
  j["rhs_evaluations"] = s.rhs_evaluations;
  if (s.exit_time)
    j["exit_time"] = *s.exit_time;
  else
    j["exit_time"] = nullptr;
  if (s.accuracy) {
    const auto& a = *s.accuracy;
    auto optional = [](const std::optional<double>& x) { return x ? nlohmann::json(*x) : nlohmann::json(nullptr); };
    j["exit_time_error"] = optional(a.exit_time_error);
    nlohmann::ordered_json acc;
    acc["tolerance"] = a.tolerance;
    acc["converged"] = a.converged;
    if (!a.converged) acc["stop_reason"] = a.stop_reason;
    acc["exit_time_error"] = optional(a.exit_time_error);
    acc["exit_time_order"] = optional(a.exit_time_order);
    acc["exit_time_extrapolated"] = a.exit_time_extrapolated;
    nlohmann::ordered_json obs;
    for (std::size_t k = 0; k < model::observable_count; ++k)
      obs[std::string(model::observable_names()[k])] = {{"error", a.observable_error[k]},
                                                         {"scale", a.observable_scale[k]},
                                                         {"order", optional(a.observable_order[k])},
                                                         {"extrapolated", a.observable_extrapolated[k]}};
    acc["observables"] = obs;
    nlohmann::ordered_json levels = nlohmann::json::array();
    for (const auto& l : a.levels)
      levels.push_back({{"level", l.level}, {"resolution", l.resolution}, {"cells", l.cells}, {"steps", l.steps},
                        {"wall_seconds", l.wall_seconds}, {"exit_time", optional(l.exit_time)}});
    acc["levels"] = levels;
    j["accuracy"] = acc;
  }
  j["sample_interval"] = c.time.sample;
  j["max_mass_error"] = s.max_mass_error;
  j["lost_mass"] = {{"u_max", s.lost_u_max}, {"c_max", s.lost_c_max}, {"tolerance", c.solver.lost_mass_tolerance}};
  j["wall_seconds"] = s.wall_seconds;
  j["cell_stage_updates_per_second"] = s.cell_stage_updates_per_second;
  return j.dump(2) + "\n";
}

void write_run_outputs(const std::filesystem::path& folder, const model::Case& c, const Solution& s,
                       const RunInfo& info)
{
  std::vector<std::string> columns{"t"};
  for (auto name : model::observable_names()) columns.emplace_back(name);
  io::CsvTable table(columns);
  for (std::size_t k = 0; k < s.times.size(); ++k) {
    std::vector<double> row{s.times[k]};
    row.insert(row.end(), s.observables[k].values.begin(), s.observables[k].values.end());
    table.add_row(row);
  }
  table.write(folder / "observables.csv");
  io::write_text_file(folder / "summary.json", summary_json(c, s, info));
  io::write_text_file(folder / "case.toml", model::to_toml(c));
  if (!s.snapshots.empty()) {
    nlohmann::ordered_json list = nlohmann::json::array();
    for (std::size_t k = 0; k < s.snapshots.size(); ++k) {
      const auto& snap = s.snapshots[k];
      nlohmann::ordered_json e;
      e["t"] = snap.t;
      e["file"] = fmt::format("density_{:04d}.vts", k);
      e["line_u0"] = snap.line_u0;
      e["line_c0"] = snap.line_c0;
      e["corner"] = snap.corner;
      nlohmann::json atoms = nlohmann::json::array();
      for (const auto& a : snap.atoms) atoms.push_back({{"u", a.u}, {"c", a.c}, {"weight", a.weight}});
      e["atoms"] = atoms;
      e["lost"] = snap.lost;
      list.push_back(e);
    }
    std::filesystem::create_directories(folder / "snapshots");
    io::write_text_file(folder / "snapshots" / "snapshots.json", list.dump(1) + "\n");
  }
}

}  // namespace stf::solver
