"""The editable family table of the case form (a handful of rows, so a small plain model).

Errors about a member come back from the service as 'family.<row>.<field>'; the table then
paints that cell red, puts the cursor on it and shows the message under the table.
"""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.enums import Relation
from app.persian import normalize_letters, to_persian_digits
from app.services.cases import FamilyInput
from app.services.views import FamilyMemberView
from app.ui.widgets.forms import FieldErrorLabel, set_invalid
from app.ui.widgets import EnumComboBox, NormalizingLineEdit

Index = QModelIndex | QPersistentModelIndex

# (field, header): the same field names the service uses in 'family.<row>.<field>'
FAMILY_COLUMNS = (
    ("name", "نام و نام خانوادگی"),
    ("relation", "نسبت"),
    ("birth_year", "سال تولد"),
    ("occupation", "شغل"),
    ("phone", "تلفن"),
    ("lives_with_child", "هم‌خانه با فرزند"),
)
FIELDS = [field for field, _header in FAMILY_COLUMNS]
DIGIT_FIELDS = {"birth_year", "phone"}
ERROR_BACKGROUND = QColor("#fdecea")


def empty_member() -> dict[str, Any]:
    return {"id": None, "name": "", "relation": "", "birth_year": "", "occupation": "",
            "phone": "", "lives_with_child": True}


class FamilyModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.members: list[dict[str, Any]] = []
        self.error_cell: Optional[tuple[int, int]] = None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.members)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(FAMILY_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return FAMILY_COLUMNS[section][1]
        return to_persian_digits(section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if FIELDS[index.column()] == "lives_with_child":
            return flags | Qt.ItemFlag.ItemIsUserCheckable
        return flags | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        field = FIELDS[index.column()]
        value = self.members[index.row()][field]
        if role == Qt.ItemDataRole.BackgroundRole:
            return ERROR_BACKGROUND if self.error_cell == (index.row(), index.column()) else None
        if field == "lives_with_child":
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
            return None
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == Qt.ItemDataRole.DisplayRole:
            if field == "relation":
                return Relation(value).label if value else ""
            return to_persian_digits(value) if field in DIGIT_FIELDS else value
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        field = FIELDS[index.column()]
        if field == "lives_with_child" and role == Qt.ItemDataRole.CheckStateRole:
            value = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role != Qt.ItemDataRole.EditRole:
            return False
        elif isinstance(value, str):
            value = normalize_letters(value).strip()
        self.members[index.row()][field] = value
        if self.error_cell == (index.row(), index.column()):
            self.error_cell = None
        self.dataChanged.emit(index, index)
        return True

    def set_members(self, members: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.members = members
        self.error_cell = None
        self.endResetModel()

    def add(self) -> int:
        row = len(self.members)
        self.beginInsertRows(QModelIndex(), row, row)
        self.members.append(empty_member())
        self.endInsertRows()
        return row

    def remove(self, row: int) -> None:
        if 0 <= row < len(self.members):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.members[row]
            self.endRemoveRows()
            self.error_cell = None


class FamilyDelegate(QStyledItemDelegate):
    """A relation is chosen from the list; digits show as Persian while typed."""

    def createEditor(self, parent: QWidget, option, index: QModelIndex) -> QWidget:
        field = FIELDS[index.column()]
        if field == "relation":
            return EnumComboBox(Relation, parent, allow_empty=True)
        return NormalizingLineEdit(parent, digits="persian" if field in DIGIT_FIELDS else None)

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, EnumComboBox):
            editor.setValue(value or None)
        else:
            editor.setText(to_persian_digits(value) if FIELDS[index.column()] in DIGIT_FIELDS
                           else str(value or ""))

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:
        if isinstance(editor, EnumComboBox):
            member = editor.value()
            model.setData(index, member.value if member else "")
        else:
            model.setData(index, editor.text())


class FamilyEditor(QWidget):
    """The table with «افزودن عضو» (Insert) and «حذف عضو» (Ctrl+Delete) and an error line."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = FamilyModel(self)
        self.table = self._build_table()
        self.error_label = FieldErrorLabel(self)
        self.add_button = QPushButton("افزودن عضو", self)
        self.add_button.setToolTip("افزودن عضو خانواده (Insert)")
        self.remove_button = QPushButton("حذف عضو", self)
        self.remove_button.setToolTip("حذف عضو انتخاب‌شده (Ctrl+Delete)")
        self.add_button.clicked.connect(self.add_member)
        self.remove_button.clicked.connect(self.remove_member)
        self._add_actions()
        self._lay_out()
        self.model.dataChanged.connect(lambda *_: self.clear_error())

    def _build_table(self) -> QTableView:
        table = QTableView(self)
        table.setObjectName("familyTable")
        table.setAccessibleName("اعضای خانواده")
        table.setModel(self.model)
        table.setItemDelegate(FamilyDelegate(table))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                              | QAbstractItemView.EditTrigger.EditKeyPressed
                              | QAbstractItemView.EditTrigger.DoubleClicked)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 14)
        table.setMinimumHeight(140)
        return table

    def _add_actions(self) -> None:
        for key, slot in (("Insert", self.add_member), ("Ctrl+Delete", self.remove_member)):
            action = QAction(self)
            action.setShortcut(key)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)

    # --- values ------------------------------------------------------------------------------

    def set_members(self, members: tuple[FamilyMemberView, ...] | list) -> None:
        self.model.set_members([
            {"id": m.id, "name": m.name, "relation": m.relation,
             "birth_year": "" if m.birth_year is None else str(m.birth_year),
             "occupation": m.occupation, "phone": m.phone, "lives_with_child": m.lives_with_child}
            for m in members])

    def inputs(self) -> list[FamilyInput]:
        return [FamilyInput(name=m["name"], relation=m["relation"], birth_year=m["birth_year"] or None,
                            occupation=m["occupation"], phone=m["phone"],
                            lives_with_child=m["lives_with_child"], id=m["id"])
                for m in self.model.members]

    def commit_open_editor(self) -> None:
        """A cell still being typed in counts: write it to the model before saving."""
        editor = QApplication.focusWidget()
        if (self.table.state() == QAbstractItemView.State.EditingState and editor is not None
                and self.table.isAncestorOf(editor)):
            self.table.commitData(editor)
            self.table.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def state(self) -> list[tuple]:
        return [tuple(m[f] for f in FIELDS) for m in self.model.members]

    # --- actions -----------------------------------------------------------------------------

    def add_member(self) -> None:
        row = self.model.add()
        index = self.model.index(row, 0)
        self.table.setFocus()
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def remove_member(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.model.remove(index.row())
            self.clear_error()

    # --- errors ------------------------------------------------------------------------------

    def show_error(self, row: int, field: str, message: str) -> None:
        """Mark the cell of member `row` and its field, put the cursor there, say why."""
        column = FIELDS.index(field) if field in FIELDS else 0
        self.model.error_cell = (row, column)
        index = self.model.index(row, column)
        self.table.viewport().update()  # not dataChanged: that means "edited" and clears the error
        self.error_label.show_message(f"ردیف {to_persian_digits(row + 1)}: {message}")
        set_invalid(self.table, True)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)

    def clear_error(self) -> None:
        if self.error_label.isVisible() or self.model.error_cell is not None:
            self.error_label.clear_message()
            set_invalid(self.table, False)
            if self.model.error_cell is not None:
                self.model.error_cell = None
                self.table.viewport().update()

    def message(self) -> str:
        return self.error_label.text()
