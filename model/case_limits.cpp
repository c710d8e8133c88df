// The limits of model/case_limits.hpp, checked key by key.
#include "model/case_limits.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "model/extent_estimates.hpp"
#include "model/observables.hpp"

namespace stf::model {

namespace {

/// The magnitude of `value` must be finite and at most scale_limit.
void require_scale(const KeyError& at, std::string_view key, double value, std::string_view what)
{
  if (std::isfinite(value) && std::abs(value) <= scale_limit) return;
  throw at(key, fmt::format("{} = {:.6g} exceeds the scale limit {:g} of stf (results would overflow a double "
                            "or lose all precision); use smaller units or values",
                            what, value, scale_limit));
}

/// rate x time.end must be at most time_scale_limit.
void require_time_scales(const KeyError& at, std::string_view key, double rate, double end, std::string_view what)
{
  const double product = rate * end;
  if (product <= time_scale_limit) return;
  throw at(key, fmt::format("{} = {:.6g} times time.end = {:.6g} is {:.3g}, more than the {:g} time scales a run can "
                            "resolve; shorten time.end or slow the process",
                            what, rate, end, product, time_scale_limit));
}

std::string bytes_text(double bytes) { return fmt::format("{:.3g} GB", bytes / 1e9); }

/// Bytes per mesh cell the solver holds: the state, the Runge-Kutta stages, the ghosted local
/// copies and the fluxes, about 20 doubles, and the snapshots gathered on rank 0.
constexpr double bytes_per_cell = 256.0;
/// Bytes per neuron of a replica in flight: its state and the thinning's group tables.
constexpr double bytes_per_neuron = 64.0;
/// Bytes per sample time of one replica's (or the limit's) records.
constexpr double bytes_per_sample = 8.0 * (double(observable_count) + 2.0);

}  // namespace

void check_parameter_scales(const Case& c, const KeyError& at)
{
  const ModelParameters& m = c.model;
  const RateFunction& phi = m.phi;
  for (auto [key, value] : {std::pair<const char*, double>{"model.phi.lambda0", phi.lambda0},
                            {"model.phi.gamma", phi.gamma},
                            {"model.phi.theta", phi.theta},
                            {"model.phi.s", phi.s},
                            {"model.phi.kappa", phi.kappa}})
    require_scale(at, key, value, key);
  if (std::isfinite(phi.phi_max)) require_scale(at, "model.phi.phi_max", phi.phi_max, "phi_max");
  require_scale(at, "model.w0", m.w0, "w0");
  require_scale(at, "model.w1", m.w1, "w1");
  require_scale(at, "model.u_reset", m.u_reset, "u_reset");
  require_scale(at, "model.I", m.input.base(), "the input base");
  for (const auto& p : m.input.pulses()) require_scale(at, "model.I", p.amplitude, "an input pulse amplitude");
  require_scale(at, "model.I", m.input.sup(), "the largest input");
  require_scale(at, "model.leak_U.alpha", m.alpha(), "alpha");
  require_scale(at, "model.leak_C.beta", m.beta(), "beta");
  require_time_scales(at, "model.leak_U.alpha", m.alpha(), c.time.end, "leak_U.alpha");
  require_time_scales(at, "model.leak_C.beta", m.beta(), c.time.end, "leak_C.beta");
  require_scale(at, "initial.U", c.initial.U.upper_extent(), "the initial potential's extent");
  require_scale(at, "initial.C", c.initial.C.upper_extent(), "the initial calcium's extent");
  require_scale(at, "time.end", c.time.end, "time.end");
}

void check_case_resources(const Case& c, std::uint64_t memory_bytes, const KeyError& at, bool mesh_used)
{
  const double budget = memory_fraction * double(memory_bytes);
  auto require_memory = [&](std::string_view key, double bytes, std::string_view what) {
    if (memory_bytes == 0 || bytes <= budget) return;
    throw at(key, fmt::format("{} needs about {}, more than this machine can give ({} of {} memory)", what,
                              bytes_text(bytes), bytes_text(budget), bytes_text(double(memory_bytes))));
  };
  const double samples = c.time.end / c.time.sample + 2.0;
  require_memory("particles.neurons", double(c.particles.neurons) * bytes_per_neuron,
                 fmt::format("a network of {} neurons", c.particles.neurons));
  require_memory("particles.replicas", double(c.particles.replicas) * samples * bytes_per_sample,
                 fmt::format("{} replicas of {:.3g} sample times", c.particles.replicas, samples));
  require_memory("time.sample", samples * bytes_per_sample * 2.0, fmt::format("{:.3g} sample times", samples));
  // The rest concerns the MUSCL solver's mesh: only where the mesh is read and used.
  if (!mesh_used || c.solver.scheme != "muscl") return;

  // Scales the case produces: potentials and calcium on the mesh, the rate there, the drive.
  require_scale(at, "mesh.u_max", c.mesh.u_max, "mesh.u_max");
  require_scale(at, "mesh.c_max", c.mesh.c_max, "mesh.c_max");
  const double rate = c.model.phi.sup_on(c.mesh.u_max);
  require_scale(at, "model.phi", rate, "the largest rate on the mesh, phi(mesh.u_max)");
  require_time_scales(at, "time.end", rate, c.time.end, "the largest rate on the mesh");
  const ExtentEstimates e = estimate_extents(c);
  if (std::isfinite(e.u_needed)) {
    require_scale(at, c.model.w1 > 0.0 ? "model.w1" : "model.w0", e.drive_bound, "the largest drive p(t)");
    require_scale(at, "model.w1", c.model.w1 * c.mesh.c_max, "the largest kick weight w1 x mesh.c_max");
  }

  // With a linear calcium leak the limit solver moves its calcium rows down one cell every
  // 1 / (beta cells_per_unit_c): beta x time.end x cells_per_unit_c stops, each listed before the run.
  if (c.model.leak_C.kind == LeakKind::linear) {
    const double stops = c.model.beta() * c.time.end * double(c.mesh.cells_per_unit_c);
    if (stops > stop_limit)
      throw at("time.end", fmt::format("the limit solver would stop {:.3g} times (beta x time.end x "
                                       "mesh.cells_per_unit_c), more than {:g}; shorten time.end",
                                       stops, stop_limit));
  }

  // Indices and memory. The cell count in floating point: it may overflow a long.
  const double cells = double(c.mesh.cells_u) * c.mesh.c_max * double(c.mesh.cells_per_unit_c);
  const std::string_view cell_key = c.mesh.cells_u >= 1000 ? "mesh.cells_u" : "mesh.cells_per_unit_c";
  if (cells > index_limit)
    throw at(cell_key, fmt::format("the mesh has {:.3g} cells, more than the solver's 32-bit indices allow ({:.3g})",
                                   cells, index_limit));
  require_memory(cell_key, cells * bytes_per_cell, fmt::format("the mesh of {:.3g} cells", cells));
}

void check_report_resources(const Case& c, std::uint64_t memory_bytes)
{
  const KeyError at = [&c](std::string_view key, const std::string& message) {
    return InputError(c.source.string(), 0, std::string(key), message);
  };
  if (!std::isfinite(c.mesh.u_max))
    throw at("mesh.u_max", "no a-priori bound on the potential for this rate (the drive may grow without bound): "
                           "the report's mesh study (solver.scheme = \"muscl\") needs mesh.u_max");
  const double cells = double(c.mesh.cells_u) * c.mesh.c_max * double(c.mesh.cells_per_unit_c);
  const double finest = cells * std::pow(4.0, double(c.report.mesh_levels - 1));  // the mesh study halves h
  const double samples = c.time.end / c.time.sample + 2.0;
  const double budget = memory_fraction * double(memory_bytes);
  auto require_memory = [&](std::string_view key, double bytes, std::string_view what) {
    if (memory_bytes == 0 || bytes <= budget) return;
    throw at(key, fmt::format("{} needs about {}, more than this machine can give ({} of {} memory)", what,
                              bytes_text(bytes), bytes_text(budget), bytes_text(double(memory_bytes))));
  };
  if (finest > index_limit)
    throw at("report.mesh_levels", fmt::format("the finest mesh of the report's mesh study has {:.3g} cells, more "
                                               "than the solver's 32-bit indices allow ({:.3g})",
                                               finest, index_limit));
  require_memory("report.mesh_levels", finest * bytes_per_cell,
                 fmt::format("the report's finest mesh of {:.3g} cells", finest));
  const double report_neurons = double(*std::max_element(c.report.neurons.begin(), c.report.neurons.end()));
  require_memory("report.neurons", report_neurons * bytes_per_neuron,
                 fmt::format("the report's network of {:.3g} neurons", report_neurons));
  require_memory("report.replicas",
                 double(c.report.replicas) * double(c.report.neurons.size()) * samples * bytes_per_sample,
                 fmt::format("the report's {} replicas of {:.3g} sample times", c.report.replicas, samples));
}

std::uint64_t machine_memory_bytes()
{
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("MemTotal:", 0) != 0) continue;
    std::istringstream fields(line.substr(9));
    std::uint64_t kb = 0;
    if (fields >> kb) return kb * 1024;
  }
  return 0;
}

}  // namespace stf::model
