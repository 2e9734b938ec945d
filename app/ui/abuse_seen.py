"""«دیده شد»: the manager marks a child-abuse concern seen, with a note (app.services.abuse_watch)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.errors import DomainError
from app.services.abuse_watch import acknowledge_abuse_concern
from app.ui.cases.common import NoteEdit
from app.ui.forms import FormErrors
from app.ui.screen_fit import fit_size
from app.ui.text import jalali_text, rtl_date_text


class AcknowledgeDialog(QDialog):
    """Names the concern (child, date, action taken) and asks the manager's note."""

    def __init__(self, session: Any, concern: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("acknowledgeDialog")
        self.setWindowTitle("دیده شدن نگرانی کودک‌آزاری")
        self.session, self.concern = session, concern
        self.errors = FormErrors(self)
        about = QLabel(rtl_date_text(
            f"{concern.case_name} — یادداشت {jalali_text(concern.date)}\nاقدام ثبت‌شده: {concern.action or '—'}"), self)
        about.setWordWrap(True)
        self.note = NoteEdit(self, lines=4)
        self.note.setObjectName("acknowledgeNote")
        self.note.setPlaceholderText("چه تصمیمی گرفته شد، به چه کسی خبر داده شد")
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton("ثبت «دیده شد»", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setToolTip("ثبت (Ctrl+Enter)")
        buttons.addButton("انصراف", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.errors.general)
        layout.addWidget(about)
        layout.addWidget(QLabel("یادداشت مدیر:", self))
        layout.addWidget(self.errors.field_box("note", self.note), 1)
        layout.addWidget(buttons)
        from app.ui.cases.common import SAVE_KEYS, add_shortcut
        add_shortcut(self, SAVE_KEYS, self.save)
        fit_size(self, 520, 360)
        self.note.setFocus()

    def save(self) -> bool:
        try:
            acknowledge_abuse_concern(self.session.ctx, self.concern.service_id, self.note.text())
        except DomainError as error:
            self.errors.show(error)
            return False
        self.accept()
        return True
