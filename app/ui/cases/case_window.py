"""The case file window: one non-modal window per case, a header and seven tabs.

Opening a file reads the first tab only (open_case, which also records the opening in the
audit trail); the other tabs read their records when first shown. After any change to the
file (from this window or another screen) the header and the tab on screen are read again.
"""

from __future__ import annotations

import datetime as dt

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import DomainError
from app.domain.enums import CaseStatus
from app.persian import age_text, to_persian_digits
from app.services.cases import case_detail, open_case
from app.services.views import CaseDetail, ServiceView
from app.ui.cases import tabs
from app.domain.changes import Changes
from app.ui.cases.common import FILE, FormDialog, add_shortcut, confirm_delete, moment_text, show_dialog
from app.ui.cases.dialogs import StatusDialog
from app.ui.cases.visit_form import VisitForm, draft_saved_at, visit_draft_key
from app.ui.machinery import live
from app.ui.machinery.session import AppSession
from app.ui.widgets.text import identifier_text
from app.ui.machinery.screen_fit import fit_size

TAB_CLASSES = (tabs.IdentityTab, tabs.SummaryTab, tabs.ServicesTab, tabs.ProblemsTab,
               tabs.ReviewsTab, tabs.ReferralsTab, tabs.AttachmentsTab)

_open_windows: dict[int, "CaseWindow"] = {}


HEADER_STYLE = """
QFrame#caseHeader { background: #ffffff; border-bottom: 1px solid #d9dee3; }
QLabel#casePriority { color: #ffffff; background: #c2410c; border-radius: 4px; padding: 2px 8px; }
QLabel#caseStatus { border-radius: 4px; padding: 2px 8px; color: #1e6b3a; border: 1px solid #1e6b3a; }
QLabel#caseStatus[status="closed"] { color: #52606d; border-color: #52606d; }
QLabel#caseStatus[status="returned"] { color: #8a5a00; border-color: #8a5a00; }
"""


