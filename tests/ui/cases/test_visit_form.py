"""The visit note: keyboard only, the abuse rule, signed months, drafts that survive a crash."""

import shiboken6
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app.services import visits
from app.services.visits import list_services
from app.ui.cases import visit_form
from app.ui.cases.case_window import open_case_window
from app.ui.cases.tabs import ServicesTab
from app.ui.cases.visit_form import VisitForm, visit_draft_key
from tests.ui.cases.conftest import focused
from tests.ui.conftest import type_text

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def case_id(make_case):
    return make_case(first_name="سینا", last_name="رضایی").id


@pytest.fixture
def window(qtbot, worker_session, case_id):
    win = open_case_window(worker_session, case_id)
    qtbot.waitExposed(win)
    win.activateWindow()
    return win


@pytest.fixture
def form(qtbot, worker_session, case_id):
    widget = VisitForm(worker_session, case_id)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    return widget


def choose(form, kind="care", mode="home_visit", minutes=30):
    """What a worker picks: nothing is chosen for them."""
    form.kind.setValue(kind)
    form.mode.setValue(mode)
    form.minutes.setValue(minutes)


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(), key, modifier)


def test_a_visit_is_entered_with_the_keyboard_only_and_appears_in_the_timeline(
        qtbot, window, worker_session, case_id):
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL | Qt.KeyboardModifier.ShiftModifier)
    form = window.findChild(VisitForm)
    assert form is not None and form.isVisible()
    qtbot.waitUntil(lambda: focused() is form.date.line_edit)

    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is form.kind and form.kind.value() is None  # nothing chosen for the worker
    press(qtbot, Qt.Key.Key_Down)  # «مراقبت و پیگیری»
    assert form.kind.value() is visits.ServiceKind.CARE
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is form.domains.boxes[visits.CareDomain.HEALTH]
    press(qtbot, Qt.Key.Key_Space)  # tick «بهداشتی»
    for _ in range(len(form.domains.boxes)):
        press(qtbot, Qt.Key.Key_Tab)
    assert focused() is form.mode and form.mode.value() is None
    press(qtbot, Qt.Key.Key_Down)  # «بازدید منزل»
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is form.minutes
    qtbot.keyClicks(focused(), "45")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is form.note
    type_text(form.note, "بازديد از منزل؛ فرزند سالم است.")  # Arabic ي as typed on some keyboards
    press(qtbot, Qt.Key.Key_Return, CTRL)

    assert not form.isVisible()
    saved = list_services(worker_session.ctx, case_id)
    assert len(saved) == 1
    service = saved[0]
    assert service.note == "بازدید از منزل؛ فرزند سالم است."  # normalised as typed
    assert service.domains == ("health",) and service.minutes == 45 and service.kind == "care"
    tab = window.tab(ServicesTab)
    assert window.tabs.currentWidget() is tab
    assert tab.model.rowCount() == 1
    assert tab.model.data(tab.model.index(0, 6)) == service.note


def test_a_child_abuse_concern_needs_the_action_taken(qtbot, form, worker_session, case_id):
    choose(form)
    form.domains.setValues(["abuse_watch"])
    form.note.setText("آثار کبودی روی دست فرزند دیده شد.")
    assert not form.form.isRowVisible(form.rows["abuse_action"])
    form.abuse.setChecked(True)
    assert form.form.isRowVisible(form.rows["abuse_action"])

    assert not form.save()

    assert "اقدام" in form.errors.message_for("abuse_action")
    assert focused() is form.abuse_action
    assert list_services(worker_session.ctx, case_id) == []

    type_text(form.abuse_action, "به اورژانس اجتماعی ۱۲۳ خبر داده شد.")
    assert form.save()
    service = list_services(worker_session.ctx, case_id)[0]
    assert service.abuse_concern and service.abuse_action.startswith("به اورژانس")


def test_the_abuse_row_is_red_and_marked_in_the_timeline(qtbot, window, worker_session, case_id):
    visits.add_service(worker_session.ctx, case_id, visits.ServiceInput(minutes=30, 
        kind="care", mode="home_visit", note="نگرانی", domains=("abuse_watch",),
        abuse_concern=True, abuse_action="گزارش شد"))
    tab = window.tab(ServicesTab)
    window.tabs.setCurrentWidget(tab)
    model = tab.model
    assert model.rowCount() == 1
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole).name() == "#9b1c1c"
    assert "کودک‌آزاری" in model.data(model.index(0, 8))


def test_care_domains_are_open_only_for_care(form):
    assert not form.domains.isEnabled()  # no kind chosen yet
    form.kind.setValue("care")
    assert form.domains.isEnabled()
    form.kind.setValue("counselling")
    assert not form.domains.isEnabled()


