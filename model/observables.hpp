// The observables of MODEL.md §2: population averages of functions of (U, C), the same
// definition for the finite system (empirical measure) and for the limit (rho_t).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace stf::model {

enum class ObservableId : std::size_t {
  rate,            // < phi(U) >
  drive,           // < phi(U) (w0 + w1 C) >
  mean_potential,  // < U >
  mean_calcium,    // < C >
  var_potential,
  var_calcium,
  mass,            // < 1 >
};
inline constexpr std::size_t observable_count = 7;

/// Names in the order of ObservableId: the column names of every observables.csv.
const std::array<std::string_view, observable_count>& observable_names();
/// Throws std::invalid_argument listing the valid names.
ObservableId observable_from_name(std::string_view name);

struct Observables {
  std::array<double, observable_count> values{};

  double& operator[](ObservableId id) noexcept { return values[static_cast<std::size_t>(id)]; }
  double operator[](ObservableId id) const noexcept { return values[static_cast<std::size_t>(id)]; }
  double rate() const noexcept { return (*this)[ObservableId::rate]; }
  double drive() const noexcept { return (*this)[ObservableId::drive]; }
  double mean_potential() const noexcept { return (*this)[ObservableId::mean_potential]; }
  double mean_calcium() const noexcept { return (*this)[ObservableId::mean_calcium]; }
  double mass() const noexcept { return (*this)[ObservableId::mass]; }
};

/// Accumulates weighted point masses (u, c) with weight w and rate phi(u), then turns the
/// sums into observables. Plain sums: callers needing compensated sums accumulate in parts.
class ObservableAccumulator {
public:
  ObservableAccumulator(double w0, double w1) : w0_(w0), w1_(w1) {}

  void add(double weight, double u, double c, double phi_u) noexcept
  {
    m_ += weight;
    rate_ += weight * phi_u;
    drive_ += weight * phi_u * (w0_ + w1_ * c);
    su_ += weight * u;
    sc_ += weight * c;
    suu_ += weight * u * u;
    scc_ += weight * c * c;
  }
  /// Merges another accumulator (for reductions over threads or ranks).
  void merge(const ObservableAccumulator& other) noexcept;
  /// The raw sums, in the order (mass, rate, drive, su, sc, suu, scc): for MPI reductions.
  std::array<double, 7> sums() const noexcept { return {m_, rate_, drive_, su_, sc_, suu_, scc_}; }
  void set_sums(const std::array<double, 7>& s) noexcept;

  /// Observables of the measure: averages are integrals against it (not divided by its mass),
  /// since the limit is a probability measure whose mass is itself an observable. `normalise`
  /// divides by the mass instead (the empirical measure of N neurons with weights 1/N or 1).
  Observables finish(bool normalise = false) const noexcept;

private:
  double w0_, w1_;
  double m_ = 0.0, rate_ = 0.0, drive_ = 0.0, su_ = 0.0, sc_ = 0.0, suu_ = 0.0, scc_ = 0.0;
};

}  // namespace stf::model
