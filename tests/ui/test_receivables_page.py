"""The receivables page, driven through its real widgets on demo data."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QApplication

from app.persian import format_number
from app.services import cheques, payments as pay
from app.services.accounts import StaffInput, add_staff, sign_in
from app.services.receivables import receivables
from app.ui.widgets.cheque_dialogs import CorrectChequeDialog, ReturnChequeDialog
from app.ui.machinery.main_window import MainWindow
from app.ui.pages.receivables import (
    DeliveryDialog,
    LetterDialog,
    PaymentDialog,
    ReceivablesPage,
    ReverseDialog,
)
from tests.conftest import NOW, PASSWORD
from tests.ui.screens import answers, demo, demo_session, session_for  # noqa: F401 — fixtures
from app.services.demo import DEMO_PASSWORD


@pytest.fixture
def page(qtbot, demo_session):
    widget = ReceivablesPage(demo_session)
    qtbot.addWidget(widget)
    widget.resize(1000, 640)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_page_shows_the_services_numbers_oldest_first(page, demo_session):
    view = receivables(demo_session.ctx)
    rows = page.models["invoices"].rows()
    assert [r.id for r in rows] == [i.id for i in view.open_invoices]
    assert rows[0].days_outstanding == max(i.days_outstanding or 0 for i in view.open_invoices)
    assert format_number(view.total.outstanding_rials) in page.totals.text()
    assert page.cheque_warning.isVisible() and "روز" in page.cheque_warning.text()
    assert page.models["offices"].rows()[-1].name == "جمع کل"
    assert len(page.chart.months) == 12
    # Red rows: an invoice more than 60 days old, and the overdue cheque.
    assert any(page.models["invoices"]._alert(r) for r in rows)
    assert any(page.models["cheques"]._alert(r) for r in page.models["cheques"].rows())
    page.show_paid.setChecked(True)
    assert len(page.models["invoices"].rows()) == len(view.invoices) > len(rows)


def test_payment_dialog_settles_the_chosen_invoice(page, qtbot, demo_session):
    invoice = page.models["invoices"].rows()[0]
    dialog = PaymentDialog(demo_session, page.view.invoices, page, preselect=invoice)
    qtbot.addWidget(dialog)
    dialog.amount.setText("۱٬۰۰۰٬۰۰۰")
    dialog.reference.setText("۱۲۳۴۵")
    row = dialog.submit()
    assert [(a.invoice_id, a.amount_rials) for a in row.allocations] == [(invoice.id, 1_000_000)]
    assert row.bank_reference == "12345"


def test_payment_dialog_asks_before_an_overpayment(page, qtbot, demo_session, answers):
    dialog = PaymentDialog(demo_session, page.view.invoices, page)
    qtbot.addWidget(dialog)
    owed = next(c for c in page.view.contracts if c.contract_id == dialog.contract.currentData()).outstanding_rials
    dialog.amount.setText(str(owed + 500_000))
    answers.confirm_answer = False
    with pytest.raises(pay.OverpaymentWarning):
        dialog.submit()
    assert answers.shown[-1][0] == "confirm" and "بیشتر است" in answers.shown[-1][2]
    answers.confirm_answer = True
    row = dialog.submit()
    assert row.amount_rials == owed + 500_000


def test_bad_amount_is_shown_beside_its_field_and_nothing_saved(page, qtbot, demo_session):
    before = len(pay.list_payments(demo_session.ctx))
    dialog = PaymentDialog(demo_session, page.view.invoices, page)
    qtbot.addWidget(dialog)
    dialog.amount.setText("ده هزار")
    dialog._try_submit()
    assert dialog.errors.message_for("amount_rials")
    assert len(pay.list_payments(demo_session.ctx)) == before


def test_delivery_reverse_and_cheque_return(page, qtbot, demo_session):
    invoice = page.models["invoices"].rows()[-1]
    delivery = DeliveryDialog(demo_session, invoice, page)
    qtbot.addWidget(delivery)
    delivery.method.setCurrentText("پست")
    assert delivery.submit().delivery_method == "پست"
    payment = next(p for p in pay.list_payments(demo_session.ctx) if not p.reverses_id and not p.reversed_by_id)
    reverse = ReverseDialog(demo_session, payment, page)
    qtbot.addWidget(reverse)
    reverse._try_submit()
    assert reverse.errors.message_for("reason")  # a reason is required
    reverse.reason.setText("واریز به حساب دیگر")
    assert reverse.submit().reverses_id == payment.id
    cheque = next(c for c in page.view.cheques if c.days_overdue > 0)
    dialog = ReturnChequeDialog(demo_session, cheque, page)
    qtbot.addWidget(dialog)
    assert dialog.save()
    page.refresh()
    assert not page.cheque_warning.isVisible()
    assert next(c for c in page.view.cheques if c.id == cheque.id).returned_on is not None
    # A wrong entry is voided from the same tab: it leaves the list but not the database.
    wrong = next(c for c in page.view.cheques if c.returned_on is None)
    void = CorrectChequeDialog(demo_session, wrong, page)
    qtbot.addWidget(void)
    void.reason.setText("ثبت تکراری")
    assert void.save() and not void.undo_return
    page.refresh()
    assert wrong.id not in [c.id for c in page.view.cheques]
    assert [c.id for c in cheques.list_cheques(demo_session.ctx, include_voided=True) if c.voided] == [wrong.id]


def test_letter_dialog_signs_and_records(page, qtbot, demo_session):
    dialog = LetterDialog(demo_session, page)
    qtbot.addWidget(dialog)
    dialog.password.setText("wrong-password")
    dialog._try_submit()
    assert dialog.errors.message_for("password")
    dialog.password.setText(DEMO_PASSWORD)
    document = dialog.submit()
    assert document.signed and document.report_id.startswith("RC-")


def test_excel_from_the_page(page, tmp_path):
    page.save_excel(tmp_path / "m.xlsx")
    book = load_workbook(tmp_path / "m.xlsx")
    assert book["صورتحساب‌های باز"].sheet_view.rightToLeft
    assert book["صورتحساب‌های باز"].max_row - 1 == len(page.models["invoices"].rows())


def test_only_the_manager_has_the_page_in_the_window(qtbot, db, data_dir, demo):
    from app.services.context import ServiceContext
    manager_ctx = ServiceContext(db, demo, data_dir=data_dir, clock=lambda: NOW)
    add_staff(manager_ctx, StaffInput(first_name="سارا", last_name="کارگر", role="social_worker", username="sara",
                                      password=PASSWORD))
    for actor, has_it in ((demo, True), (sign_in(db, "sara", PASSWORD, now=NOW), False)):
        window = MainWindow(session_for(db, data_dir, actor), username="x", clock=lambda: NOW)
        qtbot.addWidget(window)
        titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
        assert ("مطالبات" in titles) is has_it
        window.stop_work()


@pytest.mark.parametrize("size", [(1024, 768), (1366, 768)])
def test_screenshot(page, qtbot, tmp_path, size):
    """Saved for a person to look at (docs/screenshots is made by scripts/screenshots.py)."""
    page.resize(*size)
    qtbot.wait(50)
    for index in (0, 1, 4):
        page.tabs.setCurrentIndex(index)
        qtbot.wait(20)
        image = page.grab()
        assert not image.isNull() and image.width() == size[0]
        image.save(str(tmp_path / f"receivables-{index}-{size[0]}.png"))
    QApplication.processEvents()


def test_an_overdue_cheque_is_on_the_managers_dashboard_only(qtbot, demo_session, db, data_dir):
    from app.domain.enums import Role
    from app.services.accounts import list_staff
    from app.services.context import Actor
    from tests.ui.test_dashboard import open_dashboard
    page = open_dashboard(qtbot, demo_session)
    assert page.cheque_box.isVisible()
    rows = page.overdue_cheques
    assert rows[0].cheque_number in page.cheque_lines.text().translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
    assert [r.id for r in rows] == [c.id for c in pay.overdue_cheques(demo_session.ctx)]
    assert len(rows) == 1 and rows[0].days_overdue > 0
    # A second cheque held by the same office past its due day: every one is listed.
    second = cheques.add_cheque(demo_session.ctx, cheques.ChequeInput(rows[0].contract_id, "990011", 150_000_000,
                                                                      rows[0].contract_end))
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.refresh()
    lines = page.cheque_lines.text().translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
    assert len(page.overdue_cheques) == 2 and "990011" in lines and rows[0].cheque_number in lines
    for cheque in (rows[0].id, second.id):
        cheques.return_cheque(demo_session.ctx, cheque, "1405/09/01")
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.refresh()
    assert not page.cheque_box.isVisible()
    worker = list_staff(demo_session.ctx, role=Role.SOCIAL_WORKER)[0]
    other = open_dashboard(qtbot, session_for(db, data_dir, Actor(worker.id, worker.full_name, Role.SOCIAL_WORKER)))
    assert not other.cheque_box.isVisible() and "cheques" not in dict(other.sections())
