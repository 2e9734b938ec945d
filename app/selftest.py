"""`parvandeh selftest` without the screens: is everything the program needs inside this install?

A bundle or a wheel that lost a module, a font or a revision starts and then fails on the first page
or the first report a clinic opens. These checks make the same calls on a throw-away demo folder:
every module of the program imports, fonts and revisions are there, the import template reads back,
and each kind of document is printed, signed and verified. The screens are checked by
app.ui.machinery.selftest; app.cli.selftest runs both and prints one line per check.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional

DEMO_CASES = 6
DEMO_PASSWORD = "selftest-pass-1"
# The sub-commands scripts outside the repository call; a bundle without one says «invalid choice».
EXPECTED_COMMANDS = ("init", "demo", "contracts", "cases", "import", "check", "report", "verify", "key",
                     "backup", "restore", "selftest", "office", "connect", "migrate", "server", "payments",
                     "receivables", "cheques")
MIGRATION_SCRIPTS = ("app.storage.migrations.", "app.office.migrations.")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""

    def line(self) -> str:
        mark = "OK  " if self.ok else "FAIL"
        return f"{mark} {self.name}" + (f": {self.detail}" if self.detail else "")


def attempt(name: str, step: Callable[[], str]) -> Check:
    """Run one check; any exception is a failure with its last line as the reason."""
    try:
        return Check(name, True, step() or "")
    except Exception as exc:  # noqa: BLE001 — a self-test reports every failure, whatever it is
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return Check(name, False, last)


# -- what is inside the install --------------------------------------------------------------------

def app_modules(include_ui: bool) -> list[str]:
    """Every module of the `app` package this install holds (a frozen bundle lists its own)."""
    import app
    names = ["app"]
    for info in pkgutil.walk_packages(app.__path__, "app."):
        if include_ui or not (info.name == "app.ui" or info.name.startswith("app.ui.")):
            names.append(info.name)
    return sorted(names)


def import_all(names: list[str]) -> str:
    failed = []
    for name in names:
        if name.startswith(MIGRATION_SCRIPTS) or name == "app.__main__" or name.endswith(".__main__"):
            # Alembic's scripts run inside a migration (check_migrations loads them); a __main__
            # (app's, app.cli's) is the program itself: importing it would run it
            continue
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001
            failed.append(f"{name} ({type(exc).__name__}: {exc})")
    if failed:
        raise RuntimeError("؛ ".join(failed))
    return f"{len(names)} ماژول"  # the count is compared with the source tree's in CI


def check_version() -> str:
    import app
    if "unknown" in app.__version__:
        raise RuntimeError("شماره نسخه پیدا نشد (metadata of parvandeh is missing)")
    return app.__version__


def check_fonts() -> str:
    from app.printing.fonts import REGULAR, font_cmap, register_fonts
    from app.resources import missing_fonts, resources_dir
    missing = missing_fonts()
    if missing:
        raise FileNotFoundError("قلم پیدا نشد: " + "، ".join(str(p) for p in missing))
    register_fonts()
    if ord("پ") not in font_cmap(REGULAR):
        raise RuntimeError("قلم Vazirmatn حرف «پ» را ندارد")
    return str(resources_dir() / "fonts")


def check_migrations() -> str:
    from app.storage.migrate import MIGRATIONS_DIR, head_revision, known_revisions
    revisions = known_revisions()
    if not revisions:
        raise FileNotFoundError(f"هیچ بازنگری طرح پایگاه داده در {MIGRATIONS_DIR} نیست")
    return f"{len(revisions)} بازنگری، آخرین {head_revision()}"


def check_commands() -> str:
    from app.cli import build_parser
    parser = build_parser()
    choices: set[str] = set()
    for action in parser._subparsers._group_actions:  # argparse keeps sub-commands only here
        choices.update(action.choices)
    missing = [name for name in EXPECTED_COMMANDS if name not in choices]
    if missing:
        raise RuntimeError("دستور ناموجود: " + "، ".join(missing))
    return f"{len(EXPECTED_COMMANDS)} دستور"


def check_import_template(folder: Path) -> str:
    """The template the program hands out, filled with one row, reads back with every column known."""
    from openpyxl import load_workbook
    from app.services.importing import HEADERS, read_rows, write_template
    path = write_template(folder / "template.xlsx")
    book = load_workbook(path)
    book.active.append([f"x{n}" for n in range(len(HEADERS))])
    book.save(path)
    rows = read_rows(path)  # raises when a required header is not recognised
    if len(rows) != 1 or set(rows[0].values) != set(HEADERS):
        raise RuntimeError("ستون‌های الگو دوباره خوانده نشد")
    return f"{len(HEADERS)} ستون"


# -- a demo folder and its documents ----------------------------------------------------------------

@dataclass
class DemoFolder:
    data_dir: Path
    db: object
    ctx: object  # a manager's ServiceContext
    today: dt.date


def make_demo(folder: Path, today: dt.date, clock: Callable[[], dt.datetime]) -> DemoFolder:
    from app.services.accounts import sign_in
    from app.services.context import ServiceContext
    from app.services.demo import build_demo
    from app.storage.datadir import open_database
    data_dir = folder / "demo-data"
    db = open_database(data_dir)
    result = build_demo(db, DEMO_CASES, seed=13, today=today, password=DEMO_PASSWORD)
    manager = sign_in(db, result.manager_username, DEMO_PASSWORD, now=clock())
    return DemoFolder(data_dir, db, ServiceContext(db, manager, data_dir=data_dir, clock=clock), today)


def check_database(demo: DemoFolder) -> str:
    from app.services.audit import verify_chain
    from app.storage.migrate import current_revision, head_revision, integrity_problems
    problems = integrity_problems(demo.db)
    with demo.db.read() as session:
        chain = verify_chain(session)
    if not chain.ok:
        problems.append(f"زنجیره رویدادها از ردیف {chain.first_broken_id} شکسته است")
    if current_revision(demo.db) != head_revision():
        problems.append("نسخه طرح پایگاه داده تازه نیست")
    if problems:
        raise RuntimeError("؛ ".join(problems))
    return f"{chain.entries} رویداد در زنجیره"


def check_backup_child(demo: DemoFolder, clock: Callable[[], dt.datetime]) -> str:
    """A backup made the way the desktop makes it, in a child process: in the PyInstaller bundle
    that child is the bundle's own executable again (app/__main__.py's freeze_support)."""
    from app.storage.backup import verify_backup
    from app.storage.backup_process import auto_backup_in_child
    out = auto_backup_in_child(demo.data_dir, reason="manual", now=clock())
    if out is None:
        raise RuntimeError("پشتیبانی ساخته نشد")
    info = verify_backup(out, tmp_dir=demo.data_dir)
    return f"{out.name} ({out.stat().st_size // 1024} KB، {info.attachment_count} پیوست)"


def _previous_month(today: dt.date) -> tuple[int, int]:
    from app.persian import to_jalali
    year, month, _ = to_jalali(today)
    return (year, month - 1) if month > 1 else (year - 1, 12)


def _verified(doc, folder: Path, demo: DemoFolder) -> str:
    """The PDF is written, recorded with its digest and, when signed, intact, whole and signed with
    this clinic's own key (and, for the monthly report, its embedded table matches the record)."""
    from app.printing.verify import verify_pdf
    from app.services.reports import check_printed_code, check_report, signing_key_info
    (folder / f"{doc.report_id}.pdf").write_bytes(doc.pdf)
    if not doc.pdf.startswith(b"%PDF-"):
        raise RuntimeError("خروجی PDF نیست")
    record, digest_ok = check_printed_code(demo.ctx, f"PARVANDEH:{doc.report_id}:{doc.digest}")
    if record is None or not digest_ok:
        raise RuntimeError("سند در سوابق کلینیک ثبت نشد")
    if not doc.signed:
        return f"{doc.report_id} ساخته و ثبت شد ({len(doc.pdf) // 1024} KB)"
    result = verify_pdf(doc.pdf, trusted_certs=[signing_key_info(demo.ctx).fingerprint])
    if not (result.ok and result.trusted):
        raise RuntimeError("امضا تأیید نشد: " + "؛ ".join(result.problems))
    if doc.xlsx is not None and not check_report(demo.ctx, doc.pdf).ok:
        raise RuntimeError("جدول پیوست گزارش با سابقه آن نمی‌خواند")
    return f"{doc.report_id} امضا و تأیید شد ({len(doc.pdf) // 1024} KB)"


