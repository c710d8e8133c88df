#!/usr/bin/env bash
# Usage: output_folders.sh STF SOURCE_DIR
# Output folders never destroy what stf did not write: -o ., -o .., trailing slashes, --force on a
# folder without the .stf-output marker, dangling symbolic links; the old results survive a failed
# run; every path problem is found (exit 2) before any computation. And Ctrl-C (SIGINT, SIGTERM)
# ends each command within a second and leaves nothing.
set -uo pipefail
stf=$(realpath "$1")
src=$2
failures=0
passes=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { passes=$((passes + 1)); }
check() { if eval "$2"; then pass; else fail "$1"; fi; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$src/cases/memory.toml" "$work/case.toml"
# A run of a fraction of a second; its sample count (time.end / time.sample) tells it apart.
fast=(--set time.end=0.5 --set time.sample=0.05 --set "report.times=[0.25]" -N 20 -R 2)
# A run that would take minutes: every path problem must be found before it starts.
slow=(--set time.end=1e4 --set time.sample=1 -N 2000 -R 1)

# Runs "$@" in $1, with a time limit, and records its exit code in $code.
run_in() {
  local dir=$1; shift
  (cd "$dir" && timeout 20 "$@" >"$work/stdout" 2>"$work/stderr")
  code=$?
}

# -o . and -o ..: refused with exit 2, nothing deleted (the case file and a bystander survive).
mkdir -p "$work/top/cwd" && touch "$work/top/bystander" && cp "$work/case.toml" "$work/top/cwd/"
for target in . .. ./ ../ "$work/top" /; do
  run_in "$work/top/cwd" "$stf" simulate case.toml "${slow[@]}" -o "$target" --force
  check "-o $target --force: exit $code, expected 2" '[[ $code -eq 2 ]]'
  check "-o $target: the case file was deleted" '[[ -f $work/top/cwd/case.toml && -f $work/top/bystander ]]'
done
grep -q "working directory" "$work/stderr"; check "-o /: the message names the working directory" '[[ $? -eq 0 ]]'

# A folder holding the case file is not replaced.
mkdir -p "$work/holder" && cp "$work/case.toml" "$work/holder/" && touch "$work/holder/.stf-output"
run_in "$work" "$stf" simulate holder/case.toml "${slow[@]}" -o holder --force
check "-o holding the case file: exit $code, expected 2" '[[ $code -eq 2 && -f $work/holder/case.toml ]]'

# -o newdir/ (trailing slash): the results land in newdir, no staging folder inside it or beside it.
run_in "$work" "$stf" simulate case.toml "${fast[@]}" -o new/
check "-o new/: exit $code, expected 0 ($(cat "$work/stderr"))" '[[ $code -eq 0 ]]'
check "-o new/: no observables in new/" '[[ -f $work/new/observables.csv && -f $work/new/.stf-output ]]'
check "-o new/: a staging folder was left" '[[ -z $(ls -A "$work/new" | grep partial) && -z $(ls -A "$work" | grep partial) ]]'

# -o existing/ --force: replaced by the new results (a sample count tells them apart).
run_in "$work" "$stf" simulate case.toml "${fast[@]}" --set time.sample=0.1 -o new/ --force
check "-o new/ --force: exit $code, expected 0" '[[ $code -eq 0 ]]'
check "-o new/ --force: the results were not replaced" '[[ $(wc -l <"$work/new/observables.csv") -lt 11 ]]'
# Without --force: exit 2, the old results untouched.
run_in "$work" "$stf" simulate case.toml "${slow[@]}" -o new
check "-o existing without --force: exit $code, expected 2" '[[ $code -eq 2 && -f $work/new/observables.csv ]]'

# --force on a folder stf did not write: refused, its files kept.
mkdir -p "$work/mine" && echo precious >"$work/mine/thesis.tex"
run_in "$work" "$stf" simulate case.toml "${slow[@]}" -o mine/ --force
check "--force on a foreign folder: exit $code, expected 2" '[[ $code -eq 2 && -f $work/mine/thesis.tex ]]'
grep -q ".stf-output" "$work/stderr"; check "--force on a foreign folder: the message names the marker" '[[ $? -eq 0 ]]'

# A dangling symbolic link: exit 2 at once, nothing created through it.
ln -s "$work/nowhere/deep" "$work/dangling"
run_in "$work" "$stf" simulate case.toml "${slow[@]}" -o dangling
check "dangling symlink: exit $code, expected 2" '[[ $code -eq 2 && ! -e $work/nowhere ]]'
run_in "$work" "$stf" run case.toml --set time.end=1e4 --quiet -o dangling/sub
check "dangling symlink on the way (run): exit $code, expected 2" '[[ $code -eq 2 && ! -e $work/nowhere ]]'
# A file on the way: exit 2 before any computation.
touch "$work/afile"
run_in "$work" "$stf" simulate case.toml "${slow[@]}" -o afile/sub
check "a file on the way: exit $code, expected 2" '[[ $code -eq 2 && -f $work/afile ]]'
# A symbolic link to an stf folder is replaced through the link; the link itself stays.
ln -s "$work/new" "$work/link"
run_in "$work" "$stf" simulate case.toml "${fast[@]}" -o link --force
check "symlink to an stf folder: exit $code, expected 0" '[[ $code -eq 0 && -L $work/link && -f $work/new/observables.csv ]]'

# A failed run keeps the old results: a run that stops with exit 3 (mass leaving a short mesh).
cp -r "$work/new" "$work/before"
run_in "$work" "$stf" run case.toml --set solver.scheme=muscl --set mesh.u_max=5 --set time.end=2 --set "report.times=[1.0]" --quiet -o new --force
check "failed run: exit $code, expected 3" '[[ $code -eq 3 ]]'
check "failed run: the old results were touched" 'diff -r "$work/before" "$work/new" >/dev/null'

# Staging folders of dead processes are removed; those of live ones are not.
sleep 30 & live=$!
mkdir -p "$work/.new.partial-999999999" "$work/.new.partial-$live" && touch "$work/.new.partial-999999999/.stf-output"
touch "$work/.new.partial-$live/.stf-output"
run_in "$work" "$stf" simulate case.toml "${fast[@]}" -o new --force
check "stale staging folder: exit $code" '[[ $code -eq 0 && ! -e $work/.new.partial-999999999 && -e $work/.new.partial-$live ]]'
kill "$live"

# Ctrl-C: each command, in a configuration of minutes, ends within a second of SIGINT or SIGTERM
# with exit 130 and leaves no folder.
interrupt() {
  local signal=$1 name=$2; shift 2
  rm -rf "$work/int"
  "$@" -o "$work/int" >/dev/null 2>&1 &
  local pid=$!
  # Running once its staging folder exists (a loaded machine may take seconds to start it), then busy.
  for _ in $(seq 100); do [[ -n $(ls -A "$work" | grep "^\.int\.partial-") ]] && break; sleep 0.2; done
  sleep 1
  local t0=${EPOCHREALTIME/./}
  kill -s "$signal" "$pid"
  wait "$pid"
  local got=$? t1=${EPOCHREALTIME/./}
  local took=$(((t1 - t0) / 1000))
  check "$name on $signal: exit $got, expected 130" '[[ $got -eq 130 ]]'
  check "$name on $signal: took $took ms" '((took < 1000))'
  check "$name on $signal: left $(ls -A "$work" | grep -E "^int|^\.int" | tr "\n" " ")" '[[ -z $(ls -A "$work" | grep -E "^int|^\.int") ]]'
}
for signal in INT TERM; do
  interrupt "$signal" simulate "$stf" simulate "$work/case.toml" --set time.end=1e5 --set time.sample=1e4 -N 200 -R 4 --set model.I=1
  interrupt "$signal" run "$stf" run "$work/case.toml" --set time.end=1e4 --set time.sample=1e3 --quiet
  interrupt "$signal" sweep "$stf" sweep "$work/case.toml" --set time.end=1e4 --set time.sample=1e3 --vary initial.C.at=5:10:2
  interrupt "$signal" report "$stf" report "$work/case.toml" --quick --set time.end=1e4 --set time.sample=1e3
done

echo "$passes passed, $failures failed"
[[ $failures -eq 0 ]]
