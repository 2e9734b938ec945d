"""A long table is laid out a page at a time: its groups are made only when a page needs them and
drawn page by page (issue 17: a 1,350-page report held every cell, ~420 MB)."""

from __future__ import annotations

import datetime as dt
import io

from app.printing.layout import Column, GroupedTable, PageInfo, RowGroup, build_document, frame_width
from app.printing.samples import sample_clinic
from tests.printing.pdf_helpers import page_count, pdf_text

COLUMNS = (Column("اول", 1), Column("دوم", 1), Column("سوم", 1))
GROUPS = 300


def _page() -> PageInfo:
    return PageInfo(clinic=sample_clinic(), title="آزمایش", document_id="T-0002",
                    generated_at=dt.datetime(2026, 11, 22, 9, 30))


def test_groups_are_made_as_pages_need_them():
    made: list[int] = []
    seen_at_draw: list[tuple[int, int]] = []

    def groups():
        for g in range(GROUPS):
            made.append(g)
            rows = [[f"گروه{g}", f"ردیف{r}", "متن"] for r in range(3)]
            yield RowGroup(rows, [("SPAN", (0, 0), (0, 2))], progress_mark=g)

    def drawn(flowable):
        mark = getattr(flowable, "progress_mark", None)
        if mark is not None:
            seen_at_draw.append((mark, len(made)))

    page = _page()
    out = io.BytesIO()
    build_document(out, page, [GroupedTable(COLUMNS, groups(), frame_width(page))], drawn)
    pdf = out.getvalue()
    assert page_count(pdf) >= 5
    first_mark, made_then = seen_at_draw[0]
    assert made_then < GROUPS / 2, "the whole table was made before its first page was drawn"
    assert made_then <= 3 * (first_mark + 1)  # about a page ahead, not the whole table
    # every group printed once, in order
    printed = [int(w[4:]) for n in range(1, page_count(pdf) + 1) for w in pdf_text(pdf, n).split()
               if w.startswith("گروه")]
    assert printed == list(range(GROUPS))

