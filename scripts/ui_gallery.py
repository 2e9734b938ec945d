"""Show the reusable UI pieces in one right-to-left window and save a screenshot.

    python scripts/ui_gallery.py            # offscreen; writes /tmp/ui_gallery.png and
                                            # /tmp/ui_gallery_calendar.png
    python scripts/ui_gallery.py --show     # on a real screen, to try the widgets by hand

Look at the pictures: everything right to left, Vazirmatn (no empty boxes), the date reading
۱۴۰۵/۰۹/۰۱ with the year at the right.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

SHOW = "--show" in sys.argv
if not SHOW:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import (  # noqa: E402
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import ValidationError  # noqa: E402
from app.domain.enums import CareDomain, ServiceKind  # noqa: E402
from app.persian import to_persian_digits  # noqa: E402
from app.ui.machinery.application import create_application  # noqa: E402
from app.ui.widgets.forms import FormErrors  # noqa: E402
from app.ui.widgets.paged_model import Column, PagedTableModel  # noqa: E402
from app.ui.widgets import (  # noqa: E402
    ChecklistWidget,
    EnumComboBox,
    JalaliDateEdit,
    NormalizingLineEdit,
)

NAMES = ["زهرا احمدی", "علی‌رضا کریمی", "آرش یزدانی", "بهاره قاسمی", "یاسمن نوری", "کاوه رستمی"]


class DemoSource:
    """150,000 made-up case files, generated on demand like a service page."""

    def count(self, query):
        return 150_000

    def page(self, query, offset, limit):
        stop = min(offset + limit, 150_000)
        return [self._row(n) for n in range(offset, stop)]

    @staticmethod
    def _row(n):
        return {
            "file_number": f"{1405_0000 + n}",
            "name": NAMES[n % len(NAMES)],
            "received": dt.date(2026, 11, 22) - dt.timedelta(days=n % 400),
            "visits": n % 17,
        }


def build_form(window: QWidget) -> tuple[QGroupBox, FormErrors]:
    box = QGroupBox("ثبت بازدید", window)
    errors = FormErrors(box)
    name = NormalizingLineEdit(box)
    name.setText(name.normalize("علي كريمي"))  # typed with an Arabic keyboard
    national_code = NormalizingLineEdit(box, digits="persian")
    national_code.setText(national_code.normalize("0012345679"))
    visit_date = JalaliDateEdit(box, field="visit_date")
    visit_date.setDate(dt.date(2026, 11, 22))
    next_visit = JalaliDateEdit(box, field="next_visit")
    next_visit.setText("1404/12/30")
    kind = EnumComboBox(ServiceKind, box)
    kind.setValue(ServiceKind.CARE)
    year = QSpinBox(box)
    year.setRange(1300, 1500)
    year.setValue(1405)  # the Persian locale would write ۱٬۴۰۵ without persian_locale()
    domains = ChecklistWidget(CareDomain, box, columns=3)
    domains.setValues([CareDomain.HEALTH, CareDomain.SCHOOLING])

    form = QFormLayout()
    form.addRow("نام مددجو", errors.field_box("name", name))
    form.addRow("کد ملی", errors.field_box("national_code", national_code))
    form.addRow("تاریخ بازدید", errors.field_box("visit_date", visit_date))
    form.addRow("بازدید بعدی", errors.field_box("next_visit", next_visit))
    form.addRow("نوع خدمت", errors.field_box("kind", kind))
    form.addRow("سال گزارش", year)
    form.addRow("حوزه‌های مراقبت", errors.field_box("domains", domains))
    layout = QVBoxLayout(box)
    layout.addWidget(errors.general)
    layout.addLayout(form)
    buttons = QHBoxLayout()
    save = QPushButton("ذخیره", box)
    save.setDefault(True)
    buttons.addWidget(save)
    buttons.addWidget(QPushButton("انصراف", box))
    buttons.addStretch(1)
    layout.addLayout(buttons)
    try:
        next_visit.date()
    except ValidationError as error:
        errors.show(error)
    return box, errors


def build_table(window: QWidget) -> QTableView:
    columns = [
        Column("file_number", "شماره پرونده", formatter=to_persian_digits),
        Column("name", "نام"),
        Column("received", "تاریخ دریافت"),
        Column("visits", "تعداد بازدید"),
    ]
    table = QTableView(window)
    table.setModel(PagedTableModel(columns, DemoSource(), parent=table))
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.setSortingEnabled(True)
    return table


def build_window() -> tuple[QWidget, JalaliDateEdit]:
    window = QWidget()
    window.setObjectName("page")
    window.setWindowTitle("نمونهٔ اجزای رابط")
    layout = QVBoxLayout(window)
    title = QLabel("پرونده — نمونهٔ اجزای رابط کاربر", window)
    font = title.font()
    font.setPointSize(14)
    font.setBold(True)
    title.setFont(font)
    layout.addWidget(title)
    form, _errors = build_form(window)
    row = QHBoxLayout()
    row.addWidget(form, 3)
    row.addWidget(build_table(window), 4)
    layout.addLayout(row)
    window.resize(1180, 560)
    return window, form.findChild(JalaliDateEdit)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("/tmp/ui_gallery.png"))
    args = parser.parse_args()
    app = create_application(sys.argv[:1])
    window, date_edit = build_window()
    window.show()
    app.processEvents()
    window.grab().save(str(args.out))
    date_edit.open_calendar()
    app.processEvents()
    calendar_out = args.out.with_name(args.out.stem + "_calendar.png")
    date_edit.calendar().grab().save(str(calendar_out))
    date_edit.calendar().hide()
    print(args.out, calendar_out)
    return app.exec() if args.show else 0


if __name__ == "__main__":
    sys.exit(main())
