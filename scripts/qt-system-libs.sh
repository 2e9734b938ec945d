#!/usr/bin/env bash
# The Debian/Ubuntu packages Qt (PySide6) needs to open a window on X11, beyond a minimal system:
# found with ldd on PySide6's libqxcb.so, the Qt libraries it loads and its GL integration plugins,
# each library mapped to its package with dpkg -S (Debian 12). Sourced by scripts/start.sh and .ci/run.
# `qt_missing_packages` prints those not installed; root installs them, anyone else is told their names.
QT_SYSTEM_PACKAGES=(
  libegl1 libgl1 libglx0 libglvnd0 libglib2.0-0 libfontconfig1 libfreetype6 libpng16-16 libdbus-1-3
  libx11-6 libx11-xcb1 libxau6 libxdmcp6 libxkbcommon0 libxkbcommon-x11-0
  libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1
  libxcb-xfixes0 libxcb-xkb1
)

qt_missing_packages() {
  command -v dpkg-query >/dev/null || return 0   # not Debian/Ubuntu: nothing we can name
  local p
  for p in "${QT_SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || echo "$p"
  done
}

# Installs the missing ones when root; otherwise names them and returns 1.
qt_system_libs() {
  local missing
  missing=$(qt_missing_packages | tr '\n' ' ')
  [ -z "${missing// }" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Qt's system libraries: $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "Qt needs these system packages; install them first:" >&2
    echo "  sudo apt-get install $missing" >&2
    return 1
  fi
}
