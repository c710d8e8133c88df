// Observables of MODEL.md §2.
#include "model/observables.hpp"

#include <stdexcept>
#include <string>

namespace stf::model {

const std::array<std::string_view, observable_count>& observable_names()
{
  static constexpr std::array<std::string_view, observable_count> names{
      "rate", "drive", "mean_potential", "mean_calcium", "var_potential", "var_calcium", "mass"};
  return names;
}

ObservableId observable_from_name(std::string_view name)
{
  const auto& names = observable_names();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<ObservableId>(i);
  std::string valid;
  for (auto n : names) valid += (valid.empty() ? "" : ", ") + std::string(n);
  throw std::invalid_argument("unknown observable '" + std::string(name) + "'; valid observables: " + valid);
}

void ObservableAccumulator::merge(const ObservableAccumulator& o) noexcept
{
  m_ += o.m_;
  rate_ += o.rate_;
  drive_ += o.drive_;
  su_ += o.su_;
  sc_ += o.sc_;
  suu_ += o.suu_;
  scc_ += o.scc_;
}

void ObservableAccumulator::set_sums(const std::array<double, 7>& s) noexcept
{
  m_ = s[0];
  rate_ = s[1];
  drive_ = s[2];
  su_ = s[3];
  sc_ = s[4];
  suu_ = s[5];
  scc_ = s[6];
}

Observables ObservableAccumulator::finish(bool normalise) const noexcept
{
  const double scale = (normalise && m_ > 0.0) ? 1.0 / m_ : 1.0;
  Observables o;
  o[ObservableId::mass] = normalise ? 1.0 : m_;
  o[ObservableId::rate] = rate_ * scale;
  o[ObservableId::drive] = drive_ * scale;
  const double mu = su_ * scale, mc = sc_ * scale;
  o[ObservableId::mean_potential] = mu;
  o[ObservableId::mean_calcium] = mc;
  // Variances about the mean of a probability measure; clamp the rounding of a near-zero variance.
  const double mass = normalise ? 1.0 : m_;
  const double vu = suu_ * scale - mu * mu / (mass > 0.0 ? mass : 1.0);
  const double vc = scc_ * scale - mc * mc / (mass > 0.0 ? mass : 1.0);
  o[ObservableId::var_potential] = vu > 0.0 ? vu : 0.0;
  o[ObservableId::var_calcium] = vc > 0.0 ? vc : 0.0;
  return o;
}

}  // namespace stf::model
