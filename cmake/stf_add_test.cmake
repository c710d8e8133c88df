# stf_add_test(NAME MAIN doctest|mpi|petsc SOURCES ... LIBS ... LABELS ... [MPI_RANKS n] [TIMEOUT s] [ARGS ...])
# A doctest executable registered with ctest; with MPI_RANKS it runs under mpiexec
# (--oversubscribe so that the 2-core CI machine can run more ranks than cores). MAIN names its
# main(), compiled once for all tests (tests/CMakeLists.txt): doctest's alone, or with MPI or PETSc
# initialised around the test run.
function(stf_add_test NAME)
  cmake_parse_arguments(T "" "MAIN;MPI_RANKS;TIMEOUT" "SOURCES;LIBS;LABELS;ARGS" ${ARGN})
  if(NOT T_MAIN MATCHES "^(doctest|mpi|petsc)$")
    message(FATAL_ERROR "stf_add_test(${NAME}): MAIN must be doctest, mpi or petsc (got '${T_MAIN}')")
  endif()
  add_executable(${NAME} ${T_SOURCES})
  target_link_libraries(${NAME} PRIVATE stf_test_main_${T_MAIN} doctest::doctest stf::warnings ${T_LIBS})
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
