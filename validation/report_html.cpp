// report.html: one self-contained page (figures embedded as base64 PNG data URIs) with the
// tables of report.json and short explanations; and the closing note that sums it up.
#include <optional>
#include <cctype>
#include <cmath>
#include <fmt/core.h>

#include "io/provenance.hpp"
#include "model/case_reader.hpp"
#include "validation/base64.hpp"
#include "validation/report.hpp"
#include "validation/work_precision.hpp"

namespace stf::validation {

namespace {

std::string esc(const std::string& s)
{
  std::string o;
  for (char ch : s) {
    switch (ch) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += ch;
    }
  }
  return o;
}

/// Escaped plain text with its exponents typeset: "N^(-1/2)", "N^-0.48" and "2^p" become
/// N<sup>-1/2</sup>, N<sup>-0.48</sup> and 2<sup>p</sup> (the plain text goes to stdout and report.json).
std::string prose(const std::string& plain)
{
  const std::string e = esc(plain);
  std::string o;
  for (std::size_t i = 0; i < e.size(); ++i) {
    if (e[i] != '^' || i + 1 >= e.size()) {
      o += e[i];
      continue;
    }
    std::size_t start = i + 1, end = start;
    if (e[start] == '(') {
      end = e.find(')', start);
      if (end == std::string::npos) {
        o += e[i];
        continue;
      }
      o += "<sup>" + e.substr(start + 1, end - start - 1) + "</sup>";
      i = end;
      continue;
    }
    if (e[end] == '-' || e[end] == '+') ++end;
    while (end < e.size() && (std::isalnum(static_cast<unsigned char>(e[end])) || e[end] == '.' || e[end] == '/')) ++end;
    if (end > start && e[end - 1] == '.') --end;  // a full stop ends the sentence, not the exponent
    if (end == start) {
      o += e[i];
      continue;
    }
    o += "<sup>" + e.substr(start, end - start) + "</sup>";
    i = end - 1;
  }
  return o;
}

// Numbers for the HTML tables (a dash where there is none) and for plain text (the closing note goes
// to stdout and report.json as well, and is escaped when it enters the HTML).
std::string g(double v) { return std::isfinite(v) ? fmt::format("{:.4g}", v) : std::string("&ndash;"); }
std::string g(const std::optional<double>& v) { return v ? g(*v) : std::string("&ndash;"); }
std::string text(double v) { return std::isfinite(v) ? fmt::format("{:.4g}", v) : std::string("n/a"); }
std::string text(const std::optional<double>& v) { return v ? text(*v) : std::string("n/a"); }
std::string name_of(model::ObservableId id) { return std::string(model::observable_names()[std::size_t(id)]); }

std::string table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows)
{
  std::string s = "<table>\n<tr>";
  for (const auto& h : head) s += "<th>" + h + "</th>";
  s += "</tr>\n";
  for (const auto& r : rows) {
    s += "<tr>";
    for (const auto& c : r) s += "<td>" + c + "</td>";
    s += "</tr>\n";
  }
  return s + "</table>\n";
}

const SlopeFit* find_fit(const ReportData& d, FitFamily family, const std::string& subject)
{
  for (const auto& f : d.particles.fits)
    if (f.family == family && f.subject == subject) return &f;
  return nullptr;
}

}  // namespace

