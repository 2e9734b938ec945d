"""Reusable input widgets of the Persian, right-to-left forms."""

from app.ui.widgets.checklist import ChecklistWidget
from app.ui.widgets.enum_combo import EnumComboBox
from app.ui.widgets.jalali_date_edit import JalaliDateEdit
from app.ui.widgets.normalizing_line_edit import NormalizingLineEdit

__all__ = ["ChecklistWidget", "EnumComboBox", "JalaliDateEdit", "NormalizingLineEdit"]
