// gnuplot scripts for the report's figures. Their data go to stem*.csv files with a header in the
// data folder, in blocks separated by two blank lines (gnuplot's `index`); the scripts read them
// with `skip 1` (the header) and are removed, with gnuplot's log, once the PNG is made.
#include "validation/figures.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/core.h>
#include <limits>

#include "io/output_folder.hpp"
#include "validation/gnuplot.hpp"

namespace stf::validation {

namespace {

constexpr const char* palette =
    "set palette defined (0 '#440154', 1 '#3b528b', 2 '#21908d', 3 '#5dc963', 4 '#fde725')\n";
constexpr const char* colours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"};
const char* colour(std::size_t k) { return colours[k % (sizeof(colours) / sizeof(colours[0]))]; }

std::string num(double v) { return std::isfinite(v) ? fmt::format("{:.10g}", v) : std::string("NaN"); }

/// A series label as a CSV field: commas would split it (gnuplot does not read quoted fields).
std::string csv_label(const std::string& label)
{
  std::string out = label;
  std::replace(out.begin(), out.end(), ',', ';');
  return out;
}

/// A file name for a gnuplot script: single-quoted, no enhanced-text escapes.
std::string quoted_path(const std::filesystem::path& path)
{
  std::string out = "'";
  for (char ch : std::filesystem::absolute(path).string()) out += ch == '\'' ? std::string("''") : std::string(1, ch);
  return out + "'";
}

/// Writes the CSV `name` (header line, then `rows`) into the data folder and returns the clause
/// gnuplot reads it with: its absolute path, comma-separated, header skipped.
std::string write_data(const FigureFolders& to, const std::string& name, const std::string& header,
                       const std::string& rows, FigureFile& figure)
{
  io::write_text_file(to.data / name, header + "\n" + rows);
  figure.data.push_back(name);
  return quoted_path(to.data / name) + " skip 1";
}

constexpr const char* read_csv = "set datafile separator comma\n";

/// The end of the active phase of curves sampled at `t`: the last time any of them is further than
/// 1% of its range from its final value (the curves of a memory run settle long before the end).
double active_until(const std::vector<double>& t, const std::vector<const std::vector<double>*>& curves)
{
  double until = 0.0;
  for (const auto* y : curves) {
    const std::size_t n = std::min(t.size(), y->size());
    if (n < 2) continue;
    double lo = (*y)[0], hi = (*y)[0];
    for (std::size_t k = 0; k < n; ++k) {
      if (!std::isfinite((*y)[k])) continue;
      lo = std::min(lo, (*y)[k]);
      hi = std::max(hi, (*y)[k]);
    }
    const double last = (*y)[n - 1];
    for (std::size_t k = n; k-- > 0;)
      if (std::isfinite((*y)[k]) && std::abs((*y)[k] - last) > 0.01 * (hi - lo)) {
        until = std::max(until, t[k]);
        break;
      }
  }
  return until;
}

/// Tics at the data's own values when a log axis spans less than two decades (gnuplot then puts a
/// single labelled tic on it), with plain numbers instead of powers of ten.
std::string log_axis_tics(const char* axis, double lo, double hi, const std::vector<double>& values)
{
  if (!(lo > 0.0) || hi / lo >= 100.0) return fmt::format("set format {} '10^{{%T}}'\n", axis);
  std::vector<double> v(values);
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end(), [](double a, double b) { return std::abs(a - b) <= 1e-9 * std::abs(b); }),
          v.end());
  std::string tics;
  if (v.size() <= 8)
    for (double x : v) tics += fmt::format("{}'{:.3g}' {}", tics.empty() ? "" : ", ", x, num(x));
  return fmt::format("set format {} '%.3g'\n", axis) + (tics.empty() ? "" : fmt::format("set {}tics ({})\n", axis, tics));
}

}  // namespace

