"""Contracts: the form refuses invalid input at the field and saves nothing; cheques still held
after a contract ended are painted red; only the manager edits."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.domain.enums import Role
from app.services.contracts import ContractInput, create_contract, list_contracts
from app.services.context import Actor
from app.services.context import _issue
from app.ui.pages.contracts import CHEQUE_HELD, ContractDialog, ContractsPage
from tests.ui.screens import manager_session, session_for  # noqa: F401 — fixtures


def dialog_for(qtbot, session, contract=None, **kwargs):
    dialog = ContractDialog(session, contract, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    return dialog


def fill(dialog, **values):
    w = dialog.widgets
    defaults = dict(office_name="اداره بهزیستی شهرستان ری", number="1405-12", start_date="1405/01/01",
                    end_date="1405/12/29", fee="1200000", capacity="150")
    defaults.update(values)
    w["office_name"].setText(defaults["office_name"])
    w["number"].setText(defaults["number"])
    w["start_date"].setText(defaults["start_date"])
    w["end_date"].setText(defaults["end_date"])
    w["fee_per_case_month_rials"].setText(defaults["fee"])
    w["capacity"].setText(defaults["capacity"])


def test_invalid_input_is_shown_at_its_field_and_nothing_is_saved(qtbot, manager_session):
    dialog = dialog_for(qtbot, manager_session)
    fill(dialog, office_name="")
    assert not dialog.save()
    assert dialog.errors.message_for("office_name") == "اداره بهزیستی طرف قرارداد را وارد کنید."
    qtbot.waitUntil(dialog.widgets["office_name"].hasFocus)

    fill(dialog, end_date="1404/12/01")
    assert not dialog.save()
    assert dialog.errors.message_for("end_date") == "تاریخ پایان قرارداد باید بعد از تاریخ شروع باشد."
    qtbot.waitUntil(dialog.widgets["end_date"].line_edit.hasFocus)

    fill(dialog, fee="دوازده")
    assert not dialog.save()
    assert "عدد" in dialog.errors.message_for("fee_per_case_month_rials")

    fill(dialog, start_date="1405/02/32")
    assert not dialog.save()
    assert dialog.errors.message_for("start_date")
    assert list_contracts(manager_session.ctx) == []


def test_a_valid_contract_is_saved_with_persian_amounts(qtbot, manager_session):
    dialog = dialog_for(qtbot, manager_session)
    fill(dialog, fee="۱۲۰۰۰۰۰")
    dialog.widgets["fee_per_case_month_rials"].editingFinished.emit()
    assert dialog.widgets["fee_per_case_month_rials"].text() == "۱٬۲۰۰٬۰۰۰"
    assert dialog.save()
    saved = list_contracts(manager_session.ctx)
    assert len(saved) == 1
    assert saved[0].fee_per_case_month_rials == 1_200_000 and saved[0].capacity == 150
    assert saved[0].number == "1405-12"

    page = ContractsPage(manager_session)
    qtbot.addWidget(page)
    model = page.model
    assert model.rowCount() == 1
    assert model.data(model.index(0, 5)) == "۱٬۲۰۰٬۰۰۰"
    assert model.data(model.index(0, 3)) == "۱۴۰۵\u200f/۰۱\u200f/۰۱"  # year at the right


def test_a_cheque_held_after_the_contract_ended_is_painted_red(qtbot, manager_session):
    from app.services.cheques import ChequeInput, add_cheque
    ctx = manager_session.ctx
    old = create_contract(ctx, ContractInput(
        office_name="اداره بهزیستی شهرستان ورامین", number="1404-3", start_date="1404/01/01",
        end_date="1404/12/29", fee_per_case_month_rials=1_000_000, capacity=80))
    new = create_contract(ctx, ContractInput(
        office_name="اداره بهزیستی شهرستان ری", number="1405-7", start_date="1405/01/01",
        end_date="1405/12/29", fee_per_case_month_rials=1_200_000, capacity=100))
    add_cheque(ctx, ChequeInput(old.id, "778899", 500_000_000, "1404/01/10"))
    add_cheque(ctx, ChequeInput(old.id, "778900", 250_000_000, "1404/02/10"))
    add_cheque(ctx, ChequeInput(new.id, "112233", 500_000_000, "1405/01/10"))
    page = ContractsPage(manager_session)
    qtbot.addWidget(page)
    page.show()
    rows = page.model.rows()
    held = next(i for i, c in enumerate(rows) if c.number == "1404-3")
    running = next(i for i, c in enumerate(rows) if c.number == "1405-7")
    assert page.model.data(page.model.index(held, 0), Qt.ItemDataRole.ToolTipRole) == CHEQUE_HELD
    assert page.model.data(page.model.index(held, 0), Qt.ItemDataRole.BackgroundRole) is not None
    assert page.model.data(page.model.index(running, 0), Qt.ItemDataRole.BackgroundRole) is None
    assert page.model.data(page.model.index(held, 8)) == "۲"  # two cheques held by that office
    assert page.warning.isVisible()
    assert "۷۵۰٬۰۰۰٬۰۰۰ ریال" in page.warning.text() and page.warning.text().startswith("۲ چک")


def test_cheques_are_given_returned_and_corrected_from_the_contract_dialog(qtbot, manager_session):
    from app.services.cheques import list_cheques
    from app.ui.widgets.cheque_dialogs import AddChequeDialog, CorrectChequeDialog, ReturnChequeDialog
    ctx = manager_session.ctx
    create_contract(ctx, ContractInput(office_name="اداره بهزیستی شهرستان ورامین", number="1404-3",
                                       start_date="1404/01/01", end_date="1404/12/29",
                                       fee_per_case_month_rials=1_000_000, capacity=80))
    contract = list_contracts(ctx)[0]
    dialog = dialog_for(qtbot, manager_session, contract)
    assert dialog.cheque_model.rowCount() == 0
    for number in ("۷۷۸۸۹۹", "778900"):
        add = AddChequeDialog(manager_session, contract, dialog)
        qtbot.addWidget(add)
        add.number.setText(number)
        add.amount.setText("۵۰۰۰۰۰۰۰۰")
        add.given.setText("1404/01/10")
        assert add.save()
        dialog.refresh_cheques()
    bad = AddChequeDialog(manager_session, contract, dialog)
    qtbot.addWidget(bad)
    bad.number.setText("1")
    bad.amount.setText("۵۰۰")
    bad.given.setText("1405/01/10")  # after the contract ended
    assert not bad.save() and bad.errors.message_for("given_on")
    assert dialog.cheque_model.rowCount() == 2
    first = dialog.cheque_model.row_at(0)
    assert first.days_overdue > 0
    back = ReturnChequeDialog(manager_session, first, dialog)
    qtbot.addWidget(back)
    back.date.setText("1404/01/01")  # before it was given
    assert not back.save() and back.errors.message_for("returned_on")
    back.date.setText("1405/02/01")
    assert back.save()
    returned = next(c for c in list_cheques(ctx, contract_id=contract.id) if c.id == first.id)
    assert returned.returned_on is not None
    fix = CorrectChequeDialog(manager_session, returned, dialog)
    qtbot.addWidget(fix)
    assert fix.undo_return
    assert not fix.save() and fix.errors.message_for("reason")  # a reason is required
    fix.reason.setText("چک دیگری عودت شده بود")
    assert fix.save()
    assert all(c.returned_on is None for c in list_cheques(ctx, contract_id=contract.id))
    assert dialog.findChild(QPushButton, "addCheque").isEnabled()


def test_others_see_the_contracts_read_only(qtbot, manager_session, make_staff):
    ctx = manager_session.ctx
    create_contract(ctx, ContractInput(office_name="اداره ری", number="1405-7", start_date="1405/01/01",
                                       end_date="1405/12/29", fee_per_case_month_rials=1, capacity=10))
    clerk = make_staff("clerk", "نگار", "دفتری")
    session = session_for(manager_session.db, manager_session.data_dir,
                          _issue(clerk.id, clerk.full_name, Role.CLERK))
    page = ContractsPage(session)
    qtbot.addWidget(page)
    page.show()
    assert not page.add_button.isVisible()
    assert page.edit_button.text() == "مشاهده"
    dialog = ContractDialog(session, page.model.rows()[0], read_only=True)
    qtbot.addWidget(dialog)
    assert dialog.widgets["office_name"].isReadOnly()
    assert [b.text() for b in dialog.buttons.buttons()] == ["بستن"]
    assert not hasattr(dialog, "cheque_model")  # cheques are money: the manager's only
    assert [c.key for c in page.model.columns if c.key.startswith("cheque")] == []
