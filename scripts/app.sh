#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and starts the page on http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/streamlit run app.py --server.address "${POSECHECK_ADDRESS:-localhost}" --browser.gatherUsageStats false "$@"
