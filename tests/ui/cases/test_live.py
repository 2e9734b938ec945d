"""Others' saves reach this PC's open screens within seconds, through the same changes as its own."""

import datetime as dt

import pytest
from PySide6.QtCore import QObject

from app.services.changes import changes_since, latest_change
from app.services.visits import ServiceInput, add_service, delete_service, list_services
from app.ui.machinery import live
from app.ui.cases.common import SERVICES, FILE
from app.ui.cases.visit_form import DELETED_TEXT, VisitForm
from tests.conftest import TODAY


def test_the_change_counter_names_what_changed_and_skips_openings(ctx, make_case):
    from app.services.cases import open_case
    case_id = make_case().id
    last = latest_change(ctx)
    open_case(ctx, case_id)  # an opening changes nothing on anyone's screen
    assert changes_since(ctx, last)[1] == []
    add_service(ctx, case_id, ServiceInput(minutes=30, kind="care", mode="phone", note="تماس", domains=["health"], date=TODAY))
    newest, changes = changes_since(ctx, last)
    assert newest > last
    assert [(c.entity, c.case_id, c.action) for c in changes] == [("service", case_id, "create")]
    assert changes_since(ctx, newest) == (newest, [])


def test_another_pcs_save_reaches_the_open_screens(qtbot, ctx, make_case):
    case_id = make_case().id
    seen = []
    others = []

    class Screen(QObject):  # an open screen, as the one place tells it what changed
        def on_changes(self, changes):
            seen.extend((cid, kind) for cid in changes.case_ids() for kind in changes.parts_of(cid))
            if changes.elsewhere:
                others.append(1)

    screen = Screen()
    live.listen(screen)
    updates = live.LiveUpdates(ctx, poll_seconds=0.05).start()
    try:
        qtbot.wait(200)
        # "another PC": the same database, written without this window's own events
        add_service(ctx, case_id, ServiceInput(minutes=30, kind="care", mode="phone", note="تماس", domains=["health"],
                                               date=TODAY))
        qtbot.waitUntil(lambda: (case_id, SERVICES) in seen, timeout=5000)
        assert others
    finally:
        updates.stop()


def test_a_note_deleted_elsewhere_says_so_in_the_open_form(qtbot, worker_session, ctx, make_case, monkeypatch):
    case_id = make_case().id
    add_service(ctx, case_id, ServiceInput(minutes=30, kind="care", mode="phone", note="تماس", domains=["health"],
                                           date=TODAY - dt.timedelta(days=1)))
    read = list_services(ctx, case_id)[0]
    form = VisitForm(worker_session, case_id, service=read, offer_draft=False)
    qtbot.addWidget(form)
    form.note.setText("تماس؛ نکته تازه")
    updates = live.LiveUpdates(ctx, poll_seconds=0.05).start()
    try:
        qtbot.wait(200)
        delete_service(ctx, read.id)
        qtbot.waitUntil(lambda: form.errors.general.text() == DELETED_TEXT, timeout=5000)
    finally:
        updates.stop()
    assert not form.save_button.isEnabled()
    assert worker_session.drafts.load(form.draft_key)["note"] == "تماس؛ نکته تازه"
