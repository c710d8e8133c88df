# stf::warnings: the warning set every stf target compiles with (errors under STF_WERROR).
add_library(stf_warnings INTERFACE)
add_library(stf::warnings ALIAS stf_warnings)
target_compile_options(stf_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion -Wformat=2
  # GCC 12 reports -Wrestrict false positives inside libstdc++'s std::string operator+ at -O2
  # (GCC bug 105329); the warning says nothing about our code there.
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>
  $<$<BOOL:${STF_WERROR}>:-Werror>)
