// One pass over the population: observables of MODEL.md §2 and per-group maxima of U.
// The common case (exponential potential leak, phi a hill or polynomial of small integer order)
// runs in one fused loop compiled for several instruction sets and chosen at load time; other
// cases materialise a block, evaluate phi on it, then reduce.
#include "particles/population_sweep.hpp"

#include <algorithm>

namespace stf::particles {

namespace {

constexpr long block = 512;

// Sums over a range of neurons. With phi = lambda0 + phi_max h(u) (hill, h = x / (theta^k + x)) or
// lambda0 + gamma h(u) (power, h = x), x = u^k, the loop sums h and h (w0 + w1 c) only; lambda0 and
// the prefactor are applied once per group (fewer operations per neuron than summing phi itself).
// After a group is done, h and hw hold the sums of phi and of phi (w0 + w1 c).
struct Sums {
  double h = 0.0, hw = 0.0, su = 0.0, sc = 0.0, suu = 0.0, scc = 0.0, umax = 0.0, cmax = 0.0;

  void add(const Sums& o) noexcept
  {
    h += o.h;
    hw += o.hw;
    su += o.su;
    sc += o.sc;
    suu += o.suu;
    scc += o.scc;
    umax = std::max(umax, o.umax);
    cmax = std::max(cmax, o.cmax);
  }
};

struct FusedParams {
  NeuronState::ExponentialView v;
  double theta_k, w0, w1, shift_u, shift_c;
};

enum class FusedRate { none, hill, polynomial };

// x^K with the fewest multiplications (squaring for K = 4).
template <int K>
[[gnu::always_inline]] inline double ipow(double x) noexcept
{
  if constexpr (K == 1) return x;
  if constexpr (K == 2) return x * x;
  if constexpr (K == 3) return x * x * x;
  const double x2 = x * x;
  return x2 * x2;
}

// The same phi as RateKernel up to rounding (the observables only; the thinning bounds and the
// acceptance tests use RateKernel). The hill path needs theta^k > 0, so that the denominator is.
template <FusedRate R, int K, bool CExp>
[[gnu::always_inline]] inline void fused_range(const FusedParams& p, long begin, long end, Sums& s) noexcept
{
  const double* D = p.v.D + 2 * begin;  // (D, calcium) pairs
  const double* G = p.v.calcium + 2 * begin;
  const long m = end - begin;
  const double E = p.v.E, sh = p.v.shared, cf = p.v.c_factor, bt = p.v.beta_t;
  const double tk = p.theta_k, w0 = p.w0, w1 = p.w1;
  const double shu = p.shift_u, shc = p.shift_c;
  double h = 0.0, hw = 0.0, su = 0.0, sc = 0.0, suu = 0.0, scc = 0.0, umax = s.umax, cmax = s.cmax;
#pragma omp simd reduction(+ : h, hw, su, sc, suu, scc) reduction(max : umax, cmax)
  for (long j = 0; j < m; ++j) {
    double u = E * (sh + D[2 * j]);
    u = u > 0.0 ? u : 0.0;
    double c;
    if constexpr (CExp) {
      c = G[2 * j] * cf;
    } else {
      c = G[2 * j] - bt;
      c = c > 0.0 ? c : 0.0;
    }
    const double x = ipow<K>(u);
    double r;
    if constexpr (R == FusedRate::hill) r = x / (tk + x);
    else r = x;
    const double du = u - shu, dc = c - shc;
    h += r;
    hw += r * (w0 + w1 * c);
    su += du;
    sc += dc;
    suu += du * du;
    scc += dc * dc;
    umax = umax > u ? umax : u;
    cmax = cmax > c ? cmax : c;
  }
  s.add({h, hw, su, sc, suu, scc, umax, cmax});
}

template <FusedRate R, bool CExp>
[[gnu::always_inline]] inline void fused_k(int k, const FusedParams& p, long b, long e, Sums& s) noexcept
{
  switch (k) {
    case 1: fused_range<R, 1, CExp>(p, b, e, s); return;
    case 2: fused_range<R, 2, CExp>(p, b, e, s); return;
    case 3: fused_range<R, 3, CExp>(p, b, e, s); return;
    default: fused_range<R, 4, CExp>(p, b, e, s); return;
  }
}

// One entry point per instruction set (chosen once by the loader); the same binary on the same
// machine always takes the same one, so sums do not depend on the rank count.
__attribute__((target_clones("avx512f", "avx2", "default"))) void fused_sweep(
    FusedRate rate, int k, const FusedParams& p, long begin, long end, Sums& s) noexcept
{
  if (rate == FusedRate::hill) {
    if (p.v.calcium_exponential) fused_k<FusedRate::hill, true>(k, p, begin, end, s);
    else fused_k<FusedRate::hill, false>(k, p, begin, end, s);
  } else {
    if (p.v.calcium_exponential) fused_k<FusedRate::polynomial, true>(k, p, begin, end, s);
    else fused_k<FusedRate::polynomial, false>(k, p, begin, end, s);
  }
}

}  // namespace

PopulationSweep::PopulationSweep(const model::ModelParameters& p, long group_size)
    : phi_(p.phi), w0_(p.w0), w1_(p.w1), group_size_(group_size), u_(block), c_(block), r_(block)
{
}

SweepResult PopulationSweep::run(const NeuronState& state, std::vector<double>& group_max, double shift_u,
                                 double shift_c)
{
  const long n = state.size();
  Sums total;
  const double w0 = w0_, w1 = w1_;

  // The fused path: exponential potential and phi = lambda0 + phi_max u^k / (theta^k + u^k)
  // (theta > 0) or lambda0 + gamma u^k with k in 1..4 (constant and linear phi are k = 1 powers).
  const auto& f = phi_.function();
  FusedRate fused = FusedRate::none;
  int k = phi_.integer_kappa();
  double scale = 0.0;  // phi = lambda0 + scale * h
  FusedParams fp{state.exponential_view(), phi_.theta_k(), w0, w1, shift_u, shift_c};
  if (state.exponential_potential()) {
    if (f.kind == model::RateKind::hill && k >= 1 && k <= 4 && phi_.theta_k() > 0.0)
      fused = FusedRate::hill, scale = f.phi_max;
    if (f.kind == model::RateKind::power && k >= 1 && k <= 4) fused = FusedRate::polynomial, scale = f.gamma;
    if (f.kind == model::RateKind::linear) fused = FusedRate::polynomial, k = 1, scale = f.gamma;
    if (f.kind == model::RateKind::constant) fused = FusedRate::polynomial, k = 1, scale = 0.0;
  }
  const double lambda0 = f.lambda0;

  double* u = u_.data();
  double* c = c_.data();
  double* r = r_.data();
  for (long g = 0, begin = 0; begin < n; ++g, begin += group_size_) {
    const long group_end = std::min(n, begin + group_size_);
    Sums s;
    if (fused != FusedRate::none) {
      fused_sweep(fused, k, fp, begin, group_end, s);
      // phi = lambda0 + scale h: sum phi = n lambda0 + scale sum h; sum phi w = lambda0 sum w +
      // scale sum h w, with sum w = n w0 + w1 sum c and sum c = n shift_c + (shifted sum).
      const auto members = static_cast<double>(group_end - begin);
      const double sum_w = members * w0 + w1 * (members * shift_c + s.sc);
      s.hw = lambda0 * sum_w + scale * s.hw;
      s.h = members * lambda0 + scale * s.h;
    } else {
      for (long b = begin; b < group_end; b += block) {
        const long m = std::min(block, group_end - b);
        state.materialise(b, b + m, u, c);
        phi_.evaluate(u, r, static_cast<std::size_t>(m));
        double rate = 0.0, drive = 0.0, su = 0.0, sc = 0.0, suu = 0.0, scc = 0.0, umax = s.umax, cmax = s.cmax;
#pragma omp simd reduction(+ : rate, drive, su, sc, suu, scc) reduction(max : umax, cmax)
        for (long j = 0; j < m; ++j) {
          const double du = u[j] - shift_u, dc = c[j] - shift_c;
          rate += r[j];
          drive += r[j] * (w0 + w1 * c[j]);
          su += du;
          sc += dc;
          suu += du * du;
          scc += dc * dc;
          umax = umax > u[j] ? umax : u[j];
          cmax = cmax > c[j] ? cmax : c[j];
        }
        s.add({rate, drive, su, sc, suu, scc, umax, cmax});
      }
    }
    group_max[static_cast<std::size_t>(g)] = s.umax;
    total.add(s);  // s.h, s.hw: the group's sums of phi and of phi (w0 + w1 c)
  }
  const double inv_n = 1.0 / static_cast<double>(n);
  SweepResult out;
  using model::ObservableId;
  auto& o = out.observables;
  o[ObservableId::rate] = total.h * inv_n;
  o[ObservableId::drive] = total.hw * inv_n;
  const double mu = total.su * inv_n, mc = total.sc * inv_n;
  o[ObservableId::mean_potential] = shift_u + mu;
  o[ObservableId::mean_calcium] = shift_c + mc;
  o[ObservableId::var_potential] = std::max(0.0, total.suu * inv_n - mu * mu);
  o[ObservableId::var_calcium] = std::max(0.0, total.scc * inv_n - mc * mc);
  o[ObservableId::mass] = 1.0;
  out.max_calcium = total.cmax;
  return out;
}

}  // namespace stf::particles
