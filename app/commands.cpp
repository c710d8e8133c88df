// The list of stf's commands.
#include "app/commands.hpp"

namespace stf::app {

void register_all_commands(CLI::App& app, const AppContext& context, CommandAction& action)
{
  register_check_command(app, context, action);
  register_run_command(app, context, action);
  register_simulate_command(app, context, action);
  register_report_command(app, context, action);
  register_sweep_command(app, context, action);
  register_reduce_command(app, context, action);
}

}  // namespace stf::app
