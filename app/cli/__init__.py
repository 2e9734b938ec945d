"""The `parvandeh` command: the GUI by default, and the same services headless."""

from __future__ import annotations

import argparse
import csv
import getpass
import importlib
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Optional, Sequence

from app.cli.output import print_json, print_table as _print_table
from app.constants import ENV_DATABASE_URL, ENV_USER
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


USER_ENV = ENV_USER


def _data_dir(args: argparse.Namespace, *, create: bool = False) -> Path:
    """The data folder; one that does not exist is an error naming it (only init, demo and the
    GUI's first-run wizard make a new one), so a mistyped --data-dir never starts an empty clinic."""
    from app.storage.datadir import resolve_data_dir
    path = resolve_data_dir(getattr(args, "data_dir", None))
    if not create and not path.is_dir():
        raise DomainError(f"پوشه داده «{path}» وجود ندارد. مسیر را درست بنویسید، یا برای کلینیک تازه "
                          "«parvandeh init» یا «parvandeh demo» و برای میز اداره «parvandeh office init» را اجرا کنید.")
    return path


def _open(args: argparse.Namespace, *, create: bool = False):
    import os

    from app.storage.datadir import database_file, open_database
    folder = _data_dir(args, create=create)
    if not create and not os.environ.get(ENV_DATABASE_URL) and not database_file(folder).is_file():
        raise DomainError(f"در پوشه «{folder}» کلینیکی نیست؛ ابتدا «parvandeh init» یا «parvandeh demo» را اجرا کنید.")
    return open_database(folder)


def _acting_ctx(args: argparse.Namespace, db):
    """The service context every record-touching sub-command acts through: the signed-in user.

    --user (or PARVANDEH_USER) names the account; its password comes from the terminal without
    echo, or as the first line of stdin. A second password (signing key, backup) is the next line.
    Wrong passwords count toward the account's lockout, exactly as at the sign-in screen."""
    from app.services.context import ServiceContext
    return ServiceContext(db, _signed_in(args, db), data_dir=_data_dir(args))


def _signed_in(args: argparse.Namespace, db):
    """The signed-in Actor (for a command whose data folder may not exist yet: `connect`)."""
    import os

    from app.services.accounts import sign_in
    _require_set_up(db)
    actor = getattr(args, "_signed_in", None)
    if actor is None:
        user = getattr(args, "user", None) or os.environ.get(USER_ENV)
        if not user:
            raise DomainError("این فرمان به ورود نیاز دارد: نام کاربری را با --user (یا PARVANDEH_USER) بدهید؛ "
                              "رمز عبور از صفحه‌کلید یا خط اول ورودی استاندارد خوانده می‌شود.")
        password = getattr(args, "_password", None)  # read already by the quick path (app.cli.quick)
        actor = sign_in(db, user, read_password(f"رمز عبور {user}: ") if password is None else password)
        args._signed_in = actor  # one sign-in per run, however many contexts a command needs
    return actor


def _system_ctx(args: argparse.Namespace, db):
    """For `verify` only: which reports this clinic recorded (no personal data), without sign-in."""
    from app.services.context import Actor, ServiceContext
    return ServiceContext(db, Actor.system(), data_dir=_data_dir(args))


def _require_set_up(db) -> None:
    from app.services.clinic import is_set_up
    if not is_set_up(db):
        raise DomainError("این پوشه داده هنوز راه‌اندازی نشده است؛ ابتدا «parvandeh init» یا «parvandeh demo» را اجرا کنید.")


# -- commands ----------------------------------------------------------------------------------------

def cmd_gui(args: argparse.Namespace) -> int:
    try:
        from app.ui.machinery.main import run_gui
    except ImportError as exc:
        print(f"رابط گرافیکی در دسترس نیست: {exc}", file=sys.stderr)
        return 2
    return run_gui(_data_dir(args, create=True))  # a new folder is the first-run wizard's to make


def cmd_init(args: argparse.Namespace) -> int:
    from app.services.accounts import StaffInput
    from app.services.clinic import ClinicInput, set_up_clinic
    db = _open(args, create=True)
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
    db = _open(args, create=True)
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
    print(f"پوشه داده: {_data_dir(args, create=True)}")
    print(f"نام کاربری مدیر: {result.manager_username}")
    print(f"رمز عبور: {result.password}")
    return 0


