"""Running long work (a report, an import, a backup, a big search) off the GUI thread.

The work is a plain function fn(progress, cancelled, *args). It runs in a QThread; the GUI
thread shows a modal progress dialog and keeps painting. The function never touches a widget:
progress reaches the dialog through a queued signal, and cancellation is a thread-safe flag the
function polls. Its result or its exception comes back to the caller in the GUI thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.errors import DomainError

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

CANCEL_TEXT = "لغو"
CANCELLING_TEXT = "در حال لغو… لطفاً صبر کنید"
PROGRESS_INTERVAL_S = 0.05  # at most ~20 dialog updates a second, however often fn reports


class OperationCancelled(DomainError):
    """The person pressed «لغو»; run_with_progress raises it after the work has stopped."""

    def __init__(self, message: str = "عملیات لغو شد"):
        super().__init__(message)


class _WorkThread(QThread):
    """Calls fn in the thread and keeps its result or exception for the GUI thread."""

    progressed = Signal(int, int)

    def __init__(self, fn: Callable[..., Any], args: tuple, cancel_flag: threading.Event):
        super().__init__()
        self._fn = fn
        self._args = args
        self._cancel_flag = cancel_flag
        self._last_report = 0.0
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self._fn(self._report, self._cancel_flag.is_set, *self._args)
        except BaseException as exc:  # everything must reach the GUI thread, or it waits forever
            self.error = exc

    def _report(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - self._last_report >= PROGRESS_INTERVAL_S:
            self._last_report = now
            self.progressed.emit(done, total)


class _ProgressView(QObject):
    """Lives in the GUI thread, so the thread's signals reach the dialog queued."""

    def __init__(self, dialog: QProgressDialog):
        super().__init__(dialog)
        self.dialog = dialog

    @Slot(int, int)
    def show_progress(self, done: int, total: int) -> None:
        if self.dialog.wasCanceled():
            return
        # total <= 0 means "unknown": the bar then moves to and fro
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total) if total > 0 else 0)


def _make_dialog(parent: QWidget | None, title: str) -> QProgressDialog:
    dialog = QProgressDialog(title, CANCEL_TEXT, 0, 0, parent)
    dialog.setObjectName("progressDialog")
    dialog.setWindowTitle(title)
    modality = Qt.WindowModality.WindowModal if parent else Qt.WindowModality.ApplicationModal
    dialog.setWindowModality(modality)
    # Shown at once: while it is hidden the window behind it would still take clicks.
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(360)
    # Cancelling goes through «لغو» (or Esc), which keeps the dialog up until the work stops.
    dialog.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
    dialog.canceled.disconnect(dialog.cancel)
    return dialog


def _on_cancel(dialog: QProgressDialog, cancel_flag: threading.Event) -> None:
    """Ask the work to stop and keep the dialog up (its buttons off) until it has."""
    cancel_flag.set()
    dialog.setLabelText(CANCELLING_TEXT)
    dialog.setCancelButton(None)
    dialog.show()


def run_with_progress(
    parent: QWidget | None, title: str, fn: Callable[..., Any], *args: Any
) -> Any:
    """Run fn(progress, cancelled, *args) in a worker thread behind a modal progress dialog.

    progress(done, total) moves the bar (total 0: unknown); cancelled() turns True after «لغو»,
    and fn should then return soon (or raise). Returns fn's result; re-raises fn's exception
    here; raises OperationCancelled if the person cancelled and fn raised nothing else.
    """
    cancel_flag = threading.Event()
    dialog = _make_dialog(parent, title)
    view = _ProgressView(dialog)
    thread = _WorkThread(fn, args, cancel_flag)
    thread.progressed.connect(view.show_progress)
    dialog.canceled.connect(lambda: _on_cancel(dialog, cancel_flag))
    loop = QEventLoop()
    thread.finished.connect(loop.quit)
    dialog.show()
    thread.start()
    if not thread.isFinished():
        loop.exec()
    thread.wait()
    # hide, not close: closing a progress dialog emits `canceled`
    dialog.hide()
    dialog.deleteLater()
    if thread.error is not None:
        raise thread.error
    if cancel_flag.is_set():
        raise OperationCancelled()
    return thread.result
