"""Quiet background work: a service call that must not hold up the window, with no dialog.

run_with_progress (app.ui.worker) is for work the person waits for. This is for work the person
should not notice: opening the database at start, the day's first backup, the dashboard's
numbers. The function runs in a Python thread; its result or exception comes back as a signal
delivered in the GUI thread. The function never touches a widget.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal


class BackgroundCall(QObject):
    """fn(*args) in a thread; `done(result)` or `failed(exception)` in the GUI thread.

    Keep a reference (or give a parent) until it has finished. wait() lets a window that is
    closing, or a restore about to close the database, be sure nothing still reads it.
    """

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, fn: Callable[..., Any], *args: Any, parent: QObject | None = None):
        super().__init__(parent)
        self._fn = fn
        self._args = args
        self._thread: threading.Thread | None = None
        # Also kept here: a result that arrives after the event loop has ended is not lost.
        self.result: Any = None
        self.error: BaseException | None = None

    def start(self) -> "BackgroundCall":
        self._thread = threading.Thread(target=self._run, daemon=True, name="parvandeh-background")
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            self.result = self._fn(*self._args)
        except BaseException as exc:  # everything must reach the GUI thread
            self.error = exc
            self._emit(self.failed, exc)
        else:
            self._emit(self.done, self.result)

    @staticmethod
    def _emit(signal, value: Any) -> None:
        try:
            signal.emit(value)
        except RuntimeError:
            pass  # the receiver was deleted meanwhile (window closed): nobody wants the result

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the work is over; True if it is."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.is_running()


class SectionLoader(QObject):
    """Runs several named calls one after the other in one thread (two-core office PCs gain
    nothing from running them at once) and reports each as soon as it is ready.

    `ready(name, result)` or `failed(name, exception)` per section, then `finished()`.
    cancel() stops before the next section; the one running completes.
    """

    ready = Signal(str, object)
    failed = Signal(str, object)
    finished = Signal()

    def __init__(self, sections: list[tuple[str, Callable[[], Any]]], parent: QObject | None = None):
        super().__init__(parent)
        self._sections = sections
        self._cancelled = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "SectionLoader":
        self._thread = threading.Thread(target=self._run, daemon=True, name="parvandeh-sections")
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            for name, fn in self._sections:
                if self._cancelled.is_set():
                    break
                try:
                    result = fn()
                except BaseException as exc:
                    self.failed.emit(name, exc)
                else:
                    self.ready.emit(name, result)
            self.finished.emit()
        except RuntimeError:
            pass  # the receiver was deleted meanwhile

    def cancel(self) -> None:
        self._cancelled.set()

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.is_running()
