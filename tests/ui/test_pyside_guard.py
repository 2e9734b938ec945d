"""The guard against PySide6 6.12's lost references to None/True/False on Python 3.11."""

import subprocess
import sys
import textwrap
from pathlib import Path

from app.ui.machinery.pyside_guard import keep_singletons_alive

ROOT = Path(__file__).resolve().parents[2]

# Many more void calls and emits than a long working day's worth of Python-side Qt calls in
# one screen; without the guard this dies with "Fatal Python error: none_dealloc" on 3.11.
STRESS = textwrap.dedent("""
    import os
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QLineEdit
    from app.ui.machinery.application import create_application

    class Emitter(QObject):
        changed = Signal(str)

    app = create_application([])
    edit, emitter = QLineEdit(), Emitter()
    for _ in range(100_000):
        edit.setText("x")
        emitter.changed.emit("x")
        app.processEvents()
    print("ok")
""")


def test_many_qt_calls_do_not_kill_the_program():
    done = subprocess.run(
        [sys.executable, "-c", STRESS], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


def test_guard_is_applied_only_where_needed(qapp):
    applied = keep_singletons_alive()
    if sys.version_info >= (3, 12):
        assert not applied
    assert keep_singletons_alive() == applied  # calling again changes nothing
