// The mesh study on smooth cases reports the convergence orders of the limit's observables.
// Smooth means a density without jumps: pure transport (phi = 0) from a normal initial law, and a
// spiking case whose reset flux starts from zero (threshold-linear rate that is zero where the
// initial mass lies, so J(t, c) grows continuously from 0 and the density entering at u = 0
// matches the empty region it enters).
#include <doctest/doctest.h>
#include <mpi.h>

#include "model/case_reader.hpp"
#include "validation/mesh_study.hpp"

using namespace stf;
using namespace stf::validation;

namespace {

constexpr const char* transport_case = R"(
name = "smooth_transport"
[model]
phi    = { kind = "constant", lambda = 0.0 }
leak_U = { law = "exponential", alpha = 1.0 }
leak_C = { law = "exponential", beta = 0.5 }
I = 1.0
[initial]
U = { law = "normal", mean = 2.0, sd = 0.4 }
C = { law = "normal", mean = 3.0, sd = 0.4 }
[time]
end = 1.0
sample = 0.01
[mesh]
u_max = 5.0
c_max = 7.0
cells_u = 160
cells_per_unit_c = 16
)";

constexpr const char* spiking_case = R"(
name = "smooth_spiking"
[model]
phi    = { kind = "threshold_linear", gamma = 2.0, theta = 1.0 }
leak_U = { law = "exponential", alpha = 0.5 }
leak_C = { law = "exponential", beta = 1.0 }
w0 = 0.1
w1 = 0.1
I = 1.5
[initial]
U = { law = "normal", mean = 0.5, sd = 0.12 }
C = { law = "normal", mean = 2.0, sd = 0.3 }
[time]
end = 1.5
sample = 0.01
[mesh]
u_max = 4.0
c_max = 6.0
cells_u = 160
cells_per_unit_c = 16
)";

void check_orders(const char* text, const char* name, double min_order)
{
  const model::Case c = model::read_case_text(text, name);
  const auto study = run_mesh_study(c, 3, {}, MPI_COMM_WORLD);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank != 0) return;
  REQUIRE(study.levels.size() == 3);
  for (const auto& row : study.observables) {
    REQUIRE(row.orders.size() == 1);
    // An observable the mesh cannot change (the rate when phi = 0) has no order to measure.
    if (row.differences[0] < 1e-13 && row.differences[1] < 1e-13) continue;
    REQUIRE(row.orders[0].has_value());
    MESSAGE(std::string(name) << " " << row.quantity << ": differences " << row.differences[0] << ", " << row.differences[1]
                 << ", order " << *row.orders[0]);
    CHECK(*row.orders[0] >= min_order);
  }
}

}  // namespace

TEST_CASE("observed orders are at least 1.8 for smooth transport")
{
  check_orders(transport_case, "smooth_transport", 1.8);
}

// With spikes the observed orders on affordable meshes are not yet asymptotic (measured between 1.6
// and 3.2 on 40/80/160 cells, between 1.3 and 3.1 on 80/160/320): this checks convergence, at least
// first order, not the second order of the transport case.
TEST_CASE("observed orders are at least 1 for a spiking case with a continuous density")
{
  check_orders(spiking_case, "smooth_spiking", 1.0);
}
