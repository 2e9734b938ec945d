"""The frame every document shares: page header and footer, page x of y, QR, RTL tables.

A document module builds a list of flowables (the story) and hands it to `build_document`
with a `PageInfo`; this module draws what repeats on every page.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Sequence

import qrcode
import qrcode.constants
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape as landscape_size
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfdoc import PDFArray, PDFName, PDFStream
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    LongTable,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.persian import format_iran_datetime, to_persian_digits
from app.printing import fonts
from app.printing.bidi_text import RtlParagraph, draw_line, ltr
from app.printing.data import ClinicInfo, ImageSource, Signer

Progress = Callable[[int, int], None]

MARGIN_SIDE = 14 * mm
MARGIN_TOP = 26 * mm  # room for the header band
# The footer band, bottom up: the QR code (its quiet zone inside QR_SIZE) from QR_BOTTOM, a rule
# at FOOTER_TOP, then the page body from MARGIN_BOTTOM. Nothing of the body, and not the
# signature stamp, comes down into the band.
QR_SIZE = 20 * mm
QR_QUIET_MODULES = 4  # the white border a QR code needs to be found (ISO/IEC 18004)
QR_BOTTOM = 4 * mm
FOOTER_TOP = QR_BOTTOM + QR_SIZE + 1 * mm
MARGIN_BOTTOM = FOOTER_TOP + 2 * mm  # room for the footer band and the QR code
# Where the visible digital signature goes on the last page: just above the footer, bottom left.
# Documents that can be signed end with signature_space(), so nothing is printed under it.
SIGNATURE_BOX = (MARGIN_SIDE, MARGIN_BOTTOM + 2, MARGIN_SIDE + 220.0, MARGIN_BOTTOM + 82)
DRAFT_MARK = "پیش‌نویس"
DRAFT_INK = colors.HexColor("#c9ced4")

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
RULE = colors.HexColor("#9aa5b1")
HEAD_FILL = colors.HexColor("#dde5ec")
ZEBRA = colors.HexColor("#f3f6f8")
BANNER_FILL = colors.HexColor("#fff3cd")
BANNER_INK = colors.HexColor("#7a4b00")
ALERT_INK = colors.HexColor("#a61b1b")


@dataclass(frozen=True)
class PageInfo:
    """What every page of a document repeats in its header and footer."""

    clinic: ClinicInfo
    title: str
    document_id: str
    generated_at: dt.datetime
    qr_payload: str = ""
    landscape: bool = False
    subtitle: str = ""
    id_label: str = "شناسه گزارش"
    banner: str = ""  # repeated under the header of every page, e.g. a correction notice
    draft: bool = False  # unsigned output: «پیش‌نویس» on every page
    # Documents carrying children's names and national codes say so on every page.
    confidential: bool = False


CONFIDENTIAL_MARK = "محرمانه"


def fa(value: object) -> str:
    """Any value as text with Persian digits; None prints as an empty string."""
    return to_persian_digits("" if value is None else value)


_LATIN = re.compile("[A-Za-z]")


def fa_text(value: object) -> str:
    """Free text as typed, with its numbers in Persian digits.

    A token with Latin letters in it («ICD-10», «MMPI-2», a report ID) keeps its digits.
    """
    text = "" if value is None else str(value)
    return " ".join(w if _LATIN.search(w) else fa(w) for w in text.split(" "))


def fa_id(value: object) -> str:
    """An identifier kept in one left-to-right piece (hyphens and slashes stay in place).

    Numeric identifiers (file, licence, contract numbers) get Persian digits. A code with Latin
    letters in it (report IDs, IBAN/Sheba) is printed exactly as the machine knows it, so it
    can be typed back into the verify command or a bank form; half-Persian codes are misread.
    """
    text = "" if value is None else str(value)
    if not text:
        return ""
    if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text):
        # «۱۴۰۵/ق/۲۳۴» has Persian letters: it reads right to left like the words around it.
        return fa(text)
    if not any("a" <= ch.lower() <= "z" for ch in text):
        text = fa(text)
    return ltr(text)


# --- styles -------------------------------------------------------------------------------


def rtl_style(name: str, size: float = 10, *, bold: bool = False, medium: bool = False,
              align: int = TA_RIGHT, color=INK, leading: float | None = None,
              space_before: float = 0, space_after: float = 0, **extra) -> ParagraphStyle:
    """A ParagraphStyle for RtlParagraph; Persian needs more leading than Latin."""
    font = fonts.BOLD if bold else fonts.MEDIUM if medium else fonts.REGULAR
    return ParagraphStyle(
        name, fontName=font, fontSize=size, leading=leading or round(size * 1.6, 1),
        alignment=align, textColor=color, spaceBefore=space_before, spaceAfter=space_after,
        **extra,
    )


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_bold_center: ParagraphStyle
    head_cell: ParagraphStyle
    label: ParagraphStyle
    alert: ParagraphStyle
    alert_cell: ParagraphStyle


@lru_cache(maxsize=1)
def styles() -> Styles:
    fonts.register_fonts()
    return Styles(
        title=rtl_style("title", 15, bold=True, align=TA_CENTER, space_after=2),
        subtitle=rtl_style("subtitle", 10.5, medium=True, align=TA_CENTER, color=MUTED,
                           space_after=6),
        heading=rtl_style("heading", 11.5, bold=True, space_before=10, space_after=4),
        body=rtl_style("body", 9.5, space_after=3),
        small=rtl_style("small", 8, color=MUTED),
        cell=rtl_style("cell", 8),
        cell_center=rtl_style("cell_center", 8, align=TA_CENTER),
        cell_bold=rtl_style("cell_bold", 8, medium=True),
        cell_bold_center=rtl_style("cell_bold_center", 8.5, bold=True, align=TA_CENTER),
        head_cell=rtl_style("head_cell", 8, bold=True, align=TA_CENTER),
        label=rtl_style("label", 8.5, medium=True, color=MUTED),
        alert=rtl_style("alert", 9.5, medium=True, color=ALERT_INK),
        alert_cell=rtl_style("alert_cell", 8, bold=True, align=TA_CENTER, color=ALERT_INK),
    )


def para(text: object, style: ParagraphStyle | None = None) -> RtlParagraph:
    return RtlParagraph("" if text is None else str(text), style or styles().body)


def heading(text: str, room: float = 90) -> list[Flowable]:
    """A section heading that never sits alone at the foot of a page.

    (keepWithNext would glue it to the whole next table and push a long table to a new page.)
    """
    return [CondPageBreak(room), para(text, styles().heading)]


# --- tables -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    title: str
    weight: float  # share of the table's width
    align: str = "right"  # right | center | left


def _cell(value: object, style: ParagraphStyle) -> Flowable:
    if isinstance(value, Flowable):
        return value
    if value is None or value == "":
        return ""  # a bare string costs the table nothing to measure
    if isinstance(value, (list, tuple)):  # several flowables stacked in one cell
        return list(value)
    return RtlParagraph("" if value is None else str(value), style)


def _move_span_content(rows: list[list], commands: Sequence[tuple], header_rows: int) -> None:
    """reportlab shows only a span's top-left cell; once columns are reversed that is the
    span's last logical column, so the span's text moves there."""
    for name, (c0, r0), (c1, _), *_ in commands:
        if name != "SPAN":
            continue
        row = rows[r0 - header_rows]
        c0, c1 = sorted((c0 % len(row), c1 % len(row)))
        filled = [row[c] for c in range(c0, c1 + 1) if row[c] not in ("", None)]
        for c in range(c0, c1 + 1):
            row[c] = ""
        row[c1] = filled[0] if filled else ""


def mirror_command(command: tuple, ncols: int) -> tuple:
    """A TableStyle command written in logical columns, turned to drawn columns."""
    name, (c0, r0), (c1, r1), *args = command
    c0, c1 = c0 % ncols, c1 % ncols
    return (name, (ncols - 1 - c1, r0), (ncols - 1 - c0, r1), *args)


def rtl_table(columns: Sequence[Column], rows: Iterable[Sequence[object]], width: float, *,
              header: bool = True, zebra: bool = True, commands: Sequence[tuple] = (),
              cell_style: ParagraphStyle | None = None, long: bool = False) -> Table:
    """A table whose first logical column is drawn at the right.

    Paragraph cells carry their own alignment (the table's ALIGN does not reach them), so
    each column gets a right-aligned or centred cell style. `commands` use logical columns.
    The header row repeats on every page. `long` uses reportlab's LongTable, which measures
    only what fits on the page when splitting.
    """
    cells = logical_cells(columns, rows, cell_style)
    return _assemble(columns, cells, width, header=header, zebra=zebra, commands=commands,
                     long=long)


def logical_cells(columns: Sequence[Column], rows: Iterable[Sequence[object]],
                  cell_style: ParagraphStyle | None = None) -> list[list]:
    """Rows with every text turned into a paragraph aligned for its column (logical order)."""
    base = cell_style or styles().cell
    per_column = []
    for column in columns:
        if column.align == "center":
            per_column.append(_aligned(base, TA_CENTER))
        elif column.align == "left":
            per_column.append(_aligned(base, TA_LEFT))
        else:
            per_column.append(base)
    return [[_cell(v, st) for v, st in zip(row, per_column)] for row in rows]


def _assemble(columns: Sequence[Column], rows: list[list], width: float, *, header: bool,
              zebra: bool, commands: Sequence[tuple], long: bool = False) -> Table:
    rows = [list(row) for row in rows]
    _move_span_content(rows, commands, 1 if header else 0)
    data = []
    if header:
        data.append([_cell(c.title, styles().head_cell) for c in reversed(columns)])
    data += [row[::-1] for row in rows]
    total = sum(c.weight for c in columns)
    widths = [width * c.weight / total for c in reversed(columns)]
    ncols = len(columns)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL))
    if zebra:
        style.append(("ROWBACKGROUNDS", (0, 1 if header else 0), (-1, -1), [None, ZEBRA]))
    style.extend(mirror_command(c, ncols) for c in commands)
    kind = LongTable if long else Table
    return kind(data, colWidths=widths, repeatRows=1 if header else 0,
                style=TableStyle(style), hAlign="CENTER")


@dataclass
class RowGroup:
    """Rows that belong together (one client's services): kept on one page if they fit.

    `commands` use logical columns and rows counted from the group's first row.
    """

    rows: list[list]
    commands: list[tuple]
    progress_mark: int | None = None  # reported to the progress hook once the group is drawn


def _shift(command: tuple, offset: int) -> tuple:
    name, (c0, r0), (c1, r1), *args = command
    return (name, (c0, r0 + offset), (c1, r1 + offset), *args)


# What _assemble gives every cell: padding (left, right, top, bottom), grid weight; reportlab's
# CellStyle leading, which is the height of an empty-string cell's one line.
_PAD_LEFT, _PAD_RIGHT, _PAD_TOP, _PAD_BOTTOM = 3, 3, 1.5, 1.5
_GRID_WEIGHT = 0.4
_STRING_LEADING = 12
_FIXED_COMMANDS = frozenset({"SPAN", "VALIGN", "BACKGROUND", "LINEABOVE"})


class FixedRows:
    """Rows of a right-to-left table with fixed column widths, laid out and drawn exactly as
    `_assemble` (header=False, zebra=False) and reportlab's Table would lay out and draw them,
    without the Table: the same row heights (each cell's height plus padding; a span over
    rows gives any height it lacks to its rows equally; an empty-string cell is one 12-pt
    line), the same cell places (VALIGN, left padding), the same fills and the same line
    segments in the same order (GRID: box, then inner lines broken around spans; then
    LINEABOVE), at the same coordinates.

    reportlab's general machinery (a cell style object per cell, style commands applied cell
    by cell, spans resolved through dictionaries, each cell measured twice) was about half of
    a long monthly report's rendering time (issue 17). Only what the monthly report's client
    groups use is understood: `make` returns None for anything else (a list in a cell, a
    command other than SPAN, VALIGN, BACKGROUND, LINEABOVE with a weight and a colour), and
    the caller uses a Table.
    """

    def __init__(self, columns: Sequence[Column], rows: list[list], width: float, commands: Sequence[tuple]):
        ncols, nrows = len(columns), len(rows)
        rows = [list(row) for row in rows]
        _move_span_content(rows, commands, 0)
        self.cells = [row[::-1] for row in rows]
        total = sum(c.weight for c in columns)
        x, xs = 0, [0]
        for column in reversed(columns):
            x = x + width * column.weight / total
            xs.append(x)
        self.xs, self.ncols, self.nrows = xs, ncols, nrows
        self.width = x
        self.valign = [["MIDDLE"] * ncols for _ in range(nrows)]
        self.backgrounds: list[tuple] = []
        self.lines: list[tuple] = [("GRID", 0, 0, ncols - 1, nrows - 1, _GRID_WEIGHT, RULE)]
        self.spans: list[tuple[int, int, int, int]] = []
        for command in commands:
            name, (c0, r0), (c1, r1), *args = mirror_command(command, ncols)
            r0, r1 = sorted((r0 % nrows, r1 % nrows))
            if name == "SPAN":
                self.spans.append((c0, r0, c1, r1))
            elif name == "VALIGN":
                for r in range(r0, r1 + 1):
                    for c in range(c0, c1 + 1):
                        self.valign[r][c] = args[0]
            elif name == "BACKGROUND":
                self.backgrounds.append((c0, r0, c1, r1, _colour(args[0])))
            else:
                self.lines.append((name, c0, r0, c1, r1, args[0], _colour(args[1])))
        self._measured = False

    @classmethod
    def make(cls, columns: Sequence[Column], rows: list[list], width: float,
             commands: Sequence[tuple]) -> "FixedRows | None":
        for command in commands:
            if command[0] not in _FIXED_COMMANDS or (command[0] == "LINEABOVE" and len(command) != 5):
                return None
        if not rows or any(isinstance(v, (list, tuple)) for row in rows for v in row):
            return None
        return cls(columns, rows, width, commands)

    # -- layout ---------------------------------------------------------------------------

    def _span_maps(self):
        """reportlab's span bookkeeping: each cell's range (None when another cell's span
        covers it), the cells inside row spans and inside column spans."""
        ranges = {}
        row_spanned, col_spanned = set(), set()
        for c0, r0, c1, r1 in self.spans:
            if c0 == c1 and r0 == r1:
                continue
            cells = [(c, r) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]
            if c0 != c1:
                col_spanned.update(cells)
            if r0 != r1:
                row_spanned.update(cells)
            for cell in cells:
                ranges[cell] = None
            ranges[c0, r0] = (c0, r0, c1, r1)
        return ranges, row_spanned, col_spanned

    def wrap(self, availWidth, availHeight):
        if not self._measured:
            self._layout()
        return self.width, self.height

    def _layout(self) -> None:
        from reportlab.platypus.tables import spanFixDim

        ranges, row_spanned, col_spanned = self._span_maps()
        xs = self.xs
        heights: list[float] = []
        span_need: dict[tuple[int, int], float] = {}
        for i, row in enumerate(self.cells):
            tallest = 0
            for j, value in enumerate(row):
                span = ranges.get((j, i), (j, i, j, i))
                if span is None and (j, i) in row_spanned:
                    continue
                if isinstance(value, Flowable):
                    w = xs[j + 1] - xs[j]
                    if (j, i) in col_spanned:
                        if span is None:
                            continue
                        w = max(xs[span[2] + 1] - xs[span[0]], w)
                    t = value.wrap(w - _PAD_LEFT - _PAD_RIGHT, 72000 - _PAD_TOP - _PAD_BOTTOM)[1]
                else:
                    t = _STRING_LEADING * len(("" if value is None else str(value)).split("\n"))
                t += _PAD_BOTTOM + _PAD_TOP
                if span is not None and span[1] != span[3]:
                    key = (span[1], span[3])
                    span_need[key] = max(span_need.get(key, t), t)
                    t = 0
                if t > tallest:
                    tallest = t
            heights.append(tallest)
        if span_need:
            spanFixDim([None] * len(heights), heights, span_need)
        # Row tops from the bottom up, with reportlab's compensated sum (the same floats).
        positions, height, carry = [], 0, 0
        for h in reversed(heights):
            positions.append(height)
            y = h - carry
            t = height + y
            carry = (t - height) - y
            height = t
        positions.append(height)
        positions.reverse()
        self.heights, self.ys, self.height = heights, positions, height
        self._ranges = ranges
        h_blocks: dict[float, list] = {}
        v_blocks: dict[float, list] = {}
        for c0, r0, c1, r1 in self.spans:
            for k in range(c0 + 1, c1 + 1):
                v_blocks.setdefault(xs[k], []).append((positions[r1 + 1], positions[r0]))
            for k in range(r0 + 1, r1 + 1):
                h_blocks.setdefault(positions[k], []).append((xs[c0], xs[c1 + 1]))
        for blocks in (h_blocks, v_blocks):
            for value in blocks.values():
                value.sort()
        self._h_blocks, self._v_blocks = h_blocks, v_blocks
        self._measured = True

    def _rect(self, j: int, i: int):
        span = self._ranges.get((j, i), (j, i, j, i))
        if span is None:
            return None
        c0, r0, c1, r1 = span
        x, y = self.xs[c0], self.ys[r1 + 1]
        return x, y, self.xs[c1 + 1] - x, self.ys[r0] - y

    # -- drawing --------------------------------------------------------------------------

    def drawOn(self, canvas, x, y, _sW=0):
        self.wrap(0, 0)
        canvas.saveState()
        canvas.translate(x, y)
        for c0, r0, c1, r1, fill in self.backgrounds:
            if c0 == c1 and r0 == r1 and self._rect(c0, r0):
                bx, by, bw, bh = self._rect(c0, r0)
            else:
                bx, by = self.xs[c0], self.ys[r0]
                bw, bh = self.xs[c1 + 1] - bx, self.ys[r1 + 1] - by
            canvas.setFillColor(fill)
            canvas.rect(bx, by, bw, bh, stroke=0, fill=1)
        for i, row in enumerate(self.cells):
            for j, value in enumerate(row):
                if isinstance(value, Flowable):
                    rect = self._rect(j, i)
                    if rect is not None:
                        self._draw_cell(canvas, value, self.valign[i][j], rect)
        self._draw_lines(canvas)
        canvas.restoreState()

    @staticmethod
    def _draw_cell(canvas, value: Flowable, valign: str, rect) -> None:
        x, y, w, h = rect
        inner_h = value.wrap(w - _PAD_LEFT - _PAD_RIGHT, h - _PAD_TOP - _PAD_BOTTOM)[1]
        if valign == "TOP":
            top = y + h - _PAD_TOP
        elif valign == "BOTTOM":
            top = y + _PAD_BOTTOM + inner_h
        else:
            top = y + (h + _PAD_BOTTOM - _PAD_TOP + inner_h) / 2.0
        value.drawOn(canvas, x + _PAD_LEFT, top - inner_h)

    def _draw_lines(self, canvas) -> None:
        canvas.setLineCap(1)
        canvas.setLineJoin(1)
        current = [None, None]
        xs, ys = self.xs, self.ys
        for name, c0, r0, c1, r1, weight, ink in self.lines:
            if ink != current[0]:
                canvas.setStrokeColor(ink)
                current[0] = ink
            if weight != current[1]:
                canvas.setLineWidth(weight)
                current[1] = weight
            if name == "GRID":
                self._h_lines(canvas, c0, c1, (ys[r0], ys[r1 + 1]))
                self._v_lines(canvas, r0, r1, (xs[c0], xs[c1 + 1]))
                self._h_lines(canvas, c0, c1, ys[r0 + 1:r1 + 1])
                self._v_lines(canvas, r0, r1, xs[c0 + 1:c1 + 1])
            else:  # LINEABOVE
                self._h_lines(canvas, c0, c1, (ys[r0],))

    def _h_lines(self, canvas, c0: int, c1: int, at) -> None:
        for y in at:
            _segments(canvas.line, self.xs[c0], self.xs[c1 + 1], y, self._h_blocks)

    def _v_lines(self, canvas, r0: int, r1: int, at) -> None:
        line = canvas.line
        for x in at:
            _segments(lambda y0, x0, y1, x1: line(x0, y0, x1, y1), self.ys[r1 + 1], self.ys[r0], x, self._v_blocks)


@lru_cache(maxsize=64)
def _colour(value):
    """A colour given as text («#52606d») made once: reportlab parses it on every set*Color."""
    return colors.toColor(value) if isinstance(value, str) else value


def _segments(draw, start: float, end: float, at: float, blocks: dict, fuzz: float = rl_config._FUZZ) -> None:
    """reportlab's _hLine: a line from start to end, broken where a span covers it."""
    covered = blocks.get(at) if blocks else None
    if not covered or start >= covered[-1][1] - fuzz or end <= covered[0][0] + fuzz:
        draw(start, at, end, at)
        return
    i, n = 0, len(covered)
    while start < end - fuzz and i < n:
        b0, b1 = covered[i]
        if b1 <= start + fuzz or b0 >= end - fuzz:
            i += 1
            continue
        if max(start, b0) > start:
            draw(start, at, max(start, b0), at)
        start = min(end, b1)
    if start < end - fuzz:
        draw(start, at, end, at)


@dataclass
class _Measured:
    """A group converted to cells, laid out as its own table and measured, ready to draw."""

    rows: list[list]
    commands: list[tuple]
    progress_mark: int | None
    table: "FixedRows | Table"
    height: float


class _GroupFeed:
    """The groups of one GroupedTable, converted and measured only when a page needs them.

    Shared by the table and every tail split off it: a page's groups are taken off the front
    and drawn, so a 1,350-page report never holds more than a page or two of laid-out cells."""

    def __init__(self, columns: Sequence[Column], groups: Iterable[RowGroup], width: float,
                 cell_style: ParagraphStyle | None, converted: bool):
        self.columns = list(columns)
        self.width = width
        self.cell_style = cell_style
        self.converted = converted
        self._source = iter(groups)
        self.ready: list[_Measured] = []
        self.exhausted = False
        self._header: FixedRows | Table | None = None

    def header(self, avail_width: float) -> tuple["FixedRows | Table", float]:
        if self._header is None:
            # The header row _assemble makes (titles on HEAD_FILL), drawn on every page.
            titles = [[_cell(c.title, styles().head_cell) for c in self.columns]]
            self._header = FixedRows.make(self.columns, titles, self.width, [("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL)])
            self._header_height = self._header.wrap(avail_width, 1e6)[1]
        return self._header, self._header_height

    def pull(self, avail_width: float) -> bool:
        """Measure one more group; False once there are none left."""
        group = next(self._source, None)
        if group is None:
            self.exhausted = True
            return False
        rows = group.rows if self.converted else logical_cells(self.columns, group.rows, self.cell_style)
        block = FixedRows.make(self.columns, rows, self.width, group.commands)
        if block is None:  # a command or cell FixedRows does not draw: reportlab's own table
            block = _assemble(self.columns, rows, self.width, header=False, zebra=False, commands=group.commands)
        height = block.wrap(avail_width, 1e6)[1]
        self.ready.append(_Measured(rows, list(group.commands), group.progress_mark, block, height))
        return True

    def measure_until(self, avail_width: float, avail_height: float) -> float:
        """Measure groups until they overflow `avail_height` or run out; their total height."""
        used = self.header(avail_width)[1] + sum(m.height for m in self.ready)
        while used <= avail_height and not self.exhausted and self.pull(avail_width):
            used += self.ready[-1].height
        return used


class _GroupPage(Flowable):
    """One page's part of a GroupedTable: the header row, then each group's measured table
    stacked under it. Drawn exactly where one table of the same rows would draw them (the
    rows' heights are each group's own; a group's lines redraw the edge it shares)."""

    def __init__(self, header: "FixedRows | Table", header_height: float, groups: list[_Measured], width: float):
        super().__init__()
        self.header, self.header_height, self.groups = header, header_height, groups
        self.width = width
        self.height = header_height + sum(g.height for g in groups)
        marks = [g.progress_mark for g in groups if g.progress_mark is not None]
        self.progress_mark = marks[-1] if marks else None

    def wrap(self, availWidth, availHeight):
        return self.width, self.height

    def drawOn(self, canvas, x, y, _sW=0):
        top = y + self.height
        self.header.drawOn(canvas, x, top - self.header_height, _sW)
        top -= self.header_height
        for group in self.groups:
            top -= group.height
            group.table.drawOn(canvas, x, top, _sW)

    def draw(self):
        self.drawOn(self.canv, 0, 0)


class GroupedTable(Flowable):
    """A long right-to-left table laid out a page at a time, header row on every page.

    reportlab's own splitting rebuilds the whole remaining table at each page break, which
    grows with the square of its length (2,000 clients took minutes). Here each group is
    measured once as its own table, a page draws the measured tables of the groups that fit
    under one header row, and a group is cut only if it is taller than a whole page.

    `groups` may be a generator: groups are converted and measured only as pages need them,
    and dropped once drawn, so memory does not grow with the table's length (issue 17). wrap()
    therefore reports the height of what it has measured, which is more than the space given
    as long as groups remain (the frame then asks for a split).
    """

    def __init__(self, columns: Sequence[Column], groups: Iterable[RowGroup], width: float, *,
                 cell_style: ParagraphStyle | None = None, _converted: bool = False,
                 _feed: _GroupFeed | None = None):
        super().__init__()
        self.columns = list(columns)
        self.table_width = width
        self.cell_style = cell_style
        self._feed = _feed or _GroupFeed(columns, groups, width, cell_style, _converted)

    def wrap(self, availWidth, availHeight):
        self.width = self.table_width
        self.height = self._feed.measure_until(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth, availHeight):
        feed = self._feed
        feed.measure_until(availWidth, availHeight)
        header, used = feed.header(availWidth)
        fit = 0
        for measured in feed.ready:
            if used + measured.height > availHeight:
                break
            used += measured.height
            fit += 1
        if fit == 0:
            frame = getattr(self, "_frame", None)
            if frame is not None and not getattr(frame, "_atTop", True):
                return []  # try again at the top of the next page
            # Taller than a whole page: let reportlab cut this one group between rows.
            first = feed.ready[0]
            pieces = self._rows_table([first], splittable=True).split(availWidth, availHeight)
            if not pieces:
                return []
            del feed.ready[0]
            return pieces + ([self._tail()] if self._remaining() else [])
        page = _GroupPage(header, feed.header(availWidth)[1], feed.ready[:fit], self.table_width)
        del feed.ready[:fit]
        return [page, self._tail()] if self._remaining() else [page]

    def _remaining(self) -> bool:
        feed = self._feed
        return bool(feed.ready) or (not feed.exhausted and feed.pull(self.table_width))

    def _tail(self) -> "GroupedTable":
        return GroupedTable(self.columns, (), self.table_width, cell_style=self.cell_style, _feed=self._feed)

    def _rows_table(self, groups: list[_Measured], splittable: bool = False) -> Table:
        rows: list[list] = []
        commands: list[tuple] = []
        for group in groups:
            group_commands = group.commands
            if splittable:  # reportlab never cuts through a row span: drop the tall ones
                group_commands = [c for c in group_commands
                                  if not (c[0] == "SPAN" and c[1][1] != c[2][1])]
            commands += [_shift(c, 1 + len(rows)) for c in group_commands]
            rows += group.rows
        table = _assemble(self.columns, rows, self.table_width, header=True, zebra=False,
                          commands=commands)
        marks = [g.progress_mark for g in groups if g.progress_mark is not None]
        table.progress_mark = marks[-1] if marks else None
        return table

    def drawOn(self, canvas, x, y, _sW=0):
        # Only reached when every group left fits in the space left: draw them under one header.
        feed = self._feed
        feed.measure_until(self.table_width, float("inf"))
        header, header_height = feed.header(self.table_width)
        page = _GroupPage(header, header_height, list(feed.ready), self.table_width)
        feed.ready.clear()
        page.drawOn(canvas, x, y, _sW)
        self.progress_mark = page.progress_mark


_ALIGNED: dict[tuple[str, int], ParagraphStyle] = {}


def _aligned(style: ParagraphStyle, alignment: int) -> ParagraphStyle:
    """The same cell style with another alignment, made once per (style, alignment)."""
    key = (style.name, alignment)
    if key not in _ALIGNED:
        _ALIGNED[key] = ParagraphStyle(f"{style.name}-{alignment}", parent=style,
                                       alignment=alignment)
    return _ALIGNED[key]


def key_value_table(pairs: Sequence[tuple[str, object]], width: float, *,
                    per_row: int = 2, label_share: float | None = None) -> Table:
    """Label/value pairs laid out right to left, `per_row` pairs on each row."""
    if label_share is None:
        label_share = 0.4 if per_row > 1 else 0.22
    s = styles()
    rows = []
    for start in range(0, len(pairs), per_row):
        chunk = list(pairs[start:start + per_row])
        chunk += [("", "")] * (per_row - len(chunk))
        row = []
        for label, value in chunk:
            row.append(RtlParagraph(f"{label}:" if label else "", s.label))
            row.append(RtlParagraph("" if value is None else str(value), s.cell_bold))
        rows.append(row[::-1])
    unit = width / per_row
    widths = [unit * (1 - label_share), unit * label_share] * per_row  # drawn: value, label
    table = Table(rows, colWidths=widths, hAlign="CENTER")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d9e2ec")),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    return table


# --- banners and signatures ---------------------------------------------------------------


def banner(text: str, width: float, *, fill=BANNER_FILL, ink=BANNER_INK) -> Table:
    style = rtl_style("banner", 10.5, bold=True, align=TA_CENTER, color=ink)
    table = Table([[RtlParagraph(text, style)]], colWidths=[width], hAlign="CENTER")
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), fill),
        ("BOX", (0, 0), (-1, -1), 0.8, ink),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def image_reader(source: ImageSource) -> ImageReader:
    if isinstance(source, bytes):
        return ImageReader(io.BytesIO(source))
    return ImageReader(str(Path(source)))


class _SignatureBox(Flowable):
    """Role, name, and a space to sign: the scanned signature and stamp drawn over it."""

    def __init__(self, signer: Signer, width: float, height: float = 30 * mm):
        super().__init__()
        self.signer = signer
        self.width = width
        self.height = height

    def wrap(self, availWidth, availHeight):
        return self.width, self.height

    def draw(self):
        c = self.canv
        s = styles()
        w, h = self.width, self.height
        c.setStrokeColor(RULE)
        c.setLineWidth(0.5)
        c.roundRect(2, 0, w - 4, h, 4, stroke=1, fill=0)
        c.setFillColor(MUTED)
        draw_line(c, self.signer.role_label, w / 2, h - 12, s.label.fontName, 8.5, "center")
        c.setFillColor(INK)
        draw_line(c, self.signer.name, w / 2, h - 25, fonts.MEDIUM, 9.5, "center")
        area_h = h - 32
        if self.signer.stamp_image is not None:
            self._draw_image(self.signer.stamp_image, w * 0.15, 3, w * 0.45, area_h - 2)
        if self.signer.signature_image is not None:
            self._draw_image(self.signer.signature_image, w * 0.4, 3, w * 0.5, area_h - 2)
        c.setFillColor(MUTED)
        draw_line(c, "محل امضا", w - 8, 5, fonts.REGULAR, 7, "right")

    def _draw_image(self, source: ImageSource, x: float, y: float, max_w: float, max_h: float):
        reader = image_reader(source)
        iw, ih = reader.getSize()
        scale = min(max_w / iw, max_h / ih)
        self.canv.drawImage(reader, x, y, iw * scale, ih * scale, mask="auto")


def signature_row(signers: Sequence[Signer], width: float, per_row: int = 3) -> Table | Spacer:
    """Signature boxes side by side, the first signer at the right; a short row hugs the right."""
    if not signers:
        return Spacer(1, 0)
    box_w = width / per_row
    columns = min(per_row, len(signers))
    rows = []
    for start in range(0, len(signers), per_row):
        chunk = [_SignatureBox(sg, box_w - 4) for sg in signers[start:start + per_row]]
        chunk += [""] * (columns - len(chunk))
        rows.append(chunk[::-1])
    table = Table(rows, colWidths=[box_w] * columns, hAlign="RIGHT")
    table.setStyle(TableStyle([
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


# --- page furniture -----------------------------------------------------------------------


def qr_matrix(payload: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QR_QUIET_MODULES)
    code.add_data(payload)
    code.make(fit=True)
    return code.get_matrix()


def draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """Vector QR code: one filled path, so it stays sharp and small in the file.

    The matrix carries its quiet zone; it is painted white, so a rule or a shade behind the
    square cannot eat into it."""
    matrix = qr_matrix(payload)
    n = len(matrix)
    cell = size / n
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    path = canvas.beginPath()
    for row, bits in enumerate(matrix):
        col = 0
        while col < n:
            if bits[col]:
                start = col
                while col < n and bits[col]:
                    col += 1
                path.rect(x + start * cell, y + size - (row + 1) * cell,
                          (col - start) * cell, cell)
            else:
                col += 1
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1)


class _Furniture:
    """Draws header and footer; the page total comes later, from the numbered canvas."""

    def __init__(self, page: PageInfo):
        self.page = page
        self._logo = image_reader(page.clinic.logo_path) if page.clinic.logo_path else None
        self._qr_form: str | None = None

    def __call__(self, canvas: Canvas, doc) -> None:
        canvas.saveState()
        self._header(canvas, doc)
        self._footer(canvas, doc)
        canvas.restoreState()

    def draft_mark(self, canvas: Canvas, doc) -> None:
        """A large see-through «پیش‌نویس» across the page, over the body (tables would hide it below)."""
        if not self.page.draft:
            return
        width, height = doc.pagesize
        canvas.saveState()
        canvas.setFillColor(DRAFT_INK)
        canvas.setFillAlpha(0.45)
        canvas.translate(width / 2, height / 2)
        canvas.rotate(35)
        draw_line(canvas, DRAFT_MARK, 0, -30, fonts.BOLD, 110, "center")
        canvas.restoreState()

    def _header(self, canvas: Canvas, doc) -> None:
        """Clinic at the right (where a Persian reader starts); title and logo at the left."""
        page = self.page
        clinic = page.clinic
        width, height = doc.pagesize
        right = width - MARGIN_SIDE
        top = height - 10 * mm
        canvas.setFillColor(INK)
        draw_line(canvas, clinic.name, right, top - 4, fonts.BOLD, 12)
        canvas.setFillColor(MUTED)
        licence = (f"پروانه فعالیت شماره {fa_id(clinic.licence_number)} — "
                   f"بهزیستی استان {clinic.licence_province}")
        if clinic.licence_number:  # the user guide is the program's, not a licensed clinic's
            draw_line(canvas, licence, right, top - 17, fonts.REGULAR, 8)
        left = MARGIN_SIDE
        if self._logo is not None:
            iw, ih = self._logo.getSize()
            box = 18 * mm
            scale = min(box / iw, box / ih)
            w, h = iw * scale, ih * scale
            canvas.drawImage(self._logo, left, top - 21 + (box - h) / 2 - 2, w, h, mask="auto")
            left += w + 3 * mm
        canvas.setFillColor(INK)
        draw_line(canvas, page.title, left, top - 4, fonts.BOLD, 11, "left")
        if page.subtitle:
            canvas.setFillColor(MUTED)
            draw_line(canvas, page.subtitle, left, top - 17, fonts.MEDIUM, 8, "left")
        if page.confidential:
            self._confidential(canvas, width / 2, top)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.7)
        canvas.line(MARGIN_SIDE, top - 24, right, top - 24)
        if page.banner:
            canvas.setFillColor(BANNER_INK)
            draw_line(canvas, page.banner, width / 2, top - 34, fonts.BOLD, 8.5, "center")

    @staticmethod
    def _confidential(canvas: Canvas, centre: float, top: float) -> None:
        """«محرمانه» in a red frame at the top centre, where the reader of a page looks first."""
        box_w, box_h = 22 * mm, 6.5 * mm
        canvas.setStrokeColor(BANNER_INK)
        canvas.setLineWidth(0.9)
        canvas.rect(centre - box_w / 2, top - 10.5, box_w, box_h, stroke=1, fill=0)
        canvas.setFillColor(BANNER_INK)
        draw_line(canvas, CONFIDENTIAL_MARK, centre, top - 7, fonts.BOLD, 10, "center")

    def _footer(self, canvas: Canvas, doc) -> None:
        page = self.page
        width, _ = doc.pagesize
        right = width - MARGIN_SIDE
        base = 10 * mm
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_SIDE + QR_SIZE + 2, FOOTER_TOP, right, FOOTER_TOP)
        canvas.setFillColor(MUTED)
        draw_line(canvas, f"{page.id_label}: {fa_id(page.document_id)}", right, base + 9,
                  fonts.REGULAR, 7.5)
        when = format_iran_datetime(page.generated_at, say_zone=True)
        draw_line(canvas, f"تاریخ تهیه: {when}", right, base, fonts.REGULAR, 7.5)
        if page.draft:
            canvas.setFillColor(ALERT_INK)
            draw_line(canvas, f"{DRAFT_MARK} — امضا نشده است", right, base + 18, fonts.BOLD, 8)
        if page.qr_payload:
            if self._qr_form is None:
                self._qr_form = "qr"
                canvas.beginForm(self._qr_form)
                draw_qr(canvas, page.qr_payload, 0, 0, QR_SIZE)
                canvas.endForm()
            canvas.saveState()
            canvas.translate(MARGIN_SIDE, QR_BOTTOM)
            canvas.doForm(self._qr_form)
            canvas.restoreState()


def page_number_text(number: int, total: int) -> str:
    return f"صفحه {fa(number)} از {fa(total)}"


def _compress_last_page(doc) -> None:
    """Compress the page just added now instead of when the whole file is written (the same
    bytes reportlab writes then: zlib at its default level, /FlateDecode), so the document holds
    each finished page's stream compressed."""
    page = doc.Pages.pages[-1]
    if not page.compression or rl_config.useA85 or not page.stream or page.Contents:
        return
    stream = PDFStream(content=zlib.compress(page.stream.encode("utf-8")))
    stream.dictionary["Filter"] = PDFArray([PDFName("FlateDecode")])
    stream.__Comment__ = "page stream"
    page.Contents = stream
    page.stream = None


def _numbered_canvas(page: PageInfo):
    """A canvas that holds pages back until it knows how many there are (one pass)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict] = []

        def showPage(self):
            # A held page keeps its drawing compressed: a 1,350-page report's operators, kept
            # as text until the total was known, were most of its memory (issue 17).
            state = dict(self.__dict__)
            state["_code"] = zlib.compress("\n".join(self._code).encode("utf-8"), 1)
            self._held_pages.append(state)
            self._startPage()

        def save(self):
            total = len(self._held_pages)
            for index, state in enumerate(self._held_pages):
                self._held_pages[index] = None
                code = state.pop("_code")
                self.__dict__.update(state)
                self._code = [zlib.decompress(code).decode("utf-8")]
                self._draw_page_number(total)
                super().showPage()
                _compress_last_page(self._doc)
            super().save()

        def _draw_page_number(self, total: int) -> None:
            width, _ = self._pagesize
            self.saveState()
            self.setFillColor(INK)
            draw_line(self, page_number_text(self._pageNumber, total), width / 2, 10 * mm,
                      fonts.MEDIUM, 8.5, "center")
            self.restoreState()

    return NumberedCanvas


class _Template(BaseDocTemplate):
    def __init__(self, out, page: PageInfo, progress_hook=None):
        size = landscape_size(A4) if page.landscape else A4
        top = MARGIN_TOP + (6 * mm if page.banner else 0)
        super().__init__(
            out, pagesize=size, leftMargin=MARGIN_SIDE, rightMargin=MARGIN_SIDE,
            topMargin=top, bottomMargin=MARGIN_BOTTOM, title=page.title,
            author=page.clinic.name, subject=page.subtitle or page.title,
            creator="Parvandeh", producer="Parvandeh", lang="fa-IR",
        )
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
        furniture = _Furniture(page)
        self.addPageTemplates([PageTemplate("page", frames=[frame], onPage=furniture,
                                            onPageEnd=furniture.draft_mark)])
        self._progress_hook = progress_hook

    def afterFlowable(self, flowable):
        if self._progress_hook is not None:
            self._progress_hook(flowable)


def frame_width(page: PageInfo) -> float:
    size = landscape_size(A4) if page.landscape else A4
    return size[0] - 2 * MARGIN_SIDE


@contextmanager
def binary_streams():
    """Write page streams as plain compressed binary, without the ASCII85 layer.

    reportlab's default ASCII85 armour makes files a quarter bigger, and its pure-Python
    encoder was the largest single cost of a long report.
    """
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous


def build_document(out, page: PageInfo, story: list[Flowable],
                   progress_hook: Callable[[Flowable], None] | None = None) -> None:
    """Lay the story out on pages. `out` is a path or a binary file object."""
    fonts.register_fonts()
    if isinstance(out, Path):
        out = str(out)
    doc = _Template(out, page, progress_hook)
    with binary_streams():
        doc.build(story, canvasmaker=_numbered_canvas(page))


def signature_space() -> Spacer:
    """Blank room at the foot of the last page for the digital signature box (SIGNATURE_BOX)."""
    return Spacer(1, SIGNATURE_BOX[3] - MARGIN_BOTTOM + 6)


def build_short_document(out, page: PageInfo, story: list[Flowable], progress: Progress | None = None) -> None:
    """build_document for a document of a page or two: progress is just «laid out», then «done»."""
    if progress is not None:
        progress(1, 2)
    build_document(out, page, story)
    if progress is not None:
        progress(2, 2)
