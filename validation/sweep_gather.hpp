// Sharing a sweep's limit points among MPI ranks: each rank solves its own points alone, then the
// results are gathered on rank 0 and broadcast, so that every rank holds all of them (as when
// every rank solves every point together).
#pragma once

#include <mpi.h>

#include <cstddef>
#include <string>
#include <vector>

#include "validation/sweep.hpp"

namespace stf::validation {

/// What one rank computed: points with their index in the grid.
struct PointShare {
  std::vector<std::size_t> index;
  std::vector<SweepPoint> points;
  bool interrupted = false;
  std::string internal_error;  // an unexpected failure on this rank (a SolverFailure is a point's result, not this)
};

/// Every rank's share joined, in index order, on every rank; `interrupted` is set if any rank was
/// interrupted and `internal_error` holds the first failing rank's message. Collective over `comm`.
/// The numbers are copied bit for bit: a point gives the same results whichever rank solved it.
PointShare share_points(const PointShare& mine, MPI_Comm comm);

}  // namespace stf::validation
