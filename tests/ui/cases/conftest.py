"""Fixtures of the case-screen tests: real widgets over real services on a fresh data folder.

Every message box is answered by the `messages` fixture (a real one would wait for a click
forever); a test says what the next question should be answered with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain.enums import Role
from app.services.context import Actor, ServiceContext
from app.services.context import _issue
from app.ui.machinery.session import AppSession
from tests.conftest import NOW


class ClockedSession(AppSession):
    """The application's session with the tests' fixed clock (1405/09/02)."""

    @property
    def ctx(self) -> ServiceContext:
        if self.actor is None:
            raise RuntimeError("no one is signed in")
        return ServiceContext(self.db, self.actor, data_dir=self.data_dir, clock=lambda: NOW)


@pytest.fixture
def manager_session(qapp, db, data_dir, manager) -> ClockedSession:
    return ClockedSession(data_dir, db, manager)


@pytest.fixture
def worker_actor(worker) -> Actor:
    return _issue(worker.id, worker.full_name, Role.SOCIAL_WORKER)


@pytest.fixture
def worker_session(qapp, db, data_dir, worker_actor) -> ClockedSession:
    return ClockedSession(data_dir, db, worker_actor)


@dataclass
class Messages:
    """What the program asked or told; `answers` are given to questions in turn."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)
    answers: list[QMessageBox.StandardButton] = field(default_factory=list)

    def texts(self, kind: str | None = None) -> list[str]:
        return [text for k, _title, text in self.shown if kind is None or k == kind]


@pytest.fixture(autouse=True)
def messages(monkeypatch) -> Messages:
    record = Messages()

    def tell(kind):
        def show(_parent, title, text, *args, **kwargs):
            record.shown.append((kind, title, text))
            return QMessageBox.StandardButton.Ok
        return show

    def question(_parent, title, text, *args, **kwargs):
        record.shown.append(("question", title, text))
        return record.answers.pop(0) if record.answers else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "information", tell("information"))
    monkeypatch.setattr(QMessageBox, "warning", tell("warning"))
    monkeypatch.setattr(QMessageBox, "critical", tell("critical"))
    monkeypatch.setattr(QMessageBox, "question", question)
    return record


@pytest.fixture(autouse=True)
def close_case_windows(qapp, messages):
    """After each test (and before message boxes are real again): no window stays open."""
    yield
    from app.ui.cases.case_window import close_all_case_windows
    from app.ui.widgets.forms import FormDialog
    close_all_case_windows()
    # A form a test left open with typing in it would ask «ذخیره شود؟» when a later test's main
    # window closes every window: by then no fixture answers, and Qt aborts the run.
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, FormDialog) and widget.isVisible():
            widget.mark_clean()
            widget.close()
    QApplication.processEvents()


def focused():
    return QApplication.focusWidget()