FigureFile plot_density_heatmap(const FigureFolders& folder, const std::string& stem,
                                const HeatmapData& d, const std::string& caption)
{
  if (d.cells_u <= 0 || d.cells_c <= 0 || d.cell_mass.size() != std::size_t(d.cells_u * d.cells_c))
    throw FigureError("figure " + stem + ": density grid and cell masses do not match");
  const double area = d.du * d.dc;
  double max_density = 0.0;
  for (double m : d.cell_mass) max_density = std::max(max_density, m / area);
  // Colours span five decades below the maximum; emptier cells are left blank.
  const double floor = max_density > 0.0 ? max_density * 1e-5 : 0.0;

  // Crop to where the mass, the atoms and the particles are.
  double u_hi = 0.0, c_hi = 0.0;
  for (long j = 0; j < d.cells_c; ++j)
    for (long i = 0; i < d.cells_u; ++i)
      if (max_density > 0.0 && d.cell_mass[std::size_t(j * d.cells_u + i)] / area >= floor) {
        u_hi = std::max(u_hi, double(i + 1) * d.du);
        c_hi = std::max(c_hi, d.c0 + double(j + 1) * d.dc);
      }
  for (const auto& a : d.atoms) {
    u_hi = std::max(u_hi, a.u);
    c_hi = std::max(c_hi, a.c);
  }
  for (std::size_t k = 0; k < std::min(d.cloud_u.size(), d.cloud_c.size()); ++k) {
    u_hi = std::max(u_hi, d.cloud_u[k]);
    c_hi = std::max(c_hi, d.cloud_c[k]);
  }
  u_hi = std::min(u_hi * 1.05 + d.du, double(d.cells_u) * d.du);
  c_hi = std::min(c_hi * 1.05 + d.dc, d.c0 + double(d.cells_c) * d.dc);
  if (!(u_hi > 0.0)) u_hi = double(d.cells_u) * d.du;
  if (!(c_hi > 0.0)) c_hi = d.c0 + double(d.cells_c) * d.dc;

  FigureFile figure{stem + ".png", caption, {}};
  std::string grid;
  bool any_cell = false;
  const long i_end = std::min(d.cells_u, static_cast<long>(std::ceil(u_hi / d.du)));
  const long j_end = std::min(d.cells_c, static_cast<long>(std::ceil((c_hi - d.c0) / d.dc)));
  for (long j = 0; j < j_end; ++j) {
    for (long i = 0; i < i_end; ++i) {
      const double rho = d.cell_mass[std::size_t(j * d.cells_u + i)] / area;
      const bool shown = max_density > 0.0 && rho >= floor;
      any_cell = any_cell || shown;
      grid += fmt::format("{},{},{}\n", num((double(i) + 0.5) * d.du), num(d.c0 + (double(j) + 0.5) * d.dc), num(rho));
    }
    grid += "\n";
  }
  const std::string density_file = write_data(folder, stem + "_density.csv", "u,c,density", grid, figure);

  std::string cloud;
  const std::size_t n = std::min(d.cloud_u.size(), d.cloud_c.size());
  const std::size_t stride = n > d.max_cloud && d.max_cloud > 0 ? (n + d.max_cloud - 1) / d.max_cloud : 1;
  for (std::size_t k = 0; k < n; k += stride) cloud += num(d.cloud_u[k]) + "," + num(d.cloud_c[k]) + "\n";
  const std::string cloud_file = write_data(folder, stem + "_particles.csv", "u,c", cloud, figure);
  std::string atoms;
  for (const auto& a : d.atoms) atoms += num(a.u) + "," + num(a.c) + "," + num(a.weight) + "\n";
  const std::string atoms_file = write_data(folder, stem + "_atoms.csv", "u,c,weight", atoms, figure);

  std::string s = pngcairo_terminal(stem, 900, 650);
  s += palette;
  s += read_csv;
  s += "set title " + gnuplot_quote(d.title) + "\n";
  s += "set xlabel 'potential u'\nset ylabel 'calcium c'\nset cblabel 'log_{10} density'\n";
  s += fmt::format("set xrange [0:{}]\nset yrange [0:{}]\n", num(u_hi), num(c_hi));
  s += "set key outside bottom center horizontal\nset grid front lc rgb '#cccccc'\n";
  if (max_density > 0.0) s += fmt::format("set cbrange [{}:{}]\n", num(std::log10(floor)), num(std::log10(max_density)));
  std::vector<std::string> clauses;
  // Cells below the colour floor are left blank (NaN).
  if (any_cell)
    clauses.push_back(fmt::format("{} using 1:2:($3 >= {} ? log10($3) : NaN) with image notitle", density_file, num(floor)));
  if (!cloud.empty())
    clauses.push_back(cloud_file + " using 1:2 with points pt 7 ps 0.5 lc rgb '#e41a1c' title " +
                      gnuplot_quote(fmt::format("particles, one replica ({} shown)", (n + stride - 1) / stride)));
  if (!atoms.empty())
    clauses.push_back(atoms_file + " using 1:2 with points pt 6 ps 2.5 lw 2 lc rgb 'black' title 'atoms of the limit'");
  if (clauses.empty()) throw FigureError("figure " + stem + ": nothing to draw (no mass, atoms or particles)");
  s += "plot ";
  for (std::size_t k = 0; k < clauses.size(); ++k) s += (k ? ", \\\n     " : "") + clauses[k];
  s += "\n";
  run_gnuplot(folder.figures, stem, s);
  return figure;
}

