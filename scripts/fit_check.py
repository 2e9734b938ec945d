"""Open every page, form and dialog on a small or scaled screen and report what falls off it.

    python scripts/fit_check.py --size 1024x768 --scale 1.5 [--shots DIR] [--json FILE]

The screen is Qt's offscreen platform with the given size in device pixels and QT_SCALE_FACTOR
set as Windows scaling would (1024×768 at 150% is a 683×512 screen for Qt). For each window it
checks that the window's frame lies inside the screen, and that every visible widget's visible
part (what is not scrolled away inside a scroll area) lies inside the screen too. Problems are
printed one per line and written as JSON; the exit code is 1 when there are any. With --shots a
PNG of each window is saved (look at them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path


def _configure_screen(width: int, height: int, scale: float) -> Path:
    """Before Qt loads: an offscreen screen of width×height device pixels, scaled by `scale`."""
    config = Path(tempfile.mkdtemp(prefix="parvandeh-screen-")) / "screen.json"
    config.write_text(json.dumps({"screens": [{
        "name": "clinic", "x": 0, "y": 0, "width": width, "height": height,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    os.environ["QT_SCALE_FACTOR"] = f"{scale:g}"
    os.environ.pop("QT_AUTO_SCREEN_SCALE_FACTOR", None)
    os.environ.pop("QT_SCREEN_SCALE_FACTORS", None)
    return config


TODAY = dt.date(2026, 11, 23)  # 1405/09/02
NOW = dt.datetime(2026, 11, 23, 7, 30, tzinfo=dt.timezone.utc)
PASSWORD = "parvandeh-demo"


def outside(widget, screen_rect) -> list[str]:
    """Names of visible widgets in `widget` (itself included) whose visible part leaves the screen."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QWidget

    problems = []
    for w in [widget, *widget.findChildren(QWidget)]:
        if not w.isVisible() or w.isWindow() and w is not widget:
            continue
        region = w.visibleRegion().boundingRect()
        if region.isEmpty():
            continue  # scrolled away inside a scroll area, or covered
        top_left = w.mapToGlobal(region.topLeft())
        bottom_right = w.mapToGlobal(region.bottomRight())
        left, right = min(top_left.x(), bottom_right.x()), max(top_left.x(), bottom_right.x())
        top, bottom = top_left.y(), bottom_right.y()
        if left < screen_rect.left() or top < screen_rect.top() \
                or right > screen_rect.right() or bottom > screen_rect.bottom():
            name = w.objectName() or type(w).__name__
            text = getattr(w, "text", None)
            label = text() if callable(text) and isinstance(text(), str) else ""
            problems.append(f"{name} «{label[:30]}» at ({left},{top})–({right},{bottom})")
    del QPoint
    return problems


class Checker:
    def __init__(self, app, shots: Path | None, real_screen: bool = False):
        self.app = app
        self.real_screen = real_screen
        self.shots = shots
        self.problems: dict[str, list[str]] = {}
        self.checked: list[str] = []

    def settle(self, seconds: float = 0.15) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.app.processEvents()
            time.sleep(0.01)

    def check(self, name: str, window) -> None:
        if not window.isVisible():
            window.show()
        self.settle()
        screen = window.screen().availableGeometry()
        # 1024 device pixels at 125% are 819.2 logical ones: Qt reports the screen as 819 wide
        # and a maximised window as 820. That rounding pixel is not off the real screen.
        dpr = window.screen().devicePixelRatio()
        if dpr != int(dpr):
            screen = screen.adjusted(0, 0, 1, 1)
        found = []
        frame = window.frameGeometry()
        if not screen.contains(frame):
            found.append(f"window {frame.width()}×{frame.height()} at ({frame.x()},{frame.y()})"
                         f" leaves the screen {screen.width()}×{screen.height()}")
        found += outside(window, screen)
        self.checked.append(name)
        if found:
            self.problems[name] = found
        if self.shots is not None:
            window.grab().save(str(self.shots / f"{name}.png"))
            if self.real_screen:  # what the X server shows: the whole screen, window manager or not
                self.settle(0.2)
                window.screen().grabWindow(0).save(str(self.shots / f"{name}-screen.png"))


def run(checker: Checker, folder: Path) -> None:
    from PySide6.QtWidgets import QMessageBox

    from app.services.accounts import sign_in
    from app.services.context import ServiceContext
    from app.services.demo import build_demo
    from app.storage.datadir import open_database
    from app.ui.machinery.session import AppSession

    class Session(AppSession):
        @property
        def ctx(self):
            return ServiceContext(self.db, self.actor, data_dir=self.data_dir, clock=lambda: NOW)

    from app.ui.machinery.wizard import SetupWizard
    wizard = SetupWizard(None)
    checker.check("wizard", wizard)
    wizard.next()  # the errors of an empty first page make it taller
    checker.check("wizard-errors", wizard)
    wizard.close()

    db = open_database(folder)
    build_demo(db, 20, seed=11, today=TODAY, password=PASSWORD)
    from app.ui.machinery.sign_in import SignInDialog
    dialog = SignInDialog(db, clinic_name="کلینیک مددکاری اجتماعی امید", clock=lambda: NOW)
    dialog.username.setText("manager")
    dialog.password.setText("wrong")
    dialog.show()
    dialog.submit()
    checker.check("sign-in", dialog)
    dialog.close()

    actor = sign_in(db, "manager", PASSWORD, now=NOW)
    session = Session(folder, db, actor)
    from app.ui.machinery.main_window import PAGES, MainWindow
    window = MainWindow(session, username="manager", clock=lambda: NOW)
    window.show()
    for spec in PAGES:
        window.show_page(spec.key)
        checker.settle(0.8 if spec.key in ("dashboard", "cases") else 0.3)
        checker.check(f"page-{spec.key}", window)
    window.showMaximized()
    window.show_page("cases")
    checker.settle(0.8)
    checker.check("page-cases-maximised", window)
    window.showNormal()
    pages_dialogs(checker, session, window)
    case_dialogs(checker, session, window)
    box = QMessageBox(QMessageBox.Icon.Question, "پرونده", "این خدمت حذف شود؟ " * 8,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, window)
    checker.check("message-box", box)
    box.close()
    window.lock_screen()
    checker.check("lock", window.screen_lock.dialog)
    window.screen_lock.dialog.password.setText(PASSWORD)
    window.screen_lock.dialog.submit()
    window.stop_work()
    window._force_close()
    db.dispose()


