"""Several PCs at once: a soak of 5 client processes saving visit notes and editing case files.

    .venv/bin/python -m benchmarks.soak_multipc [--clients 5] [--seconds 180] [--cases 40]
                                                [--pg postgresql+psycopg://...] [--engines sqlite,postgresql]
                                                [--out benchmarks/SOAK.md]

--pg names a database of its own: the soak drops and re-creates its schema.

Each client is a process of its own (as a PC would be). In a loop it either saves a visit note
(7 times in 10) or edits a case file the way the form does: read it, "think" a few milliseconds,
save with the version it read. A stale save (StaleEdit) counts as a conflict; the client reloads
and reapplies its change, as the dialog offers. A busy database (Busy) is waited on and retried,
as the form does. Any other exception is a raw error. After the run every save a client was told
succeeded is looked up: a visit note by its id, a case edit by the value it wrote (or a later one
of the same client).

Reported per engine: saves per second, p50/p95 save latency, conflicts raised, waits on a busy
database, lost saves (must be 0) and raw errors (must be 0). The machine is shared; figures are noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone.utc)


def _prepare(url: str, cases: int) -> list[int]:
    from sqlalchemy import text

    from app.services.accounts import StaffInput
    from app.services.cases import CaseInput, create_case
    from app.services.clinic import ClinicInput, set_up_clinic
    from app.services.context import ServiceContext
    from app.storage.database import Database
    from app.storage.migrate import upgrade
    db = Database(url)
    if db.dialect == "postgresql":
        with db.write_engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(db)
    manager = set_up_clinic(db, ClinicInput("کلینیک آزمون", "1", "مدیر"),
                            StaffInput("مینا", "مدیری", "manager", username="boss", password="password-1"), now=NOW)
    ctx = ServiceContext(db, manager, clock=lambda: NOW)
    ids = [create_case(ctx, CaseInput(behzisti_file_number=f"SOAK-{i}", first_name="علی", last_name=f"احمدی{i}",
                                      sex="male", living_arrangement="own_family",
                                      received_on=dt.date(2026, 1, 1))).id for i in range(cases)]
    db.dispose()
    return ids


def _client(number: int, url: str, case_ids: list[int], seconds: float, out: str) -> None:
    import dataclasses

    from sqlalchemy import select

    from app.errors import Busy, StaleEdit
    from app.models import Staff
    from app.services.cases import CaseInput, case_detail, update_case
    from app.services.context import Actor, ServiceContext
    from app.services.visits import ServiceInput, add_service
    from app.storage.database import Database
    db = Database(url)
    if db.dialect == "sqlite":
        db.wait_when_busy(2000)  # as the desktop does
    with db.read() as s:
        staff_id = s.scalar(select(Staff.id).order_by(Staff.id).limit(1))
        boss = s.get(Staff, staff_id)
        from app.domain.enums import Role
        from app.services.context import _issue
        # A client stands in for a signed-in manager (services refuse the system actor).
        actor = _issue(boss.id, boss.full_name, Role(boss.role))
    ctx = ServiceContext(db, actor, clock=lambda: NOW)
    rng = random.Random(number)
    names = {f.name for f in dataclasses.fields(CaseInput)} - {"family", "version", "address"}
    stats = {"latencies": [], "conflicts": 0, "waits": 0, "raw": [], "notes": [], "edits": {}}
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        n += 1
        case_id = rng.choice(case_ids)
        started = time.perf_counter()
        try:
            if rng.random() < 0.7:
                saved = _retry(lambda: add_service(ctx, case_id, ServiceInput(
                    kind="care", mode="phone", minutes=15, note=f"تماس {number}-{n}", domains=["health"], date=NOW.date(),
                    staff_id=staff_id)), stats, Busy)
                stats["notes"].append(saved.id)
            else:
                address = f"نشانی {number}-{n}"
                while True:
                    read = _retry(lambda: case_detail(ctx, case_id), stats, Busy)
                    time.sleep(rng.uniform(0, 0.02))  # the person looks at the form
                    data = CaseInput(**{k: getattr(read, k) for k in names}, address=address, version=read.version)
                    try:
                        _retry(lambda: update_case(ctx, case_id, data), stats, Busy)
                        break
                    except StaleEdit:
                        stats["conflicts"] += 1  # reload and reapply, as the dialog offers
                stats["edits"][str(case_id)] = address
        except Exception as error:  # noqa: BLE001 — what this soak is looking for
            stats["raw"].append(f"{type(error).__name__}: {error}"[:300])
            continue
        stats["latencies"].append(time.perf_counter() - started)
    db.dispose()
    Path(out).write_text(json.dumps(stats, ensure_ascii=False), encoding="utf-8")


def _retry(fn, stats, busy):
    while True:
        try:
            return fn()
        except busy:
            stats["waits"] += 1
            time.sleep(0.2)


def _check(url: str, results: list[dict]) -> int:
    from sqlalchemy import select

    from app.models import CaseFile, Service
    from app.storage.database import Database
    db = Database(url)
    lost = 0
    with db.read() as s:
        notes = set(s.scalars(select(Service.id)))
        addresses = dict(s.execute(select(CaseFile.id, CaseFile.address)).all())
    for r in results:
        lost += sum(1 for i in r["notes"] if i not in notes)
        for case_id, address in r["edits"].items():
            # the case holds this client's last address, or a later save by another client
            now = addresses.get(int(case_id), "")
            if not now.startswith("نشانی "):
                lost += 1
    db.dispose()
    return lost


def soak(url: str, clients: int, seconds: float, cases: int) -> dict:
    case_ids = _prepare(url, cases)
    with tempfile.TemporaryDirectory() as tmp:
        outs = [str(Path(tmp) / f"client-{i}.json") for i in range(clients)]
        ctx = mp.get_context("spawn")
        procs = [ctx.Process(target=_client, args=(i, url, case_ids, seconds, outs[i])) for i in range(clients)]
        started = time.monotonic()
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        elapsed = time.monotonic() - started
        results = [json.loads(Path(o).read_text(encoding="utf-8")) for o in outs if Path(o).exists()]
    latencies = sorted(x for r in results for x in r["latencies"])
    saves = len(latencies)
    return {
        "engine": url.split(":")[0].split("+")[0], "clients": clients, "seconds": round(elapsed, 1),
        "clients_finished": len(results), "saves": saves, "saves_per_s": round(saves / seconds, 1),
        "p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(1000 * latencies[int(0.95 * (saves - 1))], 1) if latencies else None,
        "conflicts": sum(r["conflicts"] for r in results), "busy_waits": sum(r["waits"] for r in results),
        "lost": _check(url, results), "raw_errors": sum(len(r["raw"]) for r in results),
        "raw_samples": [e for r in results for e in r["raw"]][:5],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--pg", default=os.environ.get("PARVANDEH_TEST_PG_URL"))
    parser.add_argument("--out", default=str(Path(__file__).with_name("SOAK.md")))
    parser.add_argument("--engines", default="sqlite,postgresql", help="which engines, comma-separated")
    args = parser.parse_args(argv)
    rows = []
    if "sqlite" in args.engines:
        with tempfile.TemporaryDirectory() as tmp:
            from app.storage.database import sqlite_url
            rows.append(soak(sqlite_url(Path(tmp) / "soak.sqlite3"), args.clients, args.seconds, args.cases))
    if args.pg and "postgresql" in args.engines:
        rows.append(soak(args.pg, args.clients, args.seconds, args.cases))
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))
    lines = ["# Several PCs at once: soak", "",
             f"{args.clients} client processes, {args.seconds:.0f} s each engine, {args.cases} case files; "
             "7 in 10 saves are visit notes, 3 in 10 case edits from a read version "
             "(`python -m benchmarks.soak_multipc`). The machine is shared with other work: figures are noisy.", "",
             "| engine | saves | saves/s | p50 ms | p95 ms | conflicts | busy waits | lost | raw errors |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        lines.append(f"| {r['engine']} | {r['saves']} | {r['saves_per_s']} | {r['p50_ms']} | {r['p95_ms']} | "
                     f"{r['conflicts']} | {r['busy_waits']} | {r['lost']} | {r['raw_errors']} |")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0 if all(r["lost"] == 0 and r["raw_errors"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