FigureFile plot_time_series(const FigureFolders& folder, const std::string& stem,
                            const TimeSeriesFigure& fig, const std::string& caption)
{
  FigureFile figure{stem + ".png", caption, {}};
  const std::string file = quoted_path(folder.data / (stem + ".csv")) + " skip 1";
  std::string data;
  std::vector<std::string> clauses;
  int index = 0;
  double t_last = 0.0, active = 0.0;
  for (std::size_t b = 0; b < fig.bands.size(); ++b) {
    const auto& band = fig.bands[b];
    const std::size_t n = std::min({band.t.size(), band.mean.size(), band.stderr_.size()});
    if (n == 0) continue;
    for (std::size_t k = 0; k < n; ++k)
      data += fmt::format("{},{},{},{},{}\n", csv_label(band.label), num(band.t[k]), num(band.mean[k]),
                          num(band.mean[k] - 2.0 * band.stderr_[k]), num(band.mean[k] + 2.0 * band.stderr_[k]));
    data += "\n\n";
    t_last = std::max(t_last, band.t[n - 1]);
    active = std::max(active, active_until(band.t, {&band.mean}));
    clauses.push_back(fmt::format("{} index {} using 2:4:5 with filledcurves fs transparent solid 0.25 "
                                  "noborder lc rgb '{}' notitle",
                                  file, index, colour(b)));
    clauses.push_back(fmt::format("{} index {} using 2:3 with lines lw 1.5 lc rgb '{}' title {}", file, index,
                                  colour(b), gnuplot_quote(band.label + " (mean, band +-2 s.e.)")));
    ++index;
  }
  const std::size_t n = std::min(fig.t.size(), fig.limit.size());
  if (n > 0) {
    for (std::size_t k = 0; k < n; ++k) data += csv_label(fig.limit_label) + "," + num(fig.t[k]) + "," + num(fig.limit[k]) + ",,\n";
    data += "\n\n";
    t_last = std::max(t_last, fig.t[n - 1]);
    active = std::max(active, active_until(fig.t, {&fig.limit}));
    clauses.push_back(fmt::format("{} index {} using 2:3 with lines lw 2.5 dt 2 lc rgb 'black' title {}", file,
                                  index, gnuplot_quote(fig.limit_label)));
  }
  if (clauses.empty()) throw FigureError("figure " + stem + ": no data");
  write_data(folder, stem + ".csv", "series,t,value,minus_2_stderr,plus_2_stderr", data, figure);
  // Zoomed on the active phase: a memory run is over long before time.end.
  if (fig.vertical_line) active = std::max(active, *fig.vertical_line);
  const double t_max = std::min(t_last, 1.25 * active);
  std::string s = pngcairo_terminal(stem);
  s += read_csv;
  if (t_max > 0.0 && t_max < t_last) s += fmt::format("set xrange [0:{}]\n", num(t_max));
  s += "set title " + gnuplot_quote(fig.title) + "\n";
  s += "set xlabel 'time t'\nset ylabel " + gnuplot_quote(fig.ylabel) + "\n";
  s += "set key top right\nset grid\n";
  if (fig.vertical_line)
    s += fmt::format("set arrow from {0}, graph 0 to {0}, graph 1 nohead lw 1.5 dt 3 lc rgb '#555555'\n"
                     "set label 'limit exit time' at {0}, graph 0.95 offset 0.5,0 tc rgb '#555555'\n",
                     num(*fig.vertical_line));
  s += "plot ";
  for (std::size_t k = 0; k < clauses.size(); ++k) s += (k ? ", \\\n     " : "") + clauses[k];
  s += "\n";
  run_gnuplot(folder.figures, stem, s);
  return figure;
}

