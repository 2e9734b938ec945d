"""This program's place in the list of who is connected (app.storage.presence), kept fresh.

Registered when someone signs in, refreshed every HEARTBEAT_SECONDS off the GUI thread, removed
when the window closes; a restore on another PC names this person while the row is fresh.

app.storage.presence (SQLAlchemy behind it) is imported at sign-in, not here: the program makes
this keeper before its first window, and that window must not wait for SQLAlchemy's import."""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import QObject, QTimer

from app.ui.machinery.runner import BackgroundCall


class PresenceKeeper(QObject):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.db: Any = None
        self.session_id: Optional[str] = None
        self._calls: list[BackgroundCall] = []
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.beat)

    def start(self, db: Any, user_name: str) -> None:
        from app.storage import presence

        self.stop()
        self.db = db
        self.timer.setInterval(presence.HEARTBEAT_SECONDS * 1000)
        try:
            self.session_id = presence.register(db, user_name, "gui")
        except Exception:  # noqa: BLE001 — a missing row only weakens the restore check; never block sign-in
            self.session_id = None
            return
        self.timer.start()

    def beat(self) -> None:
        from app.storage import presence

        if self.session_id is None or any(call.is_running() for call in self._calls):
            return
        self._calls = [BackgroundCall(presence.heartbeat, self.db, self.session_id, parent=self).start()]

    def stop(self) -> None:
        self.timer.stop()
        for call in self._calls:
            call.wait(5)
        self._calls = []
        if self.session_id is not None and self.db is not None:
            from app.storage import presence

            try:
                presence.unregister(self.db, self.session_id)
            except Exception:  # noqa: BLE001 — the row goes stale within a minute anyway
                pass
        self.session_id = None
