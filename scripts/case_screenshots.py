"""Screenshots of the case screens from demo data, to look at (right to left, nothing clipped,
Persian letters and digits, dates ۱۴۰۵/۰۹/۰۱ with the year at the right).

    python scripts/case_screenshots.py [--data-dir /tmp/parvandeh-case-shots] [--out docs/screenshots]

Makes the demo folder (300 files, «today» 1405/09/02) when it does not exist yet, then writes:
case-list-search.png, case-window-1-… to case-window-7-… (one per tab), visit-form-abuse-error.png,
case-form-error.png and import-check-problems.png. Runs offscreen; every picture is a widget's grab().
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

if "QT_QPA_PLATFORM" not in os.environ:
    # a 1366×768 screen: windows are kept inside their screen (app.ui.machinery.screen_fit), and Qt's
    # offscreen default of 800×600 would shrink every picture
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from fit_check import _configure_screen

    _configure_screen(1366, 768, 1.0)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEvent, Qt  # noqa: E402
from PySide6.QtGui import QImage, QKeyEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget  # noqa: E402

from app.services.accounts import sign_in  # noqa: E402
from app.services.context import ServiceContext  # noqa: E402
from app.ui.machinery.application import create_application  # noqa: E402
from app.ui.machinery.session import AppSession  # noqa: E402

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone.utc)  # 1405/09/02, as the demo's today
TAB_SLUGS = ("identity", "summary", "services", "problems", "reviews", "referrals", "attachments")


class DemoSession(AppSession):
    """The demo's «today», so the pictures do not change with the day they are taken."""

    @property
    def ctx(self) -> ServiceContext:
        return ServiceContext(self.db, self.actor, data_dir=self.data_dir, clock=lambda: NOW)


def make_demo(folder: Path) -> None:
    from app.services.demo import build_demo
    from app.storage.datadir import open_database
    db = open_database(folder)
    try:
        build_demo(db, 300, today=NOW.date())
    finally:
        db.dispose()


