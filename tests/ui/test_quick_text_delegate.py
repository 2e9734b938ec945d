"""The case list's cell painter: the text at the reading start, elided, selection and marks
drawn, each text laid out once."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView

from app.ui.widgets.quick_text_delegate import Cell, QuickTextDelegate

MARK = QColor("#fff3e0")


@pytest.fixture
def table(qtbot):
    model = QStandardItemModel(0, 2)
    rows = [("زهرا یوسفی", "۱۴۰۴/۱۰/۲۰"), ("علی", ""), ("محمدرضا حسین‌زاده قلی‌پور", "۱۲۳")]
    for first, second in rows:
        model.appendRow([QStandardItem(first), QStandardItem(second)])
    model.item(1, 0).setBackground(MARK)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setAlternatingRowColors(False)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setShowGrid(False)
    view.verticalHeader().hide()
    view.horizontalHeader().resizeSection(0, 200)
    view.horizontalHeader().setStretchLastSection(True)
    view.resize(400, 200)
    delegate = QuickTextDelegate(view)
    view.setItemDelegate(delegate)
    view.show()
    qtbot.waitExposed(view)
    return view, model, delegate


def cell_image(view, row, column):
    return view.viewport().grab(view.visualRect(view.model().index(row, column))).toImage()


def inked_columns(image, background):
    """The x positions where some pixel differs from the background: where text was drawn."""
    return [x for x in range(image.width())
            if any(image.pixelColor(x, y) != background for y in range(image.height()))]


def test_text_is_drawn_at_the_reading_start_of_the_cell(table):
    view, _model, _delegate = table
    assert view.isRightToLeft()
    image = cell_image(view, 0, 0)
    ink = inked_columns(image, image.pixelColor(1, 1))
    assert ink, "nothing drawn"
    assert max(ink) > image.width() - 10  # starts near the right edge
    assert min(ink) > image.width() / 4  # a short name leaves the left side empty


def test_a_long_text_is_elided_to_fit_its_cell(table):
    view, _model, delegate = table
    view.horizontalHeader().resizeSection(0, 90)
    laid_out = delegate.laid_out("محمدرضا حسین‌زاده قلی‌پور", 84, True)
    assert laid_out.text() != "محمدرضا حسین‌زاده قلی‌پور"
    assert laid_out.text().endswith("…")
    assert laid_out.size().width() <= 84
    image = cell_image(view, 2, 0)
    ink = inked_columns(image, image.pixelColor(1, 1))
    assert ink and min(ink) >= 1 and max(ink) <= image.width() - 2


def test_selection_and_the_models_background_are_painted(qtbot, table):
    view, model, _delegate = table
    marked = cell_image(view, 1, 0)
    assert marked.pixelColor(2, 2) == MARK
    view.setCurrentIndex(model.index(0, 0))
    view.setFocus()
    qtbot.waitUntil(lambda: cell_image(view, 0, 1).pixelColor(2, 2) != QColor("#ffffff"))
    highlight = view.palette().color(view.palette().ColorGroup.Active, view.palette().ColorRole.Highlight)
    assert cell_image(view, 0, 1).pixelColor(2, 2) == highlight


def test_an_icon_is_drawn_before_the_text(table):
    view, model, _delegate = table
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor("#c2410c"))
    model.item(1, 0).setIcon(QIcon(pixmap))
    image = cell_image(view, 1, 0)
    orange = [x for x in range(image.width()) if image.pixelColor(x, image.height() // 2) == QColor("#c2410c")]
    assert orange and min(orange) > image.width() - 25  # at the right, where reading starts


def test_each_text_is_laid_out_once_and_the_cache_is_bounded(table):
    view, _model, _delegate = table
    delegate = QuickTextDelegate(view, cached_texts=3)
    first = delegate.laid_out("زهرا", 100, True)
    assert delegate.laid_out("زهرا", 100, True) is first
    for text in ("علی", "رضا", "مریم", "سارا"):
        delegate.laid_out(text, 100, True)
    assert delegate.cached_count() == 3
    assert delegate.laid_out("زهرا", 100, True) is not first  # dropped, laid out again


def test_cells_can_come_from_one_call(qtbot):
    asked = []

    def cells(row, column):
        asked.append((row, column))
        return Cell(f"ردیف {row}", MARK if row == 0 else None)

    model = QStandardItemModel(2, 1)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegate(QuickTextDelegate(view, cells))
    view.resize(300, 120)
    view.show()
    qtbot.waitExposed(view)
    view.viewport().grab()
    assert (0, 0) in asked and (1, 0) in asked
    assert cell_image(view, 0, 0).pixelColor(2, 2) == MARK
    image = cell_image(view, 1, 0)
    assert inked_columns(image, image.pixelColor(1, 1))


def test_nothing_is_drawn_for_an_empty_cell(table):
    view, _model, _delegate = table
    image = cell_image(view, 1, 1)
    assert not inked_columns(image, image.pixelColor(1, 1))
    assert Qt.LayoutDirection.RightToLeft == view.layoutDirection()


def test_a_wrapping_view_breaks_long_text_into_lines_and_sizes_its_rows(qtbot):
    from PySide6.QtWidgets import QHeaderView
    long_note = "در بازدید امروز وضعیت فرزند بررسی شد و با خانواده درباره ادامه تحصیل گفت‌وگو شد. " * 3
    model = QStandardItemModel(0, 1)
    model.appendRow([QStandardItem("کوتاه")])
    model.appendRow([QStandardItem(long_note)])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setWordWrap(True)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    delegate = QuickTextDelegate(view)
    view.setItemDelegate(delegate)
    view.resize(320, 400)
    view.show()
    qtbot.waitExposed(view)
    lines = delegate.wrapped(long_note, 200, True)
    assert lines.size().height() > 3 * view.fontMetrics().height()  # several lines
    assert lines.size().width() <= 200
    qtbot.waitUntil(lambda: view.rowHeight(1) > 3 * view.rowHeight(0) / 2)
    assert view.rowHeight(1) >= lines.size().height()
    image = cell_image(view, 1, 0)
    inked_rows = [y for y in range(image.height())
                  if any(image.pixelColor(x, y) != image.pixelColor(1, 1) for x in range(2, image.width() - 2))]
    assert inked_rows and max(inked_rows) - min(inked_rows) > 2 * view.fontMetrics().height()


def test_the_models_text_colour_is_used(qtbot, table):
    view, model, _delegate = table
    model.item(2, 1).setForeground(QColor("#9b1c1c"))
    image = cell_image(view, 2, 1)
    colours = {image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height())}
    assert "#9b1c1c" in colours


def test_an_error_while_painting_falls_back_to_qts_painter(qtbot, caplog):
    def broken(row, column):
        raise RuntimeError("boom")

    model = QStandardItemModel(1, 1)
    model.setItem(0, 0, QStandardItem("متن"))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegate(QuickTextDelegate(view, broken))
    view.resize(200, 100)
    view.show()
    qtbot.waitExposed(view)
    image = cell_image(view, 0, 0)  # painted by Qt's own delegate, and the program lives on
    assert inked_columns(image, image.pixelColor(1, 1))
    assert "painting a cell failed" in caplog.text
