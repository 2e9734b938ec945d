"""Does the day's automatic backup make the window stutter? The GUI thread's longest stall while it runs.

    QT_QPA_PLATFORM=offscreen python -m benchmarks.backup_stall DATA_DIR

A fresh process, offscreen: a window that repaints a label on a 10 ms timer (the GUI thread's
work), and the start backup taken exactly as the main window takes it
(app.ui.machinery.main.Program._start_backup: backup_ui.take_start_backup in a runner Job, which
since issue 17 hands the work to a child process). Every timer tick records the time since the
previous one; the stall is the longest gap less the 10 ms period. The same window is measured for
as long again (at most 180 s) with no backup running, as the floor of this (shared) machine: the
same length, so the longest gaps of the two are comparable. `worst` lists the five longest stalls
with the second (since the backup started) they happened at. Run from a checkout of the code
before issue 17's round 2, the backup is started as that code's main window did (a thread).

DATA_DIR is not touched: its database is hard-linked into a scratch folder beside it (so DATA_DIR's
parent must be writable: copy a shared folder first) whose backups/ takes the new file, deleted at
the end. For a before/after, run the same command from a checkout of the older code. Prints one
JSON line: the backup's wall time, CPU seconds of this process (all threads) and of its children.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

PERIOD_MS = 10


def _gaps(app, label, seconds: float | None, until=None, at: list[float] | None = None) -> list[float]:
    """Tick every PERIOD_MS until `seconds` pass or `until()` is true; the gaps between ticks (ms).
    `at` receives each tick's time in seconds since the start."""
    from PySide6.QtCore import QTimer
    gaps: list[float] = []
    last = [time.perf_counter()]
    start = last[0]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000)
        if at is not None:
            at.append(now - start)
        last[0] = now
        label.setText(f"{len(gaps)}")
        label.repaint()
        if (seconds is not None and now - start >= seconds) or (until is not None and until()):
            app.quit()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(PERIOD_MS)
    app.exec()
    timer.stop()
    return gaps


def _summary(gaps: list[float], at: list[float] | None = None) -> dict:
    ordered = sorted(gaps)
    worst = {}
    if at is not None:
        top = sorted(range(len(gaps)), key=gaps.__getitem__, reverse=True)[:5]
        worst = {"worst": [[round(gaps[i] - PERIOD_MS, 1), round(at[i], 1)] for i in top]}
    return {**worst, "ticks": len(gaps), "longest_stall_ms": round(max(ordered) - PERIOD_MS, 1),
            "p99_gap_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 1),
            "median_gap_ms": round(statistics.median(ordered), 1),
            "stalls_over_50ms": sum(1 for g in gaps if g - PERIOD_MS > 50)}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # reaped children: the backup's, once joined
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication, QLabel

    from app.storage import backup
    from app.ui.machinery.runner import BackgroundCall
    try:
        from app.ui.machinery.backup_ui import take_start_backup
    except ImportError:  # the code before: the main window ran the backup in a thread of its own
        from app.ui.machinery.backup_ui import take_auto_backup
        take_start_backup = None

    scratch = Path(tempfile.mkdtemp(prefix="parvandeh-stall-", dir=args.data_dir.parent))
    try:
        os.link(args.data_dir / backup.DB_FILENAME, scratch / backup.DB_FILENAME)
        (scratch / "attachments").mkdir()
        app = QApplication.instance() or QApplication([])
        label = QLabel("۰")
        label.resize(300, 100)
        label.show()
        app.processEvents()
        load_before = os.getloadavg()
        started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
        now = dt.datetime.now(dt.timezone.utc)
        if take_start_backup is not None:
            call = BackgroundCall(take_start_backup, scratch, now, reports=True)
        else:
            call = BackgroundCall(take_auto_backup, scratch, "start", now)
        call.start()
        at: list[float] = []
        during = _gaps(app, label, None, until=lambda: not call.is_running(), at=at)
        call.wait()
        backup_s = time.perf_counter() - started
        cpu, children = time.process_time() - cpu, _children_cpu() - children
        if call.error is not None:
            raise call.error
        idle = _gaps(app, label, min(backup_s, 180.0))
        print(json.dumps({"backup_s": round(backup_s, 1), "cpu_gui_process_s": round(cpu, 1),
                          "cpu_children_s": round(children, 1), "new_code": take_start_backup is not None, "during_backup": _summary(during, at),
                          "no_backup": _summary(idle),
                          "load": [round(x, 2) for x in load_before + os.getloadavg()[:1]]}))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
