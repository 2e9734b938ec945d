"""The tabs of the case window. Each reads its records when first shown (so opening a file
costs only what the first tab needs) and again after a change to the file."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.errors import DomainError, StaleEdit, ValidationError
from app.domain.enums import CareDomain, LivingArrangement, Sex
from app.persian import age_text, format_number, to_jalali, to_persian_digits
from app.services.attachments import add_attachment, export_attachment, list_attachments
from app.services.problems import list_problems
from app.services.referrals import list_referrals
from app.services.reviews import list_reviews
from app.services.views import CaseDetail, ServiceView
from app.services.visits import delete_service, list_services
from app.domain.changes import Changes
from app.ui.machinery import live, messages
from app.ui.widgets import conflict
from app.ui.cases import dialogs
from app.ui.cases.common import (
    ATTACHMENTS,
    PROBLEMS,
    REFERRALS,
    REVIEWS,
    SERVICES,
    NoteEdit,
    ask_yes_no,
    confirm_delete,
    inform,
    show_dialog,
    show_error,
)
from app.ui.cases.tables import Field, RecordTable, RowStyle, date_text, digits, record_view, select_first
from app.ui.widgets.text import identifier_text, jalali_text, rtl_date_text

if TYPE_CHECKING:
    from app.ui.cases.case_window import CaseWindow

ABUSE_STYLE = RowStyle(QColor("#fdecea"), QColor("#9b1c1c"))
RESOLVED_STYLE = RowStyle(None, QColor("#52606d"))
HIDDEN_NOTE = "— این یادداشت برای شما نمایش داده نمی‌شود —"
HIDDEN_PROBLEM = "مشکل محرمانه روانشناس"
HIDDEN_STEP = "شرح محرمانه روانشناس"
HIDDEN_REFERRAL = "ارجاع محرمانه روانشناس"
HIDDEN_TEXT = "— محرمانه —"
PSYCH_ONLY_TIP = "ثبت روانشناس (محرمانه): فقط روانشناس و مدیر"


def _asked(what: str, who: str) -> str:
    """The placeholder a hidden text shows: that it exists, and whom to ask."""
    return f"— {what}؛ برای اطلاع از {who} بپرسید —" if who else f"— {what} —"


def _button(parent: QWidget, text: str, slot, tip: str = "") -> QPushButton:
    button = QPushButton(text, parent)
    button.clicked.connect(slot)
    if tip:
        button.setToolTip(tip)
    return button


def _button_row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


class CaseTab(QWidget):
    # The service the tab lists from; a role that may not call it does not get the tab.
    source: Any = None

    @classmethod
    def allowed(cls, actor: Any) -> bool:
        from app.services.policy import permits
        return cls.source is None or permits(actor, cls.source)

    """A tab that loads its records lazily; `stale` is set when the file changed."""

    title = ""
    kinds: tuple[str, ...] = ()

    def __init__(self, window: "CaseWindow"):
        super().__init__(window)
        self.window_ = window
        self.session = window.session
        self.case_id = window.case_id
        self.built = False
        self.stale = True

    def load_if_stale(self) -> None:
        """Build the tab's widgets on first sight (opening a file builds only the first tab),
        then read its records if the file changed since they were read."""
        if not self.built:
            self.built = True
            self.build()
        if self.stale:
            self.stale = False
            self.load()

    def build(self) -> None:
        raise NotImplementedError

    def shows(self, what: str) -> bool:
        """Whether a change of this kind (SERVICES, PROBLEMS, ...) shows in this tab."""
        return what in self.kinds

    def load(self) -> None:
        raise NotImplementedError

    @property
    def detail(self) -> CaseDetail:
        return self.window_.detail

    def run(self, fn, *args, **kwargs) -> Any:
        """A service call whose error is told in a message box (for actions without a form)."""
        try:
            return fn(*args, **kwargs)
        except DomainError as error:
            show_error(self, error)
            return None


# --- identity and family ------------------------------------------------------------------------

class IdentityTab(CaseTab):
    title = "مشخصات و خانواده"

    def build(self) -> None:
        self.values: dict[str, QLabel] = {}
        left, right = QFormLayout(), QFormLayout()
        for form, rows in ((right, (
                ("شماره پرونده بهزیستی", "behzisti"), ("شماره پرونده کلینیک", "clinic"),
                ("نام و نام خانوادگی", "name"), ("نام پدر", "father"), ("کد ملی", "code"),
                ("جنسیت", "sex"), ("تاریخ تولد", "birth"))),
                           (left, (
                ("وضعیت زندگی", "living"), ("تاریخ ترخیص", "discharge"),
                ("تاریخ دریافت پرونده", "received"), ("قرارداد", "contract"),
                ("مددکار اجتماعی", "worker"), ("روانشناس", "psychologist"),
                ("تلفن", "phones"), ("نشانی", "address")))):
            for label, key in rows:
                value = QLabel(self)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                value.setWordWrap(key == "address")
                # beside its label whatever the text: a number alone would otherwise be laid
                # out left to right and drift to the far side of the column
                value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute
                                   | Qt.AlignmentFlag.AlignVCenter)
                value.setObjectName(f"identity_{key}")
                self.values[key] = value
                form.addRow(label, value)
        self.family = RecordTable((
            Field("نام و نام خانوادگی", lambda m: m.name),
            Field("نسبت", lambda m: m.relation_label),
            Field("سال تولد", lambda m: _year_with_age(m.birth_year, self.session.ctx.today())),
            Field("شغل", lambda m: m.occupation),
            Field("تلفن", lambda m: digits(m.phone)),
            Field("هم‌خانه با فرزند", lambda m: "بله" if m.lives_with_child else "خیر"),
        ), self)
        self.family_view = record_view(self, self.family, name="familyView")
        self.edit_button = _button(self, "ویرایش مشخصات و خانواده", self.window_.edit_identity,
                                   "ویرایش (Ctrl+E)")
        columns = QHBoxLayout()
        columns.addLayout(right, 1)  # first in a right-to-left row: at the right
        columns.addLayout(left, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(QLabel("خانواده", self))
        layout.addWidget(self.family_view, 1)
        layout.addLayout(_button_row(self.edit_button))

    def load(self) -> None:
        d = self.detail
        text = {
            "behzisti": identifier_text(d.behzisti_file_number),
            "clinic": identifier_text(d.clinic_file_number),
            "name": d.full_name, "father": d.father_name,
            "code": identifier_text(d.national_code or ""),
            "sex": Sex(d.sex).label, "birth": _with_age(jalali_text(d.birth_date), d.birth_date, self.session.ctx.today()),
            "living": LivingArrangement(d.living_arrangement).label,
            "discharge": jalali_text(d.discharge_date), "received": jalali_text(d.received_on),
            "contract": identifier_text(d.contract_number), "worker": d.social_worker_name,
            "psychologist": d.psychologist_name, "phones": to_persian_digits(d.phones),
            "address": to_persian_digits(d.address),
        }
        for key, label in self.values.items():
            label.setText(text[key] or "—")
        self.family.set_records(d.family)


# --- Behzisti's summary ------------------------------------------------------------------------

class SummaryTab(CaseTab):
    title = "خلاصه پرونده بهزیستی"

    def build(self) -> None:
        self.text = NoteEdit(self)
        self.text.setObjectName("summaryText")
        self.text.setReadOnly(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)

    def load(self) -> None:
        d = self.detail
        parts = [d.behzisti_summary or "خلاصه‌ای از بهزیستی ثبت نشده است."]
        for title, body in (("دلیل اولویت", d.priority_reason),
                            ("دلیل پذیرش زودتر از یک سال پس از ترخیص", d.early_transfer_reason),
                            ("دلیل تغییر وضعیت پرونده", d.status_reason)):
            if body:
                parts.append(f"{title}:\n{body}")
        self.text.setPlainText("\n\n".join(parts))


# --- services (visit notes) --------------------------------------------------------------------

def _domains_text(s: ServiceView) -> str:
    return "، ".join(CareDomain(d).label for d in s.domains)


def _note_text(s: ServiceView) -> str:
    if s.note_hidden:
        return HIDDEN_NOTE
    if s.abuse_concern and s.abuse_action:
        return f"{s.note}\nاقدام درباره کودک‌آزاری: {s.abuse_action}"
    return s.note


def _with_age(text: str, born, today) -> str:
    age = age_text(born, today)
    return f"{text} ({age})" if text and age else text


def _year_with_age(year, today) -> str:
    """A family member's birth year and the age it gives this year (the day is not known)."""
    if not year:
        return ""
    age = to_jalali(today)[0] - int(year)
    return f"{digits(year)} (حدود {to_persian_digits(age)} ساله)" if age > 0 else digits(year)


