import pytest

from app.services.drafts import DraftStore
from app.ui.widgets.drafts import DraftAutosaver


class Form:
    """Stands in for a form: a dict the test edits, returned by the getter."""

    def __init__(self):
        self.fields = {"name": "", "note": ""}

    def data(self):
        return self.fields  # the same dict every time, changed in place


@pytest.fixture
def store(tmp_path):
    return DraftStore(tmp_path / "drafts")


@pytest.fixture
def form():
    return Form()


def test_nothing_is_saved_while_nothing_changed(store, form, qtbot):
    saver = DraftAutosaver(store, "visit:new", form.data, interval_s=0.02)
    saver.start()
    qtbot.wait(100)
    assert store.load("visit:new") is None


def test_a_change_is_saved_once(store, form, qtbot, monkeypatch):
    saves = []
    real_save = store.save
    monkeypatch.setattr(store, "save", lambda key, data: saves.append(key) or real_save(key, data))
    saver = DraftAutosaver(store, "visit:new", form.data, interval_s=0.02)
    saver.start()
    form.fields["note"] = "مادر در منزل نبود"
    qtbot.waitUntil(lambda: store.load("visit:new") is not None, timeout=1000)
    qtbot.wait(100)  # several more ticks without a change
    assert saves == ["visit:new"]
    assert store.load("visit:new") == {"name": "", "note": "مادر در منزل نبود"}


def test_each_new_change_is_saved(store, form):
    saver = DraftAutosaver(store, "visit:new", form.data)
    saver.start()
    form.fields["name"] = "زهرا"
    assert saver.save_if_changed()
    assert not saver.save_if_changed()
    form.fields["name"] = "زهرا احمدی"
    assert saver.save_if_changed()
    assert store.load("visit:new")["name"] == "زهرا احمدی"


def test_default_interval_is_three_seconds(store, form):
    assert DraftAutosaver(store, "k", form.data).timer.interval() == 3000


def test_stop_and_discard_after_the_record_is_saved(store, form):
    saver = DraftAutosaver(store, "visit:new", form.data)
    saver.start()
    form.fields["note"] = "متن"
    saver.save_if_changed()
    saver.stop_and_discard()
    assert not saver.timer.isActive()
    assert store.load("visit:new") is None


def test_stop_keeps_the_latest_change(store, form):
    saver = DraftAutosaver(store, "visit:new", form.data)
    saver.start()
    form.fields["note"] = "آخرین تغییر"
    saver.stop()
    assert store.load("visit:new")["note"] == "آخرین تغییر"


def test_a_failing_disk_is_reported_not_raised(store, form, monkeypatch):
    def full_disk(key, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "save", full_disk)
    saver = DraftAutosaver(store, "visit:new", form.data)
    messages = []
    saver.saveFailed.connect(messages.append)
    saver.start()
    form.fields["note"] = "متن"
    assert not saver.save_if_changed()
    assert messages and messages[0].startswith("پیش‌نویس ذخیره نشد")
