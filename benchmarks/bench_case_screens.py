"""Timings of the case screens on a large data folder, measured through the real widgets.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_case_screens.py --data-dir COPY-OF-BIG

Writes to the folder (opening a file is audited, visits are saved): run it on a copy.
Measures: the case list's first page (construct + first paint), a search keystroke until the
new rows are on screen (identifier searches and name searches apart) with the longest stall
of the GUI thread meanwhile, opening a case window, and saving a visit note.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.persian import to_persian_digits  # noqa: E402
from app.services.accounts import sign_in  # noqa: E402
from app.services.caselist import CaseQuery, count_cases, list_cases  # noqa: E402
from app.storage.datadir import open_database  # noqa: E402
from app.ui.machinery.application import create_application  # noqa: E402
from app.ui.machinery.session import AppSession  # noqa: E402


def ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


class StallMeter:
    """Ticks every 5 ms on the GUI thread; the longest gap between ticks is the worst freeze."""

    def __init__(self):
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.clock = QElapsedTimer()
        self.longest = 0

    def start(self) -> None:
        self.longest = 0
        self.clock.start()
        self.timer.start()

    def _tick(self) -> None:
        self.longest = max(self.longest, self.clock.restart())

    def stop(self) -> int:
        self.timer.stop()
        return self.longest


def first_page(session: AppSession, app: QApplication) -> tuple[float, object]:
    from app.ui.cases.case_list import CaseListPage
    start = time.perf_counter()
    page = CaseListPage(session)
    page.resize(1300, 700)
    page.show()
    app.processEvents()  # lays out and paints the first screen of rows
    return ms(start), page


def type_key(widget, ch: str) -> None:
    """One key as a keyboard sends it (Persian characters included)."""
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def close(page, app: QApplication) -> None:
    page.close()
    page.deleteLater()
    app.processEvents()


class PaintWatch(QObject):
    """Notes when the table's viewport is painted: a paint seen after the rows arrived ends the
    measurement once the event loop returns (the paint is then done)."""

    def __init__(self, viewport):
        super().__init__()
        self.last = 0.0
        viewport.installEventFilter(self)

    def eventFilter(self, _watched, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Paint:
            self.last = time.perf_counter()
        return False


def wait_for_rows(app: QApplication, done: list, paints: PaintWatch, limit: float) -> None:
    """Run the event loop until the search's rows arrived and the table painted them."""
    while time.perf_counter() < limit:
        app.processEvents()
        if done and paints.last > done[0]:
            return
        time.sleep(0.0005)


def keystroke(page, app: QApplication, text: str, stall: StallMeter, paints: PaintWatch) -> tuple[float, int]:
    """Type the last character of text (the rest is already searched and on screen) and time
    it until its rows are painted."""
    done = []
    arrived = lambda _count: done.append(time.perf_counter())  # noqa: E731
    page.rowsUpdated.connect(arrived)
    page.search.setText(text[:-1])
    page.search_now()
    wait_for_rows(app, done, paints, time.perf_counter() + 10)
    done.clear()
    stall.start()
    start = time.perf_counter()
    type_key(page.search, text[-1])
    wait_for_rows(app, done, paints, start + 10)
    elapsed = ms(start)
    page.rowsUpdated.disconnect(arrived)
    return elapsed, stall.stop()


def report(label: str, values: list[float]) -> None:
    """Median and worst, and the best as the estimate for a machine nobody else is using."""
    print(f"{label:<46} median {statistics.median(values):6.1f} ms   best {min(values):6.1f}"
          f"   worst {max(values):6.1f}   (n={len(values)})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--user", default="manager")
    parser.add_argument("--password", default="parvandeh-demo")
    parser.add_argument("--json", action="store_true",
                        help="end with one line of JSON holding every timing (for benchmarks.run)")
    args = parser.parse_args()
    timings = measure(args)
    if args.json:
        print(json.dumps(timings))


def measure(args) -> dict[str, list[float]]:
    app = create_application(["bench"])
    db = open_database(Path(args.data_dir))
    session = AppSession(Path(args.data_dir), db, sign_in(db, args.user, args.password))

    cold, page = first_page(session, app)
    close(page, app)
    warm = []
    for _ in range(5):
        elapsed, page = first_page(session, app)
        warm.append(elapsed)
        close(page, app)
    timings = {"first_page_cold": [cold], "first_page": warm}
    print(f"{'case list first page, cold (first ever)':<44} {cold:7.1f} ms")
    report("case list first page, warm", warm)

    total = count_cases(session.ctx, CaseQuery())
    sample = list_cases(session.ctx, CaseQuery(), max(0, min(5000, total - 40)), 40)
    ids = [to_persian_digits(r.national_code[:7]) for r in sample[:8] if r.national_code]
    ids += [r.behzisti_file_number[:9] for r in sample[8:14]]
    names = [r.last_name[:4] for r in sample[14:22]]
    names += [f"{r.first_name} {r.last_name[:3]}" for r in sample[22:30]]
    stall = StallMeter()
    _, page = first_page(session, app)
    table_paints = PaintWatch(page.table.viewport())
    for key, label, queries in (("keystroke_numbers", "search keystroke → rows, identifiers", ids),
                                ("keystroke_names", "search keystroke → rows, names", names)):
        results = [keystroke(page, app, q, stall, table_paints) for q in queries]
        timings[key] = [r[0] for r in results]
        timings[f"{key}_stall"] = [r[1] for r in results]
        report(label, timings[key])
        print(f"{'   longest GUI-thread stall meanwhile':<44} max {max(r[1] for r in results):7.1f} ms")
    pause = page.debounce.timer.interval()
    print(f"   (includes the {pause} ms pause that makes a burst of keys one search)")
    close(page, app)  # an open list reloads after every save below: not what is measured

    from app.ui.cases.case_window import open_case_window
    opened = []
    for row in sample[30:40]:
        start = time.perf_counter()
        window = open_case_window(session, row.id)
        app.processEvents()
        opened.append(ms(start))
        window.close()
        app.processEvents()
    report("open case window", opened)
    timings["open_case"] = opened

    from app.ui.cases.visit_form import VisitForm
    active = [r for r in sample if r.status == "active"][:10]
    saves, paints, services_only = [], [], []
    for row in active:
        window = open_case_window(session, row.id)
        window.tabs.setCurrentIndex(2)  # the timeline is on screen and refreshes after the save
        app.processEvents()
        form = VisitForm(session, row.id, window, offer_draft=False)
        form.show()
        app.processEvents()
        form.kind.setValue("care")  # a new note has no silent kind, mode or minutes
        form.mode.setValue("home_visit")
        form.minutes.setValue(30)
        form.domains.setValues(["health"])
        form.note.setText("بازدید از منزل؛ وضعیت فرزند پایدار است.")
        start = time.perf_counter()
        assert form.save(), form.errors.general.text()
        saves.append(ms(start))
        start = time.perf_counter()
        app.processEvents()
        paints.append(ms(start))
        from app.services.visits import ServiceInput, add_service
        start = time.perf_counter()
        add_service(session.ctx, row.id, ServiceInput(kind="care", mode="phone", minutes=15, note="تماس",
                                                      domains=("health",)))
        services_only.append(ms(start))
        window.close()
        app.processEvents()
    report("save visit (Ctrl+Enter → saved, timeline reread)", saves)
    report("   then repainting the window", paints)
    report("   add_service alone (the database write)", services_only)
    timings.update(save_visit=saves, save_visit_repaint=paints, add_service=services_only)
    db.dispose()
    return timings


if __name__ == "__main__":
    main()
