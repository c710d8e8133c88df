// The alias table draws indices in proportion to their weights; zero weights are never drawn.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "particles/alias_table.hpp"
#include "particles/random_stream.hpp"

using namespace stf::particles;

TEST_CASE("alias table frequencies match the weights (chi-square, fixed seed)")
{
  const std::vector<double> w{0.0, 1.0, 2.5, 0.0, 0.1, 7.0, 3.0, 1e-3};
  AliasTable table;
  table.build(w);
  RandomStream rng(11, 0);
  const long draws = 2'000'000;
  std::vector<long> count(w.size(), 0);
  for (long k = 0; k < draws; ++k) {
    const auto b = rng.block();
    std::uint64_t rest = 0;
    const auto col = table.column(b[0], rest);
    ++count[table.resolve(col, RandomStream::to_open_unit(b[1]))];
  }
  double total = 0.0;
  for (double x : w) total += x;
  double chi2 = 0.0;
  int dof = -1;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w[i] == 0.0) {
      CHECK(count[i] == 0);
      continue;
    }
    const double expected = double(draws) * w[i] / total;
    chi2 += (double(count[i]) - expected) * (double(count[i]) - expected) / expected;
    ++dof;
  }
  // 5 degrees of freedom: P(chi2 > 20.5) = 0.001.
  CHECK(dof == 5);
  CHECK(chi2 < 20.5);
}
