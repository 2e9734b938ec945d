"""The small forms of the case window: a problem and its next stage, a review, a referral and
its outcome, and closing or returning the file. Each is one service call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Optional

from PySide6.QtWidgets import QWidget

from app.domain.changes import Changes
from app.domain.enums import CaseStatus, ProblemStage, Role
from app.services.cases import change_status
from app.services.choices import staff_choices
from app.services.problems import advance_problem, open_problem
from app.services.referrals import add_referral, record_outcome
from app.services.reviews import add_review
from app.services import validation as v
from app.errors import ValidationError
from app.services.views import ProblemView, SaveResult
from app.ui.cases.common import (
    FILE,
    PROBLEMS,
    REFERRALS,
    REVIEWS,
    FormDialog,
    IdChoice,
    NoteEdit,
)
from app.ui.machinery.session import AppSession
from app.ui.widgets import EnumComboBox, JalaliDateEdit, NormalizingLineEdit


class CaseFormDialog(FormDialog):
    """A FormDialog about one case: its save changes `part` of the file (the open screens hear it)."""

    part = FILE

    def __init__(self, session: AppSession, case_id: int, title: str, parent: QWidget | None):
        super().__init__(session, title, parent)
        self.case_id = case_id
        self.setMinimumWidth(520)

    def date_field(self, field: str, label: str = "تاریخ") -> JalaliDateEdit:
        """Today's date to start with; checked when left: a date, given, and not in the future."""
        edit = JalaliDateEdit(self, field=field, default_today=True, today=self.session.ctx.today)
        today = self.session.ctx.today
        self.check_when_left(field, edit.line_edit,
                             lambda: v.date(edit.text(), field, label, required=True, not_after=today()))
        return edit

    def required(self, edit: Any, field: str, label: str) -> Callable[[], Any]:
        """A check that the field is filled in (the service's own message), for add_row(check=)."""
        return lambda: v.text(edit.text(), field, label, required=True, multiline=True)

    def lay_out(self, *middle: QWidget):
        """Every case form ends with «دلیل اصلاح», hidden until a date falls in a signed month."""
        self.amend_reason = NormalizingLineEdit(self)
        self.amend_reason.setObjectName("amendReason")
        self.amend_row = self.add_row("دلیل اصلاح (ماه امضاشده)", "amend_reason", self.amend_reason)
        self.form.setRowVisible(self.amend_row, False)
        return super().lay_out(*middle)

    def reveal(self, field: str) -> None:
        if field == "amend_reason":
            self.form.setRowVisible(self.amend_row, True)
            self.amend_reason.setFocus()

    def amend(self) -> str:
        return self.amend_reason.text()

    def finish(self) -> None:
        self.mark_clean()
        self.setFocus()

    def what_changed(self, result: Any) -> Changes:
        return Changes.of_case(self.case_id, self.part)


class ProblemDialog(CaseFormDialog):
    """A new unforeseen problem: it starts at «مطالعه و شناسایی»."""

    part = PROBLEMS

    def __init__(self, session: AppSession, case_id: int, parent: QWidget | None = None):
        super().__init__(session, case_id, "مشکل جدید", parent)
        self.title = NormalizingLineEdit(self)
        self.title.setObjectName("problemTitle")
        self.description = NoteEdit(self, lines=4)
        self.opened_on = self.date_field("opened_on")
        self.add_row("عنوان مشکل", "title", self.title, check=self.required(self.title, "title", "عنوان مشکل"))
        self.add_row("شرح و یافته‌های مطالعه", "description", self.description)
        self.add_row("تاریخ", "opened_on", self.opened_on)
        self.lay_out()
        self.finish()
        self.title.setFocus()

    def state(self) -> Any:
        return (self.title.text(), self.description.text(), self.opened_on.text())

    def submit(self) -> SaveResult:
        return open_problem(self.session.ctx, self.case_id, self.title.text(),
                            self.description.text(), on=self.opened_on.date() or "", amend_reason=self.amend())


def next_stage(stage: str) -> ProblemStage:
    order = list(ProblemStage)
    position = order.index(ProblemStage(stage))
    return order[min(position + 1, len(order) - 1)]


class AdvanceDialog(CaseFormDialog):
    """The next step of a problem (plan, action, follow-up, resolved); resolving needs a note."""

    part = PROBLEMS

    def __init__(self, session: AppSession, problem: ProblemView, parent: QWidget | None = None):
        super().__init__(session, problem.case_id, f"مرحله بعد: {problem.title}", parent)
        self.problem = problem
        self.stage = EnumComboBox(ProblemStage, self)
        self.stage.setObjectName("stage")
        # study is done when the problem is opened; it is never chosen again
        self.stage.removeItem(self.stage.findData(ProblemStage.STUDY.value))
        self.stage.setValue(next_stage(problem.stage))
        self.note = NoteEdit(self, lines=4)
        self.note.setObjectName("stageNote")
        self.date = self.date_field("date")
        self.add_row("مرحله", "stage", self.stage)
        self.add_row("شرح اقدام", "note", self.note)
        self.add_row("تاریخ", "date", self.date)
        self.lay_out()
        self.finish()
        self.stage.setFocus()

    def state(self) -> Any:
        return (self.stage.currentIndex(), self.note.text(), self.date.text())

    def submit(self) -> SaveResult:
        stage = self.stage.value()
        return advance_problem(self.session.ctx, self.problem.id, stage.value if stage else "",
                               self.note.text(), on=self.date.date() or "", amend_reason=self.amend())


