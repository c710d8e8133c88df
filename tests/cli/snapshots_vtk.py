#!/usr/bin/env python3
"""Reads a run's snapshots back with VTK, as ParaView does: the .pvd lists each snapshot's cells and
singular parts at the times of snapshots.json, and VTK's Integrate Variables over both gives the
mass in the mesh (1 minus the lost mass of snapshots.json) to 1e-12.

    snapshots_vtk.py RUN_DIR
"""
import json
import pathlib
import sys
import xml.etree.ElementTree as ET

import vtk

folder = pathlib.Path(sys.argv[1]) / "snapshots"
listed = json.loads((folder / "snapshots.json").read_text())
failures = 0


def check(what, ok):
    global failures
    print(f"{'ok  ' if ok else 'FAIL'} {what}")
    failures += 0 if ok else 1


def integrate(reader, array):
    reader.Update()
    data = reader.GetOutput()
    check(f"{reader.GetFileName()}: cell arrays density and mass",
          data.GetCellData().GetArray("density") is not None and data.GetCellData().GetArray("mass") is not None)
    integrator = vtk.vtkIntegrateAttributes()
    integrator.SetInputData(data)
    integrator.Update()
    values = integrator.GetOutput().GetCellData().GetArray(array)
    return values.GetValue(0) if values is not None else float("nan")


datasets = ET.parse(folder / "density.pvd").getroot().find("Collection").findall("DataSet")
times = sorted({float(d.get("timestep")) for d in datasets})
check(f"density.pvd: times {times} are those of snapshots.json", times == [s["t"] for s in listed])
for snapshot in listed:
    parts = {d.get("part"): d.get("file") for d in datasets if float(d.get("timestep")) == snapshot["t"]}
    cells = vtk.vtkXMLStructuredGridReader()
    cells.SetFileName(str(folder / parts["0"]))
    singular = vtk.vtkXMLPolyDataReader()
    singular.SetFileName(str(folder / parts["1"]))
    in_cells = integrate(cells, "density")
    in_parts = integrate(singular, "density")
    expected = 1.0 - snapshot["lost"]
    # The cell masses again: the cells' `mass` array summed, and the known singular masses.
    parts_mass = snapshot["corner"] + sum(snapshot["line_u0"]) + sum(snapshot["line_c0"]) + \
        sum(a["weight"] for a in snapshot["atoms"])
    check(f"t = {snapshot['t']}: cells {in_cells:.15f} + singular parts {in_parts:.15f} = {in_cells + in_parts:.15f}, "
          f"mass in the mesh {expected:.15f}", abs(in_cells + in_parts - expected) <= 1e-12)
    check(f"t = {snapshot['t']}: the singular parts integrate to their masses in snapshots.json",
          abs(in_parts - parts_mass) <= 1e-12)
    check(f"t = {snapshot['t']}: the cells are not uniform in u (true stretched faces)",
          cells.GetOutput().GetPoint(1)[0] != cells.GetOutput().GetPoint(cells.GetOutput().GetDimensions()[0] - 1)[0] -
          cells.GetOutput().GetPoint(cells.GetOutput().GetDimensions()[0] - 2)[0])
sys.exit(1 if failures else 0)
