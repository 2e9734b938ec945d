"""The case window's record tables: wrapped notes get rows tall enough to read whole."""

from dataclasses import dataclass

from app.ui.cases.tables import Field, RecordTable, RowStyle, record_view


@dataclass(frozen=True)
class Note:
    date: str
    text: str
    concern: bool = False


LONG = "در بازدید امروز وضعیت فرزند بررسی شد. فرزند در کلاس ورزشی ثبت‌نام کرده است و خانواده راضی است. " * 2


def make_view(qtbot, notes, width=600):
    model = RecordTable([Field("تاریخ", lambda n: n.date), Field("شرح", lambda n: n.text)],
                        style=lambda n: RowStyle(None, None) if not n.concern else RowStyle(None, None))
    view = record_view(None, model, name="notes", stretch=1, wrap=True, widths=(90,))
    qtbot.addWidget(view)
    view.resize(width, 400)
    model.set_records(notes)
    view.show()
    qtbot.waitExposed(view)
    return view, model


def test_a_long_note_gets_a_row_tall_enough_for_all_its_lines(qtbot):
    view, _model = make_view(qtbot, [Note("۱۴۰۵/۰۹/۰۱", "کوتاه"), Note("۱۴۰۵/۰۸/۰۱", LONG)])
    line = view.fontMetrics().height()
    assert view.rowHeight(0) < 2 * line + 12  # one line
    delegate = view.itemDelegate()
    needed = delegate.wrapped(LONG, view.columnWidth(1) - 6, True).size().height()
    assert needed > 2 * line
    # fitted when the records came, and again once the window gave the column its width
    qtbot.waitUntil(lambda: view.rowHeight(1) >= needed)


def test_rows_are_fitted_again_when_the_column_narrows(qtbot):
    view, _model = make_view(qtbot, [Note("۱۴۰۵/۰۸/۰۱", LONG)], width=900)
    wide = view.rowHeight(0)
    view.resize(420, 400)
    qtbot.waitUntil(lambda: view.rowHeight(0) > wide)
    needed = view.itemDelegate().wrapped(LONG, view.columnWidth(1) - 6, True).size().height()
    assert view.rowHeight(0) >= needed


def test_new_records_are_fitted_when_set(qtbot):
    view, model = make_view(qtbot, [Note("۱۴۰۵/۰۸/۰۱", "کوتاه")])
    short = view.rowHeight(0)
    model.set_records([Note("۱۴۰۵/۰۹/۰۱", LONG), Note("۱۴۰۵/۰۸/۰۱", "کوتاه")])
    assert view.rowHeight(0) > short  # at once, before any paint
    assert view.rowHeight(1) == short
