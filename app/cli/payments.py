"""`parvandeh payments add|list|reverse|deliver`, `parvandeh receivables` and `parvandeh cheques
add|return|list|void|undo-return`: money owed and guarantee cheques held, headless.

Every command acts through app.cli._acting_ctx, so the services' rule (manager only) decides."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import asdict
from typing import Iterator

from app.cli.output import print_json, print_table
from app.errors import ValidationError


@contextmanager
def _session(args) -> Iterator:
    """The manager's context for one command, its database closed when the block ends. Money is the
    manager's alone: anyone else is refused before any record is looked up."""
    from app.cli import _acting_ctx, _open, _require_set_up
    from app.services.permissions import require_manager
    db = _open(args)
    try:
        _require_set_up(db)
        ctx = _acting_ctx(args, db)
        require_manager(ctx.actor)
        yield ctx
    finally:
        db.dispose()


def _contract_id(ctx, number) -> int:
    from app.services.contracts import find_contract
    return find_contract(ctx, number, ctx.today()).id


def _allocations(ctx, specs):
    """--invoice INV-… or INV-…:AMOUNT, as (invoice id, amount); an invoice without an amount takes
    all it still owes."""
    from app.services.payments import find_invoice
    if not specs:
        return None
    pairs = []
    for spec in specs:
        report_id, _, amount = spec.partition(":")
        invoice = find_invoice(ctx, report_id)
        pairs.append((invoice.id, amount or invoice.outstanding_rials))
    return pairs


def _payment_dict(row) -> dict:
    data = asdict(row)
    data["kind"] = row.kind_label
    return data


def cmd_payments_add(args) -> int:
    from app.persian import format_number
    from app.services.payments import OverpaymentWarning, PaymentInput, add_payment
    with _session(args) as ctx:
        data = PaymentInput(contract_id=_contract_id(ctx, args.contract), paid_on=args.date, amount_rials=args.amount,
                            bank_reference=args.ref or "", note=args.note or "",
                            allocations=_allocations(ctx, args.invoice))
        try:
            row = add_payment(ctx, data, accept_overpayment=args.accept_overpayment)
        except OverpaymentWarning as warning:
            raise ValidationError(f"{warning.message} (با --accept-overpayment)", field=warning.field) from None
    if args.format == "json":
        print_json(_payment_dict(row))
    else:
        settled = "، ".join(f"{a.report_id}: {format_number(a.amount_rials)}" for a in row.allocations) or "—"
        print(f"پرداخت {row.id} به مبلغ {format_number(row.amount_rials)} ریال ثبت شد؛ تسویه: {settled}")
    return 0


def cmd_payments_list(args) -> int:
    from app.persian import format_jalali, format_number, to_persian_digits
    from app.services.payments import list_payments
    with _session(args) as ctx:
        contract_id = _contract_id(ctx, args.contract) if args.contract else None
        rows = list_payments(ctx, contract_id=contract_id)
    if args.format == "json":
        print_json([_payment_dict(r) for r in rows])
        return 0
    table = [("شناسه", "تاریخ", "قرارداد", "مبلغ (ریال)", "شماره پیگیری", "نوع", "صورتحساب‌ها")]
    table += [(to_persian_digits(r.id), format_jalali(r.paid_on), r.contract_number, format_number(r.amount_rials),
               r.bank_reference, r.kind_label, "، ".join(a.report_id for a in r.allocations)) for r in rows]
    print_table(table)
    return 0


def cmd_payments_reverse(args) -> int:
    from app.persian import format_number
    from app.services.payments import reverse_payment
    with _session(args) as ctx:
        row = reverse_payment(ctx, args.payment, args.reason, on=args.date)
    print(f"پرداخت {args.payment} با ردیف {row.id} به مبلغ {format_number(row.amount_rials)} ریال برگشت خورد.")
    return 0


def cmd_payments_deliver(args) -> int:
    from app.persian import format_jalali
    from app.services.payments import find_invoice, record_delivery
    with _session(args) as ctx:
        row = record_delivery(ctx, find_invoice(ctx, args.invoice).id, args.date, args.how or "", args.note or "")
    print(f"تحویل صورتحساب {row.report_id} در {format_jalali(row.delivered_on)} ثبت شد.")
    return 0


