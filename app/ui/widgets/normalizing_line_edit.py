"""A line edit that turns Arabic ي ى ك into Persian ی ک while the user types.

Qt keeps whatever the keyboard sends; an Arabic keyboard layout (common on Windows) sends
ي and ك, and a name typed that way would not match the same name typed with ی and ک.
"""

from __future__ import annotations

from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from app.persian import normalize_digits, normalize_letters, to_persian_digits

DIGIT_MODES = (None, "ascii", "persian")


class NormalizingLineEdit(QLineEdit):
    """Normalises letters (and optionally digits) as typed, pasted or composed.

    digits: None keeps digits as typed; 'ascii' for identifiers stored as 0-9 (national
    code, phone); 'persian' shows ۰-۹.
    """

    def __init__(self, parent: QWidget | None = None, *, digits: str | None = None):
        super().__init__(parent)
        if digits not in DIGIT_MODES:
            raise ValueError(f"digits must be one of {DIGIT_MODES}, not {digits!r}")
        self.digits = digits
        self.textEdited.connect(self._normalize_edited_text)

    def normalize(self, text: str) -> str:
        """The text as it should stand in the field. Subclasses may change this; it must work
        character by character so that the cursor can be kept in place."""
        text = normalize_letters(text)
        if self.digits == "ascii":
            return normalize_digits(text)
        if self.digits == "persian":
            return to_persian_digits(text)
        return text

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Replacing the key's text before Qt inserts it keeps undo working as usual.
        text = event.text()
        fixed = self.normalize(text) if text else text
        if fixed == text:
            super().keyPressEvent(event)
            return
        replaced = QKeyEvent(
            event.type(), event.key(), event.modifiers(), fixed, event.isAutoRepeat(), event.count()
        )
        super().keyPressEvent(replaced)
        event.setAccepted(replaced.isAccepted())

    def _normalize_edited_text(self, text: str) -> None:
        """Paste, drop and input methods bypass keyPressEvent; fix the text afterwards."""
        fixed = self.normalize(text)
        if fixed == text:
            return
        cursor = len(self.normalize(text[: self.cursorPosition()]))
        # select-and-insert (not setText) so that the change stays on the undo stack
        self.selectAll()
        self.insert(fixed)
        self.setCursorPosition(cursor)