FigureFile plot_log_log(const FigureFolders& folder, const std::string& stem, const LogLogFigure& fig,
                        const std::string& caption)
{
  FigureFile figure{stem + ".png", caption, {}};
  const std::string file = quoted_path(folder.data / (stem + ".csv")) + " skip 1";
  std::string data;
  std::vector<std::string> clauses;
  double x_ref = 0.0, y_ref = 0.0;
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = 0.0;
  double y_lo = std::numeric_limits<double>::infinity(), y_hi = 0.0;
  std::vector<double> xs, ys;
  int index = 0;
  for (std::size_t k = 0; k < fig.series.size(); ++k) {
    const auto& ser = fig.series[k];
    std::string block;
    for (std::size_t i = 0; i < std::min(ser.x.size(), ser.y.size()); ++i) {
      if (!(ser.x[i] > 0.0 && ser.y[i] > 0.0) || !std::isfinite(ser.x[i]) || !std::isfinite(ser.y[i])) continue;
      block += csv_label(ser.label) + "," + num(ser.x[i]) + "," + num(ser.y[i]) + "\n";
      xs.push_back(ser.x[i]);
      ys.push_back(ser.y[i]);
      y_lo = std::min(y_lo, ser.y[i]);
      y_hi = std::max(y_hi, ser.y[i]);
      if (x_ref == 0.0) {
        x_ref = ser.x[i];
        y_ref = ser.y[i];
      }
      x_lo = std::min(x_lo, ser.x[i]);
      x_hi = std::max(x_hi, ser.x[i]);
    }
    if (block.empty()) continue;
    data += block + "\n\n";
    clauses.push_back(fmt::format("{} index {} using 2:3 with linespoints lw 2 pt 7 ps 1.2 lc rgb '{}' title {}",
                                  file, index, colour(k), gnuplot_quote(ser.label)));
    ++index;
  }
  if (clauses.empty()) throw FigureError("figure " + stem + ": no positive data for a log-log plot");
  int dash = 2;
  for (double slope : fig.reference_slopes)
    clauses.push_back(fmt::format("{} * (x / {})**({}) with lines dt {} lw 1.5 lc rgb '#555555' title {}", num(y_ref),
                                  num(x_ref), num(slope), dash++, gnuplot_quote(fmt::format("slope {:g}", slope))));
  write_data(folder, stem + ".csv", "series,x,y", data, figure);
  std::string s = pngcairo_terminal(stem);
  s += read_csv;
  s += "set title " + gnuplot_quote(fig.title) + "\n";
  s += "set xlabel " + gnuplot_quote(fig.xlabel) + "\nset ylabel " + gnuplot_quote(fig.ylabel) + "\n";
  s += "set logscale xy\nset grid xtics ytics mxtics mytics\nset key outside right top\nset samples 200\n";
  s += log_axis_tics("x", x_lo, x_hi, xs);
  s += log_axis_tics("y", y_lo, y_hi, {});
  if (x_hi > x_lo) s += fmt::format("set xrange [{}:{}]\n", num(x_lo / 1.5), num(x_hi * 1.5));
  else s += fmt::format("set xrange [{}:{}]\n", num(x_lo / 2.0), num(x_lo * 2.0));
  s += "plot ";
  for (std::size_t k = 0; k < clauses.size(); ++k) s += (k ? ", \\\n     " : "") + clauses[k];
  s += "\n";
  run_gnuplot(folder.figures, stem, s);
  return figure;
}

