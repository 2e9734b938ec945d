"""`parvandeh office ...`: the county office's desk headless (see app.office)."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from app.cli.output import print_json, print_table
from app.errors import DomainError


@contextmanager
def _office(args) -> Iterator:
    """The office's database and the signed-in user's context, closed when the block ends: every
    office command but `init` needs --user (or PARVANDEH_USER) and that user's password (terminal,
    or stdin's first line)."""
    from app.cli import _data_dir
    from app.office.storage import open_office
    db = open_office(_data_dir(args))
    try:
        yield _signed_in(args, db)
    finally:
        db.dispose()


def _signed_in(args, db):
    import os

    from app.cli import USER_ENV, _data_dir, read_password
    from app.office.registry import sign_in, signed_in_context
    user = getattr(args, "user", None) or os.environ.get(USER_ENV)
    if not user:
        raise DomainError("فرمان‌های میز اداره به ورود نیاز دارند: نام کاربری را با --user (یا PARVANDEH_USER) "
                          "بدهید؛ رمز عبور از صفحه‌کلید یا خط اول ورودی استاندارد خوانده می‌شود.")
    return signed_in_context(db, _data_dir(args), sign_in(db, user, read_password(f"رمز عبور {user}: ")))


def cmd_office_init(args) -> int:
    """The one office command without sign-in: it creates the first user (the office's administrator)."""
    from app.cli import _data_dir, read_password
    from app.office.registry import set_up_office
    from app.office.storage import open_office, write_marker
    folder = _data_dir(args, create=True)
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
    with _office(args) as ctx:
        clinic = add_clinic(ctx, certificate, args.licence, name=args.name or "", county=args.county or "",
                            fingerprint=args.fingerprint or "", contracts=_terms(args))
    print(f"کلینیک «{clinic.name}» (پروانه {clinic.licence}) ثبت شد.")
    print(f"اثر انگشت گواهی (SHA-256): {format_fingerprint(clinic.fingerprint)}")
    print("این اثر انگشت را با اثر انگشت مهرشده در قرارداد مقایسه کنید.")
    return 0


def cmd_office_contract_add(args) -> int:
    from app.office.registry import add_contract
    with _office(args) as ctx:
        clinic = add_contract(ctx, args.licence, _terms(args)[0])
    print(f"قرارداد {args.contract} برای «{clinic.name}» ثبت شد.")
    return 0


def cmd_office_clinic_list(args) -> int:
    from app.office.registry import list_clinics
    with _office(args) as ctx:
        clinics = list_clinics(ctx)
    if args.format == "json":
        print_json([c.__dict__ for c in clinics], indent=1)
        return 0
    for c in clinics:
        contracts = "، ".join(f"{n} (ظرفیت {cap}، {fee} ریال)" for n, cap, fee in c.contracts) or "بی‌قرارداد"
        print(f"{c.licence}  {c.name}  {c.county}  {contracts}  SHA-256 {c.fingerprint}")
    return 0


def cmd_office_receive(args) -> int:
    from app.office.receiving import receive_files
    with _office(args) as ctx:
        receipts = receive_files(ctx, args.paths, jobs=_jobs(args.jobs))
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
    with _office(args) as ctx:
        summary = month_summary(ctx, year, month, late_after_days=args.late_after_days,
                                overdue_threshold=args.overdue_threshold)
        if args.xlsx:
            from app.office.access import audit
            from app.office.export import summary_xlsx
            _write_atomically(args.xlsx, lambda out: summary_xlsx(summary, out))
            audit(ctx, "export", f"{summary.label} -> {args.xlsx}")
    if args.format == "json":
        print_json(summary.to_json(), indent=1)
    else:
        _print_summary(summary)
    return 0


def _jobs(asked) -> int:
    """--jobs as given; without it, one process per core (at most 4) to verify the signatures."""
    import os
    if asked is not None:
        return max(1, asked)
    return max(1, min(4, os.cpu_count() or 1))


def cmd_office_user_add(args) -> int:
    from app.cli import read_password
    from app.office.access import ROLE_LABELS
    from app.office.registry import add_user
    with _office(args) as ctx:
        user = add_user(ctx, args.username, read_password(f"رمز عبور کاربر تازه {args.username}: ", confirm=True),
                        full_name=args.full_name or "", role=args.role)
    print(f"کاربر {user.username} ({ROLE_LABELS[user.role]}) تعریف شد.")
    return 0


