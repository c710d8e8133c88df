// The parameter sweep and the memory curve (MODEL.md §4).
#include "validation/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/core.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "io/csv_table.hpp"
#include "io/provenance.hpp"
#include "model/case_reader.hpp"
#include "model/input_error.hpp"
#include "particles/ensemble.hpp"
#include "reduce/integrate.hpp"
#include "solver/solve.hpp"
#include "solver/solver_failure.hpp"
#include "validation/figures.hpp"
#include "validation/particle_study.hpp"
#include "validation/sweep_gather.hpp"

namespace stf::validation {

std::vector<double> SweepSpec::values() const
{
  std::vector<double> v;
  for (long k = 0; k < count; ++k)
    v.push_back(k + 1 == count ? stop : start + (stop - start) * double(k) / double(count - 1));
  return v;
}

SweepSpec parse_sweep_spec(const std::string& text)
{
  auto fail = [&](const std::string& why) {
    return model::InputError("--vary " + text, 0, "", why + " (expected KEY=START:STOP:COUNT, e.g. initial.C.at=5:20:7)");
  };
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) throw fail("no KEY=");
  SweepSpec s;
  s.key = text.substr(0, eq);
  const std::string range = text.substr(eq + 1);
  const auto c1 = range.find(':');
  const auto c2 = c1 == std::string::npos ? std::string::npos : range.find(':', c1 + 1);
  if (c2 == std::string::npos) throw fail("the range needs START:STOP:COUNT");
  try {
    std::size_t used = 0;
    const std::string a = range.substr(0, c1), b = range.substr(c1 + 1, c2 - c1 - 1), n = range.substr(c2 + 1);
    s.start = std::stod(a, &used);
    if (used != a.size()) throw fail("START is not a number");
    s.stop = std::stod(b, &used);
    if (used != b.size()) throw fail("STOP is not a number");
    s.count = std::stol(n, &used);
    if (used != n.size()) throw fail("COUNT is not an integer");
  } catch (const std::logic_error&) {
    throw fail("START, STOP and COUNT must be numbers");
  }
  if (!std::isfinite(s.start) || !std::isfinite(s.stop)) throw fail("START and STOP must be finite");
  if (s.count < 2) throw fail("COUNT must be at least 2");
  // Each value is a whole run of the limit (and of the network): more than this is never meant.
  if (s.count > max_sweep_points) throw fail(fmt::format("COUNT must be at most {}", max_sweep_points));
  return s;
}

std::string sweep_status(const SweepPoint& p)
{
  if (!p.error.empty()) return "failed";
  return p.limit_exit_time ? "ok" : "no_exit";
}

namespace {

/// The limit (or the reduction) at one point, solved over `comm`; nullopt if interrupted. A
/// SolverFailure is the point's result (recorded with its reason): the sweep goes on, since the
/// other points are results. (Over several ranks every rank throws alike: the checks are collective.)
std::optional<SweepPoint> limit_point(const model::Case& c, SweepPoint p, const SweepOptions& options, MPI_Comm comm)
{
  auto peak_of = [](const auto& records, model::ObservableId id) {
    double peak = -std::numeric_limits<double>::infinity();
    for (const auto& o : records) peak = std::max(peak, o[id]);
    return peak;
  };
  if (options.reduction) {  // microseconds per value
    reduce::IntegrateOptions io;
    io.stop = options.stop;
    io.sample = !options.observables.empty();  // the peaks need the samples; the exit time alone does not
    const auto red = reduce::run_reduction(*options.reduction, c, io);
    if (red.interrupted) return std::nullopt;
    p.limit_exit_time = red.exit_time;
    for (auto id : options.observables)
      p.limit_peak.push_back(red.defines[std::size_t(id)] ? peak_of(red.observables, id)
                                                          : std::numeric_limits<double>::quiet_NaN());
    return p;
  }
  solver::SolveOptions so;
  so.stop = options.stop;
  solver::Solution sol;
  try {
    sol = solver::solve(c, so, comm);
  } catch (const solver::SolverFailure& e) {
    p.error = e.what();
    p.limit_peak.assign(options.observables.size(), std::numeric_limits<double>::quiet_NaN());
    return p;
  }
  if (sol.interrupted) return std::nullopt;  // this point's limit is incomplete: not a result
  p.limit_exit_time = sol.exit_time;
  p.limit_mass_error = sol.max_mass_error;
  for (auto id : options.observables) p.limit_peak.push_back(peak_of(sol.observables, id));
  p.limit_peak_error.assign(options.observables.size(), std::numeric_limits<double>::quiet_NaN());
  if (sol.accuracy) {  // (after one level its errors are NaN and the exit time's absent: no estimate)
    const solver::AccuracyReport& a = *sol.accuracy;
    p.limit_converged = a.converged;
    p.limit_stop_reason = a.stop_reason;
    p.limit_exit_time_error = sol.exit_time ? a.exit_time_error : std::nullopt;
    for (std::size_t i = 0; i < options.observables.size(); ++i)
      p.limit_peak_error[i] = a.observable_error[std::size_t(options.observables[i])];
  }
  return p;
}

std::string point_name(const SweepResult& r, const SweepPoint& p)
{
  std::string s = fmt::format("{} = {:g}", r.spec.key, p.value);
  if (r.second && p.value2) s += fmt::format(", {} = {:g}", r.second->key, *p.value2);
  return s;
}

/// Whether two values of a key are the same grid value (the grid's values are computed, the
/// user's typed: equal to a relative 1e-9).
bool same_value(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max({1.0, std::abs(a), std::abs(b)}); }

}  // namespace

