"""`parvandeh report ...` and `parvandeh verify`: documents headless, for batch work and the county office."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.atomic import write_atomically
from app.constants import ENV_DATA_DIR
from app.errors import DomainError


def _ctx(args):
    """The signed-in user's context (app.cli._acting_ctx): the document obeys that user's role."""
    from app.cli import _acting_ctx, _open
    return _acting_ctx(args, _open(args))


def _verify_ctx(args):
    """`verify` needs no sign-in: it only asks whether this clinic recorded a report."""
    from app.cli import _open, _require_set_up, _system_ctx
    db = _open(args)
    _require_set_up(db)
    return _system_ctx(args, db)


def _write(path: str, data: bytes) -> None:
    """Write beside the target and rename, so a cut-off run never leaves half a PDF under its name."""
    target = Path(path)
    write_atomically(target, data, prefix="." + target.name + "-", suffix=".partial")


def _month(args):
    from app.persian import parse_jalali_month
    return parse_jalali_month(args.month, "month")


def _contract_id(ctx, args, year: int, month: int) -> int:
    from app.persian import month_bounds
    from app.services.contracts import find_contract
    return find_contract(ctx, args.contract, month_bounds(year, month)[1]).id


def _password(args):
    if not args.sign:
        return None
    from app.cli import read_password
    return read_password("رمز کلید امضا: ")


def _monthly_document(args, generate):
    """A document for one contract and Jalali month (the report or the invoice), written to --out."""
    ctx = _ctx(args)
    try:
        year, month = _month(args)
        doc = generate(ctx, _contract_id(ctx, args, year, month), year, month, sign_password=_password(args),
                       correction_reason=args.reason or "", confirm_unfinished=args.confirm_unfinished)
    finally:
        ctx.db.dispose()
    _write(args.out, doc.pdf)
    return doc


def cmd_report_monthly(args) -> int:
    from app.services.reports import generate_monthly
    doc = _monthly_document(args, generate_monthly)
    if args.xlsx and doc.xlsx:
        _write(args.xlsx, doc.xlsx)
    kind = f"اصلاحیه شماره {doc.correction_number} (جایگزین {doc.replaces_id})" if doc.correction_number else "گزارش"
    print(f"{kind} {doc.report_id} {'امضاشده ' if doc.signed else ''}در {args.out} نوشته شد.")
    return 0


def cmd_report_invoice(args) -> int:
    from app.services.reports import generate_invoice
    doc = _monthly_document(args, generate_invoice)
    kind = f"اصلاحیه شماره {doc.correction_number} صورتحساب (جایگزین {doc.replaces_id})" if doc.correction_number \
        else "صورتحساب"
    print(f"{kind} {doc.report_id} {'امضاشده ' if doc.signed else ''}در {args.out} نوشته شد.")
    return 0


def cmd_report_case(args) -> int:
    from app.services.reports import find_case_id, generate_case_summary
    ctx = _ctx(args)
    try:
        doc = generate_case_summary(ctx, find_case_id(ctx, args.file), args.purpose, sign_password=_password(args))
    finally:
        ctx.db.dispose()
    _write(args.out, doc.pdf)
    print(f"خلاصه پرونده {doc.report_id} در {args.out} نوشته شد.")
    return 0


def cmd_report_review(args) -> int:
    """The case's newest half-yearly review (or the one on --date) as a paper form to sign in ink."""
    from app.persian import parse_jalali
    from app.services.reports import find_case_id, generate_review_form
    from app.services.reviews import list_reviews
    ctx = _ctx(args)
    try:
        reviews = list_reviews(ctx, find_case_id(ctx, args.file))
        if args.date:
            day = parse_jalali(args.date, "date")
            reviews = [r for r in reviews if r.date == day]
        if not reviews:
            raise DomainError("برای این پرونده بررسی شش‌ماهه‌ای" + (" در این تاریخ" if args.date else "")
                              + " ثبت نشده است.")
        doc = generate_review_form(ctx, max(reviews, key=lambda r: (r.date, r.id)).id)
    finally:
        ctx.db.dispose()
    _write(args.out, doc.pdf)
    print(f"فرم بررسی شش‌ماهه {doc.report_id} در {args.out} نوشته شد.")
    return 0


EXIT_NOT_IN_RECORDS = 4  # intact and signed by this clinic's key, but not in this data folder's registry


