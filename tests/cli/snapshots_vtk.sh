#!/usr/bin/env bash
# Usage: snapshots_vtk.sh STF SOURCE_DIR
# Writes snapshots of a short run of the memory case and reads them back with VTK's readers and
# Integrate Variables, as ParaView does (snapshots_vtk.py). Skipped (exit 77) with a message where
# VTK's Python module (Debian: python3-vtk9) is missing.
set -uo pipefail
stf=$1
src=$2
python=""
for candidate in /usr/bin/python3 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c "import vtk" 2>/dev/null; then
    python=$candidate
    break
  fi
done
if [[ -z $python ]]; then
  echo "SKIPPED: VTK's Python module is missing (Debian: python3-vtk9; scripts/setup installs it)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$stf" run "$src/cases/memory.toml" --set time.end=3 --set solver.scheme=muscl --set mesh.cells_u=40 --set "solver.snapshots=[0.0, 1.0, 2.5]" \
  --quiet -o "$work/run" || exit 1
"$python" "$src/tests/cli/snapshots_vtk.py" "$work/run"