def cmd_receivables(args) -> int:
    from app.services.receivables import export_xlsx, receivables
    with _session(args) as ctx:
        if args.letter:
            return _letter(ctx, args)
        view = receivables(ctx)
        if args.xlsx:
            from app.cli.reports import _write
            import io
            out = io.BytesIO()
            export_xlsx(ctx, out)
            _write(args.xlsx, out.getvalue())
    if args.format == "json":
        print_json({"today": view.today, "total": asdict(view.total), "offices": [asdict(o) for o in view.offices],
                     "contracts": [asdict(c) for c in view.contracts],
                     "open_invoices": [asdict(i) for i in view.open_invoices],
                     "cheques": [dict(asdict(c), status=c.status_label) for c in view.cheques],
                     "months": [asdict(m) for m in view.months]})
    else:
        _print_receivables(view)
    return 0


def _print_receivables(view) -> None:
    from app.persian import format_jalali, format_number, to_persian_digits

    def days(n):
        return "—" if n is None else to_persian_digits(n)
    table = [("اداره / قرارداد", "صورتحساب‌شده", "دریافت‌شده", "مانده", "صورتحساب باز", "قدیمی‌ترین (روز)")]
    for row in [*view.offices, *view.contracts, view.total]:
        table.append((row.name, format_number(row.invoiced_rials), format_number(row.received_rials),
                      format_number(row.outstanding_rials), to_persian_digits(row.open_invoices), days(row.oldest_days)))
    print_table(table)
    print()
    table = [("صورتحساب", "قرارداد", "ماه", "مبلغ", "مانده", "وضعیت", "تحویل", "روز")]
    table += [(i.report_id, i.contract_number, i.month_label, format_number(i.amount_rials),
               format_number(i.outstanding_rials), i.status_label,
               format_jalali(i.delivered_on) if i.delivered_on else "تحویل‌نشده", days(i.days_outstanding))
              for i in view.open_invoices]
    print_table(table)
    overdue = [c for c in view.cheques if c.days_overdue > 0]
    if overdue:
        print()
        for c in overdue:
            print(f"چک ضمانت {c.cheque_number} (قرارداد {c.contract_number}) از {format_jalali(c.due_back)} "
                  f"باید عودت می‌شد: {to_persian_digits(c.days_overdue)} روز دیرکرد.")


def _cheque_dict(row) -> dict:
    return dict(asdict(row), status=row.status_label)


def cmd_cheques_list(args) -> int:
    from app.persian import format_jalali, format_number, to_persian_digits
    from app.services.cheques import list_cheques
    with _session(args) as ctx:
        contract_id = _contract_id(ctx, args.contract) if args.contract else None
        rows = list_cheques(ctx, overdue_only=args.overdue, contract_id=contract_id, include_voided=args.all)
    if args.format == "json":
        print_json([_cheque_dict(r) for r in rows])
        return 0

    def day(d):
        return format_jalali(d) if d else "—"
    table = [("شناسه", "قرارداد", "اداره", "شماره چک", "مبلغ (ریال)", "تحویل", "موعد عودت", "عودت", "دیرکرد (روز)",
              "وضعیت")]
    table += [(to_persian_digits(r.id), r.contract_number, r.office_name, r.cheque_number,
               format_number(r.amount_rials) if r.amount_rials else "—", day(r.given_on), day(r.due_back),
               day(r.returned_on), to_persian_digits(r.days_overdue) if r.days_overdue else "", r.status_label)
              for r in rows]
    print_table(table)
    return 0


def _cheque_done(args, row, what: str) -> int:
    if args.format == "json":
        print_json(_cheque_dict(row))
    else:
        print(f"چک ضمانت {row.cheque_number} (شناسه {row.id}، قرارداد {row.contract_number}) {what}.")
    return 0


def cmd_cheques_add(args) -> int:
    from app.persian import format_jalali
    from app.services.cheques import ChequeInput, add_cheque
    with _session(args) as ctx:
        row = add_cheque(ctx, ChequeInput(_contract_id(ctx, args.contract), args.number, args.amount, args.date,
                                          args.note or ""))
    return _cheque_done(args, row, f"ثبت شد؛ موعد عودت {format_jalali(row.due_back)}")


def cmd_cheques_return(args) -> int:
    from app.persian import format_jalali
    from app.services.cheques import return_cheque
    with _session(args) as ctx:
        row = return_cheque(ctx, args.cheque, args.date)
    return _cheque_done(args, row, f"در {format_jalali(row.returned_on)} عودت شد")


def cmd_cheques_void(args) -> int:
    from app.services.cheques import void_cheque
    with _session(args) as ctx:
        row = void_cheque(ctx, args.cheque, args.reason)
    return _cheque_done(args, row, "باطل شد (ثبت نادرست؛ ردیف می‌ماند)")


def cmd_cheques_undo_return(args) -> int:
    from app.services.cheques import undo_cheque_return
    with _session(args) as ctx:
        row = undo_cheque_return(ctx, args.cheque, args.reason)
    return _cheque_done(args, row, "دوباره نزد بهزیستی است (عودت نادرست برداشته شد)")