std::string closing_note(const ReportData& d)
{
  std::string s;
  const auto& lv = d.particles.levels;
  if (!lv.empty()) {
    const auto& big = lv.back();
    const auto r = std::size_t(model::ObservableId::rate), c = std::size_t(model::ObservableId::mean_calcium);
    s += fmt::format(
        "With N = {} neurons and {} replicas, the mean over replicas stays within {} of the limit's rate and within {} "
        "of its mean calcium over the whole horizon (the standard deviation across replicas is at most {} and {}). ",
        big.neurons, big.replicas, text(big.sup_error[r]), text(big.sup_error[c]), text(big.sup_std[r]), text(big.sup_std[c]));
    // The limit is itself known only to its error estimate (the characteristic scheme's): say how
    // large, so that a distance at that level is not read as the particles'.
    if (const auto& acc = d.reference.accuracy) {
      s += fmt::format("The limit is itself uncertain by about {} in the rate and {} in the mean calcium (its error "
                       "estimates); distances near that level cannot be attributed to the particles. ",
                       text(acc->observable_error[r]), text(acc->observable_error[c]));
    }
    if (const auto* f = find_fit(d, FitFamily::fluctuation, name_of(model::ObservableId::rate)); f && f->fit)
      s += fmt::format("The fluctuations of the rate across replicas scale like N^{} (95% interval [{}, {}]; the "
                       "central limit theorem predicts -0.5). ",
                       text(f->fit->slope), text(f->fit->ci_low), text(f->fit->ci_high));
    if (d.limit.exit_time && big.exit.summary)
      s += fmt::format("The limit leaves the memory region at tau = {:.9g} +- {}; with N = {}, {} of {} replicas left "
                       "it, at a mean time of {} (standard error {}, standard deviation {}). ",
                       *d.limit.exit_time,
                       text(d.reference.accuracy ? d.reference.accuracy->exit_time_error : std::nullopt), big.neurons, big.exit.exited, big.exit.replicas,
                       text(big.exit.summary->mean), text(big.exit.summary->stderr_), text(big.exit.summary->std));
    else if (d.limit.exit_time)
      s += fmt::format("The limit leaves the memory region at tau = {}; no replica of N = {} left it before the end. ",
                       text(d.limit.exit_time), big.neurons);
    else
      s += "The limit does not leave the memory region within the horizon. ";
  }
  {
    const ExitLaw& law = d.exit_law.law;
    std::string regimes;
    long censored = 0;
    for (const auto& l : law.levels) {
      regimes += fmt::format("{}N = {}: {}", regimes.empty() ? "" : ", ", l.neurons, to_string(l.regime));
      censored += l.censored;
    }
    if (!regimes.empty())
      s += fmt::format("Exit-time law at finite N ({}; {} censored runs). ", regimes, censored);
    if (law.bias)
      s += fmt::format("Bias E[tau_N] - tau_inf = b / N with b = {} ({}% interval [{}, {}], chi-square p = {}). ",
                       text(law.bias->slope), text(100.0 * law.level), text(law.bias->slope_low),
                       text(law.bias->slope_high), text(law.bias->p_value));
    if (!law.levels.empty() && law.levels.back().spread)
      s += fmt::format("Spread sqrt(N) sd(tau_N) at N = {}: {} [{}, {}]. ", law.levels.back().neurons,
                       text(law.levels.back().spread->value), text(law.levels.back().spread->low),
                       text(law.levels.back().spread->high));
    if (law.growth)
      s += fmt::format("Metastable: log E[tau_N] grows like {} N ({}% interval [{}, {}]). ", text(law.growth->slope),
                       text(100.0 * law.level), text(law.growth->slope_low), text(law.growth->slope_high));
  }
  for (const auto& row : d.mesh.observables)
    if (row.quantity == "rate" && !row.orders.empty())
      s += fmt::format("Mesh study: the rate's differences between successive meshes shrink with observed order {}",
                       text(row.orders.back()));
  if (d.mesh.exit_time && !d.mesh.exit_time->orders.empty())
    s += fmt::format(", the exit time's with order {} (Richardson value {})", text(d.mesh.exit_time->orders.back()),
                     text(d.mesh.exit_time->extrapolated));
  if (!d.mesh.levels.empty())
    s += fmt::format("; the largest mass error on the finest mesh is {}.", text(d.mesh.levels.back().max_mass_error));
  return s;
}

