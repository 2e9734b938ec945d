"""Persian text laid out for reportlab: letter shaping, line breaking, right-to-left order.

reportlab draws glyphs left to right exactly as given, so we hand it *visual* strings:
1. Shape: arabic-reshaper turns letters into their joined presentation forms. It is configured
   from the font file, so it never emits a ligature Vazirmatn lacks, and it keeps harakat
   (the reshaper's defaults silently drop ـً ـٔ and friends).
2. Break lines in LOGICAL order, measuring each word's shaped width. Words never join across a
   space, so a word's shape (and width) does not depend on its neighbours.
3. Order each line on its own with base direction RTL. Ordering a whole paragraph first and
   breaking afterwards would print its lines bottom-up.

Which bidi implementation, and why (python-bidi 0.6.12, checked on rendered pages):
- `bidi.algorithm.get_display` (pure Python) follows an old version of the Unicode algorithm:
  no bracket pairs (rule N0) and no isolates. "Ali (Reza) کریمی" comes out as "(Ali (Reza" and an
  LRI...PDI around a phone number raises an error.
- `bidi.get_display` (Rust, unicode-bidi) follows the current algorithm, bracket pairs and
  isolates included, but does not mirror: in a right-to-left run "(الف)" prints as ")الف(".
So we take the resolved embedding levels from the Rust implementation (its documented
`debug=True` output), reorder with rule L2 ourselves and mirror brackets at odd levels (L4)
with python-bidi's own mirror table. Lines without any mirrored character (most of them)
take the plain Rust `get_display` path, which gives the same order.

Numbers: Persian digits are European numbers for the algorithm, so ۱۲۳۴ and ۱۴۰۵/۰۹/۰۱ stay
left to right. A run such as a phone number "۰۲۱-۸۸۷۷۶۶۵۵" after Persian words would be split at
the hyphen; wrap such identifiers with `ltr()` (an LRI...PDI isolate) to keep them whole.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import arabic_reshaper
from arabic_reshaper import ArabicReshaper, config_for_true_type_font
from arabic_reshaper.arabic_reshaper import HARAKAT_RE
from bidi import get_display
from bidi.mirror import MIRRORED
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.platypus import Flowable

from app.persian import normalize_letters
from app.printing import fonts
from app.resources import font_path

LRI = "\u2066"
PDI = "\u2069"

# Format characters that steer shaping or ordering; once both are done they must not be drawn.
_CONTROLS = dict.fromkeys(
    map(ord, "\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")
)
_LEVEL_RE = re.compile(r"Level\(\s*(\d+),?\s*\)")
# The field's own lines in the pretty-printed dump; the text itself is printed escaped on a
# single line, so whatever a note says cannot fake them.
_LEVELS_FIELD_RE = re.compile(r"^    levels: \[$(.*?)^    \],$", re.MULTILINE | re.DOTALL)
_SPACES_RE = re.compile(r"[ \t]+")
# Sizes of the shaping, ordering and line-breaking caches. What repeats in a document (names,
# dates, labels, common words) is found with a few thousand entries; what does not (a month's
# summaries) only filled caches of 16,000-65,000 entries, some 35 MB of a 1,350-page report's
# peak, for the same number of misses within 5-20% (issue 17).
_WORDS = 8192
_LINES = 8192


@lru_cache(maxsize=1)
def _reshaper() -> ArabicReshaper:
    config = config_for_true_type_font(
        str(font_path("Regular")), arabic_reshaper.ENABLE_ALL_LIGATURES
    )
    # Persian names (عبدالله، اسدالله) and amounts (ریال) must print as written, not as the
    # Arabic ﷲ and ﷼ signs.
    config["ARABIC LIGATURE ALLAH"] = False
    config["RIAL SIGN"] = False
    config["delete_harakat"] = False
    # Our renderer has no mark positioning: a zero-width mark drawn just before its letter
    # (visual order) lands over that letter. Shifting it would push it onto the next letter.
    config["shift_harakat_position"] = False
    config["delete_tatweel"] = False
    config["support_zwj"] = True
    reshaper = ArabicReshaper(configuration=config)
    # reshape() reads six options through configparser on every call, which was a third of
    # the cost of shaping a report; the values never change, so read them once.
    reshaper.configuration = _FrozenConfig(reshaper.configuration)
    return reshaper


class _FrozenConfig:
    def __init__(self, section):
        self._values = {key: section.get(key) for key in section}
        self._booleans = {}
        for key in section:
            try:
                self._booleans[key] = section.getboolean(key)
            except ValueError:
                pass

    def getboolean(self, key: str) -> bool:
        return self._booleans[key.lower()]  # configparser keeps option names lower-case

    def get(self, key: str, fallback=None):
        return self._values.get(key.lower(), fallback)


def ltr(text: str) -> str:
    """Keep an identifier (phone, file number, Latin code) in one left-to-right piece."""
    return f"{LRI}{text}{PDI}"


@lru_cache(maxsize=_WORDS)
def shape(text: str) -> str:
    """Joined letter forms, still in logical order."""
    # Arabic ي/ك from imports print as Persian ی/ک (the stored text is not touched).
    return _reshaper().reshape(normalize_letters(unicodedata.normalize("NFC", text)))


def _shape_line(line: str) -> str:
    """shape() of a line, put together from its words' shapes (a long report repeats its
    words far more than its lines, and each word is already shaped to measure it). A space
    joins no letters and no ligature the reshaper knows spans one, so the result is the same;
    a word that begins with a mark (which the reshaper puts on what came before) is the
    exception, and such a line is shaped whole."""
    words = line.split(" ")
    if any(word and HARAKAT_RE.match(word[0]) for word in words):
        return shape(line)
    return " ".join(shape(word) if word else "" for word in words)


@lru_cache(maxsize=_LINES)
def visual(line: str) -> str:
    """One logical line -> the string to draw left to right. The line must not wrap."""
    shaped = _shape_line(line.strip())
    if any(ch in MIRRORED for ch in shaped):
        ordered = _reorder_and_mirror(shaped)
    else:
        ordered = get_display(shaped, base_dir="R")
    return ordered.translate(_CONTROLS)


def _resolved_levels(text: str) -> list[int] | None:
    """Embedding level of each character, from the Rust implementation's debug output."""
    dump = get_display(text, base_dir="R", debug=True)
    field = _LEVELS_FIELD_RE.search(dump)
    if field is None:
        return None
    byte_levels = [int(x) for x in _LEVEL_RE.findall(field.group(1))]
    encoded_length = len(text.encode("utf-8"))
    if len(byte_levels) != encoded_length:
        return None
    levels = []
    offset = 0
    for ch in text:
        levels.append(byte_levels[offset])
        offset += len(ch.encode("utf-8"))
    return levels


