"""Settings: the clinic's details, the idle lock, the signing key, backups and one's own password.

Only the manager changes the clinic, the lock and the key (the services enforce it; the page
just does not offer what would be refused). The key's details come from the report module,
which loads the PDF and signing libraries; they are read in the background the first time
the page is shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.errors import AuthError, DomainError
from app.ui.machinery import backup_ui, messages
from app.ui.machinery.runner import BackgroundCall
from app.ui.widgets.list_model import ListTableModel, make_table_view
from app.ui.machinery.lock import MAX_MINUTES, MIN_MINUTES, SETTING_KEY, lock_minutes
from app.ui.widgets.paged_model import Column
from app.ui.widgets.passwords import PasswordDialog, _FormDialog, password_edit
from app.ui.machinery.wizard import ClinicFields
from app.ui.pages.page import Page

BACKUP_COLUMNS = [
    Column("name", "فایل"),
    Column("modified", "زمان", backup_ui.local_time_text),
    Column("size", "اندازه", backup_ui.size_text),
]


def fingerprint_text(fingerprint: str) -> str:
    """SHA-256 in groups of four, so it can be read out over the phone to the county office."""
    clean = fingerprint.replace(":", "").upper()
    return " ".join(clean[i:i + 4] for i in range(0, len(clean), 4))


class ImportKeyDialog(_FormDialog):
    """A PKCS#12 file from elsewhere: its own password, and the manager's to keep it under."""

    def __init__(self, session: Any, parent: QWidget | None = None):
        super().__init__(parent, "وارد کردن کلید امضا", "وارد کردن",
                         "فایل ‎PKCS#12‎ (‎.p12‎ یا ‎.pfx‎) گواهی کلینیک را انتخاب کنید.")
        self.session = session
        self.path = ""
        self.file_label = QLabel("فایلی انتخاب نشده است", self)
        choose = QPushButton("انتخاب فایل…", self)
        choose.clicked.connect(self._choose)
        row = QWidget(self)
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.file_label, 1)
        row_layout.addWidget(choose)
        self.add_field("فایل:", "file", row)
        self.file_password = self.add_field("رمز فایل:", "pkcs12_password", password_edit(self, "pkcs12_password"))
        self.password = self.add_field("رمز عبور مدیر:", "password", password_edit(self, "password"))

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "فایل کلید", "", "PKCS#12 (*.p12 *.pfx)")
        if path:
            self.path = path
            self.file_label.setText(Path(path).name)

    def submit(self) -> Any:
        from app.services.reports import import_signing_key

        if not self.path:
            raise DomainError("فایل کلید را انتخاب کنید.", field="file")
        try:
            data = Path(self.path).read_bytes()
        except OSError as exc:
            raise DomainError(f"فایل خوانده نشد: {exc.strerror or exc}", field="file") from None
        try:
            return import_signing_key(self.session.ctx, data, self.file_password.text(), self.password.text())
        except AuthError as error:
            # The manager's password is checked first and named; a wrong one after that is the file's.
            if error.field is None:
                raise AuthError(error.message, field="pkcs12_password") from None
            raise