FigureFile plot_histograms(const FigureFolders& folder, const std::string& stem,
                           const HistogramFigure& fig, const std::string& caption)
{
  FigureFile figure{stem + ".png", caption, {}};
  const std::string file = quoted_path(folder.data / (stem + ".csv")) + " skip 1";
  std::string data;
  std::vector<std::string> clauses;
  int index = 0;
  for (std::size_t k = 0; k < fig.series.size(); ++k) {
    const auto& h = fig.series[k].histogram;
    if (h.counts.empty()) continue;
    const auto dens = h.density();
    // One row per bin: its edges, its count and its probability density.
    const std::string label = csv_label(fig.series[k].label);
    for (std::size_t b = 0; b < dens.size(); ++b)
      data += fmt::format("{},{},{},{},{}\n", label, num(h.edges[b]), num(h.edges[b + 1]), num(double(h.counts[b])), num(dens[b]));
    data += "\n\n";
    clauses.push_back(fmt::format("{} index {} using (($2 + $3) / 2):5:($3 - $2) with boxes fs transparent solid 0.15 "
                                  "lw 2 lc rgb '{}' title {}",
                                  file, index, colour(k), gnuplot_quote(fig.series[k].label)));
    ++index;
  }
  if (clauses.empty()) throw FigureError("figure " + stem + ": no histogram to draw");
  write_data(folder, stem + ".csv", "series,bin_low,bin_high,count,density", data, figure);
  std::string s = pngcairo_terminal(stem);
  s += read_csv;
  s += "set title " + gnuplot_quote(fig.title) + "\n";
  s += "set xlabel " + gnuplot_quote(fig.xlabel) + "\nset ylabel 'probability density'\n";
  s += "set grid\nset key top left\nset yrange [0:*]\n";
  if (fig.reference) {
    s += fmt::format("set arrow from {0}, graph 0 to {0}, graph 1 nohead lw 2.5 dt 2 lc rgb 'black'\n",
                     num(*fig.reference));
    s += fmt::format("set label {} at {}, graph 0.9 offset 0.5,0\n", gnuplot_quote(fig.reference_label),
                     num(*fig.reference));
  }
  s += "plot ";
  for (std::size_t k = 0; k < clauses.size(); ++k) s += (k ? ", \\\n     " : "") + clauses[k];
  s += "\n";
  run_gnuplot(folder.figures, stem, s);
  return figure;
}

