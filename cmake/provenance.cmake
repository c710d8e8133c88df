# Version and git hash of the build, written into every run folder so that a result can be rerun.
# The source holding them is regenerated at every build (not only at configure time), so that a
# rebuild after a commit reports the new hash.
set(STF_PROVENANCE_SOURCE ${CMAKE_BINARY_DIR}/generated/io/provenance.cpp)
set(_stf_provenance_args -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -DIN=${CMAKE_SOURCE_DIR}/io/provenance.cpp.in
    -DOUT=${STF_PROVENANCE_SOURCE} -DPROJECT_VERSION=${PROJECT_VERSION})
execute_process(COMMAND ${CMAKE_COMMAND} ${_stf_provenance_args} -P ${CMAKE_SOURCE_DIR}/cmake/write_provenance.cmake)
add_custom_target(stf_provenance
  COMMAND ${CMAKE_COMMAND} ${_stf_provenance_args} -P ${CMAKE_SOURCE_DIR}/cmake/write_provenance.cmake
  BYPRODUCTS ${STF_PROVENANCE_SOURCE}
  COMMENT "Recording the git hash of the build"
  VERBATIM)
