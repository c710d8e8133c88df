// The right-hand side of the characteristic scheme's Runge-Kutta step (docs/numerical-method.md §11):
// the cells' spiking, the newborn cell's inflow and calcium, and the drive p(t).
#include "solver/characteristic_run.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "solver/cell_killing.hpp"

namespace stf::solver::characteristic {

/// dy/dt at time t = (step start) + tau, I(t) = input over the step.
void CharacteristicRun::rhs(double t, double tau, double input, const std::vector<double>& y,
                            std::vector<double>& dy) const
{
  const Layout L(cells_.size(), P_.reset, !exp_c_);
  const double alpha = P_.alpha(), beta = P_.beta(), w0 = P_.w0, w1 = P_.w1;
  const double e = exp_u_ ? std::exp(-alpha * tau) : 1.0;
  const double eb = exp_c_ ? std::exp(-beta * tau) : 1.0;
  const double F = exp_c_ ? 0.0 : beta * t;  // the floor in the frame x = c + beta t
  const double F_atoms = std::clamp(F, atoms_floor_lo_, atoms_floor_hi_);  // the same but at a crossing
  const double G = input_shift(input, tau) + y[0];
  const double inv_e = 1.0 / e;
  double drive = 0.0, emitted = 0.0, n1 = 0.0, n2 = 0.0, q0 = 0.0, q1 = 0.0, q2 = 0.0, a0 = 0.0, a1 = 0.0, a2 = 0.0;
  double a_shift = 0.0, a2_shift = 0.0;  // linear calcium: what the calcium lines add to A1 and A2
  for (std::size_t n = 0; n < L.K; ++n) {
    const Cell& cell = cells_[n];
    const double M = y[L.mass + n];
    // The state holds the moment in the frame of the step's start (xi = (u - G) / e): the flow does
    // not change it, only the spiking does.
    // Its integral of u^2 likewise (u = e xi + G), but not for a cell that the linear leak's
    // translation has taken partly below the floor within the step (its moments there are the frame's).
    const double second = !exp_u_ && cell.a + G < 0.0
                              ? std::numeric_limits<double>::quiet_NaN()
                              : e * e * y[L.second + n] + 2.0 * e * G * y[L.moment + n] + G * G * M;
    const CellSpiking S = cell_spiking(P_.phi, position(cell.a, e, G), position(cell.b, e, G), M,
                                       e * y[L.moment + n] + G * M, second);
    const double km = S.rate;
    if (!P_.reset && !exp_c_) {
      // Spikes keep U and take x to max(x, F) + 1. The rate k is the cell's mean (calcium and
      // potential independent inside a cell), so a neuron has not spiked since the step's start with
      // probability Z = e^{-Lambda}, whatever its x; every neuron that spiked lies above the floor (it
      // landed at F(s) + 1 > F(t): beta dt < 1). So the part above the floor is 1 - Z (1 - a(F)), a(F)
      // the step-start law's part above F, and the mean calcium obeys dc/dt = k - beta (1 - Z (1 - a)).
      const double k = M != 0.0 ? km / M : 0.0, Z = std::exp(-y[L.lambda + n]);
      const AboveFloor& A = cell.above(F_atoms);
      const double c1 = y[L.c1 + n], kZ = k * Z;
      drive += km * (w0 + w1 * c1);
      const double x1 = A.c1 + F_atoms * A.mass, x2 = A.c2 + 2.0 * F_atoms * A.c1 + F_atoms * F_atoms * A.mass;
      dy[L.mass + n] = 0.0;
      dy[L.moment + n] = 0.0;
      dy[L.second + n] = 0.0;
      dy[L.c1 + n] = k - beta * (1.0 - Z * A.on_floor);
      dy[L.lambda + n] = k;
      dy[L.a0 + n] = kZ * A.mass;
      dy[L.a1 + n] = kZ * (x1 + A.mass);
      dy[L.a2 + n] = kZ * (x2 + 2.0 * x1 + A.mass);
      dy[L.q0 + n] = kZ * A.on_floor;
      dy[L.q1 + n] = kZ * A.on_floor * (F + 1.0);
      continue;
    }
    if (!P_.reset) {
      // Spikes keep U and add one unit of calcium: d C1 = -beta C1 + k M, d C2 = -2 beta C2 + k (2 C1 + M),
      // with k the cell's mean rate (calcium and potential independent inside a cell).
      const double C1 = y[L.c1 + n], C2 = y[L.c2 + n], k = M != 0.0 ? km / M : 0.0;
      drive += k * (w0 * M + w1 * C1);
      dy[L.mass + n] = 0.0;
      dy[L.moment + n] = 0.0;
      dy[L.second + n] = 0.0;
      dy[L.c1 + n] = -beta * C1 + km;
      dy[L.c2 + n] = -2.0 * beta * C2 + k * (2.0 * C1 + M);
      continue;
    }
    dy[L.mass + n] = -km;
    // The moment in the frame of the step's start: d/dt of the integral of xi rho is minus the
    // spiking mass's xi, (integral of u phi rho - G integral of phi rho) / e.
    dy[L.moment + n] = -(S.moment - G * km) * inv_e;
    // The same for the integral of xi^2 rho: (integral of (u - G)^2 phi rho) / e^2.
    dy[L.second + n] = -(S.second - 2.0 * G * S.moment + G * G * km) * inv_e * inv_e;
    emitted += km;
    // The cell's calcium line (Cell::slope): the neurons spiking at its mean spiking potential
    // S.moment / km hold its law's calcium moved by `shift`.
    double shift = 0.0, slope = 0.0;
    if (km > 0.0 && (cell.slope != 0.0 || cell.offset != 0.0)) {
      const double at = e * cell.slope_at + G;  // (e = 1 under the linear leak)
      slope = cell.slope * inv_e * eb;
      shift = cell.offset * eb + slope * (S.moment / km - at);
    }
    if (exp_c_) {
      const double cb = cell.c1 * eb, c2b = cell.c2 * eb * eb;
      shift = std::max(shift, -cb);  // (a mean calcium is not negative)
      drive += km * (w0 + w1 * (cb + shift));
      // A spike takes c to c + 1: E[c + s + 1] and E[(c + s + 1)^2], with the spread of the line over
      // the spiking potentials (merge_calcium_line took it out of c2).
      const double spread = slope != 0.0 ? slope * slope * std::max(S.second / km - (S.moment / km) * (S.moment / km), 0.0) : 0.0;
      n1 += km * (cb + shift + 1.0);
      n2 += km * (c2b + 2.0 * shift * cb + shift * shift + spread + 2.0 * (cb + shift) + 1.0);
    } else {
      const AboveFloor& A = cell.above(F_atoms);
      // The line moves the part above the floor: by `shift` each, so its calcium by A.mass shift.
      shift = A.mass > 0.0 ? std::max(shift, -A.c1 / A.mass) : 0.0;
      drive += km * (w0 + w1 * (A.c1 + A.mass * shift));
      // In x: above the floor x -> x + 1 (A); on the floor (c = 0) to c = 1, i.e. x = F + 1, the same
      // landing for every cell (Q, from q0 after the loop).
      const double x1 = A.c1 + F_atoms * A.mass, x2 = A.c2 + 2.0 * F_atoms * A.c1 + F_atoms * F_atoms * A.mass;
      q0 += km * A.on_floor;
      a0 += km * A.mass;
      a1 += km * (x1 + A.mass);
      a2 += km * (x2 + 2.0 * x1 + A.mass);
      a_shift += km * A.mass * shift;
      a2_shift += km * (2.0 * shift * (x1 + A.mass) + shift * shift * A.mass);
      dy[L.emitted + n] = km;
    }
  }
  if (!exp_c_) {
    const double landing = F + 1.0;
    q1 = q0 * landing;
    q2 = q1 * landing;
    n1 = a1 + q1 + a_shift;
    n2 = a2 + q2 + a2_shift;
  }
  CellSpiking S_new;
  double b_new = 0.0;
  // The newborn's spiking in the frame xi (the integrals of phi rho, phi xi rho, phi xi^2 rho), its
  // calcium line there (slope and mean xi) and the integral of phi c rho (phi x rho, linear calcium).
  double R0 = 0.0, R1 = 0.0, R2 = 0.0, new_slope = 0.0, new_mean_xi = 0.0, spiking_c = 0.0;
  if (P_.reset) {
    const double M = y[L.newborn], C1 = y[L.newborn + 2];
    b_new = position(newborn_.b, e, G);
    // Its spiking from its linear density alone (no second-moment correction): inside a step the
    // Runge-Kutta stages put what entered at u_reset (the Euler predictions of its moments) while its
    // far end has moved, and the correction turned that into an error of the time stepping, of first
    // order: the identity mean_calcium = 10 - 6 t + integral of the rate (cases/memory.toml with
    // u_reset = 1.5, test "the newborn cell's own spikes") then failed by 2.3e-7, 1.7e-7, 4.9e-8 at
    // levels 0 to 2, against 2.8e-8, 4.0e-8, 2.5e-8 (the sampling's floor) without it.
    S_new = cell_spiking(P_.phi, P_.u_reset, b_new, M, e * y[L.newborn + 1] + G * M);
    R0 = S_new.rate;
    R1 = (S_new.moment - G * S_new.rate) * inv_e;
    R2 = (S_new.second - 2.0 * G * S_new.moment + G * G * S_new.rate) * inv_e * inv_e;
    if (M > 0.0) {
      new_mean_xi = y[L.newborn + 1] / M;
      if (newborn_lines_)
        new_slope = newborn_line_slope(M, y[L.newborn + 1], y[L.second + L.K], C1, y[L.newborn + 3], y[L.cross],
                                       std::fabs(b_new - P_.u_reset) * inv_e);
      // Its neurons that spike hold the calcium of its line at their potentials.
      spiking_c = R0 * C1 / M + new_slope * (R1 - new_mean_xi * R0);
    }
    const double c_real = exp_c_ ? spiking_c : spiking_c - F * R0;  // all of its calcium is above the floor
    drive += w0 * R0 + w1 * c_real;
  }
  if (P_.reset) {
    const double M = y[L.newborn], C1 = y[L.newborn + 2], C2 = y[L.newborn + 3];
    const double k_M = S_new.rate;  // its own spikes re-enter it
    // Reset mass enters at u_reset, at xi = (u_reset - G) / e.
    dy[L.newborn] = emitted;
    dy[L.newborn + 1] = (emitted + k_M) * (P_.u_reset - G) / e - (S_new.moment - G * S_new.rate) / e;
    const double xi_reset = (P_.u_reset - G) * inv_e;
    dy[L.second + L.K] = (emitted + k_M) * xi_reset * xi_reset -
                         (S_new.second - 2.0 * G * S_new.moment + G * G * S_new.rate) * inv_e * inv_e;
    // Its own spikes: the loss (the integral of phi c rho) and the gain (the same of c + 1) leave k_M
    // in C1; in C2 (c + 1)^2 - c^2 = 2 c + 1 each.
    // Its integral of xi c: what enters at xi_reset (the others' spikes; its own, with c + 1), less what
    // its own spikes take away (phi xi c rho along its line), and under the exponential leak c decays.
    if (newborn_lines_) {
      const double spiking_xi_c = M > 0.0 ? R1 * C1 / M + new_slope * (R2 - new_mean_xi * R1) : 0.0;
      dy[L.cross] = xi_reset * (n1 + spiking_c + k_M) - spiking_xi_c - (exp_c_ ? beta * y[L.cross] : 0.0);
    } else {
      dy[L.cross] = 0.0;
    }
    if (exp_c_) {
      dy[L.newborn + 2] = n1 + k_M - beta * C1;
      dy[L.newborn + 3] = n2 + 2.0 * spiking_c + k_M - 2.0 * beta * C2;
    } else {
      dy[L.newborn + 2] = n1 + k_M;
      dy[L.newborn + 3] = n2 + 2.0 * spiking_c + k_M;
      dy[L.floor_spikes] = q0;
      dy[L.floor_spikes + 1] = q1;
      dy[L.floor_spikes + 2] = q2;
      dy[L.floor_spikes + 3] = a0;
      dy[L.floor_spikes + 4] = a1;
      dy[L.floor_spikes + 5] = a2;
      dy[L.floor_spikes + 6] = a_shift;
      dy[L.emitted + L.K] = k_M;
    }
  } else {
    dy[L.second + L.K] = 0.0;
    dy[L.cross] = 0.0;
  }
  // G = G_I + G_p: u(t) = e^{-alpha tau} u0 + G(tau) with G' = I + p - alpha G (exponential leak), or
  // u(t) = u0 + G(tau) with G' = I + p - alpha (linear leak, above the floor). The part of I and the
  // leak is in closed form (input_shift), the state carries the drive's part G_p.
  dy[0] = exp_u_ ? drive - alpha * y[0] : drive;
}

}  // namespace stf::solver::characteristic