def document_checks(demo: DemoFolder, folder: Path) -> Iterator[Check]:
    """Each kind of document the program prints: the monthly report, the invoice, a child's file
    summary and the receivables letter (after the invoice, so one is open) signed with the clinic's
    key; the review form (printed unsigned, by design)."""
    from app.persian import month_bounds
    from app.services.contracts import find_contract
    from app.services.reports import (generate_case_summary, generate_invoice, generate_monthly,
                                      generate_review_form)
    from app.services.reviews import list_reviews
    year, month = _previous_month(demo.today)
    ctx = demo.ctx

    def contract_id() -> int:
        return find_contract(ctx, None, month_bounds(year, month)[1]).id

    yield attempt("گزارش عملکرد ماهانه (monthly)", lambda: _verified(
        generate_monthly(ctx, contract_id(), year, month, sign_password=DEMO_PASSWORD), folder, demo))
    yield attempt("صورتحساب (invoice)", lambda: _verified(
        generate_invoice(ctx, contract_id(), year, month, sign_password=DEMO_PASSWORD), folder, demo))
    yield attempt("خلاصه پرونده (case)", lambda: _verified(
        generate_case_summary(ctx, 1, sign_password=DEMO_PASSWORD), folder, demo))

    def review_form() -> str:
        for case_id in range(1, DEMO_CASES + 1):
            reviews = list_reviews(ctx, case_id)
            if reviews:
                return _verified(generate_review_form(ctx, reviews[0].id), folder, demo)
        raise RuntimeError("داده نمونه هیچ بازبینی ندارد")
    yield attempt("فرم بازبینی (review)", review_form)

    def receivables_letter() -> str:
        from app.services.receivables import generate_receivables_letter
        office = find_contract(ctx, None, month_bounds(year, month)[1]).office_name
        return _verified(generate_receivables_letter(ctx, office, sign_password=DEMO_PASSWORD), folder, demo)
    yield attempt("نامه صورت وضعیت مطالبات (receivables)", receivables_letter)


