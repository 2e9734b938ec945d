"""Two PCs, one file: the screen that saves second is told who changed what, keeps its typing,
and can reload with its own changes put back on top."""

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from app.errors import StaleEdit
from app.services.cases import CaseInput, case_detail, update_case
from app.services.visits import ServiceInput, add_service, list_services, update_service
from app.ui.widgets import conflict
from app.ui.cases.case_form import CaseForm
from app.ui.cases.visit_form import VisitForm
from tests.conftest import TODAY, as_actor
from tests.ui.conftest import type_text

SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


@pytest.fixture
def asked(monkeypatch):
    seen: list[StaleEdit] = []

    def ask(_parent, error):
        seen.append(error)
        return True  # «بارگذاری دوباره و اعمال تغییرات من»
    monkeypatch.setattr(conflict, "ask_reload", ask)
    return seen


def other_pc_sets_priority(ctx, worker, case_id):
    detail = case_detail(ctx, case_id)
    names = {f.name for f in dataclasses.fields(CaseInput)} - {"family", "version"}
    values = {n: getattr(detail, n) for n in names}
    values.update(priority=True, priority_reason="خطر ترک تحصیل")
    data = CaseInput(**values, version=detail.version)
    update_case(as_actor(ctx, worker.id, "social_worker"), case_id, data)


def test_case_form_conflict_reloads_with_my_address_and_their_priority(qtbot, manager_session, ctx, make_case,
                                                                        worker, asked):
    case_id = make_case().id
    form = CaseForm(manager_session, case_detail(ctx, case_id))
    qtbot.addWidget(form)
    form.address.setFocus()
    type_text(form.address, "خیابان آزادی")
    other_pc_sets_priority(ctx, worker, case_id)

    assert not form.save()
    assert len(asked) == 1 and asked[0].changes[-1][3]["اولویت"] == [False, True]
    # reloaded: their priority is on screen, my address too, nothing saved yet
    assert form.priority.isChecked() and form.priority_reason.text() == "خطر ترک تحصیل"
    assert form.address.text() == "خیابان آزادی"
    assert form.is_dirty()
    assert case_detail(ctx, case_id).address == ""
    draft = manager_session.drafts.load(f"case-edit-{ctx.actor.staff_id}-{case_id}")
    assert draft["address"] == "خیابان آزادی"

    assert form.save()
    saved = case_detail(ctx, case_id)
    assert saved.priority and saved.priority_reason == "خطر ترک تحصیل" and saved.address == "خیابان آزادی"


def test_visit_form_conflict_keeps_their_abuse_flag_and_my_note(qtbot, worker_session, ctx, make_case, asked):
    case_id = make_case().id
    add_service(ctx, case_id, ServiceInput(kind="care", mode="home_visit", note="بازدید", domains=["health"],
                                           minutes=45, date=TODAY - dt.timedelta(days=1)))
    read = list_services(ctx, case_id)[0]
    form = VisitForm(worker_session, case_id, service=read, offer_draft=False)
    qtbot.addWidget(form)
    form.note.setText("بازدید؛ مادر در خانه نبود")
    update_service(ctx, read.id, ServiceInput(
        kind="care", mode="home_visit", note="بازدید", domains=["health"], minutes=45, date=read.date,
        abuse_concern=True,
        abuse_action="به اورژانس اجتماعی خبر داده شد", version=read.version))

    assert not form.save()
    assert asked and asked[0].changes[-1][3]["نگرانی کودک‌آزاری"] == [False, True]
    assert form.abuse.isChecked() and form.abuse_action.text() == "به اورژانس اجتماعی خبر داده شد"
    assert form.note.text() == "بازدید؛ مادر در خانه نبود"
    assert form.save()
    final = list_services(ctx, case_id)[0]
    assert final.abuse_concern and final.note == "بازدید؛ مادر در خانه نبود"


