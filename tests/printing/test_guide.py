"""The Persian user guide: every chapter the issue lists, pictures that exist, HTML for F1 and
a PDF in the documents' layout."""

import datetime as dt
import re

from app.printing.data import ClinicInfo
from app.printing.guide import headings, parse, read_guide, render_guide_pdf, to_html
from app.resources import guide_dir
from tests.printing.pdf_helpers import pdf_text

CHAPTERS = ("نخستین اجرا", "یادداشت", "بررسی وضعیت", "گزارش ماهانه", "اصلاح پس از امضا", "پشتیبان",
            "یک رایانه یا چند رایانه", "میانبرهای صفحه‌کلید")


def test_the_guide_has_every_chapter_and_its_pictures_exist():
    folder = guide_dir()
    blocks = read_guide(folder)
    titles = " ".join(text for _level, text, _anchor in headings(blocks))
    for chapter in CHAPTERS:
        assert chapter in titles, chapter
    pictures = [b.path for b in blocks if b.kind == "img"]
    assert len(pictures) >= 8
    for path in pictures:
        assert (folder / path).is_file(), path


def test_the_small_markdown_reader():
    blocks = parse("# عنوان\n\nمتن **پررنگ** با `Ctrl+F`\nادامه\n\n- یک\n- دو\n\n1. اول\n\n"
                   "![تصویر](images/x.png)\n\n| کجا | کلید |\n|---|---|\n| همه‌جا | `F1` |\n")
    assert [b.kind for b in blocks] == ["h1", "p", "ul", "ol", "img", "table"]
    assert blocks[1].text == "متن **پررنگ** با `Ctrl+F` ادامه"
    assert blocks[2].items == ["یک", "دو"] and blocks[5].rows == [["کجا", "کلید"], ["همه‌جا", "`F1`"]]
    html = to_html(blocks)
    assert '<body dir="rtl"' in html and "<b>پررنگ</b>" in html
    assert "&#x2066;Ctrl+F&#x2069;" in html  # keys stay left to right inside Persian
    assert "۱. اول" in html  # numbered with Persian digits
    assert "<script" not in to_html(parse("<script>alert(1)</script>"))  # text, never markup


def test_the_guide_prints_as_a_persian_pdf(tmp_path):
    folder = guide_dir()
    out = tmp_path / "guide.pdf"
    clinic = ClinicInfo(name="پرونده", licence_number="", licence_province="", address="", phones=(),
                        manager_name="")
    render_guide_pdf(read_guide(folder), folder, out, clinic=clinic,
                     generated_at=dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=3.5))))
    text = pdf_text(out)
    for chapter in ("نخستین اجرا", "پشتیبان‌گیری", "میانبرهای صفحه‌کلید"):
        assert chapter.replace("\u200c", "") in text.replace("\u200c", ""), chapter
    assert "Ctrl+Shift+N" in text
    assert "پروانه فعالیت شماره" not in text  # no empty licence line for the program's own guide
    assert len(re.findall(r"صفحه", text)) >= 4
