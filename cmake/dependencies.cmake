# Every dependency comes from a Debian package (scripts/setup installs them); nothing is downloaded.
find_package(PkgConfig REQUIRED)
find_package(MPI REQUIRED COMPONENTS C CXX)
find_package(fmt REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(Boost REQUIRED)  # header-only parts: Odeint, Math

# PETSc::PETSc from pkg-config. Debian's PETSc.pc does not carry MPI's include path, so MPI is linked too.
pkg_check_modules(PETSC REQUIRED IMPORTED_TARGET PETSc)
add_library(PETSc::PETSc INTERFACE IMPORTED)
target_link_libraries(PETSc::PETSc INTERFACE PkgConfig::PETSC MPI::MPI_C MPI::MPI_CXX)

# Random123 (counter-based generators) is header-only.
find_path(RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)
add_library(Random123::Random123 INTERFACE IMPORTED)
target_include_directories(Random123::Random123 SYSTEM INTERFACE ${RANDOM123_INCLUDE_DIR})

if(STF_BUILD_TESTS)
  find_package(doctest REQUIRED)
endif()
