"""The manager's audit viewer: filters, the changes of a row, and the chain check."""

from app.services.cases import open_case
from app.ui.pages.audit import AuditPage
from tests.conftest import TODAY, as_actor
from tests.ui.conftest import type_text
from tests.ui.screens import session_for


def test_manager_filters_by_file_and_sees_old_and_new_values(qtbot, ctx, db, data_dir, manager, make_case):
    from app.services.cases import CaseInput, update_case
    case = make_case(behzisti_file_number="5501", last_name="احمدی")
    detail = open_case(ctx, case.id)
    update_case(ctx, case.id, CaseInput(
        behzisti_file_number="5501", first_name=detail.first_name, last_name="رحیمی", sex=detail.sex,
        living_arrangement=detail.living_arrangement, received_on=detail.received_on,
        discharge_date=detail.discharge_date, social_worker_id=detail.social_worker_id,
        contract_id=detail.contract_id))
    page = AuditPage(session_for(db, data_dir, manager))
    qtbot.addWidget(page)
    total = page.model.rowCount()
    assert total >= 5
    type_text(page.file_number, "۵۵۰۱")
    page.since.setDate(TODAY)
    page.apply_filters()
    assert page.model.rowCount() == 3  # create, open, update
    newest = page.model.row_at(0)
    assert newest["action_label"] == "تغییر" and newest["file_number"] == "5501"
    page.view.selectRow(0)
    assert "نام خانوادگی: احمدی ← رحیمی" in page.details.toPlainText()
    assert "سالم" in page.check_chain()


def test_a_social_worker_is_told_the_trail_is_for_the_manager(qtbot, ctx, db, data_dir, worker):
    page = AuditPage(session_for(db, data_dir, as_actor(ctx, worker.id, "social_worker").actor))
    qtbot.addWidget(page)
    assert page.model is None and "مدیر" in page.message.text()


def test_only_the_manager_is_offered_the_trail_in_the_window(qtbot, ctx, db, data_dir, worker):
    """No page that only says «not for you» after a click: the others' windows do not list it."""
    from app.ui.machinery.main_window import MainWindow
    for actor, has_it in ((ctx.actor, True), (as_actor(ctx, worker.id, "social_worker").actor, False)):
        window = MainWindow(session_for(db, data_dir, actor), username="x", clock=ctx.clock)
        qtbot.addWidget(window)
        titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
        assert ("رویدادها" in titles) is has_it
        window.stop_work()
