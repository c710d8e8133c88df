// Names of the slope limiters.
#include "solver/limiters.hpp"

#include <stdexcept>

namespace stf::solver {

const std::vector<std::string>& limiter_names()
{
  static const std::vector<std::string> names{"minmod", "van_leer", "mc"};
  return names;
}

Limiter limiter_from_name(std::string_view name)
{
  const auto& names = limiter_names();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<Limiter>(i);
  throw std::invalid_argument("unknown limiter '" + std::string(name) + "'; valid limiters: minmod, van_leer, mc");
}


}  // namespace stf::solver