def cmd_office_user_deactivate(args) -> int:
    from app.office.registry import deactivate_user
    with _office(args) as ctx:
        deactivate_user(ctx, args.username)
    print(f"کاربر {args.username} غیرفعال شد؛ دیگر نمی‌تواند وارد شود.")
    return 0


def cmd_office_user_list(args) -> int:
    from app.office.access import ROLE_LABELS
    from app.office.registry import list_users
    with _office(args) as ctx:
        users = list_users(ctx)
    for u in users:
        print(f"{u.username}  {u.full_name}  {ROLE_LABELS.get(u.role, u.role)}  {'فعال' if u.active else 'غیرفعال'}")
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
    from app.office.export import FINDING_LABELS
    from app.persian import format_number
    print(f"جمع {summary.label}")
    header = ("شهرستان", "کلینیک", "قرارداد", "ظرفیت", "فعال", "جدید", "مختومه", "عودت", "خدمات", "بازدید منزل",
              "بررسی", "عقب‌افتاده", "کودک‌آزاری", "صورتحساب (ریال)")
    rows = [(r.county, r.clinic, r.contract, r.capacity, r.active_at_end, r.new_files, r.closed_files,
             r.returned_files, r.total_services, r.home_visits, r.reviews_done, r.reviews_overdue,
             r.abuse_concerns, format_number(r.amount_invoiced_rials)) for r in summary.rows]
    print_table([header] + [tuple(str(c) for c in row) for row in rows])
    if summary.missing:
        print(f"\nگزارش نداده‌اند ({len(summary.missing)}):")
        for m in summary.missing:
            print(f"  {m.county}  {m.clinic}  پروانه {m.licence}  قرارداد {m.contract}")
    print("\nاستان به تفکیک شهرستان:")
    print_table([("شهرستان", "کلینیک", "گزارش داده", "ظرفیت", "فعال", "خدمات", "صورتحساب (ریال)")]
                 + [(c.county, str(c.clinics), str(c.reported), str(c.capacity), str(c.active_at_end),
                     str(c.total_services), format_number(c.amount_invoiced_rials)) for c in summary.counties])
    if summary.findings:
        print(f"\nهشدارها ({len(summary.findings)}):")
        for f in summary.findings:
            print(f"  [{FINDING_LABELS.get(f.kind, f.kind)}] {f.clinic} قرارداد {f.contract}: {f.message}")


SIGN_IN = ("همه فرمان‌های میز اداره جز init ورود می‌خواهند: --user نام کاربری اداره و رمز عبور او از "
           "صفحه‌کلید یا خط اول ورودی استاندارد؛ پنج رمز نادرست حساب را پنج دقیقه قفل می‌کند.")
