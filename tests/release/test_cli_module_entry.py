"""`python -m app` and `python -m app.cli` both stay entry points of the command line (issue 16's move
turned app/cli.py into a package; scripts outside the repo call either)."""
import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["app", "app.cli"])
def test_module_runs_the_command_line(module):
    done = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "demo" in done.stdout and "report" in done.stdout