FigureFile plot_curves(const FigureFolders& folder, const std::string& stem, const CurveFigure& fig,
                       const std::string& caption)
{
  FigureFile figure{stem + ".png", caption, {}};
  const std::string file = quoted_path(folder.data / (stem + ".csv")) + " skip 1";
  using Style = CurveFigure::Style;
  bool intervals = false;  // the columns y_low, y_high are written only when some curve has one
  for (const auto& cv : fig.curves) intervals = intervals || !cv.y_low.empty();
  auto at = [](const std::vector<double>& v, std::size_t i) { return i < v.size() ? num(v[i]) : std::string(); };
  std::string data;
  std::vector<std::string> clauses;
  std::vector<double> xs;
  double x_low = std::numeric_limits<double>::infinity(), x_high = -x_low;
  int index = 0;
  for (std::size_t k = 0; k < fig.curves.size(); ++k) {
    const auto& cv = fig.curves[k];
    const bool bars = !cv.yerr.empty(), band = !cv.y_low.empty();
    std::string block;
    for (std::size_t i = 0; i < std::min(cv.x.size(), cv.y.size()); ++i) {
      if (!std::isfinite(cv.y[i]) || (fig.log_x && !(cv.x[i] > 0.0))) continue;
      block += csv_label(cv.label) + "," + num(cv.x[i]) + "," + num(cv.y[i]) + ",";
      if (bars) block += num(i < cv.yerr.size() ? cv.yerr[i] : 0.0);
      if (intervals) block += "," + at(cv.y_low, i) + "," + at(cv.y_high, i);
      block += "\n";
      if (cv.style == Style::points) xs.push_back(cv.x[i]);  // the tics of a log axis
      x_low = std::min(x_low, cv.x[i]);
      x_high = std::max(x_high, cv.x[i]);
    }
    if (block.empty()) continue;
    data += block + "\n\n";
    const std::string series = fmt::format("{} index {} using ", file, index);
    const std::string title = fmt::format("lc rgb '{}' title {}", colour(k), gnuplot_quote(cv.label));
    if (cv.style == Style::points)
      clauses.push_back(series + (band ? "2:3:5:6 with yerrorlines" : bars ? "2:3:4 with yerrorlines" : "2:3 with linespoints") +
                        " lw 2 pt 7 " + title);
    else if (cv.style == Style::steps)
      clauses.push_back(series + "2:3 with steps lw 2 " + title);
    else {
      if (band)
        clauses.push_back(series + fmt::format("2:5:6 with filledcurves fs transparent solid 0.2 noborder lc rgb '{}' notitle",
                                               colour(k)));
      clauses.push_back(series + "2:3 with lines lw 2 dt 2 " + title);
    }
    ++index;
  }
  if (clauses.empty()) throw FigureError("figure " + stem + ": no finite points to draw");
  write_data(folder, stem + ".csv", std::string("series,x,y,yerr") + (intervals ? ",y_low,y_high" : ""), data, figure);
  std::string s = pngcairo_terminal(stem);
  s += read_csv;
  s += "set title " + gnuplot_quote(fig.title) + "\n";
  s += "set xlabel " + gnuplot_quote(fig.xlabel) + "\nset ylabel " + gnuplot_quote(fig.ylabel) + "\n";
  s += "set grid\nset offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05\n";
  // gnuplot's own `set key below` overlaps the x label: the legend goes to the foot of the picture,
  // one line per curve, in a bottom margin made for it.
  if (fig.key == "below") s += fmt::format("set key at screen 0.5, screen 0.01 center bottom vertical\nset bmargin {}\n", 4 + index);
  else s += "set key " + fig.key + "\n";
  if (fig.log_x) {
    s += "set logscale x\n" + log_axis_tics("x", x_low, x_high, xs);
    // A margin of 15% either side, not gnuplot's whole decades (offsets do not apply to a fixed range).
    if (x_high > x_low) s += fmt::format("set xrange [{}:{}]\n", num(x_low / 1.15), num(x_high * 1.15));
  }
  s += "plot ";
  for (std::size_t k = 0; k < clauses.size(); ++k) s += (k ? ", \\\n     " : "") + clauses[k];
  s += "\n";
  run_gnuplot(folder.figures, stem, s);
  return figure;
}