class SettingsPage(Page):
    lockMinutesChanged = Signal(int)
    restoreRequested = Signal(object, object)  # backup path, its password (or None)

    def __init__(self, session: Any, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.key_loader: BackgroundCall | None = None
        self.backup_model = ListTableModel(BACKUP_COLUMNS, parent=self)
        self._build()
        self.load()

    # --- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        body = QWidget(self)
        body.setObjectName("page")
        layout = QVBoxLayout(body)
        from app.ui.widgets.server_box import ServerBox
        for box in (self._clinic_box(body), self._lock_box(body), self._key_box(body), self._backup_box(body),
                    ServerBox(self.session, body), self._password_box(body)):
            layout.addWidget(box)
        layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        QVBoxLayout(self).addWidget(scroll)

    def _clinic_box(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox("مشخصات کلینیک", parent)
        self.clinic = ClinicFields(box)
        self.clinic.set_read_only(not self.is_manager)
        self.save_clinic_button = QPushButton("ذخیره مشخصات", box)
        self.save_clinic_button.setObjectName("saveClinic")
        self.save_clinic_button.clicked.connect(self.save_clinic)
        self.save_clinic_button.setVisible(self.is_manager)
        layout = QVBoxLayout(box)
        layout.addWidget(self.clinic)
        layout.addWidget(self.save_clinic_button, 0, Qt.AlignmentFlag.AlignLeft)
        return box

    def _lock_box(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox("قفل خودکار صفحه", parent)
        self.lock_minutes = QSpinBox(box)
        self.lock_minutes.setObjectName("lockMinutes")
        self.lock_minutes.setRange(MIN_MINUTES, MAX_MINUTES)
        self.lock_minutes.setSuffix(" دقیقه")
        self.lock_minutes.setEnabled(self.is_manager)
        save = QPushButton("ذخیره", box)
        save.setObjectName("saveLock")
        save.clicked.connect(self.save_lock_minutes)
        save.setVisible(self.is_manager)
        self.lock_message = QLabel("", box)
        row = QHBoxLayout(box)
        row.addWidget(QLabel("اگر این مدت کاری با برنامه نشود، صفحه قفل و رمز دوباره پرسیده می‌شود:", box))
        row.addWidget(self.lock_minutes)
        row.addWidget(save)
        row.addWidget(self.lock_message)
        row.addStretch(1)
        return box

    def _key_box(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox("کلید امضای گزارش‌ها", parent)
        self.key_label = QLabel("در حال خواندن…", box)
        self.key_label.setObjectName("keyInfo")
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setWordWrap(True)
        self.create_key_button = QPushButton("ساخت کلید تازه…", box)
        self.create_key_button.setObjectName("createKey")
        self.create_key_button.clicked.connect(self.create_key)
        self.import_key_button = QPushButton("وارد کردن از فایل ‎PKCS#12‎…", box)
        self.import_key_button.setObjectName("importKey")
        self.import_key_button.clicked.connect(self.import_key)
        for button in (self.create_key_button, self.import_key_button):
            button.setVisible(self.is_manager)
        buttons = QHBoxLayout()
        buttons.addWidget(self.create_key_button)
        buttons.addWidget(self.import_key_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addWidget(self.key_label)
        layout.addLayout(buttons)
        return box

    def _backup_box(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox("پشتیبان‌گیری", parent)
        intro = QLabel("هر روز در اولین اجرا و در هر خروج از برنامه پشتیبان خودکار در پوشه داده گرفته می‌شود. "
                       "برای نگهداری بیرون از رایانه، «پشتیبان‌گیری اکنون» را روی فلش بزنید.", box)
        intro.setWordWrap(True)
        now = QPushButton("پشتیبان‌گیری اکنون…", box)
        now.setObjectName("backupNow")
        now.clicked.connect(self.back_up_now)
        restore_selected = QPushButton("بازگردانی نسخه انتخاب‌شده…", box)
        restore_selected.setObjectName("restoreSelected")
        restore_selected.clicked.connect(self.restore_selected)
        restore_file = QPushButton("بازگردانی از فایل…", box)
        restore_file.setObjectName("restoreFile")
        restore_file.clicked.connect(self.restore_from_file)
        from app.services.backups import back_up_to
        from app.services.policy import Action, Kind, allows, permits
        # A copy of the whole clinic, or one put over it: the manager's alone (the policy says so).
        now.setVisible(permits(self.session.actor, back_up_to))
        if not permits(self.session.actor, back_up_to):
            intro.setText("هر روز در اولین اجرا و در هر خروج از برنامه پشتیبان خودکار در پوشه داده گرفته "
                          "می‌شود. پشتیبان‌گیری دستی و بازگردانی فقط از مدیر کلینیک برمی‌آید.")
        for button in (restore_selected, restore_file):
            button.setVisible(allows(self.session.actor, Kind.BACKUP, Action.CHANGE))
        self.backup_table = make_table_view(self.backup_model, box, name="backupTable", stretch_column=0)
        self.backup_table.setMinimumHeight(160)
        buttons = QHBoxLayout()
        for button in (now, restore_selected, restore_file):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.backup_table)
        return box

    def _password_box(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox("رمز عبور من", parent)
        button = QPushButton("تغییر رمز عبور…", box)
        button.setObjectName("changeOwnPassword")
        button.clicked.connect(self.change_password)
        row = QHBoxLayout(box)
        row.addWidget(button)
        row.addStretch(1)
        return box

    # --- loading -----------------------------------------------------------------------------

    def load(self) -> None:
        from app.services.clinic import get_clinic

        try:
            self.clinic.set_value(get_clinic(self.session.ctx))
        except DomainError as error:
            self.clinic.errors.show(error)
        self.lock_minutes.setValue(lock_minutes(self.session.ctx))
        self.refresh_backups()
        self.load_key_info()

    def load_key_info(self) -> None:
        def read(ctx=self.session.ctx):
            from app.services.reports import signing_key_info
            return signing_key_info(ctx)

        self.key_loader = BackgroundCall(read, parent=self)
        self.key_loader.done.connect(self.show_key_info)
        self.key_loader.failed.connect(lambda error: self.key_label.setText(f"خوانده نشد: {error}"))
        self.key_loader.start()

    def stop(self, timeout: float | None = None) -> bool:
        return self.key_loader.wait(timeout) if self.key_loader is not None else True

    def show_key_info(self, info: Any) -> None:
        if info is None:
            self.key_label.setText("کلید امضا هنوز ساخته نشده است. بدون آن گزارش ماهانه امضا نمی‌شود.")
            self.create_key_button.setText("ساخت کلید امضا…")
            return
        self.key_label.setText(f"صاحب گواهی: {info.subject}\n"
                               f"اثر انگشت ‎SHA-256‎: \u2066{fingerprint_text(info.fingerprint)}\u2069")
        self.create_key_button.setText("ساخت کلید تازه…")

    def refresh_backups(self) -> None:
        self.backup_model.set_rows(backup_ui.list_backups(self.session.data_dir))

    # --- actions -----------------------------------------------------------------------------

    def save_clinic(self) -> bool:
        from app.services.clinic import update_clinic

        self.clinic.errors.clear()
        try:
            self.clinic.set_value(update_clinic(self.session.ctx, self.clinic.value()))
        except DomainError as error:
            self.clinic.errors.show(error)
            return False
        messages.inform(self, "مشخصات کلینیک ذخیره شد.")
        return True

    def save_lock_minutes(self) -> None:
        from app.services.clinic import set_setting

        minutes = self.lock_minutes.value()
        try:
            set_setting(self.session.ctx, SETTING_KEY, str(minutes))
        except DomainError as error:
            messages.warn(self, error.message)
            return
        self.lock_message.setText("ذخیره شد.")
        self.lockMinutesChanged.emit(minutes)

    def create_key(self) -> None:
        from app.services.reports import create_signing_key

        if self.key_label.text().startswith("صاحب گواهی") and not messages.confirm(
                self, "کلید تازه جای کلید فعلی را بگیرد؟",
                "گزارش‌هایی که با کلید فعلی امضا شده‌اند معتبر می‌مانند، ولی اثر انگشت تازه را باید به اداره بهزیستی بدهید."):
            return
        dialog = PasswordDialog(self, "ساخت کلید امضا", "کلید امضا با رمز عبور مدیر نگه داشته می‌شود. "
                                "رمز عبور خود را وارد کنید.",
                                lambda password: create_signing_key(self.session.ctx, password), "ساخت کلید")
        if dialog.exec():
            self.show_key_info(dialog.result_value)

    def import_key(self) -> None:
        dialog = ImportKeyDialog(self.session, self)
        if dialog.exec():
            self.show_key_info(dialog.result_value)

    def back_up_now(self) -> None:
        backup_ui.back_up_now(self, self.session.data_dir, ctx=self.session.ctx)
        self.refresh_backups()

    def restore_selected(self) -> None:
        chosen = self.backup_model.row_at(self.backup_table.currentIndex())
        if chosen is None:
            messages.inform(self, "ابتدا یکی از پشتیبان‌های فهرست را انتخاب کنید.")
            return
        self._restore(chosen.path)

    def restore_from_file(self) -> None:
        path = backup_ui.choose_backup_file(self)
        if path is not None:
            self._restore(path)

    def _restore(self, path: Path) -> None:
        prepared = backup_ui.prepare_restore(self, path)
        if prepared is not None:
            self.restoreRequested.emit(*prepared)

    def change_password(self) -> None:
        from app.ui.widgets.passwords import ChangePasswordDialog

        if ChangePasswordDialog(self.session, self).exec():
            messages.inform(self, "رمز عبور شما تغییر کرد.")