def _letter(ctx, args) -> int:
    from app.cli.reports import _write
    from app.services.receivables import generate_receivables_letter
    if not args.out:
        raise ValidationError("برای نامه، مسیر فایل را با --out بدهید.", field="out")
    password = None
    if args.sign:
        from app.cli import read_password
        password = read_password("رمز عبور مدیر (برای امضا): ")
    doc = generate_receivables_letter(ctx, args.letter, sign_password=password)
    _write(args.out, doc.pdf)
    print(f"صورت وضعیت مطالبات {doc.report_id} {'امضاشده ' if doc.signed else ''}در {args.out} نوشته شد.")
    return 0


SIGN_IN = ("فقط مدیر. ورود: --user نام‌کاربری و رمز عبور در خط اول ورودی استاندارد (رمز امضا، اگر لازم است، "
           "در خط دوم).")
PAYMENTS_EXAMPLES = SIGN_IN + """

نمونه‌ها:
  echo 'رمز' | parvandeh payments add --user manager --contract 1405-101 --date 1405/09/10 --amount 120000000 --ref 556677
  echo 'رمز' | parvandeh payments add --user manager --date 1405/09/10 --amount 50000000 --invoice INV-14050805-0A1B2C3D
  echo 'رمز' | parvandeh payments list --user manager --format json
  echo 'رمز' | parvandeh payments reverse 12 --user manager --reason 'دو بار ثبت شده بود'
  echo 'رمز' | parvandeh payments deliver --user manager --invoice INV-14050805-0A1B2C3D --date 1405/08/07 --how پست"""
RECEIVABLES_EXAMPLES = SIGN_IN + """

نمونه‌ها:
  echo 'رمز' | parvandeh receivables --user manager
  echo 'رمز' | parvandeh receivables --user manager --format json --xlsx مطالبات.xlsx
  printf 'رمز\nرمز\n' | parvandeh receivables --user manager --letter 'اداره بهزیستی شهرستان ری' --out rc.pdf --sign"""
CHEQUES_EXAMPLES = SIGN_IN + """ موعد عودت هر چک: پایان قرارداد + مهلت عودت قرارداد (روز).
چیزی پاک نمی‌شود: ثبت نادرست با void باطل، و عودت نادرست با undo-return برداشته می‌شود.

نمونه‌ها:
  echo 'رمز' | parvandeh cheques list --user manager --overdue
  echo 'رمز' | parvandeh cheques add --user manager --contract 1405-101 --number 123456/78 --amount 500000000 --date 1405/01/10
  echo 'رمز' | parvandeh cheques return 3 --user manager --date 1405/02/15
  echo 'رمز' | parvandeh cheques void 4 --user manager --reason 'شماره چک اشتباه وارد شد'
  echo 'رمز' | parvandeh cheques undo-return 3 --user manager --reason 'چک دیگری عودت شده بود'"""


def _register_cheques(sub, common) -> None:
    cheques = sub.add_parser("cheques", parents=[common], help="چک‌های ضمانت نزد ادارات بهزیستی (فقط مدیر)",
                             epilog=CHEQUES_EXAMPLES)
    csub = cheques.add_subparsers(dest="action", required=True, title="کارها", metavar="کار")

    def command(name: str, help_text: str, handler, *arguments: tuple[tuple[str, ...], dict]) -> None:
        """One cheque sub-command: its own arguments, then --format (every one answers in table or JSON)."""
        p = csub.add_parser(name, parents=[common], help=help_text, epilog=CHEQUES_EXAMPLES)
        for names, options in arguments:
            p.add_argument(*names, **options)
        p.add_argument("--format", choices=("table", "json"), default="table", help="قالب خروجی")
        p.set_defaults(handler=handler)

    def cheque(help_text: str = "شناسه چک"):
        return ("cheque",), dict(type=int, help=help_text)

    def reason(help_text: str):
        return ("--reason",), dict(required=True, help=help_text)

    command("list", "فهرست چک‌ها؛ دیرکردها نخست", cmd_cheques_list,
            (("--contract",), dict(help="فقط چک‌های این قرارداد")),
            (("--overdue",), dict(action="store_true", help="فقط چک‌هایی که موعد عودتشان گذشته است")),
            (("--all",), dict(action="store_true", help="ردیف‌های باطل‌شده (ثبت نادرست) هم نشان داده شوند")))
    command("add", "ثبت چک ضمانتی که به اداره بهزیستی داده شد", cmd_cheques_add,
            (("--contract",), dict(help="شماره قرارداد (اگر فقط یک قرارداد فعال است، لازم نیست)")),
            (("--number",), dict(required=True, help="شماره چک")),
            (("--amount",), dict(required=True, help="مبلغ چک به ریال")),
            (("--date",), dict(required=True, help="تاریخ تحویل چک، شمسی (مثل ۱۴۰۵/۰۱/۱۰)")),
            (("--note",), dict(help="توضیح")))
    command("return", "ثبت عودت چک از سوی اداره", cmd_cheques_return,
            cheque("شناسه چک (ستون «شناسه» در cheques list)"),
            (("--date",), dict(required=True, help="تاریخ عودت، شمسی")))
    command("void", "ابطال چکی که نادرست ثبت شد (ردیف می‌ماند)", cmd_cheques_void, cheque(), reason("دلیل ابطال"))
    command("undo-return", "برداشتن عودتی که نادرست ثبت شد", cmd_cheques_undo_return, cheque(), reason("دلیل اصلاح"))


