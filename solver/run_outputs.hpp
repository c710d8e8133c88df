// The files of a limit-solver run (`stf run`): observables.csv, summary.json, case.toml (the
// resolved case) and, beside the .vts density snapshots, snapshots.json with the singular parts.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "model/case.hpp"
#include "solver/solve.hpp"

namespace stf::solver {

struct RunInfo {
  int ranks = 1;
  std::vector<std::string> petsc_args;  // the PETSc options of the run, recorded for reruns
};

/// Writes the outputs of `solution` into `folder` (which exists; rank 0 only). The .vts files are
/// expected in folder / "snapshots" (solve writes them there when SolveOptions::vtk_folder is set).
/// Throws io::IoError.
void write_run_outputs(const std::filesystem::path& folder, const model::Case& c, const Solution& solution,
                       const RunInfo& info);

/// summary.json's text (for tests and for the report).
std::string summary_json(const model::Case& c, const Solution& solution, const RunInfo& info);

}  // namespace stf::solver
