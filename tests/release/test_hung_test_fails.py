"""A test that hangs (a modal box nobody answers, a lock never released) must fail with its stack
after a limit, not hold CI until its 90 minutes run out."""
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_suite_has_a_per_test_limit():
    options = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["pytest"]["ini_options"]
    assert 60 <= int(options["timeout"]) <= 1200


def test_a_hanging_test_fails_with_its_stack(tmp_path):
    (tmp_path / "test_hang.py").write_text(textwrap.dedent("""
        import threading
        def test_waits_for_ever():
            threading.Event().wait()
    """), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "timeout=3",
                           str(tmp_path / "test_hang.py")], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 1, done.stdout[-2000:]
    assert "Timeout" in done.stdout and "test_waits_for_ever" in done.stdout
