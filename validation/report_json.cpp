// report.json: the study settings and every number shown in the report's tables.
#include <cmath>
#include <fmt/core.h>

#include "io/provenance.hpp"
#include "validation/report.hpp"
#include "validation/work_precision.hpp"

namespace stf::validation {

namespace {

using nlohmann::json;

// Quantile levels as keys: "q05", "q50", ...
std::string fmt_level(double p) { return fmt::format("q{:02d}", static_cast<int>(std::lround(100.0 * p))); }

json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
json number(const std::optional<double>& v) { return v ? number(*v) : json(nullptr); }

json fit_json(const std::optional<LinearFit>& f)
{
  if (!f) return nullptr;
  return json{{"slope", number(f->slope)},
              {"ci_low", number(f->ci_low)},
              {"ci_high", number(f->ci_high)},
              {"level", f->level},
              {"points", f->points}};
}

json row_json(const ConvergenceRow& r)
{
  json orders = json::array();
  for (const auto& o : r.orders) orders.push_back(number(o));
  json diffs = json::array(), errors = json::array();
  for (double d : r.differences) diffs.push_back(number(d));
  for (double e : r.errors) errors.push_back(number(e));
  return json{{"quantity", r.quantity},
              {"differences", diffs},
              {"orders", orders},
              {"errors", errors},
              {"extrapolated", number(r.extrapolated)}};
}

json per_observable(const std::array<double, model::observable_count>& v)
{
  json o = json::object();
  for (auto id : compared_observables())
    o[std::string(model::observable_names()[std::size_t(id)])] = number(v[std::size_t(id)]);
  return o;
}

json gof_json(const std::optional<GoodnessOfFit>& g)
{
  if (!g) return nullptr;
  return json{{"statistic", number(g->statistic)}, {"p_value", number(g->p_value)}};
}

json weighted_fit_json(const std::optional<WeightedFit>& f)
{
  if (!f) return nullptr;
  json residuals = json::array();
  for (double r : f->residuals) residuals.push_back(number(r));
  return json{{"slope", number(f->slope)},           {"slope_stderr", number(f->slope_stderr)},
              {"slope_low", number(f->slope_low)},   {"slope_high", number(f->slope_high)},
              {"intercept", number(f->intercept)},   {"intercept_stderr", number(f->intercept_stderr)},
              {"intercept_low", number(f->intercept_low)}, {"intercept_high", number(f->intercept_high)},
              {"residuals_in_stderr", residuals},    {"chi2", number(f->chi2)},
              {"p_value", number(f->p_value)},       {"level", f->level},
              {"points", f->points}};
}

json exit_law_json(const ExitLawStudy& st)
{
  const ExitLaw& law = st.law;
  json levels = json::array();
  for (std::size_t i = 0; i < law.levels.size(); ++i) {
    const auto& l = law.levels[i];
    json j{{"neurons", l.neurons},
           {"replicas", l.replicas},
           {"exited", l.exited},
           {"censored", l.censored},
           {"early_exits", l.early_exits},
           {"regime", to_string(l.regime)},
           {"regime_reason", l.reason},
           {"normality_anderson_darling", gof_json(l.normality)},
           {"exponential_ks", gof_json(l.exponential)}};
    j["mean"] = l.summary ? number(l.summary->mean) : json(nullptr);
    j["std"] = l.summary ? number(l.summary->std) : json(nullptr);
    j["stderr"] = l.summary ? number(l.summary->stderr_) : json(nullptr);
    j["censored_mle_mean"] = l.mean ? json{{"mean", number(l.mean->mean)},
                                           {"ci_low", number(l.mean->ci_low)},
                                           {"ci_high", number(l.mean->ci_high)}}
                                    : json(nullptr);
    j["spread_sqrtN_sd"] =
        l.spread ? json{{"value", number(l.spread->value)}, {"ci_low", number(l.spread->low)}, {"ci_high", number(l.spread->high)}}
                 : json(nullptr);
    if (i < st.runs.size()) {
      j["wall_seconds"] = number(st.runs[i].wall_seconds);
      j["precision_reached"] = st.runs[i].precision_reached;
      j["replicas_from_particle_study"] = st.runs[i].reused;
    }
    levels.push_back(j);
  }
  return json{{"tau_inf", number(law.tau_inf)},
              {"tau_inf_sigma", number(law.tau_inf_sigma)},
              {"settle_time", number(law.settle_time)},
              {"level", law.level},
              {"test_level", law.test_level},
              {"levels", levels},
              {"bias_fit", weighted_fit_json(law.bias)},
              {"spread_fit", weighted_fit_json(law.spread_fit)},
              {"growth_fit", weighted_fit_json(law.growth)}};
}

json exit_json(const ExitTimeStats& e)
{
  json j{{"replicas", e.replicas}, {"exited", e.exited}, {"mean_error", number(e.mean_error)}};
  if (e.summary) {
    j["mean"] = number(e.summary->mean);
    j["std"] = number(e.summary->std);
    j["stderr"] = number(e.summary->stderr_);
    j["min"] = number(e.summary->min);
    j["max"] = number(e.summary->max);
  } else {
    j["mean"] = j["std"] = j["stderr"] = j["min"] = j["max"] = nullptr;
  }
  json q = json::object();
  for (const auto& [p, v] : e.quantiles) q[fmt_level(p)] = number(v);
  j["quantiles"] = q;
  return j;
}

}  // namespace

json report_json(const ReportData& d, const std::vector<FigureFile>& figures)
{
  json j;
  j["stf_version"] = io::stf_version;
  j["stf_git_hash"] = io::stf_git_hash;
  j["case"] = d.study_case.name;
  j["quick"] = d.sizes.quick;
  j["wall_seconds"] = number(d.wall_seconds);
  j["settings"] = {{"mesh_levels", d.sizes.mesh_levels},
                   {"neurons", d.sizes.neurons},
                   {"replicas", d.sizes.replicas},
                   {"times", d.sizes.times},
                   {"seed", d.study_case.particles.seed}};

  json levels = json::array();
  for (const auto& l : d.mesh.levels)
    levels.push_back({{"cells_u", l.cells_u},
                      {"cells_c", l.cells_c},
                      {"cells_per_unit_c", l.cells_per_unit_c},
                      {"du", number(l.du)},
                      {"dc", number(l.dc)},
                      {"steps", l.steps},
                      {"wall_seconds", number(l.wall_seconds)},
                      {"max_mass_error", number(l.max_mass_error)},
                      {"lost_mass", number(l.lost_mass)},
                      {"exit_time", number(l.exit_time)}});
  json rows = json::array();
  for (const auto& r : d.mesh.observables) rows.push_back(row_json(r));
  j["mesh_study"] = {{"levels", levels},
                     {"observables", rows},
                     {"exit_time", d.mesh.exit_time ? row_json(*d.mesh.exit_time) : json(nullptr)}};

  json plevels = json::array();
  for (const auto& l : d.particles.levels) {
    json w = json::array();
    for (const auto& x : l.wasserstein)
      w.push_back({{"t", number(x.t)},
                   {"replicas", x.samples},
                   {"potential", number(x.potential)},
                   {"potential_stderr", number(x.potential_stderr)},
                   {"calcium", number(x.calcium)},
                   {"calcium_stderr", number(x.calcium_stderr)}});
    plevels.push_back({{"neurons", l.neurons},
                       {"replicas", l.replicas},
                       {"sup_error", per_observable(l.sup_error)},
                       {"sup_std", per_observable(l.sup_std)},
                       {"sup_z", per_observable(l.sup_z)},
                       {"wasserstein", w},
                       {"total_spikes", l.total_spikes},
                       {"wall_seconds", number(l.wall_seconds)},
                       {"interrupted", l.interrupted}});
  }
  json fits = json::array();
  for (const auto& f : d.particles.fits) {
    json v = json::array();
    for (double x : f.values) v.push_back(number(x));
    fits.push_back({{"quantity", f.quantity}, {"values", v}, {"fit", fit_json(f.fit)}});
  }
  j["particles"] = {{"levels", plevels}, {"fits", fits}, {"interrupted", d.particles.interrupted}};

  json exits = json::array();
  for (const auto& l : d.particles.levels) {
    json e = exit_json(l.exit);
    e["neurons"] = l.neurons;
    exits.push_back(e);
  }
  j["exit_times"] = {{"limit", number(d.limit.exit_time)}, {"levels", exits}};
  j["exit_law"] = exit_law_json(d.exit_law);
  j["settings"]["exit_neurons"] = d.sizes.exit_neurons;
  j["settings"]["exit_precision"] = d.sizes.exit_precision;
  j["settings"]["exit_budget"] = d.sizes.exit_budget;
  j["settings"]["exit_horizon"] = d.sizes.exit_horizon;
  {
    const WorkPrecision w = work_precision(d);
    auto points = [&](const std::vector<WorkPrecisionPoint>& v) {
      json a = json::array();
      for (const auto& p : v)
        a.push_back({{"resolution", p.resolution},
                     {"wall_seconds", number(p.wall_seconds)},
                     {"exit_time", number(p.exit_time)},
                     {"error", number(p.error)}});
      return a;
    };
    const auto& acc = d.reference.accuracy;
    j["limit_reference"] = {{"scheme", "characteristic"},
                            {"tolerance", number(d.sizes.limit_tolerance)},
                            {"converged", acc ? json(acc->converged) : json(nullptr)},
                            {"stop_reason", acc ? json(acc->stop_reason) : json(nullptr)},
                            {"exit_time", number(d.reference.exit_time)},
                            {"exit_time_error", number(w.reference_error)}};
    j["work_precision"] = {{"reference", number(w.reference)},
                           {"reference_error", number(w.reference_error)},
                           {"characteristic", points(w.characteristic)},
                           {"muscl", points(w.muscl)},
                           {"muscl_difference", number(w.muscl_difference)},
                           {"muscl_error", number(w.muscl_error)},
                           {"agree", w.agree ? json(*w.agree) : json(nullptr)}};
  }
  j["limit"] = {{"steps", d.mesh.finest.steps},
                {"max_mass_error", number(d.mesh.finest.max_mass_error)},
                {"lost_u_max", number(d.mesh.finest.lost_u_max)},
                {"lost_c_max", number(d.mesh.finest.lost_c_max)},
                {"wall_seconds", number(d.mesh.finest.wall_seconds)},
                {"exit_time", number(d.limit.exit_time)}};
  json figs = json::array();
  for (const auto& f : figures) {
    json data = json::array();
    for (const auto& csv : f.data) data.push_back("data/" + csv);
    figs.push_back({{"file", "figures/" + f.file}, {"caption", f.caption}, {"data", data}});
  }
  j["figures"] = figs;
  j["closing_note"] = d.closing_note;
  return j;
}

}  // namespace stf::validation
