// The time-stepped reference of MODEL.md §1, kept for tests and benchmarks only: in each step of
// length dt every neuron spikes with probability 1 - exp(-phi(U) dt), the flow is applied exactly
// over the step, and the kicks of the step's spikes are applied after it. Its error is O(dt); the
// exact simulator is checked against it as dt -> 0.
#pragma once

#include "model/case.hpp"
#include "particles/replica.hpp"

namespace stf::particles {

/// One replica with steps of at most `dt` (each sample interval is cut into equal steps).
/// Draws its initial condition from the same stream as the exact simulator.
ReplicaOutput simulate_replica_stepped(const model::Case& c, const ReplicaRequest& request, double dt);

}  // namespace stf::particles
