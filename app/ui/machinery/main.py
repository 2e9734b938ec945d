"""Starting and ending the desktop program.

    run_gui(data_dir) -> exit code        (what `parvandeh` with no argument runs)

The first window is on screen before the database is open: the sign-in window (or, for a new
data folder, the first-run wizard) appears as soon as Qt is up, while SQLAlchemy is imported
and the database opened and migrated in the background. The day's first automatic backup then
runs in the background too; the exit backup runs after the last window has closed.

A damaged or foreign database is never recreated: its Persian message, with the way back to the
latest backup, is shown and the program exits with a non-zero code.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from app.constants import DB_FILENAME
from app.errors import DomainError
from app.ui.machinery import messages
from app.ui.machinery.runner import BackgroundCall
from app.ui.machinery.sign_in import SignInDialog, utc_now

log = logging.getLogger(__name__)
WAIT_DIALOG_DELAY_MS = 700  # shorter waits pass without a dialog flashing up
SKIP_EXIT_BACKUP = "خروج بدون پشتیبان"


BUSY_WAIT_MS = 2000


def open_folder(data_dir: Path) -> tuple[Any, bool, str]:
    """(database, is it set up, clinic name). Runs in the background at start."""
    from app.services.clinic import get_clinic, is_set_up
    from app.services.context import Actor, ServiceContext
    from app.storage.datadir import open_database

    db = open_database(data_dir)
    if db.dialect == "sqlite":
        db.wait_when_busy(BUSY_WAIT_MS)  # the form waits visibly and tries again (app.ui.cases.common)
    try:
        set_up = is_set_up(db)
        name = get_clinic(ServiceContext(db, Actor.system())).name if set_up else ""
    except BaseException:
        db.dispose()
        raise
    return db, set_up, name


def error_text(error: BaseException) -> str:
    return error.message if isinstance(error, DomainError) else f"{type(error).__name__}: {error}"


class Program(QObject):
    """Which window is up, from the first one to the exit backup."""

    def __init__(self, app: QApplication, data_dir: Path, *, clock=utc_now, lock_ms: int | None = None):
        super().__init__(app)
        self.app = app
        self.data_dir = Path(data_dir)
        self.clock = clock
        self.lock_ms = lock_ms
        self.db: Any = None
        self.clinic_name = ""
        self.exit_code = 0
        self.used = False  # someone set up or signed in: only then can data have changed
        self.sign_in: SignInDialog | None = None
        self.wizard: Any = None
        self.window: Any = None
        self.opener: BackgroundCall | None = None
        self.start_backup: BackgroundCall | None = None
        from app.ui.machinery.presence import PresenceKeeper
        self.presence = PresenceKeeper(self)  # who is connected, for a restore on any PC

    # --- start -------------------------------------------------------------------------------

    def start(self) -> None:
        if (self.data_dir / DB_FILENAME).exists():
            self.show_sign_in()
        else:
            self.show_wizard()
        self.opener = BackgroundCall(open_folder, self.data_dir, parent=self)
        self.opener.done.connect(self._opened)
        self.opener.failed.connect(self._open_failed)
        self.opener.start()

    def _opened(self, opened: tuple[Any, bool, str]) -> None:
        self.db, set_up, self.clinic_name = opened
        self._start_backup()
        if set_up and self.wizard is not None:
            self._close(self.wizard)
            self.wizard = None
            self.show_sign_in()
        elif not set_up and self.sign_in is not None:
            self._close(self.sign_in)
            self.sign_in = None
            self.show_wizard()
        if self.sign_in is not None:
            self.sign_in.set_database(self.db, self.clinic_name)
        if self.wizard is not None:
            self.wizard.set_database(self.db)

    def _open_failed(self, error: BaseException) -> None:
        log.error("the database did not open: %s", error)
        for window in (self.sign_in, self.wizard):
            if window is not None:
                self._close(window)
        self.sign_in = self.wizard = None
        messages.fail(None, "پوشه داده باز نمی‌شود.", error_text(error))
        self.exit_code = 1
        self.app.exit(1)

    def _start_backup(self) -> None:
        from app.ui.machinery.backup_ui import take_start_backup

        # In a child process (backup_ui.take_auto_backup): this job's thread only waits for it.
        self.start_backup = BackgroundCall(take_start_backup, self.data_dir, self.clock(), parent=self,
                                           reports=True)
        self.start_backup.failed.connect(self._backup_failed)
        self.start_backup.start()

    def _backup_failed(self, error: BaseException) -> None:
        from app.storage.backup import BackupCancelled

        if isinstance(error, BackupCancelled):
            log.info("start backup stopped: the program was closed")  # the person chose to
            return
        log.error("automatic backup failed: %s", error)
        parent = self.window or self.sign_in
        messages.warn(parent, "پشتیبان خودکار روزانه گرفته نشد.", error_text(error))

    # --- windows -----------------------------------------------------------------------------

    @staticmethod
    def _close(window: Any) -> None:
        window.blockSignals(True)  # closing it here is not the person cancelling it
        window.close()
        window.deleteLater()

    def show_sign_in(self, username: str = "") -> SignInDialog:
        dialog = SignInDialog(self.db, clinic_name=self.clinic_name, clock=self.clock)
        dialog.signedIn.connect(self._signed_in)
        dialog.rejected.connect(self.app.quit)
        if username:
            dialog.set_username(username)
        self.sign_in = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def show_wizard(self) -> Any:
        from app.ui.machinery.wizard import SetupWizard

        wizard = SetupWizard(self.db, clock=self.clock)
        wizard.accepted.connect(self._set_up)
        wizard.rejected.connect(self.app.quit)
        self.wizard = wizard
        wizard.show()
        return wizard

    def _set_up(self) -> None:
        self.used = True
        username = self.wizard.username
        self.wizard.deleteLater()
        self.wizard = None
        self.show_sign_in(username)

    def _signed_in(self, actor: Any, username: str) -> None:
        from app.ui.machinery.main_window import MainWindow
        from app.ui.machinery.session import AppSession

        self.used = True
        if self.sign_in is not None:
            self.sign_in.deleteLater()
            self.sign_in = None
        session = AppSession(self.data_dir, self.db, actor)
        self.presence.start(self.db, actor.name)
        self.window = MainWindow(session, username=username, clock=self.clock, lock_ms=self.lock_ms)
        self.window.finished.connect(self._window_finished)
        self.window.show()

    def _window_finished(self, reason: str) -> None:
        window, self.window = self.window, None
        self.presence.stop()
        if window is not None:
            window.deleteLater()
        if reason == "sign_out":
            dialog = self.show_sign_in()
            expired = getattr(window, "expired_message", "")
            if expired:  # the account was deactivated or its role changed: say why we are here
                dialog.errors.show(DomainError(expired, field="password"))
        elif reason == "restore" and window is not None and window.pending_restore:
            self.restore(*window.pending_restore)
        else:
            self.app.quit()

    # --- restore -----------------------------------------------------------------------------

    def _wait_for_start_backup(self, *, skippable: bool = False) -> None:
        """Waits for the day's start backup. skippable (closing the program): the dialog has
        «خروج بدون پشتیبان», which stops it (its child process is ended, nothing left behind)."""
        from app.ui.machinery.backup_ui import run_in_background, run_without_cancel

        backup = self.start_backup
        if backup is None or not backup.is_running():
            return
        if not skippable:
            run_without_cancel(None, "در حال تمام کردن پشتیبان روزانه…", lambda _progress: backup.wait(),
                               delay_ms=WAIT_DIALOG_DELAY_MS)
            return

        def wait(_progress, cancelled) -> None:
            while not backup.wait(0.1):
                if cancelled():
                    backup.cancel()

        run_in_background(None, "در حال تمام کردن پشتیبان روزانه…", wait, delay_ms=WAIT_DIALOG_DELAY_MS,
                          cancel_text=SKIP_EXIT_BACKUP)

    def restore(self, path: Path, password: str | None) -> bool:
        """Close the database, put the backup in place, open it again and ask for sign-in."""
        from app.ui.machinery.backup_ui import restore_files, run_without_cancel

        self._wait_for_start_backup()
        self.db.dispose()  # restore_backup replaces the file under the engine's feet otherwise
        restored = None
        try:
            restored = run_without_cancel(None, "در حال بازگردانی پشتیبان…", restore_files,
                                          self.data_dir, path, password)
        except DomainError as error:
            messages.fail(None, "بازگردانی انجام نشد؛ اطلاعات فعلی دست نخورده است.", error.message)
        if not self._reopen():
            return False
        if restored is not None:
            kept = f"اطلاعات پیش از بازگردانی: {restored.kept_copy}" if restored.kept_copy else ""
            messages.inform(None, "پشتیبان بازگردانی شد. دوباره وارد شوید.", kept)
        self.show_sign_in()
        return restored is not None

    def _reopen(self) -> bool:
        from app.ui.machinery.backup_ui import run_without_cancel

        try:
            self.db, _set_up, self.clinic_name = run_without_cancel(
                None, "در حال باز کردن پایگاه داده…", lambda _progress: open_folder(self.data_dir),
                delay_ms=WAIT_DIALOG_DELAY_MS)
        except BaseException as error:  # noqa: BLE001 — whatever it is, the person must hear of it
            self.db = None
            self._open_failed(error)
            return False
        return True

    # --- end ---------------------------------------------------------------------------------

    def finish(self, code: int) -> int:
        """After the event loop: finish the start backup, take the exit backup, close the database."""
        from app.storage.backup import BackupCancelled
        from app.ui.machinery.backup_ui import run_in_background, take_auto_backup

        if self.opener is not None:
            self.opener.wait()
            if self.db is None and self.opener.result is not None:
                self.db = self.opener.result[0]  # opened just as the person closed the window
        self._wait_for_start_backup(skippable=True)
        if self.used and self.db is not None and self.exit_code == 0:
            try:
                # Skippable: the data itself is safe in the database, and the day's start
                # backup is on disk; someone leaving in a hurry must not wait a minute.
                run_in_background(None, "در حال پشتیبان‌گیری هنگام خروج…",
                                  lambda progress, cancelled: take_auto_backup(
                                      self.data_dir, "exit", self.clock(), progress=progress, cancel=cancelled),
                                  delay_ms=WAIT_DIALOG_DELAY_MS, cancel_text=SKIP_EXIT_BACKUP)
            except BackupCancelled:
                log.info("exit backup skipped by the person")
            except DomainError as error:
                messages.warn(None, "پشتیبان خروج گرفته نشد.", error.message)
        if self.db is not None:
            self.db.dispose()
        return self.exit_code or code


def run_gui(data_dir: Path, argv: list[str] | None = None) -> int:
    from app.ui.machinery.application import create_application

    app = create_application(argv if argv is not None else sys.argv)
    from app.office.marker import is_office_folder
    if is_office_folder(Path(data_dir)):
        from app.ui.pages.office import run_office
        return run_office(app, Path(data_dir))
    # Between the sign-in window and the main window none is open; that is not "quit".
    app.setQuitOnLastWindowClosed(False)
    program = Program(app, Path(data_dir))
    program.start()
    code = app.exec()
    return program.finish(code)