def test_a_signed_month_asks_for_the_reason_of_the_change(qtbot, form, monkeypatch, worker_session,
                                                          case_id):
    from types import SimpleNamespace

    from app.services import signed_months
    monkeypatch.setattr(signed_months, "signed_monthly_report",
                        lambda session, contract, year, month: SimpleNamespace(id="MR-X", year=year, month=month))
    choose(form)
    form.domains.setValues(["health"])
    form.note.setText("یادداشتی که دیر ثبت می‌شود")
    assert not form.form.isRowVisible(form.rows["amend_reason"])

    assert not form.save()

    assert form.form.isRowVisible(form.rows["amend_reason"])
    assert "دلیل اصلاح" in form.errors.message_for("amend_reason")
    assert focused() is form.amend_reason
    type_text(form.amend_reason, "فراموش شده بود")
    assert form.save()
    assert list_services(worker_session.ctx, case_id)[0].amended_reason == "فراموش شده بود"


def test_a_draft_survives_a_crash_and_is_offered_back(qtbot, monkeypatch, worker_session, case_id,
                                                      worker, messages):
    monkeypatch.setattr(visit_form, "DRAFT_INTERVAL_S", 0.05)
    form = VisitForm(worker_session, case_id)
    form.show()
    form.note.setFocus()
    text = "فرزند در مدرسه مشکل دارد و\nمادر نگران است."
    form.note.setText(text)
    form.domains.setValues(["schooling"])
    key = visit_draft_key(worker.id, case_id)
    qtbot.waitUntil(lambda: worker_session.drafts.load(key) is not None, timeout=3000)

    shiboken6.delete(form)  # gone without closing or saving, as in a power cut
    QApplication.processEvents()

    messages.answers = [QMessageBox.StandardButton.Yes]
    again = VisitForm(worker_session, case_id)
    qtbot.addWidget(again)
    assert "بازیابی" in messages.texts("question")[0]
    assert again.note.toPlainText() == text
    assert {d.value for d in again.domains.values()} == {"schooling"}

    choose(again)
    again.domains.setValues(["schooling"])
    assert again.save()
    assert worker_session.drafts.load(key) is None  # a saved note leaves no draft


def test_the_case_window_tells_of_a_waiting_draft(qtbot, worker_session, case_id, worker):
    worker_session.drafts.save(visit_draft_key(worker.id, case_id), {"note": "نیمه‌کاره"})
    win = open_case_window(worker_session, case_id)
    assert win.banner.isVisible()
    assert "ثبت‌نشده" in win.banner.label.text()
    win.discard_draft()
    assert not win.banner.isVisible()
    assert worker_session.drafts.load(visit_draft_key(worker.id, case_id)) is None


def test_another_workers_draft_is_not_offered(qtbot, worker_session, case_id, messages):
    worker_session.drafts.save(visit_draft_key(999, case_id), {"note": "از همکار"})
    form = VisitForm(worker_session, case_id)
    qtbot.addWidget(form)
    assert messages.texts("question") == []
    assert form.note.toPlainText() == ""


def test_closing_a_typed_note_asks_and_discarding_drops_the_draft(
        qtbot, form, messages, worker_session, worker, case_id):
    form.note.setFocus()
    type_text(form.note, "یادداشت")
    form.autosaver.save_if_changed()
    key = visit_draft_key(worker.id, case_id)
    assert worker_session.drafts.load(key) is not None

    messages.answers = [QMessageBox.StandardButton.Cancel]
    form.reject()
    assert form.isVisible()

    messages.answers = [QMessageBox.StandardButton.Discard]
    form.reject()
    assert not form.isVisible()
    assert worker_session.drafts.load(key) is None
    assert list_services(worker_session.ctx, case_id) == []


def test_resuming_from_the_banner_restores_without_asking(qtbot, worker_session, case_id, worker,
                                                          messages):
    worker_session.drafts.save(visit_draft_key(worker.id, case_id), {"note": "نیمه‌کاره", "minutes": 30})
    win = open_case_window(worker_session, case_id)
    form = win.banner.resume_button.click() or win.findChild(VisitForm)
    assert form.note.toPlainText() == "نیمه‌کاره" and form.minutes.value() == 30
    assert messages.texts("question") == []


def test_closing_the_case_window_asks_about_a_note_being_typed(qtbot, window, messages):
    form = window.new_visit()
    type_text(form.note, "یادداشت ناتمام")
    messages.answers = [QMessageBox.StandardButton.Cancel]
    window.close()
    assert window.isVisible() and form.isVisible()  # «انصراف»: nothing is lost
    assert messages.texts("question")


def test_signing_out_closes_the_window_and_keeps_the_note_as_a_draft(qtbot, window, worker_session,
                                                                     worker, case_id, messages):
    from app.ui.cases.case_window import close_all_case_windows
    form = window.new_visit()
    form.note.setText("نوشته‌ای که نباید گم شود")
    close_all_case_windows()
    assert not window.isVisible()
    assert messages.texts("question") == []  # nobody may be at the desk to answer
    draft = worker_session.drafts.load(visit_draft_key(worker.id, case_id))
    assert draft["note"] == "نوشته‌ای که نباید گم شود"


