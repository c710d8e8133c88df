// stf check CASE: validates a case, prints it resolved (defaults filled in) and the derived facts
// a user should know before running it.
#include <cmath>
#include <fmt/core.h>

#include "app/case_options.hpp"
#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "model/case_reader.hpp"
#include "model/extent_estimates.hpp"

namespace stf::app {

namespace {

void print_facts(const model::Case& c)
{
  const model::ExtentEstimates e = model::estimate_extents(c);
  const auto& m = c.model;
  const double du = c.mesh.u_max / double(c.mesh.cells_u);
  fmt::print("# Derived facts\n");
  fmt::print("#   phi on the mesh: phi(0) = {:.6g}, phi(u_max = {:.6g}) = {:.6g}; sup of phi = {:.6g}\n", m.phi(0.0),
             c.mesh.u_max, m.phi(c.mesh.u_max), m.phi.sup());
  if (m.quiet_state_is_equilibrium())
    fmt::print("#   the all-quiet state is an equilibrium (phi(0) = 0 and I = 0): activity dies out eventually\n");
  else
    fmt::print("#   the all-quiet state is NOT an equilibrium ({}): the network never falls silent\n",
               m.phi(0.0) > 0.0 ? "phi(0) > 0" : "the input I is not zero");
  fmt::print("#   largest drive p(t) this case can produce (estimate): {:.6g}  (phi_sup {:.6g} x (w0 + w1 <C>_max {:.6g}))\n",
             e.drive_bound, e.phi_sup, e.mean_calcium_bound);
  fmt::print("#   potential extent it needs: {:.6g} (mesh.u_max = {:.6g}{})\n", e.u_needed, c.mesh.u_max,
             c.mesh.u_max_auto ? ", auto" : "");
  fmt::print("#   calcium extent for a lost mass below {:.3g}: {:.6g} (mesh.c_max = {:.6g}{})\n",
             c.solver.lost_mass_tolerance, e.c_needed, c.mesh.c_max, c.mesh.c_max_auto ? ", auto" : "");
  if (std::isfinite(c.mesh.u_max))
    fmt::print("#   mesh: {} x {} = {} cells, du = {:.4g}, dc = {:.4g} (a spike shifts calcium by {} cells)\n",
               c.mesh.cells_u, c.mesh.cells_c(), c.mesh.cells_u * c.mesh.cells_c(), du,
               1.0 / double(c.mesh.cells_per_unit_c), c.mesh.cells_per_unit_c);
  else
    fmt::print("#   mesh: none a priori (this rate bounds no potential); solver.scheme = \"muscl\" and stf report's "
               "mesh study need mesh.u_max and mesh.c_max, the characteristic scheme needs no mesh\n");
  if (!c.mesh.u_max_auto && c.mesh.u_max < e.u_needed)
    fmt::print("#   warning: mesh.u_max is below the estimated potential extent; mass may leave through u_max\n");
  if (!c.mesh.c_max_auto && c.mesh.c_max < e.c_needed)
    fmt::print("#   warning: mesh.c_max is below the estimated calcium extent; mass may leave through c_max\n");
  if (c.region.is_empty_constraint())
    fmt::print("#   no [region]: runs report no exit time\n");
  fmt::print("#   sections read: [solver] by run, report and sweep; [particles] by simulate, report and sweep; "
             "[report] by report only.\n#   check validates them all; each command checks only the sections it reads "
             "(a report.times beyond a shortened time.end stops stf report, not stf run)\n");
  fmt::print("#   sample times: {} (every {:.6g} up to {:.6g})\n", c.time.sample_times().size(), c.time.sample, c.time.end);
}

}  // namespace

void register_check_command(CLI::App& app, const AppContext& context, CommandAction& action)
{
  auto* command = app.add_subcommand("check", "validate a case file and print it resolved, with derived facts");
  auto options = std::make_shared<CaseOptions>();
  options->add_to(*command);
  command->callback([&action, &context, options] {
    action = [&context, options] {
      const model::Case c = options->read();
      if (context.is_root()) {
        fmt::print("# {}: valid. Resolved case (every default filled in):\n", options->case_file);
        fmt::print("{}\n", model::to_toml(c));
        print_facts(c);
      }
      return int(exit_ok);
    };
  });
}

}  // namespace stf::app