def _service_named(s: ServiceView) -> str:
    """The note a delete question names: kind, how, date, who, and how it begins."""
    minutes = f"، {to_persian_digits(str(s.minutes))} دقیقه" if s.minutes else ""
    words = (s.note or "").split()
    start = "" if s.note_hidden or not words else "\n«" + " ".join(words[:12]) + ("…»" if len(words) > 12 else "»")
    return rtl_date_text(f"خدمت «{s.kind_label}» ({s.mode_label}{minutes}) در {date_text(s.date)}"
                         f" — {s.staff_name}{start}")


def _marks(s: ServiceView) -> str:
    marks = []
    if s.abuse_concern:
        marks.append("کودک‌آزاری")
    if s.amended_reason:
        marks.append("اصلاح‌شده")
    return "\n".join(marks)


def _marks_tip(s: ServiceView) -> str:
    tips = []
    if s.abuse_concern:
        tips.append("نگرانی درباره کودک‌آزاری ثبت شده است")
    if s.amended_reason:
        tips.append(f"پس از امضای گزارش ماه اصلاح شد: {s.amended_reason}")
    return "\n".join(tips)


class ServicesTab(CaseTab):
    title = "خدمات"
    source = staticmethod(list_services)
    kinds = (SERVICES,)

    def build(self) -> None:
        self.model = RecordTable((
            Field("تاریخ", lambda s: date_text(s.date)),
            Field("نوع خدمت", lambda s: s.kind_label),
            Field("نحوه ارائه", lambda s: s.mode_label),
            Field("حوزه‌ها", _domains_text),
            Field("مدت", lambda s: f"{to_persian_digits(s.minutes)} دقیقه" if s.minutes else ""),
            Field("ارائه‌دهنده", lambda s: s.staff_name),
            Field("شرح خدمت", _note_text),
            Field("پیگیری بعدی", lambda s: date_text(s.next_follow_up)),
            Field("نشانه", _marks, _marks_tip),
        ), self, style=lambda s: ABUSE_STYLE if s.abuse_concern else None)
        self.view = record_view(self, self.model, name="servicesView", stretch=6, wrap=True,
                                widths=(90, 120, 95, 130, 70, 120, 300, 90, 90))
        self.view.activated.connect(lambda _index: self.edit_service())
        self.new_button = _button(self, "یادداشت خدمت جدید", self.window_.new_visit,
                                  "یادداشت خدمت جدید (Ctrl+Shift+N)")
        self.edit_button = _button(self, "ویرایش خدمت", self.edit_service, "ویرایش (Enter)")
        self.delete_button = _button(self, "حذف خدمت", self.delete_service)
        self.count_label = QLabel(self)
        layout = QVBoxLayout(self)
        row = _button_row(self.new_button, self.edit_button, self.delete_button)
        row.addWidget(self.count_label)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        self.view.selectionModel().currentChanged.connect(lambda *_: self._enable_for_current())
        self._enable_for_current()

    def load(self) -> None:
        services = self.run(list_services, self.session.ctx, self.case_id) or []
        self.model.set_records(services)
        minutes = sum(s.minutes for s in services)
        self.count_label.setText(
            f"{format_number(len(services))} خدمت، {format_number(minutes)} دقیقه")
        select_first(self.view)
        self._enable_for_current()

    def _enable_for_current(self) -> None:
        """A note this person may not read (a psychologist's, for a social worker) can be neither
        edited nor deleted by them: the buttons say so before a click, not after."""
        service = self.current()
        usable = service is not None and not service.note_hidden
        for button, tip in ((self.edit_button, "ویرایش (Enter)"), (self.delete_button, "")):
            button.setEnabled(usable)
            button.setToolTip(tip if usable or service is None else "یادداشت روانشناختی: فقط روانشناس و مدیر")

    def current(self) -> Optional[ServiceView]:
        return self.model.record(self.view.currentIndex())

    def edit_service(self) -> None:
        service = self.current()
        if service is not None and not service.note_hidden:
            self.window_.edit_visit(service)

    def delete_service(self) -> None:
        service = self.current()
        if service is None or service.note_hidden or not confirm_delete(self, "حذف خدمت", _service_named(service)):
            return
        reason = ""
        while True:
            try:
                delete_service(self.session.ctx, service.id, reason, version=service.version)
                break
            except StaleEdit as error:
                conflict.ask_reload(self, error)  # nothing to reapply: the list is read again
                live.tell_pages(Changes.of_case(self.case_id, SERVICES))
                return
            except ValidationError as error:
                if error.field != "amend_reason":
                    show_error(self, error)
                    return
                reason, ok = QInputDialog.getMultiLineText(self, "دلیل اصلاح", error.message)
                if not ok:
                    return
            except DomainError as error:
                show_error(self, error)
                return
        live.tell_pages(Changes.of_case(self.case_id, SERVICES))


