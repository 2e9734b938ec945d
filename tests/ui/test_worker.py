"""run_with_progress: work off the GUI thread, progress shown, cancel honoured, errors re-raised."""

import threading
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton, QWidget

from app.errors import StorageError
from app.ui.machinery.runner import CANCEL_TEXT, OperationCancelled, run_with_progress


@pytest.fixture
def window(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def progress_dialog(window):
    return window.findChild(QProgressDialog, "progressDialog")


def test_returns_the_result_computed_off_the_gui_thread(window):
    gui_thread = threading.get_ident()
    seen = {}

    def work(progress, cancelled, a, b):
        seen["thread"] = threading.get_ident()
        return a + b

    assert run_with_progress(window, "جمع", work, 2, 3) == 5
    assert seen["thread"] != gui_thread


def test_progress_reaches_the_dialog(window):
    shown = []

    def watch():
        dialog = progress_dialog(window)
        if dialog is not None:
            shown.append((dialog.value(), dialog.maximum(), dialog.isVisible(), dialog.labelText()))

    timer = QTimer()
    timer.timeout.connect(watch)
    timer.start(5)

    def work(progress, cancelled):
        for done in range(1, 21):
            time.sleep(0.01)
            progress(done, 20)
        time.sleep(0.05)  # let the dialog show the last step
        return "تمام"

    assert run_with_progress(window, "در حال ساختن گزارش", work) == "تمام"
    timer.stop()
    assert shown, "the dialog was never seen"
    assert all(visible for _, _, visible, _ in shown)
    assert shown[-1][:2] == (20, 20)
    assert shown[0][3] == "در حال ساختن گزارش"
    values = [value for value, *_ in shown]
    assert values == sorted(values)


def test_dialog_is_modal_and_cancel_button_is_persian(window):
    seen = {}

    def look():
        dialog = progress_dialog(window)
        seen["modal"] = dialog.isModal()
        seen["buttons"] = [b.text() for b in dialog.findChildren(QPushButton)]

    def work(progress, cancelled):
        time.sleep(0.2)

    QTimer.singleShot(50, look)
    run_with_progress(window, "پشتیبان‌گیری", work)
    assert seen == {"modal": True, "buttons": [CANCEL_TEXT]}


def test_cancel_stops_the_work_and_raises_operation_cancelled(window):
    steps = []

    def work(progress, cancelled):
        for step in range(1000):
            if cancelled():
                return None
            steps.append(step)
            progress(step, 1000)
            time.sleep(0.005)
        return "done"

    def press_cancel():
        button = progress_dialog(window).findChild(QPushButton)
        button.click()

    QTimer.singleShot(100, press_cancel)
    with pytest.raises(OperationCancelled) as caught:
        run_with_progress(window, "جست‌وجو", work)
    assert caught.value.message == "عملیات لغو شد"
    assert 0 < len(steps) < 1000
    assert progress_dialog(window) is None or not progress_dialog(window).isVisible()


def test_dialog_stays_up_saying_cancelling_until_the_work_stops(window):
    seen = []

    def work(progress, cancelled):
        while not cancelled():
            time.sleep(0.005)
        time.sleep(0.2)  # cleaning up takes a while

    def press_cancel():
        progress_dialog(window).findChild(QPushButton).click()
        QTimer.singleShot(50, lambda: seen.append(
            (progress_dialog(window).isVisible(), progress_dialog(window).labelText())))

    QTimer.singleShot(50, press_cancel)
    with pytest.raises(OperationCancelled):
        run_with_progress(window, "درون‌بُرد", work)
    assert seen == [(True, "در حال لغو… لطفاً صبر کنید")]


def test_the_worker_exception_is_raised_in_the_gui_thread(window):
    def work(progress, cancelled):
        raise StorageError("پوشهٔ داده در دسترس نیست")

    with pytest.raises(StorageError, match="پوشهٔ داده"):
        run_with_progress(window, "پشتیبان‌گیری", work)


def test_works_without_a_parent_window(qtbot):
    assert run_with_progress(None, "کار", lambda progress, cancelled: 42) == 42
    assert QApplication.activeModalWidget() is None


def test_many_progress_reports_are_thinned(window, monkeypatch):
    """100,000 reports must not become 100,000 queued dialog updates, and every update runs
    in the GUI thread."""
    from app.ui.machinery import runner as worker

    updates, threads = [], set()
    real_show = worker._ProgressView.show_progress

    def counting_show(self, done, total):
        updates.append((done, total))
        threads.add(threading.get_ident())
        real_show(self, done, total)

    monkeypatch.setattr(worker._ProgressView, "show_progress", counting_show)

    def work(progress, cancelled):
        for done in range(1, 100_001):
            progress(done, 100_000)

    run_with_progress(window, "کار", work)
    assert 1 <= len(updates) < 200
    assert updates[-1] == (100_000, 100_000)
    assert threads == {threading.get_ident()}  # the dialog is only touched by the GUI thread