def test_enter_on_a_timeline_row_edits_that_service(qtbot, window, worker_session, case_id):
    visits.add_service(worker_session.ctx, case_id, visits.ServiceInput(
        kind="counselling", mode="phone", note="تماس تلفنی با مادر", minutes=15))
    tab = window.tab(ServicesTab)
    window.tabs.setCurrentWidget(tab)
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    form = next(f for f in window.findChildren(VisitForm) if f.isVisible())
    assert form.service is not None
    assert form.autosaver.key == visit_form.edit_draft_key(worker_session.ctx.actor.staff_id, form.service.id)
    assert form.note.toPlainText() == "تماس تلفنی با مادر" and form.minutes.value() == 15
    assert not form.domains.isEnabled()  # counselling has no care domains
    form.note.setText("تماس تلفنی با مادر و پدر")
    assert form.save()
    assert list_services(worker_session.ctx, case_id)[0].note == "تماس تلفنی با مادر و پدر"
    assert tab.model.data(tab.model.index(0, 6)) == "تماس تلفنی با مادر و پدر"


def test_an_edit_in_progress_survives_a_crash_and_is_offered_back_for_that_note(
        qtbot, monkeypatch, worker_session, case_id, worker, messages):
    from app.services.visits import ServiceInput, add_service
    from app.ui.cases.visit_form import edit_draft_key
    monkeypatch.setattr(visit_form, "DRAFT_INTERVAL_S", 0.05)
    add_service(worker_session.ctx, case_id, ServiceInput(kind="care", mode="phone", note="تماس کوتاه",
                                                          domains=("health",), minutes=10))
    service = list_services(worker_session.ctx, case_id)[0]
    form = VisitForm(worker_session, case_id, service=service)
    form.show()
    assert form.note.toPlainText() == "تماس کوتاه"
    form.note.setText("تماس کوتاه؛ مادر گفت فرزند بیمار است و فردا دوباره تماس می‌گیریم.")
    key = edit_draft_key(worker.id, service.id)
    qtbot.waitUntil(lambda: worker_session.drafts.load(key) is not None, timeout=3000)
    shiboken6.delete(form)  # a power cut while editing
    QApplication.processEvents()

    fresh = VisitForm(worker_session, case_id)  # a new note is not offered the edit
    qtbot.addWidget(fresh)
    assert messages.texts("question") == [] and fresh.note.toPlainText() == ""
    fresh.discarded()

    messages.answers = [QMessageBox.StandardButton.Yes]
    again = VisitForm(worker_session, case_id, service=service)
    qtbot.addWidget(again)
    assert "این یادداشت" in messages.texts("question")[0]
    assert again.note.toPlainText().startswith("تماس کوتاه؛ مادر گفت")
    assert again.is_dirty()  # restored work is unsaved work
    assert again.save()
    assert worker_session.drafts.load(key) is None
    assert list_services(worker_session.ctx, case_id)[0].note.startswith("تماس کوتاه؛ مادر گفت")


def test_a_new_note_has_no_silent_kind_mode_or_minutes_and_says_so_at_each_field(
        qtbot, form, worker_session, case_id):
    """A phone call saved without a choice must not become a 0-minute home visit."""
    assert form.kind.value() is None and form.mode.value() is None and form.minutes.value() == 0
    form.note.setText("تماس تلفنی با مادر")

    assert not form.save()

    assert "نوع خدمت" in form.errors.message_for("kind")
    assert "نحوه ارائه" in form.errors.message_for("mode")
    assert "دقیقه" in form.errors.message_for("minutes")
    assert focused() is form.kind  # the first error has the cursor
    assert list_services(worker_session.ctx, case_id) == []

    form.kind.setValue("counselling")
    form.mode.setValue("phone")
    assert not form.save()  # still 0 minutes
    assert form.errors.message_for("kind") == "" and "دقیقه" in form.errors.message_for("minutes")
    form.minutes.setValue(15)
    assert form.save()
    saved = list_services(worker_session.ctx, case_id)[0]
    assert (saved.kind, saved.mode, saved.minutes) == ("counselling", "phone", 15)


def test_a_bad_date_is_told_when_the_field_is_left(qtbot, form):
    form.date.setText("1405/13/40")
    form.date.line_edit.editingFinished.emit()
    assert form.errors.message_for("date")
    form.date.setText("1405/09/01")
    form.date.line_edit.editingFinished.emit()
    assert form.errors.message_for("date") == ""


def test_throwing_a_waiting_draft_away_asks_naming_it_and_no_keeps_it(qtbot, worker_session, case_id, worker,
                                                                      messages):
    key = visit_draft_key(worker.id, case_id)
    worker_session.drafts.save(key, {"note": "مادر گفت فرزند سه روز به مدرسه نرفته است"})
    win = open_case_window(worker_session, case_id)
    messages.answers = [QMessageBox.StandardButton.No]
    win.banner.discard_button.click()
    assert "مادر گفت فرزند" in messages.texts("question")[-1]
    assert worker_session.drafts.load(key) is not None and win.banner.isVisible()
    messages.answers = [QMessageBox.StandardButton.Yes]
    win.banner.discard_button.click()
    assert worker_session.drafts.load(key) is None and not win.banner.isVisible()
