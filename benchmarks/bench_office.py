"""The county office receiving 342 clinics × 12 months of signed monthly reports, on SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.bench_office [--clinics 342] [--months 12] [--jobs 2] [--pg URL]

Generating: one real clinic (generated data) renders one report (its keys' PKCS#12 with few KDF rounds); each of N clinics gets its own
RSA-3072 key, and that report, with its embedded data changed to the clinic and month (figures
scaled), is signed once per month. Cached in benchmarks/cache/office-N-M/ (keys and files), so a
second run measures receiving only. Measured: registering the clinics, `receive` of the whole
folder (every file verified, read, stored), a month's summary, the Excel export. Results are
appended to benchmarks/OFFICE-RESULTS.md. The machine is shared: figures are noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
PASSWORD = "bench-clinic-1"
SIGNED_AT = dt.datetime(2026, 12, 20, 8, 0, tzinfo=dt.timezone.utc)  # 1405/09/29
RECEIVED_AT = dt.datetime(2027, 1, 1, 8, 0, tzinfo=dt.timezone.utc)  # 1405/10/11
COUNTIES = ("ری", "شمیرانات", "اسلامشهر", "شهریار", "ورامین", "دماوند", "پاکدشت", "رباط‌کریم", "قدس", "ملارد")


def months(count: int) -> list[tuple[int, int]]:
    """The `count` months up to 1405/09, oldest first."""
    out, year, month = [], 1405, 9
    for _ in range(count):
        out.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def template(folder: Path) -> tuple[bytes, dict]:
    """One generated clinic's report as rendered (unsigned, before its data is attached) and its data."""
    from app.printing.embed import list_embedded_files
    from app.services.context import Actor, ServiceContext
    from app.services.contracts import list_contracts
    from app.services.demo import build_demo
    from app.services.reports import generate_monthly
    from app.storage.datadir import open_database
    db = open_database(folder / "template-clinic")
    try:
        build_demo(db, 90, seed=7, today=dt.date(2026, 12, 20), password=PASSWORD)
        ctx = ServiceContext(db, Actor.system(), clock=lambda: SIGNED_AT)
        pdf = generate_monthly(ctx, list_contracts(ctx)[0].id, 1405, 8).pdf
    finally:
        db.dispose()
    data = next(json.loads(v) for k, v in list_embedded_files(pdf).items() if k.endswith(".json"))
    return pdf[:pdf.find(b"%%EOF") + 5] + b"\n", data


def make_clinic(args) -> None:
    """A clinic's key and certificate, and its signed report for every month (one process's work)."""
    index, folder, bare, data, month_list = args
    from app.office.demo import restamp_monthly
    from app.printing import signing
    from app.printing.signing import certificate_der, create_clinic_identity
    # The generated clinics' keys are stored with few PBKDF2 rounds: each signature opens the key,
    # and 200,000 rounds per signature made generating take hours. Verifying never opens a key.
    signing.PKCS12_KDF_ROUNDS = 2_000
    _remember_loaded_keys(signing)
    licence, name = f"{1000 + index}", f"کلینیک مددکاری شماره {index + 1}"
    target = Path(folder) / f"clinic-{index:03d}"
    if (target / "done").exists():
        return
    target.mkdir(parents=True, exist_ok=True)
    blob = create_clinic_identity(name, licence, PASSWORD, now=SIGNED_AT - dt.timedelta(days=400))
    (target / "clinic.cer").write_bytes(certificate_der(blob, PASSWORD))
    scale = 0.5 + (index % 7) / 4
    for year, month in month_list:
        pdf = restamp_monthly(bare, data, blob, PASSWORD, licence=licence, clinic_name=name, year=year, month=month,
                              scale=scale, signing_time=SIGNED_AT)
        (target / f"{year}-{month:02d}.pdf").write_bytes(pdf)
    (target / "meta.json").write_text(json.dumps({"licence": licence, "name": name,
                                                  "county": COUNTIES[index % len(COUNTIES)],
                                                  "contract": data["contract"]["number"]}, ensure_ascii=False))
    (target / "done").write_text("ok")


def _remember_loaded_keys(signing) -> None:
    """Opening a PKCS#12 key validates the RSA key (over half of each signature's time): the
    generator signs 12 files with each key, so it opens each key once. Generating only."""
    if getattr(signing._load, "remembered", False):
        return
    real, opened = signing._load, {}

    def load(data: bytes, password: str):
        if (data, password) not in opened:
            opened[(data, password)] = real(data, password)
        return opened[(data, password)]
    load.remembered = True
    signing._load = load


def generate(clinics: int, month_count: int, jobs: int) -> Path:
    folder = HERE / "cache" / f"office-{month_count}m"  # clinic i is the same in every run: N uses the first N
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "template.pickle").exists():
        with tempfile.TemporaryDirectory() as tmp:
            (folder / "template.pickle").write_bytes(pickle.dumps(template(Path(tmp))))
    bare, data = pickle.loads((folder / "template.pickle").read_bytes())
    work = [(i, str(folder), bare, data, months(month_count)) for i in range(clinics)]
    started = time.monotonic()
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(make_clinic, work, chunksize=4))
    print(f"generated (or found) {clinics} clinics × {month_count} months in {time.monotonic() - started:.0f} s")
    return folder