std::string report_html(const ReportData& d, const std::vector<FigureFile>& figures,
                        const std::filesystem::path& figure_folder)
{
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<title>stf report: " + esc(d.study_case.name) + "</title>\n";
  h += "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;line-height:1.45;color:#222}"
       "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}td,th{border:1px solid #bbb;padding:3px 8px;"
       "text-align:right}th{background:#eee}figure{margin:1.5em 0}img{max-width:100%}figcaption{font-size:0.9em;"
       "color:#444}pre{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:0.85em}.note{background:#eef6ee;"
       "padding:1em;border-left:4px solid #4a4}</style>\n</head>\n<body>\n";
  h += "<h1>Limit against particles: " + esc(d.study_case.name) + "</h1>\n";
  if (!d.study_case.description.empty()) h += "<p>" + esc(d.study_case.description) + "</p>\n";
  h += fmt::format("<p>Generated by stf {} ({}){}; the studies took {:.1f} s. The numbers below are also in "
                   "<code>report.json</code>.</p>\n",
                   esc(io::stf_version), esc(io::stf_git_hash), d.sizes.quick ? ", <b>quick study</b> (reduced sizes)" : "",
                   d.wall_seconds);
  h += "<div class=\"note\"><b>Summary.</b> " + prose(d.closing_note) + "</div>\n";

  // Mesh study.
  h += "<h2>Mesh study of the limit</h2>\n<p>The limit density is computed on meshes refined by two in both the "
       "potential and the calcium direction. Without an exact solution, the error is measured by the sup over time "
       "of the difference of each observable between successive meshes; if the scheme has order p these "
       "differences shrink by 2<sup>p</sup>, which gives the observed orders. The exit time is extrapolated "
       "(Richardson) from the two finest meshes with its last observed order.</p>\n";
  {
    std::vector<std::vector<std::string>> rows;
    for (const auto& l : d.mesh.levels)
      rows.push_back({std::to_string(l.cells_u) + " &times; " + std::to_string(l.cells_c), g(l.du), g(l.dc),
                      std::to_string(l.steps), g(l.wall_seconds), g(l.max_mass_error), g(l.lost_mass),
                      g(l.exit_time)});
    h += table({"cells (u &times; c)", "du", "dc", "steps", "wall (s)", "max mass error", "lost mass", "exit time"},
               rows);
    std::vector<std::string> head{"quantity"};
    const std::size_t nd = d.mesh.levels.size() > 0 ? d.mesh.levels.size() - 1 : 0;
    for (std::size_t k = 0; k < nd; ++k) head.push_back(fmt::format("difference {}&ndash;{}", k + 1, k + 2));
    for (std::size_t k = 0; k + 1 < nd; ++k) head.push_back(fmt::format("order {}", k + 1));
    head.push_back("extrapolated");
    std::vector<std::vector<std::string>> crow;
    auto add_row = [&](const ConvergenceRow& r) {
      std::vector<std::string> row{r.quantity};
      for (double x : r.differences) row.push_back(g(x));
      for (const auto& o : r.orders) row.push_back(g(o));
      row.push_back(g(r.extrapolated));
      crow.push_back(row);
    };
    for (const auto& r : d.mesh.observables) add_row(r);
    if (d.mesh.exit_time) add_row(*d.mesh.exit_time);
    h += table(head, crow);
  }

  // The error-barred limit and the two schemes.
  {
    const WorkPrecision w = work_precision(d);
    // Exit times to the digits their errors resolve (g() keeps 4).
    auto precise = [](const std::optional<double>& v) { return v ? fmt::format("{:.9g}", *v) : std::string("&ndash;"); };
    h += fmt::format("<h2>The limit with an error bar</h2>\n<p>The particles are compared with the characteristic "
                     "scheme refined until its own estimate of the error of the exit time and of every observable is "
                     "below a relative {} (section 12 of docs/numerical-method.md): exit time <b>{} &plusmn; {}</b>{}. "
                     "Its levels and the meshes of the study above, each with its wall time and the error of its exit "
                     "time against that reference, are the data of the work-precision figure.",
                     g(d.sizes.limit_tolerance), precise(w.reference), g(w.reference_error),
                     d.reference.accuracy && !d.reference.accuracy->converged
                         ? " (<b>not converged</b>: " + esc(d.reference.accuracy->stop_reason) + ")"
                         : std::string());
    if (w.muscl_difference)
      h += fmt::format(" The finest mesh's exit time differs from it by {}{}.", g(w.muscl_difference),
                       w.agree ? fmt::format(", {} the two estimates together ({} + {})",
                                             *w.agree ? "within" : "<b>beyond</b>", g(w.muscl_error),
                                             g(w.reference_error))
                               : std::string());
    h += "</p>\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : w.characteristic)
      rows.push_back({"characteristic", esc(p.resolution), g(p.wall_seconds), precise(p.exit_time), g(p.error)});
    for (const auto& p : w.muscl)
      rows.push_back({"MUSCL", esc(p.resolution), g(p.wall_seconds), precise(p.exit_time), g(p.error)});
    h += table({"scheme", "level", "wall (s)", "exit time", "|exit time &minus; reference|"}, rows);
  }

  // Particles.
  h += "<h2>Particles against the limit</h2>\n<p>For each network size N the finite system is simulated exactly "
       "R times from independent initial conditions. The tables give, for each observable, the sup over time of "
       "the distance between the mean over replicas and the limit, and the sup over time of the standard deviation "
       "across replicas (which should scale like N<sup>-1/2</sup>); W1 is the Wasserstein-1 distance between one "
       "replica's empirical marginal and the limit's, averaged over the recorded replicas. It has two parts: the "
       "sampling error of N points, of order N<sup>-1/2</sup>, and the limit's own resolution. With a Dirac stimulus "
       "and a linear calcium leak, every neuron that never reached c = 0 has its calcium on the lattice "
       "c<sub>0</sub> &minus; &beta;t + k (k its number of spikes); the finite volumes spread each of these lines over "
       "a few calcium cells, so the calcium distance levels off at a fraction of the cell width dc.</p>\n";
  {
    std::vector<std::string> head{"N", "R", "spikes", "wall (s)"};
    for (auto id : compared_observables()) head.push_back("|mean &minus; limit| " + name_of(id));
    std::vector<std::vector<std::string>> rows, rows_std, rows_w;
    for (const auto& l : d.particles.levels) {
      std::vector<std::string> r{std::to_string(l.neurons), std::to_string(l.replicas), std::to_string(l.total_spikes),
                                 g(l.wall_seconds)};
      std::vector<std::string> rs{std::to_string(l.neurons)};
      for (auto id : compared_observables()) {
        r.push_back(g(l.sup_error[std::size_t(id)]));
        rs.push_back(g(l.sup_std[std::size_t(id)]));
      }
      rows.push_back(r);
      rows_std.push_back(rs);
      for (const auto& w : l.wasserstein)
        rows_w.push_back({std::to_string(l.neurons), g(w.t), std::to_string(w.samples),
                          g(w.potential) + " &plusmn; " + g(w.potential_stderr),
                          g(w.calcium) + " &plusmn; " + g(w.calcium_stderr)});
    }
    h += table(head, rows);
    std::vector<std::string> head_std{"N"};
    for (auto id : compared_observables()) head_std.push_back("std " + name_of(id));
    h += table(head_std, rows_std);
    if (!rows_w.empty())
      h += table({"N", "t", "replicas", "W1 potential (&plusmn; s.e.)", "W1 calcium (&plusmn; s.e.)"}, rows_w);
    std::vector<std::vector<std::string>> frows;
    for (const auto& f : d.particles.fits)
      frows.push_back({f.quantity, f.fit ? g(f.fit->slope) : "&ndash;",
                       f.fit ? "[" + g(f.fit->ci_low) + ", " + g(f.fit->ci_high) + "]" : "&ndash;",
                       f.fit ? std::to_string(f.fit->points) : "0"});
    h += fmt::format("<p>Slopes of log-log least-squares fits against N, with 95% confidence intervals from "
                     "Student's t with n &minus; 2 degrees of freedom for a fit through n sizes ({} sizes here, so "
                     "{} degree{} of freedom; the intervals are wide when there are few).</p>\n",
                     d.particles.levels.size(), d.particles.levels.size() < 2 ? 0 : d.particles.levels.size() - 2,
                     d.particles.levels.size() == 3 ? "" : "s");
    h += table({"quantity", "slope", "95% interval", "points"}, frows);
  }

  // Exit times.
  h += "<h2>Exit times from the memory region</h2>\n";
  h += "<p>Limit exit time: <b>" + g(d.limit.exit_time) + "</b>.</p>\n";
  {
    std::vector<std::vector<std::string>> rows;
    for (const auto& l : d.particles.levels) {
      const auto& e = l.exit;
      auto q = [&](double p) {
        for (const auto& [lv, v] : e.quantiles)
          if (std::abs(lv - p) < 1e-9) return g(v);
        return std::string("&ndash;");
      };
      rows.push_back({std::to_string(l.neurons), std::to_string(e.exited) + " / " + std::to_string(e.replicas),
                      e.summary ? g(e.summary->mean) : "&ndash;", e.summary ? g(e.summary->std) : "&ndash;",
                      e.summary ? g(e.summary->stderr_) : "&ndash;", q(0.05), q(0.25), q(0.5), q(0.75), q(0.95),
                      g(e.mean_error)});
    }
    h += table({"N", "exited", "mean", "std", "s.e.", "5%", "25%", "median", "75%", "95%", "|mean &minus; limit|"},
               rows);
  }

  // The exit-time law at finite N.
  {
    const ExitLaw& law = d.exit_law.law;
    h += "<h2>The exit-time law at finite N</h2>\n<p>Replicas that report only their exit time (each stops "
         "at its exit, found between events; the particle study's replicas of a size, same seed and horizon, "
         "count as its first ones), as many per size as a standard error of " +
         g(d.sizes.exit_precision) + " on the mean asks, within " + g(d.sizes.exit_budget) +
         " s per size, each run to the horizon " + g(d.sizes.exit_horizon) +
         " (report.exit_horizon). Runs still inside the region at the horizon are censored: counted, and the mean "
         "is then the exponential maximum-likelihood one (total time on test / exits, chi-square interval). "
         "Limit exit time tau_inf: <b>" + g(law.tau_inf) + "</b>." +
         (law.settle_time ? " The limit settles on its active state by t = " + g(*law.settle_time) +
                                " (rate and mean calcium within 1% of their final values): the exponential test is of "
                                "the time beyond it, over the runs still inside then (the exits before it are early "
                                "exits, counted)."
                          : std::string()) +
         " Tests at level " + g(law.test_level) +
         "; intervals at " + g(100.0 * law.level) + "%.</p>\n";
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < law.levels.size(); ++i) {
      const auto& l = law.levels[i];
      const bool reached = i < d.exit_law.runs.size() && d.exit_law.runs[i].precision_reached;
      const long reused = i < d.exit_law.runs.size() ? d.exit_law.runs[i].reused : 0;
      rows.push_back({std::to_string(l.neurons),
                      std::to_string(l.replicas) + (reused > 0 ? " (" + std::to_string(reused) + " reused)" : "") +
                          (reached ? "" : " (budget)"),
                      std::to_string(l.censored), std::to_string(l.early_exits), l.summary ? g(l.summary->mean) + " &plusmn; " + g(l.summary->stderr_) : "&ndash;",
                      l.mean ? g(l.mean->mean) + " [" + g(l.mean->ci_low) + ", " + g(l.mean->ci_high) + "]" : "&ndash;",
                      l.spread ? g(l.spread->value) + " [" + g(l.spread->low) + ", " + g(l.spread->high) + "]" : "&ndash;",
                      l.normality ? g(l.normality->p_value) : "&ndash;", l.exponential ? g(l.exponential->p_value) : "&ndash;",
                      esc(to_string(l.regime))});
    }
    h += table({"N", "replicas", "censored", "early exits", "mean exit (&plusmn; s.e.)", "censored-ML mean [interval]",
                "sqrt(N) sd [interval]", "normality p (AD)", "Exp(1) p (KS)", "regime"},
               rows);
    for (const auto& l : law.levels) h += "<p>N = " + std::to_string(l.neurons) + ": " + esc(l.reason) + ".</p>\n";
    if (law.bias) {
      std::string res;
      for (double r : law.bias->residuals) res += (res.empty() ? "" : ", ") + g(r);
      h += "<p>Bias: E[tau_N] = tau_inf + b / N with b = <b>" + g(law.bias->slope) + "</b> [" + g(law.bias->slope_low) +
           ", " + g(law.bias->slope_high) + "]; residuals in standard errors: " + res + " (chi-square p = " +
           g(law.bias->p_value) + ").</p>\n";
    }
    if (law.spread_fit)
      h += "<p>Spread: sqrt(N) sd(tau_N) = s + c / N with large-N value s = <b>" + g(law.spread_fit->intercept) +
           "</b> [" + g(law.spread_fit->intercept_low) + ", " + g(law.spread_fit->intercept_high) + "], c = " +
           g(law.spread_fit->slope) + " (chi-square p = " + g(law.spread_fit->p_value) + ").</p>\n";
    if (law.growth)
      h += "<p>Metastability: log E[tau_N] = a + rate N with rate = <b>" + g(law.growth->slope) + "</b> [" +
           g(law.growth->slope_low) + ", " + g(law.growth->slope_high) + "] (chi-square p = " +
           g(law.growth->p_value) + ").</p>\n";
    // Links to this section's figures, those that were drawn (each needs its data).
    std::string links;
    for (const char* stem : {"exit_bias", "exit_spread", "exit_standardised", "exit_scaled_exponential", "exit_growth"})
      for (const auto& f : figures)
        if (f.file == std::string(stem) + ".png")
          links += std::string(links.empty() ? "" : ", ") + "<a href=\"#" + stem + "\">" + stem + "</a>";
    if (!links.empty()) h += "<p>Figures: " + links + ".</p>\n";
  }

  h += "<h2>Figures</h2>\n";
  for (const auto& f : figures) {
    h += "<figure id=\"" + esc(std::filesystem::path(f.file).stem().string()) + "\"><img src=\"" +
         png_data_uri(figure_folder / f.file) + "\" alt=\"" + esc(f.file) + "\">";
    std::string files = "<code>figures/" + esc(f.file) + "</code>";
    for (const auto& csv : f.data) files += ", <code>data/" + esc(csv) + "</code>";
    h += "<figcaption>" + prose(f.caption) + " (" + files + ")</figcaption></figure>\n";
  }
  h += "<h2>Case</h2>\n<pre>" + esc(model::to_toml(d.study_case)) + "</pre>\n";
  h += "<h2>Closing note</h2>\n<p>" + prose(d.closing_note) + "</p>\n</body>\n</html>\n";
  return h;
}

void write_report(const ReportData& data, const io::OutputFolder& folder)
{
  const auto fig_dir = folder.file("figures");
  const auto data_dir = folder.file("data");
  for (const auto& dir : {fig_dir, data_dir}) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw io::IoError("cannot create " + dir.string() + ": " + ec.message());
  }
  const auto figures = make_report_figures(data, {fig_dir, data_dir});
  io::write_text_file(folder.file("report.json"), report_json(data, figures).dump(2) + "\n");
  io::write_text_file(folder.file("report.html"), report_html(data, figures, fig_dir));
  io::write_text_file(folder.file("case.toml"), model::to_toml(data.study_case));
}

}  // namespace stf::validation
