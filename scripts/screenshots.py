"""Screenshots of the main screens from a small demo clinic, for looking at and for the docs.

    python scripts/screenshots.py [--out docs/screenshots] [--keep]

Builds a demo data folder (60 files, fixed seed, today = 1405/09/02) in a temporary folder,
opens each screen offscreen and saves it with widget.grab(). Look at every picture: right to
left, nothing clipped, no empty boxes instead of letters, dates ۱۴۰۵/۰۹/۰۲ with the year at
the right, Persian digits.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

if "QT_QPA_PLATFORM" not in os.environ:
    # a 1366×768 screen: windows are kept inside their screen (app.ui.machinery.screen_fit), and Qt's
    # offscreen default of 800×600 would shrink every picture
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from fit_check import _configure_screen

    _configure_screen(1366, 768, 1.0)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.services.context import ServiceContext  # noqa: E402
from app.ui.machinery.application import create_application  # noqa: E402
from app.ui.machinery.session import AppSession  # noqa: E402

TODAY = dt.date(2026, 11, 23)  # 1405/09/02
NOW = dt.datetime(2026, 11, 23, 7, 30, tzinfo=dt.timezone.utc)  # 11:00 in Tehran
PASSWORD = "parvandeh-demo"
SIZE = (1366, 768)  # the commonest office laptop screen


@dataclass
class ShotSession(AppSession):
    """The demo's 'today' for every service call, so the pictures do not change with the date."""

    @property
    def ctx(self) -> ServiceContext:
        return ServiceContext(self.db, self.actor, data_dir=self.data_dir, clock=lambda: NOW)


def settle(app: QApplication, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def wait_for(app: QApplication, condition, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the screen did not finish loading")
        app.processEvents()
        time.sleep(0.02)


def save(widget: QWidget, out: Path, name: str) -> Path:
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    print(path)
    return path


def build_demo_folder(folder: Path):
    from app.services.demo import build_demo
    from app.storage.datadir import open_database

    db = open_database(folder)
    build_demo(db, 60, seed=11, today=TODAY, password=PASSWORD)
    return db


def wizard_shot(app: QApplication, out: Path) -> None:
    from app.ui.machinery.wizard import SetupWizard

    wizard = SetupWizard(None)
    fields = wizard.clinic_page.fields
    fields.name.setText("کلینیک مددکاری اجتماعی امید")
    fields.licence_province.setCurrentText("تهران")
    fields.licence_expiry.setText("1406/06/31")
    fields.address.setPlainText("تهران، خیابان آزادی، کوچه بهار، پلاک ۷")
    fields.phones.setText(fields.phones.normalize("021-66001122"))
    fields.manager_name.setText("زهرا احمدی")
    wizard.resize(720, 620)
    wizard.show()
    wizard.next()  # the empty licence number is refused at its field
    settle(app)
    save(wizard, out, "01-wizard")
    wizard.close()


def sign_in_shot(app: QApplication, out: Path, db, clinic_name: str) -> None:
    from app.ui.machinery.sign_in import SignInDialog

    dialog = SignInDialog(db, clinic_name=clinic_name, clock=lambda: NOW)
    dialog.username.setText("manager")
    dialog.password.setText("wrong")
    dialog.show()
    dialog.submit()  # the Persian message under the password field
    settle(app)
    save(dialog, out, "02-sign-in")
    dialog.close()


def main_window_shots(app: QApplication, out: Path, db, folder: Path) -> None:
    from app.services.accounts import sign_in
    from app.ui.machinery.main_window import MainWindow

    actor = sign_in(db, "manager", PASSWORD, now=NOW)
    session = ShotSession(folder, db, actor)
    window = MainWindow(session, username="manager", clock=lambda: NOW)
    window.resize(*SIZE)
    window.show()
    dashboard = window.page("dashboard")
    wait_for(app, lambda: dashboard.loaded_at > 0)
    settle(app)
    save(window, out, "03-dashboard")
    case_shots(app, out, window, session)
    for n, key in ((6, "contracts"), (7, "staff")):
        window.show_page(key)
        settle(app)
        save(window, out, f"0{n}-{key}")
    receivables_shots(app, out, window)
    settings = window.show_page("settings")
    wait_for(app, lambda: not settings.key_loader.is_running())
    settle(app)
    save(window, out, "08-settings")
    reports_shots(app, out, window)
    window.lock_screen()
    settle(app)
    save(window.screen_lock.dialog, out, "11-lock")
    window.screen_lock.dialog.password.setText(PASSWORD)
    window.screen_lock.dialog.submit()
    window.stop_work()
    window._force_close()


def case_shots(app: QApplication, out: Path, window, session) -> None:
    if importlib.util.find_spec("app.ui.cases.case_list") is None:
        print("app.ui.cases is not there yet: no case screenshots")
        return
    page = window.show_page("cases")
    settle(app, 1.5)  # the list loads its first page in the background
    save(window, out, "04-cases")
    from app.services.caselist import CaseQuery, list_cases
    from app.ui.widgets.case_link import open_case

    first = list_cases(session.ctx, CaseQuery(), 0, 1)[0]
    case_window = open_case(session, first.id, window)
    if case_window is not None:
        case_window.resize(*SIZE)
        settle(app, 1.0)
        save(case_window, out, "05-case-window")
        case_window.close()
    del page


def receivables_shots(app: QApplication, out: Path, window) -> None:
    page = window.show_page("receivables")
    settle(app)
    save(window, out, "13-receivables")
    page.tabs.setCurrentIndex(page.tabs.count() - 1)  # months invoiced against paid
    settle(app)
    save(window, out, "14-receivables-chart")
    page.tabs.setCurrentIndex(0)


def reports_shots(app: QApplication, out: Path, window) -> None:
    page = window.show_page("reports")
    page.make("monthly")
    settle(app)
    save(window, out, "09-reports")
    signed = page.make("monthly", sign_password=PASSWORD)
    page.tabs.setCurrentIndex(1)
    page.verify.check_bytes(signed.pdf, f"{signed.report_id}.pdf")
    settle(app)
    save(window, out, "10-verify")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "docs" / "screenshots")
    parser.add_argument("--keep", action="store_true", help="keep the demo data folder and print where it is")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = create_application([])
    app.setQuitOnLastWindowClosed(False)
    folder = Path(tempfile.mkdtemp(prefix="parvandeh-shots-"))
    db = build_demo_folder(folder)
    try:
        from app.services.clinic import get_clinic
        from app.services.context import Actor

        clinic_name = get_clinic(ServiceContext(db, Actor.system())).name
        wizard_shot(app, args.out)
        sign_in_shot(app, args.out, db, clinic_name)
        main_window_shots(app, args.out, db, folder)
    finally:
        db.dispose()
        if args.keep:
            print(f"demo data folder: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
