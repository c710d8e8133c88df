// `stf report`: the mesh study of the limit, the particles against the limit and the exit times
// for one case (MODEL.md §3-4), written as report.json (every number in the tables), a
// self-contained report.html (figures embedded as data URIs) and the figures as PNG files.
#pragma once

#include <atomic>
#include <filesystem>
#include <mpi.h>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "io/output_folder.hpp"
#include "model/case.hpp"
#include "validation/exit_law_study.hpp"
#include "validation/figures.hpp"
#include "validation/mesh_study.hpp"
#include "validation/particle_study.hpp"

namespace stf::validation {

struct ReportOptions {
  bool quick = false;                       // the smaller study of report_sizes(c, true)
  bool progress = false;                    // stage messages on stderr (rank 0)
  const std::atomic<bool>* stop = nullptr;  // checked by the solver and the particle ensembles
};

/// The study sizes: the case's [report] section, or with `quick` a study small enough for tests.
struct ReportSizes {
  long mesh_levels = 3;
  model::MeshSettings finest_mesh_hint;     // the mesh the sequence is built from (see mesh_sequence)
  std::vector<long> neurons;
  long replicas = 0;
  std::vector<double> times;                // marginal and snapshot times
  std::vector<long> exit_neurons;           // the exit-time law's sizes
  double exit_precision = 1e-3;             // standard error asked of each mean exit time
  double exit_budget = 20.0;                // wall seconds per size
  double exit_horizon = 0.0;                // how long the exit-law replicas run (>= the case's time.end)
  double limit_tolerance = 1e-4;            // relative error asked of the error-barred limit
  bool quick = false;
};
ReportSizes report_sizes(const model::Case& c, bool quick);

struct ReportData {
  model::Case study_case;
  ReportSizes sizes;
  MeshStudy mesh;
  // The limit the particles are compared with: the characteristic scheme refined to
  // sizes.limit_tolerance (observables and exit time with error estimates, and its levels: the
  // work-precision data); the marginals come from the finest mesh (the one scheme with densities).
  solver::Solution reference;
  LimitReference limit;
  ParticleStudy particles;
  ExitLawStudy exit_law;                    // the exit-time law at finite N
  double wall_seconds = 0.0;
  std::string closing_note;                 // the headline numbers in words
  bool interrupted = false;                 // `stop` was set: the studies are incomplete
};

/// Runs the studies (collective over `comm`); the data are complete on rank 0 unless
/// `interrupted` (every rank agrees on it).
ReportData run_report_studies(const model::Case& c, const ReportOptions& options, MPI_Comm comm);

/// The figures of the report: PNGs into folder.figures, their data as CSV into folder.data (throws FigureError).
std::vector<FigureFile> make_report_figures(const ReportData& data, const FigureFolders& folder);

/// report.json: the settings and every number of the tables (non-finite values become null).
nlohmann::json report_json(const ReportData& data, const std::vector<FigureFile>& figures);

/// report.html, self-contained: the figures are read from `figure_folder` and embedded.
std::string report_html(const ReportData& data, const std::vector<FigureFile>& figures,
                        const std::filesystem::path& figure_folder);

/// The closing note from the numbers (also in report.json).
std::string closing_note(const ReportData& data);

/// Writes everything into the staged output folder (figures/ subfolder, report.json,
/// report.html, case.toml) on the calling rank; the caller commits the folder.
void write_report(const ReportData& data, const io::OutputFolder& folder);

}  // namespace stf::validation
