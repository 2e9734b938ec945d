"""«ورود پرونده‌ها از فایل»: Behzisti's list of case files, checked row by row and imported whole.

The manager picks the file, the contract the files come under and (if one person takes them
all) the social worker. «بررسی فایل» checks every row without saving; «وارد کردن» saves all
of them, or nothing when a row has a problem. Both run off the GUI thread with a progress bar
and «لغو». Problems are listed by the row number Excel shows, the column and the form's own
message, so the list can be corrected and imported again; files already in the program are
skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from app.errors import DomainError, ValidationError
from app.domain.enums import Role
from app.persian import format_number, to_persian_digits
from app.services.choices import contract_choices, staff_choices
from app.services.importing import ImportResult, import_cases, read_rows, write_template
from app.ui.machinery import messages
from app.ui.widgets.text import choice_text
from app.domain.changes import Changes
from app.ui.cases.common import IdChoice
from app.ui.machinery import live
from app.ui.cases.tables import Field, RecordTable, record_view
from app.ui.widgets.forms import FormErrors
from app.ui.machinery.session import AppSession
from app.ui.machinery.runner import OperationCancelled, run_with_progress
from app.ui.machinery.screen_fit import fit_size

TITLE = "ورود پرونده‌ها از فایل"
FILE_FILTER = "فهرست پرونده‌ها (*.xlsx *.csv)"
TEMPLATE_NAME = "نمونه-فهرست-پرونده‌ها.xlsx"


class ImportDialog(QDialog):
    def __init__(self, session: AppSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.result_value: Optional[ImportResult] = None
        self.setObjectName("importDialog")
        self.setWindowTitle(TITLE)
        self.errors = FormErrors(self)
        self._build()
        fit_size(self, 760, 560)

    # --- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.path = QLineEdit(self)
        self.path.setObjectName("importFile")
        self.path.setPlaceholderText("فایل اکسل یا CSV فهرست پرونده‌ها")
        browse = QPushButton("انتخاب فایل…", self)
        browse.clicked.connect(self.choose_file)
        template = QPushButton("ساخت فایل نمونه…", self)
        template.setToolTip("فایل اکسلی با سطر عنوان همه ستون‌ها، برای پر کردن")
        template.clicked.connect(self.save_template)
        file_row = QWidget(self)
        row = QHBoxLayout(file_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.errors.field_box("file", self.path), 1)
        row.addWidget(browse, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(template, 0, Qt.AlignmentFlag.AlignTop)
        self.contract = IdChoice(self, empty_label="— قرارداد را انتخاب کنید —")
        self.contract.set_choices((i, choice_text(number, office))
                                  for i, number, office in contract_choices(self.session.ctx))
        if self.contract.count() == 2:
            self.contract.setCurrentIndex(1)  # the only contract
        self.worker = IdChoice(self, empty_label="بعداً برای هر پرونده تعیین می‌شود")
        self.worker.set_choices(staff_choices(self.session.ctx, (Role.SOCIAL_WORKER, Role.MANAGER)))
        form = QFormLayout()
        form.addRow("فایل", file_row)
        form.addRow("قرارداد", self.errors.field_box("contract_id", self.contract))
        form.addRow("مددکار همه پرونده‌ها", self.errors.field_box("social_worker_id", self.worker))
        self.summary = QLabel(self)
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.problems = RecordTable([Field("ردیف", lambda p: to_persian_digits(p.line)),
                                     Field("ستون", lambda p: p.column), Field("اشکال", lambda p: p.message)],
                                    self)
        self.problem_view = record_view(self, self.problems, name="importProblems", stretch=2, wrap=True,
                                        widths=(60, 150))
        self.problem_view.hide()
        buttons = QDialogButtonBox(self)
        self.check_button = buttons.addButton("بررسی فایل", QDialogButtonBox.ButtonRole.ActionRole)
        self.import_button = buttons.addButton("وارد کردن", QDialogButtonBox.ButtonRole.AcceptRole)
        close = buttons.addButton("بستن", QDialogButtonBox.ButtonRole.RejectRole)
        # Enter checks; importing is a deliberate click (or Tab to it and Space)
        self.check_button.setDefault(True)
        self.import_button.setAutoDefault(False)
        self.check_button.clicked.connect(lambda: self.run(check_only=True))
        self.import_button.clicked.connect(lambda: self.run(check_only=False))
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.errors.general)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.problem_view, 1)
        layout.addWidget(buttons)

    # --- actions -----------------------------------------------------------------------------

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "انتخاب فهرست پرونده‌ها", "", FILE_FILTER)
        if path:
            self.path.setText(path)

    def save_template(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "ذخیره فایل نمونه", str(Path.home() / TEMPLATE_NAME),
                                              "فایل اکسل (*.xlsx)")
        if not path:
            return
        try:
            write_template(path)
        except OSError as error:
            messages.fail(self, "فایل نمونه ذخیره نشد.", str(error.strerror or error))
            return
        messages.inform(self, "فایل نمونه ذخیره شد.", path)

    def run(self, *, check_only: bool) -> Optional[ImportResult]:
        """Check (or import) the chosen file; the result is shown in the dialog."""
        self.errors.clear()
        path = self.path.text().strip()
        if not path:
            self.errors.show(ValidationError("فایل فهرست پرونده‌ها را انتخاب کنید.", field="file"))
            return None
        if self.contract.value() is None:
            self.errors.show(ValidationError("قراردادی را که این پرونده‌ها زیر آن می‌آیند انتخاب کنید.",
                                             field="contract_id"))
            return None
        ctx, contract_id, worker_id = self.session.ctx, self.contract.value(), self.worker.value()
        title = "در حال بررسی فایل…" if check_only else "در حال وارد کردن پرونده‌ها…"
        try:
            result = run_with_progress(self, title, lambda progress, cancelled: import_cases(
                ctx, read_rows(path), contract_id=contract_id, social_worker_id=worker_id,
                check_only=check_only, progress=progress, cancel=cancelled))
        except OperationCancelled:
            self.summary.setText("لغو شد؛ چیزی ثبت نشد.")
            return None
        except DomainError as error:
            self.errors.show(error)
            return None
        self.show_result(result)
        if result.created:
            self.result_value = result
            live.tell_pages(Changes(new_cases=True))
        return result

    def show_result(self, result: ImportResult) -> None:
        present = (f" {format_number(len(result.already_present))} پرونده از پیش در برنامه هست و کنار گذاشته شد."
                   if result.already_present else "")
        if result.problems:
            text = (f"{format_number(len(result.problems))} ردیف اشکال دارد؛ هیچ پرونده‌ای ثبت نشد. "
                    "فایل را درست کنید و دوباره بررسی کنید.")
        elif result.checked_only:
            text = f"فایل درست است: {format_number(result.ready)} پرونده آماده ورود است." + present
        else:
            text = f"{format_number(result.created)} پرونده وارد شد." + present
        self.summary.setText(text)
        self.summary.setStyleSheet("color: #b3261e;" if result.problems else "")
        self.problems.set_records(result.problems)
        self.problem_view.setVisible(bool(result.problems))
        self.import_button.setEnabled(not (result.created and not result.problems))


def import_files(session: AppSession, parent: QWidget | None = None) -> Optional[ImportResult]:
    """Open the dialog; the result of an import that saved files, or None."""
    dialog = ImportDialog(session, parent)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.exec()
    return dialog.result_value
