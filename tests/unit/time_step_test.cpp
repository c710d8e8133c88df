// The CFL time step of the MUSCL scheme (solver/time_step.hpp) against values computed by hand on
// small meshes:
//   dt = C cfl / (max_f max(|I + 1.25 p - leak_U(u_f)|, |I - leak_U(u_f)|) / h_f + max|b| / dc + phi(u_max) / 2),
// h_f the narrower width next to face f, b = -leak_C at the calcium faces (no calcium term in the
// calcium frame of a linear calcium leak).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "mesh/grid.hpp"
#include "mesh/singular_parts.hpp"
#include "solver/time_step.hpp"

using namespace stf;

namespace {

model::RateFunction constant_rate(double lambda)
{
  model::RateFunction phi;
  phi.kind = model::RateKind::constant;
  phi.lambda0 = lambda;
  return phi;
}

model::InitialLaw smooth_initial()
{
  model::InitialLaw init;
  init.U.kind = model::MarginalKind::normal;
  init.U.mean = 1.0;
  init.U.sd = 0.2;
  init.C = init.U;
  return init;
}

solver::Physics physics(const mesh::Grid& g, const model::ModelParameters& m)
{
  return solver::Physics(g, mesh::SingularParts::for_model(m, smooth_initial(), g), m, solver::Limiter::mc);
}

solver::NonlocalTerms drive(double input, double p)
{
  solver::NonlocalTerms nl;
  nl.input = input;
  nl.drive = p;
  return nl;
}

}  // namespace

TEST_CASE("CFL step: uniform cells, exponential leaks")
{
  // u in [0, 4], 4 columns of width 1; c in [0, 2], m = 2 (dc = 1/2); alpha = 1, beta = 1/2; phi = 0.8.
  const mesh::Grid g(4.0, 4, 2, 4);
  model::ModelParameters m;
  m.phi = constant_rate(0.8);
  m.leak_U = {model::LeakKind::exponential, 1.0};
  m.leak_C = {model::LeakKind::exponential, 0.5};
  const auto ph = physics(g, m);
  REQUIRE(!ph.calcium_frame);
  // I = 0.5, p = 2: faces u = 0..4, |3 - u| = 3 2 1 0 1 and |0.5 - u| = .5 .5 1.5 2.5 3.5: 3.5 at u = 4.
  // Calcium: max leak_C over the faces is beta c_max = 1, over dc = 1/2: 2. Killing: 0.8 / 2.
  CHECK(solver::cfl_time_step(ph, drive(0.5, 2.0), 0.4, 2.0) == doctest::Approx(0.8 / (3.5 + 2.0 + 0.4)).epsilon(1e-14).scale(0.0));
  // I = 0, p = 8: |10 - u| is largest at u = 0.
  CHECK(solver::cfl_time_step(ph, drive(0.0, 8.0), 0.5, 1.0) == doctest::Approx(0.5 / (10.0 + 2.0 + 0.4)).epsilon(1e-14).scale(0.0));
  // The step scales with the Courant number and the SSP coefficient.
  CHECK(solver::cfl_time_step(ph, drive(0.0, 8.0), 0.25, 3.0) ==
        doctest::Approx(1.5 * solver::cfl_time_step(ph, drive(0.0, 8.0), 0.5, 1.0)).epsilon(1e-14).scale(0.0));
}

TEST_CASE("CFL step: finer cells take proportionally shorter steps")
{
  model::ModelParameters m;
  m.phi = constant_rate(0.0);
  m.leak_U = {model::LeakKind::exponential, 1.0};
  m.leak_C = {model::LeakKind::linear, 1.0};  // the calcium frame: no calcium term
  const auto coarse = physics(mesh::Grid(4.0, 8, 2, 4), m);
  const auto fine = physics(mesh::Grid(4.0, 16, 2, 4), m);
  REQUIRE(coarse.calcium_frame);
  // |1 - u| / (1/2) is largest at u = 4: 6; on the fine mesh 12.
  CHECK(solver::cfl_time_step(coarse, drive(1.0, 0.0), 0.4, 1.0) == doctest::Approx(0.4 / 6.0).epsilon(1e-14).scale(0.0));
  CHECK(solver::cfl_time_step(fine, drive(1.0, 0.0), 0.4, 1.0) == doctest::Approx(0.4 / 12.0).epsilon(1e-14).scale(0.0));
}