SweepResult run_sweep(const std::filesystem::path& case_file, const std::vector<std::string>& overrides,
                      const std::vector<SweepSpec>& specs, const SweepOptions& options, MPI_Comm comm)
{
  if (specs.empty() || specs.size() > 2) throw model::InputError("--vary", 0, "", "give one or two keys to vary");
  if (specs.size() == 2 && specs[0].key == specs[1].key)
    throw model::InputError("--vary", 0, specs[1].key, "the two keys varied must differ");
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  SweepResult r;
  r.spec = specs[0];
  if (specs.size() == 2) r.second = specs[1];
  r.neurons = options.neurons;
  r.replicas = options.neurons ? options.replicas : 0;
  r.observables = options.observables;
  r.reduction = options.reduction;
  r.ranks = size;
  if (options.reduction) {
    const auto& valid = model::reduction_method_names();
    if (std::find(valid.begin(), valid.end(), *options.reduction) == valid.end())
      throw model::InputError("--method", 0, "reduce:" + *options.reduction,
                              fmt::format("unknown reduction; valid: reduce:{}", fmt::join(valid, ", reduce:")));
  }
  // The grid: the second key varies fastest.
  std::vector<SweepPoint> grid;
  for (double v : r.spec.values()) {
    SweepPoint p;
    p.value = v;
    if (!r.second) grid.push_back(p);
    else
      for (double v2 : r.second->values()) {
        p.value2 = v2;
        grid.push_back(p);
      }
  }
  if (long(grid.size()) > max_sweep_points)
    throw model::InputError("--vary", 0, "",
                            fmt::format("the grid has {} points; a sweep takes at most {}", grid.size(), max_sweep_points));
  // The points where the finite system runs: every point, or those named.
  std::vector<bool> with_particles(grid.size(), options.neurons.has_value() && options.particle_points.empty());
  for (const auto& at : options.particle_points) {
    const std::string text = fmt::format("{}", fmt::join(at, ","));
    if (!options.neurons) throw model::InputError("--particles-at", 0, text, "needs --neurons (the network's size)");
    if (at.size() != specs.size())
      throw model::InputError("--particles-at", 0, text,
                              fmt::format("give one value per varied key ({})", specs.size()));
    bool found = false;
    for (std::size_t k = 0; k < grid.size(); ++k)
      if (same_value(grid[k].value, at[0]) && (!r.second || same_value(*grid[k].value2, at[1]))) {
        with_particles[k] = found = true;
      }
    if (!found) throw model::InputError("--particles-at", 0, text, "not a point of the grid of --vary");
  }
  // Validate every point before running any (bad input fails fast, NEST's way).
  std::vector<model::Case> cases;
  const model::SectionsUsed used{.solver = true, .report = false};  // a sweep runs the limit and particles, not the report
  for (const auto& p : grid) {
    auto ov = overrides;
    ov.push_back(fmt::format("{}={}", r.spec.key, p.value));
    if (r.second) ov.push_back(fmt::format("{}={}", r.second->key, *p.value2));
    cases.push_back(model::read_case(case_file, ov, used));
  }
  r.case_name = cases.front().name;
  r.base_case = model::read_case(case_file, overrides, used);
  r.overrides = overrides;
  r.time_end = r.base_case.time.end;

  // The limit. The characteristic scheme (and a reduction) is small and serial: the ranks share
  // the points, each solved whole on one rank (MPI_COMM_SELF). The MUSCL scheme spreads one point's
  // mesh over all ranks, point after point as with one rank.
  r.limit_spread = options.reduction || cases.front().solver.scheme == "characteristic";
  PointShare done;
  if (r.limit_spread) {
    PointShare mine;
    try {
      // Point (i, j) of the grid goes to rank (i + j) mod size: a checkerboard, so that neither key's
      // costly end (a strong stimulus that lasts to the horizon, a fine refinement) falls on one rank.
      const std::size_t n2 = r.second ? std::size_t(r.second->count) : 1;
      for (std::size_t k = 0; k < grid.size(); ++k) {
        if ((k / n2 + k % n2) % std::size_t(size) != std::size_t(rank)) continue;
        if (options.stop && options.stop->load()) {
          mine.interrupted = true;
          break;
        }
        if (options.progress && rank == 0) fmt::print(stderr, "stf sweep: {}\n", point_name(r, grid[k]));
        auto p = limit_point(cases[k], grid[k], options, MPI_COMM_SELF);
        if (!p) {
          mine.interrupted = true;
          break;
        }
        mine.index.push_back(k);
        mine.points.push_back(std::move(*p));
      }
    } catch (const std::exception& e) {
      // Not a point's failure (those are results): the whole sweep fails, on every rank together.
      mine.internal_error = e.what();
      if (mine.internal_error.empty()) mine.internal_error = "unknown error";
    }
    done = share_points(mine, comm);
    if (!done.internal_error.empty()) throw std::runtime_error(done.internal_error);
  } else {
    for (std::size_t k = 0; k < grid.size(); ++k) {
      if (solver::stop_requested_on_any_rank(options.stop, comm)) {  // before the next collective solve
        done.interrupted = true;
        break;
      }
      if (options.progress && rank == 0) fmt::print(stderr, "stf sweep: {}\n", point_name(r, grid[k]));
      auto p = limit_point(cases[k], grid[k], options, comm);
      if (!p) {
        done.interrupted = true;
        break;
      }
      done.index.push_back(k);
      done.points.push_back(std::move(*p));
    }
  }
  if (rank == 0)
    for (const auto& p : done.points)
      if (!p.error.empty()) fmt::print(stderr, "stf sweep: {} failed: {}\n", point_name(r, p), p.error);
  if (done.interrupted) {
    r.interrupted = true;
    r.points = std::move(done.points);
    return r;
  }

  // The finite system at its points, with all ranks sharing the replicas (where the limit failed
  // there is nothing to compare with: not run). Every rank holds the limit's results: they agree.
  for (std::size_t n = 0; n < done.points.size(); ++n) {
    const std::size_t k = done.index[n];
    SweepPoint& p = done.points[n];
    if (!with_particles[k] || !p.error.empty()) continue;
    if (solver::stop_requested_on_any_rank(options.stop, comm)) {
      r.interrupted = true;
      break;
    }
    if (options.progress && rank == 0) fmt::print(stderr, "stf sweep: {}, N = {}\n", point_name(r, p), *options.neurons);
    particles::SimulationOptions o = particles::SimulationOptions::from_case(cases[k]);
    o.neurons = *options.neurons;
    o.replicas = options.replicas;
    o.stop = options.stop;
    const auto ens = particles::simulate_ensemble(cases[k], o, comm);
    if (ens.interrupted) {  // this point's ensemble is incomplete: not a result
      r.interrupted = true;
      break;
    }
    if (rank != 0) continue;
    std::vector<std::optional<double>> exits;
    for (const auto& rep : ens.replicas) exits.push_back(rep.exit_time);
    const auto st = exit_time_stats(exits, p.limit_exit_time);
    p.replicas = st.replicas;
    p.exited = st.exited;
    if (st.summary) {
      p.exit_mean = st.summary->mean;
      p.exit_std = st.summary->std;
      p.exit_stderr = st.summary->stderr_;
    }
    for (auto id : options.observables) {
      double peak = -std::numeric_limits<double>::infinity();
      for (const auto& m : ens.mean) peak = std::max(peak, m[id]);
      p.particle_peak.push_back(peak);
    }
  }
  r.points = std::move(done.points);
  return r;
}

