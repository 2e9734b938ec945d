"""Reports: the monthly report made from demo data off the GUI thread, unsigned and signed,
saved; a wrong signing password is caught before the work; the verify panel says a signed
file is intact and matches our records, and says otherwise after one changed byte."""

import threading

import pytest

from app.domain.enums import Role
from app.services.accounts import list_staff
from app.services.context import Actor
from app.services.context import _issue
from app.services.reports import check_signing_password
from app.ui.pages import reports as reports_module
from app.ui.widgets.passwords import PasswordDialog
from app.ui.pages.reports import ReportsPage, pdf_tools_available
from tests.ui.screens import DEMO_PASSWORD, answers, demo, demo_session, session_for  # noqa: F401


@pytest.fixture
def page(qtbot, demo_session):
    page = ReportsPage(demo_session)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_defaults_are_the_running_contract_and_last_month(page):
    assert page.contract.count() >= 1 and page.contract.currentData() is not None
    assert (page.year.value(), page.month.currentIndex() + 1) == (1405, 8)  # today is 1405/09/02
    assert page.month.currentText() == "آبان"
    assert not page.save_pdf_button.isEnabled()


def test_monthly_report_unsigned_then_signed(page, tmp_path, monkeypatch):
    threads = []
    real = reports_module.render_pages
    monkeypatch.setattr(reports_module, "render_pages",
                        lambda pdf: (threads.append(threading.get_ident()), real(pdf))[1])
    document = page.make("monthly")
    assert document is not None and not document.signed
    assert threads and threads[0] != threading.get_ident()  # made off the GUI thread
    assert document.pdf.startswith(b"%PDF") and document.xlsx
    assert "امضا نشده" in page.status.text()
    if pdf_tools_available():
        assert page.preview.page_labels and not page.preview.page_labels[0].pixmap().isNull()
    assert page.save_pdf_button.isEnabled() and page.save_xlsx_button.isEnabled()
    page.save_pdf(tmp_path / "report.pdf")
    page.save_xlsx(tmp_path / "report.xlsx")
    assert (tmp_path / "report.pdf").read_bytes() == document.pdf
    assert (tmp_path / "report.xlsx").read_bytes()[:2] == b"PK"

    monkeypatch.setattr(reports_module, "ask_password", lambda *args: (True, (None, DEMO_PASSWORD)))
    signed = page.sign()
    assert signed.signed and signed.report_id != document.report_id
    assert "امضاشده" in page.status.text()
    assert page.verify.check_bytes(signed.pdf, "signed.pdf").ok


def test_a_wrong_signing_password_is_shown_at_the_field_before_any_work(qtbot, demo_session):
    dialog = PasswordDialog(None, "امضای گزارش", "رمز", lambda p: check_signing_password(demo_session.ctx, p))
    qtbot.addWidget(dialog)
    dialog.password.setText("not-the-password")
    dialog._try_submit()
    assert dialog.errors.message_for("password") == "رمز عبور مدیر نادرست است."
    dialog.password.setText(DEMO_PASSWORD)
    dialog._try_submit()
    assert dialog.result() == PasswordDialog.DialogCode.Accepted
    assert dialog.result_value.fingerprint


def test_a_month_outside_the_contract_is_shown_at_the_month(page):
    page.select_month(1390, 1)
    assert page.make("monthly") is None
    assert page.errors.message_for("month") == "این ماه در دوره قرارداد نیست."


def test_verify_panel_ok_for_the_signed_file_and_not_after_a_flipped_byte(page):
    signed = page.make("monthly", sign_password=DEMO_PASSWORD)
    panel = page.verify
    check = panel.check_bytes(signed.pdf, "MR.pdf")
    assert check.ok
    assert panel.fact("intact") == "بله" and panel.fact("covered") == "بله"
    assert panel.fact("record") == "بله" and panel.fact("trusted") == "بله"
    assert panel.fact("signer") == "مریم نمونه"
    assert "۱۴۰۵" in panel.fact("time")  # the claimed time, Jalali
    assert panel.verdict.text().startswith("معتبر")

    damaged = bytearray(signed.pdf)
    middle = len(damaged) // 3
    damaged[middle] = damaged[middle] ^ 0x01
    check = panel.check_bytes(bytes(damaged), "MR-changed.pdf")
    assert check is not None and not check.ok
    assert panel.verdict.text().startswith("نامعتبر")

    unsigned = page.make("monthly")
    assert not panel.check_bytes(unsigned.pdf, "unsigned.pdf").ok
    assert panel.verdict.text() == "این فایل امضای دیجیتال ندارد."


def test_case_summary_by_file_number_and_an_unknown_number(page, demo_session):
    from app.services.caselist import CaseQuery, list_cases

    case = list_cases(demo_session.ctx, CaseQuery(), 0, 1)[0]
    page.file_number.setText(case.behzisti_file_number)
    document = page.make("case")
    assert document is not None and page.kind == "case"
    page.file_number.setText("99999999999")
    assert page.make("case") is None
    assert "پیدا نشد" in page.errors.message_for("file")


