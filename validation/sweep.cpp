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

SweepResult run_sweep(const std::filesystem::path& case_file, const std::vector<std::string>& overrides,
                      const SweepSpec& spec, const SweepOptions& options, MPI_Comm comm)
{
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  SweepResult r;
  r.spec = spec;
  r.neurons = options.neurons;
  r.replicas = options.neurons ? options.replicas : 0;
  r.observables = options.observables;
  r.reduction = options.reduction;
  if (options.reduction) {
    const auto& valid = model::reduction_method_names();
    if (std::find(valid.begin(), valid.end(), *options.reduction) == valid.end())
      throw model::InputError("--method", 0, "reduce:" + *options.reduction,
                              fmt::format("unknown reduction; valid: reduce:{}", fmt::join(valid, ", reduce:")));
  }
  // Validate every value before running any (bad input fails fast, NEST's way).
  std::vector<model::Case> cases;
  const model::SectionsUsed used{.solver = true, .report = false};  // a sweep runs the limit and particles, not the report
  for (double v : spec.values()) {
    auto ov = overrides;
    ov.push_back(fmt::format("{}={}", spec.key, v));
    cases.push_back(model::read_case(case_file, ov, used));
  }
  r.case_name = cases.front().name;
  r.base_case = model::read_case(case_file, overrides, used);
  r.overrides = overrides;
  for (std::size_t k = 0; k < cases.size(); ++k) {
    if (solver::stop_requested_on_any_rank(options.stop, comm)) {  // before the next collective solve
      r.interrupted = true;
      break;
    }
    const auto& c = cases[k];
    SweepPoint p;
    p.value = spec.values()[k];
    if (options.progress && rank == 0 && !options.reduction) fmt::print(stderr, "stf sweep: {} = {:g}\n", spec.key, p.value);
    if (options.reduction) {  // microseconds per value: no collective work, every rank computes the same
      reduce::IntegrateOptions io;
      io.stop = options.stop;
      io.sample = !options.observables.empty();  // the peaks need the samples; the exit time alone does not
      const auto red = reduce::run_reduction(*options.reduction, c, io);
      if (red.interrupted) {
        r.interrupted = true;
        break;
      }
      p.limit_exit_time = red.exit_time;
      for (auto id : options.observables) {
        double peak = -std::numeric_limits<double>::infinity();
        for (const auto& o : red.observables) peak = std::max(peak, o[id]);
        p.limit_peak.push_back(red.defines[std::size_t(id)] ? peak : std::numeric_limits<double>::quiet_NaN());
      }
      r.points.push_back(std::move(p));
      continue;
    }
    solver::SolveOptions so;
    so.stop = options.stop;
    solver::Solution sol;
    try {
      sol = solver::solve(c, so, comm);
    } catch (const solver::SolverFailure& e) {
      // A value where the limit cannot be computed is recorded with its reason, and the sweep goes
      // on: the other values are results. (Every rank throws alike: the checks are collective.)
      p.error = e.what();
      p.limit_peak.assign(options.observables.size(), std::numeric_limits<double>::quiet_NaN());
      if (rank == 0) fmt::print(stderr, "stf sweep: {} = {:g} failed: {}\n", spec.key, p.value, p.error);
      r.points.push_back(std::move(p));
      continue;
    }
    if (sol.interrupted) {  // this value's limit is incomplete: not a result
      r.interrupted = true;
      break;
    }
    p.limit_exit_time = sol.exit_time;
    p.limit_mass_error = sol.max_mass_error;
    for (auto id : options.observables) {
      double peak = -std::numeric_limits<double>::infinity();
      for (const auto& o : sol.observables) peak = std::max(peak, o[id]);
      p.limit_peak.push_back(peak);
    }
    if (options.neurons) {
      particles::SimulationOptions o = particles::SimulationOptions::from_case(c);
      o.neurons = *options.neurons;
      o.replicas = options.replicas;
      o.stop = options.stop;
      const auto ens = particles::simulate_ensemble(c, o, comm);
      if (ens.interrupted) {  // this point's ensemble is incomplete: not a result
        r.interrupted = true;
        break;
      }
      if (rank == 0) {
        std::vector<std::optional<double>> exits;
        for (const auto& rep : ens.replicas) exits.push_back(rep.exit_time);
        const auto st = exit_time_stats(exits, sol.exit_time);
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
    }
    r.points.push_back(std::move(p));
  }
  return r;
}

void write_sweep(const SweepResult& r, const io::OutputFolder& folder)
{
  using nlohmann::json;
  auto num = [](const std::optional<double>& v) { return v && std::isfinite(*v) ? json(*v) : json(nullptr); };
  // With a reduction its name replaces "limit" in the column names.
  const std::string who = r.reduction ? *r.reduction : std::string("limit");
  std::vector<std::string> cols{r.spec.key, "failed", who + "_exit_time"};
  for (auto id : r.observables) cols.push_back(who + "_peak_" + std::string(model::observable_names()[std::size_t(id)]));
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
    if (!r.reduction) jp["limit_mass_error"] = p.limit_mass_error;
    json lp = json::object(), pp = json::object();
    for (std::size_t i = 0; i < r.observables.size(); ++i) {
      row.push_back(std::isfinite(p.limit_peak[i]) ? std::optional<double>(p.limit_peak[i]) : std::nullopt);  // absent in a reduction: empty
      lp[std::string(model::observable_names()[std::size_t(r.observables[i])])] = num(p.limit_peak[i]);
    }
    jp[who + "_peak"] = lp;
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
