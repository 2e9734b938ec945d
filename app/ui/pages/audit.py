"""The manager's viewer of the audit trail: who did what, when, with old and new values.

The trail can hold hundreds of thousands of entries, so the table pages from the service like the
case list does. Only the manager may read it; the service enforces that, the page just says so."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import DomainError
from app.persian import format_jalali, to_persian_digits
from app.services import audit
from app.services.choices import staff_choices
from app.ui.widgets.text import moment_text, rtl_date_text
from app.ui.widgets.list_model import identifier_text, make_table_view
from app.ui.widgets.paged_model import Column, PagedTableModel
from app.ui.widgets import JalaliDateEdit, NormalizingLineEdit

COLUMNS = [
    # year at the right like every other date, and on Tehran's clock whatever the PC's zone
    Column("at", "زمان (تهران)", moment_text, sortable=False),
    Column("actor_name", "کاربر", sortable=False),
    Column("action_label", "کار", sortable=False),
    Column("entity_label", "بخش", sortable=False),
    Column("file_number", "شماره پرونده", identifier_text, sortable=False),
    Column("changes", "تغییرها", lambda v: _changes_text(v), sortable=False),
]


def _value_text(value: Any) -> str:
    """Stored values as a person reads them: Jalali dates, بله/خیر, a dash for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "بله" if value else "خیر"
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            return rtl_date_text(format_jalali(dt.date.fromisoformat(value[:10])))
        except ValueError:
            return value
    return str(value)


def _changes_text(raw: str) -> str:
    """«field: old ← new» pairs on one line; the full text is shown below the table."""
    try:
        changes = json.loads(raw or "{}")
    except ValueError:
        return raw
    parts = []
    for key, value in changes.items():
        label = audit.FIELD_LABELS.get(key, key)
        if isinstance(value, list) and len(value) == 2:
            parts.append(f"{label}: {_value_text(value[0])} ← {_value_text(value[1])}")
        else:
            parts.append(f"{label}: {_value_text(value)}")
    return to_persian_digits("؛ ".join(parts))


class AuditSource:
    def __init__(self, session: Any):
        self.session = session

    def count(self, query: audit.AuditQuery) -> int:
        return audit.count_audit(self.session.ctx, query)

    def page(self, query: audit.AuditQuery, offset: int, limit: int) -> list[dict]:
        return [dataclasses.asdict(row) for row in audit.list_audit(self.session.ctx, query, offset, limit)]


class AuditPage(QWidget):
    def __init__(self, session: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("auditPage")
        layout = QVBoxLayout(self)
        self.message = QLabel(self)
        self.message.setObjectName("auditMessage")
        layout.addWidget(self.message)
        if not session.actor or not session.actor.is_manager:
            self.message.setText("دیدن رویدادها فقط از مدیر کلینیک برمی‌آید.")
            self.model = None
            return
        layout.addLayout(self._filters())
        self.model = PagedTableModel(COLUMNS, AuditSource(session), audit.AuditQuery(), self)
        self.view = make_table_view(self.model, self, name="auditTable", stretch_column=5)
        self.view.selectionModel().currentRowChanged.connect(self._show_details)
        layout.addWidget(self.view, 1)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setFixedHeight(80)
        layout.addWidget(self.details)
        self._update_count()

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.staff = QComboBox(self)
        self.staff.addItem("همه کاربران", None)
        for staff_id, name in staff_choices(self.session.ctx, active_only=False):
            self.staff.addItem(name, staff_id)
        self.action = QComboBox(self)
        self.action.addItem("همه کارها", None)
        for key, label in audit.ACTION_LABELS.items():
            self.action.addItem(label, key)
        self.file_number = NormalizingLineEdit(self, digits="persian")
        self.file_number.setPlaceholderText("شماره پرونده")
        self.since = JalaliDateEdit(self, field="since")
        self.until = JalaliDateEdit(self, field="until")
        apply = QPushButton("نمایش (&S)", self)
        apply.clicked.connect(self.apply_filters)
        self.file_number.returnPressed.connect(self.apply_filters)
        check = QPushButton("بررسی زنجیره (&V)", self)
        check.clicked.connect(self.check_chain)
        for label, widget in (("کاربر:", self.staff), ("کار:", self.action), ("پرونده:", self.file_number),
                              ("از:", self.since), ("تا:", self.until)):
            row.addWidget(QLabel(label, self))
            row.addWidget(widget)
        row.addWidget(apply)
        row.addStretch(1)
        row.addWidget(check)
        return row

    def query(self) -> audit.AuditQuery:
        return audit.AuditQuery(actor_id=self.staff.currentData(), action=self.action.currentData(),
                                file_number=self.file_number.text(), since=self.since.date(),
                                until=self.until.date())

    def apply_filters(self) -> None:
        try:
            self.model.set_query(self.query())
        except DomainError as exc:
            self.message.setText(exc.message)
            return
        self._update_count()

    def _update_count(self) -> None:
        self.message.setText(f"{to_persian_digits(self.model.rowCount())} رویداد")

    def _show_details(self, current, _previous) -> None:
        row = self.model.row_at(current.row()) if current.isValid() else None
        self.details.setPlainText(_changes_text(row["changes"]).replace("؛ ", "\n") if row else "")

    def check_chain(self) -> str:
        report = audit.check_chain(self.session.ctx)
        if report.ok:
            text = f"زنجیره رویدادها سالم است ({to_persian_digits(report.entries)} رویداد)."
        else:
            text = (f"زنجیره رویدادها از ردیف {to_persian_digits(report.first_broken_id)} شکسته است: "
                    f"{report.reason}")
        self.message.setText(text)
        return text
