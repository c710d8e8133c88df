// The work-precision diagram of the memory case (issue 9): for each level of the characteristic
// scheme and each mesh of the MUSCL scheme, the wall time and the relative error of the exit time,
// against a reference from the two finest characteristic levels (Richardson, with the observed
// order of the last three; its uncertainty is its distance to the finest level). Prints the table
// and writes work_precision_memory.{png,csv} into OUT (default: the current folder).
#include <petscsys.h>

#include <cmath>
#include <filesystem>
#include <fmt/core.h>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "bench/usage.hpp"
#include "mesh/grid.hpp"
#include "model/case_reader.hpp"
#include "solver/characteristic_scheme.hpp"
#include "solver/solve.hpp"
#include "validation/figures.hpp"

namespace {

constexpr const char* usage =
    "work_precision_memory: wall time against the exit time's relative error on cases/memory.toml, for the\n"
    "characteristic scheme (levels 0 to LEVELS-1, default 6: the last about 12 s) and the MUSCL scheme (the case's\n"
    "mesh hints, then 2 and 4 times finer in both directions). The horizon is cut to 7 (the exit is near 4.9).\n\n"
    "usage: work_precision_memory [OUT] [LEVELS] [PETSc options]\n\n"
    "  -h, --help  this text\n";

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

struct Point {
  std::string scheme, resolution;
  double wall = 0.0;
  std::optional<double> exit;
};

}  // namespace

int main(int argc, char** argv)
{
  if (stf::bench::asked_for_help(argc, argv, usage)) return 0;
  const std::filesystem::path out = argc > 1 ? argv[1] : ".";
  const long levels = argc > 2 ? stf::bench::positive_integer(argv[2]) : 6;
  if (levels < 3) {
    fmt::print(stderr, "work_precision_memory: LEVELS must be a whole number of at least 3\n{}", usage);
    return 2;
  }
  if (PetscInitialize(&argc, &argv, nullptr, nullptr) != 0) return 1;
  int code = 0;
  try {
    using namespace stf;
    const auto c = model::read_case(std::filesystem::path(STF_SOURCE_DIR) / "cases" / "memory.toml", {"time.end=7"});
    std::vector<Point> points;
    std::vector<double> exits;
    for (int level = 0; level < levels; ++level) {
      const auto r = solver::characteristic_resolution(c, level);
      const auto s = solver::solve_characteristic_level(c, r, {});
      points.push_back({"characteristic", fmt::format("level {} (dt {:.3g}, H {:.3g})", level, r.dt, r.cell_width),
                        s.wall_seconds, s.exit_time});
      exits.push_back(s.exit_time.value_or(not_a_number));
      fmt::print("characteristic level {}: exit {:.10f}, {:.3f} s\n", level, exits.back(), s.wall_seconds);
      std::fflush(stdout);
    }
    for (long factor : {1L, 2L, 4L}) {
      model::Case m = c;
      m.solver.scheme = "muscl";
      m.mesh.cells_u *= factor;
      m.mesh.cells_per_unit_c *= factor;
      const auto s = solver::solve_muscl(m, {}, PETSC_COMM_SELF);
      const mesh::Grid g(m.mesh);
      points.push_back({"MUSCL", fmt::format("mesh {} x {}", g.cells_u(), g.cells_c()), s.wall_seconds, s.exit_time});
      fmt::print("MUSCL mesh {} x {}: exit {:.10f}, {:.3f} s\n", g.cells_u(), g.cells_c(), s.exit_time.value_or(not_a_number),
                 s.wall_seconds);
      std::fflush(stdout);
    }

    // Richardson from the finest three levels: q_ref = q_L + d_L / (2^p - 1), p = log2(d_{L-1} / d_L).
    const std::size_t n = exits.size();
    const double d_fine = exits[n - 1] - exits[n - 2], d_coarse = exits[n - 2] - exits[n - 3];
    const double p = std::log2(std::fabs(d_coarse / d_fine));
    const double reference = exits[n - 1] + d_fine / (std::exp2(p) - 1.0);
    const double uncertainty = std::fabs(reference - exits[n - 1]);
    fmt::print("\nreference exit time {:.10f} +- {:.1e} (Richardson of levels {} and {}, observed order {:.2f})\n\n",
               reference, uncertainty, n - 2, n - 1, p);
    fmt::print("{:<15} {:<40} {:>10} {:>16} {:>12}\n", "scheme", "resolution", "wall (s)", "exit time", "rel. error");
    validation::LogLogFigure fig{"work against precision: the memory case's exit time", "wall time (s)",
                                 "|exit time - reference| / reference", {}, {}};
    validation::LogLogFigure::Series characteristic{"characteristic (levels)", {}, {}}, muscl{"MUSCL (meshes)", {}, {}};
    for (const Point& pt : points) {
      const double error = pt.exit ? std::fabs(*pt.exit - reference) / reference : not_a_number;
      fmt::print("{:<15} {:<40} {:>10.3f} {:>16.10f} {:>12.2e}{}\n", pt.scheme, pt.resolution, pt.wall,
                 pt.exit.value_or(not_a_number), error, error * reference < uncertainty ? "  (below the reference's uncertainty)" : "");
      if (!(error > 0.0) || !(pt.wall > 0.0)) continue;
      auto& series = pt.scheme == "MUSCL" ? muscl : characteristic;
      series.x.push_back(pt.wall);
      series.y.push_back(error);
    }
    fig.series = {characteristic, muscl};
    std::filesystem::create_directories(out);
    const auto file = validation::plot_log_log(
        out, "work_precision_memory", fig,
        fmt::format("Wall time against the relative error of the exit time on cases/memory.toml (horizon 7), against "
                    "the reference {:.10f} +- {:.1e}.",
                    reference, uncertainty));
    fmt::print("\nwritten: {}\n", (out / file.file).string());
  } catch (const std::exception& e) {
    fmt::print(stderr, "work_precision_memory: {}\n", e.what());
    code = 1;
  }
  PetscFinalize();
  return code;
}
