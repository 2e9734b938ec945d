"""DraftStore: atomic save, load, list, discard, safe file names. No Qt involved."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timedelta, timezone

import pytest

from app.services.drafts import DraftStore, draft_file_name

NOTE = {"case": "۱۲۳", "text": "بازدید منزل انجام شد", "domains": ["health"]}


class StepClock:
    """Each call is one minute after the previous one, so the order of drafts is known."""

    def __init__(self):
        self.now = datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc)

    def __call__(self):
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def store(tmp_path):
    return DraftStore(tmp_path / "drafts", clock=StepClock())


def test_save_then_load_returns_the_same_data(store):
    store.save("visit:12", NOTE)
    assert store.load("visit:12") == NOTE


def test_load_of_unknown_key_is_none(store):
    assert store.load("nothing") is None


def test_saving_again_replaces_the_draft(store):
    store.save("visit:12", NOTE)
    store.save("visit:12", {**NOTE, "text": "متن تازه"})
    assert store.load("visit:12")["text"] == "متن تازه"
    assert len(store.list()) == 1


def test_list_gives_key_time_and_data_newest_first(store):
    first = store.save("case:1", {"n": 1})
    second = store.save("case:2", {"n": 2})
    assert store.list() == [("case:2", second, {"n": 2}), ("case:1", first, {"n": 1})]


def test_discard_removes_the_draft(store):
    store.save("case:1", NOTE)
    store.discard("case:1")
    store.discard("case:1")  # discarding twice is harmless
    assert store.load("case:1") is None
    assert store.list() == []


def test_list_of_missing_folder_is_empty(tmp_path):
    assert DraftStore(tmp_path / "not-yet").list() == []


@pytest.mark.parametrize(
    "key",
    ["../../etc/passwd", "..\\..\\windows", "/absolute/path", "پرونده/۱۲", "", "CON", "a" * 300],
)
def test_keys_never_leave_the_folder(store, key):
    path = store.path_for(key)
    assert path.parent == store.folder
    assert all(ch.isascii() and (ch.isalnum() or ch in "_-.") for ch in path.name)
    store.save(key, NOTE)
    assert store.load(key) == NOTE
    assert [draft[0] for draft in store.list()] == [key]


def test_keys_that_differ_only_in_unsafe_characters_do_not_collide():
    assert draft_file_name("پرونده/۱") != draft_file_name("پرونده/۲")
    assert draft_file_name("a/b") != draft_file_name("a:b")


def test_crash_before_rename_leaves_the_old_draft(store, monkeypatch):
    store.save("visit:12", NOTE)

    def power_cut(src, dst):
        raise OSError("power cut")

    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(OSError):
        store.save("visit:12", {"text": "نیمه‌کاره"})
    monkeypatch.undo()

    assert store.load("visit:12") == NOTE
    assert sorted(p.name for p in store.folder.iterdir()) == [store.path_for("visit:12").name]


def test_temporary_file_left_by_a_real_crash_is_ignored(store):
    store.save("visit:12", NOTE)
    (store.folder / ".visit_12-abc.tmp").write_text('{"key": "visit:12", "da', encoding="utf-8")
    assert store.load("visit:12") == NOTE
    assert [draft[0] for draft in store.list()] == ["visit:12"]


def test_the_written_data_is_flushed_to_disk(store, monkeypatch):
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    store.save("visit:12", NOTE)
    expected = 1 if sys.platform == "win32" else 2  # the file, then its folder
    assert len(synced) == expected


def test_data_that_is_not_json_changes_nothing(store):
    store.save("visit:12", NOTE)
    with pytest.raises(TypeError):
        store.save("visit:12", {"when": object()})
    assert store.load("visit:12") == NOTE


def test_damaged_draft_is_skipped_not_raised(store):
    store.save("visit:12", NOTE)
    store.path_for("visit:12").write_text("{not json", encoding="utf-8")
    assert store.load("visit:12") is None
    assert store.list() == []


def test_persian_text_is_stored_readably(store):
    store.save("visit:12", NOTE)
    assert "بازدید منزل" in store.path_for("visit:12").read_text(encoding="utf-8")
