// The reductions against the limit: runs, errors, files and figures of `stf reduce`.
#include "validation/reduce_comparison.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "io/csv_table.hpp"
#include "io/provenance.hpp"
#include "model/case_reader.hpp"
#include "model/input_error.hpp"
#include "validation/figures.hpp"
#include "validation/gnuplot.hpp"

namespace stf::validation {

namespace {

using nlohmann::json;

json num(const std::optional<double>& v) { return v && std::isfinite(*v) ? json(*v) : json(nullptr); }

std::string name_of(model::ObservableId id) { return std::string(model::observable_names()[std::size_t(id)]); }

/// The observables a reduction is compared on: those it defines, except the mass (1 by construction).
std::vector<model::ObservableId> compared_observables(const reduce::ReductionRun& run)
{
  std::vector<model::ObservableId> ids;
  for (std::size_t k = 0; k < model::observable_count; ++k)
    if (run.defines[k] && model::ObservableId(k) != model::ObservableId::mass) ids.push_back(model::ObservableId(k));
  return ids;
}

json run_summary(const model::Case& c, const reduce::ReductionRun& r)
{
  std::vector<std::string> absent;
  for (std::size_t k = 0; k < model::observable_count; ++k)
    if (!r.defines[k]) absent.push_back(name_of(model::ObservableId(k)));
  return json{{"stf_version", io::stf_version},
              {"stf_git_hash", io::stf_git_hash},
              {"case", c.name},
              {"overrides", c.overrides},
              {"method", r.method},
              {"exit_time", num(r.exit_time)},
              {"exit_rule_defined", r.exit_rule_defined},
              {"absent_observables", absent},
              {"integrator", "runge_kutta_dopri5, dense output (Boost.Odeint)"},
              {"abs_tol", r.abs_tol},
              {"rel_tol", r.rel_tol},
              {"steps", r.steps},
              {"rhs_evaluations", r.rhs_evaluations},
              {"wall_seconds", r.wall_seconds},
              {"final_state", r.final_state},
              {"interrupted", r.interrupted}};
}

void write_observables(const std::filesystem::path& path, const reduce::ReductionRun& r)
{
  std::vector<std::string> cols{"t"};
  for (const auto& n : model::observable_names()) cols.emplace_back(n);
  io::CsvTable table(cols);
  for (std::size_t i = 0; i < r.times.size(); ++i) {
    std::vector<std::optional<double>> row{r.times[i]};
    for (std::size_t k = 0; k < model::observable_count; ++k)
      row.push_back(r.defines[k] ? std::optional<double>(r.observables[i].values[k]) : std::nullopt);
    table.add_row(row);
  }
  table.write(path);
}

/// One observable over time: the limit (dashed black) and each reduction defining it (lines).
FigureFile plot_observable(const std::filesystem::path& folder, const ReduceStudy& s, model::ObservableId id)
{
  const std::string stem = "observable_" + name_of(id);
  std::string data, plot;
  int index = 0;
  auto block = [&](const std::vector<double>& t, const std::vector<model::Observables>& obs, const std::string& style,
                   const std::string& label) {
    for (std::size_t i = 0; i < std::min(t.size(), obs.size()); ++i)
      if (std::isfinite(obs[i][id])) data += fmt::format("{:.10g} {:.10g}\n", t[i], obs[i][id]);
    data += "\n\n";
    plot += fmt::format("{}'{}.dat' index {} using 1:2 with lines {} title {}", index ? ", \\\n     " : "", stem,
                        index, style, gnuplot_quote(label));
    ++index;
  };
  constexpr const char* colours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"};
  if (s.limit) block(s.limit->times, s.limit->observables, "lw 3 dt 2 lc rgb 'black'", "limit");
  for (std::size_t m = 0; m < s.runs.size(); ++m)
    if (s.runs[m].defines[std::size_t(id)])
      block(s.runs[m].times, s.runs[m].observables, fmt::format("lw 1.8 lc rgb '{}'", colours[m % 5]), s.runs[m].method);
  io::write_text_file(folder / (stem + ".dat"), data);
  std::string script = pngcairo_terminal(stem);
  script += "set title " + gnuplot_quote(name_of(id) + ": the limit and the rate reductions") + "\n";
  script += "set xlabel 'time t'\nset ylabel " + gnuplot_quote(name_of(id)) + "\nset grid\nset key top right\n";
  if (s.limit && s.limit->exit_time)
    script += fmt::format("set arrow from {0}, graph 0 to {0}, graph 1 nohead lw 1.5 dt 3 lc rgb '#555555'\n",
                          *s.limit->exit_time);
  script += "plot " + plot + "\n";
  run_gnuplot(folder, stem, script);
  return {stem + ".png", name_of(id) + " over time: limit (dashed) and reductions", {}};
}

}  // namespace

MethodComparison compare_with_limit(const reduce::ReductionRun& run, const solver::Solution& limit)
{
  MethodComparison m;
  m.method = run.method;
  if (run.exit_time && limit.exit_time) {
    m.exit_error = *run.exit_time - *limit.exit_time;
    m.exit_rel_error = *m.exit_error / *limit.exit_time;
  }
  const double until = limit.exit_time.value_or(std::numeric_limits<double>::infinity());
  for (auto id : compared_observables(run)) {
    ObservableError e{id, 0.0, 0.0};
    double scale = 0.0;
    const std::size_t n = std::min(run.times.size(), limit.times.size());
    for (std::size_t i = 0; i < n && limit.times[i] <= until; ++i) {
      e.max_abs = std::max(e.max_abs, std::abs(run.observables[i][id] - limit.observables[i][id]));
      scale = std::max(scale, std::abs(limit.observables[i][id]));
    }
    e.max_rel = scale > 0.0 ? e.max_abs / scale : 0.0;
    m.errors.push_back(e);
  }
  return m;
}

ReduceStudy run_reduce_study(const std::filesystem::path& case_file, const std::vector<std::string>& overrides,
                             const ReduceStudyOptions& options, MPI_Comm comm)
{
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  ReduceStudy s;
  // The limit solver's section is read only when the limit is solved (--compare).
  s.base = model::read_case(case_file, overrides, {.solver = options.compare, .report = false});
  std::vector<std::string> methods = options.methods.empty() ? s.base.reduce.methods : options.methods;
  for (const auto& m : methods) {
    const auto& valid = model::reduction_method_names();
    if (std::find(valid.begin(), valid.end(), m) == valid.end())
      throw model::InputError("--method", 0, m, fmt::format("unknown reduction; valid: {}", fmt::join(valid, ", ")));
  }
  // Validate the memory-curve cases before any run (bad input fails fast).
  std::vector<model::Case> memory_cases;
  if (options.memory_c0) {
    if (!s.base.initial.C.is_dirac())
      throw model::InputError(case_file.string(), 0, "initial.C",
                              "the memory curve varies initial.C.at, so it needs a Dirac calcium stimulus");
    for (double c0 : *options.memory_c0) {
      auto ov = overrides;
      ov.push_back(fmt::format("initial.C.at={}", c0));
      memory_cases.push_back(model::read_case(case_file, ov));
    }
  }
  reduce::IntegrateOptions io;
  io.stop = options.stop;
  for (const auto& m : methods) {
    if (options.progress && rank == 0) fmt::print(stderr, "stf reduce: {}\n", m);
    s.runs.push_back(reduce::run_reduction(m, s.base, io));
    if (s.runs.back().interrupted) {
      s.interrupted = true;
      return s;
    }
  }
  if (options.compare) {
    if (options.progress && rank == 0) fmt::print(stderr, "stf reduce: the limit\n");
    solver::SolveOptions so;
    so.stop = options.stop;
    so.progress = options.progress;
    s.limit = solver::solve(s.base, so, comm);
    if (s.limit->interrupted) {
      s.interrupted = true;
      return s;
    }
    for (const auto& r : s.runs) s.comparisons.push_back(compare_with_limit(r, *s.limit));
  }
  reduce::IntegrateOptions fast;
  fast.sample = false;  // the exit time alone
  fast.stop = options.stop;
  for (std::size_t k = 0; k < memory_cases.size(); ++k) {
    const auto& c = memory_cases[k];
    MemoryPoint p;
    p.c0 = (*options.memory_c0)[k];
    if (options.progress && rank == 0) fmt::print(stderr, "stf reduce: memory curve, c0 = {:g}\n", p.c0);
    for (const auto& m : methods) {
      const auto r = reduce::run_reduction(m, c, fast);
      if (r.interrupted) {
        s.interrupted = true;
        return s;
      }
      p.exits.push_back(r.exit_time);
      p.walls.push_back(r.wall_seconds);
    }
    if (options.compare) {
      if (solver::stop_requested_on_any_rank(options.stop, comm)) {
        s.interrupted = true;
        return s;
      }
      solver::SolveOptions so;
      so.stop = options.stop;
      const auto lim = solver::solve(c, so, comm);
      if (lim.interrupted) {
        s.interrupted = true;
        return s;
      }
      p.limit_exit = lim.exit_time;
      p.limit_wall = lim.wall_seconds;
    }
    s.memory.push_back(std::move(p));
  }
  return s;
}

void write_reduce_study(const ReduceStudy& s, const io::OutputFolder& folder)
{
  for (const auto& r : s.runs) {
    std::filesystem::create_directories(folder.file(r.method));
    write_observables(folder.file(r.method) / "observables.csv", r);
    io::write_text_file(folder.file(r.method) / "summary.json", run_summary(s.base, r).dump(2) + "\n");
  }
  io::write_text_file(folder.file("case.toml"), model::to_toml(s.base));

  json figures = json::array();
  if (s.limit || !s.runs.empty()) {
    std::vector<model::ObservableId> shown{model::ObservableId::rate, model::ObservableId::drive,
                                           model::ObservableId::mean_potential, model::ObservableId::mean_calcium,
                                           model::ObservableId::var_potential, model::ObservableId::var_calcium};
    for (auto id : shown) {
      bool any = s.limit.has_value();
      for (const auto& r : s.runs) any = any || r.defines[std::size_t(id)];
      if (any) figures.push_back(plot_observable(folder.staging(), s, id).file);
    }
  }
  json memory = json::array();
  if (!s.memory.empty()) {
    CurveFigure f;
    f.title = "memory curve: exit time against the stimulus strength c0";
    f.xlabel = "initial.C.at (c0)";
    f.ylabel = "exit time from the memory region";
    if (s.limit) {
      CurveFigure::Curve lim{"limit", {}, {}, {}};
      for (const auto& p : s.memory)
        if (p.limit_exit) {
          lim.x.push_back(p.c0);
          lim.y.push_back(*p.limit_exit);
        }
      if (!lim.x.empty()) f.curves.push_back(lim);
    }
    for (std::size_t m = 0; m < s.runs.size(); ++m) {
      CurveFigure::Curve cv{s.runs[m].method, {}, {}, {}};
      for (const auto& p : s.memory)
        if (p.exits[m]) {
          cv.x.push_back(p.c0);
          cv.y.push_back(*p.exits[m]);
        }
      if (!cv.x.empty()) f.curves.push_back(cv);
    }
    if (!f.curves.empty()) figures.push_back(plot_curves(folder.staging(), "memory_curve", f, f.title).file);
    for (const auto& p : s.memory) {
      json jp{{"c0", p.c0}, {"limit_exit_time", num(p.limit_exit)}, {"limit_wall_seconds", p.limit_wall}};
      json per = json::object();
      for (std::size_t m = 0; m < s.runs.size(); ++m) {
        std::optional<double> rel;
        if (p.exits[m] && p.limit_exit) rel = (*p.exits[m] - *p.limit_exit) / *p.limit_exit;
        per[s.runs[m].method] = {{"exit_time", num(p.exits[m])}, {"exit_rel_error", num(rel)}, {"wall_seconds", p.walls[m]}};
      }
      jp["reductions"] = per;
      memory.push_back(jp);
    }
  }

  // comparison.json / comparison.csv: one row per reduction (with the limit; without it, the
  // reductions' exit times and wall times alone).
  std::vector<std::string> cols{"method", "exit_time", "limit_exit_time", "exit_error", "exit_rel_error", "wall_seconds",
                                "limit_wall_seconds"};
  for (std::size_t k = 0; k < model::observable_count; ++k)
    if (model::ObservableId(k) != model::ObservableId::mass) {
      cols.push_back("max_abs_error_" + name_of(model::ObservableId(k)));
      cols.push_back("max_rel_error_" + name_of(model::ObservableId(k)));
    }
  std::string csv = fmt::format("{}\n", fmt::join(cols, ","));
  // Absent values are NaN here and empty fields in the CSV.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto field = [](double v) { return std::isfinite(v) ? fmt::format("{}", v) : std::string(); };
  auto value = [nan](const std::optional<double>& v) { return v ? *v : nan; };
  json methods = json::array();
  const double lim_exit = s.limit ? value(s.limit->exit_time) : nan;
  const double lim_wall = s.limit ? s.limit->wall_seconds : nan;
  for (std::size_t m = 0; m < s.runs.size(); ++m) {
    const auto& r = s.runs[m];
    const MethodComparison* cmp = m < s.comparisons.size() ? &s.comparisons[m] : nullptr;
    std::vector<std::string> row{r.method,
                                 field(value(r.exit_time)),
                                 field(lim_exit),
                                 field(cmp ? value(cmp->exit_error) : nan),
                                 field(cmp ? value(cmp->exit_rel_error) : nan),
                                 field(r.wall_seconds),
                                 field(lim_wall)};
    json errors = json::object();
    for (std::size_t k = 0; k < model::observable_count; ++k) {
      const auto id = model::ObservableId(k);
      if (id == model::ObservableId::mass) continue;
      double a = nan, rel = nan;
      if (cmp)
        for (const auto& e : cmp->errors)
          if (e.id == id) {
            a = e.max_abs;
            rel = e.max_rel;
            errors[name_of(id)] = {{"max_abs", e.max_abs}, {"max_rel", e.max_rel}};
          }
      row.push_back(field(a));
      row.push_back(field(rel));
    }
    csv += fmt::format("{}\n", fmt::join(row, ","));
    methods.push_back(json{{"method", r.method},
                           {"exit_time", num(r.exit_time)},
                           {"exit_rule_defined", r.exit_rule_defined},
                           {"exit_error", num(cmp ? cmp->exit_error : std::nullopt)},
                           {"exit_rel_error", num(cmp ? cmp->exit_rel_error : std::nullopt)},
                           {"max_errors_before_exit", errors},
                           {"wall_seconds", r.wall_seconds},
                           {"steps", r.steps}});
  }
  io::write_text_file(folder.file("comparison.csv"), csv);
  json limit = nullptr;
  if (s.limit)
    limit = {{"exit_time", num(s.limit->exit_time)},
             {"wall_seconds", s.limit->wall_seconds},
             {"steps", s.limit->steps},
             {"cells", s.limit->cells},
             {"max_mass_error", s.limit->max_mass_error}};
  const json j{{"stf_version", io::stf_version},
               {"stf_git_hash", io::stf_git_hash},
               {"case", s.base.name},
               {"overrides", s.base.overrides},
               {"abs_tol", s.base.reduce.abs_tol},
               {"rel_tol", s.base.reduce.rel_tol},
               {"limit", limit},
               {"reductions", methods},
               {"memory_curve", memory},
               {"figures", figures},
               {"interrupted", s.interrupted}};
  io::write_text_file(folder.file("comparison.json"), j.dump(2) + "\n");
}

}  // namespace stf::validation
