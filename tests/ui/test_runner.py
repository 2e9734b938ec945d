"""The one background runner: op(...).success(cb).run_in_background(); errors in Persian; cancel; stale results dropped."""

import threading

import pytest

from app.errors import ValidationError
from app.ui.machinery import messages
from app.ui.machinery.runner import UNEXPECTED_TEXT, Lane, SectionLoader, op


@pytest.fixture
def shown(monkeypatch):
    said = []
    monkeypatch.setattr(messages, "warn", lambda parent, text, detail="": said.append(text))
    return said


def test_success_gets_the_result_in_the_gui_thread(qtbot, shown):
    gui = threading.get_ident()
    seen = {}

    def work(a, b):
        seen["worker"] = threading.get_ident()
        return a + b

    def done(result):
        seen["result"], seen["callback"] = result, threading.get_ident()

    job = op(work, 2, 3).success(done).run_in_background()
    qtbot.waitUntil(lambda: "result" in seen, timeout=5000)
    assert seen == {"worker": seen["worker"], "result": 5, "callback": gui}
    assert seen["worker"] != gui and shown == [] and not job.is_running()


def test_a_failure_is_told_in_persian_naming_the_problem(qtbot, shown):
    def work():
        raise ValidationError("تاریخ تولد درست نیست.", field="birth_date")

    op(work).success(lambda _r: pytest.fail("no success after an error")).run_in_background()
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert shown == ["تاریخ تولد درست نیست."]


def test_an_unexpected_error_is_a_plain_persian_sentence_not_a_traceback(qtbot, shown):
    op(lambda: {}["missing"]).run_in_background()
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert shown == [UNEXPECTED_TEXT] and "KeyError" not in shown[0]


def test_failure_callback_takes_the_error_instead_of_a_message(qtbot, shown):
    caught = []
    op(lambda: 1 / 0).failure(caught.append).run_in_background()
    qtbot.waitUntil(lambda: bool(caught), timeout=5000)
    assert isinstance(caught[0], ZeroDivisionError) and shown == []


def test_cancel_stops_the_work_and_progress_arrives(qtbot, shown):
    started, steps, finished = threading.Event(), [], []

    def work(progress, cancelled):
        started.set()
        for i in range(1, 10_000):
            if cancelled():
                return f"stopped at {i}"
            progress(i, 10_000)
            threading.Event().wait(0.002)
        return "ran to the end"

    job = op(work).progress(lambda done, total: steps.append(done)).success(finished.append).run_in_background()
    assert started.wait(5)
    qtbot.waitUntil(lambda: bool(steps), timeout=5000)
    job.cancel()
    qtbot.waitUntil(lambda: bool(finished), timeout=5000)
    assert finished[0].startswith("stopped at") and job.cancelled()


def test_a_stale_result_is_dropped(qtbot, shown):
    lane, got = Lane(), []
    slow_may_finish = threading.Event()

    def slow():
        slow_may_finish.wait(5)
        return "old search"

    old = op(slow).success(got.append).in_lane(lane).run_in_background()
    new = op(lambda: "new search").success(got.append).in_lane(lane).run_in_background()
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    slow_may_finish.set()
    assert old.wait(5) and new.wait(5)
    qtbot.wait(50)  # let the old result's queued signal arrive: it must be dropped
    assert got == ["new search"]


def test_a_stale_failure_is_not_shown_either(qtbot, shown):
    lane, gate = Lane(), threading.Event()

    def old_fails():
        gate.wait(5)
        raise ValidationError("قدیمی")

    old = op(old_fails).in_lane(lane).run_in_background()
    op(lambda: None).in_lane(lane).run_in_background()
    gate.set()
    assert old.wait(5)
    qtbot.wait(50)
    assert shown == []


def test_sections_arrive_one_by_one_and_a_failure_names_its_section(qtbot):
    ready, failed = [], []
    loader = SectionLoader([("a", lambda: 1), ("b", lambda: 1 / 0), ("c", lambda: 3)])
    loader.ready.connect(lambda name, value: ready.append((name, value)))
    loader.failed.connect(lambda name, error: failed.append(name))
    with qtbot.waitSignal(loader.finished, timeout=5000):
        loader.start()
    assert ready == [("a", 1), ("c", 3)] and failed == ["b"]


def test_progress_counted_past_two_gibibytes_arrives_as_the_same_proportion(qtbot, shown):
    """A backup counts bytes (three passes over a 1.5 GB database: 4.7 GB); the signal's C ints must not overflow."""
    total, seen, finished = 3 * 1_600_000_000, [], []

    def work(progress, cancelled):
        progress(total // 2, total)
        progress(total, total)
        return "done"

    op(work).progress(lambda done, whole: seen.append((done, whole))).success(finished.append).run_in_background()
    qtbot.waitUntil(lambda: bool(finished), timeout=5000)
    assert finished == ["done"] and seen, seen
    assert all(0 <= d <= w < 2**31 for d, w in seen)
    assert seen[-1][0] == seen[-1][1] and abs(seen[0][0] / seen[0][1] - 0.5) < 1e-6
