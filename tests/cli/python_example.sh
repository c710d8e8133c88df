#!/usr/bin/env bash
# Usage: python_example.sh STF SOURCE_DIR
# Runs examples/plot_outputs.py on a short run, simulation and quick report of the memory case: it
# loads them with pandas, plots them with matplotlib and checks the numbers it loads against the
# JSON summaries. Skipped (exit 77) with a message where pandas or matplotlib is missing.
set -uo pipefail
stf=$1
src=$2
python=""
for candidate in /usr/bin/python3 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c "import pandas, matplotlib" 2>/dev/null; then
    python=$candidate
    break
  fi
done
if [[ -z $python ]]; then
  echo "SKIPPED: pandas or matplotlib is missing (Debian: python3-pandas python3-matplotlib; scripts/setup installs them)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
short=(--set time.end=8)
"$stf" run "$src/cases/memory.toml" "${short[@]}" --set mesh.cells_u=40 --quiet -o "$work/run" || exit 1
"$stf" simulate "$src/cases/memory.toml" "${short[@]}" -N 100 -R 6 -o "$work/simulate" >/dev/null 2>&1 || exit 1
"$stf" report "$src/cases/memory.toml" "${short[@]}" --quick -o "$work/report" >/dev/null 2>&1 || exit 1
"$python" "$src/examples/plot_outputs.py" "$work/run" "$work/simulate" "$work/report" --out "$work/outputs.png" || exit 1
[[ -s "$work/outputs.png" ]] || { echo "FAIL: no figure written"; exit 1; }
