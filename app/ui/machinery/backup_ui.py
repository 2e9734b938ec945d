"""Backups from the desktop: back up now (to a USB stick, optionally encrypted), the list of
automatic backups, restoring one, and the automatic backups at start and exit.

The work itself is app.storage.backup's; here it runs off the GUI thread. A backup the person
asked for can be cancelled, and the exit backup skipped (the day's start backup is on disk); a
restore cannot (stopping half-way would help no one), so it shows a dialog without a button.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.constants import DB_FILENAME
from app.errors import DomainError, ValidationError
from app.persian import to_jalali, to_persian_digits
from app.ui.machinery import messages
from app.ui.widgets.forms import FieldErrorLabel, FormErrors
from app.ui.widgets.passwords import MSG_NOT_SAME, PasswordDialog, password_edit
from app.ui.machinery.runner import run_with_progress
from app.ui.widgets.text import moment_text, rtl_date_text

EXTENSION = ".pvbak"
FILE_FILTER = "پشتیبان پرونده (*.pvbak)"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# ---------------------------------------------------------------- waiting with a dialog (app.ui.machinery.runner)


def run_without_cancel(parent: QWidget | None, title: str, fn: Callable[..., Any], *args: Any,
                       delay_ms: int = 0) -> Any:
    """fn(progress, *args) in a job; a progress dialog (no Cancel) shows after delay_ms if
    the work is still going. Returns fn's result or raises its exception here."""
    return run_in_background(parent, title, fn, *args, delay_ms=delay_ms)


def run_in_background(parent: QWidget | None, title: str, fn: Callable[..., Any], *args: Any,
                      delay_ms: int = 0, cancel_text: str | None = None) -> Any:
    """fn(progress, *args) behind a modal dialog that shows after delay_ms if the work is still
    going; with cancel_text the dialog has a button so labelled and fn is called as
    fn(progress, cancelled, *args). Returns fn's result (even after a cancel: fn decides) or
    raises its exception here."""
    if cancel_text is None:
        work = lambda progress, _cancelled, *rest: fn(progress, *rest)  # noqa: E731
    else:
        work = fn
    return run_with_progress(parent, title, work, *args, cancel_text=cancel_text, delay_ms=delay_ms,
                             raise_if_cancelled=False, name="waitDialog")



# ---------------------------------------------------------------- automatic backups


def take_auto_backup(data_dir: Path, reason: str, now: dt.datetime | None = None, *,
                     progress: Callable[[int, int], None] | None = None,
                     cancel: Callable[[], bool] | None = None) -> Path | None:
    """The start or exit backup (call off the GUI thread, or through run_in_background).

    The work is done in a child process (app.storage.backup_process): in a thread of this one it
    would take the interpreter lock from the GUI thread and the window would stutter. This thread
    only waits for it and passes its progress on; cancel() stops it and nothing is left behind."""
    from app.storage.backup_process import auto_backup_in_child

    return auto_backup_in_child(Path(data_dir), reason=reason, now=now or _now(), progress=progress,
                                cancel=cancel)


def take_start_backup(progress: Callable[[int, int], None], cancelled: Callable[[], bool], data_dir: Path,
                      now: dt.datetime) -> Path | None:
    """The day's start backup, shaped for Job(..., reports=True) so closing the program can cancel it."""
    return take_auto_backup(data_dir, "start", now, progress=progress, cancel=cancelled)


@dataclass(frozen=True)
class BackupFile:
    path: Path
    name: str
    modified: dt.datetime
    size: int


def list_backups(data_dir: Path) -> list[BackupFile]:
    """Backups in the data folder's backups/ (automatic ones and before-restore copies), newest first."""
    folder = Path(data_dir) / "backups"
    found = []
    for path in folder.glob("*" + EXTENSION) if folder.is_dir() else []:
        try:
            stat = path.stat()
        except OSError:
            continue  # removed by the rotation meanwhile
        modified = dt.datetime.fromtimestamp(stat.st_mtime, dt.timezone.utc)
        found.append(BackupFile(path, path.name, modified, stat.st_size))
    return sorted(found, key=lambda b: b.modified, reverse=True)


def size_text(size: int) -> str:
    for unit, step in (("گیگابایت", 1 << 30), ("مگابایت", 1 << 20), ("کیلوبایت", 1 << 10)):
        if size >= step:
            return f"{to_persian_digits(f'{size / step:.1f}').replace('.', '٫')} {unit}"  # Persian decimal mark
    return f"{to_persian_digits(size)} بایت"


