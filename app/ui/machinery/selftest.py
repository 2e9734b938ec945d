"""`parvandeh selftest`, the screens: every page of the main window, every tab of a case window and of
the county office's window, built from the real modules on demo folders, offscreen. A page the bundle lost shows as the
«not ready» placeholder, which is a failure here."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterator

from app.selftest import Check, app_modules, attempt, import_all


def _application():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication
    from app.ui.machinery.application import create_application
    return QApplication.instance() or create_application(["parvandeh-selftest"])


def _manager_session(data_dir: Path):
    from app.storage.datadir import open_database
    from app.ui.machinery.session import AppSession
    db = open_database(data_dir)
    from app.services.accounts import sign_in
    from app.services.demo import DEMO_MANAGER
    from app.selftest import DEMO_PASSWORD
    # Signed in like a person: services refuse an actor built by hand.
    return AppSession(data_dir, db, sign_in(db, DEMO_MANAGER, DEMO_PASSWORD))


def _process_events(app) -> None:
    for _ in range(3):
        app.processEvents()


def ui_checks(data_dir: Path) -> Iterator[Check]:
    """One check per page and per case tab; the windows are closed before this returns."""
    ui_modules = [m for m in app_modules(include_ui=True) if m == "app.ui" or m.startswith("app.ui.")]
    yield attempt("ماژول‌های رابط (ui modules)", lambda: import_all(ui_modules))
    started = attempt("رابط گرافیکی (Qt offscreen)", lambda: _application().platformName())
    yield started
    if not started.ok:
        return
    app = _application()
    holder: list = []
    opened = attempt("پنجره اصلی (main window)", lambda: _open_main(holder, data_dir, app))
    yield opened
    if not opened.ok:
        return
    session, window = holder
    try:
        yield from _page_checks(window, app)
        yield from _case_tab_checks(session, app)
        yield from _office_checks(Path(tempfile.mkdtemp(prefix="office-data-", dir=data_dir.parent)), app)
    finally:
        from app.ui.cases.case_window import close_all_case_windows
        close_all_case_windows()
        window.stop_work()
        window.hide()
        window.deleteLater()
        _process_events(app)
        session.db.dispose()


def _open_main(holder: list, data_dir: Path, app) -> str:
    from app.ui.machinery.main_window import MainWindow
    session = _manager_session(data_dir)
    window = MainWindow(session, username="selftest")
    window.show()
    _process_events(app)
    holder.extend([session, window])
    return window.windowTitle()


def _page_checks(window, app) -> Iterator[Check]:
    from app.ui.machinery.main_window import PAGES
    for spec in PAGES:
        def show(spec=spec) -> str:
            page = window.show_page(spec.key)
            _process_events(app)
            if getattr(page, "placeholder", False) or type(page).__name__ != spec.cls:
                raise RuntimeError(f"صفحه «{spec.title}» ساخته نشد ({spec.module}.{spec.cls} نیست)")
            if window.stack.currentWidget() is not page:
                raise RuntimeError("صفحه نشان داده نشد")
            return type(page).__name__
        yield attempt(f"صفحه {spec.title} ({spec.key})", show)


def _case_tab_checks(session, app) -> Iterator[Check]:
    from app.ui.cases.case_window import open_case_window
    holder: list = []

    def open_window() -> str:
        holder.append(open_case_window(session, 1))
        _process_events(app)
        return holder[0].windowTitle()
    opened = attempt("پنجره پرونده (case window)", open_window)
    yield opened
    if not opened.ok:
        return
    window = holder[0]
    for index, page in enumerate(window.tab_pages):
        def show(index=index, page=page) -> str:
            window.tabs.setCurrentIndex(index)
            _process_events(app)
            if window.tabs.currentWidget() is not page:
                raise RuntimeError("زبانه نشان داده نشد")
            return type(page).__name__
        yield attempt(f"زبانه {window.tabs.tabText(index)}", show)


def _office_checks(folder: Path, app) -> Iterator[Check]:
    """The county office's window (`parvandeh office` folders open it): on a new office folder beside
    the demo clinic's, each of its tabs shown."""
    holder: list = []

    def open_window() -> str:
        from app.office.registry import OfficeContext, set_up_office
        from app.office.storage import open_office, write_marker
        from app.selftest import DEMO_PASSWORD
        from app.ui.pages.office import OfficeWindow
        db = open_office(folder, create=True)
        holder.append(db)
        set_up_office(db, "اداره بهزیستی نمونه", "selftest", DEMO_PASSWORD)
        write_marker(folder, "اداره بهزیستی نمونه")
        window = OfficeWindow(OfficeContext(db, folder))
        holder.append(window)
        window.show()
        _process_events(app)
        return window.windowTitle()
    try:
        opened = attempt("پنجره میز اداره (office window)", open_window)
        yield opened
        if not opened.ok:
            return
        window = holder[1]
        for index in range(window.tabs.count()):
            def show(index=index) -> str:
                window.tabs.setCurrentIndex(index)
                _process_events(app)
                if window.tabs.currentIndex() != index or not window.tabs.currentWidget().isVisible():
                    raise RuntimeError("زبانه نشان داده نشد")
                return type(window.tabs.currentWidget()).__name__
            yield attempt(f"زبانه اداره {window.tabs.tabText(index)}", show)
    finally:
        if len(holder) > 1:
            holder[1].hide()
            holder[1].deleteLater()
            _process_events(app)
        if holder:
            holder[0].dispose()