class CaseHeader(QFrame):
    """Name, file numbers, status, priority flag and social worker, always in view."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("caseHeader")
        self.setStyleSheet(HEADER_STYLE)  # one sheet for the header: each one costs a re-style
        self.name = QLabel(self)
        self.name.setObjectName("caseName")
        font = QFont(self.name.font())
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.name.setFont(font)
        self.numbers = QLabel(self)
        self.status = QLabel(self)
        self.status.setObjectName("caseStatus")
        self.priority = QLabel("اولویت‌دار", self)
        self.priority.setObjectName("casePriority")
        self.worker = QLabel(self)
        self.buttons = QHBoxLayout()
        self._lay_out()

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.name)
        top.addWidget(self.status)
        top.addWidget(self.priority)
        top.addStretch(1)
        top.addLayout(self.buttons)
        details = QHBoxLayout()
        details.addWidget(self.numbers)
        details.addSpacing(24)
        details.addWidget(self.worker)
        details.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(details)

    def show_detail(self, d: CaseDetail, today: dt.date | None = None) -> None:
        age = age_text(d.birth_date, today) if today else ""
        self.name.setText(f"{d.full_name} ({age})" if age else d.full_name)
        self.numbers.setText(
            f"پرونده بهزیستی: {identifier_text(d.behzisti_file_number)}   "
            f"پرونده کلینیک: {identifier_text(d.clinic_file_number)}")
        self.status.setText(CaseStatus(d.status).label)
        if self.status.property("status") != d.status:
            self.status.setProperty("status", d.status)
            self.status.style().unpolish(self.status)
            self.status.style().polish(self.status)
        self.priority.setVisible(d.priority)
        self.priority.setToolTip(d.priority_reason)
        self.worker.setText(f"مددکار: {d.social_worker_name or '—'}")


class DraftBanner(QFrame):
    """Says that an unsaved visit note is waiting, with «ادامه نوشتن» and «دور انداختن»."""

    def __init__(self, window: "CaseWindow", parent: QWidget):
        super().__init__(parent)
        self.setObjectName("draftBanner")
        self.setStyleSheet("QFrame#draftBanner { background: #fff8e1; border: 1px solid #f0d58c;"
                           " border-radius: 4px; }")
        self.label = QLabel(self)
        self.resume_button = QPushButton("ادامه نوشتن", self)
        self.discard_button = QPushButton("دور انداختن", self)
        self.resume_button.clicked.connect(window.resume_draft)
        self.discard_button.clicked.connect(window.ask_discard_draft)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.resume_button)
        layout.addWidget(self.discard_button)
        self.hide()

    def show_draft(self, saved_text: str) -> None:
        self.label.setText(f"یک یادداشت خدمت ثبت‌نشده از {saved_text} برای این پرونده دارید.")
        self.show()


class CaseWindow(QMainWindow):
    def __init__(self, session: AppSession, detail: CaseDetail, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("caseWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.case_id = detail.id
        self.detail = detail
        self._closing_without_asking = False
        # Every widget is made inside its final parent: moving a built widget under another
        # parent re-applies the stylesheet to all of it, which costs more than building it.
        central = QWidget(self)
        self.setCentralWidget(central)
        self.header = CaseHeader(central)
        self.body = QWidget(central)
        self.banner = DraftBanner(self, self.body)
        self.tabs = QTabWidget(self.body)
        self.tabs.setObjectName("caseTabs")
        # Only the tabs this role may read (a clerk sees identity and contact data): no tab that
        # could only show a refusal.
        self.tab_pages: list[tabs.CaseTab] = [cls(self) for cls in TAB_CLASSES if cls.allowed(session.actor)]
        for page in self.tab_pages:
            self.tabs.addTab(page, page.title)
        self._build_status_buttons()
        self._lay_out(central)
        self._add_shortcuts()
        self.tabs.currentChanged.connect(lambda _index: self.current_tab().load_if_stale())
        live.listen(self)
        self.show_detail(detail)
        self.current_tab().load_if_stale()
        self.show_waiting_draft()
        fit_size(self, 1100, 720)

    # --- building ----------------------------------------------------------------------------

    def _build_status_buttons(self) -> None:
        self.close_file_button = QPushButton("بستن پرونده", self.header)
        self.return_button = QPushButton("عودت به بهزیستی", self.header)
        self.reactivate_button = QPushButton("فعال‌سازی دوباره", self.header)
        self.close_file_button.clicked.connect(lambda: self.change_status(CaseStatus.CLOSED))
        self.return_button.clicked.connect(lambda: self.change_status(CaseStatus.RETURNED))
        self.reactivate_button.clicked.connect(lambda: self.change_status(CaseStatus.ACTIVE))
        from app.services.cases import change_status
        from app.services.policy import permits
        self.may_change_status = permits(self.session.actor, change_status)
        for button in (self.close_file_button, self.return_button, self.reactivate_button):
            self.header.buttons.addWidget(button)

    def _lay_out(self, central: QWidget) -> None:
        body = QVBoxLayout(self.body)
        body.setContentsMargins(8, 0, 8, 8)
        body.addWidget(self.banner)
        body.addWidget(self.tabs, 1)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(6)
        outer.addWidget(self.header)
        outer.addWidget(self.body, 1)

    def _add_shortcuts(self) -> None:
        add_shortcut(self, "Ctrl+Shift+N", self.new_visit)
        add_shortcut(self, "Ctrl+E", self.edit_identity)
        add_shortcut(self, "F5", self.refresh)
        add_shortcut(self, "Ctrl+W", self.close)
        for number in range(len(self.tab_pages)):
            add_shortcut(self, f"Alt+{number + 1}", lambda n=number: self.tabs.setCurrentIndex(n))

    # --- showing -----------------------------------------------------------------------------

    def current_tab(self) -> tabs.CaseTab:
        return self.tab_pages[self.tabs.currentIndex()]

    def tab(self, cls: type) -> Optional[tabs.CaseTab]:
        """The window's tab of that kind, or None when this role does not get it."""
        return next((page for page in self.tab_pages if isinstance(page, cls)), None)

    def show_detail(self, detail: CaseDetail) -> None:
        self.detail = detail
        self.setWindowTitle(f"پرونده {detail.full_name} — {identifier_text(detail.clinic_file_number)}")
        self.header.show_detail(detail, self.session.ctx.today())
        active = detail.status == CaseStatus.ACTIVE.value
        allowed = self.may_change_status  # a clerk gets no button that would only be refused
        self.close_file_button.setVisible(allowed and active)
        self.return_button.setVisible(allowed and active)
        self.reactivate_button.setVisible(allowed and not active)

    def refresh(self) -> None:
        try:
            self.show_detail(case_detail(self.session.ctx, self.case_id))
        except DomainError as error:
            self.statusBar().showMessage(error.message, 5000)
            return
        for page in self.tab_pages:
            page.stale = True
        self.current_tab().load_if_stale()

    def on_changes(self, changes: Changes) -> None:
        """Read again only what the change shows in: a visit note touches the timeline (and
        the problem it is linked to), not the header."""
        parts = changes.parts_of(self.case_id)
        if FILE in parts:
            self.refresh()
            return
        for page in self.tab_pages:
            if any(page.shows(part) for part in parts):
                page.stale = True
        if parts:
            self.current_tab().load_if_stale()

    # --- drafts ------------------------------------------------------------------------------

    def draft_key(self) -> str:
        return visit_draft_key(self.session.ctx.actor.staff_id, self.case_id)

    def show_waiting_draft(self) -> None:
        saved_at = draft_saved_at(self.session, self.draft_key())
        if saved_at is None:
            self.banner.hide()
        else:
            self.banner.show_draft(moment_text(saved_at))

    def ask_discard_draft(self) -> bool:
        """«دور انداختن» on the banner: the note typed is named, «خیر» is the default."""
        data = self.session.drafts.load(self.draft_key()) or {}
        words = str(data.get("note") or "").split()
        start = " ".join(words[:12]) + ("…" if len(words) > 12 else "")
        what = f"یادداشت ثبت‌نشده «{start}»" if start else "یادداشت ثبت‌نشده این پرونده"
        if not confirm_delete(self, "دور انداختن پیش‌نویس", what):
            return False
        self.discard_draft()
        return True

    def discard_draft(self) -> None:
        self.session.drafts.discard(self.draft_key())
        self.banner.hide()

    # --- actions -----------------------------------------------------------------------------

    def new_visit(self, problem_id: Optional[int] = None, *, resume: bool = False) -> Optional[VisitForm]:
        """Open the visit note form (modal to this window; the list and other files stay usable).

        resume: put the waiting draft back without asking (the person pressed «ادامه نوشتن»)."""
        if self.tab(tabs.ServicesTab) is None:
            return None  # a role without services (a clerk): the shortcut does nothing
        if self.detail.status != CaseStatus.ACTIVE.value:
            self.statusBar().showMessage("این پرونده فعال نیست؛ برای ثبت خدمت ابتدا آن را فعال کنید.", 6000)
            return None
        form = VisitForm(self.session, self.case_id, self, offer_draft=not resume,
                         problem_id=problem_id if isinstance(problem_id, int) else None)
        if resume:
            form.restore(self.session.drafts.load(self.draft_key()) or {})
        form.finished.connect(lambda _result: self.show_waiting_draft())
        services = self.tab(tabs.ServicesTab)
        if services is not None:
            self.tabs.setCurrentWidget(services)
        show_dialog(form)
        return form

    def close_without_asking(self) -> None:
        """Close at once (sign-out, lock): a note being typed is kept as its draft on disk and
        offered back next time, instead of a question nobody may be there to answer."""
        self._closing_without_asking = True
        for form in self.findChildren(VisitForm):
            if form.isVisible() and form.autosaver is not None:
                form.autosaver.stop(save=True)
        self.close()

    def resume_draft(self) -> Optional[VisitForm]:
        return self.new_visit(resume=True)

    def edit_visit(self, service: ServiceView):
        return show_dialog(VisitForm(self.session, self.case_id, self, service=service))

    def edit_identity(self):
        from app.ui.cases.case_form import CaseForm
        return show_dialog(CaseForm(self.session, self.detail, self))

    def change_status(self, status: CaseStatus):
        return show_dialog(StatusDialog(self.session, self.case_id, status, self))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        # A form still open over the window asks about its unsaved changes first.
        for form in self.findChildren(FormDialog):
            if form.isVisible() and not self._closing_without_asking:
                form.reject()
                if form.isVisible():
                    event.ignore()
                    return
        attachments = self.tab(tabs.AttachmentsTab)
        if attachments is not None:
            attachments.remove_exports()
        if _open_windows.get(self.case_id) is self:
            del _open_windows[self.case_id]
        super().closeEvent(event)


def open_case_window(session: AppSession, case_id: int, parent: QWidget | None = None) -> CaseWindow:
    """The window of this case: the one already open (brought to the front), or a new one."""
    window = _open_windows.get(case_id)
    if window is not None and window.session is session:
        window.refresh()
    else:
        if window is not None:
            window.close_without_asking()  # opened by another sign-in
        window = CaseWindow(session, open_case(session.ctx, case_id), parent)
        _open_windows[case_id] = window
    window.show()
    window.raise_()
    window.activateWindow()
    return window


def close_all_case_windows() -> None:
    """On sign-out or lock: no child's file may stay on the screen. Notes being typed are
    kept as drafts (see CaseWindow.close_without_asking)."""
    for window in list(_open_windows.values()):
        window.close_without_asking()
