#!/usr/bin/env bash
# Build the one-folder program with PyInstaller (on Windows, then run Inno Setup on installer/parvandeh.iss).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
"$PY" -m venv .venv-build
.venv-build/bin/python -m pip install -q -e . pyinstaller
.venv-build/bin/python -m PyInstaller installer/parvandeh.spec --noconfirm --distpath dist --workpath build
echo "built: dist/parvandeh/"
