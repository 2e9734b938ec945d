#!/usr/bin/env bash
# Build the one-folder program with PyInstaller from the build lock, then prove it with its own
# `parvandeh-cli selftest` (offscreen). On Windows use installer/build.ps1, which also runs Inno Setup.
#   bash installer/build.sh             -> dist/parvandeh/
# The build venv (.venv-build) is made again only when requirements/build.txt changes.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
VENV=${BUILD_VENV:-.venv-build}
STAMP="$VENV/.lock-sha256"
want=$(cat requirements/build.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --require-hashes -r requirements/build.txt
  "$VENV/bin/python" -m pip install -q --no-deps --no-build-isolation .
  echo "$want" > "$STAMP"
fi
"$VENV/bin/python" -m PyInstaller installer/parvandeh.spec --noconfirm --log-level WARN \
  --distpath "${DIST:-dist}" --workpath "${WORK:-build}"
echo "built: ${DIST:-dist}/parvandeh/"
if [ "${SKIP_SELFTEST:-}" != 1 ]; then
  QT_QPA_PLATFORM=offscreen "${DIST:-dist}/parvandeh/parvandeh-cli" selftest
fi
