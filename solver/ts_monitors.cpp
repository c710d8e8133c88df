// -ts_monitor and -ts_view once per run (see ts_monitors.hpp).
#include "solver/ts_monitors.hpp"

#include "solver/petsc_error.hpp"

namespace stf::solver {

RunMonitors::Taken RunMonitors::take(const char* name)
{
  Taken taken;
  PetscBool set = PETSC_FALSE;
  petsc_check(PetscOptionsGetString(nullptr, nullptr, name, taken.value, sizeof taken.value, &set), name);
  taken.given = set == PETSC_TRUE;
  taken.has_value = taken.given && taken.value[0] != '\0';
  if (taken.given) petsc_check(PetscOptionsClearValue(nullptr, name), name);
  return taken;
}

void RunMonitors::put_back(const char* name, const Taken& taken)
{
  if (!taken.given) return;
  if (PetscOptionsSetValue(nullptr, name, taken.has_value ? taken.value : nullptr) != 0) return;
  PetscBool used = PETSC_FALSE;
  PetscOptionsHasName(nullptr, nullptr, name, &used);  // marks it used: it was served
}

RunMonitors::RunMonitors(MPI_Comm comm) : comm_(comm)
{
  // Parsed before they are taken out, so a viewer specification ("ascii:file") is honoured.
  PetscBool set = PETSC_FALSE;
  petsc_check(PetscOptionsGetViewer(comm, nullptr, nullptr, "-ts_monitor", &monitor_viewer_, &monitor_format_, &set),
              "-ts_monitor");
  petsc_check(PetscOptionsGetViewer(comm, nullptr, nullptr, "-ts_view", &view_viewer_, &view_format_, &set), "-ts_view");
  monitor_ = take("-ts_monitor");
  view_ = take("-ts_view");
}

RunMonitors::~RunMonitors()
{
  put_back("-ts_monitor", monitor_);
  put_back("-ts_view", view_);
  PetscViewerDestroy(&monitor_viewer_);
  PetscViewerDestroy(&view_viewer_);
}

PetscErrorCode RunMonitors::attach(TS ts)
{
  PetscFunctionBeginUser;
  if (monitor_viewer_) PetscCall(TSMonitorSet(ts, monitor, this, nullptr));
  PetscFunctionReturn(0);
}

PetscErrorCode RunMonitors::view_once(TS ts)
{
  PetscFunctionBeginUser;
  if (!view_viewer_) PetscFunctionReturn(0);
  PetscCall(PetscViewerPushFormat(view_viewer_, view_format_));
  PetscCall(TSView(ts, view_viewer_));
  PetscCall(PetscViewerPopFormat(view_viewer_));
  PetscFunctionReturn(0);
}

PetscErrorCode RunMonitors::monitor(TS ts, PetscInt step, PetscReal t, Vec X, void* raw)
{
  PetscFunctionBeginUser;
  auto& self = *static_cast<RunMonitors*>(raw);
  if (step <= self.last_printed_) PetscFunctionReturn(0);  // the step a TSSolve starts from, printed before
  self.last_printed_ = step;
  PetscViewerAndFormat vf{};
  vf.viewer = self.monitor_viewer_;
  vf.format = self.monitor_format_;
  PetscCall(TSMonitorDefault(ts, step, t, X, &vf));
  PetscFunctionReturn(0);
}

}  // namespace stf::solver
