"""A combo box over a LabelledEnum: shows the Persian labels, gives back the members."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from app.domain.enums import LabelledEnum

EMPTY_LABEL = "— انتخاب کنید —"


class EnumComboBox(QComboBox):
    """value() is the chosen member, or None for the empty entry (when allow_empty)."""

    valueChanged = Signal(object)

    def __init__(
        self,
        enum_cls: type[LabelledEnum],
        parent: QWidget | None = None,
        *,
        allow_empty: bool = False,
        empty_label: str = EMPTY_LABEL,
    ):
        super().__init__(parent)
        self.enum_cls = enum_cls
        if allow_empty:
            self.addItem(empty_label, None)
        for member in enum_cls:
            self.addItem(member.label, member.value)
        self.currentIndexChanged.connect(lambda _index: self.valueChanged.emit(self.value()))

    def value(self) -> LabelledEnum | None:
        stored = self.currentData()
        return None if stored is None else self.enum_cls(stored)

    def setValue(self, value: LabelledEnum | str | None) -> None:
        """Select a member (or its stored value); None selects the empty entry.

        ValueError for a value that is not in the enum or None without an empty entry,
        so a bug does not silently show the wrong choice.
        """
        stored = None if value is None else self.enum_cls(value).value
        stored_values = [self.itemData(i) for i in range(self.count())]
        if stored not in stored_values:
            raise ValueError(f"{value!r} is not a choice of {self.enum_cls.__name__}")
        self.setCurrentIndex(stored_values.index(stored))