def cmd_verify(args) -> int:
    """Exit 0 only for an intact document, nothing after our signature, signed by a trusted key
    (the clinic's own with --data-dir, or one in --trust DIR) and, with --data-dir, on record.
    1: not valid (changed, something added, broken; or its data differs from the record);
    3: intact but the signer is unknown or not trusted; 4: not in this clinic's records."""
    if args.code:
        return _verify_code(args)
    if not args.file:
        raise DomainError("فایل PDF یا --code را بدهید.")
    from app.printing.verify import exit_code, format_verification, load_trust_folder, verify_pdf
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise DomainError(f"فایل خوانده نشد: {exc.strerror}") from None
    trusted = load_trust_folder(args.trust) if args.trust else None
    if getattr(args, "data_dir", None) or _env_has_data():
        check = _record_check(args, data, trusted)
        print(format_verification(check.verification))
        _print_record_match(check)
        _print_audit_head(args, data, compare=check.verification.ok)
        code = exit_code(check.verification)
        if code == 0 and not check.record_found:
            return EXIT_NOT_IN_RECORDS
        return 1 if code == 0 and not check.digest_matches else code
    result = verify_pdf(data, trusted_certs=trusted)
    print(format_verification(result))
    _print_audit_head(args, data, compare=False)
    return exit_code(result)


def _print_audit_head(args, data: bytes, *, compare: bool) -> None:
    """The clinic's audit chain as it stood when the document was made (count, last id, hash). With
    the clinic's data folder, also whether those entries are all still there, unchanged; the exit
    code stays the document's own verdict (`parvandeh check --against` fails on a mismatch)."""
    from app.services.reports import embedded_audit_head
    head = embedded_audit_head(data)
    if head is None:
        return
    print(f"سر زنجیره رویدادهای کلینیک در سند: {head.count} رویداد تا ردیف {head.last_id}، چکیده {head.last_hash}")
    print(f"Audit head in document: {head.count} entries, last id {head.last_id}, hash {head.last_hash}")
    if not compare:
        return
    from app.services.audit import compare_with_anchor
    ctx = _verify_ctx(args)
    try:
        with ctx.db.read() as session:
            problem = compare_with_anchor(session, head, "این سند")
    finally:
        ctx.db.dispose()
    print(problem or "رویدادهای تا این سر همه در زنجیره کلینیک هستند، دست‌نخورده. / The clinic's chain still "
                     "holds every entry up to this head.")


def _verify_code(args) -> int:
    """A paper copy's QR code, checked against this clinic's records."""
    from app.persian import format_iran_datetime
    from app.services.reports import check_printed_code
    ctx = _verify_ctx(args)
    try:
        record, digest_ok = check_printed_code(ctx, args.code)
    finally:
        ctx.db.dispose()
    if record is None:
        print("این گزارش در سوابق این کلینیک نیست. / Not in this clinic's records.")
        return 1
    signed = f"امضاشده توسط {record.signer_name}" if record.signed else "امضانشده"
    made = format_iran_datetime(record.created_at, say_zone=True)
    print(f"گزارش {record.id} ({record.kind})، ساخته‌شده {made}، {signed}.")
    if record.summary:
        print(f"{record.kind_label}: {record.summary}")
        print(f"Registry: {record.summary}")
    if not digest_ok:
        print("چکیده چاپ‌شده با سابقه مطابقت ندارد. / The printed digest does not match the record.")
        return 1
    print("با سابقه مطابقت دارد. / Matches the record.")
    return 0


def _env_has_data() -> bool:
    import os
    return bool(os.environ.get(ENV_DATA_DIR))


def _record_check(args, data: bytes, trusted):
    from app.services.reports import check_report
    ctx = _verify_ctx(args)
    try:
        return check_report(ctx, data, also_trusted=trusted)
    finally:
        ctx.db.dispose()


def _print_record_match(check) -> None:
    if not check.record_found:
        print("این گزارش در سوابق این کلینیک ثبت نشده است. / Not in this clinic's records.")
    elif check.digest_matches:
        print(f"با سابقه گزارش {check.report_id} مطابقت دارد. / Matches record {check.report_id}.")
    else:
        print("داده پیوست با سابقه ثبت‌شده مطابقت ندارد. / Embedded data differs from the record.")