ROLES_NOTE = "نقش‌ها: admin مدیر اداره (همه کارها)، clerk کارشناس (دریافت و جمع‌ها)، viewer ناظر (فقط دیدن جمع‌ها)."
EXAMPLES = {
    "office": SIGN_IN + "\n" + ROLES_NOTE + "\n\nنمونه‌ها:\n"
              "  parvandeh office init --data-dir D:\\Office --office 'اداره بهزیستی شهرستان ری' --username desk\n"
              "  echo 'رمز' | parvandeh office receive --user desk --data-dir D:\\Office E:\\reports\n"
              "  echo 'رمز' | parvandeh office summary --user desk --data-dir D:\\Office --month 1405/08",
    "init": "بدون ورود: نخستین کاربر اداره (مدیر اداره) را می‌سازد؛ رمز او دو بار پرسیده می‌شود "
            "(یا یک خط از ورودی استاندارد).\n\nنمونه:\n"
            "  parvandeh office init --data-dir D:\\Office --office 'اداره بهزیستی شهرستان ری' --username desk "
            "--full-name 'زهرا کریمی' --province تهران",
    "clinic": SIGN_IN + "\n\nنمونه‌ها:\n"
              "  echo 'رمز' | parvandeh office clinic add --user desk --data-dir D:\\Office --certificate clinic.cer "
              "--licence 1234/56 --fingerprint '1A2B 3C4D ...' --contract 1405-17 --capacity 120 --fee 1200000\n"
              "  echo 'رمز' | parvandeh office clinic list --user desk --data-dir D:\\Office --format json",
    "clinic add": "فقط مدیر اداره. " + SIGN_IN + "\n\nنمونه:\n"
                  "  echo 'رمز' | parvandeh office clinic add --user desk --data-dir D:\\Office --certificate clinic.cer "
                  "--licence 1234/56 --name 'کلینیک مهر' --county ری --fingerprint '1A2B 3C4D ...' "
                  "--contract 1405-17 --capacity 120 --fee 1200000 --start 1405/01/01 --end 1405/12/29",
    "clinic list": SIGN_IN + "\n\nنمونه:\n"
                   "  echo 'رمز' | parvandeh office clinic list --user desk --data-dir D:\\Office",
    "contract": "فقط مدیر اداره. " + SIGN_IN + "\n\nنمونه:\n"
                "  echo 'رمز' | parvandeh office contract add --user desk --data-dir D:\\Office --licence 1234/56 "
                "--contract 1406-03 --capacity 150 --fee 1400000 --start 1406/01/01",
    "receive": "مدیر اداره یا کارشناس. " + SIGN_IN + "\nهر فایل یک خط: پذیرفته شد، یا پذیرفته نشد و چرا؛ "
               "خروج با کد ۰ فقط وقتی همه فایل‌ها پذیرفته شوند. فایل‌های نپذیرفته در پوشه refused می‌مانند.\n\n"
               "نمونه‌ها:\n"
               "  echo 'رمز' | parvandeh office receive --user desk --data-dir D:\\Office E:\\reports\n"
               "  echo 'رمز' | parvandeh office receive --user desk --data-dir D:\\Office --jobs 2 a.pdf b.pdf",
    "summary": SIGN_IN + "\n\nنمونه‌ها:\n"
               "  echo 'رمز' | parvandeh office summary --user desk --data-dir D:\\Office --month 1405/08\n"
               "  echo 'رمز' | parvandeh office summary --user desk --data-dir D:\\Office --month ۱۴۰۵/۰۸ "
               "--format json --xlsx aban.xlsx",
    "user": "فقط مدیر اداره. " + SIGN_IN + "\n" + ROLES_NOTE + "\n\nنمونه‌ها:\n"
            "  printf 'رمز-من\\nرمز-کاربر-تازه\\n' | parvandeh office user add --user desk --data-dir D:\\Office "
            "--username ali --full-name 'علی رضایی' --role clerk\n"
            "  echo 'رمز' | parvandeh office user deactivate --user desk --data-dir D:\\Office --username ali\n"
            "  echo 'رمز' | parvandeh office user list --user desk --data-dir D:\\Office",
}