def run_checks(folder: Path, *, today: Optional[dt.date] = None,
               clock: Optional[Callable[[], dt.datetime]] = None,
               include_ui_modules: bool = False) -> Iterator[Check]:
    """Every check that needs no screen, in order; the demo folder is left open in `folder` for
    the screens' checks (see `open_demo`)."""
    clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
    today = today or clock().astimezone().date()
    folder.mkdir(parents=True, exist_ok=True)
    yield attempt("نسخه (version)", check_version)
    yield attempt("ماژول‌های برنامه (modules)", lambda: import_all(app_modules(include_ui_modules)))
    yield attempt("قلم‌ها (fonts)", check_fonts)
    yield attempt("بازنگری‌های پایگاه داده (migrations)", check_migrations)
    yield attempt("دستورها (commands)", check_commands)
    yield attempt("الگوی ورود از فایل (import template)", lambda: check_import_template(folder))
    holder: list[DemoFolder] = []
    made = attempt("پوشه داده نمونه (demo)", lambda: _make_into(holder, folder, today, clock))
    yield made
    if not made.ok:
        return
    demo = holder[0]
    try:
        yield attempt("سلامت پایگاه داده (check)", lambda: check_database(demo))
        yield attempt("پشتیبان در فرایند جدا (backup)", lambda: check_backup_child(demo, clock))
        yield from document_checks(demo, folder)
    finally:
        demo.db.dispose()


def _make_into(holder: list, folder: Path, today: dt.date, clock) -> str:
    demo = make_demo(folder, today, clock)
    holder.append(demo)
    return str(demo.data_dir)
