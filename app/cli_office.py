"""`parvandeh office ...`: the county office's desk headless (see app.office)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from app.errors import DomainError


def _office(args, *, create: bool = False):
    from app.cli import _data_dir
    from app.office.registry import OfficeContext
    from app.office.storage import open_office
    folder = _data_dir(args)
    db = open_office(folder, create=create)
    return OfficeContext(db, folder, user_name=_user_name(args, db))


def _user_name(args, db) -> str:
    """With --user, that office user signs in (password on stdin); without, the system acts.
    Issue 11 makes signing in the rule for every command; the office follows it then."""
    if not getattr(args, "user", None):
        return "سیستم"
    from app.cli import read_password
    from app.office.registry import sign_in
    return sign_in(db, args.user, read_password())


def cmd_office_init(args) -> int:
    from app.cli import _data_dir, read_password
    from app.office.registry import set_up_office
    from app.office.storage import open_office, write_marker
    folder = _data_dir(args)
    db = open_office(folder, create=True)
    try:
        set_up_office(db, args.office, args.username, read_password("رمز عبور: ", confirm=True),
                      full_name=args.full_name or "", province=args.province or "")
    finally:
        db.dispose()
    write_marker(folder, args.office)
    print(f"میز اداره «{args.office}» در {folder} راه‌اندازی شد. نام کاربری: {args.username}")
    return 0


def _terms(args):
    from app.office.registry import ContractTerms
    if not args.contract:
        return ()
    if args.capacity is None or args.fee is None:
        raise DomainError("برای قرارداد، ظرفیت (--capacity) و مبلغ هر پرونده (--fee) را هم بدهید.")
    return (ContractTerms(args.contract, args.capacity, args.fee, args.start, args.end),)


def cmd_office_clinic_add(args) -> int:
    from app.office.registry import add_clinic, format_fingerprint
    try:
        certificate = Path(args.certificate).read_bytes()
    except OSError as exc:
        raise DomainError(f"فایل گواهی خوانده نشد: {exc.strerror or exc}") from None
    ctx = _office(args)
    try:
        clinic = add_clinic(ctx, certificate, args.licence, name=args.name or "", county=args.county or "",
                            fingerprint=args.fingerprint or "", contracts=_terms(args))
    finally:
        ctx.db.dispose()
    print(f"کلینیک «{clinic.name}» (پروانه {clinic.licence}) ثبت شد.")
    print(f"اثر انگشت گواهی (SHA-256): {format_fingerprint(clinic.fingerprint)}")
    print("این اثر انگشت را با اثر انگشت مهرشده در قرارداد مقایسه کنید.")
    return 0


def cmd_office_contract_add(args) -> int:
    from app.office.registry import add_contract
    ctx = _office(args)
    try:
        clinic = add_contract(ctx, args.licence, _terms(args)[0])
    finally:
        ctx.db.dispose()
    print(f"قرارداد {args.contract} برای «{clinic.name}» ثبت شد.")
    return 0


def cmd_office_clinic_list(args) -> int:
    from app.office.registry import list_clinics
    ctx = _office(args)
    try:
        clinics = list_clinics(ctx)
    finally:
        ctx.db.dispose()
    if args.format == "json":
        print(json.dumps([c.__dict__ for c in clinics], ensure_ascii=False, indent=1))
        return 0
    for c in clinics:
        contracts = "، ".join(f"{n} (ظرفیت {cap}، {fee} ریال)" for n, cap, fee in c.contracts) or "بی‌قرارداد"
        print(f"{c.licence}  {c.name}  {c.county}  {contracts}  SHA-256 {c.fingerprint}")
    return 0


def cmd_office_receive(args) -> int:
    from app.office.receiving import receive_files
    ctx = _office(args)
    try:
        receipts = receive_files(ctx, args.paths, jobs=max(1, args.jobs))
    finally:
        ctx.db.dispose()
    if not receipts:
        print("هیچ فایل PDF پیدا نشد.", file=sys.stderr)
        return 1
    for receipt in receipts:
        print(receipt.line(), file=sys.stdout if receipt.accepted else sys.stderr)
    refused = sum(not r.accepted for r in receipts)
    print(f"{len(receipts) - refused} پذیرفته، {refused} پذیرفته‌نشده (نگه‌داشته در پوشه refused).")
    return 0 if refused == 0 else 1


def cmd_office_summary(args) -> int:
    from app.office.summary import month_summary
    from app.persian import parse_jalali_month
    year, month = parse_jalali_month(args.month, "month")
    ctx = _office(args)
    try:
        summary = month_summary(ctx, year, month, late_after_days=args.late_after_days,
                                overdue_threshold=args.overdue_threshold)
    finally:
        ctx.db.dispose()
    if args.xlsx:
        from app.office.export import summary_xlsx
        _write_atomically(args.xlsx, lambda out: summary_xlsx(summary, out))
    if args.format == "json":
        print(json.dumps(summary.to_json(), ensure_ascii=False, indent=1))
    else:
        _print_summary(summary)
    return 0


def _write_atomically(path: str, write) -> None:
    import io
    buffer = io.BytesIO()
    write(buffer)
    target = Path(path)
    tmp = target.with_name(target.name + ".partial")
    tmp.write_bytes(buffer.getvalue())
    tmp.replace(target)


def _print_summary(summary) -> None:
    from app.cli import _print_table
    from app.office.export import FINDING_LABELS
    from app.persian import format_number
    print(f"جمع {summary.label}")
    header = ("شهرستان", "کلینیک", "قرارداد", "ظرفیت", "فعال", "جدید", "مختومه", "عودت", "خدمات", "بازدید منزل",
              "بررسی", "عقب‌افتاده", "کودک‌آزاری", "صورتحساب (ریال)")
    rows = [(r.county, r.clinic, r.contract, r.capacity, r.active_at_end, r.new_files, r.closed_files,
             r.returned_files, r.total_services, r.home_visits, r.reviews_done, r.reviews_overdue,
             r.abuse_concerns, format_number(r.amount_invoiced_rials)) for r in summary.rows]
    _print_table([header] + [tuple(str(c) for c in row) for row in rows])
    if summary.missing:
        print(f"\nگزارش نداده‌اند ({len(summary.missing)}):")
        for m in summary.missing:
            print(f"  {m.county}  {m.clinic}  پروانه {m.licence}  قرارداد {m.contract}")
    print("\nاستان به تفکیک شهرستان:")
    _print_table([("شهرستان", "کلینیک", "گزارش داده", "ظرفیت", "فعال", "خدمات", "صورتحساب (ریال)")]
                 + [(c.county, str(c.clinics), str(c.reported), str(c.capacity), str(c.active_at_end),
                     str(c.total_services), format_number(c.amount_invoiced_rials)) for c in summary.counties])
    if summary.findings:
        print(f"\nهشدارها ({len(summary.findings)}):")
        for f in summary.findings:
            print(f"  [{FINDING_LABELS.get(f.kind, f.kind)}] {f.clinic} قرارداد {f.contract}: {f.message}")


def register(sub, common) -> None:
    office = sub.add_parser("office", parents=[common], help="میز اداره بهزیستی: دریافت و جمع گزارش‌های کلینیک‌ها")
    osub = office.add_subparsers(dest="office_action", required=True)

    def with_user(p):
        p.add_argument("--user", help="نام کاربری اداره (رمز از ورودی استاندارد خوانده می‌شود)")
        return p

    p = osub.add_parser("init", parents=[common], help="راه‌اندازی پوشه داده اداره و نخستین کاربر آن")
    p.add_argument("--office", required=True, help="نام اداره، مثلاً «اداره بهزیستی شهرستان ری»")
    p.add_argument("--username", required=True, help="نام کاربری نخستین کاربر اداره")
    p.add_argument("--full-name", help="نام و نام خانوادگی این کاربر")
    p.add_argument("--province", help="استان")
    p.set_defaults(handler=cmd_office_init)

    clinic = osub.add_parser("clinic", parents=[common], help="کلینیک‌های طرف قرارداد")
    csub = clinic.add_subparsers(dest="clinic_action", required=True)
    p = with_user(csub.add_parser("add", parents=[common], help="ثبت کلینیک با گواهی امضای آن"))
    p.add_argument("--certificate", required=True, help="فایل گواهی کلینیک (clinic.cer)")
    p.add_argument("--licence", required=True, help="شماره پروانه فعالیت کلینیک")
    p.add_argument("--name", help="نام کلینیک (پیش‌فرض: نام داخل گواهی)")
    p.add_argument("--county", help="شهرستان کلینیک، برای نمای استان")
    p.add_argument("--fingerprint", help="اثر انگشت SHA-256 نوشته‌شده در قرارداد؛ باید با گواهی یکی باشد")
    _contract_options(p, required=False)
    p.set_defaults(handler=cmd_office_clinic_add)
    p = with_user(csub.add_parser("list", parents=[common], help="فهرست کلینیک‌ها و قراردادهایشان"))
    p.add_argument("--format", choices=("table", "json"), default="table", help="قالب خروجی")
    p.set_defaults(handler=cmd_office_clinic_list)

    contract = osub.add_parser("contract", parents=[common], help="قراردادهای کلینیک‌ها")
    ksub = contract.add_subparsers(dest="contract_action", required=True)
    p = with_user(ksub.add_parser("add", parents=[common], help="افزودن قرارداد به کلینیک ثبت‌شده"))
    p.add_argument("--licence", required=True, help="شماره پروانه کلینیک")
    _contract_options(p, required=True)
    p.set_defaults(handler=cmd_office_contract_add)

    p = with_user(osub.add_parser("receive", parents=[common],
                                  help="دریافت و بررسی گزارش‌های امضاشده (فایل یا پوشه)"))
    p.add_argument("paths", nargs="+", metavar="FILE_OR_FOLDER", help="فایل PDF یا پوشه‌ای از فایل‌ها")
    p.add_argument("--jobs", type=int, default=1,
                   help="بررسی امضاها در این تعداد فرایند هم‌زمان (برای هزاران فایل؛ پیش‌فرض ۱)")
    p.set_defaults(handler=cmd_office_receive)

    p = with_user(osub.add_parser("summary", parents=[common], help="جمع یک ماه به تفکیک کلینیک، قرارداد و شهرستان"))
    p.add_argument("--month", required=True, help="ماه شمسی، مثلاً 1405/08")
    p.add_argument("--format", choices=("table", "json"), default="table", help="قالب خروجی")
    p.add_argument("--xlsx", help="جمع ماه را در این فایل اکسل هم بنویس")
    p.add_argument("--late-after-days", type=int, default=10,
                   help="گزارشی که این تعداد روز پس از پایان ماه برسد دیررس است (پیش‌فرض ۱۰)")
    p.add_argument("--overdue-threshold", type=float, default=0.10,
                   help="سهم پرونده‌های با بررسی عقب‌افتاده که هشدار می‌دهد (پیش‌فرض 0.10)")
    p.set_defaults(handler=cmd_office_summary)


def _contract_options(p, *, required: bool) -> None:
    p.add_argument("--contract", required=required, help="شماره قرارداد")
    p.add_argument("--capacity", type=int, required=required, help="ظرفیت قرارداد (تعداد پرونده)")
    p.add_argument("--fee", type=int, required=required, help="مبلغ هر پرونده در ماه (ریال)")
    p.add_argument("--start", help="شروع قرارداد، تاریخ شمسی")
    p.add_argument("--end", help="پایان قرارداد، تاریخ شمسی")