TEST_CASE("CFL step: stretched cells use the narrower width next to each face")
{
  // stretch 4 over [0, 3] with 2 columns: faces 0, 1, 3 (l = 1, u_k = 4^(k/2) - 1), widths 1 and 2.
  const mesh::Grid g(3.0, 2, 1, 2, 4.0);
  REQUIRE(g.u_face(1) == doctest::Approx(1.0).epsilon(1e-15));
  model::ModelParameters m;
  m.phi = constant_rate(0.0);
  m.leak_U = {model::LeakKind::exponential, 1.0};
  m.leak_C = {model::LeakKind::linear, 1.0};
  const auto ph = physics(g, m);
  // 1 / (narrower adjacent width) at faces 0, 1, 2 (a face at an end sees its column's width).
  REQUIRE(ph.face_inv_width.size() == 3);
  CHECK(ph.face_inv_width[0] == doctest::Approx(1.0).epsilon(1e-14));
  CHECK(ph.face_inv_width[1] == doctest::Approx(1.0).epsilon(1e-14));
  CHECK(ph.face_inv_width[2] == doctest::Approx(0.5).epsilon(1e-14));
  // Nothing drives: |0 - u_f| / h_f = 0 / 1, 1 / min(1, 2), 3 / 2: the largest is 3/2 at u_max.
  CHECK(solver::cfl_time_step(ph, drive(0.0, 0.0), 0.3, 1.0) == doctest::Approx(0.3 / 1.5).epsilon(1e-14).scale(0.0));
  // I = 2.5: |2.5 - u_f| / h_f = 2.5, 1.5, 0.25: the face u = 0 with the first column's width.
  CHECK(solver::cfl_time_step(ph, drive(2.5, 0.0), 0.3, 1.0) == doctest::Approx(0.3 / 2.5).epsilon(1e-14).scale(0.0));
  // p = 2 raises the drive 25% above I + p: |0.5 + 2.5 - u_f| = 3, 2, 0 -> 3 at u = 0.
  CHECK(solver::cfl_time_step(ph, drive(0.5, 2.0), 0.3, 1.0) == doctest::Approx(0.3 / 3.0).epsilon(1e-14).scale(0.0));
}

TEST_CASE("CFL step: nothing moves, no bound")
{
  model::ModelParameters m;
  m.phi = constant_rate(0.0);
  m.leak_U = {model::LeakKind::linear, 0.0};
  m.leak_C = {model::LeakKind::linear, 1.0};
  const auto ph = physics(mesh::Grid(4.0, 4, 2, 4), m);
  CHECK(solver::cfl_time_step(ph, drive(0.0, 0.0), 0.4, 1.0) == std::numeric_limits<double>::infinity());
}

TEST_CASE("calcium frame: the rows' shift beta (t - frame start), within [0, dc]")
{
  model::ModelParameters m;
  m.phi = constant_rate(0.0);
  m.leak_U = {model::LeakKind::exponential, 1.0};
  m.leak_C = {model::LeakKind::linear, 2.0};
  const auto frame = physics(mesh::Grid(4.0, 4, 4, 8), m);  // dc = 1/4: a row every 1/8
  REQUIRE(frame.calcium_frame);
  CHECK(solver::calcium_shift(frame, 0.5, 0.5) == 0.0);
  CHECK(solver::calcium_shift(frame, 0.5, 0.55) == doctest::Approx(0.1).epsilon(1e-13).scale(0.0));
  CHECK(solver::calcium_shift(frame, 0.5, 0.625) == 0.25);  // a whole row: the relabelling time
  CHECK(solver::calcium_shift(frame, 0.5, 0.7) == 0.25);    // never past one row
  CHECK(solver::calcium_shift(frame, 0.5, 0.4) == 0.0);     // never negative
  m.leak_C = {model::LeakKind::exponential, 2.0};
  const auto no_frame = physics(mesh::Grid(4.0, 4, 4, 8), m);
  CHECK(solver::calcium_shift(no_frame, 0.0, 0.1) == 0.0);
}