namespace {

/// The limit's columns of sweep.csv after the key columns: its exit time and peaks (named after `who`,
/// the limit or a reduction), each followed by its error estimate when the limit has them.
void append_limit_columns(std::vector<std::string>& cols, const std::string& who,
                          const std::vector<model::ObservableId>& observables, bool estimates)
{
  cols.push_back(who + "_exit_time");
  if (estimates) cols.insert(cols.end(), {"limit_exit_time_error", "limit_converged"});
  for (auto id : observables) {
    cols.push_back(who + "_peak_" + std::string(model::observable_names()[std::size_t(id)]));
    if (estimates) cols.push_back(cols.back() + "_error");
  }
}

/// A point's limit_converged column: 1 or 0, empty where the limit has no refinement (or failed).
std::optional<double> converged_field(const SweepPoint& p)
{
  if (!p.limit_converged) return std::nullopt;
  return *p.limit_converged ? 1.0 : 0.0;
}

/// The estimate of the error of the i-th chosen observable's peak, if there is one.
std::optional<double> peak_error(const SweepPoint& p, std::size_t i)
{
  if (i >= p.limit_peak_error.size() || !std::isfinite(p.limit_peak_error[i])) return std::nullopt;
  return p.limit_peak_error[i];
}

/// sweep.json's estimates of a point: limit_exit_time_error, limit_converged and, when it did not
/// converge, limit_stop_reason.
void add_limit_estimates(nlohmann::json& point, const SweepPoint& p)
{
  using nlohmann::json;
  point["limit_exit_time_error"] = p.limit_exit_time_error ? json(*p.limit_exit_time_error) : json(nullptr);
  point["limit_converged"] = p.limit_converged ? json(*p.limit_converged) : json(nullptr);
  if (p.limit_converged && !*p.limit_converged) point["limit_stop_reason"] = p.limit_stop_reason;
}

/// sweep.csv, sweep.json, case.toml and phase_diagram.png of a two-key sweep.
void write_grid_sweep(const SweepResult& r, const io::OutputFolder& folder)
{
  using nlohmann::json;
  auto num = [](const std::optional<double>& v) { return v && std::isfinite(*v) ? json(*v) : json(nullptr); };
  // A field of the CSV: shortest round-trip form (io::CsvTable's), empty for no value.
  auto field = [](const std::optional<double>& v) { return v && std::isfinite(*v) ? fmt::format("{}", *v) : std::string(); };
  const std::string who = r.reduction ? *r.reduction : std::string("limit");
  std::vector<std::string> names;
  for (auto id : r.observables) names.emplace_back(model::observable_names()[std::size_t(id)]);
  const bool estimates = !r.reduction;  // the limit's error estimates, beside the values they bound
  std::vector<std::string> cols{r.spec.key, r.second->key, "status"};
  append_limit_columns(cols, who, r.observables, estimates);
  if (r.neurons) {
    cols.insert(cols.end(), {"replicas", "exited", "exit_mean", "exit_std", "exit_stderr"});
    for (const auto& n : names) cols.push_back("particle_peak_" + n);
  }
  std::string csv = fmt::format("{}\n", fmt::join(cols, ","));
  json points = json::array();
  PhaseDiagramFigure fig;
  fig.title = fmt::format("{}'s exit time over {} and {}", r.reduction ? "the reduction " + *r.reduction : std::string("the limit"),
                          r.spec.key, r.second->key);
  fig.xlabel = r.spec.key;
  fig.ylabel = r.second->key;
  fig.value_label = "exit time from the memory region";
  fig.x_values = r.spec.values();
  fig.y_values = r.second->values();
  const bool horizon_swept = r.spec.key == "time.end" || r.second->key == "time.end";
  fig.no_exit_label = horizon_swept ? std::string("never exits before time.end")
                                    : fmt::format("never exits before t = {:g}", r.time_end);
  fig.failed_label = r.reduction ? "failed" : "limit failed (sweep.json says why)";
  for (const auto& p : r.points) {
    const std::string status = sweep_status(p);
    std::vector<std::string> row{field(p.value), field(p.value2), status, field(p.limit_exit_time)};
    json jp{{"values", {p.value, *p.value2}}, {"status", status}, {who + "_exit_time", num(p.limit_exit_time)}};
    if (!p.error.empty()) jp["error"] = p.error;
    if (estimates) {
      row.insert(row.end(), {field(p.limit_exit_time_error), field(converged_field(p))});
      add_limit_estimates(jp, p);
    }
    if (!r.reduction) jp["limit_mass_error"] = p.limit_mass_error;
    json lp = json::object(), lpe = json::object();
    for (std::size_t i = 0; i < names.size(); ++i) {
      const double v = i < p.limit_peak.size() ? p.limit_peak[i] : std::numeric_limits<double>::quiet_NaN();
      row.push_back(field(v));
      lp[names[i]] = num(v);
      if (estimates) {
        const auto e = peak_error(p, i);
        row.push_back(field(e));
        lpe[names[i]] = num(e);
      }
    }
    jp[who + "_peak"] = lp;
    if (estimates) jp["limit_peak_error"] = lpe;
    if (r.neurons) {
      const bool ran = p.replicas > 0;  // the network runs at the points of --particles-at (all without)
      auto when_ran = [&](std::optional<double> v) { return ran ? v : std::nullopt; };
      for (const auto& v : {when_ran(double(p.replicas)), when_ran(double(p.exited)), p.exit_mean, p.exit_std, p.exit_stderr})
        row.push_back(field(v));
      json pp = json::object();
      for (std::size_t i = 0; i < names.size(); ++i) {
        const auto v = ran && i < p.particle_peak.size() ? std::optional<double>(p.particle_peak[i]) : std::nullopt;
        row.push_back(field(v));
        pp[names[i]] = num(v);
      }
      if (ran)
        jp["particles"] = {{"exited", p.exited},           {"replicas", p.replicas},
                           {"exit_mean", num(p.exit_mean)}, {"exit_std", num(p.exit_std)},
                           {"exit_stderr", num(p.exit_stderr)}, {"peak", pp}};
      else
        jp["particles"] = nullptr;
    }
    csv += fmt::format("{}\n", fmt::join(row, ","));
    points.push_back(jp);
    fig.cells.push_back({p.value, *p.value2, status == "ok"       ? PhaseDiagramFigure::Status::ok
                                             : status == "no_exit" ? PhaseDiagramFigure::Status::no_exit
                                                                   : PhaseDiagramFigure::Status::failed,
                         p.limit_exit_time.value_or(std::numeric_limits<double>::quiet_NaN())});
  }
  io::write_text_file(folder.file("sweep.csv"), csv);
  plot_phase_diagram(folder.staging(), "phase_diagram", fig, "the exit time over the grid of the two swept keys");
  auto axis = [](const SweepSpec& s) { return json{{"key", s.key}, {"start", s.start}, {"stop", s.stop}, {"count", s.count}}; };
  json j{{"stf_version", io::stf_version},
         {"stf_git_hash", io::stf_git_hash},
         {"case", r.case_name},
         {"overrides", r.overrides},
         {"keys", {r.spec.key, r.second->key}},
         {"axes", {axis(r.spec), axis(*r.second)}},
         {"method", r.reduction ? "reduce:" + *r.reduction : std::string("limit")},
         {"time_end", r.time_end},
         {"neurons", r.neurons ? json(*r.neurons) : json(nullptr)},
         {"replicas", r.replicas},
         {"ranks", r.ranks},
         {"limit_points_shared_among_ranks", r.limit_spread},
         {"interrupted", r.interrupted},
         {"points", points},
         {"figures", json::array({"phase_diagram.png"})}};
  io::write_text_file(folder.file("sweep.json"), j.dump(2) + "\n");
  io::write_text_file(folder.file("case.toml"), model::to_toml(r.base_case));
}

}  // namespace

