"""The dialog for a save refused because someone else changed (or deleted) the record meanwhile.

It shows who changed what and when (Iran time), field by field, and offers to reload the record
with the person's own changes put back on top; their typing is never thrown away."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import StaleEdit
from app.persian import format_jalali, format_jalali_datetime, to_persian_digits
from app.ui.widgets.text import rtl_date_text

IRAN = ZoneInfo("Asia/Tehran")
TITLE = "تغییر هم‌زمان"
RELOAD_TEXT = "بارگذاری دوباره و اعمال تغییرات من"
CLOSE_TEXT = "بستن"
KEPT_TEXT = "آنچه نوشته‌اید از بین نرفته است: در همین فرم مانده و به‌صورت پیش‌نویس هم نگه داشته شده است."
HEADERS = ("چه کسی", "چه زمانی (وقت ایران)", "چه کرد", "بخش", "پیش از", "پس از")


def value_text(value: object) -> str:
    """An audit value as a person reads it: Jalali dates, Persian digits, yes/no."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "بله" if value else "خیر"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return rtl_date_text(format_jalali(dt.date.fromisoformat(value)))
        except ValueError:
            pass
    return to_persian_digits(str(value))


def change_rows(error: StaleEdit) -> list[tuple[str, ...]]:
    rows = []
    for who, when, action, fields in error.changes:
        moment = rtl_date_text(format_jalali_datetime(when.astimezone(IRAN)))
        if not fields:
            rows.append((who, moment, action, "", "", ""))
        for label, (old, new) in fields.items():
            rows.append((who, moment, action, label, value_text(old), value_text(new)))
    return rows


class ConflictDialog(QDialog):
    """exec() returns Accepted when the person chose to reload and reapply."""

    def __init__(self, error: StaleEdit, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.setWindowTitle(TITLE)
        layout = QVBoxLayout(self)
        message = QLabel(error.message, self)
        message.setWordWrap(True)
        layout.addWidget(message)
        rows = change_rows(error)
        if rows:
            layout.addWidget(QLabel("آنچه کاربر دیگر انجام داده است:", self))
            self.table = QTableWidget(len(rows), len(HEADERS), self)
            self.table.setHorizontalHeaderLabels(HEADERS)
            self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            self.table.verticalHeader().hide()
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    item = QTableWidgetItem(text)
                    item.setToolTip(text)
                    self.table.setItem(r, c, item)
            header = self.table.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setStretchLastSection(True)
            layout.addWidget(self.table)
        kept = QLabel(KEPT_TEXT, self)
        kept.setWordWrap(True)
        layout.addWidget(kept)
        buttons = QDialogButtonBox(self)
        if not error.deleted:
            reload_button = buttons.addButton(RELOAD_TEXT, QDialogButtonBox.ButtonRole.AcceptRole)
            reload_button.setDefault(True)
        buttons.addButton(CLOSE_TEXT, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(min(720, max(420, self.sizeHint().width())))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)


def ask_reload(parent: QWidget | None, error: StaleEdit) -> bool:
    """True if the person wants the record reloaded with their changes on top (tests replace this)."""
    return ConflictDialog(error, parent).exec() == QDialog.DialogCode.Accepted
