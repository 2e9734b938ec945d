"""`parvandeh import`: Behzisti's list of case files from an Excel or CSV file (see app.services.importing)."""

from __future__ import annotations

import sys

from app.errors import NotFound


def cmd_import(args) -> int:
    from app.cli import _acting_ctx, _open
    from app.persian import to_persian_digits
    from app.services.contracts import find_contract
    from app.services.importing import import_cases, read_rows
    db = _open(args)  # a mistyped --data-dir is told before the file is read
    try:
        rows = read_rows(args.file)
        ctx = _acting_ctx(args, db)
        contract = find_contract(ctx, args.contract, ctx.today())
        worker_id = _worker_id(ctx, args.worker) if args.worker else None
        result = import_cases(ctx, rows, contract_id=contract.id, social_worker_id=worker_id, check_only=args.check)
    finally:
        db.dispose()
    for problem in result.problems:
        column = f"، ستون «{problem.column}»" if problem.column else ""
        print(f"ردیف {to_persian_digits(problem.line)}{column}: {problem.message}", file=sys.stderr)
    present = (f"؛ {to_persian_digits(len(result.already_present))} پرونده از پیش در برنامه بود"
               if result.already_present else "")
    if result.problems:
        print(f"{to_persian_digits(len(result.problems))} ردیف اشکال دارد؛ هیچ پرونده‌ای ثبت نشد.", file=sys.stderr)
        return 1
    if result.checked_only:
        print(f"فایل درست است: {to_persian_digits(result.ready)} پرونده آماده ورود{present}.")
    else:
        print(f"{to_persian_digits(result.created)} پرونده وارد شد{present}.")
    return 0


def _worker_id(ctx, username: str) -> int:
    from app.services.accounts import list_staff
    wanted = username.strip().lower()
    for staff in list_staff(ctx):
        if staff.username == wanted:
            return staff.id
    raise NotFound(f"کاربری با نام {username} پیدا نشد.", field="worker")


def register(sub, common) -> None:
    p = sub.add_parser("import", parents=[common], help="ورود فهرست پرونده‌های بهزیستی از فایل xlsx یا csv (فقط مدیر)")
    p.add_argument("file", help="فایل xlsx یا csv فهرست پرونده‌ها")
    p.add_argument("--contract", help="شماره قرارداد (وقتی تنها یک قرارداد فعال است لازم نیست)")
    p.add_argument("--worker", help="نام کاربری مددکاری که همه پرونده‌ها به او سپرده می‌شود")
    p.add_argument("--check", action="store_true", help="فقط بررسی همه ردیف‌ها، بدون ثبت")
    p.set_defaults(handler=cmd_import)
