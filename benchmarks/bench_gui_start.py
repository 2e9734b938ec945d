"""How long the desktop program takes to show its first window, and how long the dashboard's
queries take, on a data folder (say the 150,000-file one).

    python -m benchmarks.bench_gui_start --data-dir /tmp/big [--runs 3] [--user manager --password ...]

Start: a fresh Python process runs app.ui.machinery.main.Program as `parvandeh` does (offscreen), and
reports when the sign-in window is shown and when it can sign in (database opened in the
background). Times are from the process's own start (the interpreter's start-up included,
measured from the parent). The day's automatic backup is not taken here: it runs in the
background in real use and would only slow the measurement of other runs down.

Dashboard: each worklists call, timed in this process, as the dashboard makes them.
Opening a folder writes to it (WAL files); use a copy of a folder you care about.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

CHILD = r"""
import json, os, sys, time
start = float(sys.argv[2])
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from pathlib import Path
from app.ui.machinery.application import create_application
from app.ui.machinery import main as gui_main
marks = {}
app = create_application([])
app.setQuitOnLastWindowClosed(False)
program = gui_main.Program(app, Path(sys.argv[1]))
program._start_backup = lambda: None
real_show = program.show_sign_in
def show_sign_in(*args, **kwargs):
    dialog = real_show(*args, **kwargs)
    app.processEvents()
    marks.setdefault("sign_in_shown", time.time() - start)
    return dialog
program.show_sign_in = show_sign_in
real_opened = program._opened
def opened(result):
    real_opened(result)
    marks["ready_to_sign_in"] = time.time() - start
    print(json.dumps(marks), flush=True)
    os._exit(0)
program.start()
program.opener.done.disconnect()
program.opener.done.connect(opened)
app.exec()
"""


def measure_start(data_dir: Path) -> dict[str, float]:
    started = time.time()
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")  # xcb under xvfb-run measures a real X server
    out = subprocess.run([sys.executable, "-c", CHILD, str(data_dir), repr(started)], capture_output=True,
                         text=True, timeout=300, env=env)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(out.stderr)
    return json.loads(lines[-1])


def measure_dashboard(data_dir: Path, user: str, password: str) -> dict[str, float]:
    from app.services import worklists as w
    from app.services.accounts import sign_in
    from app.services.context import ServiceContext
    from app.storage.datadir import open_database

    db = open_database(data_dir)
    try:
        ctx = ServiceContext(db, sign_in(db, user, password))
        times = {}
        for name in ("dashboard_counts", "abuse_concerns", "follow_ups_due", "follow_ups_overdue", "caseloads",
                     "contract_loads", "open_problems", "reviews_due", "reviews_overdue"):
            began = time.perf_counter()
            getattr(w, name)(ctx)
            times[name] = time.perf_counter() - began
        return times
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True, type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--user", default="manager")
    parser.add_argument("--password", default="parvandeh-demo")
    args = parser.parse_args()
    runs = [measure_start(args.data_dir) for _ in range(args.runs)]
    for key in ("sign_in_shown", "ready_to_sign_in"):
        values = [run[key] for run in runs]
        print(f"{key:20s} median {statistics.median(values):6.2f} s   runs {', '.join(f'{v:.2f}' for v in values)}")
    total = 0.0
    for name, seconds in measure_dashboard(args.data_dir, args.user, args.password).items():
        total += seconds
        print(f"{name:20s} {seconds * 1000:8.0f} ms")
    print(f"{'dashboard total':20s} {total * 1000:8.0f} ms (in the background, shown as each arrives)")


if __name__ == "__main__":
    main()
