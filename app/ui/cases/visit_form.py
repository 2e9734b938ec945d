"""The visit note: the form social workers fill many times a day, built for the keyboard.

Ctrl+Shift+N in the case window opens it; Tab (or Enter) goes from field to field; Ctrl+Enter
saves. While a note is typed, new or being edited, it is kept as a draft on disk every few
seconds, so a crash or a power cut loses at most those seconds; the next time the same person
opens a new note for the same child (or the same note to edit), the draft is offered back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from PySide6.QtWidgets import QCheckBox, QSpinBox, QWidget

# Importing the reports service registers its "is this month's report signed?" check with the
# visits service; without it a change to a signed month would go through without a reason.
import app.services.reports  # noqa: F401
from app.domain.enums import CareDomain, ServiceKind, ServiceMode
from app.domain.limits import MAX_SERVICE_MINUTES
from app.errors import DomainError
from app.services.problems import list_problems
from app.services.views import SaveResult, ServiceView
from app.services import validation as v
from app.services.visits import ServiceInput, add_service, check_visit_entry, list_services, update_service
from app.domain.changes import Changes
from app.ui.cases.common import SERVICES, FormDialog, IdChoice, NoteEdit, ask_yes_no, moment_text
from app.ui.machinery import live
from app.ui.widgets.drafts import DraftAutosaver
from app.ui.machinery.session import AppSession
from app.ui.widgets import ChecklistWidget, EnumComboBox, JalaliDateEdit, NormalizingLineEdit
from app.ui.machinery.screen_fit import fit_size

DRAFT_INTERVAL_S = 3.0
NEW_TITLE = "یادداشت خدمت جدید"
EDIT_TITLE = "ویرایش خدمت"
DELETED_TEXT = "این خدمت را کاربر دیگری حذف کرده است؛ آنچه نوشته‌اید به‌صورت پیش‌نویس نگه داشته شد."
DRAFT_TITLE = "پیش‌نویس یادداشت"


def visit_draft_key(staff_id: Optional[int], case_id: int) -> str:
    """One draft per person and child: a colleague's draft is never offered to someone else."""
    return f"visit-{staff_id}-{case_id}"


def edit_draft_key(staff_id: Optional[int], service_id: int) -> str:
    """The draft of one person's unsaved changes to one note."""
    return f"visit-edit-{staff_id}-{service_id}"


def draft_saved_at(session: AppSession, key: str) -> Optional[dt.datetime]:
    for stored_key, saved_at, _data in session.drafts.list():
        if stored_key == key:
            return saved_at
    return None


