// Gathering and writing density snapshots (MODEL.md §3: the density and its singular parts).
#include "solver/snapshots.hpp"

#include <petscdmcomposite.h>
#include <petscdmda.h>
#include <petscviewer.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <fmt/core.h>
#include <fstream>
#include <string>
#include <vector>

namespace stf::solver {

PetscErrorCode gather_snapshot(const RhsContext& ctx, Vec X, double t, DensitySnapshot* out)
{
  PetscFunctionBeginUser;
  const auto& g = ctx.physics.grid;
  const auto& P = ctx.physics.parts;
  out->t = t;
  out->cells_u = g.cells_u();
  out->cells_c = g.cells_c();
  out->du = g.du();
  out->u_faces = g.u_faces();
  out->c_shift = ctx.sigma_at(t);
  out->dc = g.dc();
  Vec Xc, Xp, natural, seq;
  VecScatter to_zero;
  PetscCall(DMCompositeGetAccess(ctx.dm.pack, X, &Xc, &Xp));
  PetscCall(DMDACreateNaturalVector(ctx.dm.cells, &natural));
  PetscCall(DMDAGlobalToNaturalBegin(ctx.dm.cells, Xc, INSERT_VALUES, natural));
  PetscCall(DMDAGlobalToNaturalEnd(ctx.dm.cells, Xc, INSERT_VALUES, natural));
  PetscCall(VecScatterCreateToZero(natural, &to_zero, &seq));
  PetscCall(VecScatterBegin(to_zero, natural, seq, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(to_zero, natural, seq, INSERT_VALUES, SCATTER_FORWARD));
  if (ctx.rank == 0) {
    const PetscScalar* a;
    PetscInt n;
    PetscCall(VecGetLocalSize(seq, &n));
    PetscCall(VecGetArrayRead(seq, &a));
    out->cell_mass.assign(a, a + n);
    PetscCall(VecRestoreArrayRead(seq, &a));
    const PetscScalar* s;
    PetscCall(VecGetArrayRead(Xp, &s));
    out->line_u0.clear();
    out->line_c0.clear();
    out->atoms.clear();
    if (P.line_u0) out->line_u0.assign(s + P.line_u0_offset, s + P.line_u0_offset + g.cells_c());
    if (P.line_c0) out->line_c0.assign(s + P.line_c0_offset, s + P.line_c0_offset + g.cells_u());
    out->corner = P.corner ? s[P.corner_offset] : 0.0;
    if (P.atom) out->atoms.push_back({s[P.atom_offset], s[P.atom_offset + 1], s[P.atom_offset + 2]});
    out->lost = s[P.lost_u_offset] + s[P.lost_c_offset];
    PetscCall(VecRestoreArrayRead(Xp, &s));
  }
  PetscCall(VecScatterDestroy(&to_zero));
  PetscCall(VecDestroy(&seq));
  PetscCall(VecDestroy(&natural));
  PetscCall(DMCompositeRestoreAccess(ctx.dm.pack, X, &Xc, &Xp));
  PetscFunctionReturn(0);
}

namespace {

std::string exact(double x) { return fmt::format("{:.17g}", x); }

/// The potential faces of a snapshot (uniform columns when it carries none).
std::vector<double> potential_faces(const DensitySnapshot& s)
{
  if (s.u_faces.size() == std::size_t(s.cells_u) + 1) return s.u_faces;
  std::vector<double> faces(std::size_t(s.cells_u) + 1);
  for (std::size_t i = 0; i < faces.size(); ++i) faces[i] = double(i) * s.du;
  return faces;
}

/// One VTK XML DataArray, ASCII, values at full precision.
std::string data_array(const char* name, int components, const std::vector<double>& values)
{
  std::string out = fmt::format("<DataArray type=\"Float64\" Name=\"{}\" NumberOfComponents=\"{}\" format=\"ascii\">\n",
                                name, components);
  for (std::size_t k = 0; k < values.size(); ++k) out += exact(values[k]) + ((k + 1) % 6 == 0 ? "\n" : " ");
  return out + "\n</DataArray>\n";
}

PetscErrorCode write_file(const std::filesystem::path& path, const std::string& text)
{
  PetscFunctionBeginUser;
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  PetscCheck(out.good(), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write %s", path.string().c_str());
  PetscFunctionReturn(0);
}

/// The cells: a structured grid whose points are the true cell corners (stretched potential
/// columns, calcium rows moved down by c_shift), with cell data `density` (mass / area) and `mass`.
std::string cells_vts(const DensitySnapshot& s)
{
  const long nu = s.cells_u, nc = s.cells_c;
  const std::vector<double> uf = potential_faces(s);
  std::vector<double> points;
  points.reserve(std::size_t((nu + 1) * (nc + 1) * 3));
  for (long j = 0; j <= nc; ++j)
    for (long i = 0; i <= nu; ++i) {
      points.push_back(uf[std::size_t(i)]);
      points.push_back(double(j) * s.dc - s.c_shift);
      points.push_back(0.0);
    }
  std::vector<double> density(s.cell_mass.size());
  for (std::size_t k = 0; k < s.cell_mass.size(); ++k) {
    const std::size_t i = k % std::size_t(nu);
    density[k] = s.cell_mass[k] / ((uf[i + 1] - uf[i]) * s.dc);
  }
  const std::string extent = fmt::format("0 {} 0 {} 0 0", nu, nc);
  return "<?xml version=\"1.0\"?>\n<VTKFile type=\"StructuredGrid\" version=\"0.1\" byte_order=\"LittleEndian\">\n" +
         fmt::format("<StructuredGrid WholeExtent=\"{0}\">\n<Piece Extent=\"{0}\">\n", extent) +
         "<FieldData>\n" + fmt::format("<DataArray type=\"Float64\" Name=\"TimeValue\" NumberOfTuples=\"1\" format=\"ascii\">{}</DataArray>\n", exact(s.t)) +
         "</FieldData>\n<Points>\n" + data_array("Points", 3, points) + "</Points>\n<CellData Scalars=\"density\">\n" +
         data_array("density", 1, density) + data_array("mass", 1, s.cell_mass) +
         "</CellData>\n</Piece>\n</StructuredGrid>\n</VTKFile>\n";
}

/// The singular parts (MODEL.md §3) as thin quadrilaterals, because VTK's (and ParaView's) Integrate
/// Variables integrates only the cells of the highest dimension in a dataset and gives points no
/// measure: the line {u = 0} as strips [-w, 0] x row, the line {c = 0} as strips column x [-w, 0],
/// the corner as the square [-w, 0]^2 and each atom as a square of side w centred on it, with w a
/// thousandth of the smallest cell width. `mass` is each part's mass, `density` its mass over its
/// area, so that `density` integrates to the mass over the cells and these parts together.
std::string singular_vtp(const DensitySnapshot& s)
{
  const std::vector<double> uf = potential_faces(s);
  double narrowest = s.dc;
  for (std::size_t i = 0; i + 1 < uf.size(); ++i) narrowest = std::min(narrowest, uf[i + 1] - uf[i]);
  const double w = 1e-3 * narrowest;
  std::vector<double> points, density, mass;
  std::vector<long> corners;
  auto quad = [&](double u0, double c0, double u1, double c1, double m) {
    for (const auto& [u, c] : {std::pair{u0, c0}, std::pair{u1, c0}, std::pair{u1, c1}, std::pair{u0, c1}}) {
      corners.push_back(long(points.size() / 3));
      points.push_back(u);
      points.push_back(c);
      points.push_back(0.0);
    }
    density.push_back(m / ((u1 - u0) * (c1 - c0)));
    mass.push_back(m);
  };
  for (std::size_t j = 0; j < s.line_u0.size(); ++j)
    quad(-w, double(j) * s.dc - s.c_shift, 0.0, double(j + 1) * s.dc - s.c_shift, s.line_u0[j]);
  for (std::size_t i = 0; i < s.line_c0.size() && i + 1 < uf.size(); ++i) quad(uf[i], -w, uf[i + 1], 0.0, s.line_c0[i]);
  quad(-w, -w, 0.0, 0.0, s.corner);
  for (const auto& atom : s.atoms) quad(atom.u - 0.5 * w, atom.c - 0.5 * w, atom.u + 0.5 * w, atom.c + 0.5 * w, atom.weight);

  std::string connectivity, offsets;
  for (long k : corners) connectivity += std::to_string(k) + " ";
  for (std::size_t k = 0; k < mass.size(); ++k) offsets += std::to_string(4 * (k + 1)) + " ";
  std::string out = "<?xml version=\"1.0\"?>\n<VTKFile type=\"PolyData\" version=\"0.1\" byte_order=\"LittleEndian\">\n<PolyData>\n";
  out += fmt::format("<Piece NumberOfPoints=\"{}\" NumberOfVerts=\"0\" NumberOfLines=\"0\" NumberOfStrips=\"0\" "
                     "NumberOfPolys=\"{}\">\n",
                     points.size() / 3, mass.size());
  out += "<Points>\n" + data_array("Points", 3, points) + "</Points>\n";
  out += "<Polys>\n<DataArray type=\"Int64\" Name=\"connectivity\" format=\"ascii\">\n" + connectivity +
         "\n</DataArray>\n<DataArray type=\"Int64\" Name=\"offsets\" format=\"ascii\">\n" + offsets +
         "\n</DataArray>\n</Polys>\n";
  out += "<CellData Scalars=\"mass\">\n" + data_array("density", 1, density) + data_array("mass", 1, mass) + "</CellData>\n";
  return out + "</Piece>\n</PolyData>\n</VTKFile>\n";
}

}  // namespace

std::filesystem::path singular_parts_path(const std::filesystem::path& cells_path)
{
  auto p = cells_path;
  return p.replace_filename(cells_path.stem().string() + "_singular.vtp");
}

PetscErrorCode write_snapshot_vts(const DensitySnapshot& snapshot, const std::filesystem::path& path)
{
  PetscFunctionBeginUser;
  PetscCheck(snapshot.cell_mass.size() == std::size_t(snapshot.cells_u * snapshot.cells_c), PETSC_COMM_SELF,
             PETSC_ERR_ARG_SIZ, "a snapshot's cell masses do not match its grid");
  PetscCall(write_file(path, cells_vts(snapshot)));
  PetscCall(write_file(singular_parts_path(path), singular_vtp(snapshot)));
  PetscFunctionReturn(0);
}

std::string snapshots_pvd(const std::vector<double>& times, const std::vector<std::string>& cell_files)
{
  std::string out = "<?xml version=\"1.0\"?>\n<VTKFile type=\"Collection\" version=\"0.1\" byte_order=\"LittleEndian\">\n"
                    "<Collection>\n";
  for (std::size_t k = 0; k < times.size() && k < cell_files.size(); ++k) {
    out += fmt::format("<DataSet timestep=\"{}\" part=\"0\" file=\"{}\"/>\n", exact(times[k]), cell_files[k]);
    out += fmt::format("<DataSet timestep=\"{}\" part=\"1\" file=\"{}\"/>\n", exact(times[k]),
                       singular_parts_path(cell_files[k]).string());
  }
  return out + "</Collection>\n</VTKFile>\n";
}

}  // namespace stf::solver