# --- problems ----------------------------------------------------------------------------------

class ProblemsTab(CaseTab):
    title = "مشکلات"
    source = staticmethod(list_problems)
    kinds = (PROBLEMS, SERVICES)

    def build(self) -> None:
        self.model = RecordTable((
            Field("عنوان", lambda p: _asked(HIDDEN_PROBLEM, p.staff_name) if p.hidden else p.title),
            Field("مرحله", lambda p: p.stage_label),
            Field("تاریخ ثبت", lambda p: date_text(p.opened_on)),
            Field("تاریخ رفع", lambda p: date_text(p.resolved_on)),
            Field("خدمات مرتبط", lambda p: digits(len(p.service_ids)) if p.service_ids else ""),
        ), self, style=lambda p: RESOLVED_STYLE if p.resolved_on else None)
        self.view = record_view(self, self.model, name="problemsView", stretch=0,
                                widths=(260, 140, 100, 100, 90))
        self.steps = RecordTable((
            Field("مرحله", lambda s: s.stage_label),
            Field("تاریخ", lambda s: date_text(s.date)),
            Field("شرح", lambda s: _asked(HIDDEN_STEP, s.staff_name) if s.note_hidden else s.note),
        ), self)
        self.steps_view = record_view(self, self.steps, name="stepsView", stretch=2, wrap=True,
                                      widths=(140, 100))
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_steps())
        self.view.activated.connect(lambda _index: self.advance())
        self.new_button = _button(self, "مشکل جدید", self.new_problem)
        self.advance_button = _button(self, "ثبت مرحله بعد", self.advance, "ثبت مرحله بعد (Enter)")
        self.visit_button = _button(self, "یادداشت خدمت برای این مشکل", self.visit_for_problem)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.view)
        splitter.addWidget(self.steps_view)
        layout = QVBoxLayout(self)
        layout.addLayout(_button_row(self.new_button, self.advance_button, self.visit_button))
        layout.addWidget(splitter, 1)

    def load(self) -> None:
        current = self.current()
        self.model.set_records(self.run(list_problems, self.session.ctx, self.case_id) or [])
        self._select(current.id if current else None)
        self._show_steps()

    def _select(self, problem_id: Optional[int]) -> None:
        for row, problem in enumerate(self.model.records):
            if problem.id == problem_id:
                self.view.setCurrentIndex(self.model.index(row, 0))
                return
        select_first(self.view)

    def current(self):
        return self.model.record(self.view.currentIndex())

    def _show_steps(self) -> None:
        problem = self.current()
        self.steps.set_records(list(reversed(problem.steps)) if problem else [])
        resolved = bool(problem and problem.resolved_on)
        sealed = bool(problem and problem.hidden)  # a psychologist's problem: not this person's to move
        self.advance_button.setEnabled(problem is not None and not resolved and not sealed)
        self.advance_button.setToolTip(PSYCH_ONLY_TIP if sealed else "ثبت مرحله بعد (Enter)")
        self.visit_button.setEnabled(problem is not None and not resolved)

    def new_problem(self) -> QDialog:
        return show_dialog(dialogs.ProblemDialog(self.session, self.case_id, self))

    def advance(self) -> Optional[QDialog]:
        problem = self.current()
        if problem is None or problem.hidden:
            return None
        if problem.resolved_on:
            inform(self, "مشکل رفع شده", "این مشکل رفع شده و بسته است.")
            return None
        return show_dialog(dialogs.AdvanceDialog(self.session, problem, self))

    def visit_for_problem(self) -> None:
        problem = self.current()
        if problem is not None:
            self.window_.new_visit(problem_id=problem.id)