def _reorder_and_mirror(text: str) -> str:
    levels = _resolved_levels(text)
    if levels is None:  # the debug format moved under us: fall back to the Python algorithm
        from bidi.algorithm import get_display as python_get_display

        return python_get_display(text.translate(_CONTROLS), base_dir="R")
    # Rule L1: trailing white space takes the paragraph level.
    i = len(text) - 1
    while i >= 0 and (text[i].isspace() or ord(text[i]) in _CONTROLS):
        levels[i] = 1
        i -= 1
    chars = [MIRRORED.get(ch, ch) if level % 2 else ch for ch, level in zip(text, levels)]
    order = list(range(len(text)))
    # Rule L2: from the highest level down to the lowest odd one, reverse every run at or above it.
    for level in range(max(levels, default=0), 0, -1):
        start = None
        for pos in range(len(order) + 1):
            inside = pos < len(order) and levels[order[pos]] >= level
            if inside and start is None:
                start = pos
            elif not inside and start is not None:
                order[start:pos] = order[start:pos][::-1]
                start = None
    return "".join(chars[i] for i in order)


@lru_cache(maxsize=2 * _WORDS)
def _unit_width(word: str, font_name: str) -> float:
    return stringWidth(shape(word).translate(_CONTROLS), font_name, 1.0)


def text_width(text: str, font_name: str, size: float) -> float:
    """Printed width of one logical line."""
    return _unit_width(text, font_name) * size


@lru_cache(maxsize=16)
def _space_width(font_name: str, size: float) -> float:
    return stringWidth(" ", font_name, size)


def break_lines(text: str, font_name: str, size: float, width: float) -> list[str]:
    """Logical lines, each no wider than `width` once shaped. Hard newlines are kept."""
    return list(_break_lines(str(text), font_name, size, width))


