// The report's figures (gnuplot, pngcairo): density heatmap with a particle cloud, observables
// over time with error bands, log-log convergence with reference slopes, histograms and curves
// with error bars (the memory curve). Each writes stem.png into the figures folder and the numbers
// it draws as CSV files with a header (stem*.csv) into the data folder, so that any tool can plot
// them again, and throws FigureError if the figure cannot be made. A CSV holding several series has
// a first column `series` with the label, and gnuplot's blocks (blank lines) between series;
// pandas.read_csv skips the blank lines.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "validation/histogram.hpp"

namespace stf::validation {

struct FigureFile {
  std::string file;     // the PNG's name inside the figures folder
  std::string caption;
  std::vector<std::string> data;  // its CSV files inside the data folder
};

/// Where a figure goes: its PNG and its data (the same folder when built from one path).
struct FigureFolders {
  std::filesystem::path figures, data;
  FigureFolders(const std::filesystem::path& both) : figures(both), data(both) {}  // NOLINT: implicit on purpose
  FigureFolders(std::filesystem::path figures_folder, std::filesystem::path data_folder)
      : figures(std::move(figures_folder)), data(std::move(data_folder))
  {
  }
};

/// The limit density at one time on its (u, c) grid, with point atoms and the (U, C) of one
/// replica's neurons overlaid.
struct HeatmapData {
  std::string title;
  long cells_u = 0, cells_c = 0;
  double du = 1.0, dc = 1.0;
  double c0 = 0.0;  // row j spans [c0 + j dc, c0 + (j + 1) dc] (rows that move with a linear calcium leak)
  std::vector<double> cell_mass;  // index j * cells_u + i (calcium row j, potential column i)
  struct Atom {
    double u, c, weight;
  };
  std::vector<Atom> atoms;
  std::vector<double> cloud_u, cloud_c;  // particles (may be empty); at most max_cloud are drawn
  std::size_t max_cloud = 3000;
};
FigureFile plot_density_heatmap(const FigureFolders& folder, const std::string& stem,
                                const HeatmapData& data, const std::string& caption);

/// One observable over time: the limit as a line, and for each band a mean with +-2 standard errors.
struct TimeSeriesFigure {
  std::string title, ylabel;
  std::vector<double> t;
  std::vector<double> limit;  // same length as t (may be empty)
  std::string limit_label = "limit";
  struct Band {
    std::string label;
    std::vector<double> t, mean, stderr_;
  };
  std::vector<Band> bands;
  std::optional<double> vertical_line;  // e.g. the limit's exit time
};
FigureFile plot_time_series(const FigureFolders& folder, const std::string& stem,
                            const TimeSeriesFigure& fig, const std::string& caption);

/// Log-log points with reference slopes drawn through the first point of the first series.
struct LogLogFigure {
  std::string title, xlabel, ylabel;
  struct Series {
    std::string label;
    std::vector<double> x, y;
  };
  std::vector<Series> series;
  std::vector<double> reference_slopes;  // e.g. -0.5 for N^(-1/2), 1 and 2 for mesh orders
};
FigureFile plot_log_log(const FigureFolders& folder, const std::string& stem, const LogLogFigure& fig,
                        const std::string& caption);

/// Normalised histograms (as steps) with an optional vertical reference (the limit's value).
struct HistogramFigure {
  std::string title, xlabel;
  struct Series {
    std::string label;
    Histogram histogram;
  };
  std::vector<Series> series;
  std::optional<double> reference;
  std::string reference_label;
};
FigureFile plot_histograms(const FigureFolders& folder, const std::string& stem,
                           const HistogramFigure& fig, const std::string& caption);

/// Curves y(x) with optional error bars (the memory curve: exit time against c0), lines with an
/// optional band (a fit and its interval, a law's distribution function) and steps (an empirical
/// distribution function).
struct CurveFigure {
  std::string title, xlabel, ylabel;
  enum class Style { points, line, steps };
  struct Curve {
    // (Every member has a default, so that designated initializers may leave any of them out.)
    std::string label{};
    std::vector<double> x{}, y{};
    std::vector<double> yerr{};            // symmetric error bars; empty: none
    std::vector<double> y_low{}, y_high{};  // an interval (bars on points, a band on a line); empty: none
    Style style = Style::points;
  };
  std::vector<Curve> curves;
  bool log_x = false;
  std::string key = "top left";  // where gnuplot puts the legend ("below": under the axes, clear of any data)
};
FigureFile plot_curves(const FigureFolders& folder, const std::string& stem, const CurveFigure& fig,
                       const std::string& caption);

/// A value over the grid of two parameters (the phase diagram of `stf sweep`): each grid point is
/// a cell, coloured by its value where it has one, hatched where the computation ran to its horizon
/// without an exit, red where it failed; the values are written in the cells of small grids.
struct PhaseDiagramFigure {
  std::string title, xlabel, ylabel, value_label;
  std::vector<double> x_values, y_values;  // the grid's values on each axis (equally spaced: the cells' widths)
  enum class Status { ok, no_exit, failed };
  struct Cell {
    double x, y;
    Status status;
    double value;  // drawn when ok
  };
  std::vector<Cell> cells;
  std::string no_exit_label, failed_label;
};
FigureFile plot_phase_diagram(const FigureFolders& folder, const std::string& stem, const PhaseDiagramFigure& fig,
                              const std::string& caption);

}  // namespace stf::validation
