#!/usr/bin/env bash
# Usage: hostile_input.sh STF SOURCE_DIR
# Values a careless or hostile user may give: each is refused with exit 2 naming the key, by
# `stf check` and by the command itself, before any output folder is made. And the smaller
# promises: names that are one plain folder name, descriptions that read back from case.toml,
# seeds that fit, PETSc options that exist, a full disk that is exit 4 with nothing complete.
set -uo pipefail
stf=$(realpath "$1")
src=$2
failures=0
passes=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { passes=$((passes + 1)); }
work=$(mktemp -d)
trap 'rm -rf "$work"; [[ -n ${mounted:-} ]] && umount "$work.fs" && rmdir "$work.fs"' EXIT
case_file="$src/cases/memory.toml"
quick=(--set time.end=0.1 --set "report.times=[0.05]")

# expect CODE KEY COMMAND...: exit CODE and KEY in the message (within 20 s: nothing may compute).
expect() {
  local want=$1 key=$2; shift 2
  local msg
  msg=$(timeout 20 "$@" 2>&1 >/dev/null)
  local got=$?
  if [[ $got -ne $want ]]; then fail "'$*' exited with $got, expected $want: $msg"; return; fi
  if [[ $msg != *"$key"* ]]; then fail "'$*': message lacks '$key': $msg"; return; fi
  pass
}

# Scales that overflow a double, work without end, memory and indices beyond the machine.
hostile=(
  "model.w1=1e300|model.w1"
  "model.w0=1e300|model.w0"
  "initial.U.at=1e300|initial.U"
  "initial.C.at=1e300|initial.C"
  "model.u_reset=1e300|model.u_reset"
  "model.phi.phi_max=1e308|model.phi.phi_max"
  "model.leak_U.alpha=1e15|model.leak_U.alpha"
  "model.leak_C.beta=1e300|model.leak_C.beta"
  "model.leak_U.alpha=1e8|model.leak_U.alpha"
  "model.I={ base = 0, pulses = [{ start = 0, end = 1, amplitude = 1e308 }] }|model.I"
  "time.end=1e12|time."
  "mesh.c_max=1e19|mesh.c_max"
  "mesh.u_max=1e300|mesh.u_max"
  "mesh.cells_u=5000000|mesh.cells_u"
  "mesh.cells_per_unit_c=100000000|mesh.cells_per_unit_c"
  "particles.neurons=2000000000000|particles.neurons"
  "particles.replicas=100000000000|particles.replicas"
  "name=..|name"
  "name=.|name"
  "name=a/b|name"
  'name="a\nb"|name'
  "name=$(printf 'x%.0s' {1..300})|name"
)
for i in "${!hostile[@]}"; do
  set_arg=${hostile[i]%|*}
  key=${hostile[i]##*|}
  # The mesh is the MUSCL scheme's (the characteristic scheme, the default, has none).
  scheme=()
  [[ $key == mesh.* ]] && scheme=(--set solver.scheme=muscl)
  expect 2 "$key" "$stf" check "$case_file" --set "$set_arg" "${scheme[@]}"
  # The commands read cases through the same reader: the first ones suffice (each start costs MPI's).
  # (stf simulate reads no mesh: a mesh key is tried on stf run, which does.)
  if [[ $key == mesh.* ]]; then
    ((i % 3 != 2)) && expect 2 "$key" "$stf" run "$case_file" --set "$set_arg" "${scheme[@]}" --quiet -o "$work/run"
  else
    ((i % 3 == 0)) && expect 2 "$key" "$stf" simulate "$case_file" --set "$set_arg" -o "$work/sim"
    ((i % 3 == 1)) && expect 2 "$key" "$stf" run "$case_file" --set "$set_arg" --quiet -o "$work/run"
  fi
done
[[ -e $work/sim || -e $work/run ]] && fail "a refused case left an output folder"
expect 2 "particles.neurons" "$stf" simulate "$case_file" -N 2000000000000 -o "$work/sim"
expect 2 "report.mesh_levels" "$stf" report "$case_file" --set mesh.cells_u=200000 -o "$work/rep"
expect 2 "COUNT" "$stf" sweep "$case_file" --vary initial.C.at=5:10:1000000000 -o "$work/sw"
# Every shipped case still passes (check_cases.sh) and a large but possible mesh is accepted.
expect 0 "" "$stf" check "$case_file" --set mesh.cells_u=2000

# c_max beyond a long: reported as given, not as a rounded-over value.
expect 2 "1e+19" "$stf" check "$case_file" --set mesh.c_max=1e19
# Seeds: up to 2^63 - 1 (a TOML integer), never clamped.
expect 2 "particles.seed" "$stf" simulate "$case_file" "${quick[@]}" -N 10 -R 1 --seed 18446744073709551615 -o "$work/s1"
expect 2 "particles.seed" "$stf" simulate "$case_file" "${quick[@]}" -N 10 -R 1 --seed 9223372036854775808 -o "$work/s1"
expect 0 "" "$stf" simulate "$case_file" "${quick[@]}" -N 10 -R 1 --seed 9223372036854775807 -o "$work/s1"
if grep -q "seed = 9223372036854775807" "$work/s1/case.toml" 2>/dev/null; then pass; else fail "the largest seed not recorded"; fi
# PETSc options that do not exist, and commands that do not exist.
expect 2 "-ts_type nonsense" "$stf" run "$case_file" "${quick[@]}" --set solver.scheme=muscl --quiet -o "$work/ts" -- -ts_type nonsense
[[ -e $work/ts ]] && fail "-ts_type nonsense left an output folder"
expect 2 "unknown command 'frobnicate'" "$stf" frobnicate

# A description with control characters reads back from the case.toml a run writes.
expect 0 "" "$stf" simulate "$case_file" "${quick[@]}" -N 10 -R 1 -o "$work/desc" --set 'description="tab\there\u0001\u001b[31m \"q\" \\ end"'
expect 0 "" "$stf" check "$work/desc/case.toml"
if [[ $("$stf" check "$work/desc/case.toml" 2>/dev/null) == *'description = "tab\there\u0001\u001B[31m \"q\" \\ end"'* ]]; then pass
else fail "the description did not read back: $("$stf" check "$work/desc/case.toml" 2>&1 | grep description)"; fi
# Invalid UTF-8 from the command line is refused (case.toml could not hold it).
expect 2 "description" "$stf" check "$case_file" --set "description=$(printf 'bad\xff')"

# A full disk while the snapshots are written: exit 4, nothing that looks complete. Needs a small
# tmpfs (root); skipped where none can be mounted.
mkdir -p "$work.fs"
if mount -t tmpfs -o size=256k tmpfs "$work.fs" 2>/dev/null; then
  mounted=1
  expect 4 "disk full" "$stf" run "$case_file" --set time.end=1 --set "report.times=[0.5]" --set solver.scheme=muscl \
    --set "solver.snapshots=[0.2, 0.4, 0.6, 0.8, 1.0]" --quiet -o "$work.fs/r"
  if [[ -z $(ls -A "$work.fs") ]]; then pass; else fail "a full disk left $(ls -A "$work.fs")"; fi
else
  rmdir "$work.fs"
  echo "skipped: the full-disk test (no tmpfs can be mounted here)"
fi

echo "$passes passed, $failures failed"
[[ $failures -eq 0 ]]