def register(sub, common) -> None:
    def parser(parent, name: str, key: str, help_text: str):
        return parent.add_parser(name, parents=[common], help=help_text, epilog=EXAMPLES[key])

    office = parser(sub, "office", "office", "میز اداره بهزیستی: دریافت و جمع گزارش‌های کلینیک‌ها")
    osub = office.add_subparsers(dest="office_action", required=True, title="کارها", metavar="کار")

    p = parser(osub, "init", "init", "راه‌اندازی پوشه داده اداره و نخستین کاربر آن (بی‌ورود)")
    p.add_argument("--office", required=True, help="نام اداره، مثلاً «اداره بهزیستی شهرستان ری»")
    p.add_argument("--username", required=True, help="نام کاربری نخستین کاربر اداره (مدیر اداره)")
    p.add_argument("--full-name", help="نام و نام خانوادگی این کاربر")
    p.add_argument("--province", help="استان")
    p.set_defaults(handler=cmd_office_init)

    clinic = parser(osub, "clinic", "clinic", "کلینیک‌های طرف قرارداد")
    csub = clinic.add_subparsers(dest="clinic_action", required=True, title="کارها", metavar="کار")
    p = parser(csub, "add", "clinic add", "ثبت کلینیک با گواهی امضای آن (فقط مدیر اداره)")
    p.add_argument("--certificate", required=True, help="فایل گواهی کلینیک (clinic.cer)")
    p.add_argument("--licence", required=True, help="شماره پروانه فعالیت کلینیک")
    p.add_argument("--name", help="نام کلینیک (پیش‌فرض: نام داخل گواهی)")
    p.add_argument("--county", help="شهرستان کلینیک، برای نمای استان")
    p.add_argument("--fingerprint", help="اثر انگشت SHA-256 نوشته‌شده در قرارداد؛ باید با گواهی یکی باشد")
    _contract_options(p, required=False)
    p.set_defaults(handler=cmd_office_clinic_add)
    p = parser(csub, "list", "clinic list", "فهرست کلینیک‌ها و قراردادهایشان")
    p.add_argument("--format", choices=("table", "json"), default="table", help="قالب خروجی (پیش‌فرض table)")
    p.set_defaults(handler=cmd_office_clinic_list)

    contract = parser(osub, "contract", "contract", "قراردادهای کلینیک‌ها")
    ksub = contract.add_subparsers(dest="contract_action", required=True, title="کارها", metavar="کار")
    p = parser(ksub, "add", "contract", "افزودن قرارداد به کلینیک ثبت‌شده (فقط مدیر اداره)")
    p.add_argument("--licence", required=True, help="شماره پروانه کلینیک")
    _contract_options(p, required=True)
    p.set_defaults(handler=cmd_office_contract_add)

    p = parser(osub, "receive", "receive", "دریافت و بررسی گزارش‌های امضاشده (فایل یا پوشه)")
    p.add_argument("paths", nargs="+", metavar="FILE_OR_FOLDER", help="فایل PDF یا پوشه‌ای از فایل‌ها")
    p.add_argument("--jobs", type=int, default=None,
                   help="بررسی امضاها در این تعداد فرایند هم‌زمان (پیش‌فرض: شمار هسته‌های پردازنده، حداکثر ۴)")
    p.set_defaults(handler=cmd_office_receive)

    p = parser(osub, "summary", "summary", "جمع یک ماه به تفکیک کلینیک، قرارداد و شهرستان")
    p.add_argument("--month", required=True, help="ماه شمسی، مثلاً 1405/08")
    p.add_argument("--format", choices=("table", "json"), default="table", help="قالب خروجی (پیش‌فرض table)")
    p.add_argument("--xlsx", help="جمع ماه را در این فایل اکسل هم بنویس")
    p.add_argument("--late-after-days", type=int, default=10,
                   help="گزارشی که این تعداد روز پس از پایان ماه برسد دیررس است (پیش‌فرض ۱۰)")
    p.add_argument("--overdue-threshold", type=float, default=0.10,
                   help="سهم پرونده‌های با بررسی عقب‌افتاده که هشدار می‌دهد (پیش‌فرض 0.10)")
    p.set_defaults(handler=cmd_office_summary)

    user = parser(osub, "user", "user", "کاربران اداره (فقط مدیر اداره)")
    usub = user.add_subparsers(dest="user_action", required=True, title="کارها", metavar="کار")
    p = parser(usub, "add", "user", "تعریف کاربر تازه؛ رمز او خط دوم ورودی استاندارد")
    p.add_argument("--username", required=True, help="نام کاربری تازه (حروف و رقم لاتین)")
    p.add_argument("--full-name", help="نام و نام خانوادگی")
    p.add_argument("--role", choices=("admin", "clerk", "viewer"), default="clerk",
                   help="نقش: admin مدیر اداره، clerk کارشناس، viewer ناظر (پیش‌فرض clerk)")
    p.set_defaults(handler=cmd_office_user_add)
    p = parser(usub, "deactivate", "user", "غیرفعال‌کردن کاربر؛ دیگر نمی‌تواند وارد شود")
    p.add_argument("--username", required=True, help="نام کاربری")
    p.set_defaults(handler=cmd_office_user_deactivate)
    p = parser(usub, "list", "user", "فهرست کاربران اداره و نقش‌هایشان")
    p.set_defaults(handler=cmd_office_user_list)


def _contract_options(p, *, required: bool) -> None:
    p.add_argument("--contract", required=required, help="شماره قرارداد")
    p.add_argument("--capacity", type=int, required=required, help="ظرفیت قرارداد (تعداد پرونده)")
    p.add_argument("--fee", type=int, required=required, help="مبلغ هر پرونده در ماه (ریال)")
    p.add_argument("--start", help="شروع قرارداد، تاریخ شمسی")
    p.add_argument("--end", help="پایان قرارداد، تاریخ شمسی")
