"""Others' saves on this PC's open screens within a few seconds.

A thread waits for a change (PostgreSQL NOTIFY, or a two-second poll of the change counter on
SQLite), reads what changed (app.services.changes) and hands it to the GUI thread, which tells
the screens through the same case_events the screen's own saves use: the case list, an open
case window and its tabs, and the dashboard refresh themselves; a form editing a record that
someone else deleted says so."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.services.changes import Change, changes_since, latest_change
from app.storage.notify import POLL_SECONDS, ChangeWaiter
from app.ui.cases.common import ATTACHMENTS, FILE, PROBLEMS, REFERRALS, REVIEWS, SERVICES, case_events

KINDS = {"case_file": FILE, "service": SERVICES, "problem": PROBLEMS, "review": REVIEWS, "referral": REFERRALS,
         "attachment": ATTACHMENTS}


def tell_screens(changes: list[Change]) -> None:
    """Each change to the screens that show it (GUI thread)."""
    events = case_events()
    told: set[tuple[int, str]] = set()
    for change in changes:
        kind = KINDS.get(change.entity)
        if change.case_id is not None and kind is not None and (change.case_id, kind) not in told:
            told.add((change.case_id, kind))
            events.changed.emit(change.case_id, kind)
        if change.action == "delete" and change.entity_id is not None:
            events.deleted.emit(change.entity, change.entity_id)
    if changes:
        events.others.emit()


class LiveUpdates(QObject):
    arrived = Signal(object)

    def __init__(self, ctx: Any, parent: QObject | None = None, *, poll_seconds: float = POLL_SECONDS):
        super().__init__(parent)
        self.ctx = ctx
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.arrived.connect(tell_screens)

    def start(self) -> "LiveUpdates":
        self._thread = threading.Thread(target=self._run, daemon=True, name="parvandeh-live")
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            waiter = ChangeWaiter(self.ctx.db.url)
            last = latest_change(self.ctx)
        except Exception:  # noqa: BLE001 — without live updates the screens still work (F5)
            return
        try:
            while not self._stop.is_set():
                waiter.wait(self.poll_seconds)
                if self._stop.is_set():
                    break
                try:
                    last, changes = changes_since(self.ctx, last)
                except Exception:  # noqa: BLE001 — a busy or restored database: try at the next turn
                    continue
                if changes:
                    try:
                        self.arrived.emit(changes)
                    except RuntimeError:
                        break  # the window went away
        finally:
            waiter.close()

    def stop(self, timeout: float | None = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
