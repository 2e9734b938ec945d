"""The main window: the pages in a list at the right, the signed-in person in the status bar.

Pages are built the first time they are shown, so the window opens quickly and a page's heavy
imports (the report printer, for one) wait until someone needs them. Ctrl+1…Ctrl+7 switch pages (Ctrl+8: the manager's receivables).
The screen locks itself after the clinic's idle minutes (app.ui.machinery.lock).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.machinery import messages
from app.ui.machinery.keyboard import label_shortcuts
from app.ui.machinery.lock import DEFAULT_MINUTES, IdleWatcher, ScreenLock, lock_minutes
from app.ui.machinery.screen_fit import available_rect, fit_size, let_shrink, scroll_area
from app.ui.machinery.window_settings import WindowStateKeeper
from app.ui.machinery.sign_in import utc_now


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    module: str
    cls: str
    manager_only: bool = False


PAGES = (
    PageSpec("dashboard", "داشبورد", "app.ui.pages.dashboard", "DashboardPage"),
    PageSpec("cases", "پرونده‌ها", "app.ui.cases.case_list", "CaseListPage"),
    PageSpec("reports", "گزارش‌ها", "app.ui.pages.reports", "ReportsPage"),
    PageSpec("contracts", "قراردادها", "app.ui.pages.contracts", "ContractsPage"),
    PageSpec("staff", "کارکنان", "app.ui.pages.staff", "StaffPage"),
    PageSpec("settings", "تنظیمات", "app.ui.pages.settings", "SettingsPage"),
    PageSpec("audit", "رویدادها", "app.ui.pages.audit", "AuditPage", manager_only=True),
    # Last, so every role keeps the same Ctrl+number for the pages it shares with the others.
    PageSpec("receivables", "مطالبات", "app.ui.pages.receivables", "ReceivablesPage", manager_only=True),
)
NOT_READY = "این بخش در این نسخه هنوز آماده نیست."


class PlaceholderPage(QWidget):
    """Stands in for a page whose module is not there (yet); tried again at each visit."""

    placeholder = True

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("page")
        label = QLabel(f"«{title}» — {NOT_READY}", self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        QVBoxLayout(self).addWidget(label)


class MainWindow(QMainWindow):
    """`finished(reason)` when the window has closed: 'quit', 'sign_out' or 'restore'
    (then `pending_restore` holds the backup path and password)."""

    finished = Signal(str)
    # Emitted from whichever thread a service refused a call in; handled on the GUI thread.
    sessionExpired = Signal(str)

    def __init__(self, session: Any, *, username: str = "", lock_ms: int | None = None,
                 clock=utc_now, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.session = session
        self.username = username
        self.clock = clock
        self.reason = "quit"
        self._force = False
        self._stopped = False
        self.pending_restore: tuple[Any, Any] | None = None
        self.expired_message = ""
        self.pages: dict[str, QWidget] = {}
        # Pages a role has no business on are not offered at all (the services refuse them anyway).
        self.specs = [spec for spec in PAGES if not spec.manager_only or session.actor.is_manager]
        self._build()
        self._build_menus()
        self._build_status_bar()
        self.keeper = WindowStateKeeper(self, session.data_dir, "main")
        if not self.keeper.restore():
            fit_size(self, 1280, 800)  # smaller on a 1024×768 or scaled screen
        self.screen_lock = ScreenLock(session.db, username, session.actor.name, self, clock=clock)
        self.screen_lock.locked.connect(lambda: self.idle.pause())
        self.screen_lock.unlocked.connect(lambda: self.idle.resume())
        self.screen_lock.signOutRequested.connect(lambda: self.sign_out(ask=False))
        # A deactivated or demoted account: every open window goes, back to the sign-in screen.
        self.sessionExpired.connect(self._session_expired, Qt.ConnectionType.QueuedConnection)
        from app.services.policy import on_session_expired
        self._forget_expiry = on_session_expired(self.sessionExpired.emit)
        minutes = lock_minutes(session.ctx) if lock_ms is None else DEFAULT_MINUTES
        self.idle = IdleWatcher(lock_ms if lock_ms is not None else minutes * 60_000, self)
        self.idle.idle.connect(self.lock_screen)
        self.show_page("dashboard")
        from app.ui.machinery.live import LiveUpdates
        self.live = LiveUpdates(session.ctx, self).start()  # others' saves on these screens

    # --- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.setWindowTitle("پرونده")
        self.navigation = QListWidget(self)
        self.navigation.setObjectName("navigation")
        # narrower on a 1024×768 screen at 125–150%, where every pixel of the page counts
        self.navigation.setFixedWidth(180 if available_rect(self).width() >= 900 else 130)
        self.navigation.setIconSize(QSize(0, 0))
        self.navigation.setStyleSheet("QListWidget#navigation { background: #e9edf1; border: none; }"
                                      " QListWidget#navigation::item { padding: 10px 12px; }"
                                      " QListWidget#navigation::item:selected { background: #cfe3ee;"
                                      " color: #1f2933; }")
        for spec in self.specs:
            QListWidgetItem(spec.title, self.navigation)
        self.navigation.currentRowChanged.connect(self._row_changed)
        # a click on a page's name puts the cursor in that page, so typing goes somewhere useful
        self.navigation.itemClicked.connect(lambda _item: _focus_first(self.stack.currentWidget()))
        self.stack = QStackedWidget(self)
        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)  # first in a right-to-left row: at the right
        # A page wider or taller than a small screen scrolls inside the window; it never widens it.
        self.page_scroll = scroll_area(self.stack, central)
        layout.addWidget(self.page_scroll, 1)
        self.setCentralWidget(central)

    def _action(self, text: str, slot, shortcut: Any = None, name: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if name:
            action.setObjectName(name)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work whichever widget has the focus
        return action

    def _build_menus(self) -> None:
        account = self.menuBar().addMenu("حساب (&A)")
        account.addAction(self._action("تغییر رمز عبور…", self.change_password, name="changePassword"))
        account.addAction(self._action("قفل صفحه", self.lock_screen, "Ctrl+L", "lockScreen"))
        account.addAction(self._action("خروج از حساب", lambda: self.sign_out(), "Ctrl+Shift+L", "signOut"))
        account.addSeparator()
        account.addAction(self._action("بستن برنامه", self.close, "Ctrl+Q", "quit"))
        pages = self.menuBar().addMenu("صفحه‌ها (&V)")
        self.page_actions = []
        for n, spec in enumerate(self.specs, start=1):
            action = self._action(spec.title, lambda _=False, key=spec.key: self.show_page(key, focus=True),
                                  f"Ctrl+{n}", f"page_{spec.key}")
            pages.addAction(action)
            self.page_actions.append(action)
        # Ctrl+F from any page: the case list's search box, with what is already in it kept
        self._action("جستجوی پرونده", self.find_case, "Ctrl+F", "findCase")
        help_menu = self.menuBar().addMenu("راهنما (&H)")
        help_menu.addAction(self._action("راهنمای برنامه", self.show_guide, "F1", "guide"))
        help_menu.addAction(self._action("میانبرهای صفحه‌کلید", self.show_shortcuts, name="shortcuts"))
        help_menu.addSeparator()
        help_menu.addAction(self._action("درباره پرونده", self.about, name="about"))

    def _build_status_bar(self) -> None:
        actor = self.session.actor
        self.user_label = QLabel(f"کاربر: {actor.name} — {actor.role.label}", self)
        self.user_label.setObjectName("userLabel")
        self.statusBar().addWidget(self.user_label)
        folder = QLabel(str(self.session.data_dir), self)
        folder.setObjectName("dataFolder")
        folder.setToolTip("پوشه داده")
        folder.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # a path reads left to right
        let_shrink(folder)  # a long path must not widen the window
        self.statusBar().addPermanentWidget(folder)

    # --- pages -------------------------------------------------------------------------------

    def _spec(self, key: str) -> PageSpec:
        return next(spec for spec in self.specs if spec.key == key)

    def _make_page(self, spec: PageSpec) -> QWidget:
        try:
            module = importlib.import_module(spec.module)
        except ImportError as exc:
            if not spec.module.startswith("app.ui.cases"):
                raise  # our own pages must import; hiding that would hide a bug
            del exc
            return PlaceholderPage(spec.title, self.stack)
        page = getattr(module, spec.cls)(self.session, self.stack)
        self._connect_page(page)
        return page

    def _connect_page(self, page: QWidget) -> None:
        for action in page.actions():
            if action.shortcut() == QKeySequence("Ctrl+F"):
                action.setShortcut(QKeySequence())  # the window's Ctrl+F does it from every page
        label_shortcuts(page)
        if hasattr(page, "lockMinutesChanged"):
            page.lockMinutesChanged.connect(self.idle.set_minutes)
        if hasattr(page, "restoreRequested"):
            page.restoreRequested.connect(self.restore)
        if hasattr(page, "changePasswordRequested"):
            page.changePasswordRequested.connect(self.change_password)

    def page(self, key: str) -> QWidget:
        """The page (built now if it has not been, or if it was a placeholder)."""
        page = self.pages.get(key)
        if page is None or getattr(page, "placeholder", False):
            if page is not None:
                self.stack.removeWidget(page)
                page.deleteLater()
            page = self._make_page(self._spec(key))
            self.pages[key] = page
            self.stack.addWidget(page)
        return page

    def show_page(self, key: str, focus: bool = False) -> QWidget:
        row = [spec.key for spec in self.specs].index(key)
        if self.navigation.currentRow() != row:
            self.navigation.setCurrentRow(row)  # _row_changed shows it
        else:
            self.stack.setCurrentWidget(self.page(key))
        page = self.stack.currentWidget()
        if focus:
            _focus_first(page)
        return page

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self.specs):
            self.stack.setCurrentWidget(self.page(self.specs[row].key))

    def current_key(self) -> str:
        return self.specs[self.navigation.currentRow()].key

    # --- account -----------------------------------------------------------------------------

    def change_password(self) -> None:
        from app.ui.widgets.passwords import ChangePasswordDialog

        dialog = ChangePasswordDialog(self.session, self)
        if dialog.exec():
            messages.inform(self, "رمز عبور شما تغییر کرد.")

    def lock_screen(self) -> None:
        self.screen_lock.lock()

    def sign_out(self, ask: bool = True) -> None:
        self._close_as("sign_out", ask)

    def _session_expired(self, message: str) -> None:
        self.expired_message = message
        self.sign_out(ask=False)

    def restore(self, path: Any, password: Any) -> None:
        """Settings asked for a restore: the window closes and the program does it (main.py)."""
        self.pending_restore = (path, password)
        if not self._close_as("restore", ask=False):
            self.pending_restore = None

    def _close_as(self, reason: str, ask: bool) -> bool:
        self.reason = reason
        closed = self.close() if ask else self._force_close()
        if not closed:
            self.reason = "quit"
        return closed

    def _force_close(self) -> bool:
        self._force = True
        try:
            return self.close()
        finally:
            self._force = False

    def find_case(self) -> None:
        page = self.show_page("cases")
        focus = getattr(page, "focus_search", None)
        if focus is not None:
            focus()
            search = getattr(page, "search", None)
            if search is not None:  # keep the earlier search: the next key adds to it
                search.deselect()
                search.end(False)

    def show_guide(self) -> None:
        from app.ui.pages.guide import GuideDialog

        if getattr(self, "guide", None) is None:
            self.guide = GuideDialog(self)
        self.guide.show()
        self.guide.raise_()
        self.guide.activateWindow()

    def show_shortcuts(self) -> None:
        from app.ui.pages.guide import ShortcutsDialog

        ShortcutsDialog(self).exec()

    def about(self) -> None:
        import app

        messages.inform(self, f"پرونده — نسخه {app.__version__}",
                        "پرونده‌های مددجویان کلینیک مددکاری اجتماعی، گزارش ماهانه امضاشده، قراردادها و پشتیبان‌گیری.")

    # --- closing -----------------------------------------------------------------------------

    def other_windows(self) -> list[QWidget]:
        """Windows opened from this one (case files) that must close with it."""
        return [w for w in QApplication.topLevelWidgets()
                if w is not self and w.isVisible() and w.isWindow()
                and w.windowType() not in (Qt.WindowType.Popup, Qt.WindowType.ToolTip)]

    def _close_others(self) -> bool:
        for window in self.other_windows():
            if not window.close() and not getattr(self, "_force", False):
                return False  # it has unsaved input and the person chose to stay
        return True

    def stop_work(self, timeout: float | None = None) -> None:
        """Let background readers finish before the database closes: our pages' stop(), and a
        close() for every page, whose closeEvent ends its own loaders (the case list's). Once."""
        if self._stopped:
            return
        self._stopped = True
        self.live.stop(timeout)
        for page in self.pages.values():
            stop = getattr(page, "stop", None)
            if stop is not None:
                stop(timeout)
            page.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.screen_lock.is_locked() and not getattr(self, "_force", False):
            event.ignore()
            return
        if not self._close_others():
            event.ignore()
            return
        self.idle.stop()
        self.stop_work()
        self._forget_expiry()
        super().closeEvent(event)
        if event.isAccepted():
            self.finished.emit(self.reason)


def _focus_first(page: QWidget) -> None:
    """Put the cursor in the page's first field, so a shortcut lands where typing starts."""
    for child in page.findChildren(QWidget):
        if child.isVisible() and child.isEnabled() and child.focusPolicy() & Qt.FocusPolicy.TabFocus:
            child.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
    page.setFocus(Qt.FocusReason.ShortcutFocusReason)
