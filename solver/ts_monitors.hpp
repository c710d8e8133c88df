// -ts_monitor and -ts_view once per run. The driver advances the state with one TSSolve per stop
// (sample, snapshot and relabelling times, changes of I(t)); left to PETSc, every TSSolve views the
// TS again at its end and its monitor repeats the step it starts from, so a run printed hundreds of
// views and a monitor line per stop on top of one per step.
#pragma once

#include <petscts.h>

namespace stf::solver {

/// Between construction (before TSSetFromOptions) and destruction, -ts_monitor and -ts_view are
/// taken out of the options database and served here: one monitor line per step (the step a
/// TSSolve starts from is printed only if no line has been printed for it yet) and one view, by
/// view_once() at the end of the run. The options are put back afterwards, marked as used, so the
/// next run (a report or a sweep solves many) sees them too.
class RunMonitors {
 public:
  explicit RunMonitors(MPI_Comm comm);
  ~RunMonitors();
  RunMonitors(const RunMonitors&) = delete;
  RunMonitors& operator=(const RunMonitors&) = delete;

  /// After TSSetFromOptions: installs the per-step monitor if -ts_monitor was given.
  PetscErrorCode attach(TS ts);
  /// At the end of the run: the -ts_view view, if it was asked for.
  PetscErrorCode view_once(TS ts);

 private:
  struct Taken {
    bool given = false;
    bool has_value = false;
    char value[PETSC_MAX_PATH_LEN] = {};
  };
  static Taken take(const char* name);
  static void put_back(const char* name, const Taken& taken);

  MPI_Comm comm_;
  Taken monitor_, view_;
  PetscViewer monitor_viewer_ = nullptr, view_viewer_ = nullptr;
  PetscViewerFormat monitor_format_ = PETSC_VIEWER_DEFAULT, view_format_ = PETSC_VIEWER_DEFAULT;
  PetscInt last_printed_ = -1;

  static PetscErrorCode monitor(TS ts, PetscInt step, PetscReal t, Vec X, void* self);
};

}  // namespace stf::solver
