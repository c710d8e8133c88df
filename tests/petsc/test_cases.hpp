// Cases built in code for the solver tests: every parameter is visible where it is used.
#pragma once

#include "model/case.hpp"

namespace stf::test {

inline model::Marginal normal(double mean, double sd)
{
  model::Marginal m;
  m.kind = model::MarginalKind::normal;
  m.mean = mean;
  m.sd = sd;
  return m;
}

inline model::Marginal uniform(double lo, double hi)
{
  model::Marginal m;
  m.kind = model::MarginalKind::uniform;
  m.min = lo;
  m.max = hi;
  return m;
}

inline model::Marginal dirac(double at)
{
  model::Marginal m;
  m.kind = model::MarginalKind::dirac;
  m.at = at;
  return m;
}

inline model::RateFunction constant_rate(double lambda)
{
  model::RateFunction phi;
  phi.kind = model::RateKind::constant;
  phi.lambda0 = lambda;
  return phi;
}

inline model::RateFunction hill_rate(double phi_max, double theta, double kappa)
{
  model::RateFunction phi;
  phi.kind = model::RateKind::hill;
  phi.phi_max = phi_max;
  phi.theta = theta;
  phi.kappa = kappa;
  return phi;
}

/// A case with phi = 0, exponential leaks (alpha = beta = 1), no coupling, a smooth initial law
/// away from the boundaries, on [0, 6] x [0, 8].
inline model::Case base_case()
{
  model::Case c;
  c.name = "test";
  c.model.phi = constant_rate(0.0);
  c.model.leak_U = {model::LeakKind::exponential, 1.0};
  c.model.leak_C = {model::LeakKind::exponential, 1.0};
  c.model.w0 = 0.0;
  c.model.w1 = 0.0;
  c.initial.U = normal(3.0, 0.5);
  c.initial.C = normal(4.0, 0.6);
  c.time.end = 0.5;
  c.time.sample = 0.05;
  c.mesh.u_max = 6.0;
  c.mesh.c_max = 8.0;
  c.mesh.u_max_auto = c.mesh.c_max_auto = false;
  c.mesh.cells_u = 40;
  c.mesh.cells_per_unit_c = 8;
  return c;
}

}  // namespace stf::test