def type_text(widget: QWidget, text: str) -> None:
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def settle(app: QApplication, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def save(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    print(path)


def richest_case(session: AppSession) -> int:
    """An active priority file with problems, reviews and referrals: every tab has something."""
    from app.services.caselist import CaseQuery, list_cases
    from app.services.problems import list_problems
    from app.services.referrals import list_referrals
    from app.services.reviews import list_reviews
    ctx = session.ctx
    best, best_score = None, -1
    for row in list_cases(ctx, CaseQuery(priority_only=True), 0, 60):
        score = (min(len(list_problems(ctx, row.id)), 3) + min(len(list_referrals(ctx, row.id)), 3)
                 + min(len(list_reviews(ctx, row.id)), 3))
        if score > best_score:
            best, best_score = row.id, score
    return best


def enrich(session: AppSession, case_id: int, folder: Path) -> None:
    """What the demo seldom has, so every tab shows something (once per demo folder): a scanned
    school report, a referral with its outcome, a visit with a child-abuse concern."""
    from app.services.attachments import add_attachment, list_attachments
    from app.services.referrals import add_referral, record_outcome
    from app.services.visits import ServiceInput, add_service
    ctx = session.ctx
    if list_attachments(ctx, case_id):
        return
    referral = add_referral(ctx, case_id, to_body="مرکز مشاوره بهزیستی شهرستان",
                            reason="اضطراب و افت تحصیلی پس از بازگشت به خانواده", on="1405/08/20")
    record_outcome(ctx, referral.id, "پنج جلسه مشاوره فردی؛ اضطراب کمتر شده است.", on="1405/09/01")
    add_referral(ctx, case_id, to_body="درمانگاه شهید بهشتی", reason="معاینه دندان", on="1405/09/01")
    add_service(ctx, case_id, ServiceInput(
        kind="care", mode="home_visit", minutes=60, domains=("abuse_watch", "family_relations"),
        note="آثار کبودی روی بازوی فرزند دیده شد؛ مادر توضیح روشنی نداد.", date="1405/09/01",
        abuse_concern=True, abuse_action="به اورژانس اجتماعی ۱۲۳ و کارشناس ناظر خبر داده شد.",
        next_follow_up="1405/09/04"))
    scan = folder / "کارنامه-نیم‌سال-اول.png"
    image = QImage(600, 800, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    image.save(str(scan), "PNG")
    add_attachment(session.ctx, case_id, scan, "کارنامه نیم‌سال اول")


def shoot_list(app, session, out: Path) -> None:
    from app.ui.cases.case_list import CaseListPage
    page = CaseListPage(session)
    page.resize(1360, 640)
    page.show()
    settle(app)
    page.search.setFocus()
    type_text(page.search, "علي")  # typed with Arabic ي, found with ی
    settle(app, 0.6)
    save(page, out / "case-list-search.png")
    page.close()


def shoot_window(app, session, case_id: int, out: Path):
    from app.ui.cases.case_window import open_case_window
    window = open_case_window(session, case_id)
    window.resize(1200, 720)
    for index, slug in enumerate(TAB_SLUGS):
        window.tabs.setCurrentIndex(index)
        settle(app, 0.2)
        save(window, out / f"case-window-{index + 1}-{slug}.png")
    return window


def shoot_visit_form(app, window, out: Path) -> None:
    form = window.new_visit()
    form.kind.setValue("care")  # nothing is chosen for the worker
    form.mode.setValue("home_visit")
    form.domains.setValues(["abuse_watch", "family_relations"])
    form.minutes.setValue(45)
    form.note.setText("در بازدید از منزل آثار کبودی روی بازوی فرزند دیده شد. مادر توضیح روشنی نداد.")
    form.abuse.setChecked(True)
    form.next_follow_up.setText("1405/09/05")
    form.save()  # refused: the action taken is required; the error stands beside the field
    settle(app, 0.2)
    save(form, out / "visit-form-abuse-error.png")
    form.discarded()
    form.hide()


def shoot_case_form(app, session, out: Path) -> None:
    from app.ui.cases.case_form import CaseForm
    form = CaseForm(session)
    form.show()
    form.behzisti_number.setText("۱۴۰۵۰۰۰۹۹۹")
    form.first_name.setText("ریحانه")
    form.last_name.setText("کاظمی")
    form.father_name.setText("مهدی")
    form.national_code.setText("۱۲۳۴۵۶۷۸۹۰")
    form.sex.setValue("female")
    form.living.setValue("relatives")
    form.birth_date.setText("1392/04/18")
    form.discharge_date.setText("1403/02/10")
    form.save()  # refused: the national code's check digit is wrong
    settle(app, 0.2)
    save(form, out / "case-form-error.png")
    form.discarded()
    form.hide()


def shoot_import(app, session, out: Path, folder: Path) -> None:
    """The import dialog after checking a list with mistakes in three rows."""
    from openpyxl import Workbook

    from app.ui.cases.import_dialog import ImportDialog
    book = Workbook()
    book.active.append(["شماره پرونده بهزیستی", "نام", "نام خانوادگی", "نام پدر", "کد ملی", "جنسیت", "وضعیت زندگی",
                        "تاریخ ترخیص", "تاریخ دریافت"])
    for row in (["1403009901", "مهسا", "کریمی", "علی", "", "دختر", "خانواده خودی", "1403/02/10", "1404/10/01"],
                ["1403009902", "آرش", "یوسفی", "رضا", "1234567890", "پسر", "بستگان", "", "1404/10/01"],
                ["1403009903", "", "صالحی", "", "", "دختر", "زندگی مستقل", "1403/05/01", "1404/10/01"],
                ["1403009904", "سارا", "نیکو", "", "", "دختر", "خانواده خودی", "1404/08/01", "1404/10/01"]):
        book.active.append(row)
    path = folder / "فهرست-پرونده‌ها.xlsx"
    book.save(path)
    dialog = ImportDialog(session)
    dialog.show()
    dialog.path.setText(str(path))
    dialog.run(check_only=True)
    settle(app, 0.2)
    save(dialog, out / "import-check-problems.png")
    dialog.hide()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default="/tmp/parvandeh-case-shots")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "docs" / "screenshots"))
    args = parser.parse_args()
    folder, out = Path(args.data_dir), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = create_application(["case-screenshots"])
    if not (folder / "parvandeh.sqlite3").exists():
        make_demo(folder)
    from app.services.demo import DEMO_PASSWORD
    from app.storage.datadir import open_database
    db = open_database(folder)
    # Any message box would wait for a click that never comes offscreen.
    for name in ("information", "warning", "critical"):
        setattr(QMessageBox, name, staticmethod(lambda *a, **k: QMessageBox.StandardButton.Ok))
    QMessageBox.question = staticmethod(lambda *a, **k: QMessageBox.StandardButton.No)
    session = DemoSession(folder, db, sign_in(db, "manager", DEMO_PASSWORD))
    case_id = richest_case(session)
    enrich(session, case_id, folder)
    shoot_list(app, session, out)
    window = shoot_window(app, session, case_id, out)
    shoot_visit_form(app, window, out)
    shoot_case_form(app, session, out)
    shoot_import(app, session, out, folder)
    window.close()
    db.dispose()


if __name__ == "__main__":
    main()
