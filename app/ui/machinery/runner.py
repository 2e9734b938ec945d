"""The one way the UI runs work off the GUI thread (after Anki's task manager and `CollectionOp`).

How a new feature does background work — one way:

    op(service_fn, ctx, *args)              # a plain function: runs in a worker thread, no widgets
        .success(show_it)                   # GUI thread, with what service_fn returned
        .failure(say_it)                    # optional: otherwise a Persian message over parent
        .progress(move_bar)                 # optional: service_fn(progress, cancelled, *args)
        .in_lane(lane)                      # optional: a newer op in the lane drops older results
        .run_in_background(parent)          # -> Job (cancel(), wait())

- **What changed.** An operation that saves returns a `Changes` (app.domain.changes), or a result
  with a `.changes`. After `success`, the runner hands it to `app.ui.machinery.live.tell_pages`,
  the one place that calls `on_changes(changes)` on every open page and window; each refreshes
  what the change concerns (now if shown, otherwise when next shown). A form's save does the same
  through `FormDialog.what_changed`. Never emit a refresh signal by hand.
- **Work the person waits for** (a report, an import, an export, a backup or a restore):
  `run_with_progress(parent, title, fn, *args)`: a modal dialog with a bar and «لغو»; fn is called
  fn(progress, cancelled, *args) — progress(done, total) (total 0: unknown), cancelled() turns
  True after «لغو»; returns fn's result, re-raises its error, raises OperationCancelled.
- **Results that replace one another** (search keystrokes, pages of a list): `Lane`; only the
  newest operation's outcome is delivered, an older one's arrives and is dropped.
- `Job` is the primitive under all of these (a thread, a cancel flag, queued signals);
  `SectionLoader` is several named reads one after the other in one job (the dashboard).
  `BackgroundCall` is the older name of `Job`.

Work in a job never touches a widget: its progress, result and error reach the GUI thread
through queued signals.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from shiboken6 import isValid

from app.errors import DomainError

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

CANCEL_TEXT = "لغو"
CANCELLING_TEXT = "در حال لغو… لطفاً صبر کنید"
UNEXPECTED_TEXT = "کار ناتمام ماند: خطای پیش‌بینی‌نشده‌ای رخ داد. اطلاعات ذخیره‌شده دست نخورده است."
PROGRESS_INTERVAL_S = 0.05  # at most ~20 dialog updates a second, however often fn reports


class OperationCancelled(DomainError):
    """The person pressed «لغو»; run_with_progress raises it after the work has stopped."""

    def __init__(self, message: str = "عملیات لغو شد"):
        super().__init__(message)


# ---------------------------------------------------------------- the one primitive


class Job(QObject):
    """fn in a worker thread; `done(result)` or `failed(exception)` in the GUI thread.

    With reports=True fn is called fn(progress, cancelled, *args) and `progressed(done, total)`
    follows its progress. Keep a reference (or give a parent) until it has finished. wait() lets
    a window that is closing, or a restore about to close the database, be sure nothing still
    reads it; the outcome is also kept in `result` / `error` for whoever waits.

    In a one-at-a-time `Lane` the job runs in the lane's worker after the lane's earlier jobs,
    and not at all if a newer job has replaced it by then (its signals are then never sent)."""

    done = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)
    ended = Signal()  # after done or failed, or when a job replaced before its turn was skipped
    _kept: set["Job"] = set()

    def __init__(self, fn: Callable[..., Any], *args: Any, parent: QObject | None = None, reports: bool = False,
                 lane: "Lane | None" = None, generation: int = 0):
        super().__init__(parent)
        self._fn = fn
        self._args = args
        self._reports = reports
        self._lane = lane
        self._generation = generation
        self._cancel = threading.Event()
        self._started = False
        self._finished = threading.Event()
        self._last_report = 0.0
        self.result: Any = None
        self.error: BaseException | None = None

    def keep_until_ended(self) -> "Job":
        """Hold this job (with no parent) until its outcome has been delivered, then let it go."""
        Job._kept.add(self)
        self.ended.connect(self._let_go)
        return self

    def _let_go(self) -> None:
        # later, not inside this job's own signal: deleting it here would pull it from under Qt
        QTimer.singleShot(0, partial(Job._kept.discard, self))

    def start(self) -> "Job":
        self._started = True
        if self._lane is not None and self._lane.one_at_a_time:
            if not self._lane.submit(self._run):
                self._finished.set()  # the lane is closed: nothing will run
                self._emit(self.ended)
        else:
            threading.Thread(target=self._run, daemon=True, name="parvandeh-job").start()
        return self

    def _run(self) -> None:
        try:
            if self._lane is not None and not self._lane.is_current(self._generation):
                return  # replaced before it began: skip the work altogether
            args = (self._report, self._cancel.is_set, *self._args) if self._reports else self._args
            self.result = self._fn(*args)
        except BaseException as exc:  # everything must reach the GUI thread, or it waits forever
            self.error = exc
            self._emit(self.failed, exc)
        else:
            self._emit(self.done, self.result)
        finally:
            self._fn = self._args = None  # what the work held (a query, a closure) is let go now
            self._emit(self.ended)
            # last: whoever waited may delete this job at once, so the thread touches it no more
            self._finished.set()

    def _report(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - self._last_report >= PROGRESS_INTERVAL_S:
            self._last_report = now
            # The signal carries C ints: work counted in bytes passes 2 GiB (a large backup), and
            # a progress bar only needs the proportion.
            shift = max(0, max(total, done).bit_length() - 30)
            self._emit(self.progressed, done >> shift, total >> shift)

    @staticmethod
    def _emit(signal, *values: Any) -> None:
        try:
            signal.emit(*values)
        except RuntimeError:
            pass  # the receiver was deleted meanwhile (window closed): nobody wants the result

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def is_running(self) -> bool:
        return self._started and not self._finished.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the work is over; True if it is."""
        if self._started:
            self._finished.wait(timeout)
        return not self.is_running()


