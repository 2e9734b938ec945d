"""The case file window: header, problems cycle, reviews, referrals, attachments, status."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage
from PySide6.QtWidgets import QFileDialog, QInputDialog

from app.services.problems import list_problems
from app.services.referrals import list_referrals
from app.services.reviews import list_reviews
from app.services.cases import case_detail
from app.ui.cases import dialogs, tabs
from app.ui.cases.case_window import open_case_window
from tests.ui.cases.conftest import focused
from tests.ui.conftest import type_text


@pytest.fixture
def case_id(make_case):
    return make_case(first_name="نرگس", last_name="صادقی", priority=True,
                     priority_reason="نیاز به پیگیری فوری").id


@pytest.fixture
def window(qtbot, manager_session, case_id):
    win = open_case_window(manager_session, case_id)
    qtbot.waitExposed(win)
    win.activateWindow()
    return win


def active(qtbot, dialog):
    """The opened form, once it has the keyboard (a window manager activates it on open)."""
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def dialog_of(window, cls):
    found = [d for d in window.findChildren(cls) if d.isVisible()]
    assert len(found) == 1, found
    return found[0]


def test_the_header_shows_who_and_which_file(window):
    header = window.header
    assert header.name.text() == "نرگس صادقی"
    assert "۰۰۰۰۱" in header.numbers.text()  # Behzisti number B00001, Persian digits
    assert header.status.text() == "فعال"
    assert header.priority.isVisibleTo(window)
    assert header.worker.text() == "مددکار: سارا کارگر"
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "مشخصات و خانواده", "خلاصه پرونده بهزیستی", "خدمات", "مشکلات", "بررسی‌ها", "ارجاع‌ها",
        "پیوست‌ها"]


def test_one_window_per_case(window, manager_session, case_id):
    assert open_case_window(manager_session, case_id) is window


def test_tabs_read_their_records_only_when_shown(window):
    problems = window.tab(tabs.ProblemsTab)
    assert problems.stale
    window.tabs.setCurrentWidget(problems)
    assert not problems.stale


def test_a_problem_goes_from_study_to_resolved(qtbot, window, manager_session, case_id):
    tab = window.tab(tabs.ProblemsTab)
    window.tabs.setCurrentWidget(tab)
    dialog = tab.new_problem()
    type_text(dialog.title, "افت تحصیلی")
    dialog.description.setText("نمره‌های ترم اول پایین آمده است.")
    assert dialog.save()
    assert tab.model.rowCount() == 1 and tab.current().stage == "study"

    for stage, note in (("plan", "برنامه کلاس تقویتی"), ("action", "ثبت‌نام در کلاس"),
                        ("follow_up", "تماس با مدرسه")):
        step = tab.advance()
        assert step.stage.value().value == stage  # the next stage is proposed
        type_text(step.note, note)
        assert step.save()

    step = active(qtbot, tab.advance())
    assert step.stage.value().value == "resolved"
    assert not step.save()  # resolving needs a note saying how
    assert "رفع" in step.errors.message_for("note")
    assert focused() is step.note
    type_text(step.note, "نمره‌ها به حد قبول رسید")
    assert step.save()

    problem = list_problems(manager_session.ctx, case_id)[0]
    assert problem.stage == "resolved" and problem.resolution_note == "نمره‌ها به حد قبول رسید"
    assert [s.stage for s in problem.steps] == ["study", "plan", "action", "follow_up", "resolved"]
    assert tab.steps.rowCount() == 5
    assert not tab.advance_button.isEnabled()  # a resolved problem moves no further


def test_a_review_needs_the_attending_social_worker(qtbot, window, manager_session, case_id, worker):
    tab = window.tab(tabs.ReviewsTab)
    window.tabs.setCurrentWidget(tab)
    dialog = active(qtbot, tab.new_review())
    assert dialog.worker.value() == worker.id  # the file's own worker is proposed
    dialog.worker.set_value(None)
    type_text(dialog.findings, "وضعیت تحصیلی و خانوادگی پایدار است")
    assert not dialog.save()
    assert "مددکار" in dialog.errors.message_for("social_worker_id")
    assert focused() is dialog.worker

    dialog.worker.set_value(worker.id)
    assert dialog.save()
    assert len(list_reviews(manager_session.ctx, case_id)) == 1
    assert tab.model.rowCount() == 1
    assert "آخرین بررسی" in tab.status_label.text()


def test_a_referral_and_its_outcome(qtbot, window, manager_session, case_id):
    tab = window.tab(tabs.ReferralsTab)
    window.tabs.setCurrentWidget(tab)
    dialog = tab.new_referral()
    type_text(dialog.to_body, "مرکز مشاوره بهزیستی")
    type_text(dialog.reason, "اضطراب شدید")
    assert dialog.save()
    assert tab.model.data(tab.model.index(0, 3)) == "در انتظار نتیجه"

    outcome = tab.record_outcome()
    type_text(outcome.outcome, "پنج جلسه مشاوره انجام شد")
    assert outcome.save()
    assert list_referrals(manager_session.ctx, case_id)[0].outcome == "پنج جلسه مشاوره انجام شد"


def test_a_scanned_document_is_attached_and_opened_with_the_system_viewer(
        qtbot, window, tmp_path, monkeypatch):
    scan = tmp_path / "کارنامه.png"
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    assert image.save(str(scan), "PNG")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(scan), ""))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("کارنامه ترم اول", True))
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)

    tab = window.tab(tabs.AttachmentsTab)
    window.tabs.setCurrentWidget(tab)
    tab.choose_and_add()
    assert tab.model.rowCount() == 1
    assert tab.model.data(tab.model.index(0, 0)) == "کارنامه.png"
    assert tab.model.data(tab.model.index(0, 1)) == "کارنامه ترم اول"
    assert tab.model.data(tab.model.index(0, 2)) == "تصویر PNG"

    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)  # Enter opens
    assert len(opened) == 1
    shown = Path(opened[0].toLocalFile())
    assert shown.name == "کارنامه.png"
    assert shown.read_bytes() == scan.read_bytes()

    folder = shown.parent
    window.close()  # the exported copy does not outlive the window
    assert not folder.exists()


def test_a_file_is_closed_only_with_a_reason_and_can_be_reactivated(qtbot, window, manager_session,
                                                                   case_id):
    dialog = window.change_status(dialogs.CaseStatus.CLOSED)
    assert not dialog.save()
    assert "دلیل" in dialog.errors.message_for("status_reason")
    assert case_detail(manager_session.ctx, case_id).status == "active"
    type_text(dialog.reason, "پایان دوره حمایت")
    assert dialog.save()

    assert window.header.status.text() == "مختومه"
    assert window.reactivate_button.isVisibleTo(window)
    assert not window.close_file_button.isVisibleTo(window)
    assert window.new_visit() is None  # no new services on a closed file

    again = window.change_status(dialogs.CaseStatus.ACTIVE)
    assert again.save()
    assert window.header.status.text() == "فعال"


def test_edit_from_the_window_refreshes_the_header(qtbot, window, manager_session, case_id):
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    from app.ui.cases.case_form import CaseForm
    form = dialog_of(window, CaseForm)
    form.first_name.selectAll()
    type_text(form.first_name, "نسرین")
    assert form.save()
    assert window.header.name.text() == "نسرین صادقی"
    identity = window.tab(tabs.IdentityTab)
    assert identity.values["name"].text() == "نسرین صادقی"


def test_alt_and_a_number_switch_tabs(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert window.tabs.currentIndex() == 2


def test_closing_a_file_inside_a_signed_month_asks_for_the_amend_reason(qtbot, window, manager_session, case_id,
                                                                       monkeypatch):
    from types import SimpleNamespace

    from app.services import signed_months
    monkeypatch.setattr(signed_months, "signed_monthly_report",
                        lambda session, contract, year, month: SimpleNamespace(id="MR-X", year=year, month=month))
    dialog = window.change_status(dialogs.CaseStatus.CLOSED)
    assert not dialog.form.isRowVisible(dialog.amend_row)
    type_text(dialog.reason, "پایان دوره حمایت")
    assert not dialog.save()
    assert dialog.form.isRowVisible(dialog.amend_row)
    assert "دلیل اصلاح" in dialog.errors.message_for("amend_reason")
    assert case_detail(manager_session.ctx, case_id).status == "active"
    monkeypatch.setattr(signed_months, "signed_monthly_report", lambda *args: None)  # avoid the fake record's FK
    type_text(dialog.amend_reason, "بستن پرونده دیر ثبت شد")
    assert dialog.save()
    assert case_detail(manager_session.ctx, case_id).status == "closed"


def test_the_review_form_is_printed_from_the_reviews_tab(qtbot, window, manager_session, case_id, worker,
                                                         tmp_path, monkeypatch):
    from app.ui.pages import reports as reports_page

    opened = []
    monkeypatch.setattr(reports_page, "open_with_system", opened.append)
    tab = window.tab(tabs.ReviewsTab)
    window.tabs.setCurrentWidget(tab)
    monkeypatch.setattr(tab, "choose_path", lambda suggested: tmp_path / suggested)
    told = []
    monkeypatch.setattr(tabs.messages, "warn", lambda parent, text, *rest: told.append(text))
    assert tab.print_form() is None  # nothing chosen yet: told so, nothing written
    assert told and "انتخاب کنید" in told[0]
    assert list(tmp_path.glob("*.pdf")) == []

    dialog = active(qtbot, tab.new_review())
    type_text(dialog.findings, "وضعیت تحصیلی و خانوادگی پایدار است")
    assert dialog.save()
    tab.view.setCurrentIndex(tab.model.index(0, 0))
    path = tab.print_form()
    assert path is not None and path.read_bytes().startswith(b"%PDF") and opened == [path]
