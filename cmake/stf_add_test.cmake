# stf_add_test(NAME SOURCES ... LIBS ... LABELS ... [MPI_RANKS n] [TIMEOUT s] [ARGS ...])
# A doctest executable registered with ctest; with MPI_RANKS it runs under mpiexec
# (--oversubscribe so that the 2-core CI machine can run more ranks than cores).
function(stf_add_test NAME)
  cmake_parse_arguments(T "" "MPI_RANKS;TIMEOUT" "SOURCES;LIBS;LABELS;ARGS" ${ARGN})
  add_executable(${NAME} ${T_SOURCES})
  target_link_libraries(${NAME} PRIVATE doctest::doctest stf::warnings ${T_LIBS})
  target_compile_definitions(${NAME} PRIVATE STF_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                                             STF_BINARY_DIR="${PROJECT_BINARY_DIR}")
  if(T_MPI_RANKS)
    add_test(NAME ${NAME}
             COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${T_MPI_RANKS} --oversubscribe
                     --allow-run-as-root $<TARGET_FILE:${NAME}> ${T_ARGS})
  else()
    add_test(NAME ${NAME} COMMAND ${NAME} ${T_ARGS})
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT})
endfunction()
