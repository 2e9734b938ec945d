"""FixedRows lays out and draws a client group exactly as reportlab's Table did (issue 17).

The monthly report's client table used to be one reportlab Table per client group; FixedRows
draws the same groups without it. Here every group of a sample month (clients without a service,
with one, with several; zebra; flags; wrapped summaries; a name stack taller than its services)
is laid out both ways: the row heights and row positions must be the same floats, and the same
fills, line segments and text positions must be drawn.
"""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from app.printing import fonts
from app.printing.data import ServiceLine
from app.printing.documents.monthly_report import CLIENT_COLUMNS, _client_groups
from app.printing.layout import FixedRows, RowGroup, _assemble, logical_cells
from app.printing.samples import sample_monthly_report

WIDTH = 540.0
_OPERATOR = re.compile(r"(?:-?[\d.]+ ){4}(?:re f|re)|(?:-?[\d.]+ ){2}m (?:-?[\d.]+ ){2}l S|(?:-?[\d.]+ ){6}Tm"
                       r"|(?:-?[\d.]+ ){3}rg|(?:-?[\d.]+ ){3}RG|[\d.]+ w")


def _groups():
    data = sample_monthly_report(40)
    long_note = " ".join(["پیگیری وضعیت تحصیلی کودک و گفت‌وگو با مدرسه و خانواده درباره برنامه هفته آینده"] * 4)
    clients = list(data.clients)
    # one service with a long summary (many lines), and one short service under a tall name stack
    clients[2] = dataclasses.replace(clients[2], services=[dataclasses.replace(
        clients[3].services[0] if clients[3].services else ServiceLine(
            clients[0].services[0].date, "مشاوره", "حضوری", 45, ""), summary_text=long_note)])
    clients[4] = dataclasses.replace(clients[4], services=clients[4].services[:1], priority=True, abuse_concern=True)
    data = dataclasses.replace(data, clients=clients)
    return list(_client_groups(data))


def _drawn(block, x=14.0, y=300.0) -> list[str]:
    canvas = Canvas(io.BytesIO(), pagesize=A4)
    block.drawOn(canvas, x, y)
    return _OPERATOR.findall(" ".join(canvas._code))


def _pair(group: RowGroup):
    cells = logical_cells(CLIENT_COLUMNS, group.rows)
    table = _assemble(CLIENT_COLUMNS, cells, WIDTH, header=False, zebra=False, commands=group.commands)
    table.wrap(WIDTH, 1e6)
    fixed = FixedRows.make(CLIENT_COLUMNS, logical_cells(CLIENT_COLUMNS, group.rows), WIDTH, group.commands)
    assert fixed is not None
    fixed.wrap(WIDTH, 1e6)
    return table, fixed


def test_every_client_group_has_the_tables_row_heights_and_positions():
    fonts.register_fonts()
    groups = _groups()
    kinds = {("none" if g.rows[0][3] == "" else "one" if len(g.rows) == 1 else "many") for g in groups}
    assert kinds == {"none", "one", "many"}
    for group in groups:
        table, fixed = _pair(group)
        assert fixed.heights == table._rowHeights
        assert fixed.ys == table._rowpositions
        assert fixed.height == table._height


def test_every_client_group_draws_what_the_table_drew():
    fonts.register_fonts()
    spread = 0
    for group in _groups():
        table, fixed = _pair(group)
        expected, got = _drawn(table), _drawn(fixed)
        # The table also sets black and a Helvetica font before its first cell (nothing is
        # drawn with them): compare what paints.
        expected = [op for op in expected if op != "0 0 0 rg"]
        got = [op for op in got if op != "0 0 0 rg"]
        assert got == expected
        spread = max(spread, len(table._rowHeights))
    assert spread >= 3


def test_a_name_stack_taller_than_its_one_service_stretches_the_row():
    fonts.register_fonts()
    group = next(g for g in _groups() if len(g.rows) == 1 and g.rows[0][3] != "")
    table, fixed = _pair(group)
    stack = logical_cells(CLIENT_COLUMNS, group.rows)[0][1]
    assert fixed.heights[0] >= stack.wrap(WIDTH * 17 / sum(c.weight for c in CLIENT_COLUMNS) - 6, 1e6)[1] + 3
    assert fixed.heights == table._rowHeights


@pytest.mark.parametrize("command", [("LINEBELOW", (0, 0), (-1, 0), 1, "#000000"),
                                     ("FONTSIZE", (0, 0), (-1, -1), 9),
                                     ("LINEABOVE", (0, 0), (-1, 0), 1, "#000000", "butt")])
def test_anything_else_is_left_to_reportlab(command):
    rows = [["۱", "نام", "", "", "", "", ""]]
    assert FixedRows.make(CLIENT_COLUMNS, logical_cells(CLIENT_COLUMNS, rows), WIDTH, [command]) is None
    assert FixedRows.make(CLIENT_COLUMNS, logical_cells(CLIENT_COLUMNS, rows), WIDTH, []) is not None


def test_the_header_row_on_every_page_is_the_tables():
    from app.printing.layout import _GroupFeed
    fonts.register_fonts()
    header, height = _GroupFeed(CLIENT_COLUMNS, [], WIDTH, None, False).header(WIDTH)
    assert isinstance(header, FixedRows)
    table = _assemble(CLIENT_COLUMNS, [], WIDTH, header=True, zebra=False, commands=())
    table.wrap(WIDTH, 1e6)
    assert height == table._height and header.heights == table._rowHeights
    assert _drawn(header) == [op for op in _drawn(table) if op != "0 0 0 rg"]
