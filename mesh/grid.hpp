// The structured (potential, calcium) grid of the limit solver (MODEL.md §3): cells of width
// dc = 1 / m in c, so the +1 calcium jump of a spike is an exact shift of m cell rows, and in u
// either uniform (du = u_max / cells_u) or growing geometrically from u = 0 to u_max by the factor
// `stretch` (fine where the rate phi changes, coarse where the density is only transported).
// Pure geometry: no PETSc.
#pragma once

#include <cmath>
#include <vector>

#include "model/case.hpp"

namespace stf::mesh {

/// Linear split of a point x between the two cells whose centres bracket it: the mass keeps its
/// mean position (first moment) exactly unless x lies within half a cell of the domain's ends.
struct CellSplit {
  long first = 0;        // the lower cell
  double w_first = 1.0;  // its share; the cell first + 1 gets 1 - w_first (never past the last cell)
  bool outside = false;  // x lies beyond the far end of the domain
};

class Grid {
public:
  /// Throws std::invalid_argument when the mesh settings are not usable (non-positive sizes,
  /// an extent that is not a whole number of calcium cells away from c_max, fewer than 2 cells).
  explicit Grid(const model::MeshSettings& mesh);
  Grid(double u_max, long cells_u, long cells_per_unit_c, long cells_c, double stretch = 1.0);

  double u_max() const noexcept { return u_max_; }
  double c_max() const noexcept { return double(cells_c_) * dc_; }
  long cells_u() const noexcept { return cells_u_; }
  long cells_c() const noexcept { return cells_c_; }
  long cells_per_unit_c() const noexcept { return m_; }  // m: the jump of a spike in rows
  long cells() const noexcept { return cells_u_ * cells_c_; }
  /// The mean potential width u_max / cells_u (the width of every column when uniform).
  double du() const noexcept { return du_; }
  double dc() const noexcept { return dc_; }
  double stretch() const noexcept { return stretch_; }
  bool uniform_u() const noexcept { return stretch_ == 1.0; }

  /// Width of potential column i.
  double du(long i) const noexcept { return u_faces_[static_cast<std::size_t>(i + 1)] - u_faces_[static_cast<std::size_t>(i)]; }
  /// Centre of column i: the midpoint of its faces.
  double u_center(long i) const noexcept
  {
    return 0.5 * (u_faces_[static_cast<std::size_t>(i)] + u_faces_[static_cast<std::size_t>(i + 1)]);
  }
  double c_center(long j) const noexcept { return (double(j) + 0.5) * dc_; }
  /// Face i lies between cells i - 1 and i (face 0 is u = 0, face cells_u is u = u_max).
  double u_face(long i) const noexcept { return u_faces_[static_cast<std::size_t>(i)]; }
  const std::vector<double>& u_faces() const noexcept { return u_faces_; }
  double c_face(long j) const noexcept { return double(j) * dc_; }

  /// Split between the two columns whose centres bracket u (the mean potential is kept).
  CellSplit split_u(double u) const noexcept;
  CellSplit split_c(double c) const noexcept { return split(c, dc_, cells_c_); }

private:
  static CellSplit split(double x, double h, long n) noexcept
  {
    CellSplit s;
    if (x > double(n) * h) {
      s.outside = true;
      s.first = n - 1;
      return s;
    }
    const double y = x / h - 0.5;
    if (y <= 0.0) return s;
    if (y >= double(n - 1)) {
      s.first = n - 1;
      return s;
    }
    s.first = static_cast<long>(std::floor(y));
    s.w_first = 1.0 - (y - double(s.first));
    return s;
  }

  double u_max_ = 0.0;
  long cells_u_ = 0, cells_c_ = 0, m_ = 0;
  double du_ = 0.0, dc_ = 0.0, stretch_ = 1.0;
  std::vector<double> u_faces_;  // cells_u + 1 values, u_faces_[0] = 0, u_faces_[cells_u] = u_max
};

}  // namespace stf::mesh