class VisitForm(FormDialog):
    """A new note for case_id, or the edit of `service`; either is kept as a draft while typed."""

    def __init__(self, session: AppSession, case_id: int, parent: QWidget | None = None, *,
                 service: Optional[ServiceView] = None, problem_id: Optional[int] = None,
                 offer_draft: bool = True):
        super().__init__(session, EDIT_TITLE if service else NEW_TITLE, parent)
        self.setObjectName("visitForm")
        self.case_id = case_id
        self.service = service
        staff_id = session.ctx.actor.staff_id
        self.draft_key = edit_draft_key(staff_id, service.id) if service else visit_draft_key(staff_id, case_id)
        self._build_fields()
        self._lay_out()
        self._fill_problems()
        self._connect()
        if service:
            self._load(service)
        elif problem_id is not None:
            self.problem.set_value(problem_id)
        self._kind_changed()
        self.mark_clean()  # before a draft is restored: a restored draft is unsaved work
        if offer_draft:
            self.offer_draft()
        self.autosaver = DraftAutosaver(session.drafts, self.draft_key, self.draft_data, DRAFT_INTERVAL_S, self)
        self.autosaver.start()
        live.listen(self)  # a note deleted on another PC while this form edits it
        fit_size(self, 620, 640)
        self.date.setFocus()

    # --- building ----------------------------------------------------------------------------

    def _build_fields(self) -> None:
        self.date = JalaliDateEdit(self, field="date", default_today=True, today=self.session.ctx.today)
        # No silent defaults: a phone call must not go into the report as a home visit.
        self.kind = EnumComboBox(ServiceKind, self, allow_empty=True)
        self.kind.setObjectName("kind")
        self.domains = ChecklistWidget(CareDomain, self, columns=3)
        self.mode = EnumComboBox(ServiceMode, self, allow_empty=True)
        self.mode.setObjectName("mode")
        self.minutes = QSpinBox(self)
        self.minutes.setRange(0, MAX_SERVICE_MINUTES)
        self.minutes.setSingleStep(5)
        self.minutes.setSuffix(" دقیقه")
        self.minutes.setSpecialValueText("— دقیقه را بنویسید —")  # 0 is "not given", never a visit's length
        self.minutes.setObjectName("minutes")
        self.note = NoteEdit(self, lines=6)
        self.note.setObjectName("note")
        self.note.setPlaceholderText("شرح خدمت: آنچه دیده، گفته و انجام شد")
        self.abuse = QCheckBox("نگرانی درباره کودک‌آزاری", self)
        self.abuse.setObjectName("abuseConcern")
        self.abuse_action = NoteEdit(self, lines=3, grow=False)
        self.abuse_action.setObjectName("abuseAction")
        self.abuse_action.setPlaceholderText("چه اقدامی انجام شد؟ (به چه کسی خبر داده شد، کی)")
        self.next_follow_up = JalaliDateEdit(self, field="next_follow_up", today=self.session.ctx.today)
        self.problem = IdChoice(self, empty_label="— بدون پیوند —")
        self.amend_reason = NormalizingLineEdit(self)
        self.amend_reason.setObjectName("amendReason")

    def _lay_out(self) -> None:
        self.rows: dict[str, int] = {}
        for label, field, widget in (
                ("تاریخ خدمت", "date", self.date),
                ("نوع خدمت", "kind", self.kind),
                ("حوزه‌های مراقبت", "domains", self.domains),
                ("نحوه ارائه", "mode", self.mode),
                ("مدت", "minutes", self.minutes),
                ("شرح خدمت", "note", self.note),
                ("کودک‌آزاری", "abuse_concern", self.abuse),
                ("اقدام انجام‌شده", "abuse_action", self.abuse_action),
                ("پیگیری بعدی", "next_follow_up", self.next_follow_up),
                ("مشکل مرتبط", "problem_id", self.problem),
                ("دلیل اصلاح", "amend_reason", self.amend_reason)):
            self.rows[field] = self.add_row(label, field, widget)
        self.watch_enter(self.domains)
        for box in self.domains.boxes.values():
            box.installEventFilter(self.enter_filter)
        self.form.setRowVisible(self.rows["abuse_action"], False)
        self.form.setRowVisible(self.rows["amend_reason"], False)
        self.lay_out()

    def _fill_problems(self) -> None:
        problems = list_problems(self.session.ctx, self.case_id, open_only=True)
        # A psychologist's problem, for someone who may not read it, is named without its title.
        self.problem.set_choices((p.id, f"{'مشکل محرمانه (ثبت روانشناس)' if p.hidden else p.title} ({p.stage_label})")
                                 for p in problems)

    def _connect(self) -> None:
        self.kind.valueChanged.connect(lambda _kind: self._kind_changed())
        today = self.session.ctx.today
        self.check_when_left("date", self.date.line_edit,
                             lambda: v.date(self.date.text(), "date", "تاریخ خدمت", required=True,
                                            not_after=today()))
        self.check_when_left("next_follow_up", self.next_follow_up.line_edit,
                             lambda: v.date(self.next_follow_up.text(), "next_follow_up", "تاریخ پیگیری بعدی"))
        self.abuse.toggled.connect(self._abuse_changed)

    def _kind_changed(self) -> None:
        # Care domains mean something only for «مراقبت و پیگیری»; the service ignores them otherwise.
        self.domains.setEnabled(self.kind.value() is ServiceKind.CARE)

    def _abuse_changed(self, checked: bool) -> None:
        self.form.setRowVisible(self.rows["abuse_action"], checked)
        if not checked:
            self.errors.clear_field("abuse_action")

    def reveal(self, field: str) -> None:
        if field in ("amend_reason", "abuse_action"):
            self.form.setRowVisible(self.rows[field], True)

    # --- values ------------------------------------------------------------------------------

    def _load(self, s: ServiceView) -> None:
        self.date.setDate(s.date)
        self.kind.setValue(s.kind)
        self.domains.setValues(s.domains)
        self.mode.setValue(s.mode)
        self.minutes.setValue(s.minutes)
        self.note.setText(s.note)
        self.abuse.setChecked(s.abuse_concern)
        self.abuse_action.setText(s.abuse_action)
        self.next_follow_up.setDate(s.next_follow_up)
        self.problem.set_value(s.problem_id)

    def draft_data(self) -> dict[str, Any]:
        """The form as plain JSON values (dates as typed, so half-typed ones survive too)."""
        kind, mode = self.kind.value(), self.mode.value()
        return {
            "date": self.date.text(), "kind": kind.value if kind else None,
            "domains": sorted(d.value for d in self.domains.values()),
            "mode": mode.value if mode else None, "minutes": self.minutes.value(),
            "note": self.note.text(), "abuse_concern": self.abuse.isChecked(),
            "abuse_action": self.abuse_action.text(), "next_follow_up": self.next_follow_up.text(),
            "problem_id": self.problem.value(), "amend_reason": self.amend_reason.text(),
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Put a draft back; a value that no longer fits (a removed choice) is skipped."""
        setters = {
            "date": self.date.setText, "kind": self.kind.setValue, "domains": self.domains.setValues,
            "mode": self.mode.setValue, "minutes": self.minutes.setValue, "note": self.note.setText,
            "abuse_concern": self.abuse.setChecked, "abuse_action": self.abuse_action.setText,
            "next_follow_up": self.next_follow_up.setText, "problem_id": self.problem.set_value,
            "amend_reason": self.amend_reason.setText,
        }
        for name, setter in setters.items():
            if name in data and data[name] is not None:
                try:
                    setter(data[name])
                except (ValueError, TypeError):
                    pass
        if data.get("amend_reason"):
            self.reveal("amend_reason")

    def offer_draft(self) -> bool:
        """Ask whether to put back a draft left by a crash; True if restored."""
        data = self.session.drafts.load(self.draft_key)
        if not data:
            return False
        saved_at = draft_saved_at(self.session, self.draft_key)
        when = f" ({moment_text(saved_at)})" if saved_at else ""
        question = (f"تغییراتی در این یادداشت داده و ثبت نشده بود{when}. بازیابی شود؟" if self.service
                    else f"یادداشتی برای این پرونده نوشته و ثبت نشده بود{when}. بازیابی شود؟")
        # «خیر» throws the draft away: here the default is to keep it
        if ask_yes_no(self.parentWidget() or self, DRAFT_TITLE, question, default_yes=True):
            self.restore(data)
            return True
        self.session.drafts.discard(self.draft_key)
        return False

    def service_input(self) -> ServiceInput:
        kind, mode = self.kind.value(), self.mode.value()
        return ServiceInput(
            kind=kind.value if kind else "", mode=mode.value if mode else "",
            note=self.note.text(), date=self.date.date() or "",
            domains=tuple(d.value for d in self.domains.values()) if kind is ServiceKind.CARE else (),
            minutes=self.minutes.value(), abuse_concern=self.abuse.isChecked(),
            abuse_action=self.abuse_action.text() if self.abuse.isChecked() else "",
            next_follow_up=self.next_follow_up.date(), problem_id=self.problem.value(),
            amend_reason=self.amend_reason.text(), version=self.service.version if self.service else None)

    def state(self) -> Any:
        return self.draft_data()

    def entry_errors(self) -> list[DomainError]:
        kind, mode = self.kind.value(), self.mode.value()
        typed = ServiceInput(
            kind=kind.value if kind else "", mode=mode.value if mode else "", note=self.note.text(),
            date=self.date.text(), domains=tuple(d.value for d in self.domains.values()),
            minutes=self.minutes.value(), abuse_concern=self.abuse.isChecked(),
            abuse_action=self.abuse_action.text(), next_follow_up=self.next_follow_up.text())
        return check_visit_entry(typed, self.session.ctx.today())

    # --- saving ------------------------------------------------------------------------------

    def submit(self) -> SaveResult:
        data = self.service_input()
        ctx = self.session.ctx
        if self.service:
            result = update_service(ctx, self.service.id, data)
        else:
            result = add_service(ctx, self.case_id, data)
        self.autosaver.stop_and_discard()
        return result

    def what_changed(self, result: SaveResult) -> Changes:
        return Changes.of_case(self.case_id, SERVICES)

    def show_domain_error(self, error: DomainError) -> None:
        if error.field == "domains":
            self.domains.setEnabled(True)
        super().show_domain_error(error)

    def discarded(self) -> None:
        self.autosaver.stop_and_discard()

    def on_changes(self, changes: Changes) -> None:
        if self.service is not None and ("service", self.service.id) in changes.deleted:
            self.keep_draft()
            self.errors.general.show_message(DELETED_TEXT)
            self.save_button.setEnabled(False)

    def keep_draft(self) -> None:
        self.session.drafts.save(self.draft_key, self.draft_data())

    def reload_and_reapply(self) -> None:
        """The note as it is now, with every field this person changed put back on top."""
        mine, read = self.draft_data(), self._clean_state or {}
        fresh = next((s for s in list_services(self.session.ctx, self.case_id) if s.id == self.service.id), None)
        if fresh is None:
            return
        self._load(fresh)
        theirs = self.draft_data()
        self.restore({k: mine[k] if mine[k] != read.get(k) else theirs[k] for k in mine})
        self._kind_changed()
        self.service = fresh  # the next save names the version just read
        self._clean_state = theirs  # what is on screen is not saved yet


def new_visit(session: AppSession, case_id: int, parent: QWidget | None = None,
              problem_id: Optional[int] = None) -> Optional[int]:
    """Open the note form for a new service; the new service's id, or None."""
    form = VisitForm(session, case_id, parent, problem_id=problem_id)
    form.exec()
    return form.result_value.id if form.result_value is not None else None
