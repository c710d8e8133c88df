// The registry of reductions, by name (model::reduction_method_names()).
#include "reduce/reduction.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <stdexcept>

#include "reduce/facilitation_rate.hpp"
#include "reduce/moment_closure.hpp"
#include "reduce/naive_rate.hpp"

namespace stf::reduce {

std::unique_ptr<Reduction> make_reduction(const std::string& name, const model::Case& c)
{
  if (name == "naive") return std::make_unique<NaiveRate>(c);
  if (name == "moments") return std::make_unique<MomentClosure>(c);
  if (name == "facilitation") return std::make_unique<FacilitationRate>(c);
  throw std::invalid_argument(
      fmt::format("unknown reduction '{}'; valid: {}", name, fmt::join(model::reduction_method_names(), ", ")));
}

}  // namespace stf::reduce