BackgroundCall = Job  # the name the start-up, presence and office code know it by


# ---------------------------------------------------------------- operations


def failure_text(error: BaseException) -> str:
    """The Persian sentence for a failed operation: the program's own message, or a plain one."""
    if isinstance(error, DomainError):
        return error.message
    return UNEXPECTED_TEXT


class Lane:
    """Operations that replace one another (a search typed over, a page shown again): only the
    newest one's outcome is delivered; an older one's result, arriving late, is dropped.

    one_at_a_time=True: the lane's operations run one after another in the lane's own worker
    thread (a two-core office PC gains nothing from running searches side by side), and one
    replaced before its turn is skipped. close() ends the lane: queued work is dropped."""

    def __init__(self, one_at_a_time: bool = False) -> None:
        self.generation = 0
        self.one_at_a_time = one_at_a_time
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue | None = None
        self._worker: threading.Thread | None = None
        self._closed = False

    def next(self) -> int:
        self.generation += 1
        return self.generation

    def is_current(self, generation: int) -> bool:
        return generation == self.generation

    def submit(self, run: Callable[[], None]) -> bool:
        """Queue run for the lane's worker; False if the lane is closed."""
        with self._lock:
            if self._closed:
                return False
            if self._worker is None:
                self._queue = queue.SimpleQueue()
                self._worker = threading.Thread(target=self._work, args=(self._queue,), daemon=True,
                                                name="parvandeh-lane")
                self._worker.start()
            self._queue.put(run)
        return True

    @staticmethod
    def _work(jobs: queue.SimpleQueue) -> None:
        while (run := jobs.get()) is not None:
            run()

    def close(self, timeout: float | None = 0) -> bool:
        """No more work: what is queued is now stale (skipped), and the worker ends after the
        job it is running; waits up to timeout seconds (None: as long as it takes) for that.
        True when nothing is left running."""
        with self._lock:
            self.generation += 1
            if not self._closed and self._queue is not None:
                self._queue.put(None)
            self._closed = True
            worker = self._worker
        if worker is None:
            return True
        if timeout != 0:
            worker.join(timeout)
        return not worker.is_alive()


class Operation:
    """op(fn, *args).success(cb).failure(cb).progress(cb).in_lane(lane).run_in_background(parent) -> Job.

    `success(result)` runs in the GUI thread with what fn returned; then what the result says
    it changed goes to every open screen (app.ui.machinery.live). Without `failure`, an error is
    shown to the person as a Persian message over `parent` and logged."""

    def __init__(self, fn: Callable[..., Any], *args: Any):
        self._fn = fn
        self._args = args
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None
        self._progress: Callable[[int, int], None] | None = None
        self._lane: Lane | None = None
        self._generation: int | None = None

    def success(self, callback: Callable[[Any], None]) -> "Operation":
        self._success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> "Operation":
        self._failure = callback
        return self

    def progress(self, callback: Callable[[int, int], None]) -> "Operation":
        """fn is then called fn(progress, cancelled, *args), and callback(done, total) follows it."""
        self._progress = callback
        return self

    def in_lane(self, lane: Lane, generation: int | None = None) -> "Operation":
        """Replace the lane's earlier operations; or, given the generation of one already
        started (lane.generation), belong to it: a search's count belongs to its search."""
        self._lane = lane
        self._generation = generation
        return self

    def run_in_background(self, parent: QObject | None = None) -> Job:
        lane = self._lane
        generation = 0
        if lane is not None:
            generation = lane.next() if self._generation is None else self._generation
        # No parent: a job must outlive a window closed under it, or its thread would send its
        # outcome through a deleted object; the outcome is simply not delivered then.
        job = Job(self._fn, *self._args, reports=self._progress is not None,
                  lane=lane, generation=generation).keep_until_ended()

        def current() -> bool:
            return (lane is None or lane.is_current(generation)) and (parent is None or isValid(parent))

        job.done.connect(lambda result: self._succeeded(result) if current() else None)
        job.failed.connect(lambda error: self._failed(parent, error) if current() else None)
        if self._progress is not None:
            job.progressed.connect(lambda done, total: self._progress(done, total) if current() else None)
        return job.start()

    def _succeeded(self, result: Any) -> None:
        from app.ui.machinery.live import changes_of, tell_pages

        try:
            if self._success is not None:
                self._success(result)
        finally:
            tell_pages(changes_of(result))  # Anki's on_op_finished: every open screen hears it

    def _failed(self, parent: QObject | None, error: BaseException) -> None:
        if self._failure is not None:
            self._failure(error)
            return
        if not isinstance(error, DomainError):
            log.error("background operation failed", exc_info=error)
        from app.ui.machinery import messages

        messages.warn(parent if isinstance(parent, QWidget) else None, failure_text(error))


