#!/usr/bin/env bash
# Set up Parvandeh in .venv and start it. The first time, ./demo-data is filled with generated data
# (manager / parvandeh-demo). Pass --new to start on an empty folder with the first-run wizard instead.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
if [ "${1:-}" = "--new" ]; then
  DATA=${2:-./clinic-data}
else
  DATA=./demo-data
  [ -f "$DATA/parvandeh.sqlite3" ] || .venv/bin/parvandeh demo --cases 500 --data-dir "$DATA"
fi
exec .venv/bin/parvandeh --data-dir "$DATA"