@lru_cache(maxsize=_LINES)
def _break_lines(text: str, font_name: str, size: float, width: float) -> tuple[str, ...]:
    fonts.register_fonts()
    lines: list[str] = []
    space = _space_width(font_name, size)
    for paragraph in text.split("\n"):
        current: list[str] = []
        used = 0.0
        for word in _SPACES_RE.split(paragraph.strip()):
            if not word:
                continue
            w = text_width(word, font_name, size)
            if w > width:
                if current:
                    lines.append(" ".join(current))
                pieces = _split_long_word(word, font_name, size, width)
                lines.extend(pieces[:-1])
                current, used = [pieces[-1]], text_width(pieces[-1], font_name, size)
                continue
            extra = w if not current else space + w
            if current and used + extra > width:
                lines.append(" ".join(current))
                current, used = [word], w
            else:
                current.append(word)
                used += extra
        lines.append(" ".join(current))
    return tuple(lines)


def _split_long_word(word: str, font_name: str, size: float, width: float) -> list[str]:
    """A token wider than the column (a long code or address) is cut between characters."""
    pieces = []
    start = 0
    for end in range(1, len(word) + 1):
        if end - start > 1 and text_width(word[start:end], font_name, size) > width:
            pieces.append(word[start : end - 1])
            start = end - 1
    pieces.append(word[start:])
    return pieces


def wrap(text: str, font_name: str, size: float, width: float) -> list[str]:
    """Visual lines, top to bottom, ready to draw."""
    return [visual(line) for line in break_lines(text, font_name, size, width)]


def draw_line(canvas, text: str, x_right: float, y: float, font_name: str, size: float,
              align: str = "right") -> float:
    """Draw one logical line with its right edge (or centre) at x_right; return its width."""
    width = text_width(text.strip(), font_name, size)
    canvas.setFont(font_name, size)
    canvas.drawString(_start_x(x_right, width, align), y, visual(text))
    return width


_ENCODED_LIMIT = _LINES  # lines kept encoded per document; a long report's are mostly unique


def draw_text_lines(canvas, font_name: str, size: float, lines: list[tuple[float, float, str]]) -> None:
    """Visual lines at (x, y) baselines as one PDF text object: the operators reportlab's
    PDFTextObject writes for a TrueType font (Tm, the subset's Tf, Tj), with each line's
    subset bytes kept per document. reportlab's textOut re-encoded every line through the
    font's subset table (a sixth of a long report's time); a document repeats its names,
    dates and labels thousands of times. The cache lives on the canvas's document, because
    subset codes are that document's own (they are assigned as characters first appear)."""
    if not lines:
        return
    font = getFont(font_name)
    if not getattr(font, "_dynamicFont", False) or getattr(font, "shapable", False):
        text = canvas.beginText()
        text.setFont(font_name, size)
        for x, y, line in lines:
            text.setTextOrigin(x, y)
            text.textOut(line)
        canvas.drawText(text)
        return
    doc = canvas._doc
    cache = doc.__dict__.setdefault("_parvandeh_encoded", {})
    if len(cache) > _ENCODED_LIMIT:
        cache.clear()
    tf = f"{fp_str(size)} Tf {fp_str(size * 1.2)} TL"
    code = ["BT"]
    current = None
    for x, y, line in lines:
        code.append(f"1 0 0 1 {fp_str(x, y)} Tm")
        parts = cache.get((font_name, line))
        if parts is None:
            parts = cache[(font_name, line)] = tuple(
                (font.getSubsetInternalName(subset, doc), f"({canvas._escape(t)}) Tj")
                for subset, t in font.splitString(line, doc))
        for subset_name, shown in parts:
            if subset_name != current:
                code.append(f"{subset_name} {tf}")
                current = subset_name
            code.append(shown)
    code.append("ET")
    canvas._code.append(" ".join(code))


def _start_x(anchor: float, width: float, align: str) -> float:
    if align == "center":
        return anchor - width / 2
    if align == "left":
        return anchor
    return anchor - width


def baseline_offset(size: float, leading: float) -> float:
    """Distance from a line box's top to its baseline; Persian letters hang well below it."""
    return (leading - 1.25 * size) / 2 + 0.8 * size


