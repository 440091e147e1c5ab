#!/usr/bin/env bash
# Creates .venv (if needed) and installs posecheck with the pinned versions in constraints.txt.
# Safe to run again: pip only installs what is missing or changed. PYTHON=... picks the python.
set -euo pipefail
cd "$(dirname "$0")/.."
# The range pyproject's requires-python states, proven by scripts/check_install.sh on 3.10, 3.12
# and 3.13 and by the whole suite on 3.11. 3.14: not measured (pyenv here has no 3.14).
SUPPORTED="3.10 3.11 3.12 3.13"
listed="Python ${SUPPORTED// /, }"
version_of() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null; }
supported() { [[ " $SUPPORTED " == *" $1 "* ]]; }
PY=${PYTHON:-}
if [[ -n $PY ]]; then
  version=$(version_of "$PY") || true
  if ! supported "$version"; then
    echo "posecheck installs on $listed only, and $PY is ${version:+Python }${version:-not a working python}." >&2
    exit 1
  fi
else
  # the newest first: 3.13 gets numpy 2 and the tasks backend, 3.10-3.12 also the solutions one
  for candidate in python3.13 python3.12 python3.11 python3.10 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && supported "$(version_of "$candidate")"; then
      PY=$candidate; break
    fi
  done
  [[ -n $PY ]] || { echo "posecheck needs $listed, and none is on PATH (set PYTHON=/path/to/python)." >&2; exit 1; }
fi
if [[ ! -x .venv/bin/python ]]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.posecheck-installed
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[app,test]"
  echo "$want" > "$stamp"
fi
# The tasks backend's model bundles, built from the Apache-2.0 weights in the mediapipe 0.10.21
# wheel (fetched with pip, like every other package) into .venv/share/posecheck/models; rebuilt
# only when the build or its inputs change (models/NOTICE says where the weights come from; the
# lite weights are read from the data folder, ../shared/data or $POSECHECK_DATA, when it has them).
models_stamp=.venv/.posecheck-models
lite_weights="${POSECHECK_DATA:-../shared/data}/models/pose_landmark_lite.tflite"
models_want=$( (cat scripts/build_pose_models.py posecheck/pose/models.py; cat "$lite_weights" 2>/dev/null || echo "no lite weights") | sha256sum | cut -d' ' -f1)
if [[ ! -f $models_stamp || $(cat "$models_stamp") != "$models_want" ]]; then
  .venv/bin/python scripts/build_pose_models.py > /dev/null
  echo "$models_want" > "$models_stamp"
fi
