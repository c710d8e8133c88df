// The report's figures from its data: density heatmaps with a particle cloud, observables over
// time, log-log convergence in N and in the mesh size, exit-time histograms, and the exit-time law
// at finite N (bias, spread, standardised and scaled distribution functions, growth).
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

// ---- The exit-time law at finite N (MODEL.md §4): bias, spread, shape ----

using Style = CurveFigure::Style;

std::string interval_text(double value, double low, double high)
{
  return fmt::format("{:.4g} [{:.4g}, {:.4g}]", value, low, high);
}

/// A distribution function as a step curve from 0 at its first value, with at most max_steps of
/// its steps, evenly spaced in rank (the last kept): 10^5 steps draw the picture that 10^3 draw, in
/// a hundredth of the CSV, and F is off by at most 1 / max_steps between the kept steps.
CurveFigure::Curve cdf_curve(const std::string& label, const std::vector<CdfStep>& steps, std::size_t max_steps = 1000)
{
  CurveFigure::Curve c{.label = label, .style = Style::steps};
  if (steps.empty()) return c;
  c.x.push_back(steps.front().t);
  c.y.push_back(0.0);
  const std::size_t n = steps.size(), kept = std::min(n, max_steps);
  for (std::size_t k = 0; k < kept; ++k) {
    const std::size_t i = kept == 1 ? n - 1 : (k * (n - 1) + (kept - 1) / 2) / (kept - 1);
    c.x.push_back(steps[i].t);
    c.y.push_back(steps[i].cdf);
  }
  return c;
}

/// A function of x drawn as a line over [x_low, x_high] (points evenly spaced, or in log x).
template <class F>
CurveFigure::Curve sampled_line(const std::string& label, double x_low, double x_high, F f, bool log_x = false)
{
  CurveFigure::Curve c{.label = label, .style = Style::line};
  constexpr int points = 200;
  for (int k = 0; k <= points; ++k) {
    const double s = double(k) / points;
    const double x = log_x ? x_low * std::pow(x_high / x_low, s) : x_low + s * (x_high - x_low);
    c.x.push_back(x);
    c.y.push_back(f(x));
  }
  return c;
}

/// E[tau_N] - tau_inf against 1/N with the fit b / N: the bias, of order 1/N, separated from the
/// N^(-1/2) noise of each mean by the number of replicas.
void exit_bias_figure(const ExitLaw& law, const FigureFolders& folder, std::vector<FigureFile>& figs)
{
  if (!law.tau_inf || !law.bias) return;
  const double tau_inf = *law.tau_inf, sigma = law.tau_inf_sigma;
  const WeightedFit& b = *law.bias;
  CurveFigure f{"bias of the mean exit time", "1 / N", "E[tau_N] - tau_inf", {}, false, "below"};
  CurveFigure::Curve means{.label = "mean over the replicas - tau_inf (+-2 s.e.)"};
  for (const auto& l : law.levels)
    if (in_bias_fit(l)) {
      means.x.push_back(1.0 / double(l.neurons));
      means.y.push_back(l.summary->mean - tau_inf);
      means.yerr.push_back(2.0 * l.summary->stderr_);
    }
  const double x_max = *std::max_element(means.x.begin(), means.x.end());
  f.curves.push_back(std::move(means));
  f.curves.push_back({.label = fmt::format("fit b / N, b = {} (band: its interval)",
                                           interval_text(b.slope, b.slope_low, b.slope_high)),
                      .x = {0.0, x_max},
                      .y = {0.0, b.slope * x_max},
                      .y_low = {0.0, b.slope_low * x_max},
                      .y_high = {0.0, b.slope_high * x_max},
                      .style = Style::line});
  f.curves.push_back({.label = fmt::format("tau_inf = {:.7g} (band: +-2 x its error {:.2g})", tau_inf, sigma),
                      .x = {0.0, x_max},
                      .y = {0.0, 0.0},
                      .y_low = {-2.0 * sigma, -2.0 * sigma},
                      .y_high = {2.0 * sigma, 2.0 * sigma},
                      .style = Style::line});
  figs.push_back(plot_curves(
      folder, "exit_bias", f,
      fmt::format("Bias of the finite network's mean exit time against 1/N, over the sizes without censored runs "
                  "(bars: +-2 standard errors of each mean), with the fit E[tau_N] = tau_inf + b / N: b = {} at "
                  "{:g}% (band), chi-square p = {:.3g}. tau_inf = {:.7g} is the limit solver's exit time; its error "
                  "estimate {:.2g} (band at 0) is carried into b's interval.",
                  interval_text(b.slope, b.slope_low, b.slope_high), 100.0 * b.level, b.p_value, tau_inf, sigma)));
}

