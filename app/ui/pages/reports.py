"""Reports: the signed monthly report for the county office, the invoice, a child's file summary,
and checking a signed report someone hands back.

Generating runs off the GUI thread with progress and Cancel (a contract of 15,000 files makes
a long report). The preview shows the first pages as pictures, drawn by poppler's pdftoppm
where it is installed (PySide6-Essentials has no QtPdf); without it the page says what was
made and offers the PDF viewer of the system. Printing goes through that viewer too.

The report module loads reportlab and pyHanko; it is imported only when a document is made.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (QComboBox, QFileDialog, QFormLayout, QFrame, QGroupBox, QHBoxLayout, QLabel, QPushButton,
                               QScrollArea, QSpinBox, QTabWidget, QVBoxLayout, QWidget)

from app.atomic import write_atomically
from app.domain.documents import document_title
from app.domain.enums import PERSIAN_MONTHS
from app.errors import DomainError
from app.persian import format_iran_datetime, format_month, to_jalali, to_persian_digits
from app.ui.machinery import messages
from app.ui.widgets.forms import FormErrors
from app.ui.widgets.list_model import identifier_text
from app.ui.widgets.passwords import ask_password
from app.ui.widgets.text import RLM, plain_text
from app.ui.widgets import NormalizingLineEdit
from app.ui.machinery.runner import OperationCancelled, run_with_progress
from app.ui.pages.page import Page, prominent

PREVIEW_PAGES = 8  # the rest is one click away in the PDF viewer
PREVIEW_DPI = 80
GOOD, BAD = "#1e7b34", "#b3261e"


# ---------------------------------------------------------------- PDF pages as pictures


def pdf_tools_available() -> bool:
    return shutil.which("pdftoppm") is not None


def _page_count(pdf_path: Path) -> int | None:
    if shutil.which("pdfinfo") is None:
        return None
    try:
        out = subprocess.run(["pdfinfo", str(pdf_path)], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
    return int(match.group(1)) if match else None


def render_pages(pdf: bytes, max_pages: int = PREVIEW_PAGES, dpi: int = PREVIEW_DPI) -> tuple[list[QImage], int]:
    """The first pages as images and the document's page count (call off the GUI thread:
    QImage, unlike QPixmap, may be made there). ([], 0) when pdftoppm is not installed."""
    if not pdf_tools_available():
        return [], 0
    with tempfile.TemporaryDirectory(prefix="parvandeh-preview-") as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        try:
            subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", str(max_pages), "-png", str(source),
                            str(Path(folder) / "page")], capture_output=True, timeout=300, check=True)
        except (OSError, subprocess.SubprocessError):
            return [], 0
        files = sorted(Path(folder).glob("page*.png"), key=lambda p: int(re.sub(r"\D", "", p.stem) or 0))
        images = [QImage(str(p)) for p in files]
        total = _page_count(source) or len(images)
    return [image for image in images if not image.isNull()], total


# ---------------------------------------------------------------- opening and printing


def temp_copy(name: str, data: bytes) -> Path:
    """A copy in the temporary folder for the system's viewer (never inside the data folder)."""
    folder = Path(tempfile.gettempdir()) / "parvandeh"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def open_with_system(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def print_with_system(path: Path) -> bool:
    """Windows prints straight from the default PDF program; elsewhere the viewer opens."""
    if sys.platform.startswith("win"):
        try:
            os.startfile(str(path), "print")  # type: ignore[attr-defined]
            return True
        except OSError:
            pass
    return open_with_system(path)


def write_file(path: Path, data: bytes) -> None:
    """Written beside the target and renamed: a full USB stick never leaves half a PDF."""
    write_atomically(path, data, prefix="." + path.name + "-", suffix=".partial")


# ---------------------------------------------------------------- the page


class PreviewArea(QScrollArea):
    """The document's first pages, one under the other, or a short note when there are none."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("preview")
        self.setWidgetResizable(True)
        self.body = QWidget(self)
        self.body.setStyleSheet("background: #d9dee3;")
        self.layout_ = QVBoxLayout(self.body)
        self.layout_.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setWidget(self.body)
        self.page_labels: list[QLabel] = []
        self.note: QLabel | None = None
        self.show_note("برای دیدن گزارش، قرارداد و ماه را انتخاب کنید و «پیش‌نمایش» را بزنید.")

    def clear(self) -> None:
        while self.layout_.count():
            widget = self.layout_.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.page_labels = []
        self.note = None

    def show_note(self, text: str) -> None:
        self.clear()
        note = QLabel(text, self.body)
        note.setObjectName("previewNote")
        note.setWordWrap(True)
        note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        note.setStyleSheet("background: transparent; padding: 24px;")
        self.layout_.addWidget(note)
        self.note = note

    def show_pages(self, images: list[QImage], total: int) -> None:
        self.clear()
        for image in images:
            label = QLabel(self.body)
            label.setPixmap(QPixmap.fromImage(image))
            label.setFrameShape(QFrame.Shape.Box)
            label.setStyleSheet("background: white; border: 1px solid #9aa5b1;")
            self.layout_.addWidget(label)
            self.page_labels.append(label)
        if total > len(images):
            more = QLabel(f"صفحه ۱ تا {to_persian_digits(len(images))} از {to_persian_digits(total)} نشان داده شد؛ "
                          "برای دیدن همه «باز کردن» را بزنید.", self.body)
            more.setStyleSheet("background: transparent; padding: 8px;")
            self.layout_.addWidget(more)


class DropArea(QLabel):
    """Drop a PDF here (or press the button beside it)."""

    fileDropped = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("فایل PDF گزارش را اینجا رها کنید", parent)
        self.setObjectName("dropArea")
        self.setAcceptDrops(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumHeight(90)
        self.setStyleSheet("QLabel#dropArea { border: 2px dashed #9aa5b1; border-radius: 8px; background: #ffffff; }")

    def dragEnterEvent(self, event) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.fileDropped.emit(url.toLocalFile())
                event.acceptProposedAction()
                return


class VerifyPanel(QWidget):
    """check_report on a file: signer, claimed time, intact, whole file, matches our records."""

    FACTS = (("file", "فایل"), ("signer", "امضاکننده"), ("certificate", "گواهی"),
             ("time", "زمان امضا (ادعای امضاکننده)"), ("intact", "محتوای امضاشده دست‌نخورده است"),
             ("covered", "پس از امضا چیزی به فایل افزوده نشده است"), ("locked", "سند با امضا قفل شده است"),
             ("trusted", "گواهی همان کلید این کلینیک است"), ("kind", "نوع سند"),
             ("report_id", "شناسه گزارش"), ("record", "با سوابق این کلینیک می‌خواند"))

    def __init__(self, session: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.last_check = None
        intro = QLabel("گزارشی که امضا شده و بعداً از اداره یا کس دیگری برگشته است، اینجا بررسی می‌شود: "
                       "آیا پس از امضا دست خورده و آیا همان است که این کلینیک ساخته و ثبت کرده است.", self)
        intro.setWordWrap(True)
        self.drop = DropArea(self)
        self.drop.fileDropped.connect(lambda path: self.check_file(Path(path)))
        choose = QPushButton("انتخاب فایل PDF…", self)
        choose.setToolTip("Ctrl+O")
        choose.setObjectName("chooseFile")
        choose.clicked.connect(self.choose)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Open), self, self.choose)
        self.verdict = QLabel("", self)
        self.verdict.setObjectName("verdict")
        prominent(self.verdict)
        self.verdict.setWordWrap(True)
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, title in self.FACTS:
            value = QLabel("—", self)
            value.setObjectName(f"fact_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self.values[key] = value
            form.addRow(f"{title}:", value)
        self.problems = QLabel("", self)
        self.problems.setObjectName("problems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(f"color: {BAD};")
        top = QHBoxLayout()
        top.addWidget(self.drop, 1)
        top.addWidget(choose)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.verdict)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addStretch(1)

    def fact(self, key: str) -> str:
        """What is shown for one fact, without the direction marks (tests, copying)."""
        return plain_text(self.values[key].text())

    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "انتخاب گزارش امضاشده", "", "PDF (*.pdf)")
        if path:
            self.check_file(Path(path))

    def check_file(self, path: Path) -> Any:
        try:
            data = path.read_bytes()
        except OSError as exc:
            messages.warn(self, "فایل خوانده نشد.", exc.strerror or str(exc))
            return None
        return self.check_bytes(data, path.name)

    def check_bytes(self, data: bytes, name: str) -> Any:
        from app.services.reports import check_report

        ctx = self.session.ctx
        try:
            result = run_with_progress(self, "در حال بررسی امضا…", lambda _p, _c: check_report(ctx, data),
                                       cancel_text=None)
        except DomainError as error:
            messages.warn(self, "فایل بررسی نشد.", error.message)
            return None
        self.show_result(result, name)
        return result

    def show_result(self, check: Any, name: str) -> None:
        self.last_check = check
        v = check.verification
        yes_no = lambda value: "بله" if value else "خیر"  # noqa: E731
        facts = {
            "file": name, "signer": v.signer_name or "—", "certificate": v.certificate_name or "—",
            "time": format_iran_datetime(v.signing_time, say_zone=True) if v.signing_time else "اعلام نشده",
            "intact": yes_no(v.intact), "covered": yes_no(v.covers_whole_file and v.signature_count == 1),
            "locked": yes_no(v.locked),
            "trusted": yes_no(v.trusted) if v.trust_checked else "کلید امضای این کلینیک ساخته نشده است",
            "kind": document_title(check.kind) if check.kind else "—",
            "report_id": check.report_id or "—",
            "record": yes_no(check.record_found and check.digest_matches),
        }
        for key, text in facts.items():
            # RLM first: a Latin file name or ID still starts at the right, beside its caption
            self.values[key].setText(RLM + text)
        if not v.signed:
            verdict, color = "این فایل امضای دیجیتال ندارد.", BAD
        elif check.ok and v.trusted:
            verdict, color = "معتبر: سند پس از امضا تغییر نکرده، با کلید همین کلینیک امضا شده و با سوابق آن می‌خواند.", GOOD
        elif v.ok and not v.trusted:
            verdict, color = "امضا سالم است، ولی امضاکننده کلید این کلینیک نیست یا شناخته نیست: به آن اعتماد نکنید.", BAD
        elif v.ok:
            verdict, color = "امضا سالم است، ولی این سند در سوابق این کلینیک نیست یا با آن نمی‌خواند.", BAD
        else:
            verdict, color = "نامعتبر: به این فایل اعتماد نکنید.", BAD
        self.verdict.setText(verdict)
        self.verdict.setStyleSheet(f"color: {color};")
        self.problems.setText("\n".join(f"• {p}" for p in v.problems))


class ReportsPage(Page):
    """Monthly report, invoice and file summary: preview, sign, save, print; and the verify panel."""

    def __init__(self, session: Any, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.document: Any = None
        self.kind = ""
        self.params: dict[str, Any] = {}
        self.errors = FormErrors(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("reportTabs")
        self.tabs.addTab(self._documents_tab(), "گزارش‌ها و اسناد")
        self.verify = VerifyPanel(session, self.tabs)
        self.tabs.addTab(self.verify, "بررسی گزارش امضاشده")
        QVBoxLayout(self).addWidget(self.tabs)
        self.load_contracts()
        self.load_marks()
        self._update_actions()

    def load_marks(self) -> None:
        """Signed months changed since signing: each needs a correction signed."""
        from app.services.signed_months import months_needing_correction
        from app.ui.pages.dashboard import correction_mark_text

        marks = months_needing_correction(self.session.ctx) if self.is_manager else []
        self.marks = marks
        self.correction_notice.setText("\n".join(correction_mark_text(m) for m in marks))
        self.correction_notice.setVisible(bool(marks))

    # --- building ----------------------------------------------------------------------------

    def _documents_tab(self) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.errors.general)
        self.correction_notice = QLabel("", tab)
        self.correction_notice.setObjectName("correctionNotice")
        self.correction_notice.setWordWrap(True)
        self.correction_notice.setStyleSheet(f"color: {BAD}; font-weight: bold;")
        self.correction_notice.hide()
        layout.addWidget(self.correction_notice)
        layout.addWidget(self._choice_box(tab))
        layout.addLayout(self._result_bar(tab))
        self.preview = PreviewArea(tab)
        layout.addWidget(self.preview, 1)
        return tab

    def _choice_box(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox("کدام گزارش", parent)
        self.contract = QComboBox(box)
        self.contract.setObjectName("contract")
        self.contract.setMinimumContentsLength(30)
        self.month = QComboBox(box)
        self.month.setObjectName("month")
        self.month.addItems(PERSIAN_MONTHS)
        self.year = QSpinBox(box)
        self.year.setObjectName("year")
        self.year.setRange(1390, 1500)
        self._default_month()
        month_row = QWidget(box)
        month_layout = QHBoxLayout(month_row)
        month_layout.setContentsMargins(0, 0, 0, 0)
        month_layout.addWidget(self.month)
        month_layout.addWidget(self.year)
        month_layout.addStretch(1)
        self.preview_button = self._button("پیش‌نمایش گزارش ماهانه", "previewMonthly", lambda: self.make("monthly"), box)
        self.preview_button.setDefault(True)
        self.sign_button = self._button("امضا و ثبت…", "sign", self.sign, box)
        self.invoice_button = self._button("صورتحساب", "invoice", lambda: self.make("invoice"), box)
        self.file_number = NormalizingLineEdit(box, digits="persian")
        self.file_number.setObjectName("file")
        self.file_number.setPlaceholderText("شماره پرونده بهزیستی یا کلینیک")
        self.file_number.returnPressed.connect(lambda: self.make("case"))
        self.case_button = self._button("خلاصه پرونده", "caseSummary", lambda: self.make("case"), box)
        form = QFormLayout()
        form.addRow("قرارداد (&C):", self.errors.field_box("contract", self.contract))
        form.addRow("ماه:", self.errors.field_box("month", month_row))
        buttons = QHBoxLayout()
        for button in (self.preview_button, self.sign_button, self.invoice_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        case_row = QHBoxLayout()
        case_row.addWidget(QLabel("خلاصه پرونده یک مددجو:", box))
        case_row.addWidget(self.errors.field_box("file", self.file_number), 1)
        case_row.addWidget(self.case_button)
        layout = QVBoxLayout(box)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addLayout(case_row)
        if not self.is_manager:
            for widget in (self.contract, self.month, self.year, self.preview_button, self.sign_button,
                           self.invoice_button):
                widget.setEnabled(False)
            note = QLabel("گزارش ماهانه و صورتحساب را مدیر کلینیک می‌سازد و امضا می‌کند.", box)
            layout.addWidget(note)
        from app.services.policy import permits
        from app.services.reports import generate_case_summary
        if not permits(self.session.actor, generate_case_summary):  # a clerk: no file summaries
            self.file_number.setEnabled(False)
            self.case_button.setEnabled(False)
            self.case_button.setToolTip("خلاصه پرونده را مددکار، روانشناس یا مدیر می‌سازد.")
        return box

    def _button(self, text: str, name: str, slot, parent: QWidget) -> QPushButton:
        button = QPushButton(text, parent)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    def _result_bar(self, parent: QWidget) -> QHBoxLayout:
        self.status = QLabel("", parent)
        self.status.setObjectName("documentStatus")
        self.status.setWordWrap(True)
        self.save_pdf_button = self._button("ذخیره PDF…", "savePdf", self.save_pdf_as, parent)
        self.save_pdf_button.setToolTip("Ctrl+S")
        self.save_xlsx_button = self._button("ذخیره Excel…", "saveXlsx", self.save_xlsx_as, parent)
        self.print_button = self._button("چاپ…", "print", self.print_document, parent)
        self.open_button = self._button("باز کردن", "open", self.open_document, parent)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save_pdf_as)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        for button in (self.save_pdf_button, self.save_xlsx_button, self.print_button, self.open_button):
            row.addWidget(button)
        return row

    def _default_month(self) -> None:
        """Last month: at the start of a month, the report of the month just ended is due."""
        year, month, _ = to_jalali(self.session.ctx.today())
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        self.year.setValue(year)
        self.month.setCurrentIndex(month - 1)

    def load_contracts(self) -> None:
        from app.services.contracts import list_contracts

        today = self.session.ctx.today()
        self.contract.clear()
        chosen = 0
        for i, c in enumerate(list_contracts(self.session.ctx)):
            self.contract.addItem(f"{identifier_text(c.number)} — {c.office_name}", c.id)
            if c.start_date <= today <= c.end_date and chosen == 0:
                chosen = i
        self.contract.setCurrentIndex(chosen)

    def select_month(self, year: int, month: int) -> None:
        self.year.setValue(year)
        self.month.setCurrentIndex(month - 1)

    def select_contract(self, contract_id: int) -> None:
        self.contract.setCurrentIndex(self.contract.findData(contract_id))

    # --- making documents --------------------------------------------------------------------

    def _choice(self, kind: str) -> dict[str, Any]:
        if kind == "case":
            from app.services.reports import find_case_id

            if not self.file_number.text().strip():
                raise DomainError("شماره پرونده را وارد کنید.", field="file")
            return {"case_id": find_case_id(self.session.ctx, self.file_number.text())}
        contract_id = self.contract.currentData()
        if contract_id is None:
            raise DomainError("هنوز قراردادی ثبت نشده است (صفحه قراردادها).", field="contract")
        return {"contract_id": contract_id, "year": self.year.value(), "month": self.month.currentIndex() + 1}

    def make(self, kind: str, sign_password: str | None = None, **options: Any) -> Any:
        """Generate (and with a password, sign) a document and show it. The document, or None.

        Signing a month that has not ended asks for a confirmation naming the missing days;
        signing a month (or invoice) again asks for the correction's reason."""
        from app.services.reports import UnfinishedMonth

        self.errors.clear()
        try:
            params = self._choice(kind)
            # _work raises OperationCancelled where the work really stops (the monthly report); an
            # invoice or a summary recorded while «لغو» was pressed is shown, not dropped.
            document, images, total = run_with_progress(
                self, f"در حال ساختن {document_title(kind)}…", self._work, kind, params, sign_password, options,
                raise_if_cancelled=False)
        except OperationCancelled:
            return None
        except UnfinishedMonth as error:
            if not messages.confirm(self, "این ماه هنوز تمام نشده است. امضا شود؟", error.message,
                                    yes="امضای ماه ناتمام", no="انصراف"):
                return None
            return self.make(kind, sign_password, **options, confirm_unfinished=True)
        except DomainError as error:
            if sign_password is not None and error.field == "correction_reason":
                reason = self.ask_correction_reason(error.message)
                if reason:
                    return self.make(kind, sign_password, **{**options, "correction_reason": reason})
                return None
            self.errors.show(error)
            return None
        self.document, self.kind, self.params = document, kind, params
        self._show(document, images, total)
        if document.signed:
            self.load_marks()
        return document

    def ask_correction_reason(self, message: str) -> str:
        """Why is this month signed again? Printed on the correction; empty when cancelled."""
        from PySide6.QtWidgets import QInputDialog

        text, accepted = QInputDialog.getMultiLineText(self, "دلیل اصلاح", f"{message}\n\nدلیل اصلاح:")
        return text.strip() if accepted else ""

    def _work(self, progress, cancelled, kind: str, params: dict[str, Any], sign_password: str | None,
              options: dict[str, Any] | None = None):
        from app.services import reports

        def report(done: int, total: int) -> None:
            if cancelled():
                raise OperationCancelled()  # the service writes nothing until the very end
            progress(done, total)

        ctx = self.session.ctx
        if kind == "monthly":
            document = reports.generate_monthly(ctx, params["contract_id"], params["year"], params["month"],
                                                sign_password=sign_password, progress=report, **(options or {}))
        elif kind == "invoice":
            document = reports.generate_invoice(ctx, params["contract_id"], params["year"], params["month"],
                                                sign_password=sign_password, **(options or {}))
        else:
            document = reports.generate_case_summary(ctx, params["case_id"], sign_password=sign_password)
        progress(0, 0)  # the document is made and recorded: drawing the preview is not cancelled
        images, total = render_pages(document.pdf)
        return document, images, total

    def _show(self, document: Any, images: list[QImage], total: int) -> None:
        state = "امضاشده" if document.signed else "پیش‌نویس — امضا نشده"
        correction = f" — اصلاحیه شماره {to_persian_digits(document.correction_number)}" \
            if document.correction_number else ""
        self.status.setText(f"{document_title(self.kind)} — شناسه \u2066{document.report_id}\u2069 — {state}{correction}")
        self.status.setStyleSheet(f"color: {GOOD};" if document.signed else "")
        if images:
            self.preview.show_pages(images, total)
        else:
            self.preview.show_note(f"{document_title(self.kind)} ساخته شد. پیش‌نمایش صفحه‌ها در این رایانه در دسترس "
                                   "نیست؛ «باز کردن» آن را در برنامه نمایش PDF نشان می‌دهد.")
        self._update_actions()

    def sign(self) -> Any:
        """Ask the manager's password (checked before the long work starts), then make it signed."""
        from app.services.reports import check_signing_password

        kind = self.kind or "monthly"
        accepted, _info = ask_password(
            self, "امضای گزارش", f"برای امضای {document_title(kind)}، رمز عبور مدیر را وارد کنید.",
            lambda password: (check_signing_password(self.session.ctx, password), password), "امضا")
        if not accepted:
            return None
        return self.make(kind, sign_password=_info[1])

    def _update_actions(self) -> None:
        has = self.document is not None
        for button in (self.save_pdf_button, self.print_button, self.open_button):
            button.setEnabled(has)
        self.save_xlsx_button.setEnabled(has and getattr(self.document, "xlsx", None) is not None)
        self.sign_button.setEnabled(self.is_manager)

    # --- the made document -------------------------------------------------------------------

    def save_pdf(self, path: Path) -> None:
        write_file(path, self.document.pdf)

    def save_xlsx(self, path: Path) -> None:
        write_file(path, self.document.xlsx)

    def _save_as(self, suffix: str, title: str, file_filter: str, writer) -> None:
        if self.document is None:
            return
        name = getattr(self.document, "file_name", "") or f"{self.document.report_id}.pdf"
        start = str(Path.home() / (name[:-4] + suffix))
        path, _ = QFileDialog.getSaveFileName(self, title, start, file_filter)
        if not path:
            return
        target = Path(path) if path.lower().endswith(suffix) else Path(path + suffix)
        try:
            writer(target)
        except OSError as exc:
            messages.warn(self, "فایل ذخیره نشد.", exc.strerror or str(exc))

    def save_pdf_as(self) -> None:
        self._save_as(".pdf", "ذخیره PDF", "PDF (*.pdf)", self.save_pdf)

    def save_xlsx_as(self) -> None:
        if self.document is not None and self.document.xlsx is not None:
            self._save_as(".xlsx", "ذخیره Excel", "Excel (*.xlsx)", self.save_xlsx)

    def _temp_pdf(self) -> Path | None:
        if self.document is None:
            return None
        return temp_copy(f"{self.document.report_id}.pdf", self.document.pdf)

    def open_document(self) -> None:
        path = self._temp_pdf()
        if path is not None and not open_with_system(path):
            messages.warn(self, "برنامه‌ای برای نمایش PDF پیدا نشد.", str(path))

    def print_document(self) -> None:
        path = self._temp_pdf()
        if path is None:
            return
        if not print_with_system(path):
            messages.warn(self, "برنامه‌ای برای چاپ PDF پیدا نشد.", str(path))
        elif not sys.platform.startswith("win"):
            messages.inform(self, "گزارش در برنامه نمایش PDF باز شد؛ از همان‌جا چاپ کنید.")
