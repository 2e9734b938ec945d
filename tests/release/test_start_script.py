"""README command 1 on a fresh machine: scripts/start.sh names (or, as root, installs) Qt's system
libraries, and runs pip only when the lock or pyproject.toml changed. Run here with stand-ins for
dpkg-query, id, apt-get and the venv's programs, which write down how they were called."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _tool(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/usr/bin/env bash\n" + body + "\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.fixture
def checkout(tmp_path):
    """A copy of what start.sh reads, a venv of stand-ins, and stand-in system tools on PATH."""
    repo = tmp_path / "repo"
    for name in ("scripts/start.sh", "scripts/qt-system-libs.sh", "requirements/app.txt", "pyproject.toml"):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, repo / name)
    log = tmp_path / "calls.log"
    _tool(repo / ".venv/bin/python", f'echo "python $*" >> {log}')
    _tool(repo / ".venv/bin/parvandeh",
          f'echo "parvandeh $*" >> {log}; [ "$1" = demo ] && mkdir -p demo-data && touch demo-data/parvandeh.sqlite3; exit 0')
    bin_ = tmp_path / "bin"
    missing = tmp_path / "missing.txt"
    missing.write_text("", encoding="utf-8")
    _tool(bin_ / "dpkg-query", f'grep -qx "${{@: -1}}" {missing} && exit 1; printf installed')
    _tool(bin_ / "id", f'cat {tmp_path / "uid"} 2>/dev/null || echo 1000')
    _tool(bin_ / "apt-get", f'echo "apt-get $*" >> {log}')
    env = {**os.environ, "PATH": f"{bin_}:{os.environ['PATH']}"}
    return repo, log, missing, env, tmp_path


def _start(repo: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "scripts/start.sh"], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=60)


def _calls(log: Path) -> list[str]:
    calls = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return calls


def test_pip_runs_once_then_only_when_the_lock_changes(checkout):
    repo, log, _missing, env, _ = checkout
    first = _start(repo, env)
    assert first.returncode == 0, first.stderr
    calls = _calls(log)
    assert any("--require-hashes -r requirements/app.txt" in c for c in calls)
    assert calls[-1].startswith("parvandeh --data-dir ./demo-data")

    assert _start(repo, env).returncode == 0
    calls = _calls(log)
    assert not any("pip" in c for c in calls), calls  # nothing changed: no pip at all
    assert calls == ["parvandeh --data-dir ./demo-data"]

    with open(repo / "requirements/app.txt", "a", encoding="utf-8") as f:
        f.write("\n# a new pin\n")
    assert _start(repo, env).returncode == 0
    assert any("pip install" in c for c in _calls(log))


def test_missing_qt_libraries_are_named_exactly_when_not_root(checkout):
    repo, log, missing, env, _ = checkout
    missing.write_text("libxcb-icccm4\nlibxcb-keysyms1\n", encoding="utf-8")
    result = _start(repo, env)
    assert result.returncode != 0
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in result.stderr
    assert not any(c.startswith(("apt-get", "parvandeh")) for c in _calls(log))


def test_as_root_the_missing_ones_are_installed(checkout):
    repo, log, missing, env, tmp = checkout
    missing.write_text("libxcb-cursor0\n", encoding="utf-8")
    (tmp / "uid").write_text("0\n", encoding="utf-8")
    result = _start(repo, env)
    assert result.returncode == 0, result.stderr
    calls = _calls(log)
    assert "apt-get update -qq" in calls
    assert "apt-get install -y -qq --no-install-recommends libxcb-cursor0" in calls


def test_the_list_holds_what_qts_xcb_plugin_links_against():
    text = (ROOT / "scripts/qt-system-libs.sh").read_text(encoding="utf-8")
    for package in ("libxcb-icccm4", "libxcb-keysyms1", "libxcb-cursor0", "libxcb-image0", "libxcb-render-util0",
                    "libxcb-randr0", "libxcb-shape0", "libxcb-xkb1", "libxkbcommon-x11-0", "libegl1", "libfontconfig1"):
        assert f" {package}" in text or f"\n  {package}" in text, package


# Pulled in by the listed packages themselves (or part of every Debian system).
BASE = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g", "libzstd1", "liblzma5", "libsystemd0", "libcap2", "libgcrypt20",
        "libgpg-error0", "liblz4-1", "libmd0", "libbsd0", "libpcre2-8-0", "libexpat1", "libbrotli1"}


@pytest.mark.skipif(not shutil.which("dpkg"), reason="maps libraries to Debian packages")
def test_every_library_the_xcb_plugin_loads_comes_from_a_listed_package():
    """ldd on the installed PySide6's xcb plugin and the Qt libraries it loads, each library's package
    found with dpkg -S: all of them are in scripts/qt-system-libs.sh (or come with those)."""
    import PySide6
    qt = Path(PySide6.__file__).parent / "Qt"
    files = [qt / "plugins/platforms/libqxcb.so", *sorted((qt / "plugins/xcbglintegrations").glob("*.so")),
             *(qt / "lib" / f"libQt6{n}.so.6" for n in ("XcbQpa", "Gui", "Widgets", "Core", "DBus"))]
    libs = set()
    for f in files:
        for line in subprocess.run(["ldd", str(f)], capture_output=True, text=True, check=True).stdout.splitlines():
            parts = line.split("=>")
            if len(parts) == 2 and parts[1].strip().startswith("/") and "PySide6" not in parts[1]:
                libs.add(os.path.realpath(parts[1].split()[0]))
    packages = set()
    for lib in libs:
        out = subprocess.run(["dpkg", "-S", lib], capture_output=True, text=True).stdout
        packages.add(out.split(":")[0]) if out else None
    listed = (ROOT / "scripts/qt-system-libs.sh").read_text(encoding="utf-8")
    unlisted = sorted(p for p in packages - BASE if not re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", listed))
    assert packages and not unlisted, unlisted
