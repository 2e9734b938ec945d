"""The `parvandeh` command: the GUI by default, and the same services headless."""

from __future__ import annotations

import argparse
import csv
import getpass
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Optional, Sequence

from app.errors import DomainError

Handler = Callable[[argparse.Namespace], int]


def read_password(prompt: str = "رمز عبور: ", *, confirm: bool = False) -> str:
    """From the terminal without echo, or one line of stdin when it is not a terminal."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("تکرار رمز عبور: ") != first:
        raise DomainError("دو رمز واردشده یکسان نیستند.", field="password")
    return first


def _data_dir(args: argparse.Namespace) -> Path:
    from app.storage.datadir import resolve_data_dir
    return resolve_data_dir(args.data_dir)


def _open(args: argparse.Namespace):
    from app.storage.datadir import open_database
    return open_database(_data_dir(args))


def _acting_ctx(args: argparse.Namespace, db):
    """The service context every record-touching sub-command acts through.

    Today the system actor; issue 11 makes it the signed-in user (--user and a password)."""
    from app.services.context import Actor, ServiceContext
    return ServiceContext(db, Actor.system(), data_dir=_data_dir(args))


def _require_set_up(db) -> None:
    from app.services.clinic import is_set_up
    if not is_set_up(db):
        raise DomainError("این پوشه داده هنوز راه‌اندازی نشده است؛ ابتدا «parvandeh init» یا «parvandeh demo» را اجرا کنید.")


# -- commands ----------------------------------------------------------------------------------------

def cmd_gui(args: argparse.Namespace) -> int:
    try:
        from app.ui.main import run_gui
    except ImportError as exc:
        print(f"رابط گرافیکی در دسترس نیست: {exc}", file=sys.stderr)
        return 2
    return run_gui(_data_dir(args))


def cmd_init(args: argparse.Namespace) -> int:
    from app.services.accounts import StaffInput
    from app.services.clinic import ClinicInput, set_up_clinic
    db = _open(args)
    try:
        first, _, last = args.manager.strip().partition(" ")
        password = read_password("رمز عبور مدیر: ", confirm=True)
        set_up_clinic(db, ClinicInput(name=args.clinic, licence_number=args.licence, manager_name=args.manager,
                                      licence_province=args.province or ""),
                      StaffInput(first_name=first, last_name=last or first, role="manager",
                                 username=args.username, password=password))
    finally:
        db.dispose()
    print(f"کلینیک «{args.clinic}» راه‌اندازی شد. نام کاربری مدیر: {args.username}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    import datetime as dt
    import time

    from app.services.clinic import is_set_up
    from app.services.demo import DEMO_PASSWORD, build_demo
    db = _open(args)
    try:
        if is_set_up(db):
            raise DomainError("این پوشه داده خالی نیست؛ برای داده نمونه پوشه تازه‌ای بدهید (--data-dir).")
        started = time.monotonic()
        today = dt.date.fromisoformat(args.today) if args.today else None

        def progress(stage: str, done: int, total: int) -> None:
            if not args.quiet:
                print(f"\r{done}/{total} پرونده", end="", file=sys.stderr, flush=True)

        result = build_demo(db, args.cases, seed=args.seed, today=today, password=args.password or DEMO_PASSWORD,
                            services_per_month=args.services_per_month, progress=progress)
    finally:
        db.dispose()
    if not args.quiet:
        print(file=sys.stderr)
    print(f"داده نمونه ساخته شد: {result.cases} پرونده، {result.services} خدمت، {result.staff} کارمند "
          f"در {time.monotonic() - started:.1f} ثانیه.")
    print(f"پوشه داده: {_data_dir(args)}")
    print(f"نام کاربری مدیر: {result.manager_username}")
    print(f"رمز عبور: {result.password}")
    return 0


def cmd_contracts_list(args: argparse.Namespace) -> int:
    from app.services.contracts import list_contracts
    db = _open(args)
    try:
        _require_set_up(db)
        contracts = list_contracts(_acting_ctx(args, db))
    finally:
        db.dispose()
    if args.format == "json":
        print(json.dumps([asdict(c) for c in contracts], ensure_ascii=False, indent=2, default=str))
        return 0
    from app.persian import format_jalali, format_number
    rows = [("شماره", "اداره طرف قرارداد", "شروع", "پایان", "مبلغ هر پرونده (ریال)", "ظرفیت", "فعال")]
    rows += [(c.number, c.office_name, format_jalali(c.start_date), format_jalali(c.end_date),
              format_number(c.fee_per_case_month_rials), format_number(c.capacity),
              format_number(c.active_cases)) for c in contracts]
    _print_table(rows)
    return 0


def cmd_cases_list(args: argparse.Namespace) -> int:
    from app.services.caselist import CaseQuery, list_all_cases
    if args.limit < 1:
        raise DomainError("--limit باید عددی بزرگ‌تر از صفر باشد.", field="limit")
    db = _open(args)
    try:
        _require_set_up(db)
        query = CaseQuery(text=args.search or "", status=None if args.status == "all" else args.status)
        rows = list_all_cases(_acting_ctx(args, db), query, args.limit)
    finally:
        db.dispose()
    columns = ("behzisti_file_number", "clinic_file_number", "last_name", "first_name", "father_name",
               "national_code", "status_label", "social_worker_name")
    if args.format == "json":
        print(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2, default=str))
    elif args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        for r in rows:
            writer.writerow([getattr(r, c) or "" for c in columns])
    else:
        header = ("شماره بهزیستی", "شماره کلینیک", "نام خانوادگی", "نام", "نام پدر", "کد ملی", "وضعیت", "مددکار")
        _print_table([header] + [tuple(str(getattr(r, c) or "") for c in columns) for r in rows])
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from app.services.audit import verify_chain
    from app.storage.migrate import current_revision, head_revision, integrity_problems
    db = _open(args)
    try:
        problems = integrity_problems(db)
        with db.read() as session:
            chain = verify_chain(session)
        revision = current_revision(db)
    finally:
        db.dispose()
    if revision != head_revision():
        problems.append(f"schema revision {revision} != {head_revision()}")
    if not chain.ok:
        problems.append(f"زنجیره رویدادها از ردیف {chain.first_broken_id} شکسته است: {chain.reason}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("پایگاه داده سالم نیست.", file=sys.stderr)
        return 1
    print(f"پایگاه داده سالم است (نسخه طرح {revision}، {chain.entries} رویداد در زنجیره).")
    return 0


def _print_table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths)).rstrip())


# -- parser ------------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    # --data-dir may come before or after the command. The commands' copy must not default: a
    # default there would overwrite the one given before the command with nothing.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=argparse.SUPPRESS,
                        help="data folder (default: PARVANDEH_DATA_DIR or the user's data folder)")
    parser = argparse.ArgumentParser(prog="parvandeh",
                                     description="پرونده — پرونده‌های مددجویان کلینیک مددکاری اجتماعی")
    parser.add_argument("--data-dir", help="data folder (default: PARVANDEH_DATA_DIR or the user's data folder)")
    parser.set_defaults(handler=cmd_gui)
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("gui", parents=[common], help="open the desktop program")
    p.set_defaults(handler=cmd_gui)

    p = sub.add_parser("init", parents=[common], help="set up a new clinic and its first manager")
    p.add_argument("--clinic", required=True)
    p.add_argument("--licence", required=True)
    p.add_argument("--manager", required=True, help="manager's full name")
    p.add_argument("--username", required=True)
    p.add_argument("--province")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", parents=[common], help="fill a new data folder with generated data")
    p.add_argument("--cases", type=int, required=True)
    p.add_argument("--seed", type=int, default=1405)
    p.add_argument("--password")
    p.add_argument("--today", help="ISO date the data is generated around (default: today)")
    p.add_argument("--services-per-month", type=float)
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(handler=cmd_demo)

    contracts = sub.add_parser("contracts", parents=[common], help="contracts with county offices")
    csub = contracts.add_subparsers(dest="action", required=True)
    p = csub.add_parser("list", parents=[common])
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=cmd_contracts_list)

    cases = sub.add_parser("cases", parents=[common], help="case files")
    casub = cases.add_subparsers(dest="action", required=True)
    p = casub.add_parser("list", parents=[common])
    p.add_argument("--search")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--status", choices=("active", "closed", "returned", "all"), default="all")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(handler=cmd_cases_list)

    p = sub.add_parser("check", parents=[common], help="check the database's integrity and audit chain")
    p.set_defaults(handler=cmd_check)

    for register in _extra_commands():
        register(sub, common)
    return parser


def _extra_commands() -> list[Callable]:
    """Sub-commands that live beside their own area (reports, backups), added when present."""
    registrars = []
    for module in ("app.cli_reports", "app.cli_backup", "app.cli_import", "app.cli_server", "app.cli_selftest",
                   "app.cli_office"):
        try:
            registrars.append(__import__(module, fromlist=["register"]).register)
        except ImportError:
            continue
    return registrars


def main(argv: Optional[Sequence[str]] = None) -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
        sys.stderr.reconfigure(encoding="utf-8")
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except DomainError as exc:
        print(f"خطا: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("لغو شد.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
