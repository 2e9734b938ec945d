"""The screens ask the policy: a role sees no tab or button that could only end in a refusal,
and an account deactivated while its window is open goes back to the sign-in screen."""

import pytest

from app.domain.enums import Role
from app.services.accounts import set_staff_active
from app.services.cases import case_detail
from app.services.context import _issue
from app.ui.cases import tabs
from app.ui.cases.case_window import open_case_window
from tests.ui.cases.conftest import ClockedSession


@pytest.fixture
def clerk_session(qapp, db, data_dir, make_staff):
    clerk = make_staff("clerk", "حسن", "دفتری")
    return ClockedSession(data_dir, db, _issue(clerk.id, clerk.full_name, Role.CLERK))


def test_a_clerk_gets_identity_and_contact_tabs_only_and_no_status_buttons(qtbot, clerk_session, make_case):
    case_id = make_case().id
    window = open_case_window(clerk_session, case_id)
    qtbot.waitExposed(window)
    kinds = {type(page) for page in window.tab_pages}
    assert tabs.IdentityTab in kinds
    assert not kinds & {tabs.ServicesTab, tabs.ProblemsTab, tabs.ReviewsTab, tabs.ReferralsTab, tabs.AttachmentsTab}
    assert window.tabs.count() == len(window.tab_pages)
    for button in (window.close_file_button, window.return_button, window.reactivate_button):
        assert not button.isVisible()


def test_a_social_worker_keeps_every_tab_and_the_status_buttons(qtbot, worker_session, make_case):
    window = open_case_window(worker_session, make_case().id)
    qtbot.waitExposed(window)
    assert len(window.tab_pages) == 7
    assert window.close_file_button.isVisible() and not window.reactivate_button.isVisible()


def test_a_deactivated_account_s_main_window_goes_to_sign_in(qtbot, worker_session, ctx, worker, make_case):
    from app.services.visits import list_services
    from app.ui.machinery.main_window import MainWindow
    case_id = make_case().id
    main = MainWindow(worker_session, username="worker")
    qtbot.addWidget(main)
    main.show()
    reasons = []
    main.finished.connect(reasons.append)
    set_staff_active(ctx, worker.id, False)
    with pytest.raises(Exception):
        list_services(worker_session.ctx, case_id)  # any next call: refused at once
    qtbot.waitUntil(lambda: reasons == ["sign_out"], timeout=3000)
    assert "غیرفعال" in main.expired_message
    assert case_detail(ctx, case_id).id == case_id  # the manager is unaffected


def test_a_social_worker_cannot_press_edit_or_delete_on_a_psychologists_note(qtbot, worker_session, ctx, worker,
                                                                             make_case, make_staff):
    """The GUI's «حذف خدمت» once deleted a psychologist's note a social worker could not read."""
    from tests.conftest import as_actor, TODAY
    from app.services.visits import ServiceInput, add_service, list_services
    psych = make_staff("psychologist", "لیلا", "روان")
    case_id = make_case(psychologist_id=psych.id).id
    add_service(as_actor(ctx, psych.id, "psychologist"), case_id,
                ServiceInput(kind="counselling", mode="at_clinic", note="ارزیابی محرمانه", date=TODAY, minutes=45))
    window = open_case_window(worker_session, case_id)
    qtbot.waitExposed(window)
    page = next(p for p in window.tab_pages if isinstance(p, tabs.ServicesTab))
    page.load_if_stale()
    assert page.current() is not None and page.current().note_hidden
    assert not page.edit_button.isEnabled() and not page.delete_button.isEnabled()
    assert "روانشناس" in page.delete_button.toolTip()
    page.delete_service()  # even called directly (a shortcut), nothing is asked and nothing is deleted
    assert len(list_services(ctx, case_id)) == 1
    add_service(worker_session.ctx, case_id, ServiceInput(kind="care", mode="phone", note="تماس", date=TODAY, minutes=10,
                                                          domains=["health"]))
    page.load()
    own = next(row for row in range(page.model.rowCount()) if not page.model.record(page.model.index(row, 0)).note_hidden)
    page.view.setCurrentIndex(page.model.index(own, 0))
    assert page.edit_button.isEnabled() and page.delete_button.isEnabled()
