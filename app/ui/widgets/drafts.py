"""Saving a form's unfinished input every few seconds, so a crash or power cut loses little."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.services.drafts import DraftStore

SAVE_FAILED_MESSAGE = "پیش‌نویس ذخیره نشد"


class DraftAutosaver(QObject):
    """Every `interval_s` seconds asks `get_data` for the form's dict and saves it if changed.

    What the form shows when start() is called (empty, or a restored draft) is not saved
    again; only what the person changes after that. Call stop_and_discard() once the record
    itself has been saved, and stop() when the form closes without saving (the draft stays).
    """

    saved = Signal(object)  # the time stored with the draft
    saveFailed = Signal(str)  # a Persian message; the form goes on working

    def __init__(
        self,
        store: DraftStore,
        key: str,
        get_data: Callable[[], dict[str, Any]],
        interval_s: float = 3.0,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.store = store
        self.key = key
        self._get_data = get_data
        self._last_data: dict[str, Any] | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(int(interval_s * 1000))
        self.timer.timeout.connect(self.save_if_changed)

    def start(self) -> None:
        self._last_data = copy.deepcopy(self._get_data())
        self.timer.start()

    def save_if_changed(self) -> bool:
        """Save now if the data differs from the last saved (or starting) data."""
        data = self._get_data()
        if data == self._last_data:
            return False
        try:
            saved_at: datetime = self.store.save(self.key, data)
        except OSError as exc:  # a full or removed disk must not break the form
            self.saveFailed.emit(f"{SAVE_FAILED_MESSAGE}: {exc.strerror or exc}")
            return False
        # a copy: a getter that returns one dict it keeps changing must still look changed
        self._last_data = copy.deepcopy(data)
        self.saved.emit(saved_at)
        return True

    def stop(self, save: bool = True) -> None:
        self.timer.stop()
        if save:
            self.save_if_changed()

    def stop_and_discard(self) -> None:
        self.timer.stop()
        self.store.discard(self.key)
