"""A fresh process that starts the desktop program offscreen and says when its windows appear.

    QT_QPA_PLATFORM=offscreen python -m benchmarks.gui_probe start DATA_DIR PASSWORD
    QT_QPA_PLATFORM=offscreen python -m benchmarks.gui_probe rss   DATA_DIR PASSWORD
    QT_QPA_PLATFORM=offscreen python -m benchmarks.gui_probe bare

It goes through the real start path, app.ui.machinery.main.run_gui, and only watches: an event filter on
the application notes the Show of the sign-in window ("signIn") and of the main window
("mainWindow"), signs in as the demo manager once the database is open, and prints one JSON line
per event ({"event", "t": ms since this process began its first line}). `benchmarks.run` reads
the lines and times them from its own clock as well, which includes the interpreter's start.

start: once the main window has shown and the event loop has turned once after it ("main_idle"),
       waits for the dashboard's sections to arrive ("dashboard": when its `loaded` fired, with
       the GUI thread's longest stall meanwhile, from a 5 ms timer), then exits (os._exit, no
       exit backup). The dashboard's queries run in the background; what the GUI thread does
       with their results is what the stall shows.
rss:   then opens the case list page, waits until its rows are counted (the first page is shown
       before the count arrives), scrolls through every row of it page by page from the top to
       the end, runs a few searches, and prints peak and current memory (/proc/self/status).
       (Until issue 17 it read the row count before the count arrived - 100, the first page -
       and so scrolled only those 100 rows.)
bare:  the floor for a cold start: a bare PySide6 dialog with two fields, no application code.
"""

from __future__ import annotations

import json
import os
import sys
import time

T0 = time.perf_counter()


