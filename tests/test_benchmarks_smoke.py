"""`python -m benchmarks.run --quick` must keep working: it is the one benchmark command.

It runs in a subprocess (it starts the desktop program offscreen in fresh processes of its own)
into a temporary cache folder, and must finish with exit code 0 and every figure written.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_quick_benchmark_run_writes_its_results(tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "benchmarks.run", "--quick", "--cache-dir", str(tmp_path / "cache"),
                           "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    results = json.loads((out / "results.json").read_text())
    assert results["quick"] and results["errors"] == []
    measured = {f["id"] for f in results["figures"]}
    assert {"demo.generate", "db.size", "list.first_page", "search.p95", "case.open", "visit.save",
            "gui.signin", "gui.main", "gui.rss", "report.200.signed", "backup.create", "backup.restore",
            "screen.first_page", "screen.keystroke.names", "screen.keystroke.numbers", "screen.open_case",
            "screen.save_visit"} <= measured
    for figure in results["figures"]:
        assert figure["n"] >= 1 and figure["median"] is not None, figure
    search = next(f for f in results["figures"] if f["id"] == "search.p95")
    assert search["floor"]["median"] > 0 and search["ratio"] > 0
    assert "## Targets" in (out / "RESULTS.md").read_text()
    # The data folder was built once into the cache and is found there again by the next run.
    assert len(list((tmp_path / "cache").glob("demo-*/benchmark-build.json"))) == 1
