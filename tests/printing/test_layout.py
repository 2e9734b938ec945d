"""The shared page frame: right-to-left tables, header and footer, page x of y, landscape."""

from __future__ import annotations

import datetime as dt
import io

from reportlab.platypus import PageBreak

from app.printing.layout import (
    Column,
    GroupedTable,
    PageInfo,
    RowGroup,
    _move_span_content,
    build_document,
    frame_width,
    mirror_command,
    page_number_text,
    para,
    qr_matrix,
    rtl_table,
)
from app.printing.samples import sample_clinic
from tests.printing.pdf_helpers import (
    find_box,
    has_phrase,
    has_words,
    page_count,
    page_size,
    pdf_text,
    word_boxes,
)

COLUMNS = (Column("اول", 1), Column("دوم", 1), Column("سوم", 1))


def _page(**kw) -> PageInfo:
    base = dict(clinic=sample_clinic(), title="آزمایش صفحه", document_id="T-0001",
                generated_at=dt.datetime(2026, 11, 22, 9, 30), qr_payload="parvandeh:test")
    base.update(kw)
    return PageInfo(**base)


def _render(story, **kw) -> bytes:
    out = io.BytesIO()
    build_document(out, _page(**kw), story)
    return out.getvalue()


def test_first_logical_column_is_drawn_at_the_right():
    page = _page()
    table = rtl_table(COLUMNS, [("الف", "ب", "پ")], frame_width(page))
    pdf = _render([table])
    boxes = word_boxes(pdf)
    x_first, _ = find_box(boxes, "اول")
    x_second, _ = find_box(boxes, "دوم")
    x_third, _ = find_box(boxes, "سوم")
    assert x_first > x_second > x_third
    assert find_box(boxes, "الف")[0] > find_box(boxes, "پ")[0]


def test_mirror_command_flips_column_ranges():
    assert mirror_command(("SPAN", (0, 1), (1, 1)), 5) == ("SPAN", (3, 1), (4, 1))
    assert mirror_command(("BACKGROUND", (0, 0), (-1, 0), "red"), 4) == \
        ("BACKGROUND", (0, 0), (3, 0), "red")


def test_span_text_moves_to_the_cell_reportlab_shows():
    rows = [["", "جمع کل", "", "۱۰"]]
    _move_span_content(rows, [("SPAN", (0, 1), (2, 1))], header_rows=1)
    assert rows == [["", "", "جمع کل", "۱۰"]]


def test_header_row_repeats_on_every_page():
    rows = [(f"سطر{i}", "ب", "پ") for i in range(150)]
    pdf = _render([rtl_table(COLUMNS, rows, 400)])
    pages = page_count(pdf)
    assert pages >= 3
    for number in range(1, pages + 1):
        assert has_words(pdf_text(pdf, number), "اول دوم سوم")


def test_grouped_table_keeps_groups_whole_and_repeats_header():
    groups = [RowGroup([[f"گروه{g}", f"ردیف{r}", "متن"] for r in range(4)],
                       [("SPAN", (0, 0), (0, 3))], progress_mark=g) for g in range(60)]
    pdf = _render([GroupedTable(COLUMNS, groups, 400)])
    pages = page_count(pdf)
    assert pages >= 3
    seen = []
    for number in range(1, pages + 1):
        text = pdf_text(pdf, number)
        assert has_words(text, "اول دوم سوم")
        seen += [int(w[4:]) for w in text.split() if w.startswith("گروه")]
    assert seen == list(range(60))  # every group once, in order, none cut


def test_page_numbers_count_all_pages():
    story = [para("یک"), PageBreak(), para("دو"), PageBreak(), para("سه")]
    pdf = _render(story)
    assert page_count(pdf) == 3
    for number in (1, 2, 3):
        assert has_phrase(pdf_text(pdf, number), page_number_text(number, 3))
    assert page_number_text(1, 3) == "صفحه ۱ از ۳"


def test_header_and_footer_on_every_page():
    pdf = _render([para("یک"), PageBreak(), para("دو")])
    for number in (1, 2):
        text = pdf_text(pdf, number)
        assert has_words(text, "کلینیک مددکاری اجتماعی مهرآفرین")
        assert has_words(text, "آزمایش صفحه")
        assert "T-0001" in text
        assert has_phrase(text, "۱۴۰۵/۰۹/۰۱")


def test_portrait_and_landscape():
    assert page_size(_render([para("عمودی")])) == (595.28, 841.89) or \
        abs(page_size(_render([para("عمودی")]))[0] - 595.28) < 1
    width, height = page_size(_render([para("افقی")], landscape=True))
    assert width > height
    assert frame_width(_page(landscape=True)) > frame_width(_page())


def test_banner_is_repeated_under_the_header():
    pdf = _render([para("یک"), PageBreak(), para("دو")], banner="اصلاحیه شماره ۱")
    for number in (1, 2):
        assert has_phrase(pdf_text(pdf, number), "اصلاحیه شماره ۱")


def test_qr_matrix_is_square_and_not_empty():
    matrix = qr_matrix("parvandeh:report:MR-1")
    assert len(matrix) == len(matrix[0]) >= 21
    assert any(any(row) for row in matrix)


def test_logo_from_bytes(tmp_path):
    from dataclasses import replace

    from app.printing.samples import sample_images

    logo = sample_images(tmp_path)["logo"].read_bytes()
    page = _page(clinic=replace(sample_clinic(), logo_path=logo))
    out = io.BytesIO()
    build_document(out, page, [para("با نشان")])
    assert out.getvalue().startswith(b"%PDF")