def test_social_workers_cannot_make_the_monthly_report(qtbot, demo_session, db, data_dir):
    worker = list_staff(demo_session.ctx, role=Role.SOCIAL_WORKER)[0]
    page = ReportsPage(session_for(db, data_dir, _issue(worker.id, worker.full_name, Role.SOCIAL_WORKER)))
    qtbot.addWidget(page)
    assert not page.preview_button.isEnabled() and not page.sign_button.isEnabled()
    assert page.case_button.isEnabled()


def test_a_clerk_is_offered_no_file_summary(qtbot, demo_session, db, data_dir):
    """A clerk keeps the register, not the files' contents: no button that could only be refused."""
    clerk = list_staff(demo_session.ctx, role=Role.CLERK)[0]
    page = ReportsPage(session_for(db, data_dir, _issue(clerk.id, clerk.full_name, Role.CLERK)))
    qtbot.addWidget(page)
    assert not page.case_button.isEnabled() and not page.file_number.isEnabled()
    assert not page.preview_button.isEnabled() and not page.invoice_button.isEnabled()


def test_without_pdftoppm_the_page_says_what_was_made_and_offers_the_viewer(page, monkeypatch):
    monkeypatch.setattr(reports_module, "pdf_tools_available", lambda: False)
    document = page.make("invoice")
    assert document is not None and document.xlsx is None
    assert page.preview.page_labels == []
    assert "صورتحساب ساخته شد" in page.preview.note.text()
    assert page.open_button.isEnabled() and not page.save_xlsx_button.isEnabled()


def test_signing_an_unfinished_month_asks_naming_the_missing_days(page, answers):
    page.select_month(1405, 9)  # today is 1405/09/02
    answers.confirm_answer = False
    assert page.make("monthly", sign_password=DEMO_PASSWORD) is None
    kind, _text, question = answers.shown[-1]
    assert kind == "confirm" and "۱۴۰۵/۰۹/۰۲" in question and "۱۴۰۵/۰۹/۳۰" in question
    answers.confirm_answer = True
    document = page.make("monthly", sign_password=DEMO_PASSWORD)
    assert document is not None and document.signed
    page.select_month(1405, 10)  # a future month: refused at the month
    assert page.make("monthly", sign_password=DEMO_PASSWORD) is None
    assert "هنوز نیامده" in page.errors.message_for("month")
    assert page.make("monthly") is not None  # but any month can be previewed


def test_a_change_in_a_signed_month_is_shown_and_a_correction_asks_its_reason(page, demo_session, monkeypatch):
    from app.services.cases import case_detail
    from app.services.reports import find_case_id, monthly_data
    from app.services.visits import ServiceInput, add_service

    first = page.make("monthly", sign_password=DEMO_PASSWORD)
    assert first.signed and not page.correction_notice.isVisible()
    ctx = demo_session.ctx
    files = [find_case_id(ctx, c.behzisti_file_number) for c in monthly_data(ctx, page.params["contract_id"], 1405, 8).clients]
    case_id = next(i for i in files if case_detail(ctx, i).status == "active")
    add_service(ctx, case_id, ServiceInput(kind="care", mode="phone", note="تماس", domains=["health"], minutes=10,
                                           date="1405/08/20", amend_reason="تماس ثبت‌نشده"))
    page.load_marks()
    assert page.correction_notice.isVisible() and "آبان ۱۴۰۵" in page.correction_notice.text()
    monkeypatch.setattr(page, "ask_correction_reason", lambda message: "تماس جاافتاده ۲۰ آبان")
    correction = page.make("monthly", sign_password=DEMO_PASSWORD)
    assert correction.signed and correction.correction_number == 1 and correction.replaces_id == first.report_id
    assert not page.correction_notice.isVisible()
    assert correction.file_name.startswith("monthly-report-1405-08-")


def test_a_document_recorded_while_cancel_was_pressed_is_shown_not_dropped(page, demo_session, monkeypatch):
    """An invoice or file summary cannot be stopped half-way: once the service has recorded it, the page
    must show it (the screen may not say «cancelled» while the clinic's records hold the document)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog

    from app.services import reports as report_services
    from app.services.caselist import CaseQuery, list_cases

    pressed, real = threading.Event(), report_services.generate_case_summary

    def press_cancel():
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]
        if not dialogs:
            QTimer.singleShot(10, press_cancel)
            return
        dialogs[0].canceled.emit()  # what its «لغو» button sends
        pressed.set()

    def slow_summary(*args, **kwargs):
        assert pressed.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(report_services, "generate_case_summary", slow_summary)
    page.file_number.setText(list_cases(demo_session.ctx, CaseQuery(), 0, 1)[0].behzisti_file_number)
    QTimer.singleShot(0, press_cancel)
    document = page.make("case")
    assert pressed.is_set()
    assert document is not None and document.pdf.startswith(b"%PDF") and page.kind == "case"
