"""Opening a case file from any list (dashboard, reports) through the case screens' own entry point.

The case screens live in app.ui.cases and are built separately; until they are there, a
double-click says so instead of failing. The module is looked up at each call, so a build that
has them needs no change here.
"""

from __future__ import annotations

import importlib
from typing import Any

from PySide6.QtWidgets import QWidget

from app.ui.machinery import messages

NOT_READY = "صفحه پرونده در این نسخه هنوز آماده نیست."


def _opener():
    try:
        module = importlib.import_module("app.ui.cases.case_window")
    except ImportError:
        return None
    return getattr(module, "open_case_window", None)


def case_screens_available() -> bool:
    return _opener() is not None


def open_case(session: Any, case_id: int, parent: QWidget | None = None) -> Any:
    """The case window for case_id (opened, or brought to the front if already open)."""
    opener = _opener()
    if opener is None:
        messages.inform(parent, NOT_READY)
        return None
    return opener(session, case_id, parent)
