#!/usr/bin/env bash
# Set up Parvandeh in .venv and start it. The first time, ./demo-data is filled with generated data
# (manager / parvandeh-demo). Pass --new to start on an empty folder with the first-run wizard instead.
#
# Qt's system libraries are installed when this runs as root (else their package names are printed).
# The venv is filled from requirements/app.txt (pinned, hashes checked) and only when that lock or
# pyproject.toml has changed since the last time (a stamp of their SHA-256 in .venv).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/qt-system-libs.sh
. scripts/qt-system-libs.sh
qt_system_libs

# pip prints a warning for each local package folder named in this machine's pip config: noise.
quiet_pip() { PYTHONWARNINGS=ignore "$@" 2>&1 | { grep -v "^WARNING: Location 'file:" || true; }; }

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
STAMP=.venv/.parvandeh-lock-sha256
want=$(cat requirements/app.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -x .venv/bin/parvandeh ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  echo "installing Parvandeh's Python packages (requirements/app.txt)"
  quiet_pip .venv/bin/python -m pip install -q --require-hashes -r requirements/app.txt
  quiet_pip .venv/bin/python -m pip install -q --no-deps --no-build-isolation -e .
  .venv/bin/python -c "import app.cli" # fails here, not at the first click, when the install did not work
  # An editable install compiles nothing (and a shell with PYTHONDONTWRITEBYTECODE never keeps
  # bytecode): compile the program's modules, as a wheel install does, so every start loads them.
  .venv/bin/python -m compileall -q app >/dev/null || true
  echo "$want" > "$STAMP"
fi
if [ "${1:-}" = "--new" ]; then
  DATA=${2:-./clinic-data}
else
  DATA=./demo-data
  [ -f "$DATA/parvandeh.sqlite3" ] || .venv/bin/parvandeh demo --cases 500 --data-dir "$DATA"
fi
exec .venv/bin/parvandeh --data-dir "$DATA"
