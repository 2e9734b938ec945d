"""Read commands as whole processes, against their floors (issue 17).

    python -m benchmarks.bench_cli DATA_DIR [--runs 9] [--before SRC_DIR] [--no-search]

DATA_DIR is a `parvandeh demo` folder (password parvandeh-demo; its sign-in entries are added to
its audit trail). Each figure is a fresh process, timed from outside: wall time and the CPU time
of the child (user + sys). The commands and floors are run round-robin, so a change in the
machine's load falls on all of them alike; `uptime`'s load is printed before and after.

Floors:
  python -c pass            the interpreter alone;
  bare sqlite3 list         a python process that opens the database with sqlite3 and prints the
                            same first page of the case list (the program's own statement);
  argon2 verify             a python process that verifies the manager's password hash (the
                            sign-in's cost, fixed by issue 11), nothing else.

--before SRC_DIR runs the same commands with another copy of the source first on the path
(e.g. `git archive main | tar -x -C /tmp/before`), for a before/after in the same run.
Prints a JSON line per figure: median, min, max of wall and CPU in ms. Target (issue 17): each
read command's wall median <= 300 ms on an idle machine (load < 1.5); `--search` is given for
information (it goes through the services and SQLAlchemy).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

PASSWORD = "parvandeh-demo"

_BARE_LIST = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL")
rows = conn.execute(
    "SELECT case_file.id, case_file.behzisti_file_number, case_file.clinic_file_number, case_file.first_name, "
    "case_file.last_name, case_file.father_name, case_file.national_code, case_file.status, worker.first_name, "
    "worker.last_name FROM case_file JOIN (SELECT case_file.id AS id FROM case_file ORDER BY case_file.priority DESC, "
    "case_file.last_name_key, case_file.first_name_key, case_file.id LIMIT 1 OFFSET 0) AS anon_1 "
    "ON anon_1.id = case_file.id LEFT OUTER JOIN staff AS worker ON worker.id = case_file.social_worker_id").fetchall()
print(rows)
"""

_ARGON2 = """
import sqlite3, sys
from argon2 import PasswordHasher
stored = sqlite3.connect(sys.argv[1]).execute("SELECT password_hash FROM staff WHERE username = 'manager'").fetchone()[0]
assert PasswordHasher().verify(stored, sys.argv[2])
"""


def _time(argv: list[str], stdin: str, env: dict) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # cwd outside any checkout: `python -m app` puts the cwd first on sys.path, before PYTHONPATH.
    done = subprocess.run(argv, input=stdin, capture_output=True, text=True, env=env, cwd="/")
    wall = (time.perf_counter() - start) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{argv} failed: {done.stderr}")
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--before", type=Path)
    parser.add_argument("--no-search", action="store_true", help="leave out `cases list --search`")
    args = parser.parse_args()
    py, db = sys.executable, str(args.data_dir / "parvandeh.sqlite3")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("PYTHONPATH", None)
    cli = [py, "-m", "app", "--data-dir", str(args.data_dir)]
    signed = f"{PASSWORD}\n"
    figures: dict[str, tuple[list[str], str, dict]] = {
        "python -c pass": ([py, "-c", "pass"], "", env),
        "bare sqlite3 list (floor)": ([py, "-c", _BARE_LIST, db], "", env),
        "argon2 verify alone (sign-in floor)": ([py, "-c", _ARGON2, db, PASSWORD], "", env),
        "cases list --limit 1": (cli + ["--user", "manager", "cases", "list", "--limit", "1"], signed, env),
        "contracts list": (cli + ["--user", "manager", "contracts", "list"], signed, env),
        "check": (cli + ["check"], "", env),
        # on the quick path too since the fifth wave (before it, through the services: ~0.7 s)
        "cases list --search --limit 1": (cli + ["--user", "manager", "cases", "list", "--search", "رضا", "--limit", "1"],
                                          signed, env),
    }
    if args.no_search:
        del figures["cases list --search --limit 1"]
    if args.before:
        old = {**env, "PYTHONPATH": str(args.before)}
        for name in [n for n in ("cases list --limit 1", "contracts list", "check", "cases list --search --limit 1")
                     if n in figures]:
            argv, stdin, _ = figures[name]
            figures[f"{name} (before)"] = (argv, stdin, old)
    print(json.dumps({"load_before": os.getloadavg()}), flush=True)
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in figures}
    for _ in range(args.runs):
        for name, (argv, stdin, run_env) in figures.items():
            results[name].append(_time(argv, stdin, run_env))
    for name, runs in results.items():
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        print(json.dumps({"figure": name, "wall_median": round(statistics.median(walls)),
                          "wall_min": round(min(walls)), "wall_max": round(max(walls)),
                          "cpu_median": round(statistics.median(cpus)), "runs": len(runs)}, ensure_ascii=False))
    print(json.dumps({"load_after": os.getloadavg()}), flush=True)


if __name__ == "__main__":
    main()