def emit(event: str, **fields) -> None:
    fields = {"event": event, "t": round((time.perf_counter() - T0) * 1000, 2), **fields}
    sys.stdout.write(json.dumps(fields, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def memory() -> dict:
    """Peak and current resident memory in MB, from /proc/self/status (Linux)."""
    wanted = {"VmHWM", "VmRSS", "RssAnon", "RssFile"}
    found = {}
    try:
        with open("/proc/self/status") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in wanted:
                    found[key] = round(int(value.split()[0]) / 1024, 1)
    except OSError:
        pass
    return found


def finish(code: int = 0) -> None:
    sys.stdout.flush()
    os._exit(code)  # no exit backup, no teardown: the figures are taken


def bare() -> int:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QDialog, QFormLayout, QLineEdit, QPushButton

    class Watch(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
            if event.type() == QEvent.Type.Show and obj is dialog:
                emit("signin")
                finish()
            return False

    app = QApplication(sys.argv[:1])
    watch = Watch()
    app.installEventFilter(watch)
    dialog = QDialog()
    form = QFormLayout(dialog)
    form.addRow("user", QLineEdit(dialog))
    form.addRow("password", QLineEdit(dialog))
    form.addRow(QPushButton("OK", dialog))
    dialog.show()
    return app.exec()


class Driver:
    """Signs in, then (rss) walks the case list; every step is driven from the Qt event loop."""

    def __init__(self, app, mode: str, password: str):
        from PySide6.QtCore import QEvent, QObject, QTimer
        from PySide6.QtGui import QShowEvent

        self.mode, self.password = mode, password
        self.QTimer = QTimer
        self.show_type = QEvent.Type.Show
        self.signed_in = False
        self.main_seen = False
        driver = self

        class Filter(QObject):
            def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
                # isinstance first: the probe sees every event, and event.type() costs ~4 µs a call
                # (it made the probe itself a visible part of what it measured)
                if isinstance(event, QShowEvent) and event.type() == driver.show_type and obj.isWidgetType() \
                        and obj.isWindow():
                    driver.shown(obj)
                return False

        self.filter = Filter(app)
        app.installEventFilter(self.filter)

    def later(self, ms: int, fn) -> None:
        self.QTimer.singleShot(ms, fn)

    def shown(self, window) -> None:
        name = window.objectName()
        if name == "signIn" and not self.signed_in:
            emit("signin")
            self.later(0, lambda: self.sign_in(window))
        elif name == "mainWindow" and not self.main_seen:
            self.main_seen = True
            emit("main", **memory())
            self.later(0, lambda: self.after_main(window))

    def sign_in(self, dialog) -> None:
        if dialog.db is None:  # the database is still being opened in the background
            self.later(2, lambda: self.sign_in(dialog))
            return
        emit("db_ready")
        self.signed_in = True
        dialog.username.setText("manager")
        dialog.password.setText(self.password)
        emit("submit")
        if not dialog.submit():
            emit("error", message="sign-in refused")
            finish(3)

    def after_main(self, window) -> None:
        emit("main_idle", **memory())
        if self.mode == "start":
            self.watch_dashboard(window.show_page("dashboard"))
            return
        page = window.show_page("cases")
        counted = {}
        page.counted.connect(lambda n: counted.setdefault("n", n))
        emit("cases_shown", rows=page.model.rowCount(), **memory())
        self.wait_for_count(page, counted, time.perf_counter())

    def watch_dashboard(self, page) -> None:
        if getattr(page, "loaded_at", 1):  # already loaded (or not a dashboard): nothing to wait for
            emit("dashboard", stall_ms=0.0, **memory())
            finish()
        stall = {"last": time.perf_counter(), "max": 0.0}
        timer = self.QTimer(page)
        timer.setInterval(5)

        def tick():
            now = time.perf_counter()
            stall["max"] = max(stall["max"], now - stall["last"])
            stall["last"] = now
            if now - self.main_at > 120:
                emit("error", message="the dashboard did not load in 120 s")
                finish(5)

        def loaded():
            tick()
            emit("dashboard", stall_ms=round(stall["max"] * 1000, 1), **memory())
            finish()

        timer.timeout.connect(tick)
        page.loaded.connect(loaded)
        self.main_at = time.perf_counter()
        timer.start()

    def wait_for_count(self, page, counted: dict, since: float) -> None:
        """The list's full count, then every row scrolled. The count comes a moment after the first
        page (or at once, before we listen, for a list shorter than a page: then after 20 s the
        rows shown are all there are)."""
        if "n" not in counted and time.perf_counter() - since < 20:
            self.later(5, lambda: self.wait_for_count(page, counted, since))
            return
        emit("counted", rows=page.model.rowCount(), count=counted.get("n"), **memory())
        self.steps = self.scroll_steps(page) + self.search_steps(page)
        self.step_started = time.perf_counter()
        self.next_step()

    # -- the case list (rss) ---------------------------------------------------------------------

    def scroll_steps(self, page) -> list:
        from app.ui.widgets.paged_model import PAGE_SIZE
        rows = page.model.rowCount()
        table = page.table

        def go(row):
            def start():
                table.scrollTo(page.model.index(row, 0))
                table.viewport().repaint()

            def done():
                return page.model.has_page(row // PAGE_SIZE)
            return start, done

        targets = list(range(0, rows, PAGE_SIZE)) + [rows - 1]  # every page, top to bottom
        return [go(row) for row in targets if rows]

    def search_steps(self, page) -> list:
        texts = ["محمد", "رضایی", "علی پور", "۱۴۰", "زهرا احمدی", ""]
        box = {}

        def go(text):
            def start():
                box["done"] = False
                page.rowsUpdated.connect(box.setdefault("slot", lambda _n: box.__setitem__("done", True)))
                page.search.setText(text)
                page.search_now()

            def done():
                return box.get("done", False)
            return start, done

        return [go(text) for text in texts]

    def next_step(self) -> None:
        if not self.steps:
            emit("rss", **memory())
            finish()
        start, done = self.steps.pop(0)
        start()
        self.wait(done, time.perf_counter())

    def wait(self, done, since: float) -> None:
        if done():
            self.later(0, self.next_step)
        elif time.perf_counter() - since > 20:
            emit("error", message="a case list page did not arrive in 20 s")
            finish(4)
        else:
            self.later(5, lambda: self.wait(done, since))


def run(mode: str, data_dir: str, password: str) -> int:
    from pathlib import Path

    import app.ui.machinery.application as application
    real_create = application.create_application
    holder = {}

    def create_application(argv=None):
        app = real_create(argv)
        holder["driver"] = Driver(app, mode, password)  # kept alive with the application
        emit("qt_ready")
        return app

    application.create_application = create_application
    from app.ui.machinery.main import run_gui
    emit("imported")
    return run_gui(Path(data_dir), sys.argv[:1])


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    mode = sys.argv[1]
    if mode == "bare":
        return bare()
    return run(mode, sys.argv[2], sys.argv[3])


if __name__ == "__main__":
    sys.exit(main())