def op(fn: Callable[..., Any], *args: Any) -> Operation:
    return Operation(fn, *args)


class SectionLoader(QObject):
    """Several named calls one after the other in one job (two-core office PCs gain nothing from
    running them at once), each reported as soon as it is ready.

    `ready(name, result)` or `failed(name, exception)` per section, then `finished()`.
    cancel() stops before the next section; the one running completes."""

    ready = Signal(str, object)
    failed = Signal(str, object)
    finished = Signal()

    def __init__(self, sections: list[tuple[str, Callable[[], Any]]], parent: QObject | None = None):
        super().__init__(parent)
        self._sections = sections
        self._job = Job(self._run, parent=self, reports=True)

    def start(self) -> "SectionLoader":
        self._job.start()
        return self

    def _run(self, _progress: Progress, cancelled: Cancelled) -> None:
        try:
            for name, fn in self._sections:
                if cancelled():
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
        self._job.cancel()

    def is_running(self) -> bool:
        return self._job.is_running()

    def wait(self, timeout: float | None = None) -> bool:
        return self._job.wait(timeout)


# ---------------------------------------------------------------- work the person waits for


class _ProgressView(QObject):
    """Lives in the GUI thread, so the job's signals reach the dialog queued."""

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


def _make_dialog(parent: QWidget | None, title: str, cancel_text: str | None, name: str) -> QProgressDialog:
    dialog = QProgressDialog(title, cancel_text or "", 0, 0, parent)
    dialog.setObjectName(name)
    dialog.setWindowTitle(title)
    if cancel_text is None:
        dialog.setCancelButton(None)
    modality = Qt.WindowModality.WindowModal if parent else Qt.WindowModality.ApplicationModal
    dialog.setWindowModality(modality)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(360)
    # Cancelling goes through the button (or Esc), which keeps the dialog up until the work stops;
    # Esc and the window's close button never end the wait: only fn returning does.
    dialog.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
    dialog.canceled.disconnect(dialog.cancel)
    return dialog


def _on_cancel(dialog: QProgressDialog, job: Job) -> None:
    """Ask the work to stop and keep the dialog up (its buttons off) until it has."""
    job.cancel()
    dialog.setLabelText(CANCELLING_TEXT)
    dialog.setCancelButton(None)
    dialog.show()


def run_with_progress(parent: QWidget | None, title: str, fn: Callable[..., Any], *args: Any,
                      cancel_text: str | None = CANCEL_TEXT, delay_ms: int = 0,
                      raise_if_cancelled: bool = True, name: str = "progressDialog") -> Any:
    """Run fn(progress, cancelled, *args) in a job behind a modal progress dialog.

    The dialog shows at once (delay_ms: only if the work is still going then; while it is hidden
    the window behind would still take clicks, so a delay is for short waits). cancel_text None:
    no button. Returns fn's result; re-raises fn's exception here; raises OperationCancelled if
    the person cancelled and fn raised nothing else (unless raise_if_cancelled is False)."""
    dialog = _make_dialog(parent, title, cancel_text, name)
    view = _ProgressView(dialog)
    job = Job(fn, *args, reports=True)
    job.progressed.connect(view.show_progress)
    if cancel_text is not None:
        dialog.canceled.connect(lambda: _on_cancel(dialog, job))
    loop = QEventLoop()
    job.done.connect(loop.quit)
    job.failed.connect(loop.quit)
    if delay_ms > 0:
        QTimer.singleShot(delay_ms, lambda: dialog.show() if job.is_running() else None)
    else:
        dialog.show()
    job.start()
    if job.is_running():
        loop.exec()
    job.wait()
    # hide, not close: closing a progress dialog emits `canceled`
    dialog.hide()
    dialog.deleteLater()
    if job.error is not None:
        raise job.error
    if job.cancelled() and raise_if_cancelled:
        raise OperationCancelled()
    return job.result
