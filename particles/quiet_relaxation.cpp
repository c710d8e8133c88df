// Closed-form observables of a spike-free, input-free stretch; see quiet_relaxation.hpp.
#include "particles/quiet_relaxation.hpp"

#include <algorithm>
#include <cmath>

namespace stf::particles {

namespace {

// theta^k + x == theta^k in double arithmetic whenever x <= 2^-54 theta^k (below half an ulp).
constexpr double below_half_ulp = 0x1.0p-54;

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
      if (k > 0 && phi_.theta_k() > 0.0) k_ = k, scale_ = f.phi_max / phi_.theta_k(), hill_ = true, applies_ = true;
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
  constexpr long block = 512;
  double u[block], c[block];
  double sx = 0.0, sxc = 0.0;
  for (long b = 0; b < n; b += block) {
    const long m = std::min(block, n - b);
    state.materialise(b, b + m, u, c);
    for (long j = 0; j < m; ++j) {
      const double x = RateKernel::ipow(u[j], k_);
      sx += x;
      sxc += x * c[j];
    }
  }
  const double inv_n = 1.0 / static_cast<double>(n);
  mean_x_ = sx * inv_n;
  mean_xc_ = sxc * inv_n;
  t_ref_ = state.time();
  ref_ = at_reference;
  group_max_ref_ = group_max;
  u_max_ = group_max.empty() ? 0.0 : *std::max_element(group_max.begin(), group_max.end());
  valid_ = true;
}

std::optional<SweepResult> QuietRelaxation::at(double t, std::vector<double>& group_max) const
{
  if (!valid_ || t < t_ref_) return std::nullopt;
  const double q = std::exp(-p_.leak_U.rate * (t - t_ref_));
  const double qk = RateKernel::ipow(q, k_);
  if (hill_ && RateKernel::ipow(q * u_max_, k_) > below_half_ulp * phi_.theta_k()) return std::nullopt;
  const double f = p_.leak_C.kind == model::LeakKind::exponential ? std::exp(-p_.leak_C.rate * (t - t_ref_)) : 0.0;

  using model::ObservableId;
  const auto& r = ref_.observables;
  SweepResult out;
  auto& o = out.observables;
  const double lambda0 = p_.phi.lambda0;
  const double mean_c = f * r.mean_calcium();
  const double rate = lambda0 + scale_ * qk * mean_x_;
  o[ObservableId::rate] = rate;
  // < phi (w0 + w1 C) > = w0 < phi > + w1 (lambda0 < C > + scale q^k f < x C >_ref)
  o[ObservableId::drive] = p_.w0 * rate + p_.w1 * (lambda0 * mean_c + scale_ * qk * f * mean_xc_);
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
