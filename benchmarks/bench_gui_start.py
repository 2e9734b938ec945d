"""Cold start of the desktop program, as a person sees it, before and after a change (issue 17).

    python -m benchmarks.bench_gui_start --data-dir /tmp/big [--runs 3] [--before SRC_DIR] [--queries]

Each run is a fresh process, `python -m benchmarks.gui_probe start DATA_DIR PASSWORD` (offscreen),
timed from this process (the interpreter's start included), with bytecode compiled as an installed
program has it (run `python -m compileall -q app` first; this machine sets PYTHONDONTWRITEBYTECODE).
The probe signs in as soon as the database is open and reports:

  signin      start → the sign-in window shown
  db_ready    start → the database open in the background (sign-in possible)
  main        sign-in pressed → the main window shown        (target: ≤ 1 s at 150,000 files)
  main_idle   sign-in pressed → the event loop turned once after it
  dashboard   main window shown → every dashboard section arrived (its queries run in the background)
  stall       the GUI thread's longest stall meanwhile (a 5 ms timer's longest gap)

--before SRC_DIR runs the same probe with another copy of the source (e.g. `git archive main | tar -x
-C /tmp/before`, then compileall there); this harness's gui_probe.py is copied into it, so only the
program differs. Runs alternate (after, before, bare floor, after, ...). The floor is a bare PySide6
dialog in a fresh process (`gui_probe bare`). --queries also times each dashboard query in this
process. Opening a folder writes to it (WAL files, the day's backup): use a copy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "parvandeh-demo"


def probe(source: Path, mode: str, data_dir: Path | None, timeout: float = 600) -> dict[str, float]:
    """{event: ms since this process started the child}."""
    command = [sys.executable, "-m", "benchmarks.gui_probe", mode] + ([str(data_dir), PASSWORD] if data_dir else [])
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONPATH", None)
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=source, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    events: dict[str, float] = {}
    extra: dict[str, float] = {}
    for line in proc.stdout:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        events[event["event"]] = (time.perf_counter() - start) * 1000
        if "stall_ms" in event:
            extra["stall"] = event["stall_ms"]
        if event["event"] == "error":
            print(json.dumps({"error": str(source), **event}, ensure_ascii=False), flush=True)
    stderr = proc.stderr.read()
    proc.wait(timeout)
    if mode == "start" and "main" not in events:
        raise RuntimeError(f"{source}: the main window did not show (exit {proc.returncode}): {stderr[-1500:]}")
    return {**events, **extra}


def probe_start(source: Path, data_dir: Path) -> dict[str, float]:
    """One start; a run that failed (this shared machine kills or starves a process now and then)
    is said and tried once more."""
    try:
        return figures(probe(source, "start", data_dir))
    except RuntimeError as exc:
        print(json.dumps({"failed_run": str(exc)}, ensure_ascii=False), flush=True)
        return figures(probe(source, "start", data_dir))


def figures(events: dict[str, float]) -> dict[str, float]:
    out = {"signin": events["signin"], "db_ready": events["db_ready"],
           "main": events["main"] - events["submit"], "main_idle": events["main_idle"] - events["submit"]}
    if "dashboard" in events:
        out["dashboard"] = events["dashboard"] - events["main"]
        out["stall"] = events.get("stall", 0.0)
    return out


def measure_dashboard(data_dir: Path, user: str, password: str) -> dict[str, float]:
    from app.services import worklists as w
    from app.services.accounts import sign_in
    from app.services.context import ServiceContext
    from app.storage.datadir import open_database

    db = open_database(data_dir)
    try:
        from app.services.abuse_watch import unseen_abuse_concerns
        from app.services.payments import overdue_cheques
        from app.services.signed_months import months_needing_correction

        ctx = ServiceContext(db, sign_in(db, user, password))
        # Every section app.ui.pages.dashboard.Dashboard.sections loads for a manager.
        sections = [getattr(w, name) for name in ("dashboard_counts", "abuse_concerns")] + [unseen_abuse_concerns] + [
            getattr(w, name) for name in ("follow_ups_due", "follow_ups_overdue", "caseloads", "contract_loads",
                                          "open_problems", "reviews_due", "reviews_overdue")] + [
            months_needing_correction, overdue_cheques]
        times = {}
        for fn in sections:
            began = time.perf_counter()
            fn(ctx)
            times[fn.__name__] = time.perf_counter() - began
        return times
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True, type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", type=Path)
    parser.add_argument("--queries", action="store_true")
    parser.add_argument("--user", default="manager")
    parser.add_argument("--password", default=PASSWORD)
    args = parser.parse_args()
    from app.storage.backup import auto_backup
    # The day's first start takes a backup in the background; take it now so every run is an
    # ordinary start (as benchmarks.run does).
    auto_backup(args.data_dir, reason="start", now=dt.datetime.now(dt.timezone.utc))
    sources = {"after": ROOT}
    if args.before:
        shutil.copy(ROOT / "benchmarks" / "gui_probe.py", args.before / "benchmarks" / "gui_probe.py")
        sources["before"] = args.before
    print(json.dumps({"load_before": os.getloadavg()}), flush=True)
    results: dict[str, list[dict]] = {name: [] for name in sources}
    floor = []
    for _ in range(args.runs):
        for name, source in sources.items():
            results[name].append(probe_start(source, args.data_dir))
            print(json.dumps({"run": name, **{k: round(v) for k, v in results[name][-1].items()},
                              "load": round(os.getloadavg()[0], 1)}), flush=True)
        floor.append(probe(ROOT, "bare", None)["signin"])
    for name, runs in results.items():
        keys = {key for r in runs for key in r}
        medians = {key: round(statistics.median(r[key] for r in runs if key in r)) for key in sorted(keys)}
        print(json.dumps({"figures": name, "median_ms": medians, "runs": len(runs)}), flush=True)
    print(json.dumps({"figures": "bare PySide6 dialog (floor)", "median_ms": {"signin": round(statistics.median(floor))}}))
    print(json.dumps({"load_after": os.getloadavg()}), flush=True)
    for leftover in args.data_dir.glob(".parvandeh-backup-*"):
        leftover.unlink()  # a background backup cut short by the probe's exit
    if args.queries:
        for name, seconds in measure_dashboard(args.data_dir, args.user, args.password).items():
            print(json.dumps({"query": name, "ms": round(seconds * 1000)}))


if __name__ == "__main__":
    main()
