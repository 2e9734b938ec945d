""".ci/run fails when a test fails and when pytest ran no test at all (exit code 5), in the main pass
and in the clock-ahead passes; the main pass runs on two workers and the clock-ahead passes take the
date-sensitive list (tests/date_sensitive.py), which keeps every area the issue names. pytest itself
is replaced here by a stand-in that logs its arguments and exits as told."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

from tests.date_sensitive import AREAS, MODULES

ROOT = Path(__file__).resolve().parents[2]
FAKE_PYTHON = """#!/bin/sh
echo "$*" >> "$FAKE_LOG"
case "$*" in
  *date_sensitive*) exit "${FAKE_RC_AHEAD:-0}" ;;
  *) exit "${FAKE_RC_MAIN:-0}" ;;
esac
"""

needs_tools = pytest.mark.skipif(
    os.name != "posix" or not list(Path("/usr/lib").glob("*/faketime/libfaketime.so.1")),
    reason="the CI script runs on Linux with libfaketime (it installs it on a fresh machine)")


def fake_venv(tmp_path: Path) -> Path:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    # The lock's stamp as .ci/run computes it: nothing is installed into the stand-in.
    stamp = hashlib.sha256((ROOT / "requirements" / "dev.txt").read_bytes() + (ROOT / "pyproject.toml").read_bytes())
    (venv / ".parvandeh-lock-sha256").write_text(stamp.hexdigest() + "\n")
    return venv


def ci(tmp_path: Path, *args: str, main: int = 0, ahead: int = 0):
    log = tmp_path / "pytest-calls.log"
    env = dict(os.environ, VENV=str(fake_venv(tmp_path)), FAKE_LOG=str(log), FAKE_RC_MAIN=str(main),
               FAKE_RC_AHEAD=str(ahead), PARVANDEH_SKIP_RELEASE="1",
               PARVANDEH_TEST_PG_URL="postgresql+psycopg://nobody@/unused")
    result = subprocess.run(["bash", str(ROOT / ".ci" / "run"), *args], env=env, capture_output=True, text=True,
                            timeout=120, stdin=subprocess.DEVNULL)
    calls = log.read_text().splitlines() if log.exists() else []
    return result, calls


@needs_tools
def test_all_green_runs_the_main_pass_on_two_workers_then_the_date_sensitive_ones(tmp_path):
    result, calls = ci(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(calls) == 3, calls
    assert "-n 2" in calls[0] and "date_sensitive" not in calls[0]
    assert all("-m date_sensitive" in call for call in calls[1:])
    assert "-n 2" not in calls[1] and "-n 2" in calls[2]  # libfaketime's pass in one process
    assert "--ignore=tests/ui" in calls[1] and calls[2].endswith("tests/ui")


@needs_tools
@pytest.mark.parametrize("code", [1, 2, 5])
def test_a_failing_or_empty_main_pass_fails_ci_and_stops_it(tmp_path, code):
    result, calls = ci(tmp_path, main=code)
    assert result.returncode != 0
    assert len(calls) == 1  # nothing after it ran
    if code == 5:
        assert "collected no tests" in result.stdout


@needs_tools
@pytest.mark.parametrize("code", [1, 5])
def test_a_failing_or_empty_clock_ahead_pass_fails_ci(tmp_path, code):
    result, calls = ci(tmp_path, ahead=code)
    assert result.returncode != 0 and len(calls) == 2


@needs_tools
def test_a_chosen_subset_fails_on_exit_code_5_too(tmp_path):
    result, calls = ci(tmp_path, "tests/no_such_dir", main=5)
    assert result.returncode != 0 and len(calls) == 1 and calls[0].endswith("tests/no_such_dir")


def test_the_date_sensitive_list_keeps_every_area_the_issue_names():
    names = " ".join(AREAS)
    for area in ("signing", "reviews due", "follow-ups", "backups", "drafts"):
        assert area in names, area
    for area, modules in AREAS.items():
        assert modules, area
    for module in MODULES:
        assert (ROOT / module).is_file(), module