def cmd_contracts_list(args: argparse.Namespace) -> int:
    if args.format == "json":  # carries the manager's cheques (money): through the services and their policy
        print_json(_contracts_through_services(args))
        return 0
    from app.cli import quick as cli_quick
    try:
        contracts = cli_quick.contracts_list(args)
    except cli_quick.Fallback:
        contracts = _contracts_through_services(args)
    from app.persian import format_jalali, format_number
    rows = [("شماره", "اداره طرف قرارداد", "شروع", "پایان", "مبلغ هر پرونده (ریال)", "ظرفیت", "فعال")]
    rows += [(c["number"], c["office_name"], format_jalali(c["start_date"]), format_jalali(c["end_date"]),
              format_number(c["fee_per_case_month_rials"]), format_number(c["capacity"]),
              format_number(c["active_cases"])) for c in contracts]
    _print_table(rows)
    return 0


def _contracts_through_services(args: argparse.Namespace) -> list[dict]:
    from app.services.contracts import list_contracts
    db = _open(args)
    try:
        ctx = _acting_ctx(args, db)
        contracts = list_contracts(ctx)
        cheques = _cheques_for_json(ctx)
    finally:
        db.dispose()
    return [{**asdict(c), **_cheque_keys(cheques.get(c.id, []))} for c in contracts]


def _cheques_for_json(ctx) -> dict:
    """The manager's cheques by contract (money: nobody else's), for `contracts list --format json`."""
    if not ctx.actor.is_manager:
        return {}
    from app.services.cheques import list_cheques
    out: dict = {}
    for row in sorted(list_cheques(ctx), key=lambda r: r.id):
        out.setdefault(row.contract_id, []).append(row)
    return out


def _cheque_keys(rows: list) -> dict:
    """The keys this output had when a contract held one cheque (its first cheque; empty for
    anyone but the manager), and every cheque under "cheques" (revision 0011 onwards)."""
    first = rows[0] if rows else None
    return {"cheque_number": first.cheque_number if first else "",
            "cheque_amount_rials": first.amount_rials if first else None,
            "cheque_given_on": first.given_on if first else None,
            "cheque_returned_on": first.returned_on if first else None,
            "cheques": [dict(id=r.id, number=r.cheque_number, amount_rials=r.amount_rials, given_on=r.given_on,
                             due_back=r.due_back, returned_on=r.returned_on, days_overdue=r.days_overdue,
                             status=r.status_label) for r in rows]}


def cmd_cases_list(args: argparse.Namespace) -> int:
    from app.cli import quick as cli_quick
    if args.limit < 1:
        raise DomainError("--limit باید عددی بزرگ‌تر از صفر باشد.", field="limit")
    try:
        rows = cli_quick.cases_list(args)
    except cli_quick.Fallback:
        rows = _cases_through_services(args)
    columns = ("behzisti_file_number", "clinic_file_number", "last_name", "first_name", "father_name",
               "national_code", "status_label", "social_worker_name")
    if args.format == "json":
        print_json(rows)
    elif args.format == "csv":
        from app.printing.cells import safe_cell
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        for r in rows:
            writer.writerow([safe_cell(r[c] or "") for c in columns])
    else:
        header = ("شماره بهزیستی", "شماره کلینیک", "نام خانوادگی", "نام", "نام پدر", "کد ملی", "وضعیت", "مددکار")
        _print_table([header] + [tuple(str(r[c] or "") for c in columns) for r in rows])
    return 0


def _cases_through_services(args: argparse.Namespace) -> list[dict]:
    from app.services.caselist import CaseQuery, list_all_cases
    db = _open(args)
    try:
        query = CaseQuery(text=args.search or "", status=None if args.status == "all" else args.status)
        return [asdict(r) for r in list_all_cases(_acting_ctx(args, db), query, args.limit)]
    finally:
        db.dispose()