class RtlParagraph(Flowable):
    """A right-to-left paragraph: wraps in logical order, draws right-aligned (or centred).

    Uses a reportlab ParagraphStyle for fontName, fontSize, leading, alignment, textColor,
    leftIndent/rightIndent, spaceBefore/spaceAfter and backColor. TA_RIGHT and TA_JUSTIFY both
    mean "start at the right"; TA_CENTER centres; TA_LEFT is honoured for left-hugging cells.
    """

    def __init__(self, text: str, style: ParagraphStyle, *, _lines: list[str] | None = None):
        super().__init__()
        self.text = "" if text is None else str(text)
        self.style = style
        self._given_lines = _lines
        self._lines: list[str] = []
        self._wrapped_for: float | None = None
        self.spaceBefore = style.spaceBefore
        self.spaceAfter = style.spaceAfter
        self.keepWithNext = getattr(style, "keepWithNext", 0)

    def __repr__(self) -> str:
        return f"RtlParagraph({self.text[:30]!r})"

    def _text_width(self, avail_width: float) -> float:
        return max(1.0, avail_width - self.style.leftIndent - self.style.rightIndent)

    def wrap(self, availWidth, availHeight):
        # Tables call wrap many times while splitting: keep the last answer.
        if self._wrapped_for != availWidth:
            if self._given_lines is not None:
                self._lines = self._given_lines
            else:
                self._lines = break_lines(
                    self.text, self.style.fontName, self.style.fontSize,
                    self._text_width(availWidth),
                )
            self._wrapped_for = availWidth
        self.width = availWidth
        self.height = len(self._lines) * self.style.leading
        return self.width, self.height

    def minWidth(self):
        words = self.text.split()
        return max((text_width(w, self.style.fontName, self.style.fontSize) for w in words),
                   default=0) + self.style.leftIndent + self.style.rightIndent

    def split(self, availWidth, availHeight):
        self.wrap(availWidth, availHeight)
        fit = int(availHeight // self.style.leading)
        if fit <= 0 or fit >= len(self._lines):
            return [] if fit <= 0 else [self]
        head = RtlParagraph(self.text, self.style, _lines=self._lines[:fit])
        tail = RtlParagraph(self.text, self.style, _lines=self._lines[fit:])
        head.spaceAfter = 0
        tail.spaceBefore = 0
        return [head, tail]

    def drawOn(self, canvas, x, y, _sW=0):
        # Flowable.drawOn wraps every draw in saveState/translate/restoreState; a report has
        # thousands of cells, and that bracket was a third of its drawing time. We draw at
        # absolute coordinates instead. Only the fill colour may change, and whoever draws
        # next sets its own (tables set each cell's colour, our own drawing sets it always).
        self._paint(canvas, self._hAlignAdjust(x, _sW), y)

    def draw(self):
        self._paint(self.canv, 0, 0)

    def _paint(self, canvas, x0: float, y0: float) -> None:
        style = self.style
        if style.backColor is not None:
            canvas.setFillColor(style.backColor)
            canvas.rect(x0, y0, self.width, self.height, stroke=0, fill=1)
        if style.textColor is not canvas._fillColorObj and style.textColor != canvas._fillColorObj:
            canvas.setFillColor(style.textColor)
        align = {TA_CENTER: "center", TA_LEFT: "left"}.get(style.alignment, "right")
        if align == "center":
            anchor = style.leftIndent + self._text_width(self.width) / 2
        elif align == "left":
            anchor = style.leftIndent
        else:
            anchor = self.width - style.rightIndent
        offset = baseline_offset(style.fontSize, style.leading)
        placed = []
        for i, line in enumerate(self._lines):
            if not line:
                continue
            y = y0 + self.height - i * style.leading - offset
            width = text_width(line.strip(), style.fontName, style.fontSize)
            placed.append((x0 + _start_x(anchor, width, align), y, visual(line)))
        draw_text_lines(canvas, style.fontName, style.fontSize, placed)

    def visual_lines(self) -> list[str]:
        """What will be drawn, top to bottom (after wrap); tests read this."""
        return [visual(line) for line in self._lines]


class RtlStack(Flowable):
    """Several short paragraphs stacked in one table cell, measured and drawn as one.

    A list of flowables in a cell works too, but reportlab then measures each one separately
    on every split; with thousands of cells that was most of a report's layout time.
    """

    def __init__(self, parts: list[RtlParagraph]):
        super().__init__()
        self.parts = parts

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self.height = sum(part.wrap(availWidth, availHeight)[1] for part in self.parts)
        return self.width, self.height

    def drawOn(self, canvas, x, y, _sW=0):
        x = self._hAlignAdjust(x, _sW)
        top = y + self.height
        for part in self.parts:
            top -= part.height
            part.drawOn(canvas, x, top)

    def draw(self):
        self.drawOn(self.canv, 0, 0)

    def visual_lines(self) -> list[str]:
        return [line for part in self.parts for line in part.visual_lines()]
