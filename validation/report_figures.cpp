// The report's figures from its data: density heatmaps with a particle cloud, observables over
// time, log-log convergence in N and in the mesh size, exit-time histograms.
#include <algorithm>
#include <cmath>
#include <fmt/core.h>

#include "validation/report.hpp"
#include "validation/work_precision.hpp"

namespace stf::validation {

namespace {

std::string name_of(model::ObservableId id) { return std::string(model::observable_names()[std::size_t(id)]); }

const solver::DensitySnapshot* snapshot_at(const solver::Solution& s, double t)
{
  for (const auto& snap : s.snapshots)
    if (std::abs(snap.t - t) <= 1e-9 * std::max(1.0, std::abs(t))) return &snap;
  return nullptr;
}


/// The largest network of the particle study, if any (its replica 0 is drawn over the density).
const ParticleLevel* largest_network(const ReportData& data)
{
  return data.particles.levels.empty() ? nullptr : &data.particles.levels.back();
}

/// Density of the limit at each report time, with one replica of the largest network overlaid.
void density_figures(const ReportData& data, const FigureFolders& folder, std::vector<FigureFile>& figs)
{
  const ParticleLevel* largest = largest_network(data);
  for (std::size_t k = 0; k < data.sizes.times.size(); ++k) {
    const double t = data.sizes.times[k];
    const auto* snap = snapshot_at(data.mesh.finest, t);
    if (!snap) continue;
    HeatmapData h;
    h.title = fmt::format("limit density at t = {:.4g}{}", t,
                          largest ? fmt::format(", particles: N = {}", largest->neurons) : std::string());
    h.cells_u = snap->cells_u;
    h.cells_c = snap->cells_c;
    h.du = snap->du;
    h.dc = snap->dc;
    h.c0 = -snap->c_shift;  // linear calcium leak: the rows have moved down with the flow
    h.cell_mass = snap->cell_mass;
    if (snap->u_faces.size() == std::size_t(snap->cells_u + 1)) {
      // Stretched potential cells: the picture samples the density on uniform columns (four per
      // stretched cell on average), each taking the density of the cell that holds its centre.
      const long columns = 4 * snap->cells_u;
      const double width = snap->u_faces.back() / double(columns);
      h.cells_u = columns;
      h.du = width;
      h.cell_mass.assign(std::size_t(columns * snap->cells_c), 0.0);
      for (long i = 0; i < columns; ++i) {
        const double u = (double(i) + 0.5) * width;
        auto cell = long(std::upper_bound(snap->u_faces.begin(), snap->u_faces.end(), u) - snap->u_faces.begin()) - 1;
        cell = std::clamp(cell, 0L, snap->cells_u - 1);
        const double cell_width = snap->u_faces[std::size_t(cell + 1)] - snap->u_faces[std::size_t(cell)];
        for (long j = 0; j < snap->cells_c; ++j)
          h.cell_mass[std::size_t(j * columns + i)] = snap->cell_mass[std::size_t(j * snap->cells_u + cell)] * width / cell_width;
      }
    }
    for (const auto& a : snap->atoms)
      if (a.weight > 1e-9) h.atoms.push_back({a.u, a.c, a.weight});  // atoms that still hold mass
    if (largest)
      for (const auto& s : largest->cloud)
        if (std::abs(s.t - t) <= 1e-9 * std::max(1.0, std::abs(t))) {
          h.cloud_u = s.U;
          h.cloud_c = s.C;
        }
    figs.push_back(plot_density_heatmap(
        folder, fmt::format("density_{}", k), h,
        fmt::format("Limit density rho_t over (u, c) at t = {:.4g} (colour: log10 of the cell density; circles: "
                    "point atoms of the limit, the never-spiked mass of a Dirac stimulus), with the neurons of one "
                    "replica of the largest network overlaid.",
                    t)));
  }
}

/// Each compared observable over time: the limit against the particle means with their bands.
void observable_figures(const ReportData& data, const FigureFolders& folder, std::vector<FigureFile>& figs)
{
  const auto& levels = data.particles.levels;
  for (auto id : {model::ObservableId::rate, model::ObservableId::mean_calcium, model::ObservableId::mean_potential,
                  model::ObservableId::drive}) {
    TimeSeriesFigure f;
    f.title = name_of(id) + " over time";
    f.ylabel = name_of(id);
    f.t = data.limit.trajectory.times;
    for (const auto& o : data.limit.trajectory.observables) f.limit.push_back(o[id]);
    f.limit_label = "limit (finest mesh)";
    for (const auto& l : levels) {
      TimeSeriesFigure::Band b;
      b.label = fmt::format("N = {}", l.neurons);
      b.t = l.mean.times;
      for (std::size_t i = 0; i < l.mean.observables.size(); ++i) {
        b.mean.push_back(l.mean.observables[i][id]);
        b.stderr_.push_back(i < l.stderr_.size() ? l.stderr_[i][id] : 0.0);
      }
      f.bands.push_back(std::move(b));
    }
    f.vertical_line = data.limit.exit_time;
    figs.push_back(plot_time_series(folder, "observable_" + name_of(id), f,
                                    fmt::format("{}: the limit against the mean over replicas for each N, with a "
                                                "band of +-2 standard errors of that mean.",
                                                name_of(id))));
  }
}

/// One log-log series per fit of `family`, against N (the fits' subjects are the labels).
std::vector<LogLogFigure::Series> fit_series(const ReportData& data, FitFamily family)
{
  const auto& levels = data.particles.levels;
  std::vector<LogLogFigure::Series> out;
  for (const auto& f : data.particles.fits) {
    if (f.family != family) continue;
    LogLogFigure::Series ser;
    ser.label = f.subject;
    for (std::size_t i = 0; i < levels.size() && i < f.values.size(); ++i) {
      ser.x.push_back(double(levels[i].neurons));
      ser.y.push_back(f.values[i]);
    }
    bool positive = false;
    for (double v : ser.y) positive = positive || v > 0.0;
    if (positive) out.push_back(std::move(ser));
  }
  return out;
}

/// The log-log figure of one fit family against N, if it has data.
void convergence_figure(const ReportData& data, const FigureFolders& folder, std::vector<FigureFile>& figs,
                        FitFamily family, const std::string& stem, LogLogFigure figure, const std::string& caption)
{
  figure.series = fit_series(data, family);
  if (!figure.series.empty()) figs.push_back(plot_log_log(folder, stem, figure, caption));
}

/// Convergence in N: fluctuations, distance to the limit, Wasserstein distances, exit times.
void convergence_in_n_figures(const ReportData& data, const FigureFolders& folder, std::vector<FigureFile>& figs)
{
  if (data.particles.levels.size() < 2) return;
  convergence_figure(data, folder, figs, FitFamily::fluctuation, "fluctuations",
                     {"fluctuations across replicas", "neurons N", "sup over time of the standard deviation", {}, {-0.5}},
                     "Standard deviation across replicas (sup over time) against N, with the reference slope -1/2 "
                     "of the central limit theorem.");
  convergence_figure(data, folder, figs, FitFamily::error, "errors",
                     {"distance of the particle mean to the limit", "neurons N", "sup over time of |mean - limit|", {},
                      {-0.5, -1.0}},
                     "Sup over time of |ensemble mean - limit| against N. It contains the bias, of order 1/N, and the "
                     "noise of the mean over R replicas, of order (N R)^(-1/2).");
  convergence_figure(data, folder, figs, FitFamily::wasserstein, "wasserstein",
                     {"Wasserstein-1 distance of the marginals", "neurons N", "W1 (mean over times and replicas)", {},
                      {-0.5}},
                     "W1 distance between one replica's empirical marginal and the limit's, averaged over the "
                     "snapshot times and the recorded replicas.");
  convergence_figure(data, folder, figs, FitFamily::exit_time, "exit_convergence",
                     {"exit time against N", "neurons N", "exit time", {}, {-0.5}},
                     "Standard deviation of the exit time and |mean exit time - limit exit time| against N.");
}

/// Mesh convergence: differences between successive meshes against the finer mesh's du.
void mesh_convergence_figure(const ReportData& data, const FigureFolders& folder, std::vector<FigureFile>& figs)
{
  if (data.mesh.levels.size() < 2) return;
  LogLogFigure fm{"mesh study: differences between successive meshes", "potential cell width du of the finer mesh",
                  "sup over time of |q_{h/2} - q_h|", {}, {1.0, 2.0}};
  for (const auto& row : data.mesh.observables) {
    LogLogFigure::Series s;
    s.label = row.quantity;
    for (std::size_t k = 0; k < row.differences.size(); ++k) {
      s.x.push_back(data.mesh.levels[k + 1].du);
      s.y.push_back(row.differences[k]);
    }
    bool positive = false;
    for (double v : s.y) positive = positive || v > 0.0;
    if (positive) fm.series.push_back(std::move(s));
  }
  if (data.mesh.exit_time) {
    LogLogFigure::Series s;
    s.label = "exit time";
    for (std::size_t k = 0; k < data.mesh.exit_time->differences.size(); ++k) {
      s.x.push_back(data.mesh.levels[k + 1].du);
      s.y.push_back(data.mesh.exit_time->differences[k]);
    }
    bool positive = false;
    for (double v : s.y) positive = positive || v > 0.0;
    if (positive) fm.series.push_back(std::move(s));
  }
  if (!fm.series.empty())
    figs.push_back(plot_log_log(folder, "mesh_convergence", fm,
                                "Differences between the limit on successive meshes (h and h/2 in both u and c) "
                                "against the cell width, with reference slopes 1 and 2."));
}

/// Work against precision: each level's wall time and exit-time error, for both schemes.
void work_precision_figure(const ReportData& data, const FigureFolders& folder, std::vector<FigureFile>& figs)
{
  const WorkPrecision w = work_precision(data);
  LogLogFigure f{"work against precision of the limit's exit time", "wall time of the level (s)",
                 "|exit time - reference|", {}, {}};
  auto series = [&](const std::string& label, const std::vector<WorkPrecisionPoint>& points) {
    LogLogFigure::Series s;
    s.label = label;
    for (const auto& p : points)
      if (p.error && *p.error > 0.0 && p.wall_seconds > 0.0) {
        s.x.push_back(p.wall_seconds);
        s.y.push_back(*p.error);
      }
    if (!s.x.empty()) f.series.push_back(std::move(s));
  };
  series("characteristic (levels)", w.characteristic);
  series("MUSCL (meshes)", w.muscl);
  if (!f.series.empty())
    figs.push_back(plot_log_log(folder, "work_precision", f,
                                "Each level of the two schemes: wall time against the error of its exit time, "
                                "measured from the finest characteristic level (whose own point is its error "
                                "estimate)."));
}

/// Exit-time histograms of each network size, with the limit's exit time.
void exit_time_figure(const ReportData& data, const FigureFolders& folder, std::vector<FigureFile>& figs)
{
  const auto& levels = data.particles.levels;
  HistogramFigure fh;
  fh.title = "exit times of the replicas";
  fh.xlabel = "exit time";
  bool any_exit = false;
  for (const auto& l : levels) any_exit = any_exit || !l.exit.values.empty();
  if (any_exit) {
    for (const auto& l : levels) {
      if (l.exit.values.empty()) continue;
      // Bins over each size's own range: the spread shrinks like N^(-1/2), so common bins would put
      // the largest network into one bin.
      fh.series.push_back({fmt::format("N = {} ({} of {} exited)", l.neurons, l.exit.exited, l.exit.replicas),
                           make_histogram(l.exit.values, 5, 20)});
    }
    fh.reference = data.limit.exit_time;
    fh.reference_label = "limit";
    figs.push_back(plot_histograms(folder, "exit_times", fh,
                                   "Distribution of the exit time from the memory region for each N, with the limit's "
                                   "exit time (dashed)."));
  }
}

}  // namespace

std::vector<FigureFile> make_report_figures(const ReportData& data, const FigureFolders& folder)
{
  std::vector<FigureFile> figs;
  density_figures(data, folder, figs);
  observable_figures(data, folder, figs);
  convergence_in_n_figures(data, folder, figs);
  mesh_convergence_figure(data, folder, figs);
  work_precision_figure(data, folder, figs);
  exit_time_figure(data, folder, figs);
  return figs;
}

}  // namespace stf::validation
