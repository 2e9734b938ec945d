"""The Settings page's box for a clinic with several PCs: this PC's server address, with a test."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.errors import DomainError
from app.storage import connect
from app.ui.machinery.runner import BackgroundCall

HELP = ("برای چند رایانه، نشانی پایگاه داده PostgreSQL سرور کلینیک را بنویسید، اتصال را بیازمایید و ذخیره کنید؛ "
        "از اجرای بعدی برنامه این رایانه از سرور استفاده می‌کند. خالی یعنی داده‌ها روی همین رایانه است.")


class ServerBox(QGroupBox):
    def __init__(self, session: Any, parent: QWidget | None = None):
        super().__init__("پایگاه داده مشترک (چند رایانه)", parent)
        self.setObjectName("serverBox")
        self.session = session
        self.call: BackgroundCall | None = None
        layout = QVBoxLayout(self)
        help_label = QLabel(HELP, self)
        help_label.setWordWrap(True)
        layout.addWidget(help_label)
        self.url = QLineEdit(self)
        self.url.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # an address reads left to right
        self.url.setPlaceholderText("postgresql://parvandeh:…@192.168.1.10/parvandeh")
        self.url.setText(connect.saved_url(session.data_dir).replace("postgresql+psycopg://", "postgresql://", 1))
        self.url.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        layout.addWidget(self.url)
        row = QHBoxLayout()
        self.test_button = QPushButton("آزمون اتصال", self)
        self.save_button = QPushButton("ذخیره برای این رایانه", self)
        self.save_button.setEnabled(False)
        row.addWidget(self.test_button)
        row.addWidget(self.save_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.result = QLabel("", self)
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        self.test_button.clicked.connect(self.test)
        self.save_button.clicked.connect(self.save)
        self.url.textEdited.connect(lambda _text: self.save_button.setEnabled(False))
        for widget in (self.url, self.test_button, self.save_button):
            widget.setEnabled(widget is not self.save_button and session.actor.is_manager)

    def test(self) -> None:
        self.result.setText("در حال آزمون اتصال…")
        self.test_button.setEnabled(False)
        self.call = BackgroundCall(connect.test_connection, self.url.text(), parent=self)
        self.call.done.connect(self._tested)
        self.call.failed.connect(self._failed)
        self.call.start()

    def _tested(self, message: str) -> None:
        self.test_button.setEnabled(True)
        self.result.setText(message)
        self.save_button.setEnabled(True)

    def _failed(self, error: BaseException) -> None:
        self.test_button.setEnabled(True)
        self.save_button.setEnabled(False)
        self.result.setText(error.message if isinstance(error, DomainError) else "اتصال آزموده نشد.")

    def save(self) -> None:
        target = connect.save_url(self.session.data_dir, self.url.text())
        self.save_button.setEnabled(False)
        self.result.setText(f"ذخیره شد ({target.name})؛ برنامه را ببندید و دوباره باز کنید.")
