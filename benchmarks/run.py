"""Parvandeh at province scale: one command for every figure, each beside its floor.

    .venv/bin/python -m benchmarks.run [--sizes 2000,150000] [--quick] [--runs N] [--cache-dir DIR] [--out DIR]

Demo data folders are built once with `parvandeh demo` into benchmarks/cache/ and reused while
their size, seed, services per month and generator (the demo code, its word lists, the schema
migrations and the name index) are unchanged. Every measurement runs on a throw-away copy.

Figures (each the median of several runs, with min and max):
  - `parvandeh demo` time per size (recorded when the folder is built);
  - cold start of the desktop program (app.ui.machinery.main.run_gui, offscreen, a fresh process each time)
    to the sign-in window, to the database being ready, and to the main window after sign-in;
  - case list: count + first page, and a page from the middle of the list;
  - search: count + first page (what the case list asks per search) over realistic queries, p50/p95;
  - opening a case file (services.cases.open_case), saving a visit note (services.visits.add_service);
  - the same through the real widgets (benchmarks/bench_case_screens.py, offscreen): the case
    list page's first rows, a search keystroke until its rows are painted, the case window
    opened, a visit note saved from its form;
  - monthly report for 200 and 2,000 clients, unsigned and signed;
  - backup and restore of the largest database; database size; peak memory of the GUI with the
    largest folder's case list open and scrolled.
Floors: search and list pages as the exact statements the program sends, captured and replayed
by bare sqlite3 (benchmarks/exact_sql.py); the report as the same shaped, wrapped Persian text on
the same pages drawn by bare reportlab; the cold start as a bare PySide6 dialog; backup as a plain
copy of the file and as `sqlite3 .backup` (SQLite's online backup) of it.

--quick: one folder of a few hundred files, one run of everything, no large folder (CI smoke).
Results: RESULTS.md and results.json in --out (default: benchmarks/, or the cache's quick/ folder).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
DB_FILENAME = "parvandeh.sqlite3"
PASSWORD = "parvandeh-demo"
SEED = 3
TODAY = dt.date(2026, 11, 23)  # the demo data is generated around this day (1405/09/02)
QUICK_SIZE = 300
REPORT_SIZES = (200, 2000)
KEEP_MARK = "<!-- Everything below this line is written by hand and kept by benchmarks.run. -->"

TARGETS = {  # figure id -> (limit, unit, words)
    "search.p95": (20, "ms", "search p95 ≤ 20 ms"),
    "search.ratio": (1.2, "x", "search p95 within 1.2x of the exact SQL it sends"),
    "list.first_page": (200, "ms", "list first page < 200 ms"),
    "gui.signin": (2000, "ms", "start to sign-in < 2 s"),
    "screen.first_page": (200, "ms", "case list page shown with its first rows < 200 ms"),
    "screen.keystroke.names": (100, "ms", "search keystroke to rows on screen < 100 ms (names)"),
    "screen.keystroke.numbers": (100, "ms", "search keystroke to rows on screen < 100 ms (codes, file numbers)"),
    "screen.open_case": (200, "ms", "case file window open < 200 ms"),
    "screen.save_visit": (100, "ms", "visit note saved < 100 ms"),
    "report.200.signed": (3000, "ms", "report for 200 clients < 3 s with signing"),
    "report.2000.signed": (20000, "ms", "report for 2,000 clients < 20 s with signing"),
    "gui.rss": (300, "MB", "GUI peak RSS < 300 MB with the largest folder"),
    "demo.generate": (600_000, "ms", "`parvandeh demo` in minutes, not hours (< 10 min)"),
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- figures -------------------------------------------------------------------------------------------

@dataclass
class Figure:
    id: str
    label: str
    size: Optional[int]
    unit: str
    values: list[float]
    floor: Optional[list[float]] = None
    floor_label: str = ""
    extra: dict = field(default_factory=dict)

    def summary(self) -> dict:
        out = {"id": self.id, "label": self.label, "size": self.size, "unit": self.unit,
               **_stats(self.values), "values": [round(v, 3) for v in self.values], **self.extra}
        if self.floor:
            out["floor"] = {"label": self.floor_label, **_stats(self.floor)}
            out["ratio"] = round(out["median"] / out["floor"]["median"], 2) if out["floor"]["median"] else None
        return out


def _stats(values: list[float]) -> dict:
    if not values:
        return {"median": None, "min": None, "max": None, "n": 0}
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3),
            "max": round(max(values), 3), "n": len(values)}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Timer:
    def __init__(self):
        self.wall = self.cpu = 0.0

    def __enter__(self):
        self._w, self._c = time.perf_counter(), time.thread_time()
        return self

    def __exit__(self, *exc):
        self.wall = (time.perf_counter() - self._w) * 1000
        self.cpu = (time.thread_time() - self._c) * 1000


def timed(fn: Callable[[], Any]) -> float:
    with Timer() as t:
        fn()
    return t.wall


# -- the machine ---------------------------------------------------------------------------------------

def machine() -> dict:
    def first(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return ""

    info = {"cores": os.cpu_count(), "memory_gb": None, "cpu": first("/proc/cpuinfo", "model name") or platform.processor(),
            "os": platform.platform(), "python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    mem = first("/proc/meminfo", "MemTotal")
    if mem:
        info["memory_gb"] = round(int(mem.split()[0]) / 1024 / 1024, 1)
    from importlib import metadata
    try:
        from PySide6.QtCore import qVersion
        info["qt"] = qVersion()
    except Exception as exc:  # noqa: BLE001 — a missing part is reported, not fatal
        info["qt"] = f"unavailable ({exc})"
    for name, dist in (("pyside6", "PySide6-Essentials"), ("reportlab", "reportlab"), ("sqlalchemy", "SQLAlchemy"),
                       ("pyhanko", "pyHanko")):
        try:
            info[name] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            info[name] = "unavailable"
    try:
        info["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                        text=True, timeout=10).stdout.strip()
    except Exception:  # noqa: BLE001
        info["commit"] = ""
    return info


def load() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


# -- demo data folders ---------------------------------------------------------------------------------

def generator_version() -> str:
    """Changes when anything that shapes a generated folder changes."""
    from app.storage import search
    digest = hashlib.sha256()
    files = [ROOT / "app/services/demo.py", ROOT / "app/services/demo_names.py"]
    files += sorted((ROOT / "app/storage/migrations/versions").glob("*.py"))
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(repr((search.SQLITE_DDL, search.SQLITE_DROP)).encode())  # the name index as built
    return digest.hexdigest()[:10]


def services_per_month(size: int) -> float:
    return 3.0  # ~3 visits per active file a month, as a busy clinic records them


def dataset(cache: Path, size: int, runs: int) -> tuple[Path, dict]:
    """The cached folder for this size (built now if missing) and its build record."""
    spm = services_per_month(size)
    folder = cache / f"demo-{size}-seed{SEED}-spm{spm:g}-gen{generator_version()}"
    record_path = folder / "benchmark-build.json"
    if record_path.is_file():
        record = json.loads(record_path.read_text())
        log(f"reusing {folder.name} (built {record['built_at']}, {record['seconds'][0]:.1f} s)")
    else:
        for stale in cache.glob(f"demo-{size}-seed{SEED}-*"):
            if stale.is_dir():  # an interrupted build, or one by an older generator: never used again
                log(f"removing {stale.name}")
                shutil.rmtree(stale, ignore_errors=True)
        partial = folder.with_name(folder.name + ".building")
        shutil.rmtree(partial, ignore_errors=True)
        log(f"building {folder.name}: parvandeh demo --cases {size} (load {load()})")
        seconds, output = generate(partial, size, spm)
        partial.rename(folder)
        record = {"built_at": dt.datetime.now().isoformat(timespec="seconds"), "seconds": [seconds],
                  "load_at_build": load(), "output": output.strip().splitlines()[:1],
                  "services_per_month": spm, "seed": SEED, "today": TODAY.isoformat()}
        record_path.write_text(json.dumps(record, ensure_ascii=False, indent=1))
        log(f"built in {seconds:.1f} s")
    while len(record["seconds"]) < runs:  # more timings of a small folder: cheap to build again
        target = cache / f"scratch-demo-{size}"
        shutil.rmtree(target, ignore_errors=True)
        seconds, _ = generate(target, size, spm)
        shutil.rmtree(target, ignore_errors=True)
        record["seconds"].append(seconds)
        record_path.write_text(json.dumps(record, ensure_ascii=False, indent=1))
    with sqlite3.connect(f"file:{folder / DB_FILENAME}?mode=ro", uri=True) as conn:
        record["cases"] = conn.execute("SELECT count(*) FROM case_file").fetchone()[0]
        record["services"] = conn.execute("SELECT count(*) FROM service").fetchone()[0]
    record["db_bytes"] = (folder / DB_FILENAME).stat().st_size
    return folder, record


def generate(folder: Path, size: int, spm: float) -> tuple[float, str]:
    command = [sys.executable, "-m", "app.cli", "demo", "--data-dir", str(folder), "--cases", str(size),
               "--seed", str(SEED), "--today", TODAY.isoformat(), "--services-per-month", str(spm), "--quiet"]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"parvandeh demo failed: {done.stderr.strip()[-2000:]}")
    return seconds, done.stdout


BACKUP_PASSWORD = "bench-backup-password"


def _online_backup(db_path: Path, target: Path) -> None:
    with sqlite3.connect(db_path) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def work_copy(folder: Path, work: Path) -> Path:
    shutil.rmtree(work, ignore_errors=True)
    (work / "attachments").mkdir(parents=True)
    (work / "backups").mkdir()
    with sqlite3.connect(f"file:{folder / DB_FILENAME}?mode=ro", uri=True) as src, \
            sqlite3.connect(work / DB_FILENAME) as dst:
        src.backup(dst)
    return work


# -- the benchmarks -------------------------------------------------------------------------------------

class Bench:
    def __init__(self, args):
        self.args = args
        self.runs = args.runs
        self.figures: list[Figure] = []
        self.errors: list[dict] = []
        self.notes: list[str] = []

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        s = figure.summary()
        floor = f"  floor {s['floor']['median']:.1f}  ratio {s.get('ratio')}" if figure.floor else ""
        log(f"{figure.id} [{figure.size}]: median {s['median']:.1f} {figure.unit} "
            f"(min {s['min']:.1f}, max {s['max']:.1f}, n {s['n']}){floor}")

    def attempt(self, name: str, fn: Callable[[], None]) -> None:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 — one failed measurement must not hide the others
            log(f"FAILED {name}: {exc}")
            self.errors.append({"benchmark": name, "error": f"{type(exc).__name__}: {exc}",
                                "trace": traceback.format_exc()[-3000:]})

    # -- services on one folder --------------------------------------------------------------------
    def services(self, work: Path, size: int) -> None:
        from app.services.accounts import sign_in
        from app.services.context import ServiceContext
        from app.storage.datadir import open_database

        db = open_database(work)
        try:
            actor = sign_in(db, "manager", PASSWORD)
            ctx = ServiceContext(db, actor, data_dir=work)
            conn = sqlite3.connect(work / DB_FILENAME)
            self.attempt(f"list {size}", lambda: self.case_list(ctx, conn, size))
            self.attempt(f"search {size}", lambda: self.search(ctx, conn, size))
            self.attempt(f"open case {size}", lambda: self.open_case(ctx, conn, size))
            self.attempt(f"visit note {size}", lambda: self.visit_note(ctx, conn, size))
            conn.close()
        finally:
            db.dispose()

    def case_list(self, ctx, conn, size: int) -> None:
        from app.services.caselist import CaseQuery, count_cases, list_cases
        from benchmarks.bench_search import PAGE, capture_searches, interleaved, replay
        from benchmarks.exact_sql import bare_sqlite

        q = CaseQuery()
        bare = bare_sqlite(Path(conn.execute("PRAGMA database_list").fetchone()[2]))
        first = lambda _=None: count_cases(ctx, q) and list_cases(ctx, q, 0, PAGE)  # noqa: E731
        n = max(5, self.runs * 4)
        [cap] = capture_searches(ctx.db, ctx, [""], first)
        wall, floor = interleaved([first] * n, [lambda: replay(bare, cap)] * n)
        self.add(Figure("list.first_page", f"case list: count + first {PAGE} rows", size, "ms",
                        wall, floor, "the same SQL, bare sqlite3"))
        middle = count_cases(ctx, q) // 2
        page = lambda _=None: list_cases(ctx, q, middle, PAGE)  # noqa: E731
        [cap] = capture_searches(ctx.db, ctx, [""], page)
        wall, floor = interleaved([page] * n, [lambda: replay(bare, cap)] * n)
        self.add(Figure("list.middle_page", f"case list: {PAGE} rows from the middle (offset {middle})", size, "ms",
                        wall, floor, "the same SQL, bare sqlite3"))
        bare.close()

    def search(self, ctx, conn, size: int) -> None:
        from benchmarks.bench_search import app_search, capture_searches, interleaved, realistic_queries, replay
        from benchmarks.exact_sql import bare_sqlite

        queries = realistic_queries(conn, self.args.queries, random.Random(1))
        bare = bare_sqlite(Path(conn.execute("PRAGMA database_list").fetchone()[2]))
        # The floor is the program's own statements replayed by bare sqlite3 (benchmarks/exact_sql.py).
        captures = capture_searches(ctx.db, ctx, queries)
        for c in captures[:10]:
            replay(bare, c)
        p50, p95, cpu95, f50, f95, over, worst = [], [], [], [], [], [], []
        for _ in range(self.runs):
            wall, cpu, floor = [], [], []
            for i, (q, c) in enumerate(zip(queries, captures)):  # interleaved: a burst of load falls on both
                if i % 2:  # and alternating which goes first: neither always finds the other's pages read
                    floor.append(timed(lambda c=c: replay(bare, c)))
                with Timer() as t:
                    app_search(ctx, q)
                wall.append(t.wall)
                cpu.append(t.cpu)
                if not i % 2:
                    floor.append(timed(lambda c=c: replay(bare, c)))
            p50.append(statistics.median(wall))
            p95.append(pct(wall, 95))
            cpu95.append(pct(cpu, 95))
            f50.append(statistics.median(floor))
            f95.append(pct(floor, 95))
            over.append(statistics.mean(wall) - statistics.mean(floor))
            worst = sorted(zip(wall, queries), reverse=True)[:5]
        bare.close()
        extra = {"queries": len(queries), "statements_a_search": round(statistics.mean(c.statements for c in captures), 2),
                 "slowest_last_run": [[round(w, 1), q] for w, q in worst]}
        self.add(Figure("search.p50", f"search p50 over {len(queries)} queries (count + first page)", size, "ms",
                        p50, f50, "exact SQL p50, bare sqlite3", extra))
        self.add(Figure("search.p95", f"search p95 over {len(queries)} queries (count + first page)", size, "ms",
                        p95, f95, "exact SQL p95, bare sqlite3", extra))
        self.add(Figure("search.overhead", "search: the program's own time a search (mean program − mean exact SQL)",
                        size, "ms", over))
        self.add(Figure("search.cpu_p95", "search p95, CPU time of the thread (what an idle machine would see)",
                        size, "ms", cpu95))

    def open_case(self, ctx, conn, size: int) -> None:
        from app.services.cases import open_case
        ids = [r[0] for r in conn.execute("SELECT id FROM case_file ORDER BY random() LIMIT ?",
                                          (max(5, self.runs * 6),))]
        open_case(ctx, ids[0])
        self.add(Figure("case.open", "open a case file (services.cases.open_case)", size, "ms",
                        [timed(lambda i=i: open_case(ctx, i)) for i in ids]))

    def visit_note(self, ctx, conn, size: int) -> None:
        from app.services.visits import ServiceInput, add_service
        ids = [r[0] for r in conn.execute("SELECT id FROM case_file WHERE status = 'active' ORDER BY random() "
                                          "LIMIT ?", (max(5, self.runs * 6),))]

        def save(case_id: int) -> None:
            add_service(ctx, case_id, ServiceInput(
                kind="counselling", mode="at_clinic", minutes=45, date=ctx.today(),
                note="جلسه مشاوره فردی برگزار شد و برنامه ماه آینده با خانواده مرور شد."))
        self.add(Figure("visit.save", "save a visit note (services.visits.add_service)", size, "ms",
                        [timed(lambda i=i: save(i)) for i in ids]))

    # -- monthly reports ----------------------------------------------------------------------------
    def reports(self, work: Path, size: int, client_counts: list[int]) -> None:
        from app.persian import month_bounds, to_jalali
        from app.services.accounts import sign_in
        from app.services.context import ServiceContext
        from app.services.contracts import ContractInput, create_contract
        from app.services.reports import monthly_data
        from app.storage.datadir import open_database

        year, month, _ = to_jalali(TODAY)
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        start, end = month_bounds(year, month)
        db = open_database(work)
        try:
            ctx = ServiceContext(db, sign_in(db, "manager", PASSWORD), data_dir=work)
            conn = sqlite3.connect(work / DB_FILENAME)
            # Files held all month long, moved into contracts of exactly 200 and 2,000 of them.
            eligible = [r[0] for r in conn.execute(
                "SELECT id FROM case_file WHERE status = 'active' AND received_on <= ? ORDER BY id",
                (start.isoformat(),))]
            random.Random(7).shuffle(eligible)
            for n in client_counts:
                if len(eligible) < n:
                    self.notes.append(f"report for {n} clients skipped on the {size}-file folder: "
                                      f"only {len(eligible)} files held all month")
                    continue
                chosen, eligible = eligible[:n], eligible[n:]
                contract = create_contract(ctx, ContractInput(
                    office_name=f"اداره بهزیستی (سنجش {n})", number=f"BENCH-{n}", start_date=start.replace(day=1),
                    end_date=end + dt.timedelta(days=200), fee_per_case_month_rials=1_200_000, capacity=n))
                conn.executemany("UPDATE case_file SET contract_id = ? WHERE id = ?", [(contract.id, i) for i in chosen])
                conn.commit()
                data = monthly_data(ctx, contract.id, year, month)
                assert len(data.clients) == n, (len(data.clients), n)
                self.attempt(f"report {n}", lambda c=contract.id, n=n, d=data: self.one_report(ctx, c, year, month, n, d, size))
            conn.close()
        finally:
            db.dispose()

    def one_report(self, ctx, contract_id: int, year: int, month: int, n: int, data, size: int) -> None:
        from app.services.reports import generate_monthly
        from benchmarks.report_floor import floor_rows, pdf_pages, render_floor

        runs = max(1, self.runs if n <= 500 else min(self.runs, 3))
        first = generate_monthly(ctx, contract_id, year, month)  # warm: fonts registered, code loaded
        pages = pdf_pages(first.pdf)
        rows = floor_rows(data)
        floor_pages = pdf_pages(render_floor(rows))
        unsigned, floor = [], []
        for _ in range(runs):  # interleaved with its floor: a burst of load falls on both
            unsigned.append(timed(lambda: generate_monthly(ctx, contract_id, year, month)))
            floor.append(timed(lambda: render_floor(rows)))
        signed, last = [], None
        for _ in range(runs):
            with Timer() as t:
                last = generate_monthly(ctx, contract_id, year, month, sign_password=PASSWORD)
            signed.append(t.wall)
        extra = {"clients": n, "pages": pages, "floor_pages": floor_pages, "table_rows": len(rows), "pdf_bytes": len(last.pdf),
                 "services_in_month": sum(len(c.services) for c in data.clients)}
        self.add(Figure(f"report.{n}.unsigned", f"monthly report, {n} clients, unsigned", size, "ms",
                        unsigned, floor, "bare reportlab, same rows shaped and wrapped", extra))
        self.add(Figure(f"report.{n}.signed", f"monthly report, {n} clients, signed", size, "ms",
                        signed, floor, "bare reportlab, same rows shaped and wrapped (no signature)", extra))

    # -- backup and restore ---------------------------------------------------------------------------
    def backup(self, work: Path, size: int) -> None:
        from app.storage.backup import create_backup, restore_backup
        from app.storage.migrate import known_revisions

        db_path, attachments = work / DB_FILENAME, work / "attachments"
        out_dir = work.parent / (work.name + "-backups")
        shutil.rmtree(out_dir, ignore_errors=True)
        out_dir.mkdir()
        runs = max(1, min(self.runs, 3))
        made, restored, copies, online, info = [], [], [], [], None
        for n in range(runs):
            # SQLite's own online backup of the same file (what `sqlite3 DB .backup FILE` does),
            # run just before each backup so the two share the machine's load (issue 17's floor).
            floor_copy = out_dir / "online-copy.sqlite3"
            online.append(timed(lambda: _online_backup(db_path, floor_copy)))
            floor_copy.unlink()
            target = out_dir / f"bench-{n}.pvbak"
            with Timer() as t:
                # Encrypted, as the manager's copy to a chosen folder is by default (issue 11).
                info = create_backup(db_path, attachments, target, password=BACKUP_PASSWORD)
            made.append(t.wall)
            copy = out_dir / "plain-copy.sqlite3"
            copies.append(timed(lambda: shutil.copyfile(db_path, copy)))
            copy.unlink()
            keep = out_dir / "keep"
            with Timer() as t:
                restore_backup(target, db_path, attachments, known_revisions=known_revisions(), keep_dir=keep,
                               password=BACKUP_PASSWORD)
            restored.append(t.wall)
            size_bytes = target.stat().st_size
            shutil.rmtree(keep, ignore_errors=True)
            target.unlink()
        extra = {"db_bytes": db_path.stat().st_size, "backup_bytes": size_bytes,
                 "schema": info.schema_revision if info else None, "encrypted": True,
                 "plain_copy_ms": round(statistics.median(copies), 1)}
        self.add(Figure("backup.create", "backup, encrypted (create_backup: online copy, quick_check, zip, read-back)",
                        size, "ms", made, online, "SQLite's online backup of the file (sqlite3 .backup)", extra))
        self.add(Figure("backup.restore", "restore (restore_backup, keeping the current data first)", size, "ms",
                        restored, copies, "plain copy of the file", extra))
        shutil.rmtree(out_dir, ignore_errors=True)

    # -- the desktop program ------------------------------------------------------------------------------
    def gui(self, work: Path, size: int, rss: bool) -> None:
        from app.storage.backup import auto_backup
        # The day's first start takes a backup in the background; take it now so every run is an
        # ordinary start (the first start of a day also does this work meanwhile).
        auto_backup(work, reason="start", now=dt.datetime.now(dt.timezone.utc))
        runs = max(1, self.runs)
        events = [probe("start", work) for _ in range(runs)]
        floor = [probe("bare")["signin"]["wall"] for _ in range(runs)]
        pick = lambda name, key="wall": [e[name][key] for e in events if name in e]  # noqa: E731
        self.add(Figure("gui.signin", "cold start to the sign-in window shown (fresh process)", size, "ms",
                        pick("signin"), floor, "bare PySide6 dialog, fresh process"))
        self.add(Figure("gui.db_ready", "cold start to the database open (sign-in enabled)", size, "ms",
                        pick("db_ready")))
        after = [e["main"]["wall"] - e["submit"]["wall"] for e in events if "main" in e and "submit" in e]
        self.add(Figure("gui.main_after_signin", "sign-in pressed to the main window shown", size, "ms", after))
        self.add(Figure("gui.main", "cold start to the main window, signing in as soon as possible", size, "ms",
                        pick("main")))
        if rss:
            peaks = []
            for _ in range(max(1, min(runs, 3))):
                ev = probe("rss", work, timeout=900)
                peaks.append(ev["rss"]["VmHWM"])
                last = ev
            self.add(Figure("gui.rss", "GUI peak RSS (VmHWM): case list counted, every row scrolled, searched", size, "MB",
                            peaks, extra={"rows_in_list": last["counted"]["rows"],
                                          "at_end": last["rss"], "after_sign_in": last["main_idle"]}))
        for leftover in work.glob(".parvandeh-backup-*"):
            leftover.unlink()  # a background backup cut short by the probe's exit

    def screens(self, work: Path, size: int) -> None:
        """The case screens through the real widgets, in a fresh offscreen process (it writes:
        opening a file is audited and visits are saved, so it runs last on the work copy)."""
        command = [sys.executable, "-m", "benchmarks.bench_case_screens", "--data-dir", str(work),
                   "--password", PASSWORD, "--json"]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900,
                              env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        if done.returncode != 0:
            raise RuntimeError(f"bench_case_screens failed (exit {done.returncode}): {done.stderr[-1500:]}")
        timings = json.loads(done.stdout.strip().splitlines()[-1])
        for fid, key, label in (
                ("screen.first_page", "first_page", "case list page built and its first rows painted (warm)"),
                ("screen.keystroke.names", "keystroke_names", "search keystroke → rows painted: names"),
                ("screen.keystroke.numbers", "keystroke_numbers",
                 "search keystroke → rows painted: national codes, file numbers"),
                ("screen.open_case", "open_case", "case file window opened and painted"),
                ("screen.save_visit", "save_visit", "visit note saved from its form (timeline read again)"),
                ("screen.save_visit_paint", "save_visit_repaint", "   then the case window repainted")):
            self.add(Figure(fid, label, size, "ms", timings[key]))


def probe(mode: str, data_dir: Optional[Path] = None, *, timeout: float = 120) -> dict:
    """Run benchmarks.gui_probe in a fresh process; {event: {"t": child ms, "wall": our ms, ...}}."""
    command = [sys.executable, "-m", "benchmarks.gui_probe", mode]
    if data_dir is not None:
        command += [str(data_dir), PASSWORD]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    killer = threading.Timer(timeout, proc.kill)
    killer.start()
    events: dict[str, dict] = {}
    try:
        for line in proc.stdout:
            wall = (time.perf_counter() - start) * 1000
            try:
                event = json.loads(line)
            except ValueError:
                continue
            events[event["event"]] = {**event, "wall": round(wall, 2)}
        code = proc.wait()
    finally:
        killer.cancel()
    stderr = proc.stderr.read()
    if code != 0 or "error" in events:
        raise RuntimeError(f"gui probe {mode} failed (exit {code}): {events.get('error')} {stderr[-1500:]}")
    return events


# -- results --------------------------------------------------------------------------------------------

def verdicts(figures: list[dict]) -> list[dict]:
    by_id = {(f["id"], f["size"]): f for f in figures}
    largest = max((f["size"] or 0 for f in figures), default=0)
    out = []
    for fid, (limit, unit, words) in TARGETS.items():
        if fid == "search.ratio":
            f = by_id.get(("search.p95", largest))
            value = f and f.get("ratio")
        elif fid == "demo.generate":
            f = by_id.get(("demo.generate", largest))
            value = f and f["median"]
        else:
            f = by_id.get((fid, largest)) or next((x for x in figures if x["id"] == fid), None)
            value = f and f["median"]
        if value is None:
            out.append({"target": words, "value": None, "holds": None, "size": largest})
            continue
        out.append({"target": words, "value": value, "unit": unit, "holds": value <= limit if fid != "search.ratio"
                    else value <= limit, "size": f["size"], "figure": f["id"]})
    return out


def write_results(out: Path, results: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    md = out / "RESULTS.md"
    kept = ""
    if md.is_file() and KEEP_MARK in md.read_text():
        kept = md.read_text().split(KEEP_MARK, 1)[1]
    m = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python -m benchmarks.run{' --quick' if results['quick'] else ''}` on {results['date']} "
        f"(commit {m.get('commit') or '?'}); raw figures in `results.json`.",
        "",
        f"Machine: {m['cores']} cores, {m['memory_gb']} GB, {m['cpu']}; {m['os']}. "
        f"Python {m['python']}, SQLite {m['sqlite']}, Qt {m.get('qt')} (PySide6 {m.get('pyside6')}), "
        f"reportlab {m.get('reportlab')}, SQLAlchemy {m.get('sqlalchemy')}, pyHanko {m.get('pyhanko')}.",
        f"Load average (1, 5, 15 min): {results['load_start']} at the start, {results['load_end']} at the end "
        f"— the machine is shared, so wall times are noisy; each figure is a median with its min and max.",
        "",
        "## Targets",
        "",
        "| target | figure | holds |",
        "| --- | --- | --- |",
    ]
    for v in results["verdicts"]:
        value = "not measured" if v["value"] is None else _amount(v["value"], v.get("unit", ""))
        holds = "—" if v["holds"] is None else ("yes" if v["holds"] else "**no**")
        lines.append(f"| {v['target']} | {value} ({v['size']:,} files) | {holds} |")
    lines += ["", "## Data folders", "",
              "| files | services | database | `parvandeh demo` median (min–max, runs) | built |",
              "| ---: | ---: | ---: | --- | --- |"]
    for size, d in sorted(results["datasets"].items(), key=lambda kv: int(kv[0])):
        s = _stats([x * 1000 for x in d["seconds"]])
        lines.append(f"| {int(size):,} | {d['services']:,} ({d['services_per_month']:g}/file/month) | "
                     f"{d['db_bytes'] / 1e6:,.0f} MB | {s['median'] / 1000:,.1f} s ({s['min'] / 1000:,.1f}–"
                     f"{s['max'] / 1000:,.1f}, {s['n']}) | {d['built_at']}, load {d.get('load_at_build')} |")
    lines += ["", "## Figures", "",
              "| figure | files | median | min | max | n | floor (median) | ratio |",
              "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |"]
    for f in results["figures"]:
        unit = f["unit"]
        fmt = (lambda x: _amount(x, unit)) if x_is_num(f["median"]) else str
        floor = f"{_amount(f['floor']['median'], unit)} ({f['floor']['label']})" if f.get("floor") else ""
        lines.append(f"| {f['label']} | {f['size']:,} | {fmt(f['median'])} | {fmt(f['min'])} | {fmt(f['max'])} | "
                     f"{f['n']} | {floor} | {f.get('ratio') or ''} |")
    extras = [f for f in results["figures"] if f["id"].startswith(("search.p95", "report.", "gui.rss", "backup.create"))]
    if extras:
        lines += ["", "Details:", ""]
        for f in extras:
            detail = {k: v for k, v in f.items() if k not in (
                "id", "label", "size", "unit", "median", "min", "max", "n", "values", "floor", "ratio")}
            lines.append(f"- {f['label']} ({f['size']:,} files): `{json.dumps(detail, ensure_ascii=False)}`")
    if results["notes"] or results["errors"]:
        lines += ["", "## Notes and failures", ""]
        lines += [f"- {n}" for n in results["notes"]]
        lines += [f"- **failed** {e['benchmark']}: {e['error']}" for e in results["errors"]]
    lines += ["", KEEP_MARK]
    md.write_text("\n".join(lines) + (kept if kept else "\n"))


def _amount(value: float, unit: str) -> str:
    if unit == "ms" and value >= 10_000:
        return f"{value / 1000:,.1f} s"
    if unit == "x":
        return f"{value:,.2f}x"
    return f"{value:,.1f} {unit}".strip()


def x_is_num(x) -> bool:
    return isinstance(x, (int, float))


# -- main ---------------------------------------------------------------------------------------------------

def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000,150000", help="data folder sizes in files (default 2000,150000)")
    parser.add_argument("--quick", action="store_true", help=f"smoke run: one folder of {QUICK_SIZE} files, one run each")
    parser.add_argument("--runs", type=int, help="runs per figure (default 5; 1 with --quick)")
    parser.add_argument("--queries", type=int, help="search queries (default 200; 30 with --quick)")
    parser.add_argument("--cache-dir", default=str(HERE / "cache"))
    parser.add_argument("--out", help="where RESULTS.md and results.json go (default benchmarks/; "
                                      "with --quick the cache's quick/ folder)")
    args = parser.parse_args(argv)
    cache = Path(args.cache_dir).resolve()
    cache.mkdir(parents=True, exist_ok=True)
    sizes = [QUICK_SIZE] if args.quick else sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    args.runs = args.runs or (1 if args.quick else 5)
    args.queries = args.queries or (30 if args.quick else 200)
    out = Path(args.out).resolve() if args.out else (cache / "quick" if args.quick else HERE)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))

    started = dt.datetime.now()
    bench = Bench(args)
    results: dict[str, Any] = {"date": started.isoformat(timespec="seconds"), "quick": args.quick,
                               "machine": machine(), "load_start": load(), "runs": args.runs, "datasets": {}}
    log(f"sizes {sizes}, {args.runs} runs, cache {cache}, load {results['load_start']}")
    largest = max(sizes)
    for size in sizes:
        try:
            folder, record = dataset(cache, size, runs=args.runs if size <= 5000 else 1)
        except Exception as exc:  # noqa: BLE001
            bench.errors.append({"benchmark": f"demo {size}", "error": str(exc), "trace": traceback.format_exc()})
            continue
        results["datasets"][str(size)] = record
        bench.add(Figure("demo.generate", f"`parvandeh demo --cases {size}`", size, "ms",
                         [s * 1000 for s in record["seconds"]],
                         extra={"services": record["services"], "db_bytes": record["db_bytes"]}))
        bench.add(Figure("db.size", "database size on disk", size, "MB", [record["db_bytes"] / 1e6]))
        work = work_copy(folder, cache / f"work-{size}")
        try:
            bench.services(work, size)
            if size == largest:
                bench.attempt(f"gui {size}", lambda: bench.gui(work, size, rss=True))
                bench.attempt(f"reports {size}", lambda: bench.reports(work, size, list(REPORT_SIZES)))
                bench.attempt(f"backup {size}", lambda: bench.backup(work, size))
                bench.attempt(f"screens {size}", lambda: bench.screens(work, size))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    results.update(load_end=load(), figures=[f.summary() for f in bench.figures], errors=bench.errors,
                   notes=bench.notes, seconds=round((dt.datetime.now() - started).total_seconds(), 1))
    results["verdicts"] = verdicts(results["figures"])
    write_results(out, results)
    log(f"results in {out} ({results['seconds']} s); {len(bench.errors)} failed")
    return 2 if bench.errors else 0


if __name__ == "__main__":
    sys.exit(main())