# --- reviews -----------------------------------------------------------------------------------

class ReviewsTab(CaseTab):
    title = "بررسی‌ها"
    source = staticmethod(list_reviews)
    kinds = (REVIEWS,)

    def build(self) -> None:
        self.model = RecordTable((
            Field("تاریخ", lambda r: date_text(r.date)),
            Field("مددکار حاضر", lambda r: r.social_worker_name),
            Field("بررسی‌کننده", lambda r: r.reviewer_name),
            Field("یافته‌ها", lambda r: r.findings),
            Field("تصمیم‌ها", lambda r: r.decisions),
        ), self)
        self.view = record_view(self, self.model, name="reviewsView", stretch=3, wrap=True,
                                widths=(90, 140, 140, 300, 200))
        self.status_label = QLabel(self)
        self.new_button = _button(self, "بررسی جدید", self.new_review)
        self.print_button = _button(self, "فرم بررسی برای امضا…", self.print_form,
                                    "فرم کاغذی بررسی انتخاب‌شده، برای امضای دستی حاضران")
        self.print_button.setObjectName("printReviewForm")
        layout = QVBoxLayout(self)
        row = _button_row(self.new_button, self.print_button)
        row.addWidget(self.status_label)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)

    def load(self) -> None:
        reviews = self.run(list_reviews, self.session.ctx, self.case_id) or []
        self.model.set_records(reviews)
        last = max((r.date for r in reviews), default=None)
        self.status_label.setText(
            f"آخرین بررسی: {jalali_text(last)}" if last else "این مددجو هنوز بررسی نشده است.")
        select_first(self.view)

    def new_review(self) -> QDialog:
        worker = self.detail.social_worker_id  # the file's own worker is proposed
        return show_dialog(dialogs.ReviewDialog(self.session, self.case_id, worker, self))

    def print_form(self) -> Optional[Path]:
        """The selected review as the paper form (app.services.reports.generate_review_form), saved
        where the person chooses and opened for printing. The saved path, or None."""
        from app.services.reports import generate_review_form
        from app.ui.pages.reports import open_with_system, write_file
        from app.ui.machinery.runner import run_with_progress

        review = self.model.record(self.view.currentIndex())
        if review is None:
            messages.warn(self, "ابتدا یک بررسی را در جدول انتخاب کنید.")
            return None
        path = self.choose_path(f"review-{review.date.isoformat()}.pdf")
        if path is None:
            return None
        try:
            document = run_with_progress(self, "در حال ساختن فرم بررسی…", lambda _p, _c: generate_review_form(
                self.session.ctx, review.id), cancel_text=None)
            write_file(path, document.pdf)
        except (DomainError, OSError) as error:
            messages.warn(self, "فرم بررسی ساخته نشد.", getattr(error, "message", "") or str(error))
            return None
        open_with_system(path)
        return path

    def choose_path(self, suggested: str) -> Optional[Path]:
        chosen, _ = QFileDialog.getSaveFileName(self, "ذخیره فرم بررسی", suggested, "PDF (*.pdf)")
        if not chosen:
            return None
        return Path(chosen if chosen.lower().endswith(".pdf") else chosen + ".pdf")


