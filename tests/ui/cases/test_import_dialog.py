"""Importing Behzisti's list from the case list: check, see the problems by row, fix, import."""

from openpyxl import Workbook
from PySide6.QtCore import Qt

from app.services.caselist import CaseQuery, count_cases
from app.ui.cases.case_list import CaseListPage
from app.ui.cases.import_dialog import ImportDialog
from tests.ui.conftest import type_text

HEADER = ["شماره پرونده بهزیستی", "نام", "نام خانوادگی", "کد ملی", "جنسیت", "وضعیت زندگی", "تاریخ دریافت"]


def sheet(tmp_path, rows):
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    path = tmp_path / "list.xlsx"
    book.save(path)
    return path


def test_a_list_with_a_bad_row_is_shown_by_row_then_imported_once_fixed(
        qtbot, manager_session, contract, worker, tmp_path):
    rows = [["140300501", "مهسا", "کریمی", "", "دختر", "خانواده خودی", "1404/10/01"],
            ["140300502", "آرش", "یوسفی", "1234567890", "پسر", "بستگان", "1404/10/01"]]
    dialog = ImportDialog(manager_session)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.contract.set_value(contract.id)
    dialog.worker.set_value(worker.id)
    dialog.path.setFocus()
    type_text(dialog.path, str(sheet(tmp_path, rows)))

    checked = dialog.run(check_only=True)
    assert checked and not checked.ok
    assert dialog.problem_view.isVisible()
    assert dialog.problems.data(dialog.problems.index(0, 0)) == "۳"  # the row Excel shows
    assert dialog.problems.data(dialog.problems.index(0, 1)) == "کد ملی"
    assert "هیچ پرونده‌ای ثبت نشد" in dialog.summary.text()

    rows[1][3] = ""
    sheet(tmp_path, rows)
    assert dialog.run(check_only=True).ok
    assert "۲ پرونده آماده ورود" in dialog.summary.text()
    assert count_cases(manager_session.ctx, CaseQuery()) == 0  # a check saves nothing
    result = dialog.run(check_only=False)
    assert result.created == 2 and "۲ پرونده وارد شد" in dialog.summary.text()
    assert not dialog.problem_view.isVisible() and not dialog.import_button.isEnabled()
    assert count_cases(manager_session.ctx, CaseQuery()) == 2


def test_a_missing_file_or_contract_is_said_at_its_field(qtbot, manager_session, contract, tmp_path):
    dialog = ImportDialog(manager_session)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.contract.set_value(None)
    assert dialog.run(check_only=True) is None
    assert dialog.path.property("invalid") is True
    dialog.path.setText(str(tmp_path / "نیست.xlsx"))
    assert dialog.run(check_only=True) is None
    assert dialog.contract.property("invalid") is True
    dialog.contract.set_value(contract.id)
    assert dialog.run(check_only=True) is None
    assert dialog.path.property("invalid") is True and dialog.errors.widget_for("file") is dialog.path


def test_only_the_manager_sees_the_import_button(qtbot, manager_session, worker_session):
    for session, shown in ((manager_session, True), (worker_session, False)):
        page = CaseListPage(session)
        qtbot.addWidget(page)
        page.show()
        assert page.import_button.isVisible() is shown
        page.stop(timeout=5)


def test_the_list_reloads_after_an_import(qtbot, manager_session, contract, tmp_path, monkeypatch):
    page = CaseListPage(manager_session)
    qtbot.addWidget(page)
    page.show()
    path = sheet(tmp_path, [["140300601", "نگار", "صالحی", "", "دختر", "مستقل", ""]])

    def import_at_once(session, parent):
        dialog = ImportDialog(session, parent)
        dialog.contract.set_value(contract.id)
        dialog.path.setText(str(path))
        return dialog.run(check_only=False)

    monkeypatch.setattr("app.ui.cases.import_dialog.import_files", import_at_once)
    with qtbot.waitSignal(page.rowsUpdated, timeout=5000):
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert page.model.row_at(0)["full_name"] == "نگار صالحی"
    page.stop(timeout=5)
