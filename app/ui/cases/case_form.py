"""The case form: a new file, or the identity and family of an existing one.

Every field of CaseInput is here. The service does all the checking; its error comes back with
the field's name and is shown under that field (family errors on their cell), with the cursor
moved there, and nothing is saved until the whole form is valid.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from typing import Any, Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.errors import DomainError
from app.domain.enums import LivingArrangement, Role, Sex
from app.persian import age_text, normalize_digits, normalize_note, to_persian_digits, validate_national_code
from app.services import validation as v
from app.services.cases import (CASE_FIELDS, CaseInput, FamilyInput, case_detail, check_case_entry, create_case,
                                one_year_after, similar_cases, update_case)
from app.services.choices import contract_choices, staff_choices
from app.services.views import CaseDetail, SaveResult
from app.ui.widgets.text import choice_text, identifier_text
from app.domain.changes import Changes
from app.ui.cases.common import FILE, FormDialog, IdChoice, NoteEdit, ask_yes_no
from app.ui.cases.family import FamilyEditor
from app.ui.machinery.session import AppSession
from app.ui.widgets import EnumComboBox, JalaliDateEdit, NormalizingLineEdit
from app.ui.machinery.screen_fit import available_rect, fit_size

NEW_TITLE = "پرونده جدید"
NARROW_SCREEN = 900  # logical pixels: below this the two field groups go one above the other
EDIT_TITLE = "ویرایش مشخصات و خانواده"
DRAFT_TITLE = "پیش‌نویس"
DRAFT_QUESTION = ("ویرایشی از این پرونده ذخیره نشده مانده بود، چون رایانه دیگری پیش‌تر آن را تغییر داده بود. "
                  "نوشته‌های شما روی پرونده کنونی بازیابی شود؟")


def _line(parent: QWidget, *, digits: str | None = None, placeholder: str = "") -> NormalizingLineEdit:
    edit = NormalizingLineEdit(parent, digits=digits)
    edit.setPlaceholderText(placeholder)
    return edit


def _group(title: str, parent: QWidget) -> tuple[QGroupBox, QFormLayout]:
    box = QGroupBox(title, parent)
    form = QFormLayout(box)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return box, form


class CaseForm(FormDialog):
    """New file (detail None) or edit of `detail`. result_value is the service's SaveResult."""

    def __init__(self, session: AppSession, detail: Optional[CaseDetail] = None,
                 parent: QWidget | None = None):
        super().__init__(session, EDIT_TITLE if detail else NEW_TITLE, parent)
        self.setObjectName("caseForm")
        self.detail = detail
        self._family_read: list = []  # the family as read, to tell whether the person changed it
        self.body = QWidget(self)
        self._build_fields()
        self._lay_out_body()
        self._fill_choices()
        if detail:
            self._load(detail)
        else:
            self._defaults()
        self._update_conditional_rows()
        self._connect()
        self._set_tab_order()
        fit_size(self, 1040, 760)
        self.mark_clean()
        if detail:
            self.offer_draft()
        self.behzisti_number.setFocus()

    # --- building ----------------------------------------------------------------------------

    def _build_fields(self) -> None:
        body, today = self.body, self.session.ctx.today
        self.behzisti_number = _line(body, digits="persian")
        self.clinic_number = _line(body, digits="persian", placeholder="خالی بماند: خودکار")
        self.first_name = _line(body)
        self.last_name = _line(body)
        self.father_name = _line(body)
        self.national_code = _line(body, digits="persian", placeholder="۱۰ رقم")
        self.sex = EnumComboBox(Sex, body, allow_empty=True)
        self.birth_date = JalaliDateEdit(body, field="birth_date", today=today)
        self.living = EnumComboBox(LivingArrangement, body, allow_empty=True)
        self.discharge_date = JalaliDateEdit(body, field="discharge_date", today=today)
        self.received_on = JalaliDateEdit(body, field="received_on", today=today)
        self.early_reason = NoteEdit(body, lines=2, grow=False)
        self.contract = IdChoice(body)
        self.priority = QCheckBox("این پرونده اولویت دارد", body)
        self.priority_reason = NoteEdit(body, lines=2, grow=False)
        self.social_worker = IdChoice(body)
        self.psychologist = IdChoice(body)
        self.address = NoteEdit(body, lines=2, grow=False)
        self.phones = _line(body, digits="persian")
        self.family = FamilyEditor(body)
        self.summary = NoteEdit(body, lines=5)
        self.amend_reason = NormalizingLineEdit(body)  # asked for only when a date moves inside a signed month
        self.amend_reason.setObjectName("amendReason")

    def _lay_out_body(self) -> None:
        identity, identity_form = _group("هویت", self.body)
        placement, placement_form = _group("پذیرش و سپردن", self.body)
        contact, contact_form = _group("نشانی و تماس", self.body)
        for label, field, widget in (
                ("شماره پرونده بهزیستی", "behzisti_file_number", self.behzisti_number),
                ("شماره پرونده کلینیک", "clinic_file_number", self.clinic_number),
                ("نام", "first_name", self.first_name),
                ("نام خانوادگی", "last_name", self.last_name),
                ("نام پدر", "father_name", self.father_name),
                ("کد ملی", "national_code", self.national_code),
                ("جنسیت", "sex", self.sex),
                ("تاریخ تولد", "birth_date", self.birth_date)):
            self.add_row(label, field, widget, identity_form)
        self.age_label = QLabel(self.body)  # the age beside the birth date, as everywhere else
        self.age_label.setObjectName("ageLabel")
        identity_form.addRow("سن", self.age_label)
        rows = {}
        for label, field, widget in (
                ("وضعیت زندگی", "living_arrangement", self.living),
                ("تاریخ ترخیص", "discharge_date", self.discharge_date),
                ("تاریخ دریافت پرونده", "received_on", self.received_on),
                ("دلیل پذیرش زودتر از یک سال", "early_transfer_reason", self.early_reason),
                ("قرارداد", "contract_id", self.contract),
                ("اولویت", "priority", self.priority),
                ("دلیل اولویت", "priority_reason", self.priority_reason),
                ("مددکار اجتماعی", "social_worker_id", self.social_worker),
                ("روانشناس", "psychologist_id", self.psychologist),
                ("دلیل اصلاح (ماه امضاشده)", "amend_reason", self.amend_reason)):
            rows[field] = self.add_row(label, field, widget, placement_form)
        self.placement_form, self.placement_rows = placement_form, rows
        self.add_row("نشانی", "address", self.address, contact_form)
        self.add_row("تلفن", "phones", self.phones, contact_form)
        family_box = QGroupBox("خانواده", self.body)
        QVBoxLayout(family_box).addWidget(self.family)
        summary_box = QGroupBox("خلاصه پرونده بهزیستی", self.body)
        summary_layout = QFormLayout(summary_box)
        summary_layout.addRow(self.errors.field_box("behzisti_summary", self.summary))
        grid = QGridLayout(self.body)
        if available_rect(self.parentWidget()).width() >= NARROW_SCREEN:
            grid.addWidget(identity, 0, 0)  # column 0 stands at the right under right to left
            grid.addWidget(placement, 0, 1)
        else:  # a 1024×768 screen at 125% or more: one column, or the fields squeeze their labels
            grid.addWidget(identity, 0, 0, 1, 2)
            grid.addWidget(placement, 1, 0, 1, 2)
        grid.addWidget(contact, 2, 0, 1, 2)
        grid.addWidget(family_box, 3, 0, 1, 2)
        grid.addWidget(summary_box, 4, 0, 1, 2)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.body)
        self.lay_out(self.scroll)
        self.duplicate_note = QLabel(self)
        self.duplicate_note.setObjectName("duplicateNote")
        self.duplicate_note.setWordWrap(True)
        self.duplicate_note.setTextFormat(Qt.TextFormat.RichText)
        self.duplicate_note.linkActivated.connect(self._open_similar)
        self.duplicate_note.hide()
        self.layout().insertWidget(1, self.duplicate_note)
        self._warned_for: tuple | None = None

    def _fill_choices(self) -> None:
        ctx = self.session.ctx
        self.social_worker.set_choices(staff_choices(ctx, (Role.SOCIAL_WORKER, Role.MANAGER)))
        self.psychologist.set_choices(staff_choices(ctx, (Role.PSYCHOLOGIST,)))
        self.contract.set_choices(
            (i, choice_text(number, office)) for i, number, office in contract_choices(ctx))
        # Who works a file and how urgent it is: only a role the policy lets assign (the manager);
        # the fields are disabled rather than refused after «ذخیره».
        from app.services.policy import Action, Kind, allows
        assigns = allows(ctx.actor, Kind.ASSIGNMENT, Action.CHANGE)
        for widget in (self.social_worker, self.psychologist):
            widget.setEnabled(assigns)
        for widget in (self.priority, self.priority_reason):
            widget.setEnabled(allows(ctx.actor, Kind.CASE_STATUS, Action.CHANGE))

    def _connect(self) -> None:
        today = self.session.ctx.today
        for field, label, edit in (("birth_date", "تاریخ تولد", self.birth_date),
                                   ("discharge_date", "تاریخ ترخیص", self.discharge_date),
                                   ("received_on", "تاریخ دریافت پرونده", self.received_on)):
            self.check_when_left(field, edit.line_edit,
                                 lambda edit=edit, field=field, label=label: v.date(
                                     edit.text(), field, label, required=field == "received_on",
                                     not_after=today()))
        self.check_when_left("national_code", self.national_code,
                             lambda: self.national_code.text().strip()
                             and validate_national_code(self.national_code.text()))
        self.birth_date.dateChanged.connect(
            lambda born: self.age_label.setText(age_text(born, today()) or "—"))
        self.age_label.setText(age_text(_quiet_date(self.birth_date), today()) or "—")
        self.discharge_date.dateChanged.connect(lambda _d: self._update_conditional_rows())
        self.received_on.dateChanged.connect(lambda _d: self._update_conditional_rows())
        self.priority.toggled.connect(lambda _on: self._update_conditional_rows())

    def _set_tab_order(self) -> None:
        """Reading order: the identity column (at the right) top to bottom, then the next."""
        chain = [self.behzisti_number, self.clinic_number, self.first_name, self.last_name,
                 self.father_name, self.national_code, self.sex, self.birth_date.line_edit,
                 self.living, self.discharge_date.line_edit, self.received_on.line_edit,
                 self.early_reason, self.contract, self.priority, self.priority_reason,
                 self.social_worker, self.psychologist, self.address, self.phones,
                 self.family.table, self.family.add_button, self.family.remove_button,
                 self.summary, self.save_button, self.cancel_button]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    # --- values ------------------------------------------------------------------------------

    def _defaults(self) -> None:
        ctx = self.session.ctx
        self.received_on.setDate(ctx.today())
        if ctx.actor.role is Role.SOCIAL_WORKER:
            self.social_worker.set_value(ctx.actor.staff_id, ctx.actor.name)

    def _load(self, d: CaseDetail) -> None:
        for edit, value in ((self.behzisti_number, d.behzisti_file_number),
                            (self.clinic_number, d.clinic_file_number),
                            (self.national_code, d.national_code or ""), (self.phones, d.phones)):
            edit.setText(to_persian_digits(value))
        self.first_name.setText(d.first_name)
        self.last_name.setText(d.last_name)
        self.father_name.setText(d.father_name)
        self.sex.setValue(d.sex)
        self.living.setValue(d.living_arrangement)
        self.birth_date.setDate(d.birth_date)
        self.discharge_date.setDate(d.discharge_date)
        self.received_on.setDate(d.received_on)
        self.early_reason.setText(d.early_transfer_reason)
        self.contract.set_value(d.contract_id, identifier_text(d.contract_number))
        self.priority.setChecked(d.priority)
        self.priority_reason.setText(d.priority_reason)
        self.social_worker.set_value(d.social_worker_id, d.social_worker_name)
        self.psychologist.set_value(d.psychologist_id, d.psychologist_name)
        self.address.setText(d.address)
        self.summary.setText(d.behzisti_summary)
        self.family.set_members(d.family)
        self._family_read = self.family.state()

    def _update_conditional_rows(self) -> None:
        """The early-transfer reason shows when discharge is less than a year before receipt
        (seed 004: files normally move a year after discharge); the priority reason with priority."""
        self.placement_form.setRowVisible(
            self.placement_rows["early_transfer_reason"],
            self._early_transfer() or bool(self.early_reason.text().strip()))
        self.placement_form.setRowVisible(
            self.placement_rows["priority_reason"],
            self.priority.isChecked() or bool(self.priority_reason.text().strip()))
        self.placement_form.setRowVisible(self.placement_rows["amend_reason"],
                                          bool(self.amend_reason.text().strip()))

    def _early_transfer(self) -> bool:
        discharge = _quiet_date(self.discharge_date)
        received = _quiet_date(self.received_on)
        return bool(discharge and received and received < one_year_after(discharge))

    def reveal(self, field: str) -> None:
        if field == "early_transfer_reason":
            self.placement_form.setRowVisible(self.placement_rows[field], True)
        if field in ("priority_reason", "amend_reason"):
            self.placement_form.setRowVisible(self.placement_rows[field], True)

    def case_input(self) -> CaseInput:
        """The form as the service's input; a date that cannot be read raises ValidationError."""
        living, sex = self.living.value(), self.sex.value()
        return CaseInput(
            behzisti_file_number=self.behzisti_number.text(), clinic_file_number=self.clinic_number.text(),
            first_name=self.first_name.text(), last_name=self.last_name.text(),
            father_name=self.father_name.text(), national_code=self.national_code.text(),
            sex=sex.value if sex else "", living_arrangement=living.value if living else "",
            birth_date=self.birth_date.date(), discharge_date=self.discharge_date.date(),
            received_on=self.received_on.date() or "",
            early_transfer_reason=self.early_reason.text(), contract_id=self.contract.value(),
            priority=self.priority.isChecked(), priority_reason=self.priority_reason.text(),
            social_worker_id=self.social_worker.value(), psychologist_id=self.psychologist.value(),
            behzisti_summary=self.summary.text(), address=self.address.text(),
            phones=self.phones.text(), family=tuple(self.family.inputs()),
            version=self.detail.version if self.detail else None, amend_reason=self.amend_reason.text())

    def save(self) -> bool:
        if self.detail is None and not self.entry_errors() and self._warn_of_similar():
            return False  # told once; a second «ذخیره» registers the file all the same
        return super().save()

    def _warn_of_similar(self) -> bool:
        """A file with the same name, father and birth date: named with a link, and not saved
        this time. True when the warning is new."""
        key = (self.first_name.text(), self.last_name.text(), self.father_name.text(), self.birth_date.text())
        try:
            found = similar_cases(self.session.ctx, *key)
        except DomainError:
            return False
        if not found:
            self.duplicate_note.hide()
            return False
        lines = [f'<a href="case:{c.id}">{html.escape(c.text)}</a>' if c.id is not None else html.escape(c.text)
                 for c in found]
        self.duplicate_note.setText(
            "<b>شاید این فرزند پیش‌تر پرونده داشته باشد</b> (همین نام، نام پدر و تاریخ تولد):<br>"
            + "<br>".join(lines) + "<br>اگر فرزند دیگری است، دوباره «ذخیره» را بزنید.")
        self.duplicate_note.show()
        if key == self._warned_for:
            return False
        self._warned_for = key
        return True

    def _open_similar(self, link: str) -> None:
        from app.ui.widgets.case_link import open_case

        if link.startswith("case:") and link[5:].isdigit():
            open_case(self.session, int(link[5:]), self.parentWidget())

    def entry_errors(self) -> list[DomainError]:
        living, sex = self.living.value(), self.sex.value()
        typed = CaseInput(
            behzisti_file_number=self.behzisti_number.text(), clinic_file_number=self.clinic_number.text(),
            first_name=self.first_name.text(), last_name=self.last_name.text(),
            father_name=self.father_name.text(), national_code=self.national_code.text(),
            sex=sex.value if sex else "", living_arrangement=living.value if living else "",
            birth_date=self.birth_date.text(), discharge_date=self.discharge_date.text(),
            received_on=self.received_on.text(), phones=self.phones.text())
        errors = check_case_entry(typed, self.session.ctx.today())
        if errors:
            first = self.errors.widget_for(errors[0].field or "")
            if first is not None:
                self.scroll.ensureWidgetVisible(first)
        return errors

    def state(self) -> Any:
        self.family.commit_open_editor()
        return (tuple(w.text() for w in (
            self.behzisti_number, self.clinic_number, self.first_name, self.last_name,
            self.father_name, self.national_code, self.birth_date, self.discharge_date,
            self.received_on, self.early_reason, self.priority_reason, self.address, self.phones,
            self.summary)),
            self.sex.currentIndex(), self.living.currentIndex(), self.contract.currentIndex(),
            self.priority.isChecked(), self.social_worker.currentIndex(),
            self.psychologist.currentIndex(), tuple(self.family.state()))

    # --- saving ------------------------------------------------------------------------------

    def submit(self) -> SaveResult:
        self.family.commit_open_editor()
        self.family.clear_error()
        data = self.case_input()
        ctx = self.session.ctx
        result = update_case(ctx, self.detail.id, data) if self.detail else create_case(ctx, data)
        if self.detail:
            self.session.drafts.discard(self.draft_key())
        return result

    def what_changed(self, result: SaveResult) -> Changes:
        return Changes.of_case(result.id, FILE)

    def draft_key(self) -> str:
        return f"case-edit-{self.session.ctx.actor.staff_id}-{self.detail.id}"

    def offer_draft(self) -> bool:
        """Typing kept when a save was refused (another PC saved first) is offered back; True if restored."""
        data = self.session.drafts.load(self.draft_key())
        if not data:
            return False
        if not ask_yes_no(self.parentWidget() or self, DRAFT_TITLE, DRAFT_QUESTION):
            self.session.drafts.discard(self.draft_key())
            return False
        family_read = self._family_read
        values = {k: _from_json(k, v) for k, v in data.items() if k in CASE_FIELDS}
        if "family" in data:
            values["family"] = tuple(FamilyInput(**m) for m in data["family"])
        self._load(dataclasses.replace(self.detail, **values))
        self._family_read = family_read
        return True

    def keep_draft(self) -> None:
        if self.detail is None:
            return
        try:
            data = self.case_input()
        except DomainError:
            return  # a date that cannot be read; the typing stays in the open form
        # Only what this person changed: the rest is taken from the file as it is when offered back.
        values = {name: getattr(data, name) for name in CASE_FIELDS
                  if _differs(getattr(data, name), getattr(self.detail, name))}
        if self.family.state() != self._family_read:
            values["family"] = [vars(m) for m in data.family]
        self.session.drafts.save(self.draft_key(),
                                 {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()})

    def reload_and_reapply(self) -> None:
        """The file as it is now, with every field this person changed put back on top."""
        try:
            mine = self.case_input()
        except DomainError as error:
            self.show_domain_error(error)
            return
        family_changed = self.family.state() != self._family_read
        fresh = case_detail(self.session.ctx, self.detail.id)
        changed = {name: getattr(mine, name) for name in CASE_FIELDS
                   if _differs(getattr(mine, name), getattr(self.detail, name))}
        self._load(dataclasses.replace(fresh, **changed))  # also takes the family as it is now
        if family_changed:
            self.family.set_members(list(mine.family))
        self.detail = fresh  # the next save names the version just read
        self._clean_state = None  # what is on screen is not saved yet

    def show_domain_error(self, error: DomainError) -> None:
        if error.field and error.field.startswith("family."):
            self.errors.clear()
            _, row, field = (error.field.split(".") + ["", ""])[:3]
            self.family.show_error(int(row) if row.isdigit() else 0, field, error.message)
            self.scroll.ensureWidgetVisible(self.family)
            return
        super().show_domain_error(error)
        widget = self.errors.widget_for(error.field or "")
        if widget is not None:
            self.scroll.ensureWidgetVisible(widget)


def _from_json(name: str, value: object) -> object:
    if name in ("birth_date", "discharge_date", "received_on") and isinstance(value, str) and value:
        return dt.date.fromisoformat(value)
    return value


def _differs(typed: object, read: object) -> bool:
    """Whether the person changed a field: Persian digits, Arabic letters and empty text count as the same."""
    def plain(value: object) -> object:
        if value is None or value == "":
            return ""
        return normalize_digits(normalize_note(value)) if isinstance(value, str) else value
    return plain(typed) != plain(read)


def _quiet_date(edit: JalaliDateEdit) -> Optional[dt.date]:
    try:
        return edit.date()
    except DomainError:
        return None


def new_case(session: AppSession, parent: QWidget | None = None) -> Optional[int]:
    """Ask for a new case file; its id once saved, None if the person cancelled."""
    form = CaseForm(session, None, parent)
    if form.exec() == QDialog.DialogCode.Accepted and form.result_value is not None:
        return form.result_value.id
    return None


def edit_case(session: AppSession, detail: CaseDetail, parent: QWidget | None = None) -> bool:
    """Edit the identity and family of an open file; True if saved."""
    form = CaseForm(session, detail, parent)
    return form.exec() == QDialog.DialogCode.Accepted
