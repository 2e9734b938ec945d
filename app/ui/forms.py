"""Showing a service's DomainError where it belongs: under the field it is about.

Services raise DomainError with a Persian message and, for input errors, the name of the
field. A form registers its widgets under the same names; FormErrors.show(error) writes the
message under the widget, draws its red border and puts the cursor there. Errors without a
known field go to one general area at the top of the form.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.errors import DomainError
from app.ui.text import plain_text, rtl_date_text

INVALID_PROPERTY = "invalid"  # the stylesheet draws a red border on *[invalid="true"]
# Signals that mean "the person changed this field": its error is then out of date.
_EDIT_SIGNALS = (
    "textEdited", "valueChanged", "valuesChanged", "dateChanged", "toggled", "textChanged",
)


class FieldErrorLabel(QLabel):
    """A small red message, hidden while empty."""

    def __init__(self, parent: QWidget | None = None, *, object_name: str = "fieldError"):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.setFont(font)
        self.hide()

    def show_message(self, message: str) -> None:
        # dates quoted in a message must read like the date fields: year at the right
        self.setText(rtl_date_text(message))
        self.show()

    def clear_message(self) -> None:
        self.clear()
        self.hide()


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Set the `invalid` property and make the stylesheet look at it again."""
    target = widget.focusProxy() or widget
    target.setProperty(INVALID_PROPERTY, invalid)
    target.style().unpolish(target)
    target.style().polish(target)
    target.update()


class FormErrors(QObject):
    """The error display of one form. Put `general` at the top of the form's layout."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.general = FieldErrorLabel(parent, object_name="formError")
        self._fields: dict[str, tuple[QWidget, FieldErrorLabel]] = {}

    def register(self, field: str, widget: QWidget, label: FieldErrorLabel) -> None:
        """Show errors about `field` in `label` and mark `widget` (for custom layouts)."""
        self._fields[field] = (widget, label)
        for name in _EDIT_SIGNALS:
            signal = getattr(widget, name, None)
            if signal is not None and hasattr(signal, "connect"):
                signal.connect(lambda *_, field=field: self.clear_field(field))
                break

    def field_box(self, field: str, widget: QWidget) -> QWidget:
        """The widget with its error label under it, ready to go into the form's layout."""
        box = QWidget(widget.parentWidget())
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        label = FieldErrorLabel(box)
        layout.addWidget(label)
        self.register(field, widget, label)
        return box

    def widget_for(self, field: str) -> QWidget | None:
        entry = self._fields.get(field)
        return entry[0] if entry else None

    def show(self, error: DomainError) -> None:
        """Clear earlier errors, then show this one beside its field (or in the general area)."""
        self.clear()
        entry = self._fields.get(error.field) if error.field else None
        if entry is None:
            self.general.show_message(error.message)
            return
        widget, label = entry
        label.show_message(error.message)
        set_invalid(widget, True)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_all(self, errors: list[DomainError]) -> None:
        """Clear earlier errors, show each of these at its field, and put the cursor in the first."""
        self.clear()
        first: QWidget | None = None
        general = []
        for error in errors:
            entry = self._fields.get(error.field) if error.field else None
            if entry is None:
                general.append(error.message)
                continue
            widget, label = entry
            label.show_message(error.message)
            set_invalid(widget, True)
            first = first or widget
        if general:
            self.general.show_message("\n".join(general))
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_at(self, field: str, error: DomainError | None) -> None:
        """One field's check when it is left: its message, or nothing if it is now right."""
        if field not in self._fields:
            return
        self.clear_field(field)
        if error is not None:
            widget, label = self._fields[field]
            label.show_message(error.message)
            set_invalid(widget, True)

    def clear_field(self, field: str) -> None:
        widget, label = self._fields[field]
        if label.isVisible() or label.text():
            label.clear_message()
            set_invalid(widget, False)

    def clear(self) -> None:
        self.general.clear_message()
        for field in self._fields:
            self.clear_field(field)

    def message_for(self, field: str) -> str:
        """The message shown under a field now ('' if none); for tests and screen readers."""
        return plain_text(self._fields[field][1].text())