# --- referrals ---------------------------------------------------------------------------------

class ReferralsTab(CaseTab):
    title = "ارجاع‌ها"
    source = staticmethod(list_referrals)
    kinds = (REFERRALS,)

    def build(self) -> None:
        self.model = RecordTable((
            Field("تاریخ", lambda r: date_text(r.date)),
            Field("مرجع", lambda r: _asked(HIDDEN_REFERRAL, r.staff_name) if r.hidden else r.to_body),
            Field("دلیل", lambda r: HIDDEN_TEXT if r.hidden else r.reason),
            # Who wrote an outcome is not kept, so a hidden one names no one (the file's psychologist did).
            Field("نتیجه", lambda r: (HIDDEN_TEXT if r.hidden else "— نتیجه محرمانه روانشناس —")
                  if r.outcome_hidden else (r.outcome or "در انتظار نتیجه")),
            Field("تاریخ نتیجه", lambda r: date_text(r.outcome_on)),
        ), self)
        self.view = record_view(self, self.model, name="referralsView", stretch=2, wrap=True,
                                widths=(90, 180, 260, 240, 90))
        self.view.activated.connect(lambda _index: self.record_outcome())
        self.new_button = _button(self, "ارجاع جدید", self.new_referral)
        self.outcome_button = _button(self, "ثبت نتیجه ارجاع", self.record_outcome,
                                      "ثبت نتیجه (Enter)")
        layout = QVBoxLayout(self)
        layout.addLayout(_button_row(self.new_button, self.outcome_button))
        layout.addWidget(self.view, 1)
        self.view.selectionModel().currentChanged.connect(lambda *_: self._enable_for_current())
        self._enable_for_current()

    def load(self) -> None:
        self.model.set_records(self.run(list_referrals, self.session.ctx, self.case_id) or [])
        select_first(self.view)
        self._enable_for_current()

    def _enable_for_current(self) -> None:
        """A psychologist's referral (or outcome) is not this person's to change: said before a click."""
        referral = self.model.record(self.view.currentIndex())
        sealed = referral is not None and (referral.hidden or referral.outcome_hidden)
        self.outcome_button.setEnabled(referral is not None and not sealed)
        self.outcome_button.setToolTip(PSYCH_ONLY_TIP if sealed else "ثبت نتیجه (Enter)")

    def new_referral(self) -> QDialog:
        return show_dialog(dialogs.ReferralDialog(self.session, self.case_id, self))

    def record_outcome(self) -> Optional[QDialog]:
        referral = self.model.record(self.view.currentIndex())
        if referral is None or referral.hidden or referral.outcome_hidden:
            return None
        return show_dialog(dialogs.OutcomeDialog(self.session, self.case_id, referral.id, self))


