"""«دیده شد»: the manager marks a child-abuse concern seen, with a note (app.services.abuse_watch)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from app.services.abuse_watch import acknowledge_abuse_concern
from app.ui.cases.common import NoteEdit
from app.ui.widgets.forms import FormDialog
from app.ui.machinery.screen_fit import fit_size
from app.ui.widgets.text import jalali_text, rtl_date_text


class AcknowledgeDialog(FormDialog):
    """Names the concern (child, date, action taken) and asks the manager's note."""

    def __init__(self, session: Any, concern: Any, parent: QWidget | None = None):
        about = rtl_date_text(
            f"{concern.case_name} — یادداشت {jalali_text(concern.date)}\nاقدام ثبت‌شده: {concern.action or '—'}")
        super().__init__(session, "دیده شدن نگرانی کودک‌آزاری", parent, save_text="ثبت «دیده شد»", intro=about)
        self.setObjectName("acknowledgeDialog")
        self.concern = concern
        self.note = NoteEdit(self, lines=4)
        self.note.setObjectName("acknowledgeNote")
        self.note.setPlaceholderText("چه تصمیمی گرفته شد، به چه کسی خبر داده شد")
        self.add_row("یادداشت مدیر:", "note", self.note)
        self.lay_out()
        fit_size(self, 520, 360)
        self.note.setFocus()

    def submit(self) -> Any:
        return acknowledge_abuse_concern(self.session.ctx, self.concern.service_id, self.note.text())
