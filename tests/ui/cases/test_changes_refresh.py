"""Open screens refresh from what a save says it changed (app.domain.changes), handed to the one
place that tells them (app.ui.machinery.live): the concerned ones read again, the others do not."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QObject

from app.domain.changes import FILE, REFERRALS, SERVICES, Changes
from app.ui.cases.case_list import CaseListPage
from app.ui.cases.case_window import open_case_window
from app.ui.cases.dialogs import ReferralDialog
from app.ui.cases.visit_form import VisitForm
from app.ui.machinery import live
from app.ui.machinery.runner import op
from app.ui.pages.dashboard import DashboardPage


class Ear(QObject):
    """An open screen as the one place sees it: it only hears what changed."""

    def __init__(self):
        super().__init__()
        self.heard: list[Changes] = []
        live.listen(self)

    def on_changes(self, changes: Changes) -> None:
        self.heard.append(changes)


def row_of(page: CaseListPage, case_id: int) -> dict:
    return next(page.model.row_at(n) for n in range(page.model.rowCount()) if page.model.row_at(n)["id"] == case_id)


@pytest.fixture
def shown_pages(qtbot, manager_session, make_case):
    case_id = make_case(first_name="سینا", last_name="رضایی").id
    cases = CaseListPage(manager_session)
    dashboard = DashboardPage(manager_session)
    for page in (cases, dashboard):
        qtbot.addWidget(page)
    with qtbot.waitSignal(dashboard.loaded, timeout=20_000):
        dashboard.show()
    cases.show()
    return case_id, cases, dashboard


def test_saving_a_visit_through_the_form_refreshes_the_open_list_and_dashboard(qtbot, manager_session, shown_pages):
    case_id, cases, dashboard = shown_pages
    assert row_of(cases, case_id)["last_service_on"] is None
    tiles_before = dashboard.tiles["follow_ups_today"].number.text()
    ear = Ear()
    form = VisitForm(manager_session, case_id, offer_draft=False)
    qtbot.addWidget(form)
    form.kind.setValue("care")
    form.mode.setValue("home_visit")
    form.minutes.setValue(30)
    form.domains.setValues(["health"])
    form.note.setText("بازدید از منزل؛ فرزند سالم است.")
    form.next_follow_up.setText("۱۴۰۵/۰۹/۰۲")  # the tests' today: a follow-up due today
    with qtbot.waitSignal(cases.rowsUpdated, timeout=10_000), \
            qtbot.waitSignal(dashboard.loaded, timeout=20_000):
        assert form.save(), form.errors.general.text()
    # what the pages were told: this file's services, nothing else — no event sent by hand
    assert ear.heard == [Changes.of_case(case_id, SERVICES)]
    assert row_of(cases, case_id)["last_service_on"] is not None
    assert dashboard.tiles["follow_ups_today"].number.text() != tiles_before


def test_a_page_not_concerned_by_a_change_is_not_reloaded(qtbot, manager_session, shown_pages, monkeypatch):
    case_id, cases, dashboard = shown_pages
    window = open_case_window(manager_session, case_id)
    referrals_tab = window.tab_pages[[type(t).__name__ for t in window.tab_pages].index("ReferralsTab")]
    window.tabs.setCurrentWidget(referrals_tab)
    reloads = []
    monkeypatch.setattr(cases, "reload", lambda: reloads.append("cases"))
    monkeypatch.setattr(dashboard, "refresh", lambda: reloads.append("dashboard"))
    monkeypatch.setattr(window, "refresh", lambda: reloads.append("window header"))
    loaded = []
    monkeypatch.setattr(referrals_tab, "load", lambda: loaded.append("referrals"))
    dialog = ReferralDialog(manager_session, case_id, window)
    qtbot.addWidget(dialog)
    dialog.to_body.setText("مرکز مشاوره بهزیستی")
    dialog.reason.setText("نیاز به مشاوره خانواده")
    assert dialog.save(), dialog.errors.general.text()
    assert loaded == ["referrals"]  # the window's referrals tab, which shows it, read again
    assert reloads == []  # the list, the dashboard and the window's header do not show referrals
    # another file's change leaves this window alone; a change to its file reads it again
    live.tell_pages(Changes.of_case(case_id + 1000, FILE))
    assert reloads == ["cases", "dashboard"]  # the lists show every file
    live.tell_pages(Changes.of_case(case_id, FILE))
    assert reloads == ["cases", "dashboard", "cases", "dashboard", "window header"]


def test_a_page_out_of_sight_reads_again_when_shown_not_before(qtbot, manager_session, shown_pages, monkeypatch):
    case_id, cases, dashboard = shown_pages
    dashboard.hide()
    refreshed = []
    original = dashboard.refresh
    monkeypatch.setattr(dashboard, "refresh", lambda: (refreshed.append(1), original()))
    live.tell_pages(Changes.of_case(case_id, SERVICES))
    assert refreshed == []
    with qtbot.waitSignal(dashboard.loaded, timeout=20_000):
        dashboard.show()
    assert refreshed == [1]


def test_an_operations_changes_reach_the_open_screens_after_its_success(qtbot):
    ear, order = Ear(), []

    @dataclasses.dataclass
    class Saved:  # a service's result that carries what it changed
        id: int
        changes: Changes

    op(lambda: Saved(7, Changes(contracts=True))).success(lambda saved: order.append(saved.id)).run_in_background()
    qtbot.waitUntil(lambda: bool(ear.heard), timeout=5000)
    assert order == [7] and ear.heard == [Changes(contracts=True)]
    op(lambda: 8).success(order.append).run_in_background()  # a plain result changes nothing on screen
    qtbot.waitUntil(lambda: order == [7, 8], timeout=5000)
    assert ear.heard == [Changes(contracts=True)]


def test_changes_merge_and_name_the_parts_of_each_file():
    both = Changes.of_case(1, SERVICES) | Changes.of_case(2, FILE, REFERRALS) | Changes(staff=True)
    assert both.parts_of(1) == {SERVICES} and both.parts_of(2) == {FILE, REFERRALS} and both.parts_of(3) == set()
    assert both.case_ids() == {1, 2} and both.staff and not both.contracts
    assert both.touches_cases(SERVICES) and not Changes.of_case(1, REFERRALS).touches_cases(FILE, SERVICES)
    assert Changes(new_cases=True).touches_cases(FILE) and not Changes() and not Changes(elsewhere=True)


def test_a_page_that_shows_its_own_saves_hears_others_and_catches_up_when_shown(qtbot, manager_session, monkeypatch):
    from app.ui.pages.contracts import ContractsPage
    page = ContractsPage(manager_session)
    qtbot.addWidget(page)
    page.show()
    refreshed = []
    monkeypatch.setattr(page.watch, "refresh", lambda: refreshed.append("contracts"))
    live.tell_pages(Changes(contracts=True))  # its own dialog's save: the page showed it already
    live.tell_pages(Changes(staff=True))  # not shown on this page
    assert refreshed == []
    live.tell_pages(Changes(payments=True, elsewhere=True))  # a cheque returned on another PC
    assert refreshed == ["contracts"]
    page.hide()
    live.tell_pages(Changes(contracts=True))
    assert refreshed == ["contracts"]
    page.show()
    assert refreshed == ["contracts", "contracts"]