def measure(folder: Path, url: str | None, label: str, clinics: int, jobs: int = 1) -> dict:
    from app.office.export import summary_xlsx
    from app.office.receiving import receive_files
    from app.office.registry import ContractTerms, add_clinic, set_up_office, sign_in, signed_in_context
    from app.office.storage import open_office, write_marker
    from app.office.summary import month_summary
    office_dir = Path(tempfile.mkdtemp(prefix="office-bench-"))
    if url:
        os.environ["PARVANDEH_DATABASE_URL"] = url
        _reset_pg(url)
    else:
        os.environ.pop("PARVANDEH_DATABASE_URL", None)
    db = open_office(office_dir, create=True)
    figures = {"engine": label, "jobs": jobs}
    try:
        set_up_office(db, "اداره کل بهزیستی استان تهران", "desk", "office-pass-1")
        write_marker(office_dir, "bench")
        ctx = signed_in_context(db, office_dir, sign_in(db, "desk", "office-pass-1"), clock=lambda: RECEIVED_AT)
        clinic_dirs = sorted(p for p in folder.iterdir() if p.name.startswith("clinic-"))[:clinics]
        started = time.monotonic()
        for clinic in clinic_dirs:
            meta = json.loads((clinic / "meta.json").read_text())
            add_clinic(ctx, (clinic / "clinic.cer").read_bytes(), meta["licence"], name=meta["name"],
                       county=meta["county"], contracts=(ContractTerms(meta["contract"], 200, 1_200_000),))
        figures["register_s"] = time.monotonic() - started
        figures["load_before"] = os.getloadavg()
        marks = []
        started = time.monotonic()
        receipts = receive_files(ctx, clinic_dirs, jobs=jobs,
                                 progress=lambda done, total: marks.append((done, time.monotonic())))
        figures["receive_s"] = time.monotonic() - started
        figures["load_after"] = os.getloadavg()
        figures["per_file_ms_batches"] = _per_file_ms(started, marks)
        figures["files"] = len(receipts)
        figures["accepted"] = sum(r.accepted for r in receipts)
        refused = [r.line() for r in receipts if not r.accepted][:3]
        if refused:
            print("\n".join(refused))
        started = time.monotonic()
        summary = month_summary(ctx, 1405, 8)
        figures["summary_s"] = time.monotonic() - started
        figures["rows"] = len(summary.rows)
        started = time.monotonic()
        summary_xlsx(summary, office_dir / "month.xlsx")
        figures["xlsx_s"] = time.monotonic() - started
        started = time.monotonic()
        again = receive_files(ctx, clinic_dirs[:10])
        figures["duplicates_per_s"] = len(again) / (time.monotonic() - started)
        assert not any(r.accepted for r in again)
    finally:
        db.dispose()
        shutil.rmtree(office_dir, ignore_errors=True)
    return figures


def _per_file_ms(started: float, marks: list[tuple[int, float]]) -> dict:
    """Each stored batch's time per file: the median says what a file costs, min/max how noisy."""
    import statistics
    costs, last_done, last_t = [], 0, started
    for done, t in marks:
        if done > last_done:
            costs.append(1000 * (t - last_t) / (done - last_done))
        last_done, last_t = done, t
    if not costs:
        return {}
    return {"median": statistics.median(costs), "min": min(costs), "max": max(costs), "batches": len(costs)}


def _reset_pg(url: str) -> None:
    from sqlalchemy import text

    from app.storage.database import Database
    db = Database(url)
    with db.write_engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clinics", type=int, default=342)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--receive-jobs", type=int, default=2, help="processes verifying (office receive --jobs)")
    parser.add_argument("--pg", help="PostgreSQL URL (a throw-away database: its public schema is dropped)")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    folder = generate(args.clinics, args.months, args.jobs)
    results = []
    if not args.no_sqlite:
        results.append(measure(folder, None, "SQLite", args.clinics, args.receive_jobs))
        print(results[-1])
    if args.pg:
        results.append(measure(folder, args.pg, "PostgreSQL", args.clinics, args.receive_jobs))
        print(results[-1])
    with open(HERE / "OFFICE-RESULTS.md", "a", encoding="utf-8") as out:
        out.write(f"\n## {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC — {args.clinics} clinics × "
                  f"{args.months} months (shared 2-core machine, other work running: noisy)\n\n"
                  "| engine | files | accepted | register | receive (--jobs) | per file | summary of a month | xlsx |\n"
                  "| --- | --- | --- | --- | --- | --- | --- | --- |\n")
        for r in results:
            print(json.dumps(r, ensure_ascii=False))
            out.write(f"| {r['engine']} | {r['files']} | {r['accepted']} | {r['register_s']:.1f} s | "
                      f"{r['receive_s']:.0f} s ({r['jobs']}) | {1000 * r['receive_s'] / max(1, r['files']):.0f} ms | "
                      f"{r['summary_s']:.2f} s | {r['xlsx_s']:.2f} s |\n")


if __name__ == "__main__":
    main()
