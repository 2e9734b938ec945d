"""The one place open screens hear what changed, from this PC's saves and from others'.

An operation returns a `Changes` (app.domain.changes); the runner's success path (and a form's
save, app.ui.widgets.forms) hands it to `tell_pages`, which calls `on_changes(changes)` on every
page and window that `listen`s. Each refreshes what the change concerns: at once if it is on
screen, otherwise when it is next shown. Nobody emits refresh events by hand.

Others' saves arrive the same way: `LiveUpdates` waits for a change (PostgreSQL NOTIFY, or a
two-second poll of the change counter on SQLite) in a runner job, reads what changed
(app.services.changes) and hands it to `tell_pages` in the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QApplication, QWidget

from app.domain.changes import Changes
from app.ui.machinery.runner import Cancelled, Job, Progress

log = logging.getLogger(__name__)


class Listener(Protocol):
    def on_changes(self, changes: Changes) -> None: ...


class _Pages(QObject):
    # a signal, so that Qt forgets a listener the moment its widget is deleted
    told = Signal(object)


_pages: _Pages | None = None


def _hub() -> _Pages:
    global _pages
    if _pages is None:
        _pages = _Pages(QApplication.instance())
    return _pages


def listen(page: QObject) -> None:
    """page.on_changes(changes) after every save, for as long as page exists."""
    _hub().told.connect(page.on_changes)


def stop_listening(page: QObject) -> None:
    try:
        _hub().told.disconnect(page.on_changes)
    except (RuntimeError, TypeError):
        pass  # not listening (any more)


def tell_pages(changes: Changes | None) -> None:
    """Every listening page and window hears what changed (GUI thread)."""
    if changes:
        _hub().told.emit(changes)


def changes_of(result: Any) -> Changes | None:
    """What an operation's result says it changed: a Changes, or a result carrying `.changes`."""
    if isinstance(result, Changes):
        return result
    changes = getattr(result, "changes", None)
    return changes if isinstance(changes, Changes) else None


class RefreshOnChanges(QObject):
    """A page's on_changes in one line: refresh() when a change concerns it, at once if the page
    is on screen, otherwise the next time it is shown.

    own_saves=False: a page that shows its own saves itself (it refreshes after its dialogs,
    keeping its selection) is refreshed only by others' saves while it is on screen."""

    def __init__(self, page: QWidget, concerns: Callable[[Changes], bool], refresh: Callable[[], Any], *,
                 own_saves: bool = True):
        super().__init__(page)
        self.page, self.concerns, self.refresh, self.own_saves = page, concerns, refresh, own_saves
        self.stale = False
        page.installEventFilter(self)
        listen(self)

    def on_changes(self, changes: Changes) -> None:
        if not self.concerns(changes):
            return
        if not self.page.isVisible():
            self.stale = True
        elif self.own_saves or changes.elsewhere:
            self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if watched is self.page and event.type() == QEvent.Type.Show and self.stale:
            self.stale = False
            self.refresh()
        return False


class LiveUpdates(QObject):
    """Others' saves on this PC's open screens within a few seconds."""

    arrived = Signal(object)

    def __init__(self, ctx: Any, parent: QObject | None = None, *, poll_seconds: float | None = None):
        super().__init__(parent)
        from app.storage.notify import POLL_SECONDS

        self.ctx = ctx
        self.poll_seconds = POLL_SECONDS if poll_seconds is None else poll_seconds
        self.arrived.connect(self._tell)
        self._job = Job(self._watch, parent=self, reports=True)

    def start(self) -> "LiveUpdates":
        self._job.start()
        return self

    def _watch(self, _progress: Progress, stopped: Cancelled) -> None:
        from app.services.changes import changes_since, latest_change
        from app.storage.notify import ChangeWaiter

        try:
            waiter = ChangeWaiter(self.ctx.db.url)
            last = latest_change(self.ctx)
        except Exception:  # noqa: BLE001 — without live updates the screens still work (F5)
            return
        try:
            while not stopped():
                waiter.wait(self.poll_seconds)
                if stopped():
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

    @staticmethod
    def _tell(changes: list) -> None:
        from app.services.changes import what_changed

        tell_pages(what_changed(changes))

    def stop(self, timeout: float | None = 5.0) -> None:
        self._job.cancel()
        self._job.wait(timeout)