def pages_dialogs(checker: Checker, session, window) -> None:
    from app.ui.pages.contracts import ContractDialog
    from app.ui.widgets.passwords import ChangePasswordDialog
    from app.ui.pages.staff import StaffDialog

    for name, dialog in (("contract-dialog", ContractDialog(session, None, window)),
                         ("staff-dialog", StaffDialog(session, None, window)),
                         ("change-password", ChangePasswordDialog(session, window))):
        checker.check(name, dialog)
        dialog.hide()
        dialog.deleteLater()
    from app.ui.machinery.backup_ui import BackupNowDialog
    backup = BackupNowDialog(window, "/tmp")
    checker.check("backup-now", backup)
    backup.hide()
    for name, builder in _extra_dialogs():
        dialog = builder(session, window)
        checker.check(name, dialog)
        dialog.hide()


def _extra_dialogs():
    """The guide, the shortcut list, the manager's «دیده شد» on a child-abuse concern."""
    from app.services.abuse_watch import unseen_abuse_concerns
    from app.ui.widgets.abuse_seen import AcknowledgeDialog
    from app.ui.pages.guide import GuideDialog, ShortcutsDialog

    def acknowledge(session, window):
        concern = unseen_abuse_concerns(session.ctx)[0]
        dialog = AcknowledgeDialog(session, concern, window)
        dialog.save()  # the empty note's error makes it taller
        return dialog

    return [("guide", lambda s, w: GuideDialog(w)), ("shortcuts", lambda s, w: ShortcutsDialog(w)),
            ("acknowledge-abuse", acknowledge)]


def case_dialogs(checker: Checker, session, window) -> None:
    from app.services.caselist import CaseQuery, list_cases
    from app.ui.cases import dialogs
    from app.ui.cases.case_form import CaseForm
    from app.ui.cases.case_window import open_case_window
    from app.ui.cases.import_dialog import ImportDialog

    first = list_cases(session.ctx, CaseQuery(), 0, 1)[0]
    case_window = open_case_window(session, first.id)
    for index in range(case_window.tabs.count()):
        case_window.tabs.setCurrentIndex(index)
        checker.settle(0.2)
        checker.check(f"case-window-tab{index + 1}", case_window)
    form = case_window.new_visit()
    if form is not None:
        form.abuse.setChecked(True)
        form.save()  # every error shown at once: the tallest the form gets
        checker.check("visit-form", form)
        form.discarded()
        form.hide()
    new_form = CaseForm(session, None, window)
    new_form.save()
    checker.check("case-form-new", new_form)
    new_form.discarded()
    new_form.hide()
    edit_form = CaseForm(session, case_window.detail, window)
    checker.check("case-form-edit", edit_form)
    edit_form.hide()
    for name, dialog in (
            ("problem-dialog", dialogs.ProblemDialog(session, first.id, case_window)),
            ("referral-dialog", dialogs.ReferralDialog(session, first.id, case_window)),
            ("import-dialog", ImportDialog(session, window))):
        checker.check(name, dialog)
        dialog.hide()
    case_window.close_without_asking()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1024x768", help="screen size in device pixels, e.g. 1366x768")
    parser.add_argument("--scale", type=float, default=1.0, help="Windows scaling: 1, 1.25 or 1.5")
    parser.add_argument("--shots", type=Path, help="save a PNG of each window in this folder")
    parser.add_argument("--json", type=Path, help="write the problems found as JSON")
    parser.add_argument("--x11", action="store_true",
                        help="use the X server of $DISPLAY (e.g. under xvfb-run -s '-screen 0 1024x768x24') "
                             "instead of the offscreen screen; --size is then the X screen's")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.lower().split("x"))
    if args.x11:
        os.environ["QT_QPA_PLATFORM"] = "xcb"
        os.environ["QT_SCALE_FACTOR"] = f"{args.scale:g}"
    else:
        _configure_screen(width, height, args.scale)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from app.ui.machinery.application import create_application

    app = create_application([])
    app.setQuitOnLastWindowClosed(False)
    if args.shots:
        args.shots.mkdir(parents=True, exist_ok=True)
    checker = Checker(app, args.shots, real_screen=args.x11)
    folder = Path(tempfile.mkdtemp(prefix="parvandeh-fit-"))
    try:
        run(checker, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    screen = app.primaryScreen().geometry()
    report = {"screen": [screen.width(), screen.height()], "checked": checker.checked,
              "problems": checker.problems}
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1))
    for name, found in checker.problems.items():
        for line in found:
            print(f"{name}: {line}")
    print(f"{len(checker.checked)} windows checked on {screen.width()}×{screen.height()}; "
          f"{sum(map(len, checker.problems.values()))} problems")
    return 1 if checker.problems else 0


if __name__ == "__main__":
    sys.exit(main())
