"""The program's keyboard shortcuts in one list (shown under Help), and their tooltips.

Every button whose shortcut is known, by its own shortcut or by an action of the same window
with the same text, says it in its tooltip; an event filter on the application does that when
a window is shown, so a screen added later is covered without remembering to do it.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from app.ui.machinery.event_filters import install_once

# (where, keys, what) — kept by hand beside the code that binds them; the guide shows this list.
SHORTCUTS: tuple[tuple[str, str, str], ...] = (
    ("همه‌جا", "F1", "راهنمای برنامه"),
    ("همه‌جا", "Ctrl+F", "جستجوی پرونده (از هر صفحه، به فهرست پرونده‌ها می‌رود)"),
    ("همه‌جا", "Ctrl+1 … Ctrl+7", "رفتن به صفحه‌ها: داشبورد، پرونده‌ها، گزارش‌ها، قراردادها، کارکنان، تنظیمات، رویدادها"),
    ("همه‌جا", "Ctrl+L", "قفل صفحه"),
    ("همه‌جا", "Ctrl+Shift+L", "خروج از حساب"),
    ("همه‌جا", "Ctrl+Q", "بستن برنامه"),
    ("فهرست پرونده‌ها", "Ctrl+N", "پرونده جدید"),
    ("فهرست پرونده‌ها", "F5", "بازخوانی فهرست"),
    ("فهرست پرونده‌ها", "Enter یا ↓", "از جستجو به نخستین ردیف"),
    ("فهرست پرونده‌ها", "Esc", "پاک کردن جستجو"),
    ("پنجره پرونده", "Ctrl+Shift+N", "یادداشت خدمت جدید"),
    ("فرم‌ها", "Ctrl+Enter یا Ctrl+S", "ذخیره"),
    ("فرم‌ها", "Enter", "رفتن به خانه بعدی"),
    ("فرم‌ها", "Esc", "انصراف (اگر چیزی تغییر کرده باشد، می‌پرسد)"),
    ("خانه تاریخ", "F4 یا Alt+↓", "باز کردن تقویم"),
    ("خانواده در فرم پرونده", "Insert / Ctrl+Delete", "افزودن / حذف عضو"),
    ("پرسش‌های حذف", "Enter یا Esc", "«خیر»: چیزی حذف نمی‌شود"),
)

_MNEMONIC = re.compile(r"\s*\(&.\)|&")


def plain_label(text: str) -> str:
    """A button's or action's text without its mnemonic marks and trailing dots."""
    return _MNEMONIC.sub("", text).replace("…", "").strip()


def keys_text(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.PortableText)


def tip_with_shortcut(tip: str, keys: str) -> str:
    if not keys or keys in tip:
        return tip
    return f"{tip} ({keys})" if tip else keys


def label_shortcuts(window: QWidget) -> None:
    """Put each button's shortcut into its tooltip (from the button or a same-named action)."""
    by_text = {}
    for action in window.findChildren(QAction):
        if not action.shortcut().isEmpty():
            by_text.setdefault(plain_label(action.text()), keys_text(action.shortcut()))
    for action in window.actions():
        if not action.shortcut().isEmpty():
            by_text.setdefault(plain_label(action.text()), keys_text(action.shortcut()))
    for button in window.findChildren(QAbstractButton):
        keys = keys_text(button.shortcut()) if not button.shortcut().isEmpty() else \
            by_text.get(plain_label(button.text()), "")
        if keys and keys not in button.text():
            button.setToolTip(tip_with_shortcut(button.toolTip(), keys))


class ShortcutTips(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # isinstance first: every event of the program passes here, and event.type() is slow
        if isinstance(event, QShowEvent) and event.type() == QEvent.Type.Show and isinstance(watched, QWidget) \
                and watched.isWindow():
            label_shortcuts(watched)
        return False


def install_shortcut_tips(app: QApplication) -> ShortcutTips:
    return install_once(app, ShortcutTips)
