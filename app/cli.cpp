// The stf command line: subcommands, PETSc start-up and exit codes.
#include "app/cli.hpp"

#include <petscsys.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <fmt/core.h>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "io/output_folder.hpp"
#include "io/provenance.hpp"
#include "model/input_error.hpp"
#include "reduce/integrate.hpp"
#include "solver/solver_failure.hpp"

namespace stf::app {

namespace {

constexpr const char* description =
    "stf: interacting neurons with short-term synaptic facilitation.\n"
    "Solves the mean-field limit density over the (potential, calcium) plane, simulates the\n"
    "finite-N network exactly, and compares the two. PETSc options go after \"--\".";

/// Warns about PETSc options given after "--" that no PETSc object read.
void report_unused_petsc_options(const AppContext& context)
{
  PetscInt unused = 0;
  if (PetscOptionsLeftGet(nullptr, &unused, nullptr, nullptr) != 0 || unused == 0) return;
  char** names = nullptr;
  char** values = nullptr;
  if (PetscOptionsLeftGet(nullptr, &unused, &names, &values) != 0) return;
  if (context.is_root())
    for (PetscInt i = 0; i < unused; ++i)
      fmt::print(stderr, "stf: warning: PETSc option -{} was given but never used\n", names[i]);
  PetscOptionsLeftRestore(nullptr, &unused, &names, &values);
}

int run_selected(CLI::App& app, const std::vector<std::string>& cli_args, const CommandAction& action,
                 const AppContext& context)
{
  auto say = [&](const std::string& what) {
    if (context.is_root()) fmt::print(stderr, "stf: error: {}\n", what);
  };
  try {
    std::vector<std::string> reversed(cli_args.rbegin(), cli_args.rend());
    app.parse(reversed);
    return action ? action() : exit_input_error;
  } catch (const CLI::ParseError& e) {
    const int code = context.is_root() ? app.exit(e) : (e.get_exit_code() == 0 ? 0 : 1);
    return code == 0 ? exit_ok : exit_input_error;
  } catch (const model::InputError& e) {
    say(e.what());
    return exit_input_error;
  } catch (const io::OutputExistsError& e) {
    say(e.what());
    return exit_input_error;
  } catch (const io::IoError& e) {
    say(e.what());
    return exit_io_error;
  } catch (const solver::SolverFailure& e) {
    say(std::string("run failed: ") + e.what());
    return exit_run_failure;
  } catch (const reduce::ReductionFailure& e) {
    say(std::string("reduction failed: ") + e.what());
    return exit_run_failure;
  } catch (const std::exception& e) {
    say(std::string("internal error: ") + e.what());
    return exit_internal_error;
  }
}

}  // namespace

int run_cli(int argc, char** argv)
{
  std::vector<std::string> cli_args;
  std::vector<std::string> petsc_args;
  bool after_separator = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (!after_separator && arg == "--") {
      after_separator = true;
      continue;
    }
    (after_separator ? petsc_args : cli_args).push_back(arg);
  }

  // PETSc sees only the program name and the options after "--".
  std::vector<char*> petsc_argv{argv[0]};
  for (auto& a : petsc_args) petsc_argv.push_back(a.data());
  petsc_argv.push_back(nullptr);
  int petsc_argc = static_cast<int>(petsc_argv.size()) - 1;
  char** petsc_argv_ptr = petsc_argv.data();
  if (PetscInitialize(&petsc_argc, &petsc_argv_ptr, nullptr, nullptr) != 0) {
    std::fputs("stf: error: PETSc failed to initialise\n", stderr);
    return exit_internal_error;
  }

  AppContext context;
  context.petsc_args = petsc_args;
  MPI_Comm_rank(PETSC_COMM_WORLD, &context.rank);
  MPI_Comm_size(PETSC_COMM_WORLD, &context.size);

  CLI::App app{description, "stf"};
  app.set_version_flag("--version", fmt::format("stf {} ({})", io::stf_version, io::stf_git_hash));
  app.require_subcommand(1);
  app.footer("Run 'stf COMMAND --help' for the options of a command. Exit codes: 0 ok, 1 internal error,\n"
             "2 bad input, 3 run failure (NaN, lost mass), 4 output error, 130 interrupted.");
  CommandAction action;
  register_all_commands(app, context, action);

  const int code = run_selected(app, cli_args, action, context);
  if (code == exit_ok) report_unused_petsc_options(context);
  PetscFinalize();
  return code;
}

}  // namespace stf::app
