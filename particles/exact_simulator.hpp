// The finite system of MODEL.md §1 simulated exactly in continuous time: spikes by thinning
// against per-group rate bounds, the flow between events in closed form, and every kick applied
// in O(1) through a shared accumulated input (docs in exact_simulator.cpp).
#pragma once

#include "model/case.hpp"
#include "particles/replica.hpp"

namespace stf::particles {

/// Runs one replica of `c` with the exact event-driven method. Throws std::invalid_argument if the
/// request is malformed (no sample times, neurons < 1).
ReplicaOutput simulate_replica_exact(const model::Case& c, const ReplicaRequest& request);

}  // namespace stf::particles
