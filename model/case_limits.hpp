// What a case may ask for: physical scales that stay far from overflowing a double, amounts of work
// a run can finish, and memory and indices the machine has. A case beyond them is refused when it is
// read (stf check and every command), with the key to change, instead of running for ever, writing
// NaN, or dying in an allocation. The limits are documented in cases/README.md.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "model/case.hpp"
#include "model/input_error.hpp"

namespace stf::model {

/// Largest magnitude of a potential, a calcium level, a rate, a drive or an input (and of the
/// parameters that set them). Products of two such scales (rate x time, weight x calcium) stay
/// below 1e24, far inside a double, and 1e12 is already absurd for this model.
inline constexpr double scale_limit = 1e12;
/// Largest (rate x time.end) of the fastest process of a case: the number of its time scales a run
/// has to resolve (leak relaxations, spikes per neuron). 1e9 of them take hours already.
inline constexpr double time_scale_limit = 1e9;
/// Largest number of stops of the limit solver's time stepper (the calcium rows move down one cell
/// every 1 / (beta cells_per_unit_c) with a linear calcium leak), like the 1e7 sample times.
inline constexpr double stop_limit = 1e7;
/// Largest cell count of a mesh: the solver's indices (PetscInt) are 32-bit.
inline constexpr double index_limit = 2147483647.0 - 1e6;
/// Largest wall-time budget of the limit's refinement (solver.wall_budget), in seconds: about 16 weeks.
inline constexpr double max_wall_budget = 1e7;
/// Memory a run may plan for, as a fraction of the machine's.
inline constexpr double memory_fraction = 0.8;

/// Builds the error for a full key ("model.leak_U.alpha"), located at its line when known.
using KeyError = std::function<InputError(std::string_view key, const std::string& message)>;

/// Scales of the parameters, before the mesh is resolved from them.
void check_parameter_scales(const Case& c, const KeyError& at);
/// Scales the resolved case can produce, work, memory and indices (`memory_bytes` 0: unknown). The
/// checks of the MUSCL mesh only when `mesh_used` (the command runs the limit with that scheme).
void check_case_resources(const Case& c, std::uint64_t memory_bytes, const KeyError& at, bool mesh_used = true);

/// The report's studies (a mesh 4^(mesh_levels - 1) times finer, report.neurons, report.replicas):
/// checked by stf report only, as other commands do not run them. Throws InputError at the key.
void check_report_resources(const Case& c, std::uint64_t memory_bytes);

/// MemTotal from /proc/meminfo, in bytes; 0 when unknown.
std::uint64_t machine_memory_bytes();

}  // namespace stf::model
