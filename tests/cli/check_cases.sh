#!/usr/bin/env bash
# Usage: check_cases.sh STF SOURCE_DIR
# Each bad case starts with a line "# expect: TEXT": stf check must exit with 2 and print TEXT
# (which names the file, the line and the key).
set -uo pipefail
stf=$1
src=$2
failures=0
passes=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { passes=$((passes + 1)); }

for case_file in "$src"/cases/*.toml; do
  if "$stf" check "$case_file" >/dev/null 2>/tmp/stf_check_err.$$; then pass; else fail "stf check $case_file: $(cat /tmp/stf_check_err.$$)"; fi
done

for bad in "$src"/tests/cli/bad_cases/*.toml; do
  expected=$(sed -n 's/^# expect: //p' "$bad" | head -1)
  [[ -n $expected ]] || { fail "$bad has no '# expect:' line"; continue; }
  stderr=$("$stf" check "$bad" 2>&1 >/dev/null)
  code=$?
  if [[ $code -ne 2 ]]; then fail "$bad: exit code $code, expected 2"; continue; fi
  expected=${expected//@FILE@/$bad}
  if [[ $stderr != *"$expected"* ]]; then fail "$bad: message '$stderr' lacks '$expected'"; else pass; fi
done

# Command-line errors, --set errors and help.
expect_code() {
  local want=$1; shift
  "$@" >/dev/null 2>&1
  local got=$?
  if [[ $got -eq $want ]]; then pass; else fail "'$*' exited with $got, expected $want"; fi
}
expect_code 0 "$stf" --help
expect_code 0 "$stf" check --help
expect_code 0 "$stf" --version
expect_code 2 "$stf"
expect_code 2 "$stf" frobnicate
expect_code 2 "$stf" check
expect_code 2 "$stf" check "$src/cases/does_not_exist.toml"
expect_code 2 "$stf" check "$src/cases/memory.toml" --set model.phi.kapa=3
expect_code 2 "$stf" check "$src/cases/memory.toml" --set time.end=-1
expect_code 0 "$stf" check "$src/cases/memory.toml" --set initial.C.at=20
out=$("$stf" check "$src/cases/memory.toml" --set initial.C.at=20 2>&1)
if [[ $out == *'C = { law = "dirac", at = 20 }'* ]]; then pass; else fail "--set initial.C.at=20 not in the resolved case"; fi
msg=$("$stf" check "$src/cases/memory.toml" --set model.phi.kapa=3 2>&1)
if [[ $msg == *"--set model.phi.kapa=3"*"model.phi.kapa"*"did you mean 'kappa'"* ]]; then pass; else fail "override message: $msg"; fi

# stf simulate: its options are case keys, validated like the file and recorded in case.toml.
expect_code 2 "$stf" simulate "$src/cases/memory.toml" -N 1
work=$(mktemp -d)
expect_code 0 "$stf" simulate "$src/cases/memory.toml" -N 50 -R 2 --seed 7 --whole-horizon -o "$work/sim"
resolved=$(cat "$work/sim/case.toml" 2>/dev/null)
for want in "neurons = 50" "replicas = 2" "seed = 7" "whole_horizon = true"; do
  if [[ $resolved == *"$want"* ]]; then pass; else fail "stf simulate: '$want' not in the written case.toml"; fi
done
# Spikes of several replicas (--raster=K) and every replica's observables (--trajectories): the
# replicas' rates average to the ensemble mean of observables.csv at every sample time.
expect_code 0 "$stf" simulate "$src/cases/memory.toml" --set time.end=6 -N 30 -R 3 --raster=2 --trajectories -o "$work/raster"
if [[ $(head -1 "$work/raster/spikes.csv") == "replica,t,neuron" &&
      $(tail -n +2 "$work/raster/spikes.csv" | cut -d, -f1 | sort -u | tr '\n' ' ') == "0 1 " ]]; then pass
else fail "spikes.csv does not hold replicas 0 and 1 with a replica column"; fi
mismatch=$(awk -F, 'FNR == 1 { next }
  FILENAME ~ /trajectories/ { sum[$2] += $3; count[$2]++; next }
  { if (count[$1] != 3 || ($2 - sum[$1] / 3) ^ 2 > 1e-20 * (1 + $2 ^ 2)) bad++ } END { print bad + 0 }' \
  "$work/raster/trajectories.csv" "$work/raster/observables.csv")
if [[ $mismatch == 0 ]]; then pass; else fail "trajectories.csv: $mismatch sample times whose mean rate is not observables.csv's"; fi
# Exit-time quantiles carry the keys report.json uses (q05 .. q95).
summary=$(cat "$work/sim/summary.json" 2>/dev/null)
if [[ $summary == *'"q05"'*'"q95"'* ]]; then pass; else fail "stf simulate: summary.json quantiles are not keyed q05 .. q95"; fi
expect_code 2 "$stf" simulate "$src/cases/memory.toml" -N 50 -R 2 -o "$work/sim"  # exists, no --force
# A run that cannot continue (mass leaving a mesh too short in u) exits 3 and leaves no folder.
expect_code 3 "$stf" run "$src/cases/memory.toml" --set solver.scheme=muscl --set mesh.u_max=5 --set time.end=2 --set "report.times=[1.0]" --quiet -o "$work/lost"
if [[ -e "$work/lost" ]]; then fail "stf run: a failed run left $work/lost"; else pass; fi
# Each command checks only the sections it reads: memory.toml's report.times (up to 22.5) lie beyond a
# shortened horizon, which stops stf report and stf check but not stf run, simulate or sweep.
expect_code 0 "$stf" run "$src/cases/memory.toml" --set time.end=2 --set mesh.cells_u=40 --quiet -o "$work/short_run"
expect_code 0 "$stf" simulate "$src/cases/memory.toml" --set time.end=2 -N 20 -R 2 -o "$work/short_sim"
expect_code 0 "$stf" sweep "$src/cases/memory.toml" --set time.end=2 --set mesh.cells_u=40 --vary initial.C.at=8:10:2 -o "$work/short_sweep"
expect_code 2 "$stf" report "$src/cases/memory.toml" --set time.end=2 --quick -o "$work/short_report"
msg=$("$stf" check "$src/cases/memory.toml" --set time.end=2 2>&1)
if [[ $msg == *"report.times"*"read by stf report only"* ]]; then pass; else fail "check of report.times: $msg"; fi
msg=$("$stf" check "$src/cases/memory.toml" 2>&1)
if [[ $msg == *"[report] by report only"* ]]; then pass; else fail "stf check does not say which command reads [report]"; fi

# PETSc options: a method that does not preserve positivity (rk 5dp) undershoots by its truncation
# error (about 1e-10 here at t = 0.01), which must not stop the run; -ts_monitor prints one line per
# step (and one for the initial state), -ts_view one view per run, although the driver calls
# TSSolve once per sample stop (50 here).
short=(--set time.end=0.5 --set solver.scheme=muscl --set mesh.cells_u=40 --quiet)
expect_code 0 "$stf" run "$src/cases/memory.toml" "${short[@]}" -o "$work/dp5" -- -ts_type rk -ts_rk_type 5dp
petsc_out=$("$stf" run "$src/cases/memory.toml" "${short[@]}" -o "$work/monitor" -- -ts_monitor -ts_view 2>&1)
steps=$(sed -n 's/^ *"steps": \([0-9]*\),*$/\1/p' "$work/monitor/summary.json")
lines=$(grep -c " TS dt " <<<"$petsc_out")
distinct=$(grep " TS dt " <<<"$petsc_out" | awk '{print $1}' | sort -u | wc -l)
views=$(grep -c "^TS Object" <<<"$petsc_out")
if [[ -n $steps && $lines -eq $((steps + 1)) && $distinct -eq $lines ]]; then pass
else fail "-ts_monitor: $lines lines ($distinct distinct steps) for $steps steps"; fi
if [[ $views -eq 1 ]]; then pass; else fail "-ts_view printed $views views"; fi
if [[ $petsc_out != *"never used"* ]]; then pass; else fail "served PETSc options reported unused: $petsc_out"; fi
rm -rf "$work"

rm -f /tmp/stf_check_err.$$
echo "$passes passed, $failures failed"
[[ $failures -eq 0 ]]
