"""The dashboard shows the worklists' numbers and lists from demo data, loaded off the GUI thread."""

import threading

from app.persian import format_number
from app.services import worklists
from app.services.abuse_watch import unseen_abuse_concerns
from app.services.context import Actor
from app.services.context import _issue
from app.domain.enums import Role
from app.ui.pages import dashboard as dashboard_module
from app.ui.pages.dashboard import DashboardPage
from tests.ui.screens import demo, demo_session, session_for  # noqa: F401 — fixtures


def open_dashboard(qtbot, session):
    page = DashboardPage(session)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.show()  # showing starts the loading
    return page


def test_numbers_and_lists_match_the_worklists(qtbot, demo_session):
    ctx = demo_session.ctx
    page = open_dashboard(qtbot, demo_session)
    counts = worklists.dashboard_counts(ctx)
    assert counts.active_cases > 0
    for key, tile in page.tiles.items():
        assert tile.number.text() == format_number(getattr(counts, key)), key
    assert page.models["follow_today"].rows() == worklists.follow_ups_due(ctx)
    assert page.models["follow_overdue"].rows() == worklists.follow_ups_overdue(ctx)
    assert page.models["reviews_overdue"].rows() == worklists.reviews_overdue(ctx)
    assert page.models["problems"].rows() == worklists.open_problems(ctx)
    assert [load.staff_id for load in page.chart.loads] == sorted(
        (load.staff_id for load in worklists.caseloads(ctx)),
        key=lambda i: -next(x.active_cases for x in worklists.caseloads(ctx) if x.staff_id == i))
    assert [row.contract_id for row in page.models["contracts"].rows()] == [
        c.contract_id for c in worklists.contract_loads(ctx)]
    assert not page.errors and page.status.text() == ""


def test_the_manager_sees_child_abuse_concerns_in_red_above_everything(qtbot, demo_session):
    page = open_dashboard(qtbot, demo_session)
    concerns = unseen_abuse_concerns(demo_session.ctx)  # not yet marked seen, of any age
    assert concerns, "the demo data should hold some concerns"
    assert page.abuse_box.isVisible()
    assert page.models["abuse_alert"].rows() == concerns
    assert "b3261e" in page.tiles["abuse_concerns"].styleSheet()  # the red of errors


def test_a_social_worker_sees_only_their_files_and_no_manager_alert(qtbot, demo_session, db, data_dir):
    from app.services.accounts import list_staff

    worker = list_staff(demo_session.ctx, role=Role.SOCIAL_WORKER)[0]
    session = session_for(db, data_dir, _issue(worker.id, worker.full_name, Role.SOCIAL_WORKER))
    page = open_dashboard(qtbot, session)
    counts = worklists.dashboard_counts(session.ctx)
    assert page.tiles["active_cases"].number.text() == format_number(counts.active_cases)
    assert counts.active_cases < worklists.dashboard_counts(demo_session.ctx).active_cases
    assert not page.abuse_box.isVisible()


def test_loading_runs_off_the_gui_thread(qtbot, demo_session, monkeypatch):
    threads = []
    real = worklists.dashboard_counts

    def counting(ctx):
        threads.append(threading.get_ident())
        return real(ctx)

    monkeypatch.setattr(worklists, "dashboard_counts", counting)
    open_dashboard(qtbot, demo_session)
    assert threads and threads[0] != threading.get_ident()


def test_enter_or_double_click_on_a_row_opens_that_file(qtbot, demo_session, monkeypatch):
    opened = []
    monkeypatch.setattr(dashboard_module, "open_case", lambda session, case_id, parent: opened.append(case_id))
    page = open_dashboard(qtbot, demo_session)
    view = page.tables["problems"]
    page.show_list("problems")
    index = view.model().index(0, 0)
    view.activated.emit(index)
    assert opened == [page.models["problems"].row_at(0).case_id]


def test_a_signed_month_changed_after_signing_is_marked_for_the_manager(qtbot, demo_session, db, data_dir):
    from app.services import reports
    from app.services.cases import case_detail
    from app.services.contracts import list_contracts
    from app.services.visits import ServiceInput, add_service
    from tests.ui.screens import DEMO_PASSWORD

    ctx = demo_session.ctx
    contract = list_contracts(ctx)[0].id
    reports.generate_monthly(ctx, contract, 1405, 8, sign_password=DEMO_PASSWORD)
    page = open_dashboard(qtbot, demo_session)
    assert not page.correction_notice.isVisible()
    files = [reports.find_case_id(ctx, c.behzisti_file_number)
             for c in reports.monthly_data(ctx, contract, 1405, 8).clients]
    case_id = next(i for i in files if case_detail(ctx, i).status == "active")
    add_service(ctx, case_id, ServiceInput(kind="care", mode="phone", note="تماس", domains=["health"], minutes=10,
                                           date="1405/08/20", amend_reason="تماس ثبت‌نشده"))
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.refresh()
    assert page.correction_notice.isVisible() and "آبان ۱۴۰۵" in page.correction_notice.text()
    worker = session_for(db, data_dir, Actor(1, "x", Role.SOCIAL_WORKER))
    assert not open_dashboard(qtbot, worker).correction_notice.isVisible()  # the manager's to act on


