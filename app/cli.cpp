// The stf command line: subcommands, PETSc start-up and exit codes.
#include "app/cli.hpp"

#include <petscsys.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <fmt/format.h>
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

/// Maps a command's failure to its exit code (and says why on rank 0).
int run_action(const CommandAction& action, const AppContext& context)
{
  auto say = [&](const std::string& what) {
    if (context.is_root()) fmt::print(stderr, "stf: error: {}\n", what);
  };
  try {
    return action ? action() : exit_input_error;
  } catch (const model::InputError& e) {
    say(e.what());
    return exit_input_error;
  } catch (const io::OutputExistsError& e) {
    say(e.what());
    return exit_input_error;
  } catch (const io::IoError& e) {
    say(e.what());
    return exit_io_error;
  } catch (const std::filesystem::filesystem_error& e) {
    say(std::string("writing an output failed: ") + e.what());
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

/// Whether an MPI launcher started this process (then every rank but 0 stays quiet, which needs
/// MPI's rank before anything is printed).
bool started_by_mpi_launcher()
{
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(variable) != nullptr) return true;
  return false;
}

/// PETSc (and MPI) with the program name and the options after "--"; fills in the rank and size.
/// `petsc_argv` holds the arguments PETSc keeps pointers to: it must live until PetscFinalize.
bool initialise_petsc(char* program, std::vector<std::string>& petsc_args, std::vector<char*>& petsc_argv,
                      AppContext& context)
{
  petsc_argv = {program};
  for (auto& a : petsc_args) petsc_argv.push_back(a.data());
  petsc_argv.push_back(nullptr);
  int petsc_argc = static_cast<int>(petsc_argv.size()) - 1;
  char** petsc_argv_ptr = petsc_argv.data();
  if (PetscInitialize(&petsc_argc, &petsc_argv_ptr, nullptr, nullptr) != 0) {
    std::fputs("stf: error: PETSc failed to initialise\n", stderr);
    return false;
  }
  MPI_Comm_rank(PETSC_COMM_WORLD, &context.rank);
  MPI_Comm_size(PETSC_COMM_WORLD, &context.size);
  context.parallel = true;
  return true;
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

  AppContext context;
  context.petsc_args = petsc_args;
  CLI::App app{description, "stf"};
  app.set_version_flag("--version", fmt::format("stf {} ({})", io::stf_version, io::stf_git_hash));
  app.require_subcommand(1);
  app.footer("Run 'stf COMMAND --help' for the options of a command. Exit codes: 0 ok, 1 internal error,\n"
             "2 bad input, 3 run failure (NaN, lost mass), 4 output error, 130 interrupted.");
  CommandAction action;
  register_all_commands(app, context, action);

  // Initialising MPI and PETSc takes about half a second: `stf check`, --help and --version go
  // without, and `stf run` starts them only if it needs them (AppContext::parallel), unless PETSc
  // options were given (they are read, or reported unused) or mpirun started the process (only
  // rank 0 prints).
  std::vector<char*> petsc_argv;
  const bool with_petsc = !petsc_args.empty() || started_by_mpi_launcher();
  if (with_petsc && !initialise_petsc(argv[0], petsc_args, petsc_argv, context)) return exit_internal_error;
  int code = exit_ok;
  // CLI11 would say "A subcommand is required" for a misspelt command: name it instead.
  if (!cli_args.empty() && !cli_args.front().empty() && cli_args.front().front() != '-') {
    std::vector<std::string> names;
    for (const auto* sub : app.get_subcommands([](CLI::App*) { return true; })) names.push_back(sub->get_name());
    if (std::find(names.begin(), names.end(), cli_args.front()) == names.end()) {
      if (context.is_root())
        fmt::print(stderr, "stf: error: unknown command '{}'; the commands are {}\n", cli_args.front(),
                   fmt::join(names, ", "));
      if (context.parallel) PetscFinalize();
      return exit_input_error;
    }
  }
  try {
    std::vector<std::string> reversed(cli_args.rbegin(), cli_args.rend());
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    code = (context.is_root() ? app.exit(e) : e.get_exit_code()) == 0 ? exit_ok : exit_input_error;
    if (context.parallel) PetscFinalize();
    return code;
  }
  // `run` starts them itself when it needs them (AppContext::parallel).
  context.start_parallel = [&] {
    if (context.parallel) return;
    if (!initialise_petsc(argv[0], petsc_args, petsc_argv, context))
      throw std::runtime_error("PETSc failed to initialise");
  };
  if (!context.parallel && !app.got_subcommand("check") && !app.got_subcommand("run")) {
    if (!initialise_petsc(argv[0], petsc_args, petsc_argv, context)) return exit_internal_error;
  }
  code = run_action(action, context);
  if (context.parallel) {
    if (code == exit_ok) report_unused_petsc_options(context);
    PetscFinalize();
  }
  return code;
}

}  // namespace stf::app
