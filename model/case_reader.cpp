// Reading a case file: parse into a temporary Case, validate all of it, resolve defaults, return.
// Keys and their defaults are documented in cases/README.md; symbols follow MODEL.md.
#include "model/case_reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "model/case_limits.hpp"
#include "model/extent_estimates.hpp"
#include "model/table_reader.hpp"

namespace stf::model {

namespace {

const std::vector<std::string> limiter_names{"minmod", "van_leer", "mc"};
const std::vector<std::string> scheme_names{"characteristic", "muscl"};

std::string unknown_name_message(const std::string& name, const std::vector<std::string>& valid)
{
  std::string message = fmt::format("unknown value '{}'", name);
  if (auto guess = closest_match(name, valid); !guess.empty()) message += fmt::format(" (did you mean '{}'?)", guess);
  message += fmt::format("; valid values: {}", fmt::join(valid, ", "));
  return message;
}

/// The name given for a registry entry, or an error listing the valid names (with a suggestion).
std::string choose_name(TableReader& t, std::string_view key, const std::vector<std::string>& valid)
{
  const std::string name = t.string(key);
  if (std::find(valid.begin(), valid.end(), name) != valid.end()) return name;
  throw t.error(key, unknown_name_message(name, valid));
}

RateFunction read_rate(TableReader t)
{
  RateFunction phi;
  phi.kind = rate_kind_from_name(choose_name(t, "kind", rate_kind_names()));
  switch (phi.kind) {
    case RateKind::constant: phi.lambda0 = t.non_negative("lambda", t.number("lambda")); break;
    case RateKind::linear:
      phi.lambda0 = t.non_negative("lambda0", t.number_or("lambda0", 0.0));
      phi.gamma = t.non_negative("gamma", t.number("gamma"));
      break;
    case RateKind::power:
      phi.lambda0 = t.non_negative("lambda0", t.number_or("lambda0", 0.0));
      phi.gamma = t.non_negative("gamma", t.number("gamma"));
      phi.kappa = t.positive("kappa", t.number("kappa"));
      break;
    case RateKind::hill:
      phi.lambda0 = t.non_negative("lambda0", t.number_or("lambda0", 0.0));
      phi.phi_max = t.positive("phi_max", t.number("phi_max"));
      phi.theta = t.positive("theta", t.number("theta"));
      phi.kappa = t.positive("kappa", t.number("kappa"));
      break;
    case RateKind::sigmoid:
      phi.phi_max = t.positive("phi_max", t.number("phi_max"));
      phi.theta = t.number("theta");
      phi.s = t.positive("s", t.number("s"));
      break;
    case RateKind::threshold_linear:
      phi.lambda0 = t.non_negative("lambda0", t.number_or("lambda0", 0.0));
      phi.gamma = t.non_negative("gamma", t.number("gamma"));
      phi.theta = t.non_negative("theta", t.number("theta"));
      if (t.has("phi_max")) {
        phi.phi_max = t.positive("phi_max", t.number("phi_max"));
        if (phi.phi_max < phi.lambda0) throw t.error("phi_max", "the cap phi_max must be >= lambda0");
      }
      break;
  }
  t.finish();
  return phi;
}

LeakLaw read_leak(TableReader t, std::string_view rate_key)
{
  LeakLaw leak;
  leak.kind = leak_kind_from_name(choose_name(t, "law", leak_kind_names()));
  leak.rate = t.non_negative(rate_key, t.number(rate_key));
  t.finish();
  return leak;
}

InputSchedule read_input(TableReader& model)
{
  const toml::node* n = model.node("I");
  if (!n) return InputSchedule{};
  if (!n->is_table()) return InputSchedule(model.non_negative("I", model.number("I")));
  TableReader t = model.table("I");
  const double base = t.non_negative("base", t.number_or("base", 0.0));
  std::vector<InputPulse> pulses;
  for (TableReader p : t.table_list("pulses")) {
    InputPulse pulse;
    pulse.start = p.non_negative("start", p.number("start"));
    pulse.end = p.number("end");
    if (!(pulse.end > pulse.start)) throw p.error("end", "a pulse must end after it starts");
    pulse.amplitude = p.number("amplitude");
    p.finish();
    pulses.push_back(pulse);
  }
  t.finish();
  InputSchedule schedule(base, pulses);
  // Negative amplitudes are allowed as long as I(t) itself never goes below 0 (MODEL.md §1).
  for (const auto& p : pulses)
    if (schedule.value(p.start) < 0.0)
      throw t.error("pulses", fmt::format("the input I(t) would be negative at t = {}", p.start));
  return schedule;
}

ModelParameters read_model(TableReader t)
{
  ModelParameters m;
  m.phi = read_rate(t.table("phi"));
  m.leak_U = read_leak(t.table("leak_U"), "alpha");
  m.leak_C = read_leak(t.table("leak_C"), "beta");
  m.w0 = t.non_negative("w0", t.number_or("w0", 0.0));
  m.w1 = t.non_negative("w1", t.number_or("w1", 1.0));
  m.reset = t.boolean_or("reset", true);
  if (!m.reset && t.has("u_reset"))
    throw t.error("u_reset", "u_reset has no effect when reset = false; remove one of them (--set cannot remove a "
                             "key: for reset = false, copy the case file without u_reset)");
  m.u_reset = t.non_negative("u_reset", t.number_or("u_reset", 0.0));
  m.input = read_input(t);
  t.finish();
  return m;
}

Marginal read_marginal(TableReader t)
{
  Marginal m;
  m.kind = marginal_kind_from_name(choose_name(t, "law", marginal_kind_names()));
  switch (m.kind) {
    case MarginalKind::dirac: m.at = t.non_negative("at", t.number("at")); break;
    case MarginalKind::uniform:
      m.min = t.non_negative("min", t.number("min"));
      m.max = t.number("max");
      if (!(m.max > m.min)) throw t.error("max", "a uniform law needs max > min (use law = \"dirac\" for a point)");
      break;
    case MarginalKind::normal:
      m.mean = t.number("mean");
      m.sd = t.positive("sd", t.number("sd"));
      // Truncation at 0 keeps the part above 0; with almost nothing there the law is meaningless.
      if (m.mean / m.sd < -6.0) throw t.error("mean", "the normal law has almost no mass above 0 (mean < -6 sd)");
      break;
    case MarginalKind::exponential: m.mean = t.positive("mean", t.number("mean")); break;
  }
  t.finish();
  return m;
}

MemoryRegion read_region(std::optional<TableReader> t, double end)
{
  MemoryRegion r;
  if (!t) return r;
  for (std::size_t i = 0; i < observable_count; ++i) {
    const auto id = static_cast<ObservableId>(i);
    if (id == ObservableId::mass) continue;
    const std::string_view name = observable_names()[i];
    auto th = t->optional_table(name);
    if (!th) continue;
    Threshold threshold{id, th->optional_number("min"), th->optional_number("max")};
    if (!threshold.min && !threshold.max) throw t->error(name, "give a min, a max or both");
    if (threshold.min && threshold.max && *threshold.min > *threshold.max) throw th->error("max", "max must be >= min");
    th->finish();
    r.thresholds.push_back(threshold);
  }
  r.t_grace = t->non_negative("t_grace", t->number_or("t_grace", 0.0));
  if (r.t_grace >= end) throw t->error("t_grace", fmt::format("t_grace must be < time.end = {}", end));
  t->finish();
  return r;
}

TimeSettings read_time(TableReader t)
{
  TimeSettings s;
  s.end = t.positive("end", t.number("end"));
  s.sample = t.positive("sample", t.number_or("sample", s.end / 1000.0));
  if (s.sample > s.end) throw t.error("sample", fmt::format("the sample interval must be <= time.end = {}", s.end));
  if (s.end / s.sample > 1e7) throw t.error("sample", "more than 10^7 sample times; choose a larger interval");
  t.finish();
  return s;
}

/// A mesh extent: a positive number or "auto".
std::optional<double> read_extent(TableReader& t, std::string_view key)
{
  const toml::node* n = t.node(key);
  if (!n) return std::nullopt;
  if (auto s = n->value_exact<std::string>()) {
    if (*s == "auto") return std::nullopt;
    throw t.error(key, fmt::format("expected a number or \"auto\", got \"{}\"", *s));
  }
  const double v = t.positive(key, t.number(key));
  // Checked here, before the extent is rounded to whole cells (a cell count beyond a long is undefined).
  if (v > scale_limit) throw t.error(key, fmt::format("{} exceeds the scale limit {:g} of stf", v, scale_limit));
  return v;
}

void read_mesh(std::optional<TableReader> t, Case& c)
{
  MeshSettings& m = c.mesh;
  m.given = t.has_value();
  std::optional<double> u_max, c_max;
  if (t) {
    u_max = read_extent(*t, "u_max");
    c_max = read_extent(*t, "c_max");
    m.cells_u = t->integer_or("cells_u", m.cells_u);
    if (m.cells_u < 4) throw t->error("cells_u", "needs at least 4 cells");
    m.cells_per_unit_c = t->integer_or("cells_per_unit_c", m.cells_per_unit_c);
    if (m.cells_per_unit_c < 1) throw t->error("cells_per_unit_c", "needs at least 1 cell per calcium unit");
    m.stretch = t->number_or("stretch", m.stretch);
    if (!(m.stretch >= 1.0 && m.stretch <= 1e3)) throw t->error("stretch", "needs a number in [1, 1000]");
    t->finish();
  }
  // A mesh.u_max the user set caps the potential on the mesh, so an unbounded rate's calcium extent.
  const ExtentEstimates estimates = estimate_extents(c, u_max.value_or(std::numeric_limits<double>::infinity()));
  m.u_max_auto = !u_max;
  m.c_max_auto = !c_max;
  m.u_max = u_max ? *u_max : estimates.u_needed;
  m.c_max = c_max ? *c_max : estimates.c_needed;
  // A case that never leaves u = 0 (no drive, no input, a stimulus at 0) has an estimate of 0; a mesh
  // needs u_max > 0 (and the written case.toml must read back): 1 then.
  if (!u_max && !(m.u_max > 0.0)) m.u_max = 1.0;
  // An unbounded rate (power, linear) gives no a-priori bound: the MUSCL scheme's mesh then needs
  // mesh.u_max; the characteristic scheme has no mesh (stf report's mesh study checks it again).
  if (!std::isfinite(m.u_max) && c.solver.scheme == "muscl")
    throw InputError(c.source.string(), 0, "mesh.u_max",
                     "no a-priori bound on the potential for this rate (the drive may grow without bound); set mesh.u_max");
  // Whole calcium cells: c_max is rounded up to a multiple of 1/m (unless it is unbounded: an
  // unbounded rate without mesh.u_max, refused above for the MUSCL scheme).
  const double m_c = double(m.cells_per_unit_c);
  if (std::isfinite(m.c_max)) {
    m.c_max = std::ceil(m.c_max * m_c - 1e-9) / m_c;
    if (m.cells_c() < 2) m.c_max = 2.0 / m_c;  // the grid needs two calcium cells (mesh/grid.cpp)
  }

  // The stimulus must fit in the mesh (of the MUSCL scheme: the characteristic scheme has none).
  if (c.solver.scheme != "muscl") return;
  const double u_extent = c.initial.U.upper_extent();
  const double c_extent = c.initial.C.upper_extent();
  auto locate = [&](std::string_view key, const std::string& message) {
    if (t) return t->error(key, message);
    return InputError(c.source.string(), 0, "mesh." + std::string(key), message);
  };
  if (u_extent > m.u_max)
    throw locate("u_max", fmt::format("the mesh is too small for the stimulus: the initial potential extends to {} "
                                      "> mesh.u_max = {}",
                                      u_extent, m.u_max));
  if (c.model.reset && c.model.u_reset >= m.u_max)
    throw locate("u_max", fmt::format("u_reset = {} must lie inside the mesh (mesh.u_max = {})", c.model.u_reset, m.u_max));
  if (c_extent > m.c_max)
    throw locate("c_max", fmt::format("the mesh is too small for the stimulus: the initial calcium extends to {} "
                                      "> mesh.c_max = {}",
                                      c_extent, m.c_max));
}

/// What the characteristic scheme does not do yet, refused when the case is read (exit 2) rather
/// than when the run starts: density snapshots.
void check_scheme_supports(const std::optional<TableReader>& t, const Case& c)
{
  const SolverSettings& s = c.solver;
  if (s.scheme != "characteristic") return;
  auto error = [&](std::string_view key, const std::string& message) {
    if (t && t->has(key)) return t->error(key, message);
    return InputError(c.source.string(), 0, "solver." + std::string(key), message);
  };
  if (!s.snapshots.empty())
    throw error("snapshots", "density snapshots are written by solver.scheme = \"muscl\" only; remove "
                             "solver.snapshots or set solver.scheme = \"muscl\"");
}

void read_solver(std::optional<TableReader> t, Case& c, bool used)
{
  SolverSettings& s = c.solver;
  if (!t) {
    if (used) check_scheme_supports(t, c);
    return;
  }
  if (t->has("scheme")) s.scheme = choose_name(*t, "scheme", scheme_names);
  if (t->has("tolerance")) {
    s.tolerance = t->number_or("tolerance", SolverSettings::default_tolerance);
    // Relative; below ~1e-12 the estimate would only measure rounding.
    if (!(*s.tolerance >= 1e-12 && *s.tolerance < 1.0))
      throw t->error("tolerance", fmt::format("must be in [1e-12, 1), got {}", *s.tolerance));
  }
  s.wall_budget = t->number_or("wall_budget", s.wall_budget);
  if (!(s.wall_budget > 0.0 && s.wall_budget <= max_wall_budget))
    throw t->error("wall_budget", fmt::format("must be in (0, {:g}] seconds, got {}", max_wall_budget, s.wall_budget));
  if (t->has("limiter")) s.limiter = choose_name(*t, "limiter", limiter_names);
  s.cfl = t->number_or("cfl", s.cfl);
  // The limited second-order update keeps the density non-negative for Courant numbers up to 1/2
  // (docs/numerical-method.md).
  if (!(s.cfl > 0.0 && s.cfl <= 0.5)) throw t->error("cfl", fmt::format("must be in (0, 0.5], got {}", s.cfl));
  s.snapshots = t->number_list_or("snapshots", {});
  for (double x : s.snapshots)
    if (x < 0.0 || (used && x > c.time.end))
      throw t->error("snapshots", fmt::format("snapshot time {} is outside [0, time.end] (read by stf run, report and sweep)", x));
  std::sort(s.snapshots.begin(), s.snapshots.end());
  s.lost_mass_tolerance = t->non_negative("lost_mass_tolerance", t->number_or("lost_mass_tolerance", s.lost_mass_tolerance));
  t->finish();
  if (used) check_scheme_supports(t, c);
}

void read_particles(std::optional<TableReader> t, Case& c)
{
  ParticleSettings& p = c.particles;
  if (!t) return;
  p.neurons = t->integer_or("neurons", p.neurons);
  if (p.neurons < 2) throw t->error("neurons", "needs at least 2 neurons");
  p.replicas = t->integer_or("replicas", p.replicas);
  if (p.replicas < 1) throw t->error("replicas", "needs at least 1 replica");
  const long seed = t->integer_or("seed", static_cast<long>(p.seed));
  if (seed < 0) throw t->error("seed", "must be >= 0");
  p.seed = static_cast<std::uint64_t>(seed);
  p.whole_horizon = t->boolean_or("whole_horizon", p.whole_horizon);
  t->finish();
}

void read_report(std::optional<TableReader> t, Case& c, bool used)
{
  ReportSettings& r = c.report;
  r.times = {c.time.end / 4.0, c.time.end / 2.0, 3.0 * c.time.end / 4.0};
  r.exit_neurons = r.neurons;
  r.exit_horizon = c.time.end;
  if (!t) return;
  r.mesh_levels = t->integer_or("mesh_levels", r.mesh_levels);
  if (r.mesh_levels < 2 || r.mesh_levels > 8) throw t->error("mesh_levels", "must be between 2 and 8");
  r.neurons = t->integer_list_or("neurons", r.neurons);
  if (r.neurons.empty()) throw t->error("neurons", "needs at least one network size");
  for (std::size_t i = 0; i < r.neurons.size(); ++i) {
    if (r.neurons[i] < 2) throw t->error("neurons", "each network needs at least 2 neurons");
    if (i && r.neurons[i] <= r.neurons[i - 1]) throw t->error("neurons", "sizes must increase");
  }
  r.replicas = t->integer_or("replicas", r.replicas);
  if (r.replicas < 2) throw t->error("replicas", "needs at least 2 replicas (for standard errors)");
  r.times = t->number_list_or("times", r.times);
  for (double x : r.times)
    if (!(x >= 0.0) || (used && !(x <= c.time.end)))
      throw t->error("times", fmt::format("time {} is outside [0, time.end] (read by stf report only)", x));
  r.exit_neurons = t->integer_list_or("exit_neurons", r.neurons);
  if (r.exit_neurons.empty()) throw t->error("exit_neurons", "needs at least one network size");
  for (std::size_t i = 0; i < r.exit_neurons.size(); ++i) {
    if (r.exit_neurons[i] < 2) throw t->error("exit_neurons", "each network needs at least 2 neurons");
    if (i && r.exit_neurons[i] <= r.exit_neurons[i - 1]) throw t->error("exit_neurons", "sizes must increase");
  }
  r.exit_precision = t->positive("exit_precision", t->number_or("exit_precision", r.exit_precision));
  r.exit_budget = t->positive("exit_budget", t->number_or("exit_budget", r.exit_budget));
  r.exit_horizon = t->positive("exit_horizon", t->number_or("exit_horizon", r.exit_horizon));
  if (used && !(r.exit_horizon >= c.time.end))
    throw t->error("exit_horizon", fmt::format("must be at least time.end = {} (read by stf report only)", c.time.end));
  t->finish();
}

/// Whether `s` is well-formed UTF-8 (a --set value reaches the case as raw bytes; case.toml must read
/// back). Well-formed is the Unicode standard's table 3-7: no overlong forms, no surrogates
/// (U+D800..U+DFFF), nothing above U+10FFFF; the TOML parser refuses exactly these.
bool is_valid_utf8(std::string_view s)
{
  auto byte = [&](std::size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0u; };
  for (std::size_t i = 0; i < s.size();) {
    const unsigned b = byte(i);
    if (b < 0x80) {
      ++i;
      continue;
    }
    // Continuation bytes after the lead b, and the range of the first one (the others are 0x80..0xbf).
    std::size_t extra = 0;
    if (b >= 0xc2 && b <= 0xdf) extra = 1;
    else if (b >= 0xe0 && b <= 0xef) extra = 2;
    else if (b >= 0xf0 && b <= 0xf4) extra = 3;
    else return false;
    const unsigned lo = b == 0xe0 ? 0xa0 : b == 0xf0 ? 0x90 : 0x80;  // no overlong forms
    const unsigned hi = b == 0xed ? 0x9f : b == 0xf4 ? 0x8f : 0xbf;  // no surrogates, nothing above U+10FFFF
    if (byte(i + 1) < lo || byte(i + 1) > hi) return false;
    for (std::size_t k = 2; k <= extra; ++k)
      if ((byte(i + k) >> 6) != 0x2) return false;
    i += extra + 1;
  }
  return true;
}

/// The case name names the output folder out/<name>/: one plain path component.
void check_name(const TableReader& top, const std::string& name)
{
  const bool control = std::any_of(name.begin(), name.end(), [](char ch) {
    const auto b = static_cast<unsigned char>(ch);
    return b < 0x20 || b == 0x7f;
  });
  if (name.empty() || name == "." || name == ".." || control || name.find_first_of("/\\ ") != std::string::npos ||
      name.size() > 200 || !is_valid_utf8(name))
    throw top.error("name", "a case name must be 1 to 200 characters of UTF-8 text, without spaces, slashes or control "
                            "characters, and not \".\" or \"..\" (it names the output folder out/<name>)");
}

/// Errors at a full key ("model.leak_U.alpha"), located at its line: the tables on the way are
/// walked as far as they exist, and the rest of the key is looked up in the last one.
KeyError key_error(const toml::table& root, const std::shared_ptr<CaseSources>& sources)
{
  return [&root, sources](std::string_view key, const std::string& message) {
    const toml::table* table = &root;
    std::string prefix;
    for (auto dot = key.find('.'); dot != std::string_view::npos; dot = key.find('.')) {
      const toml::table* next = table->get_as<toml::table>(key.substr(0, dot));
      if (!next) break;
      prefix += (prefix.empty() ? "" : ".") + std::string(key.substr(0, dot));
      table = next;
      key = key.substr(dot + 1);
    }
    return TableReader(*table, prefix, sources).error(key, message);
  };
}

void read_reduce(std::optional<TableReader> t, Case& c)
{
  ReduceSettings& r = c.reduce;
  if (!t) return;
  r.abs_tol = t->number_or("abs_tol", r.abs_tol);
  if (!(r.abs_tol > 0.0 && r.abs_tol < 1.0)) throw t->error("abs_tol", fmt::format("must be in (0, 1), got {}", r.abs_tol));
  r.rel_tol = t->number_or("rel_tol", r.rel_tol);
  if (!(r.rel_tol > 0.0 && r.rel_tol < 1.0)) throw t->error("rel_tol", fmt::format("must be in (0, 1), got {}", r.rel_tol));
  if (const toml::node* n = t->node("methods")) {
    const toml::array* a = n->as_array();
    if (!a || a->empty()) throw t->error("methods", "needs a non-empty list of names, e.g. [\"naive\", \"moments\"]");
    std::vector<std::string> names;
    for (const auto& item : *a) {
      const auto* s = item.as_string();
      if (!s) throw t->error("methods", "each method is a name (a string)");
      const std::string name = s->get();
      if (std::find(reduction_method_names().begin(), reduction_method_names().end(), name) == reduction_method_names().end())
        throw t->error("methods", unknown_name_message(name, reduction_method_names()));
      if (std::find(names.begin(), names.end(), name) != names.end())
        throw t->error("methods", fmt::format("'{}' is listed twice", name));
      names.push_back(name);
    }
    r.methods = std::move(names);
  }
  t->finish();
}

/// Applies one --set argument "a.b.c=value" to the document.
void apply_override(toml::table& root, const std::string& spec, CaseSources& sources)
{
  const auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0)
    throw InputError("--set " + spec, 0, "", "expected KEY=VALUE, e.g. --set initial.C.at=20");
  const std::string key = spec.substr(0, eq);
  const std::string text = spec.substr(eq + 1);
  std::vector<std::string> path;
  for (std::size_t start = 0;;) {
    const auto dot = key.find('.', start);
    path.push_back(key.substr(start, dot - start));
    if (path.back().empty()) throw InputError("--set " + spec, 0, key, "empty key segment");
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  // The value is TOML (number, boolean, string, array, inline table); bare words are strings.
  toml::table parsed;
  try {
    parsed = toml::parse("value = " + text, "--set " + spec);
  } catch (const toml::parse_error&) {
    toml::table as_string;
    as_string.insert("value", text);
    parsed = std::move(as_string);
  }
  toml::table* table = &root;
  std::string walked;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    walked += (walked.empty() ? "" : ".") + path[i];
    toml::node* next = table->get(path[i]);
    if (!next) {
      table->insert(path[i], toml::table{});
      sources.overridden.emplace(walked, spec);
      next = table->get(path[i]);
    }
    table = next->as_table();
    if (!table) throw InputError("--set " + spec, 0, walked, "is not a table, so it has no key '" + path[i + 1] + "'");
  }
  table->insert_or_assign(path.back(), std::move(*parsed.get("value")));
  sources.overridden[key] = spec;
}

Case read_document(toml::table& root, const std::string& source_name, const std::vector<std::string>& overrides,
                   SectionsUsed used)
{
  auto sources = std::make_shared<CaseSources>();
  sources->file = source_name;
  for (const auto& spec : overrides) apply_override(root, spec, *sources);

  Case c;
  c.source = source_name;
  c.overrides = overrides;
  TableReader top(root, "", sources);
  c.name = top.string_or("name", std::filesystem::path(source_name).stem().string());
  check_name(top, c.name);
  c.description = top.string_or("description", "");
  if (!is_valid_utf8(c.description)) throw top.error("description", "is not valid UTF-8 text");
  c.model = read_model(top.table("model"));
  {
    TableReader initial = top.table("initial");
    c.initial.U = read_marginal(initial.table("U"));
    c.initial.C = read_marginal(initial.table("C"));
    initial.finish();
  }
  c.time = read_time(top.table("time"));
  c.region = read_region(top.optional_table("region"), c.time.end);
  read_solver(top.optional_table("solver"), c, used.solver);
  read_particles(top.optional_table("particles"), c);
  read_report(top.optional_table("report"), c, used.report);
  const KeyError at = key_error(root, sources);
  check_parameter_scales(c, at);
  read_reduce(top.optional_table("reduce"), c);
  read_mesh(top.optional_table("mesh"), c);
  top.finish();
  check_case_resources(c, machine_memory_bytes(), at, used.solver);
  return c;
}

Case parse_and_read(const std::string& text, const std::string& source_name, const std::vector<std::string>& overrides,
                    SectionsUsed used)
{
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    throw InputError(source_name, static_cast<long>(e.source().begin.line), "",
                     "malformed TOML: " + std::string(e.description()));
  }
  return read_document(root, source_name, overrides, used);
}

}  // namespace

const std::vector<std::string>& reduction_method_names()
{
  static const std::vector<std::string> names{"naive", "moments", "facilitation"};
  return names;
}

Case read_case_text(const std::string& text, const std::string& source_name, const std::vector<std::string>& overrides,
                    SectionsUsed used)
{
  return parse_and_read(text, source_name, overrides, used);
}

Case read_case(const std::filesystem::path& path, const std::vector<std::string>& overrides, SectionsUsed used)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), 0, "", "cannot open the case file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_and_read(text.str(), path.string(), overrides, used);
}

}  // namespace stf::model