def test_the_manager_marks_a_concern_seen_with_a_note_and_it_leaves_the_box(qtbot, demo_session, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from app.ui.widgets import abuse_seen

    page = open_dashboard(qtbot, demo_session)
    before = page.models["abuse_alert"].rows()
    first = before[0]
    typed = []

    def exec_with_note(dialog):
        assert not dialog.save()  # an empty note is refused at the field
        assert dialog.errors.message_for("note")
        dialog.note.setText("با مددکار و اورژانس اجتماعی هماهنگ شد")
        typed.append(dialog.concern.service_id)
        assert dialog.save()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(abuse_seen.AcknowledgeDialog, "exec", exec_with_note)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        assert page.acknowledge_selected()
    assert typed == [first.service_id]
    after = page.models["abuse_alert"].rows()
    assert first.service_id not in [c.service_id for c in after]
    assert len(after) == len(before) - 1
    assert page.abuse_box.isVisible() == bool(after)


def _tables_made(page) -> set[str]:
    from PySide6.QtWidgets import QTableView

    return {view.objectName() for view in page.findChildren(QTableView)}


def test_a_tabs_table_is_made_when_the_tab_is_first_shown_or_asked_for(qtbot, demo_session):
    page = open_dashboard(qtbot, demo_session)
    first, current = "follow_today", list(page.tab_titles)[page.tabs.currentIndex()]
    hidden = [name for name in page.tab_titles if name not in (first, current)]
    assert current != first  # the demo's «today» list is empty: the page moved on to a list with rows
    assert _tables_made(page) & set(page.tab_titles) == {first, current}  # the other tabs' tables wait
    assert "contracts" in _tables_made(page)  # on screen from the start
    page.tabs.setCurrentIndex(list(page.tab_titles).index(hidden[0]))
    assert hidden[0] in _tables_made(page)
    view = page.tables[hidden[-1]]  # asked for while its tab is hidden: made, with its rows
    assert view.objectName() == hidden[-1] and view.model() is page.models[hidden[-1]]
    assert view.model().rowCount() == len(page.models[hidden[-1]].rows())
    assert page.tables[hidden[-1]] is view  # made once


def test_the_abuse_box_has_its_table_when_it_shows(qtbot, demo_session):
    page = open_dashboard(qtbot, demo_session)
    assert page.abuse_box.isVisible()  # the demo has unseen concerns
    view = page.tables["abuse_alert"]
    assert view.isVisible() and view.model().rowCount() == len(page.models["abuse_alert"].rows()) > 0
    assert view.parentWidget() is page.abuse_box and view.maximumHeight() == 150


def test_tab_reaches_the_lists_in_page_order_whichever_was_made_first(qtbot, demo_session):
    import random

    from PySide6.QtCore import Qt

    names = ["refreshButton", "abuse_alert", "abuseSeenButton", *(
        [name for name in ("follow_today", "follow_overdue", "reviews_due", "reviews_overdue", "problems", "abuse")]),
        "chart", "contracts"]
    orders = [list(range(6)), list(reversed(range(6))), random.Random(5).sample(range(6), 6)]
    for order in orders:
        page = open_dashboard(qtbot, demo_session)
        page.chart_scroll.setObjectName("chart")
        for index in order:
            page.tabs.setCurrentIndex(index)
        page.tables["abuse_alert"]  # noqa: B018
        seen, widget = [], page.nextInFocusChain()
        while widget is not page:
            if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.objectName() in names:
                seen.append(widget.objectName())
            widget = widget.nextInFocusChain()
        assert seen == names, order
        bar = page.tabs.tabBar()
        chain_after_bar = []
        widget = bar.nextInFocusChain()
        while bar.isAncestorOf(widget):
            chain_after_bar.append(widget)
            widget = widget.nextInFocusChain()
        assert widget.objectName() == "follow_today"  # the tab bar's own buttons, then the first list
