// Histograms and base64, against hand counts and the RFC 4648 test vectors.
#include <doctest/doctest.h>

#include "validation/base64.hpp"
#include "validation/histogram.hpp"

using namespace stf::validation;

TEST_CASE("histogram counts samples in half-open bins with a closed last bin")
{
  const auto h = make_histogram({0.0, 0.1, 0.5, 0.99, 1.0, 1.5, -0.2}, 2, 0.0, 1.0);
  REQUIRE(h.counts.size() == 2);
  CHECK(h.counts[0] == 2);  // 0.0 and 0.1
  CHECK(h.counts[1] == 3);  // 0.5, 0.99 and 1.0
  CHECK(h.outside == 2);
  const auto d = h.density();
  CHECK(d[0] == doctest::Approx(2.0 / (7.0 * 0.5)));
  CHECK((d[0] + d[1]) * 0.5 == doctest::Approx(5.0 / 7.0));
  CHECK_THROWS(make_histogram({1.0}, 0, 0.0, 1.0));
  CHECK_THROWS(make_histogram({1.0}, 3, 1.0, 1.0));
}

TEST_CASE("automatic bins cover the sample, also when all values are equal")
{
  std::vector<double> x;
  for (int k = 0; k < 100; ++k) x.push_back(double(k));
  const auto h = make_histogram(x);
  CHECK(h.counts.size() == 10);
  CHECK(h.outside == 0);
  const auto flat = make_histogram({2.0, 2.0, 2.0});
  CHECK(flat.edges.front() < 2.0);
  CHECK(flat.edges.back() > 2.0);
  long total = 0;
  for (long c : flat.counts) total += c;
  CHECK(total == 3);
}

TEST_CASE("base64 matches the RFC 4648 test vectors")
{
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foob") == "Zm9vYg==");
  CHECK(base64_encode("fooba") == "Zm9vYmE=");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_encode(std::string("\xff\xfe\x00", 3)) == "//4A");
}