void write_sweep(const SweepResult& r, const io::OutputFolder& folder)
{
  if (r.second) {
    write_grid_sweep(r, folder);
    return;
  }
  using nlohmann::json;
  auto num = [](const std::optional<double>& v) { return v && std::isfinite(*v) ? json(*v) : json(nullptr); };
  // With a reduction its name replaces "limit" in the column names.
  const std::string who = r.reduction ? *r.reduction : std::string("limit");
  // The limit's error estimates beside the values they bound (a reduction has none).
  const bool estimates = !r.reduction;
  std::vector<std::string> cols{r.spec.key, "failed"};
  append_limit_columns(cols, who, r.observables, estimates);
  if (r.neurons) {
    cols.insert(cols.end(), {"exited", "replicas", "exit_mean", "exit_std", "exit_stderr"});
    for (auto id : r.observables)
      cols.push_back("particle_peak_" + std::string(model::observable_names()[std::size_t(id)]));
  }
  io::CsvTable table(cols);
  json points = json::array();
  for (const auto& p : r.points) {
    std::vector<std::optional<double>> row{p.value, p.error.empty() ? 0.0 : 1.0, p.limit_exit_time};
    json jp{{"value", p.value}, {"status", p.error.empty() ? "ok" : "failed"}, {who + "_exit_time", num(p.limit_exit_time)}};
    if (!p.error.empty()) jp["error"] = p.error;
    if (estimates) {
      row.insert(row.end(), {p.limit_exit_time_error, converged_field(p)});
      add_limit_estimates(jp, p);
    }
    if (!r.reduction) jp["limit_mass_error"] = p.limit_mass_error;
    json lp = json::object(), pp = json::object(), lpe = json::object();
    for (std::size_t i = 0; i < r.observables.size(); ++i) {
      const std::string name(model::observable_names()[std::size_t(r.observables[i])]);
      row.push_back(std::isfinite(p.limit_peak[i]) ? std::optional<double>(p.limit_peak[i]) : std::nullopt);  // absent in a reduction: empty
      lp[name] = num(p.limit_peak[i]);
      if (estimates) {
        const auto e = peak_error(p, i);
        row.push_back(e);
        lpe[name] = num(e);
      }
    }
    jp[who + "_peak"] = lp;
    if (estimates) jp["limit_peak_error"] = lpe;
    if (r.neurons) {
      row.insert(row.end(), {double(p.exited), double(p.replicas), p.exit_mean, p.exit_std, p.exit_stderr});
      for (std::size_t i = 0; i < r.observables.size(); ++i) {
        const auto v = i < p.particle_peak.size() ? std::optional<double>(p.particle_peak[i]) : std::nullopt;
        row.push_back(v);
        pp[std::string(model::observable_names()[std::size_t(r.observables[i])])] = num(v);
      }
      jp["particles"] = {{"exited", p.exited},       {"replicas", p.replicas},         {"exit_mean", num(p.exit_mean)},
                         {"exit_std", num(p.exit_std)}, {"exit_stderr", num(p.exit_stderr)}, {"peak", pp}};
    }
    table.add_row(row);
    points.push_back(jp);
  }
  table.write(folder.file("sweep.csv"));

  CurveFigure f;
  f.title = fmt::format("memory curve: exit time against {}", r.spec.key);
  f.xlabel = r.spec.key;
  f.ylabel = "exit time from the memory region";
  CurveFigure::Curve lim{r.reduction ? "reduction: " + *r.reduction : std::string("limit"), {}, {}, {}};
  for (const auto& p : r.points)
    if (p.limit_exit_time) {
      lim.x.push_back(p.value);
      lim.y.push_back(*p.limit_exit_time);
    }
  // The limit's error estimates as its error bars, where every point has one (most are too small
  // to see; memory_curve.csv holds them).
  const bool limit_bars = !lim.x.empty() && std::all_of(r.points.begin(), r.points.end(), [](const SweepPoint& p) {
    return !p.limit_exit_time || p.limit_exit_time_error;
  });
  if (limit_bars)
    for (const auto& p : r.points)
      if (p.limit_exit_time) lim.yerr.push_back(*p.limit_exit_time_error);
  if (!lim.x.empty()) f.curves.push_back(lim);
  if (r.neurons) {
    CurveFigure::Curve fin{fmt::format("N = {}, mean of {} replicas +-2 s.e.", *r.neurons, r.replicas), {}, {}, {}};
    for (const auto& p : r.points)
      if (p.exit_mean) {
        fin.x.push_back(p.value);
        fin.y.push_back(*p.exit_mean);
        fin.yerr.push_back(2.0 * p.exit_stderr.value_or(0.0));
      }
    if (!fin.x.empty()) f.curves.push_back(fin);
  }
  json figures = json::array();
  if (!f.curves.empty()) {
    plot_curves(folder.staging(), "memory_curve", f, "exit time against the swept parameter");
    figures.push_back("memory_curve.png");
  }
  json j{{"stf_version", io::stf_version},
         {"stf_git_hash", io::stf_git_hash},
         {"case", r.case_name},
         {"overrides", r.overrides},
         {"key", r.spec.key},
         {"method", r.reduction ? "reduce:" + *r.reduction : std::string("limit")},
         {"start", r.spec.start},
         {"stop", r.spec.stop},
         {"count", r.spec.count},
         {"neurons", r.neurons ? json(*r.neurons) : json(nullptr)},
         {"replicas", r.replicas},
         {"interrupted", r.interrupted},
         {"points", points},
         {"figures", figures}};
  io::write_text_file(folder.file("sweep.json"), j.dump(2) + "\n");
  io::write_text_file(folder.file("case.toml"), model::to_toml(r.base_case));
}

}  // namespace stf::validation
