// libFuzzer entry point of the case reader and --set parser (built with -DSTF_FUZZ=ON and clang;
// the property it checks is in case_input_check.hpp).
#include <cstddef>
#include <cstdint>

#include "fuzz/case_input_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  stf::fuzz::check_case_input(data, size);
  return 0;
}
