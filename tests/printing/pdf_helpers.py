"""Reading our PDFs back as a person would: text per page, words, positions, page size.

pdftotext gives the text in presentation forms (ﮔﺰارش); NFKC folds them back to letters.
poppler 22 also puts right-to-left lines back into logical order and wraps runs in bidi
marks; older versions leave them in visual order. `has_words` accepts a word or its mirror
image, so the checks hold either way.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path
from xml.etree import ElementTree

_CONTROLS = dict.fromkeys(map(ord, "\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                   "\u2066\u2067\u2068\u2069\ufeff"))


def normalise(text: str) -> str:
    """NFKC (folds presentation forms), bidi marks and ZWNJ dropped, runs of space single."""
    text = unicodedata.normalize("NFKC", text).translate(_CONTROLS)
    return re.sub(r"[ \t]+", " ", text)


def pdf_text(pdf: Path | bytes, page: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    data = pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes()
    result = subprocess.run(args + ["-", "-"], input=data, capture_output=True, check=True)
    return normalise(result.stdout.decode("utf-8"))


def page_count(pdf: Path | bytes) -> int:
    return int(_pdfinfo(pdf)["Pages"])


def page_size(pdf: Path | bytes) -> tuple[float, float]:
    match = re.match(r"([\d.]+) x ([\d.]+)", _pdfinfo(pdf)["Page size"])
    return float(match.group(1)), float(match.group(2))


def _pdfinfo(pdf: Path | bytes) -> dict[str, str]:
    data = pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes()
    out = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True)
    info = {}
    for line in out.stdout.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def words(text: str) -> list[str]:
    return normalise(text).split()


def has_words(haystack: str, phrase: str) -> bool:
    """Every word of `phrase` appears in `haystack`, as written or reversed.

    Words are looked for inside the text with its spaces removed: poppler glues a run of
    digits or a colon to the next word ("۱۴۰۵اداره", "حروف :بیست").
    """
    compact = "".join(words(haystack))
    return all(w in compact or w[::-1] in compact for w in words(phrase))


def has_phrase(haystack: str, phrase: str) -> bool:
    """The phrase appears in order, in logical or visual order.

    Spaces are ignored: poppler moves them around runs of digits ("صفحه ۱از ۳").
    """
    text = "".join(words(haystack))
    logical = "".join(words(phrase))
    return logical in text or logical[::-1] in text


def word_boxes(pdf: Path | bytes, page: int = 1) -> list[tuple[str, float, float]]:
    """(word, x_min, y_min) for each word pdftotext finds on a page, y from the top."""
    data = pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes()
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), "-", "-"],
                         input=data, capture_output=True, check=True)
    html = out.stdout.decode("utf-8")
    boxes = []
    for match in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</word>', html):
        word = normalise(ElementTree.fromstring(f"<w>{match.group(3)}</w>").text or "").strip()
        boxes.append((word, float(match.group(1)), float(match.group(2))))
    return boxes


def find_box(boxes, word: str) -> tuple[float, float]:
    for text, x, y in boxes:
        if text == word or text == word[::-1]:
            return x, y
    raise AssertionError(f"{word!r} not found among {[b[0] for b in boxes][:40]}")