def test_the_conflict_dialog_names_who_when_and_each_field(qtbot, ctx, make_case, worker):
    case_id = make_case().id
    read = case_detail(ctx, case_id)
    other_pc_sets_priority(ctx, worker, case_id)
    names = {f.name for f in dataclasses.fields(CaseInput)} - {"family", "version", "address"}
    with pytest.raises(StaleEdit) as err:
        update_case(ctx, case_id, CaseInput(**{n: getattr(read, n) for n in names}, version=read.version,
                                            address="خیابان آزادی"))
    dialog = conflict.ConflictDialog(err.value)
    qtbot.addWidget(dialog)
    cells = {dialog.table.item(r, c).text() for r in range(dialog.table.rowCount()) for c in range(6)}
    assert {"کاربر آزمون", "تغییر", "اولویت", "خیر", "بله", "دلیل اولویت", "خطر ترک تحصیل"} <= cells
    # 10:00 UTC is 13:30 in Tehran, whatever the PC's own zone
    assert any("۱۳:۳۰" in text for text in cells)
    texts = [b.text() for b in dialog.findChildren(QDialogButtonBox)[0].buttons()]
    assert conflict.RELOAD_TEXT in texts
    dialog.resize(700, 360)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.grab().save(str(SHOTS / "12-conflict.png"))


def test_a_busy_database_makes_the_form_wait_visibly_and_save_when_free(qtbot, manager_session, ctx, make_case,
                                                                        db, monkeypatch):
    import sqlite3

    from app.ui.cases import common
    monkeypatch.setattr(common, "BUSY_RETRY_MS", 50)
    case_id = make_case().id
    db.wait_when_busy(100)
    form = CaseForm(manager_session, case_detail(ctx, case_id))
    qtbot.addWidget(form)
    form.show()
    form.address.setFocus()
    type_text(form.address, "خیابان آزادی")
    other_pc = sqlite3.connect(str(db.sqlite_path), isolation_level=None)
    other_pc.execute("BEGIN IMMEDIATE")  # another PC's long import holds the write lock
    try:
        assert not form.save()
        assert form.errors.general.text() == common.WAITING_TEXT
        assert not form.save_button.isEnabled()
        qtbot.wait(200)
        assert form.isVisible()  # still waiting, nothing half-saved
    finally:
        other_pc.execute("ROLLBACK")
        other_pc.close()
    qtbot.waitUntil(lambda: not form.isVisible(), timeout=5000)
    assert case_detail(ctx, case_id).address == "خیابان آزادی"


def test_a_database_busy_for_too_long_gives_a_persian_message_not_a_raw_error(ctx, make_case, db):
    import sqlite3

    from app.errors import Busy
    case_id = make_case().id
    read = case_detail(ctx, case_id)
    db.wait_when_busy(50)
    other_pc = sqlite3.connect(str(db.sqlite_path), isolation_level=None)
    other_pc.execute("BEGIN IMMEDIATE")
    try:
        names = {f.name for f in dataclasses.fields(CaseInput)} - {"family", "version"}
        with pytest.raises(Busy) as err:
            update_case(ctx, case_id, CaseInput(**{n: getattr(read, n) for n in names}, version=read.version))
        assert "locked" not in err.value.message and "مشغول" not in err.value.message
        assert "رایانه دیگری" in err.value.message
    finally:
        other_pc.execute("ROLLBACK")
        other_pc.close()


def test_typing_kept_after_a_conflict_is_offered_back_next_time(qtbot, manager_session, ctx, make_case, worker,
                                                                 monkeypatch):
    from app.ui.cases import case_form
    monkeypatch.setattr(conflict, "ask_reload", lambda _parent, _error: False)  # «بستن»
    case_id = make_case().id
    form = CaseForm(manager_session, case_detail(ctx, case_id))
    qtbot.addWidget(form)
    form.address.setFocus()
    type_text(form.address, "خیابان آزادی")
    other_pc_sets_priority(ctx, worker, case_id)
    assert not form.save()
    form.discarded()
    asked = []
    monkeypatch.setattr(case_form, "ask_yes_no", lambda *_a: asked.append(1) or True)
    again = CaseForm(manager_session, case_detail(ctx, case_id))
    qtbot.addWidget(again)
    assert asked and again.address.text() == "خیابان آزادی"
    assert again.priority.isChecked()  # the other PC's change is there too
    assert again.save()
    assert case_detail(ctx, case_id).address == "خیابان آزادی"
    assert manager_session.drafts.load(again.draft_key()) is None