def cmd_check(args: argparse.Namespace) -> int:
    anchors: list[tuple[str, str]] = []
    if getattr(args, "against", None):  # copies kept elsewhere are read through the services
        problems, revision, chain, anchors = _check_through_services(args)
    else:
        from app.cli import quick as cli_quick
        try:
            problems, revision, chain = cli_quick.check(args)
        except cli_quick.Fallback:
            problems, revision, chain, anchors = _check_through_services(args)
    if not chain.ok:
        problems.append(f"زنجیره رویدادها از ردیف {chain.first_broken_id} شکسته است: {chain.reason}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("پایگاه داده سالم نیست.", file=sys.stderr)
        return 1
    print(f"پایگاه داده سالم است (نسخه طرح {revision}، {chain.entries} رویداد در زنجیره).")
    for line, _ in anchors:
        print(line)
    return 0


def _check_through_services(args: argparse.Namespace):
    from app.services.audit import compare_head, verify_chain
    from app.services.clinic import is_set_up
    from app.storage.migrate import current_revision, head_revision, integrity_problems
    db = _open(args)
    try:
        problems = integrity_problems(db)
        if not is_set_up(db):
            problems.append("در این پوشه کلینیکی راه‌اندازی نشده است (نه مشخصات کلینیک هست، نه مدیری).")
        with db.read() as session:
            chain = verify_chain(session)
            missing = compare_head(session, chain)
        if missing:
            problems.append(missing)
        anchors = [_anchor_check(args, db, path) for path in (getattr(args, "against", None) or [])]
        problems += [problem for _, problem in anchors if problem]
        revision = current_revision(db)
    finally:
        db.dispose()
    if revision != head_revision():
        problems.append(f"schema revision {revision} != {head_revision()}")
    return problems, revision, chain, anchors


def _anchor_check(args: argparse.Namespace, db, path: str) -> tuple[str, str]:
    """(line for a match, problem or '') for one copy kept elsewhere: a signed document of this
    clinic (PDF) or a backup (.pvbak). Its audit head must still be in the chain, unchanged."""
    from app.services.audit import compare_with_anchor
    head, where = _anchor_of(args, db, Path(path))
    if head is None:
        return "", where
    with db.read() as session:
        problem = compare_with_anchor(session, head, where)
    if problem:
        return "", problem
    return (f"سر زنجیره در «{path}» ({head.count} رویداد تا ردیف {head.last_id}) با زنجیره می‌خواند. "
            f"/ Audit head in {path} matches the chain."), ""


def _anchor_of(args: argparse.Namespace, db, path: Path):
    """(head, label) of a file, or (None, problem)."""
    from app.services.audit import head_from_dict
    if not path.is_file():
        return None, f"فایل «{path}» پیدا نشد."
    if path.suffix.lower() == ".pvbak":
        from app.storage.backup import backup_is_encrypted, read_backup_info
        password = read_password(f"رمز پشتیبان {path.name}: ") if backup_is_encrypted(path) else None
        info = read_backup_info(path, password)
        head = head_from_dict(info.audit_head)
        if head is None:
            return None, f"پشتیبان «{path}» سر زنجیره رویدادها را ندارد (ساخته نسخه پیشین برنامه)."
        return head, f"پشتیبان «{path.name}»"
    from app.services.reports import check_report, embedded_audit_head
    data = path.read_bytes()
    check = check_report(_system_ctx(args, db), data)
    if not (check.verification.ok and check.verification.trusted):
        return None, f"«{path}» سند امضاشده و دست‌نخورده این کلینیک نیست؛ سر زنجیره آن سنجیده نشد."
    head = embedded_audit_head(data)
    if head is None:
        return None, f"سند «{path}» سر زنجیره رویدادها را ندارد (ساخته نسخه پیشین برنامه)."
    return head, f"سند امضاشده «{path.name}»"


# -- parser ------------------------------------------------------------------------------------------

# argparse's own words, in Persian (it looks them up through its module-level `_` at run time).
_ARGPARSE_WORDS = {
    "usage: ": "طرز استفاده: ",
    "positional arguments": "ورودی‌های بی‌نام",
    "options": "گزینه‌ها",
    "show this help message and exit": "نمایش همین راهنما و خروج",
    "%(prog)s: error: %(message)s\n": "%(prog)s: خطا: %(message)s\n",
    "the following arguments are required: %s": "این ورودی‌ها لازم است: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "گزینه نادرست: %(value)r (یکی از %(choices)s)",
    "unrecognized arguments: %s": "ورودی‌های ناشناخته: %s",
    "expected one argument": "یک مقدار لازم است",
    "argument %(argument_name)s: %(message)s": "ورودی %(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "مقدار نادرست: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "گزینه مبهم: %(option)s با %(matches)s جور است",
}


def _persian_argparse() -> None:
    import gettext
    # gettext only for the words not here: it looks for catalogue files on disk at every call.
    argparse._ = lambda text: _ARGPARSE_WORDS[text] if text in _ARGPARSE_WORDS else gettext.gettext(text)  # type: ignore[attr-defined]


class PersianParser(argparse.ArgumentParser):
    """Help laid out as written (examples keep their lines), in Persian."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)


DATA_DIR_HELP = "پوشه داده کلینیک (پیش‌فرض: PARVANDEH_DATA_DIR یا پوشه داده کاربر)؛ باید از پیش وجود داشته باشد"
USER_HELP = ("نام کاربری برای ورود (یا PARVANDEH_USER)؛ رمز عبور از صفحه‌کلید یا خط اول ورودی استاندارد "
             "خوانده می‌شود")

SIGN_IN_NOTE = ("این فرمان به ورود نیاز دارد: --user نام‌کاربری و رمز عبور در خط اول ورودی استاندارد "
                "(رمز دوم، مثلاً رمز امضا یا رمز پشتیبان، در خط بعد).")

EXAMPLES = {
    "": """فرمان‌هایی که پرونده‌ها را می‌خوانند یا تغییر می‌دهند ورود می‌خواهند (--user و رمز عبور)؛
فقط init، demo، verify و --help بی‌ورود اجرا می‌شوند.

نمونه‌ها:
  parvandeh --data-dir D:\\Parvandeh                   برنامه گرافیکی
  parvandeh demo --cases 200 --data-dir /tmp/demo       پوشه نمونه
  echo 'رمز' | parvandeh --user manager cases list --search رضایی
  parvandeh check --data-dir /srv/parvandeh""",
    "gui": "نمونه:\n  parvandeh gui --data-dir D:\\Parvandeh",
    "init": "نمونه (رمز مدیر دو بار پرسیده می‌شود، یا یک خط از ورودی استاندارد):\n"
            "  parvandeh init --clinic 'کلینیک مهر' --licence 1234/56 --manager 'مریم احمدی' --username maryam "
            "--data-dir D:\\Parvandeh",
    "demo": "نمونه:\n  parvandeh demo --cases 500 --seed 7 --today 2026-11-23 --data-dir /tmp/demo",
    "contracts": SIGN_IN_NOTE + "\n\nنمونه:\n  echo 'رمز' | parvandeh contracts list --user manager --format json",
    "cases": SIGN_IN_NOTE + "\n\nنمونه‌ها:\n  echo 'رمز' | parvandeh cases list --user worker1 --status active\n"
             "  echo 'رمز' | parvandeh cases list --user manager --search 0012345678 --format csv",
    "check": "پایگاه داده، زنجیره رویدادها و سر زنجیره را می‌سنجد؛ پوشه‌ای بی‌کلینیک ناسالم است.\n"
             "با --against سر زنجیره‌ای که در گزارش امضاشده یا پشتیبان مانده است با زنجیره سنجیده می‌شود:\n"
             "اگر رویدادی تا آن سر بعداً پاک یا بازنویسی شده باشد، گزارش می‌شود.\n\n"
             "نمونه‌ها:\n  parvandeh check --data-dir D:\\Parvandeh\n"
             "  parvandeh check --data-dir D:\\Parvandeh --against monthly-report-1405-08-MR-14050902-1A2B3C4D.pdf\n"
             "  echo 'رمز-پشتیبان' | parvandeh check --against E:\\weekly.pvbak",
    "report": SIGN_IN_NOTE + "\n\nنمونه‌ها:\n"
              "  printf 'رمز\\nرمز\\n' | parvandeh report monthly --user manager --month 1405/08 --out m.pdf --sign\n"
              "  echo 'رمز' | parvandeh report case --user worker1 --file 1234 --out summary.pdf",
    "verify": "بدون ورود. نمونه‌ها:\n  parvandeh verify report.pdf\n"
              "  parvandeh verify --code 'PARVANDEH:MR-...' --data-dir D:\\Parvandeh",
    "backup": "فقط مدیر. پشتیبان به‌طور پیش‌فرض رمزدار است: خط اول ورودی رمز ورود، خط دوم رمز پشتیبان.\n\n"
              "نمونه:\n  printf 'رمز\\nرمز-پشتیبان\\n' | parvandeh backup --user manager --out E:\\weekly.pvbak",
    "restore": "فقط مدیر کلینیکِ همین پوشه (اگر پوشه کلینیکی دارد). نمونه:\n"
               "  printf 'رمز\\nرمز-پشتیبان\\n' | parvandeh restore --user manager E:\\weekly.pvbak",
    "migrate": "فقط مدیر (همه پرونده‌ها به سرور دیگری رونوشت می‌شود). نمونه:\n"
               "  echo 'رمز' | parvandeh migrate --user manager --to postgresql://parvandeh:رمز@192.168.1.10/parvandeh",
    "import": SIGN_IN_NOTE + " فقط مدیر.\n\nنمونه:\n"
              "  echo 'رمز' | parvandeh import list.xlsx --user manager --worker worker1 --check",
}


def build_parser(command: Optional[str] = None) -> argparse.ArgumentParser:
    """The whole command tree; with `command` (one of BUILT_IN), that command's branch alone.

    main() builds only the branch it runs when it can (`_command_named`): the other commands'
    parsers and modules cost a read command more than its query. A branch parses, helps and
    errs exactly as in the whole tree (tests/test_cli_parser_branch.py compares them)."""
    _persian_argparse()
    # --data-dir and --user may come before or after the command. The commands' copy must not
    # default: a default there would overwrite the one given before the command with nothing.
    common = PersianParser(add_help=False)
    common.add_argument("--data-dir", default=argparse.SUPPRESS, help=DATA_DIR_HELP)
    common.add_argument("--user", default=argparse.SUPPRESS, help=USER_HELP)
    parser = PersianParser(prog="parvandeh", description="پرونده — پرونده‌های مددجویان کلینیک مددکاری اجتماعی",
                           epilog=EXAMPLES[""])
    parser.add_argument("--data-dir", help=DATA_DIR_HELP)
    parser.add_argument("--user", help=USER_HELP)
    parser.set_defaults(handler=cmd_gui)
    sub = parser.add_subparsers(dest="command", title="فرمان‌ها", metavar="فرمان", parser_class=PersianParser)
    if command is not None:
        BUILT_IN[command](sub, common)
    else:
        for add in BUILT_IN.values():
            add(sub, common)
        for register in _extra_commands():
            register(sub, common)
    _describe(parser, (), None)
    return parser


def _add_gui(sub, common) -> None:
    p = sub.add_parser("gui", parents=[common], help="باز کردن برنامه گرافیکی (پیش‌فرض)")
    p.set_defaults(handler=cmd_gui)


def _add_init(sub, common) -> None:
    p = sub.add_parser("init", parents=[common], help="راه‌اندازی کلینیک تازه و نخستین مدیر آن")
    p.add_argument("--clinic", required=True, help="نام کلینیک")
    p.add_argument("--licence", required=True, help="شماره پروانه فعالیت")
    p.add_argument("--manager", required=True, help="نام و نام خانوادگی مدیر")
    p.add_argument("--username", required=True, help="نام کاربری مدیر (حروف لاتین)")
    p.add_argument("--province", help="استان صادرکننده پروانه")
    p.set_defaults(handler=cmd_init)


def _add_demo(sub, common) -> None:
    p = sub.add_parser("demo", parents=[common], help="ساختن پوشه داده تازه با داده نمونه (ساختگی)")
    p.add_argument("--cases", type=int, required=True, help="شمار پرونده‌های نمونه")
    p.add_argument("--seed", type=int, default=1405, help="بذر تصادفی؛ بذر یکسان داده یکسان می‌دهد (پیش‌فرض ۱۴۰۵)")
    p.add_argument("--password", help="رمز همه حساب‌های نمونه (پیش‌فرض: رمز نمونه‌ای که چاپ می‌شود)")
    p.add_argument("--today", help="تاریخ میلادی ISO که داده پیرامون آن ساخته می‌شود (پیش‌فرض: امروز)")
    p.add_argument("--services-per-month", type=float, help="میانگین خدمت برای هر پرونده در ماه")
    p.add_argument("--quiet", action="store_true", help="بدون نمایش پیشرفت")
    p.set_defaults(handler=cmd_demo)


def _add_contracts(sub, common) -> None:
    contracts = sub.add_parser("contracts", parents=[common], help="قراردادها با ادارات بهزیستی شهرستان")
    csub = contracts.add_subparsers(dest="action", required=True, title="کارها", metavar="کار")
    p = csub.add_parser("list", parents=[common], help="فهرست قراردادها", epilog=EXAMPLES["contracts"])
    p.add_argument("--format", choices=("table", "json"), default="table", help="قالب خروجی (پیش‌فرض table)")
    p.set_defaults(handler=cmd_contracts_list)


def _add_cases(sub, common) -> None:
    cases = sub.add_parser("cases", parents=[common], help="پرونده‌های مددجویان")
    casub = cases.add_subparsers(dest="action", required=True, title="کارها", metavar="کار")
    p = casub.add_parser("list", parents=[common], help="فهرست پرونده‌هایی که کاربر می‌بیند",
                         epilog=EXAMPLES["cases"])
    p.add_argument("--search", help="بخشی از نام، کد ملی یا شماره پرونده")
    p.add_argument("--limit", type=int, default=50, help="بیشترین شمار ردیف (پیش‌فرض ۵۰)")
    p.add_argument("--status", choices=("active", "closed", "returned", "all"), default="all",
                   help="وضعیت پرونده: active فعال، closed مختومه، returned عودت، all همه")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="قالب خروجی (پیش‌فرض table)")
    p.set_defaults(handler=cmd_cases_list)


def _add_check(sub, common) -> None:
    p = sub.add_parser("check", parents=[common], help="سنجش سلامت پایگاه داده و زنجیره رویدادها")
    p.add_argument("--against", action="append", metavar="FILE",
                   help="سند امضاشده (PDF) یا پشتیبان (pvbak) که سر زنجیره رویدادها را نگه داشته است: "
                        "رویدادهای تا آن سر باید هنوز، دست‌نخورده، در زنجیره باشند (چند بار می‌آید؛ "
                        "رمز پشتیبان رمزدار از خط ورودی استاندارد)")
    p.set_defaults(handler=cmd_check)


# The commands defined here, in the order --help lists them (the other modules' follow).
BUILT_IN: dict[str, Callable] = {"gui": _add_gui, "init": _add_init, "demo": _add_demo,
                                 "contracts": _add_contracts, "cases": _add_cases, "check": _add_check}
_TOP_OPTIONS_WITH_VALUE = ("--data-dir", "--user")


def _command_named(argv: Sequence[str]) -> Optional[str]:
    """The built-in command argv runs, found as argparse finds it (the first word that is neither
    an option nor the value of --data-dir/--user, abbreviations included), "gui" when none is named;
    None when the whole tree is needed: --help before the command, `--`, or another command."""
    words = iter(argv)
    for word in words:
        if word == "--":
            return None
        if word.startswith("--"):
            name = word.split("=", 1)[0]
            if len(name) > 2 and "--help".startswith(name):
                return None
            if "=" not in word and len(name) > 2 and any(o.startswith(name) for o in _TOP_OPTIONS_WITH_VALUE):
                next(words, None)
            continue
        if word.startswith("-") and word != "-":
            if word.startswith("-h"):
                return None
            continue
        return word if word in BUILT_IN else None
    return "gui"


def _describe(parser: argparse.ArgumentParser, path: tuple[str, ...], inherited: Optional[str]) -> None:
    """Each command's --help opens with its one-line help as the description, and ends with examples:
    its own (app.cli.examples by its words, else EXAMPLES), else its parent's (`report monthly --help`)."""
    from app.cli.examples import EXAMPLES as MORE
    examples = MORE.get(" ".join(path)) or (EXAMPLES.get(path[0]) if len(path) == 1 else None) or inherited
    if examples and not parser.epilog:
        parser.epilog = examples
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            _name_actions_group(parser, action)
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, child in action.choices.items():
                if not child.description:
                    child.description = helps.get(name)
                _describe(child, path + (name,), parser.epilog)


def _name_actions_group(parser: argparse.ArgumentParser, action: argparse._SubParsersAction) -> None:
    """Sub-commands added without a title are listed under «کارها», as the clinic's own are."""
    for group in parser._action_groups:
        if action in group._group_actions and group.title == parser._positionals.title and len(
                group._group_actions) == 1:
            at = parser._action_groups.index(group)
            parser._action_groups.remove(group)
            titled = parser.add_argument_group("کارها")
            parser._action_groups.remove(titled)
            parser._action_groups.insert(at, titled)
            titled._group_actions.append(action)
            action.metavar = action.metavar or "کار"
            return


def _extra_commands() -> list[Callable]:
    """Sub-commands that live beside their own area (reports, backups). A module that fails to
    import fails the command line loudly: swallowing the error would silently remove its commands."""
    return [importlib.import_module(module).register
            for module in ("app.cli.reports", "app.cli.backup", "app.cli.importing", "app.cli.server",
                           "app.cli.selftest", "app.cli.office", "app.cli.payments")]


def main(argv: Optional[Sequence[str]] = None) -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
        sys.stderr.reconfigure(encoding="utf-8")
    words = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(_command_named(words)).parse_args(words)
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