def register(sub, common) -> None:
    _register_cheques(sub, common)
    payments = sub.add_parser("payments", parents=[common], help="پرداخت‌های دریافتی از بهزیستی (فقط مدیر)",
                              epilog=PAYMENTS_EXAMPLES)
    psub = payments.add_subparsers(dest="action", required=True)

    p = psub.add_parser("add", parents=[common], help="ثبت یک پرداخت دریافتی و صورتحساب‌هایی که تسویه می‌کند")
    p.add_argument("--contract", help="شماره قرارداد (اگر فقط یک قرارداد فعال است، لازم نیست)")
    p.add_argument("--date", required=True, help="تاریخ پرداخت، شمسی (مثل ۱۴۰۵/۰۹/۱۰)")
    p.add_argument("--amount", required=True, help="مبلغ به ریال")
    p.add_argument("--ref", help="شماره پیگیری یا سند بانکی")
    p.add_argument("--note", help="توضیح")
    p.add_argument("--invoice", action="append", metavar="INV-ID[:AMOUNT]",
                   help="صورتحسابی که تسویه می‌شود، با مبلغ یا بدون آن (تکرارپذیر)؛ بدون آن، قدیمی‌ترین‌ها نخست")
    p.add_argument("--accept-overpayment", action="store_true",
                   help="ثبت پرداخت بیش از مانده مطالبات قرارداد (مازاد بستانکاری می‌ماند)")
    p.add_argument("--format", choices=("table", "json"), default="table", help="قالب خروجی")
    p.set_defaults(handler=cmd_payments_add)

    p = psub.add_parser("list", parents=[common], help="فهرست پرداخت‌ها و برگشت‌ها، تازه‌ترین نخست")
    p.add_argument("--contract", help="فقط پرداخت‌های این قرارداد")
    p.add_argument("--format", choices=("table", "json"), default="table", help="قالب خروجی")
    p.set_defaults(handler=cmd_payments_list)

    p = psub.add_parser("reverse", parents=[common], help="برگشت یک پرداخت اشتباه با ردیفی تازه (چیزی پاک نمی‌شود)")
    p.add_argument("payment", type=int, help="شناسه پرداخت")
    p.add_argument("--reason", required=True, help="دلیل برگشت")
    p.add_argument("--date", help="تاریخ برگشت (پیش‌فرض: امروز)")
    p.set_defaults(handler=cmd_payments_reverse)

    p = psub.add_parser("deliver", parents=[common], help="ثبت تاریخ تحویل یا ارسال صورتحساب امضاشده")
    p.add_argument("--invoice", required=True, help="شماره صورتحساب (INV-…)")
    p.add_argument("--date", required=True, help="تاریخ تحویل، شمسی")
    p.add_argument("--how", help="شیوه تحویل (حضوری، پست، …)")
    p.add_argument("--note", help="توضیح")
    p.set_defaults(handler=cmd_payments_deliver)

    p = sub.add_parser("receivables", parents=[common], help="مطالبات: هر قرارداد و هر اداره، صورتحساب‌های باز، چک‌ها",
                       epilog=RECEIVABLES_EXAMPLES)
    p.add_argument("--format", choices=("table", "json"), default="table", help="قالب خروجی")
    p.add_argument("--xlsx", help="همین جدول‌ها در فایل اکسل")
    p.add_argument("--letter", metavar="OFFICE", help="نامه «صورت وضعیت مطالبات» برای این اداره بهزیستی")
    p.add_argument("--out", help="مسیر فایل PDF نامه")
    p.add_argument("--sign", action="store_true", help="امضای نامه (رمز عبور مدیر از ورودی استاندارد)")
    p.set_defaults(handler=cmd_receivables)
    for child in psub.choices.values():
        child.epilog = child.epilog or PAYMENTS_EXAMPLES
