#!/usr/bin/env bash
# Proves that a plain install works on PYTHON: a fresh venv in a temporary folder, a
# non-editable `pip install -c constraints.txt .` of a copy of this tree, then, from outside
# the tree, `posecheck exercises` must list every exercise file, `posecheck routines` every
# routine file (back_basics runnable), `posecheck report` must write a PDF (reportlab), and
# `posecheck analyze` must count the 4 reps of the good-morning demo clip with every pose
# backend that Python has (tasks on all, the default, so run without --backend; solutions on
# 3.10-3.12), the tasks models built by
# scripts/build_pose_models.py as scripts/setup.sh builds them. Exits non-zero with a sentence
# on failure.
#   scripts/check_install.sh PYTHON      (the clip comes from $POSECHECK_DATA or ../shared/data)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
py=${1:?usage: scripts/check_install.sh PYTHON}
data=${POSECHECK_DATA:-$repo/../shared/data}
clip=$data/videos/good-morning_side_palfit_1.mp4
fail() { echo "check_install ($py): $*" >&2; exit 1; }

[[ -f $clip ]] || fail "the demo clip $clip is missing (set POSECHECK_DATA)."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# pip builds a local project inside it (build/, *.egg-info): build a copy, leave the tree alone
mkdir "$work/src"
cp -r "$repo/pyproject.toml" "$repo/README.md" "$repo/posecheck" "$work/src/"
"$py" -m venv "$work/venv" || fail "could not make a venv."
venv=$work/venv/bin
"$venv/python" -m pip install --quiet --disable-pip-version-check -c "$repo/constraints.txt" "$work/src" \
  || fail "pip install -c constraints.txt . failed (see above)."
rm -rf "$work/src"  # from here on, only the installed copy exists
"$venv/python" "$repo/scripts/build_pose_models.py" > /dev/null \
  || fail "scripts/build_pose_models.py could not build the tasks backend's models."

cd "$work"
unset POSECHECK_EXERCISES  # the exercises must come from the installed package data
where=$("$venv/python" -c 'import posecheck, os; print(os.path.dirname(posecheck.__file__))')
[[ $where == "$work/venv/"* ]] || fail "posecheck was imported from $where, not from the venv."

listed=$("$venv/posecheck" exercises) || fail "'posecheck exercises' failed."
for toml in "$repo"/posecheck/exercises/*.toml; do
  id=$(basename "$toml" .toml)
  grep -q "^$id " <<<"$listed" || fail "'posecheck exercises' does not list $id:"$'\n'"$listed"
done
echo "$listed"
unset POSECHECK_ROUTINES  # and the routines too (each listed, runnable or not yet)
routines=$("$venv/posecheck" routines) || fail "'posecheck routines' failed."
for toml in "$repo"/posecheck/routines/*.toml; do
  id=$(basename "$toml" .toml)
  grep -q "^$id " <<<"$routines" || fail "'posecheck routines' does not list $id:"$'\n'"$routines"
done
grep -q "^back_basics .*good_morning" <<<"$routines" || fail "back_basics cannot run:"$'\n'"$routines"
echo "$routines"

# the progress report (reportlab, pure Python) from an empty history: a PDF from the installed copy
POSECHECK_HISTORY=$work/history.sqlite3 POSECHECK_PLAN=$work/plan.json \
  "$venv/posecheck" report --since 2026-01-01 --until 2026-01-31 -o "$work/report.pdf" > /dev/null \
  || fail "'posecheck report' failed."
[[ $(head -c 4 "$work/report.pdf") == "%PDF" ]] || fail "'posecheck report' did not write a PDF."

backends=$("$venv/python" -c 'from posecheck.pose.backend import solutions_available
print("solutions tasks" if solutions_available() else "tasks")')
for backend in $backends; do
  # tasks is the default on every Python: its run goes without the flag, and must say tasks
  flag=(--backend "$backend")
  [[ $backend == tasks ]] && flag=()
  "$venv/posecheck" analyze "$clip" --exercise good_morning "${flag[@]}" --json - > "$work/report.json" \
    || fail "'posecheck analyze ${flag[*]}' failed on $(basename "$clip")."
  reps=$("$venv/python" -c 'import json, sys; r = json.load(open(sys.argv[1])); print(r["pose_backend"], r["reps"])' "$work/report.json") \
    || fail "'posecheck analyze --json -' did not print a JSON report."
  [[ $reps == "$backend 4" ]] || fail "$(basename "$clip") as good_morning: '$reps' (backend, reps), labelled 4 with $backend."
done
versions=$("$venv/python" -c 'import platform, av, mediapipe, numpy
print(f"Python {platform.python_version()} (mediapipe {mediapipe.__version__}, av {av.__version__}, numpy {numpy.__version__})")')
echo "check_install: $versions: a plain install lists the exercises and counts the 4 reps (backends: $backends)."
