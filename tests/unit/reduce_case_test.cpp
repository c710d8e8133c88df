// The [reduce] section of a case file: defaults, validation (file, line, key) and the round trip
// through the resolved case.toml.
#include <doctest/doctest.h>

#include <string>

#include "model/case_reader.hpp"
#include "model/input_error.hpp"

using namespace stf::model;

namespace {

const std::string base = R"(name = "t"
[model]
phi = { kind = "hill", phi_max = 5.0, theta = 1.0, kappa = 4.0 }
leak_U = { law = "exponential", alpha = 1.0 }
leak_C = { law = "linear", beta = 6.0 }
[initial]
U = { law = "dirac", at = 2.0 }
C = { law = "dirac", at = 10.0 }
[time]
end = 30.0
)";

InputError reduce_error(const std::string& section)
{
  try {
    (void)read_case_text(base + "[reduce]\n" + section + "\n", "case.toml");
  } catch (const InputError& e) {
    return e;
  }
  FAIL("expected an InputError");
  return InputError("", 0, "", "");
}

}  // namespace

TEST_CASE("[reduce] defaults")
{
  const Case c = read_case_text(base, "t.toml");
  CHECK(c.reduce.abs_tol == 1e-9);
  CHECK(c.reduce.rel_tol == 1e-9);
  CHECK(c.reduce.methods == reduction_method_names());
}

TEST_CASE("[reduce] keys are read, validated and round-trip through case.toml")
{
  const Case c = read_case_text(base + "[reduce]\nabs_tol = 1e-7\nrel_tol = 2e-6\nmethods = [\"moments\", \"naive\"]\n",
                                "t.toml");
  CHECK(c.reduce.abs_tol == 1e-7);
  CHECK(c.reduce.rel_tol == 2e-6);
  CHECK(c.reduce.methods == std::vector<std::string>{"moments", "naive"});
  const Case back = read_case_text(to_toml(c), "back.toml");
  CHECK(back.reduce.abs_tol == c.reduce.abs_tol);
  CHECK(back.reduce.rel_tol == c.reduce.rel_tol);
  CHECK(back.reduce.methods == c.reduce.methods);
  const Case set = read_case_text(base, "t.toml", {"reduce.abs_tol=3e-8"});
  CHECK(set.reduce.abs_tol == 3e-8);
}

TEST_CASE("[reduce] errors name the file, the line and the key")
{
  {
    const auto e = reduce_error("abs_tol = 0.0");
    CHECK(e.file() == "case.toml");
    CHECK(e.key() == "reduce.abs_tol");
    CHECK(e.line() == 12);
  }
  CHECK(reduce_error("rel_tol = 2.0").key() == "reduce.rel_tol");
  {
    const auto e = reduce_error("methods = [\"naiv\"]");
    CHECK(e.key() == "reduce.methods");
    CHECK(std::string(e.what()).find("naive") != std::string::npos);
  }
  CHECK(reduce_error("methods = []").key() == "reduce.methods");
  CHECK(reduce_error("methods = [\"naive\", \"naive\"]").key() == "reduce.methods");
  CHECK(reduce_error("abs_tolerance = 1e-6").key() == "reduce.abs_tolerance");
}
