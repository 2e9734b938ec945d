"""The monthly report against its shaped floor, and a long report's peak memory (issue 17).

    # speed: N clients of a data folder's copy, each run interleaved with the floor (CPU and wall)
    python -m benchmarks.report_bench speed FOLDER --work DIR --clients 1000 --runs 3
    # memory: a contract of N clients made in DIR (a copy of the 150,000-file folder), then one
    # fresh process runs generate_monthly (unsigned) and prints its peak RSS (VmHWM)
    python -m benchmarks.report_bench setup FOLDER --work DIR --clients 7600
    python -m benchmarks.report_bench rss --work DIR

`speed` prints, per run, CPU and wall of: the floor (benchmarks/report_floor.render_floor on the
same rows), rendering alone (render_monthly_report of data already read) and the whole
generate_monthly; then medians and the two ratios to the floor, with the load average.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

from benchmarks.run import DB_FILENAME, PASSWORD, TODAY, load, work_copy


def _month() -> tuple[int, int]:
    from app.persian import to_jalali
    year, month, _ = to_jalali(TODAY)
    return (year, month - 1) if month > 1 else (year - 1, 12)


def _ctx(work: Path):
    from app.services.accounts import sign_in
    from app.services.context import ServiceContext
    from app.storage.datadir import open_database
    db = open_database(work)
    return db, ServiceContext(db, sign_in(db, "manager", PASSWORD), data_dir=work)


def make_contract(work: Path, clients: int) -> int:
    """A contract holding `clients` files held all the month (chosen at random, seed 7); its id."""
    from app.persian import month_bounds
    from app.services.contracts import ContractInput, create_contract
    year, month = _month()
    start, end = month_bounds(year, month)
    db, ctx = _ctx(work)
    try:
        conn = sqlite3.connect(work / DB_FILENAME)
        eligible = [r[0] for r in conn.execute(
            "SELECT id FROM case_file WHERE status = 'active' AND received_on <= ? ORDER BY id", (start.isoformat(),))]
        random.Random(7).shuffle(eligible)
        chosen = eligible[:clients]
        contract = create_contract(ctx, ContractInput(
            office_name=f"اداره بهزیستی (سنجش {clients})", number=f"W32-{clients}", start_date=start.replace(day=1),
            end_date=end + dt.timedelta(days=200), fee_per_case_month_rials=1_200_000, capacity=clients))
        conn.executemany("UPDATE case_file SET contract_id = ? WHERE id = ?", [(contract.id, i) for i in chosen])
        conn.commit()
        conn.close()
        (work / "w32-contract.json").write_text(json.dumps({"contract": contract.id, "clients": len(chosen)}))
        return contract.id
    finally:
        db.dispose()


def _timed(fn) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return (time.process_time() - c) * 1000, (time.perf_counter() - w) * 1000


def speed(folder: Path, work: Path, clients: int, runs: int) -> dict:
    from app.printing.documents.monthly_report import render_monthly_report
    from app.services.reports import generate_monthly, monthly_data
    from benchmarks.report_floor import floor_rows, pdf_pages, render_floor
    work_copy(folder, work)
    contract_id = make_contract(work, clients)
    year, month = _month()
    db, ctx = _ctx(work)
    try:
        data = monthly_data(ctx, contract_id, year, month)
        rows = floor_rows(data)
        first = generate_monthly(ctx, contract_id, year, month)  # warm: fonts, code
        pages = pdf_pages(first.pdf)
        floor_pages = pdf_pages(render_floor(rows))
        figures: dict[str, list] = {"floor": [], "render": [], "generate": []}
        for n in range(runs):
            figures["floor"].append(_timed(lambda: render_floor(rows)))
            figures["render"].append(_timed(lambda: render_monthly_report(data, io.BytesIO())))
            figures["generate"].append(_timed(lambda: generate_monthly(ctx, contract_id, year, month)))
            print(f"run {n + 1}: " + "  ".join(f"{k} cpu {v[-1][0]:.0f} wall {v[-1][1]:.0f}" for k, v in figures.items()),
                  f"load {load()}", flush=True)
    finally:
        db.dispose()
    med = {k: (statistics.median(c for c, _ in v), statistics.median(w for _, w in v)) for k, v in figures.items()}
    out = {"clients": clients, "pages": pages, "floor_pages": floor_pages, "load": load(),
           **{f"{k}_ms": {"cpu": round(c), "wall": round(w)} for k, (c, w) in med.items()}}
    for k in ("render", "generate"):
        out[f"{k}_ratio"] = {"cpu": round(med[k][0] / med["floor"][0], 2), "wall": round(med[k][1] / med["floor"][1], 2)}
    return out


def _vm(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) // 1024
    return 0


def rss(work: Path) -> dict:
    from app.services.reports import generate_monthly
    from benchmarks.report_floor import pdf_pages
    contract_id = json.loads((work / "w32-contract.json").read_text())["contract"]
    year, month = _month()
    db, ctx = _ctx(work)
    start_mb = _vm("VmRSS")
    c, w = time.process_time(), time.perf_counter()
    doc = generate_monthly(ctx, contract_id, year, month)
    out = {"pages": pdf_pages(doc.pdf), "pdf_mb": round(len(doc.pdf) / 2**20, 1), "json_mb": round(len(doc.data_json) / 2**20, 1),
           "start_mb": start_mb, "peak_mb": _vm("VmHWM"), "cpu_s": round(time.process_time() - c, 1),
           "wall_s": round(time.perf_counter() - w, 1), "load": load()}
    db.dispose()
    return out


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=("speed", "setup", "rss"))
    p.add_argument("folder", nargs="?", type=Path)
    p.add_argument("--work", type=Path, required=True)
    p.add_argument("--clients", type=int, default=1000)
    p.add_argument("--runs", type=int, default=3)
    a = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if a.mode == "speed":
        result = speed(a.folder, a.work, a.clients, a.runs)
    elif a.mode == "setup":
        if a.folder:  # else DIR is already a copy (cp -a of the folder)
            work_copy(a.folder, a.work)
        result = {"contract": make_contract(a.work, a.clients)}
    else:
        result = rss(a.work)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    sys.exit(main())