def register(sub, common) -> None:
    report = sub.add_parser("report", parents=[common], help="ساختن سند (PDF)")
    rsub = report.add_subparsers(dest="document", required=True)

    def document(name: str, handler, help_text: str, monthly: bool = True):
        p = rsub.add_parser(name, parents=[common], help=help_text)
        if monthly:
            p.add_argument("--month", required=True, help="ماه شمسی، مثلاً 1405/08")
            p.add_argument("--contract", help="شماره قرارداد (وقتی تنها یک قرارداد فعال است لازم نیست)")
        p.add_argument("--out", required=True, help="مسیر فایل PDF خروجی")
        p.add_argument("--sign", action="store_true", help="امضا با کلید کلینیک (رمز کلید در خط دوم ورودی استاندارد)")
        p.set_defaults(handler=handler)
        return p

    def month_signing(p):
        p.add_argument("--reason", help="دلیل اصلاح، وقتی این ماه پیش‌تر امضا شده است (اصلاحیه)")
        p.add_argument("--confirm-unfinished", action="store_true",
                       help="امضای ماهی که هنوز تمام نشده است، با آگاهی از روزهای نگذشته")

    p = document("monthly", cmd_report_monthly, "گزارش عملکرد ماهانه برای بهزیستی شهرستان (فقط مدیر)")
    p.add_argument("--xlsx", help="جدول گزارش را به صورت xlsx هم اینجا ذخیره کن")
    month_signing(p)
    month_signing(document("invoice", cmd_report_invoice, "صورتحساب ماهانه (فقط مدیر)"))
    p = document("case", cmd_report_case, "خلاصه پرونده یک فرزند", monthly=False)
    p.add_argument("--file", required=True, help="شماره پرونده بهزیستی یا کلینیک")
    p.add_argument("--purpose", default="بازدید کارشناس ناظر", help="هدف تهیه خلاصه (پیش‌فرض: بازدید کارشناس ناظر)")
    p = rsub.add_parser("review", parents=[common], help="فرم بررسی شش‌ماهه یک پرونده، برای امضای دستی حاضران",
                        epilog="نمونه‌ها:\n  parvandeh report review --file 1403-0012 --out review.pdf --user manager\n"
                               "  parvandeh report review --file 1403-0012 --date 1405/07/15 --out review.pdf",
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--file", required=True, help="شماره پرونده بهزیستی یا کلینیک")
    p.add_argument("--date", help="تاریخ شمسی بررسی (پیش‌فرض: تازه‌ترین بررسی پرونده)")
    p.add_argument("--out", required=True, help="مسیر فایل PDF خروجی")
    p.set_defaults(handler=cmd_report_review)

    p = sub.add_parser("verify", parents=[common], help="بررسی PDF امضاشده یا کد QR نسخه کاغذی (بدون ورود)")
    p.add_argument("file", nargs="?", help="فایل PDF برای بررسی")
    p.add_argument("--code", help="متن کد QR روی نسخه چاپی (پوشه داده لازم است)")
    p.add_argument("--trust", metavar="DIR",
                   help="پوشه گواهی‌های کلینیک‌های مورد اعتماد (cer، crt، der، pem): فقط امضای این‌ها پذیرفته است")
    p.set_defaults(handler=cmd_verify)

    key = sub.add_parser("key", parents=[common], help="کلید امضای کلینیک")
    ksub = key.add_subparsers(dest="key_command", required=True)
    p = ksub.add_parser("export", parents=[common],
                        help="گواهی کلینیک (بخش عمومی کلید) برای اداره بهزیستی، با اثر انگشت SHA-256")
    p.add_argument("--out", required=True, help="فایل گواهی، مثلاً clinic.cer (DER)")
    p.set_defaults(handler=cmd_key_export)


def cmd_key_export(args) -> int:
    """Write the clinic's certificate and print its SHA-256 fingerprint for the contract papers."""
    from app.errors import AuthError
    from app.services.reports import clinic_certificate
    ctx = _ctx(args)
    try:
        try:
            der = clinic_certificate(ctx)
        except AuthError:  # a key made before the certificate was kept beside it
            from app.cli import read_password
            der = clinic_certificate(ctx, read_password("رمز عبور مدیر (برای خواندن گواهی از کلید): "))
    finally:
        ctx.db.dispose()
    _write(args.out, der)
    for line in fingerprint_lines(der):
        print(line)
    return 0


def fingerprint_lines(der: bytes) -> list[str]:
    """The certificate's SHA-256 in Persian digits (for the contract papers) and in ASCII."""
    import hashlib

    from app.persian import to_persian_digits
    from app.printing.verify import load_certificate_name
    digest = hashlib.sha256(der).hexdigest().upper()
    groups = " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))
    return [
        f"گواهی کلینیک: {load_certificate_name(der)}",
        f"اثر انگشت SHA-256 گواهی (از چپ به راست بخوانید): {to_persian_digits(groups)}",
        f"SHA-256 fingerprint: {groups}",
    ]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(1)