def local_time_text(moment: dt.datetime) -> str:
    """A moment in the PC's own time zone, Jalali, year at the right."""
    return moment_text(moment)  # Tehran's clock, year at the right


# ---------------------------------------------------------------- back up now


def manual_backup_name(folder: Path, now: dt.datetime) -> Path:
    """parvandeh-manual-1405-09-02-143000.pvbak: a name the automatic rotation never deletes."""
    local = now.astimezone()
    y, m, d = to_jalali(local.date())
    stem = f"parvandeh-manual-{y:04d}-{m:02d}-{d:02d}-{local:%H%M%S}"
    path, n = folder / (stem + EXTENSION), 2
    while path.exists():
        path, n = folder / f"{stem}-{n}{EXTENSION}", n + 1
    return path


class BackupNowDialog(QDialog):
    """Where to put the backup and, if it leaves the office, a password to encrypt it."""

    def __init__(self, parent: QWidget | None = None, folder: str = ""):
        super().__init__(parent)
        self.setObjectName("backupNowDialog")
        self.setWindowTitle("پشتیبان‌گیری")
        self.setMinimumWidth(520)
        self.errors = FormErrors(self)
        self.folder = QLineEdit(folder, self)
        self.folder.setObjectName("folder")
        self.folder.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        browse = QPushButton("انتخاب پوشه…", self)
        browse.clicked.connect(self._browse)
        self.encrypt = QCheckBox("رمزگذاری پشتیبان (برای فلش یا هر جای بیرون از کلینیک)", self)
        self.encrypt.setObjectName("encrypt")
        self.password = password_edit(self, "password")
        self.password_again = password_edit(self, "password_again")
        self.encrypt.toggled.connect(self._encrypt_toggled)
        folder_row = QWidget(self)
        row = QHBoxLayout(folder_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        folder_box = QWidget(self)
        box_layout = QVBoxLayout(folder_box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.addWidget(folder_row)
        folder_error = FieldErrorLabel(folder_box)
        box_layout.addWidget(folder_error)
        self.errors.register("folder", self.folder, folder_error)
        form = QFormLayout()
        form.addRow("پوشه مقصد:", folder_box)
        form.addRow(self.encrypt)
        form.addRow("رمز پشتیبان:", self.errors.field_box("password", self.password))
        form.addRow("تکرار رمز:", self.errors.field_box("password_again", self.password_again))
        note = QLabel("رمز پشتیبان را جایی امن یادداشت کنید: بدون آن، پشتیبان رمزگذاری‌شده باز نمی‌شود.", self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        ok = buttons.addButton("پشتیبان‌گیری", QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton("انصراف", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.errors.general)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        # Encrypted unless the manager unticks it: a backup holds every note and abuse concern.
        self.encrypt.setChecked(True)
        self._encrypt_toggled(True)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "پوشه مقصد پشتیبان", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def _encrypt_toggled(self, on: bool) -> None:
        self.password.setEnabled(on)
        self.password_again.setEnabled(on)

    def value(self) -> tuple[Path, str | None]:
        text = self.folder.text().strip()
        if not text:
            raise ValidationError("پوشه مقصد را انتخاب کنید.", field="folder")
        folder = Path(text)
        if not folder.is_dir():
            raise ValidationError("این پوشه پیدا نشد.", field="folder")
        if not os.access(folder, os.W_OK):
            raise ValidationError("در این پوشه نمی‌توان نوشت.", field="folder")
        if not self.encrypt.isChecked():
            return folder, None
        if not self.password.text():
            raise ValidationError("رمز پشتیبان را وارد کنید.", field="password")
        if self.password.text() != self.password_again.text():
            raise ValidationError(MSG_NOT_SAME, field="password_again")
        return folder, self.password.text()

    def _check(self) -> None:
        try:
            self.chosen = self.value()
        except DomainError as error:
            self.errors.show(error)
            return
        self.accept()


def _server_url(data_dir: Path) -> str:
    """The clinic's PostgreSQL address when this PC uses one: then the folder's SQLite file is not the data."""
    from app.storage.database import database_url_for
    url = database_url_for(Path(data_dir))
    return "" if url.startswith("sqlite") else url


def create_backup_file(data_dir: Path, folder: Path, password: str | None, progress, cancelled,
                       now: dt.datetime | None = None, *, ctx: Any = None):
    """The worker of «back up now»: fn(progress, cancelled) for run_with_progress.

    With `ctx` (the signed-in session) the copy goes through the backup service: the manager's
    alone, private and written into the audit trail."""
    out = manual_backup_name(Path(folder), now or _now())
    url = _server_url(data_dir)
    if url:
        if ctx is not None:
            from app.services.policy import Action, Kind, require
            require(ctx.actor, Kind.BACKUP, Action.CREATE)
        from app.storage.pgdump import dump
        return dump(url, out), None
    # In a child process, like the automatic backups: the window keeps answering meanwhile.
    from app.storage.backup_process import create_backup_in_child
    if ctx is not None:
        from app.services.backups import back_up_to
        return out, back_up_to(ctx, out, password, unencrypted=password is None, progress=progress,
                               cancel=cancelled, create=create_backup_in_child)
    info = create_backup_in_child(Path(data_dir) / DB_FILENAME, Path(data_dir) / "attachments", out,
                                  password=password, progress=progress, cancel=cancelled)
    return out, info


def back_up_now(parent: QWidget | None, data_dir: Path, folder: str = "", *, ctx: Any = None) -> Path | None:
    """Ask where, back up with progress and Cancel, say where it went. The path, or None."""
    dialog = BackupNowDialog(parent, folder)
    if not dialog.exec():
        return None
    target, password = dialog.chosen
    try:
        out, _info = run_with_progress(parent, "در حال پشتیبان‌گیری…",
                                       lambda progress, cancelled: create_backup_file(
                                           data_dir, target, password, progress, cancelled, ctx=ctx))
    except DomainError as error:
        messages.warn(parent, "پشتیبان گرفته نشد.", error.message)
        return None
    messages.inform(parent, "پشتیبان ساخته شد.", str(out))
    return out


# ---------------------------------------------------------------- restore


def choose_backup_file(parent: QWidget | None, start: str = "") -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, "انتخاب فایل پشتیبان", start, FILE_FILTER)
    return Path(path) if path else None


def _read_info(path: Path, password: str | None):
    from app.storage.backup import read_backup_info

    return read_backup_info(path, password)


def prepare_restore(parent: QWidget | None, path: Path) -> tuple[Path, str | None] | None:
    """Ask the password of an encrypted backup (checked at once), show what the backup holds and
    ask for confirmation. (path, password) to restore, or None."""
    from app.storage.backup import backup_is_encrypted

    password: str | None = None
    try:
        if backup_is_encrypted(path):
            dialog = PasswordDialog(parent, "پشتیبان رمزگذاری‌شده", "رمز این پشتیبان را وارد کنید.",
                                    lambda typed: (typed, _read_info(path, typed)))
            if not dialog.exec():
                return None
            password, info = dialog.result_value
        else:
            info = _read_info(path, None)
    except DomainError as error:
        messages.warn(parent, "این فایل بازگردانی نمی‌شود.", error.message)
        return None
    detail = (f"تاریخ پشتیبان: {local_time_text(info.created_at)}\n"
              f"نسخه برنامه: {to_persian_digits(info.app_version)}\n"
              f"پیوست‌ها: {to_persian_digits(info.attachment_count)} فایل\n\n"
              "اطلاعات فعلی پیش از بازگردانی در پوشه پشتیبان‌ها نگه داشته می‌شود. "
              "برنامه بسته و دوباره باز می‌شود و باید دوباره وارد شوید.")
    if not messages.confirm(parent, "اطلاعات فعلی با این پشتیبان جایگزین شود؟", detail,
                            yes="بازگردانی", no="انصراف"):
        return None
    return path, password


def restore_files(progress, data_dir: Path, path: Path, password: str | None):
    """The restore itself, for run_without_cancel; the database engine must already be disposed."""
    from app.storage.backup import restore_backup
    from app.storage.migrate import known_revisions

    data_dir = Path(data_dir)
    url = _server_url(data_dir)
    if url:
        from types import SimpleNamespace

        from app.storage.pgdump import restore
        restore(url, path)
        return SimpleNamespace(kept_copy=None, attachments_restored=0)
    return restore_backup(path, data_dir / DB_FILENAME, data_dir / "attachments", password=password,
                          known_revisions=known_revisions(), keep_dir=data_dir / "backups",
                          progress=progress)
