// Closed-form observables of a spike-free, input-free stretch; see quiet_relaxation.hpp.
#include "particles/quiet_relaxation.hpp"

#include <algorithm>
#include <cmath>

namespace stf::particles {

namespace {

// hill: the series is used once r <= 2^-7, so that r^8, the relative size of the first neglected
// term, is at most 2^-56.
constexpr double series_radius = 0x1.0p-7;

// exp(-x) for x >= 0, skipping libm's slow underflow path where the result is exactly 0 anyway
// (exp(-x) < 2^-1075 for x > 746): a long silent tail evaluates it at every sample time.
double decay(double x) noexcept { return x > 746.0 ? 0.0 : std::exp(-x); }

}  // namespace

QuietRelaxation::QuietRelaxation(const model::ModelParameters& p) : p_(p), phi_(p.phi)
{
  using model::RateKind;
  const auto& f = p.phi;
  const int k = phi_.integer_kappa();
  if (p.leak_U.kind != model::LeakKind::exponential) return;
  switch (f.kind) {
    case RateKind::constant: k_ = 1, scale_ = 0.0, applies_ = true; break;
    case RateKind::linear: k_ = 1, scale_ = f.gamma, applies_ = true; break;
    case RateKind::power:
      if (k > 0) k_ = k, scale_ = f.gamma, applies_ = true;
      break;
    case RateKind::hill:
      if (k > 0 && phi_.theta_k() > 0.0) k_ = k, scale_ = f.phi_max, hill_ = true, applies_ = true;
      break;
    default: break;
  }
}

void QuietRelaxation::take_reference(const NeuronState& state, const SweepResult& at_reference,
                                     const std::vector<double>& group_max)
{
  valid_ = false;
  if (!applies_) return;
  // The linear calcium leak is not a scaling: wait until every calcium has reached 0.
  if (p_.leak_C.kind == model::LeakKind::linear && at_reference.max_calcium > 0.0) return;
  const long n = state.size();
  const double u_max = group_max.empty() ? 0.0 : *std::max_element(group_max.begin(), group_max.end());
  const double tk = phi_.theta_k();
  y_max_ = hill_ ? RateKernel::ipow(u_max, k_) / tk : 0.0;
  const double inv_y_max = y_max_ > 0.0 ? 1.0 / y_max_ : 0.0;
  constexpr long block = 512;
  double u[block], c[block];
  std::array<double, hill_terms> sz{}, szc{};
  for (long b = 0; b < n; b += block) {
    const long m = std::min(block, n - b);
    state.materialise(b, b + m, u, c);
    for (long i = 0; i < m; ++i) {
      const double x = RateKernel::ipow(u[i], k_);
      if (!hill_) {
        sz[0] += x;
        szc[0] += x * c[i];
        continue;
      }
      const double z = std::min(x / tk * inv_y_max, 1.0);
      double zj = 1.0;
      for (int j = 0; j < hill_terms; ++j) {
        zj *= z;
        sz[static_cast<std::size_t>(j)] += zj;
        szc[static_cast<std::size_t>(j)] += zj * c[i];
      }
    }
  }
  const double inv_n = 1.0 / static_cast<double>(n);
  for (std::size_t j = 0; j < sz.size(); ++j) mean_z_[j] = sz[j] * inv_n, mean_zc_[j] = szc[j] * inv_n;
  t_ref_ = state.time();
  ref_ = at_reference;
  group_max_ref_ = group_max;
  valid_ = true;
}

std::optional<SweepResult> QuietRelaxation::at(double t, std::vector<double>& group_max) const
{
  if (!valid_ || t < t_ref_) return std::nullopt;
  const double q = decay(p_.leak_U.rate * (t - t_ref_));
  const double qk = RateKernel::ipow(q, k_);
  // <h> and <h C_ref>: power h = Q x; hill the alternating series in r = Q y_max.
  double h = scale_ * qk * mean_z_[0], hc = scale_ * qk * mean_zc_[0];
  if (hill_) {
    const double r = qk * y_max_;
    if (r > series_radius) return std::nullopt;
    double rj = 1.0, sign = 1.0;
    h = hc = 0.0;
    for (std::size_t j = 0; j < mean_z_.size(); ++j, sign = -sign) {
      rj *= r;
      h += sign * rj * mean_z_[j];
      hc += sign * rj * mean_zc_[j];
    }
    h *= scale_;
    hc *= scale_;
  }
  const double f = p_.leak_C.kind == model::LeakKind::exponential ? decay(p_.leak_C.rate * (t - t_ref_)) : 0.0;

  using model::ObservableId;
  const auto& r = ref_.observables;
  SweepResult out;
  auto& o = out.observables;
  const double lambda0 = p_.phi.lambda0;
  const double mean_c = f * r.mean_calcium();
  const double rate = lambda0 + h;
  o[ObservableId::rate] = rate;
  // < phi (w0 + w1 C) > = w0 < phi > + w1 (lambda0 < C > + f < h C_ref >)
  o[ObservableId::drive] = p_.w0 * rate + p_.w1 * (lambda0 * mean_c + f * hc);
  o[ObservableId::mean_potential] = q * r.mean_potential();
  o[ObservableId::mean_calcium] = mean_c;
  o[ObservableId::var_potential] = q * q * r[ObservableId::var_potential];
  o[ObservableId::var_calcium] = f * f * r[ObservableId::var_calcium];
  o[ObservableId::mass] = 1.0;
  out.max_calcium = f * ref_.max_calcium;
  group_max.resize(group_max_ref_.size());
  for (std::size_t g = 0; g < group_max.size(); ++g) group_max[g] = q * group_max_ref_[g];
  return out;
}

}  // namespace stf::particles
