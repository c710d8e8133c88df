// The resolved case as TOML: every key with its value, defaults filled in, in the order of the
// case-file documentation. Numbers are printed in shortest round-trip form, so reading the text
// back gives the same case.
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "model/case_limits.hpp"
#include "model/case_reader.hpp"

namespace stf::model {

namespace {

/// A TOML basic string: quotes, backslashes and every control character escaped, so that any text
/// read from a case (a description with tabs or escapes) reads back the same.
std::string quoted(const std::string& s)
{
  std::string out = "\"";
  for (char ch : s) {
    const auto byte = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\u{:04X}", unsigned(byte));
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string number(double x) { return fmt::format("{}", x); }

/// A mesh extent line. An automatic extent is written as its value with "# auto", so case.toml
/// shows the mesh that ran; one that a case.toml could not give back (unbounded: an unbounded rate
/// without mesh.u_max; or beyond the scale limit, which an explicit extent may not exceed) is
/// written as "auto", which reads back to the same estimate.
std::string extent_line(std::string_view key, double value, bool automatic)
{
  if (!std::isfinite(value)) return fmt::format("{} = \"auto\"  # no a-priori bound for this rate", key);
  if (automatic && value > scale_limit)
    return fmt::format("{} = \"auto\"  # {} (beyond the scale limit {:g} of an explicit extent)", key, number(value),
                       scale_limit);
  return fmt::format("{} = {}{}", key, number(value), automatic ? "  # auto" : "");
}

std::string rate_table(const RateFunction& phi)
{
  const std::string kind = quoted(std::string(to_string(phi.kind)));
  switch (phi.kind) {
    case RateKind::constant: return fmt::format("{{ kind = {}, lambda = {} }}", kind, number(phi.lambda0));
    case RateKind::linear:
      return fmt::format("{{ kind = {}, lambda0 = {}, gamma = {} }}", kind, number(phi.lambda0), number(phi.gamma));
    case RateKind::power:
      return fmt::format("{{ kind = {}, lambda0 = {}, gamma = {}, kappa = {} }}", kind, number(phi.lambda0),
                         number(phi.gamma), number(phi.kappa));
    case RateKind::hill:
      return fmt::format("{{ kind = {}, lambda0 = {}, phi_max = {}, theta = {}, kappa = {} }}", kind,
                         number(phi.lambda0), number(phi.phi_max), number(phi.theta), number(phi.kappa));
    case RateKind::sigmoid:
      return fmt::format("{{ kind = {}, phi_max = {}, theta = {}, s = {} }}", kind, number(phi.phi_max),
                         number(phi.theta), number(phi.s));
    case RateKind::threshold_linear: {
      std::string cap = std::isfinite(phi.phi_max) ? fmt::format(", phi_max = {}", number(phi.phi_max)) : "";
      return fmt::format("{{ kind = {}, lambda0 = {}, gamma = {}, theta = {}{} }}", kind, number(phi.lambda0),
                         number(phi.gamma), number(phi.theta), cap);
    }
  }
  return "{}";
}

std::string marginal_table(const Marginal& m)
{
  const std::string law = quoted(std::string(to_string(m.kind)));
  switch (m.kind) {
    case MarginalKind::dirac: return fmt::format("{{ law = {}, at = {} }}", law, number(m.at));
    case MarginalKind::uniform: return fmt::format("{{ law = {}, min = {}, max = {} }}", law, number(m.min), number(m.max));
    case MarginalKind::normal: return fmt::format("{{ law = {}, mean = {}, sd = {} }}", law, number(m.mean), number(m.sd));
    case MarginalKind::exponential: return fmt::format("{{ law = {}, mean = {} }}", law, number(m.mean));
  }
  return "{}";
}

std::string input_value(const InputSchedule& input)
{
  if (input.pulses().empty()) return number(input.base());
  std::vector<std::string> pulses;
  for (const auto& p : input.pulses())
    pulses.push_back(fmt::format("{{ start = {}, end = {}, amplitude = {} }}", number(p.start), number(p.end),
                                 number(p.amplitude)));
  return fmt::format("{{ base = {}, pulses = [{}] }}", number(input.base()), fmt::join(pulses, ", "));
}

template <class T>
std::string list(const std::vector<T>& values)
{
  std::vector<std::string> items;
  for (const auto& v : values) items.push_back(fmt::format("{}", v));
  return fmt::format("[{}]", fmt::join(items, ", "));
}

}  // namespace

std::string to_toml(const Case& c)
{
  std::string out;
  auto line = [&](const std::string& s) { out += s + "\n"; };
  line(fmt::format("name = {}", quoted(c.name)));
  if (!c.description.empty()) line(fmt::format("description = {}", quoted(c.description)));
  line("");
  line("[model]");
  line(fmt::format("phi = {}", rate_table(c.model.phi)));
  line(fmt::format("leak_U = {{ law = {}, alpha = {} }}", quoted(std::string(to_string(c.model.leak_U.kind))),
                   number(c.model.alpha())));
  line(fmt::format("leak_C = {{ law = {}, beta = {} }}", quoted(std::string(to_string(c.model.leak_C.kind))),
                   number(c.model.beta())));
  line(fmt::format("w0 = {}", number(c.model.w0)));
  line(fmt::format("w1 = {}", number(c.model.w1)));
  line(fmt::format("reset = {}", c.model.reset));
  if (c.model.reset) line(fmt::format("u_reset = {}", number(c.model.u_reset)));
  line(fmt::format("I = {}", input_value(c.model.input)));
  line("");
  line("[initial]");
  line(fmt::format("U = {}", marginal_table(c.initial.U)));
  line(fmt::format("C = {}", marginal_table(c.initial.C)));
  line("");
  line("[region]");
  for (const auto& th : c.region.thresholds) {
    std::vector<std::string> parts;
    if (th.min) parts.push_back(fmt::format("min = {}", number(*th.min)));
    if (th.max) parts.push_back(fmt::format("max = {}", number(*th.max)));
    line(fmt::format("{} = {{ {} }}", observable_names()[static_cast<std::size_t>(th.observable)], fmt::join(parts, ", ")));
  }
  line(fmt::format("t_grace = {}", number(c.region.t_grace)));
  line("");
  line("[time]");
  line(fmt::format("end = {}", number(c.time.end)));
  line(fmt::format("sample = {}", number(c.time.sample)));
  line("");
  line("[mesh]");
  line(extent_line("u_max", c.mesh.u_max, c.mesh.u_max_auto));
  line(extent_line("c_max", c.mesh.c_max, c.mesh.c_max_auto));
  line(fmt::format("cells_u = {}", c.mesh.cells_u));
  line(fmt::format("cells_per_unit_c = {}", c.mesh.cells_per_unit_c));
  line(fmt::format("stretch = {}", number(c.mesh.stretch)));
  line("");
  line("[solver]");
  line(fmt::format("scheme = {}", quoted(c.solver.scheme)));
  if (c.solver.tolerance) line(fmt::format("tolerance = {}", number(*c.solver.tolerance)));
  line(fmt::format("wall_budget = {}", number(c.solver.wall_budget)));
  line(fmt::format("limiter = {}", quoted(c.solver.limiter)));
  line(fmt::format("cfl = {}", number(c.solver.cfl)));
  line(fmt::format("snapshots = {}", list(c.solver.snapshots)));
  line(fmt::format("lost_mass_tolerance = {}", number(c.solver.lost_mass_tolerance)));
  line("");
  line("[particles]");
  line(fmt::format("neurons = {}", c.particles.neurons));
  line(fmt::format("replicas = {}", c.particles.replicas));
  line(fmt::format("seed = {}", c.particles.seed));
  line(fmt::format("whole_horizon = {}", c.particles.whole_horizon));
  line("");
  line("[report]");
  line(fmt::format("mesh_levels = {}", c.report.mesh_levels));
  line(fmt::format("neurons = {}", list(c.report.neurons)));
  line(fmt::format("replicas = {}", c.report.replicas));
  line(fmt::format("times = {}", list(c.report.times)));
  line(fmt::format("exit_neurons = {}", list(c.report.exit_neurons)));
  line(fmt::format("exit_precision = {}", c.report.exit_precision));
  line(fmt::format("exit_budget = {}", c.report.exit_budget));
  line(fmt::format("exit_horizon = {}", number(c.report.exit_horizon)));
  line("");
  line("[reduce]");
  line(fmt::format("abs_tol = {}", number(c.reduce.abs_tol)));
  line(fmt::format("rel_tol = {}", number(c.reduce.rel_tol)));
  std::vector<std::string> methods;
  for (const auto& m : c.reduce.methods) methods.push_back(quoted(m));
  line(fmt::format("methods = [{}]", fmt::join(methods, ", ")));
  return out;
}

}  // namespace stf::model