# --- attachments -------------------------------------------------------------------------------

FILE_FILTER = "اسناد اسکن‌شده (*.pdf *.png *.jpg *.jpeg *.tif *.tiff);;همه فایل‌ها (*)"
MIME_LABELS = {"application/pdf": "PDF", "image/jpeg": "تصویر JPEG", "image/png": "تصویر PNG",
               "image/tiff": "تصویر TIFF"}


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{to_persian_digits(f'{size / (1024 * 1024):.1f}')} مگابایت"
    return f"{format_number(max(1, round(size / 1024)))} کیلوبایت"


class AttachmentsTab(CaseTab):
    title = "پیوست‌ها"
    source = staticmethod(list_attachments)
    kinds = (ATTACHMENTS,)
    _export_folder: Optional[Path] = None  # made on the first «باز کردن»

    def build(self) -> None:
        self.model = RecordTable((
            Field("نام فایل", lambda a: a.original_name),
            Field("توضیح", lambda a: a.description),
            Field("نوع", lambda a: MIME_LABELS.get(a.mime, a.mime)),
            Field("حجم", lambda a: size_text(a.size)),
            Field("تاریخ افزودن", lambda a: jalali_text(a.added_at.astimezone())),
        ), self)
        self.view = record_view(self, self.model, name="attachmentsView", stretch=1,
                                widths=(240, 260, 100, 100, 160))
        self.view.activated.connect(lambda _index: self.open_selected())
        self.add_button = _button(self, "افزودن پیوست", self.choose_and_add)
        self.open_button = _button(self, "باز کردن", self.open_selected, "باز کردن (Enter)")
        layout = QVBoxLayout(self)
        layout.addLayout(_button_row(self.add_button, self.open_button))
        layout.addWidget(self.view, 1)

    def load(self) -> None:
        self.model.set_records(self.run(list_attachments, self.session.ctx, self.case_id) or [])
        select_first(self.view)

    def choose_and_add(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "انتخاب سند اسکن‌شده", "", FILE_FILTER)
        if not path:
            return
        description, ok = QInputDialog.getText(self, "توضیح پیوست",
                                               "توضیح کوتاه (مثلاً: کارنامه، گواهی پزشکی):")
        if ok:
            self.add_file(Path(path), description)

    def add_file(self, path: Path, description: str = "") -> bool:
        if self.run(add_attachment, self.session.ctx, self.case_id, path, description) is None:
            return False
        live.tell_pages(Changes.of_case(self.case_id, ATTACHMENTS))
        return True

    def open_selected(self) -> Optional[Path]:
        attachment = self.model.record(self.view.currentIndex())
        if attachment is None:
            return None
        # Copied out under its own name into a private temporary folder for the system viewer;
        # the folder goes when the window closes.
        if self._export_folder is None:
            self._export_folder = Path(tempfile.mkdtemp(prefix="parvandeh-attachments-"))
        path = self.run(export_attachment, self.session.ctx, attachment.id, self._export_folder)
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        return path

    def remove_exports(self) -> None:
        if self._export_folder is not None:
            shutil.rmtree(self._export_folder, ignore_errors=True)
            self._export_folder = None
