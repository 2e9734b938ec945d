"""The Persian user guide (docs/guide/*.md): read once, shown as HTML in the program (F1) and
printed as PDF with the same layout as the clinic's other documents.

The guide uses a small part of Markdown: `#`/`##`/`###` headings, paragraphs, `-` and `1.`
lists, `![caption](image.png)` pictures on a line of their own, `| a | b |` tables, **bold**
and `keys`. A small reader of that part serves both outputs, so the screen and the paper say
the same; anything else stays as plain text rather than being guessed at.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from app.persian import to_persian_digits

_IMAGE = re.compile(r"^!\[(?P<caption>[^\]]*)\]\((?P<path>[^)]+)\)\s*$")
_HEADING = re.compile(r"^(?P<marks>#{1,3})\s+(?P<text>.+?)\s*#*$")
_BULLET = re.compile(r"^\s*[-*]\s+(?P<text>.+)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(?P<text>.+)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")


@dataclass
class Block:
    kind: str  # h1 h2 h3 p ul ol img table
    text: str = ""
    items: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    path: str = ""


def guide_files(folder: Path) -> list[Path]:
    """The chapters in order (their names start with a number)."""
    return sorted(Path(folder).glob("*.md"))


def parse(text: str) -> list[Block]:
    blocks: list[Block] = []
    paragraph: list[str] = []

    def end_paragraph() -> None:
        if paragraph:
            blocks.append(Block("p", " ".join(paragraph)))
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip():
            end_paragraph()
            continue
        if m := _HEADING.match(line):
            end_paragraph()
            blocks.append(Block(f"h{len(m['marks'])}", m["text"]))
        elif m := _IMAGE.match(line.strip()):
            end_paragraph()
            blocks.append(Block("img", m["caption"], path=m["path"]))
        elif line.lstrip().startswith("|"):
            end_paragraph()
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue  # the |---|---| line under a table's head
            if not blocks or blocks[-1].kind != "table":
                blocks.append(Block("table"))
            blocks[-1].rows.append(cells)
        elif (m := _BULLET.match(line)) or (m := _NUMBERED.match(line)):
            end_paragraph()
            kind = "ul" if _BULLET.match(line) else "ol"
            if not blocks or blocks[-1].kind != kind:
                blocks.append(Block(kind))
            blocks[-1].items.append(m["text"])
        else:
            paragraph.append(line.strip())
    end_paragraph()
    return blocks


def read_guide(folder: Path) -> list[Block]:
    blocks: list[Block] = []
    for path in guide_files(folder):
        blocks += parse(path.read_text(encoding="utf-8"))
    return blocks


def inline_html(text: str) -> str:
    """Escaped text with **bold** and `keys`; keys stay left to right inside Persian."""
    escaped = html.escape(text, quote=False)
    escaped = _BOLD.sub(r"<b>\1</b>", escaped)
    return _CODE.sub(r'<span style="font-family: monospace; background: #eef2f5;">&#x2066;\1&#x2069;</span>',
                     escaped)


def to_html(blocks: list[Block], image_folder: Path | None = None, image_width: int = 560) -> str:
    """The guide as one right-to-left HTML page (for QTextBrowser); headings get anchors."""
    parts = ['<html><body dir="rtl" style="line-height: 150%;">']
    for n, b in enumerate(blocks):
        if b.kind in ("h1", "h2", "h3"):
            parts.append(f'<a name="s{n}"></a><{b.kind}>{inline_html(b.text)}</{b.kind}>')
        elif b.kind == "p":
            parts.append(f"<p>{inline_html(b.text)}</p>")
        elif b.kind == "ul":
            items = "".join(f"<li>{inline_html(i)}</li>" for i in b.items)
            parts.append(f"<ul>{items}</ul>")
        elif b.kind == "ol":  # Qt numbers lists with Latin digits: Persian ones by hand
            parts += [f'<p style="margin-right: 14px;">{to_persian_digits(n)}. {inline_html(i)}</p>'
                      for n, i in enumerate(b.items, start=1)]
        elif b.kind == "img":
            src = (image_folder / b.path).as_uri() if image_folder else b.path
            parts.append(f'<p align="center"><img src="{html.escape(src)}" width="{image_width}"><br>'
                         f"<small>{inline_html(b.text)}</small></p>")
        elif b.kind == "table":
            head, *rows = b.rows
            cells = "".join(f"<th>{inline_html(c)}</th>" for c in head)
            body = "".join("<tr>" + "".join(f"<td>{inline_html(c)}</td>" for c in r) + "</tr>" for r in rows)
            parts.append(f'<table border="1" cellpadding="4" cellspacing="0" width="100%">'
                         f"<tr>{cells}</tr>{body}</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def headings(blocks: list[Block]) -> list[tuple[int, str, str]]:
    """(level, text, anchor) of each heading, for a table of contents."""
    return [(int(b.kind[1]), b.text, f"s{n}") for n, b in enumerate(blocks) if b.kind in ("h1", "h2", "h3")]


# --- paper -----------------------------------------------------------------------------------

def _pdf_text(text: str) -> str:
    """Text for a PDF paragraph: ** marks dropped, `keys` kept left to right (an isolate)."""
    return _CODE.sub(lambda m: "\u2066" + m.group(1) + "\u2069", _BOLD.sub(r"\1", text))


def render_guide_pdf(blocks: list[Block], image_folder: Path, out, *, clinic, generated_at: dt.datetime) -> None:
    """The guide on A4 with the clinic's header and numbered pages (app.printing.layout)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, KeepTogether, Spacer

    from app.printing.layout import (
        Column,
        PageInfo,
        build_document,
        frame_width,
        heading,
        para,
        rtl_style,
        rtl_table,
        styles,
    )

    import app

    page = PageInfo(clinic=clinic, title="راهنمای پرونده", document_id=app.__version__, generated_at=generated_at,
                    id_label="راهنمای نسخه")
    width = frame_width(page)
    title = rtl_style("guide_h1", 14, bold=True, space_before=8, space_after=6)
    bullet = rtl_style("guide_li", 9.5, space_after=2, rightIndent=10)
    story = []
    for b in blocks:
        if b.kind == "h1":
            story.append(para(_pdf_text(b.text), title))
        elif b.kind in ("h2", "h3"):
            story += heading(_pdf_text(b.text))
        elif b.kind == "p":
            story.append(para(_pdf_text(b.text)))
        elif b.kind in ("ul", "ol"):
            for n, item in enumerate(b.items, start=1):
                mark = "•" if b.kind == "ul" else f"{to_persian_digits(n)}."
                story.append(para(f"{mark} {_pdf_text(item)}", bullet))
        elif b.kind == "img":
            path = image_folder / b.path
            if path.exists():
                image = Image(str(path))
                scale = min(width * 0.9 / image.imageWidth, 95 * mm / image.imageHeight, 1.0)
                image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
                story.append(KeepTogether([Spacer(1, 4), image, para(_pdf_text(b.text), styles().small)]))
        elif b.kind == "table" and b.rows:
            head, *rows = b.rows
            columns = [Column(_pdf_text(h), 1) for h in head]
            story.append(rtl_table(columns, [[_pdf_text(c) for c in r] for r in rows], width))
            story.append(Spacer(1, 6))
    build_document(out, page, story)