class ReviewDialog(CaseFormDialog):
    """The twice-yearly review; the attending social worker must be named."""

    part = REVIEWS

    def __init__(self, session: AppSession, case_id: int, default_worker: Optional[int],
                 parent: QWidget | None = None):
        super().__init__(session, case_id, "بررسی وضعیت (شش‌ماهه)", parent)
        self.date = self.date_field("date", "تاریخ بررسی")
        self.worker = IdChoice(self, empty_label="— انتخاب کنید —")
        self.worker.setObjectName("reviewWorker")
        self.worker.set_choices(staff_choices(session.ctx, (Role.SOCIAL_WORKER, Role.MANAGER)))
        self.worker.set_value(default_worker)
        self.findings = NoteEdit(self, lines=4)
        self.findings.setObjectName("findings")
        self.decisions = NoteEdit(self, lines=3)
        self.add_row("تاریخ بررسی", "date", self.date)
        self.add_row("مددکار اجتماعی حاضر", "social_worker_id", self.worker, check=self._worker_chosen)
        self.add_row("یافته‌ها", "findings", self.findings,
                     check=self.required(self.findings, "findings", "یافته‌ها"))
        self.add_row("تصمیم‌ها", "decisions", self.decisions)
        self.lay_out()
        self.finish()
        self.date.setFocus()

    def _worker_chosen(self) -> None:
        if self.worker.value() is None:
            raise ValidationError("حضور مددکار اجتماعی در بررسی الزامی است؛ او را انتخاب کنید.",
                                  field="social_worker_id")

    def state(self) -> Any:
        return (self.date.text(), self.worker.currentIndex(), self.findings.text(),
                self.decisions.text())

    def submit(self) -> SaveResult:
        return add_review(self.session.ctx, self.case_id, social_worker_id=self.worker.value(),
                          findings=self.findings.text(), decisions=self.decisions.text(),
                          on=self.date.date() or "", amend_reason=self.amend())


class ReferralDialog(CaseFormDialog):
    part = REFERRALS

    def __init__(self, session: AppSession, case_id: int, parent: QWidget | None = None):
        super().__init__(session, case_id, "ارجاع جدید", parent)
        self.to_body = NormalizingLineEdit(self)
        self.to_body.setObjectName("toBody")
        self.to_body.setPlaceholderText("مثلاً: مرکز مشاوره بهزیستی، درمانگاه، آموزش و پرورش")
        self.reason = NoteEdit(self, lines=3)
        self.date = self.date_field("date", "تاریخ ارجاع")
        self.add_row("مرجع ارجاع", "to_body", self.to_body, check=self.required(self.to_body, "to_body", "مرجع ارجاع"))
        self.add_row("دلیل ارجاع", "reason", self.reason, check=self.required(self.reason, "reason", "دلیل ارجاع"))
        self.add_row("تاریخ ارجاع", "date", self.date)
        self.lay_out()
        self.finish()
        self.to_body.setFocus()

    def state(self) -> Any:
        return (self.to_body.text(), self.reason.text(), self.date.text())

    def submit(self) -> SaveResult:
        return add_referral(self.session.ctx, self.case_id, to_body=self.to_body.text(),
                            reason=self.reason.text(), on=self.date.date() or "",
                            amend_reason=self.amend())


class OutcomeDialog(CaseFormDialog):
    part = REFERRALS

    def __init__(self, session: AppSession, case_id: int, referral_id: int,
                 parent: QWidget | None = None):
        super().__init__(session, case_id, "نتیجه ارجاع", parent)
        self.referral_id = referral_id
        self.outcome = NoteEdit(self, lines=3)
        self.date = self.date_field("outcome_on", "تاریخ نتیجه")
        self.add_row("نتیجه", "outcome", self.outcome, check=self.required(self.outcome, "outcome", "نتیجه ارجاع"))
        self.add_row("تاریخ نتیجه", "outcome_on", self.date)
        self.lay_out()
        self.finish()
        self.outcome.setFocus()

    def state(self) -> Any:
        return (self.outcome.text(), self.date.text())

    def submit(self) -> SaveResult:
        return record_outcome(self.session.ctx, self.referral_id, self.outcome.text(),
                              on=self.date.date() or "")


STATUS_TITLES = {
    CaseStatus.CLOSED: "بستن پرونده (مختومه)",
    CaseStatus.RETURNED: "عودت پرونده به بهزیستی",
    CaseStatus.ACTIVE: "فعال‌سازی دوباره پرونده",
}


class StatusDialog(CaseFormDialog):
    """Close the file, return it to Behzisti, or make it active again; leaving needs a reason."""

    def __init__(self, session: AppSession, case_id: int, status: CaseStatus,
                 parent: QWidget | None = None):
        super().__init__(session, case_id, STATUS_TITLES[status], parent)
        self.status = status
        self.date = self.date_field("status_on")
        self.reason = NoteEdit(self, lines=3)
        self.reason.setObjectName("statusReason")
        self.add_row("تاریخ", "status_on", self.date)
        self.add_row("دلیل", "status_reason", self.reason, check=self._reason_given)
        self.save_button.setText(STATUS_TITLES[status].split(" (")[0])
        self.lay_out()
        self.finish()
        self.reason.setFocus()

    def _reason_given(self) -> None:
        if self.status is not CaseStatus.ACTIVE and not self.reason.text().strip():
            raise ValidationError("دلیل بستن یا عودت پرونده را بنویسید.", field="status_reason")

    def state(self) -> Any:
        return (self.date.text(), self.reason.text())

    def submit(self) -> SaveResult:
        return change_status(self.session.ctx, self.case_id, self.status.value,
                             on=self.date.date() or "", reason=self.reason.text(),
                             amend_reason=self.amend())
