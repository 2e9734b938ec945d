"""A group of check boxes, one per member of a LabelledEnum (e.g. the care domains of a visit)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QWidget

from app.domain.enums import LabelledEnum


class ChecklistWidget(QWidget):
    """Check boxes laid out in `columns` columns, in the enum's order.

    Tab and the arrow keys move from box to box in reading order (Left is "next" under a
    right-to-left layout), Space ticks. No QButtonGroup on purpose: a non-exclusive group
    traps the focus on its first box.
    """

    valuesChanged = Signal(object)  # the new set of enum members

    def __init__(
        self, enum_cls: type[LabelledEnum], parent: QWidget | None = None, *, columns: int = 2
    ):
        super().__init__(parent)
        self.enum_cls = enum_cls
        self.boxes: dict[LabelledEnum, QCheckBox] = {}
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for position, member in enumerate(enum_cls):
            box = QCheckBox(member.label, self)
            box.setObjectName(f"check_{member.value}")
            box.toggled.connect(self._toggled)
            self.boxes[member] = box
            layout.addWidget(box, position // columns, position % columns)
        if self.boxes:
            self.setFocusProxy(next(iter(self.boxes.values())))

    def _toggled(self, _checked: bool) -> None:
        self.valuesChanged.emit(self.values())

    def values(self) -> set[LabelledEnum]:
        return {member for member, box in self.boxes.items() if box.isChecked()}

    def setValues(self, values: Iterable[LabelledEnum | str]) -> None:
        """Tick exactly these members (members or their stored values)."""
        wanted = {self.enum_cls(value) for value in values}
        for member, box in self.boxes.items():
            box.setChecked(member in wanted)
