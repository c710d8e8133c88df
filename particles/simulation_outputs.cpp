// Output files of `stf simulate`.
#include "particles/simulation_outputs.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <optional>

#include "io/csv_table.hpp"
#include "io/output_folder.hpp"
#include "io/provenance.hpp"

namespace stf::particles {

namespace {

std::optional<double> finite_or_empty(double x)
{
  return std::isfinite(x) ? std::optional<double>(x) : std::nullopt;
}

// Quantile of sorted data by linear interpolation between order statistics (type 7).
double quantile_sorted(const std::vector<double>& v, double q)
{
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

}  // namespace

std::string observables_csv(const EnsembleResult& r)
{
  std::vector<std::string> columns{"t"};
  for (auto name : model::observable_names()) {
    columns.push_back(std::string(name) + "_mean");
    columns.push_back(std::string(name) + "_stderr");
  }
  io::CsvTable table(columns);
  for (std::size_t s = 0; s < r.mean.size(); ++s) {
    std::vector<std::optional<double>> row{r.times[s]};
    for (std::size_t j = 0; j < model::observable_count; ++j) {
      row.push_back(r.mean[s].values[j]);
      row.push_back(finite_or_empty(r.stderr_[s].values[j]));
    }
    table.add_row(row);
  }
  return table.str();
}

std::string exit_times_csv(const EnsembleResult& r)
{
  io::CsvTable table({"replica", "exit_time"});
  for (std::size_t k = 0; k < r.replicas.size(); ++k)
    table.add_row(std::vector<std::optional<double>>{static_cast<double>(k), r.replicas[k].exit_time});
  return table.str();
}

std::string spikes_csv(const EnsembleResult& r)
{
  std::string text = "replica,t,neuron\n";
  for (std::size_t k = 0; k < r.replicas.size(); ++k)
    for (const auto& [t, i] : r.replicas[k].raster) text += fmt::format("{},{},{}\n", k, t, i);
  return text;
}

std::string trajectories_csv(const EnsembleResult& r)
{
  std::vector<std::string> columns{"replica", "t"};
  for (auto name : model::observable_names()) columns.emplace_back(name);
  io::CsvTable table(columns);
  for (std::size_t k = 0; k < r.replicas.size(); ++k)
    for (std::size_t s = 0; s < r.replicas[k].observables.size() && s < r.times.size(); ++s) {
      std::vector<double> row{static_cast<double>(k), r.times[s]};
      row.insert(row.end(), r.replicas[k].observables[s].values.begin(), r.replicas[k].observables[s].values.end());
      table.add_row(row);
    }
  return table.str();
}

std::string summary_json(const model::Case& c, const SimulationOptions& o, const EnsembleResult& r)
{
  std::vector<double> exits;
  for (const auto& rep : r.replicas)
    if (rep.exit_time) exits.push_back(*rep.exit_time);
  std::sort(exits.begin(), exits.end());
  nlohmann::json j;
  j["case"] = c.name;
  j["method"] = o.stepped_dt > 0.0 ? fmt::format("time-stepped (dt = {})", o.stepped_dt) : "exact";
  j["neurons"] = o.neurons;
  j["replicas"] = o.replicas;
  j["replicas_completed"] = r.replicas.size();
  j["seed"] = o.seed;
  j["ranks"] = r.ranks;
  nlohmann::json e;
  const auto completed = static_cast<double>(r.replicas.size());
  e["fraction_exited"] = completed > 0 ? static_cast<double>(exits.size()) / completed : 0.0;
  e["count"] = exits.size();
  if (!exits.empty()) {
    double mean = 0.0;
    for (double x : exits) mean += x;
    mean /= static_cast<double>(exits.size());
    double ss = 0.0;
    for (double x : exits) ss += (x - mean) * (x - mean);
    e["mean"] = mean;
    if (exits.size() > 1) {
      const double sd = std::sqrt(ss / static_cast<double>(exits.size() - 1));
      e["std"] = sd;
      e["stderr"] = sd / std::sqrt(static_cast<double>(exits.size()));
    } else {
      e["std"] = nullptr;
      e["stderr"] = nullptr;
    }
    nlohmann::json q;
    // Keys as in report.json: "q05", "q25", "q50", "q75", "q95".
    for (double p : {0.05, 0.25, 0.5, 0.75, 0.95})
      q[fmt::format("q{:02d}", static_cast<int>(std::lround(100.0 * p)))] = quantile_sorted(exits, p);
    e["quantiles"] = q;
  } else {
    e["mean"] = nullptr;
    e["std"] = nullptr;
    e["stderr"] = nullptr;
    e["quantiles"] = nlohmann::json::object();
  }
  j["exit_time"] = e;
  j["total_spikes"] = r.total_spikes;
  // Spikes per thinning proposal: how tight the rate bounds were (null for the stepped reference).
  if (r.total_proposals > 0) j["acceptance"] = static_cast<double>(r.total_spikes) / static_cast<double>(r.total_proposals);
  else j["acceptance"] = nullptr;
  j["wall_seconds"] = r.wall_seconds;
  j["spikes_per_second"] = r.wall_seconds > 0.0 ? static_cast<double>(r.total_spikes) / r.wall_seconds : 0.0;
  j["interrupted"] = r.interrupted;
  j["stf_version"] = io::stf_version;
  j["stf_git_hash"] = io::stf_git_hash;
  return j.dump(2) + "\n";
}

void write_simulation_outputs(const model::Case& c, const SimulationOptions& o, const EnsembleResult& r,
                              const std::filesystem::path& folder)
{
  io::write_text_file(folder / "observables.csv", observables_csv(r));
  io::write_text_file(folder / "exit_times.csv", exit_times_csv(r));
  io::write_text_file(folder / "summary.json", summary_json(c, o, r));
  if (o.raster_replicas > 0) io::write_text_file(folder / "spikes.csv", spikes_csv(r));
  if (o.trajectories) io::write_text_file(folder / "trajectories.csv", trajectories_csv(r));
}

}  // namespace stf::particles