FigureFile plot_phase_diagram(const FigureFolders& folder, const std::string& stem, const PhaseDiagramFigure& fig,
                              const std::string& caption)
{
  if (fig.cells.empty()) throw FigureError("figure " + stem + ": no grid points to draw");
  FigureFile figure{stem + ".png", caption, {}};
  // A cell spans half the grid step either side of its point (one value on an axis: a unit-wide cell).
  auto half_step = [](const std::vector<double>& v) {
    const double step = v.size() >= 2 ? std::abs(v[1] - v[0]) : 0.0;
    return step > 0.0 ? step / 2.0 : std::max(0.5, 0.05 * (v.empty() ? 0.0 : std::abs(v[0])));
  };
  const double hx = half_step(fig.x_values), hy = half_step(fig.y_values);
  const std::string file = quoted_path(folder.data / (stem + ".csv")) + " skip 1";
  using Status = PhaseDiagramFigure::Status;
  const std::pair<Status, const char*> kinds[] = {{Status::ok, "ok"}, {Status::no_exit, "no_exit"}, {Status::failed, "failed"}};
  std::string data;
  std::vector<std::string> clauses;
  int index = 0;
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo, y_lo = x_lo, y_hi = -x_lo;
  double v_lo = x_lo, v_hi = -x_lo;
  for (const auto& [status, name] : kinds) {
    std::string block;
    for (const auto& c : fig.cells) {
      x_lo = std::min(x_lo, c.x);
      x_hi = std::max(x_hi, c.x);
      y_lo = std::min(y_lo, c.y);
      y_hi = std::max(y_hi, c.y);
      if (c.status != status) continue;
      const bool valued = status == Status::ok && std::isfinite(c.value);
      if (status == Status::ok && !valued) continue;
      if (valued) {
        v_lo = std::min(v_lo, c.value);
        v_hi = std::max(v_hi, c.value);
      }
      block += fmt::format("{},{},{},{}\n", name, num(c.x), num(c.y), valued ? num(c.value) : std::string());
    }
    if (block.empty()) continue;
    data += block + "\n\n";
    const std::string cell = fmt::format("{} index {} using 2:3:({}):({})", file, index, num(hx), num(hy));
    if (status == Status::ok) {
      clauses.push_back(fmt::format("{} index {} using 2:3:({}):({}):4 with boxxyerror fs solid 1.0 noborder lc palette notitle",
                                    file, index, num(hx), num(hy)));
      if (fig.cells.size() <= 100)  // the values themselves, where they can be read
        clauses.push_back(fmt::format("{} index {} using 2:3:(sprintf('%.4g', $4)) with labels boxed tc rgb 'black' notitle",
                                      file, index));
    } else if (status == Status::no_exit) {
      clauses.push_back(cell + " with boxxyerror fs pattern 4 border lc rgb '#555555' fc rgb '#555555' title " +
                        gnuplot_quote(fig.no_exit_label));
    } else {
      clauses.push_back(cell + " with boxxyerror fs solid 1.0 noborder lc rgb '#d62728' title " +
                        gnuplot_quote(fig.failed_label));
    }
    ++index;
  }
  write_data(folder, stem + ".csv", "series,x,y,value", data, figure);
  std::string s = pngcairo_terminal(stem, 900, 700);
  s += palette;
  s += read_csv;
  s += "set title " + gnuplot_quote(fig.title) + "\n";
  s += "set xlabel " + gnuplot_quote(fig.xlabel) + "\nset ylabel " + gnuplot_quote(fig.ylabel) + "\n";
  s += "set cblabel " + gnuplot_quote(fig.value_label) + "\n";
  s += fmt::format("set xrange [{}:{}]\nset yrange [{}:{}]\n", num(x_lo - hx), num(x_hi + hx), num(y_lo - hy), num(y_hi + hy));
  s += "set key outside bottom center horizontal\nset bmargin 5\nset style textbox opaque noborder\n";
  if (v_lo > v_hi) s += "unset colorbox\n";  // no cell has a value
  else if (v_lo == v_hi) s += fmt::format("set cbrange [{}:{}]\n", num(v_lo - 0.5 * std::max(1.0, std::abs(v_lo))), num(v_hi + 0.5 * std::max(1.0, std::abs(v_hi))));
  s += "plot ";
  for (std::size_t k = 0; k < clauses.size(); ++k) s += (k ? ", \\\n     " : "") + clauses[k];
  s += "\n";
  run_gnuplot(folder.figures, stem, s);
  return figure;
}

}  // namespace stf::validation
