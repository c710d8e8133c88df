# Version and git hash of the build, written into every run folder so that a result can be rerun.
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
                OUTPUT_VARIABLE STF_GIT_HASH OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
                OUTPUT_VARIABLE STF_GIT_DIRTY OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT STF_GIT_HASH)
  set(STF_GIT_HASH "unknown")
elseif(STF_GIT_DIRTY)
  string(APPEND STF_GIT_HASH "-dirty")
endif()
configure_file(${CMAKE_SOURCE_DIR}/io/provenance.hpp.in ${CMAKE_BINARY_DIR}/generated/io/provenance.hpp @ONLY)
