// doctest main for the validation tests that run the solver and the particles: PETSc (and so
// MPI) is initialised around the test run; only rank 0 prints.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <petscsys.h>

int main(int argc, char** argv)
{
  int petsc_argc = 1;
  char** petsc_argv = argv;
  if (PetscInitialize(&petsc_argc, &petsc_argv, nullptr, nullptr) != 0) return 1;
  doctest::Context context(argc, argv);
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (rank != 0) context.setOption("out", "/dev/null");
  const int code = context.run();
  int worst = 0;
  MPI_Allreduce(&code, &worst, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD);
  PetscFinalize();
  return worst;
}
