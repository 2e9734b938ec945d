"""The office's screen: a dropped folder is received off the GUI thread; the month and the province
are shown in tables and charts. OFFICE_SCREENSHOTS=folder saves what it shows, to look at."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDropEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog  # noqa: E402

from app.office.demo import signed_invoice  # noqa: E402
from tests.office.conftest import CLINIC_PASSWORD, register, write  # noqa: E402
from tests.office.test_receive import embedded  # noqa: E402


@pytest.fixture(scope="session")
def qapp():
    from app.ui.machinery.application import create_application
    return create_application(["parvandeh-tests"])


def shot(widget, name: str) -> None:
    folder = os.environ.get("OFFICE_SCREENSHOTS")
    if folder:
        widget.grab().save(os.path.join(folder, name))


def test_dropping_a_folder_receives_it_and_the_month_is_added_up(qtbot, office, clinics, tmp_path):
    from app.ui.pages.office import OfficeWindow
    a, b = clinics
    register(office, a, county="ری", capacity=20)
    register(office, b, county="شمیرانات")
    inbox = tmp_path / "inbox"
    for clinic in clinics:
        for (y, m), pdf in clinic.reports.items():
            write(inbox, f"{clinic.licence}-{y}-{m}.pdf", pdf)
    write(inbox, "invoice.pdf", signed_invoice(a.ctx, a.contract_id, 1405, 8, CLINIC_PASSWORD,
                                               payable_case_months=40,
                                               report_id=embedded(a.reports[(1405, 8)])["report_id"]))
    write(inbox, "damaged.pdf", a.reports[(1405, 8)][:-200])
    window = OfficeWindow(office)
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show_month(1405, 8)
    assert window.clinic_rows.rowCount() == 0 and window.findings.rowCount() == 2  # two clinics not reported
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(inbox))])
    drop = QDropEvent(QPointF(10, 10), Qt.CopyAction, data, Qt.LeftButton, Qt.NoModifier)
    window.dropEvent(drop)
    qtbot.waitUntil(lambda: window.receipts.rowCount() == 6, timeout=60_000)
    results = [window.receipts.rows[i][1] for i in range(6)]
    assert window.receipts.data(window.receipts.index(0, 0)) == "\u20661001-1405-7.pdf\u2069"
    assert results.count("پذیرفته شد") == 5 and results.count("پذیرفته نشد") == 1
    assert "۵ پذیرفته" in window.receive_status.text()
    shot(window, "20-office-receive.png")
    assert window.clinic_rows.rowCount() == 2  # the month shown was refreshed
    assert {window.clinic_rows.rows[i][1] for i in range(2)} == {a.name, b.name}
    labels = {window.findings.rows[i][0] for i in range(window.findings.rowCount())}
    assert {"صورتحساب ناهمخوان با گزارش", "بیش از ظرفیت"} <= labels
    assert [bar[0] for bar in window.capacity_chart.bars][0] == a.name  # fullest first
    window.tabs.setCurrentIndex(1)
    window.show()
    QApplication.processEvents()
    shot(window, "21-office-month.png")
    assert window.county_rows.rowCount() == 2
    window.tabs.setCurrentIndex(2)
    QApplication.processEvents()
    shot(window, "22-office-province.png")
    window.close()


def test_the_office_window_opens_only_after_a_user_signs_in(qtbot, office):
    from app.ui.pages.office import OfficeSignIn
    from tests.office.conftest import OFFICE_PASSWORD
    dialog = OfficeSignIn(office.db)
    qtbot.addWidget(dialog)
    dialog.username.setText("desk")
    dialog.password.setText("not-the-password")
    dialog.try_sign_in()
    assert dialog.result() != QDialog.Accepted and "نادرست" in dialog.error.text()
    assert dialog.password.text() == ""
    dialog.password.setText(OFFICE_PASSWORD)
    dialog.try_sign_in()
    assert dialog.result() == QDialog.Accepted and dialog.user_name == "desk"
    shot(dialog, "23-office-sign-in.png")


LONG = ("صورتحساب INV-14050830-7F3A: به گزارش MR-14050828-1A2B استناد می‌کند، نه به گزارش کنونی MR-14050905-9C8D؛ "
        "۴۰ پرونده‌ماه صورت کرده، گزارش امضاشده ۲۴ نشان می‌دهد؛ مبلغ هر پرونده ۱٬۵۰۰٬۰۰۰ ریال است، در قرارداد "
        "۱٬۲۰۰٬۰۰۰ ریال؛ جمع صورتحساب با تعداد × مبلغ نمی‌خواند")


def long_summary(ctx, year, month):
    from app.office.summary import Finding, MonthSummary, Missing
    summary = MonthSummary(year, month)
    summary.findings = [Finding("invoice_mismatch", "کلینیک مددکاری اجتماعی امید شهرستان ری", "1001", "1405-17", LONG),
                        Finding("late", "کلینیک مهر", "1002", "1405-18", "گزارش دیر رسید (۱۰ روز پس از پایان ماه گذشته بود)")]
    summary.missing = [Missing("ری", "کلینیک سوم", "1003", "1405-19")]
    return summary


def test_the_checks_panel_shows_long_messages_whole(qtbot, office):
    from PySide6.QtGui import QFontMetrics
    from app.ui.pages.office import OfficeWindow, isolated
    window = OfficeWindow(office, summarise=long_summary)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    window.show_month(1405, 8)
    window.tabs.setCurrentIndex(1)
    QApplication.processEvents()
    view, model = window.findings_view, window.findings
    column = model.columnCount() - 1
    rect = view.visualRect(model.index(0, column))
    needed = QFontMetrics(view.font()).boundingRect(0, 0, rect.width() - 8, 10_000, Qt.TextWordWrap,
                                                    model.data(model.index(0, column))).height()
    assert rect.height() >= needed > QFontMetrics(view.font()).height()  # wrapped onto lines, all of them shown
    assert model.data(model.index(0, column), Qt.ToolTipRole) == isolated(LONG)
    view.selectRow(0)
    view.setCurrentIndex(model.index(0, 0))
    QApplication.processEvents()
    assert isolated(LONG) in window.finding_detail.text()
    shot(window, "24-office-checks-1024x768.png")


def test_receiving_shows_its_progress_and_stops_when_cancelled(qtbot, office, tmp_path):
    """A folder of hundreds of reports takes minutes: the count moves, and «لغو» stops after the
    files being settled, keeping the ones already received."""
    import threading

    from app.office.receiving import Receipt
    from app.ui.pages.office import OfficeWindow
    reached_three = threading.Event()

    def receive(ctx, paths, progress=None, cancelled=None):
        receipts = []
        for n in range(1, 1001):
            receipts.append(Receipt(file=f"r{n}.pdf", accepted=True, message=""))
            progress(n, 1000)
            if n == 3:
                reached_three.set()
            if cancelled():
                break
            threading.Event().wait(0.01)
        return receipts

    window = OfficeWindow(office, receive=receive)
    qtbot.addWidget(window)
    window.receive([tmp_path])
    assert reached_three.wait(10)
    qtbot.waitUntil(lambda: "از ۱٬۰۰۰" in window.receive_status.text(), timeout=5000)
    assert not window.cancel_button.isHidden() and not window.pick_button.isEnabled()
    window.resize(1024, 700)
    shot(window, "23-office-receiving.png")
    window.cancel_button.click()
    qtbot.waitUntil(lambda: window.pick_button.isEnabled(), timeout=10_000)
    assert window.receive_status.text().startswith("لغو شد؛ ")
    assert 3 <= window.receipts.rowCount() < 1000
    assert window.cancel_button.isHidden()
