// Every figure kind runs through gnuplot and yields a PNG; failures are errors, not omissions.
#include <doctest/doctest.h>

#include <algorithm>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "validation/figures.hpp"
#include "validation/gnuplot.hpp"

using namespace stf::validation;
namespace fs = std::filesystem;

namespace {

struct TempFolder {
  fs::path path;
  TempFolder()
  {
    path = fs::temp_directory_path() / ("stf_figures_test_" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempFolder() { fs::remove_all(path); }
};

bool is_png(const fs::path& p)
{
  std::ifstream in(p, std::ios::binary);
  char sig[8] = {};
  in.read(sig, 8);
  return in && sig[0] == '\x89' && sig[1] == 'P' && sig[2] == 'N' && sig[3] == 'G';
}

}  // namespace

TEST_CASE("each figure kind produces a PNG")
{
  TempFolder tmp;
  HeatmapData h;
  h.title = "density";
  h.cells_u = 20;
  h.cells_c = 10;
  h.du = 0.1;
  h.dc = 0.5;
  h.cell_mass.assign(200, 0.0);
  for (long j = 0; j < 10; ++j)
    for (long i = 0; i < 20; ++i) h.cell_mass[std::size_t(j * 20 + i)] = std::exp(-0.1 * double(i + j));
  h.atoms = {{1.0, 2.0, 0.3}};
  h.cloud_u = {0.2, 0.5, 1.1};
  h.cloud_c = {1.0, 3.0, 2.5};
  CHECK(plot_density_heatmap(tmp.path, "heat", h, "c").file == "heat.png");
  CHECK(is_png(tmp.path / "heat.png"));
  // Rows that moved down with a linear calcium leak: row 0's centre is at c0 + dc / 2.
  h.c0 = -0.2;
  plot_density_heatmap(tmp.path, "heat_moved", h, "c");
  CHECK(is_png(tmp.path / "heat_moved.png"));
  std::ifstream grid(tmp.path / "heat_moved_density.csv");
  std::string header;
  std::getline(grid, header);
  CHECK(header == "u,c,density");
  double u = 0.0, c = 0.0, rho = 0.0;
  char comma = 0;
  grid >> u >> comma >> c >> comma >> rho;
  CHECK(u == doctest::Approx(0.05).scale(0.0));
  CHECK(c == doctest::Approx(0.05).scale(0.0));
  CHECK(rho == doctest::Approx(1.0 / (0.1 * 0.5)));  // cell (0, 0): mass 1 over its area

  TimeSeriesFigure ts;
  ts.title = "rate";
  ts.ylabel = "r";
  ts.t = {0.0, 1.0, 2.0};
  ts.limit = {1.0, 0.5, 0.25};
  ts.bands.push_back({"N = 100", {0.0, 1.0, 2.0}, {1.0, 0.6, 0.2}, {0.1, 0.1, 0.05}});
  ts.vertical_line = 1.5;
  plot_time_series(tmp.path, "series", ts, "c");
  CHECK(is_png(tmp.path / "series.png"));

  LogLogFigure ll;
  ll.title = "fluctuations";
  ll.xlabel = "N";
  ll.ylabel = "std";
  ll.series.push_back({"rate", {100.0, 1000.0, 10000.0}, {0.1, 0.03, 0.01}});
  ll.reference_slopes = {-0.5};
  plot_log_log(tmp.path, "loglog", ll, "c");
  CHECK(is_png(tmp.path / "loglog.png"));

  HistogramFigure hf;
  hf.title = "exit times";
  hf.xlabel = "tau";
  hf.series.push_back({"N = 100", make_histogram({1.0, 1.2, 1.1, 1.4, 0.9})});
  hf.reference = 1.15;
  hf.reference_label = "limit";
  plot_histograms(tmp.path, "hist", hf, "c");
  CHECK(is_png(tmp.path / "hist.png"));

  CurveFigure cf;
  cf.title = "memory curve";
  cf.xlabel = "c0";
  cf.ylabel = "tau";
  cf.curves.push_back({.label = "limit", .x = {5.0, 10.0}, .y = {1.0, 2.0}});
  cf.curves.push_back({.label = "N = 100", .x = {5.0, 10.0}, .y = {1.1, 1.9}, .yerr = {0.1, 0.2}});
  plot_curves(tmp.path, "curve", cf, "c");
  CHECK(is_png(tmp.path / "curve.png"));

  // Intervals (bars on points, a band on a line), steps and a log x axis.
  using Style = CurveFigure::Style;
  CurveFigure sf;
  sf.title = "spread";
  sf.xlabel = "N";
  sf.ylabel = "sqrt(N) sd";
  sf.log_x = true;
  sf.curves.push_back({.label = "spread", .x = {10.0, 20.0}, .y = {1.9, 2.3}, .y_low = {1.8, 2.2}, .y_high = {2.0, 2.4}});
  sf.curves.push_back({.label = "fit", .x = {10.0, 20.0}, .y = {2.0, 2.0}, .y_low = {1.9, 1.9}, .y_high = {2.1, 2.1},
                       .style = Style::line});
  sf.curves.push_back({.label = "cdf", .x = {10.0, 15.0, 20.0}, .y = {0.0, 0.5, 1.0}, .style = Style::steps});
  plot_curves(tmp.path, "interval", sf, "c");
  CHECK(is_png(tmp.path / "interval.png"));

  // Each figure's numbers are CSV files with a header naming its columns; gnuplot's scripts, logs
  // and .dat files are not left behind.
  const std::pair<const char*, const char*> headers[] = {
      {"heat_density.csv", "u,c,density"},   {"heat_particles.csv", "u,c"},
      {"heat_atoms.csv", "u,c,weight"},      {"series.csv", "series,t,value,minus_2_stderr,plus_2_stderr"},
      {"loglog.csv", "series,x,y"},          {"hist.csv", "series,bin_low,bin_high,count,density"},
      {"curve.csv", "series,x,y,yerr"},     {"interval.csv", "series,x,y,yerr,y_low,y_high"}};
  for (const auto& [file, columns] : headers) {
    CAPTURE(file);
    std::ifstream in(tmp.path / file);
    std::string first, second;
    std::getline(in, first);
    std::getline(in, second);
    CHECK(first == columns);
    CHECK(std::count(second.begin(), second.end(), ',') == std::count(first.begin(), first.end(), ','));
  }
  // The interval's ends are written as given, after the (empty) symmetric error.
  {
    std::ifstream in(tmp.path / "interval.csv");
    std::string columns, first;
    std::getline(in, columns);
    std::getline(in, first);
    CHECK(first == "spread,10,1.9,,1.8,2");
  }
  for (const auto& entry : fs::directory_iterator(tmp.path)) {
    const auto ext = entry.path().extension();
    CHECK_MESSAGE((ext == ".png" || ext == ".csv"), entry.path().string());
  }
}

TEST_CASE("a failing gnuplot script or an empty figure is an error")
{
  TempFolder tmp;
  CHECK_THROWS_AS(run_gnuplot(tmp.path, "bad", "set terminal pngcairo\nset output 'bad.png'\nplot nosuchfunction(x)\n"),
                  FigureError);
  CHECK_THROWS_AS(run_gnuplot(tmp.path, "silent", "print 'no figure'\n"), FigureError);
  LogLogFigure ll;
  ll.series.push_back({"zero", {1.0, 2.0}, {0.0, 0.0}});
  CHECK_THROWS_AS(plot_log_log(tmp.path, "empty", ll, "c"), FigureError);
}
