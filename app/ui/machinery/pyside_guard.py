"""A guard against a reference-count bug of PySide6 6.12 on Python 3.11.

PySide6 6.12.0 returns None, True and False from C++ without taking a reference: every call
of a void method (setText, start, processEvents…) and every Signal.emit() takes one reference
away from None or True. Python 3.12 and later make these objects immortal, so nothing
happens there; on Python 3.11 the count reaches zero after some thousands of calls and the
program dies with "Fatal Python error: none_dealloc" (or bool_dealloc), at the latest when
it exits. PySide6 6.11.3 on 3.11 does not have the bug.

The real fix is Python 3.12+ or another PySide6 version. Until then, when the bug is detected
at run time, the three objects get a very large reference count: exactly what Python 3.12
does to make them immortal. Nothing else is changed.
"""

from __future__ import annotations

import ctypes
import sys

_BALLAST = 1 << 40  # a trillion lost references before trouble
_PROBE_CALLS = 200
_applied = False


def pyside_loses_references() -> bool:
    """True if calling a void Qt method takes references away from None."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(_PROBE_CALLS):
        probe.setObjectName("probe")
    return before - sys.getrefcount(None) >= _PROBE_CALLS // 2


def keep_singletons_alive() -> bool:
    """Apply the guard once if needed; True when it is (or was) applied."""
    global _applied
    if _applied:
        return True
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if not pyside_loses_references():
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every CPython object, at the object's address.
        ctypes.c_ssize_t.from_address(id(singleton)).value += _BALLAST
    _applied = True
    return True
