#!/usr/bin/env bash
# Make the lock files again from pyproject.toml's ranges (after changing a dependency, or to take
# newer releases on purpose): requirements/app.txt (the program), dev.txt (+ tests, PostgreSQL
# driver; CI and scripts/start.sh) and build.txt (+ PyInstaller and the PostgreSQL driver; installer/build.sh). One resolution
# for every platform (--universal), with every file's SHA-256, so Windows builds from the same pins.
# dev.txt and build.txt are constrained by app.txt: the program's pins are the same in all three.
set -euo pipefail
cd "$(dirname "$0")/../requirements"
UV=${UV:-uv}
command -v "$UV" >/dev/null || UV="../.venv/bin/uv"
compile() { "$UV" pip compile --universal --python-version 3.11 --generate-hashes --no-header --quiet "$@"; }
compile ../pyproject.toml tools.in -o app.txt
compile ../pyproject.toml tools.in --extra test --extra postgres -c app.txt -o dev.txt
compile ../pyproject.toml tools.in --extra build --extra postgres -c app.txt -o build.txt
echo "requirements/{app,dev,build}.txt written"
