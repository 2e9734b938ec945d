"""Helpers for the tests of the main screens: a signed-in session on a real data folder with a
fixed clock, demo data, and answers for message boxes (which would otherwise wait for a click)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app.services.context import Actor, ServiceContext
from app.ui.machinery.session import AppSession
from tests.conftest import NOW, TODAY

DEMO_PASSWORD = "parvandeh-demo"


@dataclass
class FixedSession(AppSession):
    """AppSession whose services see the tests' fixed time (the demo data's 'today')."""

    now: dt.datetime = NOW

    @property
    def ctx(self) -> ServiceContext:
        if self.actor is None:
            raise RuntimeError("no one is signed in")
        return ServiceContext(self.db, self.actor, data_dir=self.data_dir, clock=lambda: self.now)


def session_for(db, data_dir: Path, actor: Actor) -> FixedSession:
    return FixedSession(Path(data_dir), db, actor)


@dataclass
class Answers:
    """What message boxes were shown, and what `confirm` answers."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)
    confirm_answer: bool = True

    def texts(self) -> list[str]:
        return [text for _kind, text, _detail in self.shown]


@pytest.fixture
def answers(monkeypatch) -> Answers:
    from app.ui.machinery import messages

    recorded = Answers()
    for kind in ("inform", "warn", "fail"):
        monkeypatch.setattr(messages, kind, lambda parent, text, detail="", kind=kind:
                            recorded.shown.append((kind, text, detail)))

    def confirm(parent, text, detail="", **_kwargs):
        recorded.shown.append(("confirm", text, detail))
        return recorded.confirm_answer

    monkeypatch.setattr(messages, "confirm", confirm)
    return recorded


@pytest.fixture
def demo(db):
    """A small demo clinic (40 files, fixed seed and today) in the test's data folder; it has a
    signing key under the demo password."""
    from app.services.accounts import sign_in
    from app.services.demo import build_demo

    build_demo(db, 40, seed=11, today=TODAY, password=DEMO_PASSWORD)
    return sign_in(db, "manager", DEMO_PASSWORD, now=NOW)


@pytest.fixture
def demo_session(db, data_dir, demo) -> FixedSession:
    return session_for(db, data_dir, demo)


@pytest.fixture
def manager_session(db, data_dir, manager) -> FixedSession:
    return session_for(db, data_dir, manager)