/// sqrt(N) sd(tau_N) against N with its chi-square intervals, and its large-N value from the fit
/// s + c / N when there is one. Sizes with censored runs are left out: the spread of the exits
/// alone is not that of tau_N.
void exit_spread_figure(const ExitLaw& law, const FigureFolders& folder, std::vector<FigureFile>& figs)
{
  if (!law.tau_inf) return;  // no deterministic limit: the spread grows with the mean (metastability)
  CurveFigure f{"spread of the exit time", "neurons N", "sqrt(N) sd(tau_N)", {}, true, "below"};
  CurveFigure::Curve spread{.label = fmt::format("sqrt(N) sd(tau_N) ({:g}% interval)", 100.0 * law.level)};
  for (const auto& l : law.levels)
    if (l.spread && in_bias_fit(l)) {
      spread.x.push_back(double(l.neurons));
      spread.y.push_back(l.spread->value);
      spread.y_low.push_back(l.spread->low);
      spread.y_high.push_back(l.spread->high);
    }
  if (spread.x.size() < 2) return;
  const double n_low = spread.x.front(), n_high = spread.x.back();
  f.curves.push_back(std::move(spread));
  std::string fitted = "Without three such sizes and the limit's exit time, no large-N value is fitted.";
  if (law.spread_fit) {
    const WeightedFit& s = *law.spread_fit;
    f.curves.push_back(sampled_line(fmt::format("fit s + c / N, c = {:.4g}", s.slope), n_low, n_high,
                                    [&](double n) { return s.intercept + s.slope / n; }, true));
    f.curves.push_back({.label = "large-N value s = " + interval_text(s.intercept, s.intercept_low, s.intercept_high),
                        .x = {n_low, n_high},
                        .y = {s.intercept, s.intercept},
                        .y_low = {s.intercept_low, s.intercept_low},
                        .y_high = {s.intercept_high, s.intercept_high},
                        .style = Style::line});
    fitted = fmt::format("The fit sqrt(N) sd(tau_N) = s + c / N over the uncensored sizes gives the large-N value s = {} "
                         "(band), chi-square p = {:.3g}.",
                         interval_text(s.intercept, s.intercept_low, s.intercept_high), s.p_value);
  }
  figs.push_back(plot_curves(folder, "exit_spread", f,
                             fmt::format("Spread of the exit time, sqrt(N) times its standard deviation, against N "
                                         "over the sizes without censored runs, with the chi-square interval of a "
                                         "normal sample's standard deviation. {}",
                                         fitted)));
}

/// The distribution functions of sqrt(N) (tau_N - tau_inf) for every N on one figure: they collapse
/// onto N(0, s^2) as N grows (the central limit theorem of MODEL.md §4).
void exit_standardised_figure(const ExitLaw& law, const FigureFolders& folder, std::vector<FigureFile>& figs)
{
  if (!law.tau_inf) return;
  CurveFigure f{"standardised exit times", "sqrt(N) (tau_N - tau_inf)", "distribution function", {}, false, "below"};
  std::optional<double> s;  // the spread of the largest N that has one
  double x_low = 0.0, x_high = 0.0;
  std::string p_values;
  for (const auto& l : law.levels) {
    if (l.standardised.size() < 2) continue;
    const double root_n = std::sqrt(double(l.neurons));
    const auto steps = exit_time_cdf(l.standardised, l.censored, root_n * (l.horizon - *law.tau_inf));
    if (steps.empty()) continue;
    x_low = std::min(x_low, steps.front().t);
    x_high = std::max(x_high, steps.back().t);
    f.curves.push_back(cdf_curve(fmt::format("N = {}", l.neurons), steps));
    if (l.spread) s = l.spread->value;
    p_values += fmt::format("{}N = {}: {}", p_values.empty() ? "" : ", ", l.neurons,
                            l.normality ? fmt::format("{:.3g}", l.normality->p_value) : std::string("too few exits"));
  }
  if (f.curves.empty()) return;
  if (s && *s > 0.0)
    f.curves.push_back(sampled_line(fmt::format("N(0, s^2), s = {:.4g} (the largest N's spread)", *s), x_low, x_high,
                                    [&](double x) { return 0.5 * std::erfc(-x / (*s * std::sqrt(2.0))); }));
  figs.push_back(plot_curves(
      folder, "exit_standardised", f,
      fmt::format("Distribution functions of the standardised exit times sqrt(N) (tau_N - tau_inf) of every N "
                  "(Kaplan-Meier: runs censored at the horizon count in the totals, so a curve may stop below 1), "
                  "with the normal law N(0, s^2) of the largest N's spread s: as N grows the curves collapse onto "
                  "one law. Their mean drifts like b / sqrt(N) (the bias). Anderson-Darling normality p-values: {}.",
                  p_values)));
}

