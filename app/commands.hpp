// The subcommands of stf. Each registers its options on the CLI11 app and, when it is the
// selected command, sets `action` to what it runs.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "app/app_context.hpp"

namespace stf::app {

using CommandAction = std::function<int()>;

void register_check_command(CLI::App& app, const AppContext& context, CommandAction& action);
void register_run_command(CLI::App& app, const AppContext& context, CommandAction& action);
void register_report_command(CLI::App& app, const AppContext& context, CommandAction& action);
void register_sweep_command(CLI::App& app, const AppContext& context, CommandAction& action);
void register_simulate_command(CLI::App& app, const AppContext& context, CommandAction& action);
void register_reduce_command(CLI::App& app, const AppContext& context, CommandAction& action);

/// Registers every command above, in the order --help lists them.
void register_all_commands(CLI::App& app, const AppContext& context, CommandAction& action);

}  // namespace stf::app
