"""The case form: errors beside their field with the cursor there, nothing saved until valid."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.persian import make_national_code, to_persian_digits
from app.services.caselist import CaseQuery, count_cases, list_cases
from app.services.cases import case_detail
from app.services.contracts import ContractInput, create_contract
from app.ui.cases.case_form import CaseForm
from tests.ui.cases.conftest import focused
from tests.ui.conftest import type_text

GOOD_CODE = make_national_code("001234567")


@pytest.fixture
def form(qtbot, manager_session, worker, contract):
    widget = CaseForm(manager_session)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    return widget


def fill_required(form, worker):
    qtbot_free_type(form.behzisti_number, "B-7001")
    type_text(form.first_name, "زهرا")
    type_text(form.last_name, "يوسفي")  # Arabic ي, as an Arabic keyboard layout sends it
    form.sex.setValue("female")
    form.living.setValue("relatives")
    form.social_worker.set_value(worker.id)


def qtbot_free_type(widget, text):
    widget.setFocus()
    type_text(widget, text)


def all_cases(ctx):
    return count_cases(ctx, CaseQuery(status=None))


def test_a_wrong_national_code_is_shown_beside_the_field_and_nothing_is_saved(form, ctx, worker):
    fill_required(form, worker)
    form.national_code.setFocus()
    type_text(form.national_code, "1234567890")  # the check digit does not match
    assert form.national_code.text() == "۱۲۳۴۵۶۷۸۹۰"  # shown in Persian digits as typed

    assert not form.save()

    assert "کد ملی" in form.errors.message_for("national_code")
    label = form.errors._fields["national_code"][1]
    assert label.isVisible()
    # under the field, in the same box, not at the top of the form
    assert label.parentWidget() is form.national_code.parentWidget()
    assert focused() is form.national_code
    assert form.national_code.property("invalid") is True
    assert all_cases(ctx) == 0
    assert form.isVisible()

    form.national_code.selectAll()
    type_text(form.national_code, to_persian_digits(GOOD_CODE))
    assert form.errors.message_for("national_code") == ""  # editing the field clears its error
    assert form.save()

    assert all_cases(ctx) == 1
    row = list_cases(ctx, CaseQuery(), 0, 5)[0]
    assert row.national_code == GOOD_CODE  # stored in ASCII digits
    assert row.last_name == "یوسفی"  # letters normalised as typed
    assert row.clinic_file_number == "1"  # blank clinic number: given automatically
    assert not form.isVisible()


def test_a_missing_field_is_reported_where_it_is(form, ctx, worker):
    fill_required(form, worker)
    form.sex.setCurrentIndex(0)  # «انتخاب کنید»
    assert not form.save()
    assert form.errors.message_for("sex")
    assert focused() is form.sex
    assert all_cases(ctx) == 0


def test_the_early_transfer_reason_appears_when_discharge_is_less_than_a_year_ago(form, ctx, worker):
    fill_required(form, worker)
    row = form.placement_rows["early_transfer_reason"]
    assert not form.placement_form.isRowVisible(row)
    form.discharge_date.setText("1405/03/01")  # received today, 1405/09/02
    assert form.placement_form.isRowVisible(row)

    assert not form.save()
    assert "یک سال" in form.errors.message_for("early_transfer_reason")
    assert focused() is form.early_reason
    assert all_cases(ctx) == 0

    form.early_reason.setFocus()
    type_text(form.early_reason, "خطر جدی در خانواده")
    assert form.save()
    assert all_cases(ctx) == 1


def test_a_family_error_marks_its_cell(form, ctx, worker):
    fill_required(form, worker)
    form.family.add_member()  # a new row, its name cell open for typing
    type_text(focused(), "فاطمه يوسفي")
    model = form.family.model
    # the relation (column 1) is left empty

    assert not form.save()

    assert model.error_cell == (0, 1)
    assert "نسبت" in form.family.message()
    assert form.family.table.currentIndex() == model.index(0, 1)
    assert focused() is form.family.table
    assert all_cases(ctx) == 0

    model.setData(model.index(0, 1), "mother")
    assert form.family.message() == ""
    assert form.save()
    detail = case_detail(ctx, form.result_value.id)
    assert [(m.name, m.relation) for m in detail.family] == [("فاطمه یوسفی", "mother")]


def test_warnings_are_shown_after_the_save(qtbot, manager_session, ctx, worker, make_case, messages):
    small = create_contract(ctx, ContractInput(
        office_name="بهزیستی شهرستان شمیرانات", number="1405-9", start_date="1405/01/01",
        end_date="1405/12/29", fee_per_case_month_rials=1_000_000, capacity=1))
    make_case(contract_id=small.id)
    form = CaseForm(manager_session)
    qtbot.addWidget(form)
    fill_required(form, worker)
    form.contract.set_value(small.id)

    assert form.save()

    assert all_cases(ctx) == 2  # a warning never blocks the save
    assert any("ظرفیت" in text for text in messages.texts("warning"))


def test_closing_with_unsaved_changes_asks_first(form, ctx, worker, messages):
    type_text(form.behzisti_number, "B-9")

    messages.answers = [QMessageBox.StandardButton.Cancel]
    form.reject()
    assert form.isVisible()  # «انصراف»: stay and keep typing
    assert messages.texts("question")

    messages.answers = [QMessageBox.StandardButton.Discard]
    form.close()
    assert not form.isVisible()
    assert all_cases(ctx) == 0


def test_closing_an_untouched_form_asks_nothing(form, messages):
    form.reject()
    assert not form.isVisible()
    assert messages.texts("question") == []


def test_editing_keeps_the_values_and_saves_changes(qtbot, manager_session, ctx, make_case):
    saved = make_case(first_name="علی", last_name="احمدی", national_code=GOOD_CODE)
    form = CaseForm(manager_session, case_detail(ctx, saved.id))
    qtbot.addWidget(form)
    assert form.national_code.text() == to_persian_digits(GOOD_CODE)
    assert form.received_on.date() == dt.date(2026, 1, 10)
    assert not form.is_dirty()

    form.father_name.setFocus()
    type_text(form.father_name, "رضا")
    assert form.is_dirty()
    assert form.save()
    assert case_detail(ctx, saved.id).father_name == "رضا"


def test_enter_moves_to_the_next_field(form, qtbot):
    form.first_name.setFocus()
    qtbot.keyClick(form.first_name, Qt.Key.Key_Return)
    assert focused() is form.last_name
    assert form.isVisible()  # Enter did not press «ذخیره»


def test_every_error_of_the_form_is_shown_at_once_and_the_first_has_the_cursor(form, ctx):
    form.national_code.setText("۱۲۳۴۵۶۷۸۹۰")  # wrong check digit
    form.birth_date.setText("1405/14/01")  # no 14th month
    form.received_on.setText("")

    assert not form.save()

    for field in ("behzisti_file_number", "first_name", "last_name", "national_code", "sex",
                  "birth_date", "living_arrangement", "received_on"):
        assert form.errors.message_for(field), field
    assert focused() is form.behzisti_number
    assert all_cases(ctx) == 0


def test_a_national_code_is_checked_when_the_field_is_left(form):
    form.national_code.setText("۱۲۳۴۵۶۷۸۹۰")
    form.national_code.editingFinished.emit()
    assert "کد ملی" in form.errors.message_for("national_code")
    form.national_code.setText(to_persian_digits(GOOD_CODE))
    form.national_code.editingFinished.emit()
    assert form.errors.message_for("national_code") == ""
    form.birth_date.setText("1405/02/40")
    form.birth_date.line_edit.editingFinished.emit()
    assert form.errors.message_for("birth_date")


def test_a_child_already_on_file_is_named_with_a_link_before_a_second_file_is_made(form, ctx, worker, make_case):
    existing = make_case(first_name="زهرا", last_name="یوسفی", father_name="علی", sex="female",
                         birth_date=dt.date(2015, 5, 1))
    fill_required(form, worker)
    form.father_name.setText("علي")
    form.birth_date.setText("1394/02/11")  # 2015-05-01
    before = all_cases(ctx)

    assert not form.save()  # told first, nothing saved

    note = form.duplicate_note
    assert note.isVisible() and f'href="case:{existing.id}"' in note.text()
    assert all_cases(ctx) == before
    opened = []
    import app.ui.widgets.case_link as case_link
    original = case_link.open_case
    case_link.open_case = lambda session, case_id, parent=None: opened.append(case_id)
    try:
        note.linkActivated.emit(f"case:{existing.id}")
    finally:
        case_link.open_case = original
    assert opened == [existing.id]

    assert form.save()  # «another child»: the second press registers it
    assert all_cases(ctx) == before + 1
