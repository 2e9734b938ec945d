"""Help: the Persian user guide (F1) and the list of keyboard shortcuts.

The guide is docs/guide/*.md, read by app.printing.guide and shown here as HTML with its
chapters in a list at the right; the same reader prints it as PDF.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.printing.guide import headings, read_guide, to_html
from app.resources import guide_dir
from app.ui.machinery.keyboard import SHORTCUTS
from app.ui.machinery.screen_fit import fit_size

NO_GUIDE = "راهنما پیدا نشد. پوشه docs/guide باید کنار برنامه باشد."


class GuideDialog(QDialog):
    """The guide with its chapters at the right; not modal, so it can stay open beside the work."""

    def __init__(self, parent: QWidget | None = None, folder: Path | None = None):
        super().__init__(parent)
        self.setObjectName("guideDialog")
        self.setWindowTitle("راهنمای پرونده")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        folder = folder or guide_dir()
        blocks = read_guide(folder) if folder.exists() else []
        self.contents = QListWidget(self)
        self.contents.setObjectName("guideContents")
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("guideText")
        self.browser.setOpenExternalLinks(False)
        self.browser.setSearchPaths([str(folder)])
        fit_size(self, 980, 720)
        if blocks:
            # pictures as wide as the text on this screen: a wider one would scroll sideways
            width = max(240, min(560, self.width() - 300))
            self.browser.setHtml(to_html(blocks, folder, image_width=width))
        else:
            self.browser.setPlainText(NO_GUIDE)
        for level, text, anchor in headings(blocks):
            if level <= 2:
                item = QListWidgetItem(("" if level == 1 else "   ") + text, self.contents)
                item.setData(Qt.ItemDataRole.UserRole, anchor)
        self.contents.currentItemChanged.connect(
            lambda item, _old: item and self.browser.scrollToAnchor(item.data(Qt.ItemDataRole.UserRole)))
        self.contents.setMaximumWidth(220)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("بستن")
        buttons.rejected.connect(self.reject)
        self.pdf_path = folder / "parvandeh-guide.pdf"
        if self.pdf_path.exists():  # the same guide, printed (scripts/guide_pdf.py)
            pdf = buttons.addButton("نسخه PDF برای چاپ", QDialogButtonBox.ButtonRole.ActionRole)
            pdf.setObjectName("guidePdf")
            pdf.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.pdf_path))))
        row = QHBoxLayout()
        row.addWidget(self.contents)  # first in a right-to-left row: at the right
        row.addWidget(self.browser, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(buttons)
        fit_size(self, 980, 720)


class ShortcutsDialog(QDialog):
    """Every keyboard shortcut, where it works and what it does."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("میانبرهای صفحه‌کلید")
        self.table = QTableWidget(len(SHORTCUTS), 3, self)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels(("کجا", "کلید", "کار"))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (where, keys, what) in enumerate(SHORTCUTS):
            for column, text in enumerate((where, keys, what)):
                item = QTableWidgetItem(text)
                if column == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("بستن")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        fit_size(self, 760, 560)
