"""Staff: add with an account, give a password, trainings, deactivate; errors at the field."""

from app.services.accounts import list_staff, sign_in
from app.ui.widgets.list_model import select_row
from app.ui.widgets.passwords import ResetPasswordDialog
from app.ui.pages.staff import StaffDialog, StaffPage
from tests.conftest import NOW
from tests.ui.screens import answers, manager_session  # noqa: F401 — fixtures


def new_dialog(qtbot, session, staff=None):
    dialog = StaffDialog(session, staff)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    return dialog


def test_add_staff_with_an_account_after_fixing_errors(qtbot, manager_session, db):
    dialog = new_dialog(qtbot, manager_session)
    dialog.first_name.setText("سارا")
    assert not dialog.save()
    assert dialog.errors.message_for("last_name") == "نام خانوادگی را وارد کنید."
    qtbot.waitUntil(dialog.last_name.hasFocus)
    dialog.last_name.setText("کریمی")
    dialog.national_code.setText("۰۰۱۲۳۴۵۶۷۸")  # wrong check digit
    assert not dialog.save()
    assert dialog.errors.message_for("national_code")
    dialog.national_code.setText("")
    dialog.username.setText("sara")
    dialog.password.setText("password-one")
    dialog.password_again.setText("password-two")
    assert not dialog.save()
    assert dialog.errors.message_for("password_again") == "دو رمز واردشده یکسان نیستند."
    dialog.trainings.add_row("دوره مددکاری خانواده", "1405/03/10", "ده")
    dialog.password_again.setText("password-one")
    assert not dialog.save()
    assert "ساعت" in dialog.errors.message_for("trainings")
    dialog.trainings.table.item(0, 2).setText("۱۶")
    assert dialog.save()
    saved = dialog.saved
    assert saved.full_name == "سارا کریمی" and saved.role == "social_worker" and saved.username == "sara"
    assert saved.trainings[0][0] == "دوره مددکاری خانواده" and saved.trainings[0][2] == 16
    assert sign_in(db, "sara", "password-one", now=NOW).name == "سارا کریمی"

    page = StaffPage(manager_session)
    qtbot.addWidget(page)
    assert "سارا کریمی" in [s.full_name for s in page.model.rows()]


def test_edit_keeps_and_changes_trainings(qtbot, manager_session, make_staff):
    staff = make_staff("psychologist", "نیما", "روان")
    dialog = new_dialog(qtbot, manager_session, staff)
    assert dialog.role.value().value == "psychologist"
    dialog.trainings.add_row("کارگاه کودک‌آزاری", "1405/05/01", "8")
    dialog.field_of_study.setText("روانشناسی بالینی")
    assert dialog.save()
    again = next(s for s in list_staff(manager_session.ctx) if s.id == staff.id)
    assert again.field_of_study == "روانشناسی بالینی"
    assert [t[0] for t in again.trainings] == ["کارگاه کودک‌آزاری"]


def test_giving_an_account_password(qtbot, manager_session, make_staff, db):
    staff = make_staff("social_worker", "رضا", "بی‌حساب")
    dialog = ResetPasswordDialog(manager_session, staff)
    qtbot.addWidget(dialog)
    dialog.new.first.setText("first-password")
    dialog.new.again.setText("first-password")
    dialog._try_submit()
    assert dialog.errors.message_for("username") == "نام کاربری را وارد کنید."
    dialog.username.setText("reza")
    dialog._try_submit()
    assert dialog.result() == ResetPasswordDialog.DialogCode.Accepted
    assert sign_in(db, "reza", "first-password", now=NOW).staff_id == staff.id


def test_deactivating_asks_first_and_refuses_ones_own_account(qtbot, manager_session, make_staff, answers):
    staff = make_staff("clerk", "مینو", "رفته")
    page = StaffPage(manager_session)
    qtbot.addWidget(page)
    page.show()
    row = next(i for i, s in enumerate(page.model.rows()) if s.id == staff.id)
    select_row(page.table, row)
    page.toggle_active()
    assert answers.shown[-1][0] == "confirm"
    assert staff.id not in [s.id for s in page.model.rows()]  # inactive people are hidden by default
    page.show_inactive.setChecked(True)
    assert staff.id in [s.id for s in page.model.rows() if not s.active]

    me = next(i for i, s in enumerate(page.model.rows()) if s.id == manager_session.actor.staff_id)
    select_row(page.table, me)
    page.toggle_active()
    assert answers.shown[-1] == ("warn", "نمی‌توانید حساب خودتان را غیرفعال کنید.", "")