/// What the exponential test tests, over its censored maximum-likelihood mean, for the sizes whose
/// limit does not exit or that are classified metastable, against Exp(1): tau, or the time beyond
/// the limit's settle time t_s of the runs still inside then. And log E[tau_N] against N with its
/// linear fit.
void exit_exponential_figures(const ExitLaw& law, const FigureFolders& folder, std::vector<FigureFile>& figs)
{
  const double t_s = law.settle_time.value_or(0.0);
  const std::string what = law.settle_time ? fmt::format("(tau - {:.4g}) / its mean", t_s) : "tau / E[tau_N]";
  CurveFigure f{"scaled exit times", what, "distribution function", {}, false, "below"};
  double x_high = 0.0;
  std::string p_values;
  for (const auto& l : law.levels) {
    const bool metastable = l.regime == ExitRegime::metastable || !law.tau_inf;
    if (!metastable || l.tested_exits.size() < 2) continue;
    // The censored maximum-likelihood mean of what was tested (total time on test / exits).
    double on_test = double(l.censored) * l.tested_horizon;
    for (double t : l.tested_exits) on_test += t;
    const double m = on_test / double(l.tested_exits.size());
    std::vector<double> scaled;
    for (double t : l.tested_exits) scaled.push_back(t / m);
    const auto steps = exit_time_cdf(scaled, l.censored, l.tested_horizon / m);
    x_high = std::max(x_high, l.censored > 0 ? l.tested_horizon / m : steps.back().t);
    f.curves.push_back(cdf_curve(fmt::format("N = {} ({} exits{}, {} censored)", l.neurons, l.exited - l.early_exits,
                                             law.settle_time ? fmt::format(" after t_s, {} before", l.early_exits) : "",
                                             l.censored),
                                 steps));
    p_values += fmt::format("{}N = {}: {}", p_values.empty() ? "" : ", ", l.neurons,
                            l.exponential ? fmt::format("{:.3g}", l.exponential->p_value) : std::string("too few exits"));
  }
  if (!f.curves.empty()) {
    f.curves.push_back(sampled_line("Exp(1): 1 - exp(-x)", 0.0, x_high, [](double x) { return -std::expm1(-x); }));
    figs.push_back(plot_curves(
        folder, "exit_scaled_exponential", f,
        fmt::format("Distribution functions of {} (the mean: the exponential maximum-likelihood one with the "
                    "censored runs) for the sizes whose limit does not exit or that are classified metastable, "
                    "against Exp(1).{} Kaplan-Meier: runs still inside at the horizon count in the totals, so a curve "
                    "stops below 1 at the scaled horizon. Kolmogorov-Smirnov p-values (against the exponential law "
                    "conditioned on an exit before the horizon): {}.",
                    what,
                    law.settle_time ? fmt::format(" t_s = {:.4g} is when the limit has settled on its active state; the "
                                                  "runs that exited before it are early exits, left out.",
                                                  t_s)
                                    : std::string(),
                    p_values)));
  }
  if (!law.growth) return;
  const WeightedFit& g = *law.growth;
  CurveFigure fg{"growth of the mean exit time", "neurons N", "log E[tau_N]", {}, false, "below"};
  CurveFigure::Curve logs{.label = fmt::format("log of the censored mean ({:g}% interval)", 100.0 * law.level)};
  for (const auto& l : law.levels)
    if (in_growth_fit(l)) {
      logs.x.push_back(double(l.neurons));
      logs.y.push_back(std::log(l.mean->mean));
      logs.y_low.push_back(std::log(l.mean->ci_low));
      logs.y_high.push_back(std::log(l.mean->ci_high));
    }
  const double n_low = logs.x.front(), n_high = logs.x.back();
  fg.curves.push_back(std::move(logs));
  fg.curves.push_back({.label = fmt::format("fit a + rate N, rate = {}", interval_text(g.slope, g.slope_low, g.slope_high)),
                       .x = {n_low, n_high},
                       .y = {g.intercept + g.slope * n_low, g.intercept + g.slope * n_high},
                       .style = Style::line});
  figs.push_back(plot_curves(folder, "exit_growth", fg,
                             fmt::format("Metastability: the log of the mean exit time (censored maximum likelihood, "
                                         "chi-square interval) grows linearly in N; fit log E[tau_N] = a + rate N over "
                                         "the metastable sizes: rate = {} at {:g}%, chi-square p = {:.3g}.",
                                         interval_text(g.slope, g.slope_low, g.slope_high), 100.0 * g.level,
                                         g.p_value)));
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
  const ExitLaw& law = data.exit_law.law;
  exit_bias_figure(law, folder, figs);
  exit_spread_figure(law, folder, figs);
  exit_standardised_figure(law, folder, figs);
  exit_exponential_figures(law, folder, figs);
  return figs;
}

}  // namespace stf::validation
