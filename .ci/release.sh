#!/usr/bin/env bash
# The release checks of .ci/run (issue 13): what a clinic installs must hold everything the program
# needs, proven by its own `parvandeh selftest` (offscreen):
#   1. a wheel of the project, installed with the locked dependencies in a fresh venv;
#   2. the Linux one-folder bundle, built by installer/build.sh from installer/parvandeh.spec (the same
#      spec as the Windows build), and its module count compared with the source tree's.
# Caches, outside the clone, in $PARVANDEH_CI_CACHE (default ~/.cache/parvandeh-ci): the build venv,
# keyed by requirements/build.txt; and the last bundle proven whole, keyed by the SHA-256 of every
# input of the bundle (app/, installer/, pyproject.toml, requirements/build.txt). The same inputs
# build the same bundle, so only then is the build skipped; pip's own download cache serves the rest.
# `bash .ci/release.sh [wheel|bundle|all]`; .ci/run runs `all` beside the test suite (pytest's two
# workers leave gaps, at the end of the run above all) and shows its output after it.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv-ci}
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
CACHE=${PARVANDEH_CI_CACHE:-$HOME/.cache/parvandeh-ci}
mkdir -p "$CACHE"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
quiet_pip() { PYTHONWARNINGS=ignore "$@" 2>&1 | { grep -v "^WARNING: Location 'file:" || true; }; }
export QT_QPA_PLATFORM=offscreen
source_modules=$("$VENV/bin/python" -c "from app.selftest import app_modules; print(len(app_modules(True)))")

# Runs a selftest from outside the repository (so nothing is imported from the source tree) and
# checks that it saw as many of the program's modules as the source tree has.
selftest() {
  local what=$1; shift
  local log="$WORK/$what.log"
  (cd "$WORK" && "$@" selftest) > "$log" 2>&1 || { cat "$log"; echo "== $what: selftest failed"; exit 1; }
  local seen
  seen=$(( $(grep -h -e "(modules)" -e "(ui modules)" "$log" | grep -o "[0-9]\+ ماژول" | grep -o "[0-9]\+" | paste -sd+) ))
  if [ "$seen" != "$source_modules" ]; then
    cat "$log"; echo "== $what: $seen modules, the source tree has $source_modules"; exit 1
  fi
  echo "== $what: selftest passed ($(grep -c '^OK' "$log") checks, $seen modules)"
}

wheel() {
started=$SECONDS
echo "== release: the wheel, installed in a fresh venv"
"$VENV/bin/python" -m pip wheel -q --no-deps --no-build-isolation -w "$WORK/wheel" . 2>&1 \
  | { grep -v -e "^WARNING: Location 'file:" -e "BuildBackendWarning" || true; }
"$PY" -m venv "$WORK/wheel-venv"
quiet_pip "$WORK/wheel-venv/bin/python" -m pip install -q --require-hashes -r requirements/app.txt
quiet_pip "$WORK/wheel-venv/bin/python" -m pip install -q --no-deps "$WORK"/wheel/parvandeh-*.whl
selftest wheel "$WORK/wheel-venv/bin/parvandeh"
echo "   ($((SECONDS - started)) s)"
}

bundle() {
started=$SECONDS
key=$( (cat pyproject.toml requirements/build.txt; find app installer -type f -not -name '*.pyc' | LC_ALL=C sort \
        | xargs sha256sum) | sha256sum | cut -d' ' -f1)
if [ "$(cat "$CACHE/bundle-proven" 2>/dev/null)" = "$key" ]; then
  echo "== release: the bundle's inputs are those of the last bundle proven whole here: not built again"
else
  echo "== release: the Linux one-folder bundle (installer/parvandeh.spec)"
  build_key=$(cat requirements/build.txt pyproject.toml | sha256sum | cut -d' ' -f1)
  BUILD_VENV="$CACHE/venv-build-${build_key:0:16}"
  if [ ! -x "$BUILD_VENV/bin/python" ]; then
    rm -rf "$CACHE"/venv-build-*
  fi
  SKIP_SELFTEST=1 BUILD_VENV="$BUILD_VENV" DIST="$WORK/dist" WORK="$WORK/build" bash installer/build.sh 2>&1 \
    | { grep -v -e "^WARNING: Location 'file:" -e " WARNING: " -e "^[0-9]* INFO: " || true; }
  selftest bundle "$WORK/dist/parvandeh/parvandeh-cli"
  echo "$key" > "$CACHE/bundle-proven"
fi
echo "   ($((SECONDS - started)) s)"
}

case "${1:-all}" in
  wheel) wheel ;;
  bundle) bundle ;;
  all) wheel; bundle ;;
  *) echo "usage: $0 [wheel|bundle|all]" >&2; exit 2 ;;
esac
