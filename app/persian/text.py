"""Normalising Persian text and showing numbers with Persian digits.

Keyboards and imported files mix Arabic ي/ك with Persian ی/ک, and Arabic-Indic digits with
Persian ones. What is stored must not depend on which keyboard typed it.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from app.errors import ValidationError

ZWNJ = "\u200c"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
THOUSANDS_SEPARATOR = "\u066c"  # ٬ Arabic thousands separator, what the Persian locale uses
MINUS = "\u2212"

_LETTERS = str.maketrans({
    "\u064a": "ی",  # ي Arabic yeh
    "\u0649": "ی",  # ى alef maksura, typed for ی at word end by some keyboards
    "\u0643": "ک",  # ك Arabic kaf
    "\u0640": None,  # ـ tatweel only stretches a word; it is never part of it
})
_DIGITS = str.maketrans(PERSIAN_DIGITS + ARABIC_DIGITS, "0123456789" * 2)
_TO_PERSIAN_DIGITS = str.maketrans("0123456789" + ARABIC_DIGITS, PERSIAN_DIGITS * 2)

# Invisible marks (direction marks, zero-width space, soft hyphen, BOM) arrive with text copied
# from web pages and PDFs; kept, they make two equal-looking names differ.
_INVISIBLE = re.compile("[\u00ad\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d", "-"))

# Letters that people and keyboards use for one another. Used for matching and sorting only;
# stored text keeps what was typed.
SEARCH_FOLD = {
    "أ": "ا", "إ": "ا", "ٱ": "ا", "آ": "ا",
    "ؤ": "و", "ئ": "ی", "ء": "",
    "ة": "ه", "ۀ": "ه", "ە": "ه", "ھ": "ه",
    # Kurdish letters, so that Kurdish spellings of a name find the Persian one
    "ۆ": "و", "ێ": "ی", "ې": "ی", "ۍ": "ی", "ڕ": "ر", "ڵ": "ل", "ڤ": "ف",
}


def normalize_letters(s: str) -> str:
    """Arabic ي ى ك become Persian ی ک and tatweel goes; ZWNJ, ئ and digits are kept."""
    return s.translate(_LETTERS) if s else ""


def normalize_digits(s: str) -> str:
    """Persian and Arabic-Indic digits become ASCII 0-9."""
    return s.translate(_DIGITS) if s else ""


def _tidy_line(line: str) -> str:
    line = re.sub(r"[^\S\n]+", " ", line)
    # A ZWNJ beside a space (or at the edge) joins nothing; it only makes equal names differ.
    line = re.sub(f"[ {ZWNJ}]* [ {ZWNJ}]*", " ", line)
    line = re.sub(f"{ZWNJ}+", ZWNJ, line)
    return line.strip(" " + ZWNJ)


def _clean(s: str | None) -> str:
    if s is None:
        return ""
    return _INVISIBLE.sub("", normalize_letters(str(s)))


def normalize_text(s: str | None) -> str:
    """One-line text typed by a user (a name, a title): every whitespace run becomes one space."""
    text = _clean(s)
    return _tidy_line(re.sub(r"\s+", " ", text))


def normalize_note(s: str | None) -> str:
    """Multi-line text (a visit note): like normalize_text, but line breaks are kept.

    Each line is tidied on its own; more than one empty line in a row becomes one, and empty
    lines at the start and end go.
    """
    text = _clean(s).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_tidy_line(line) for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def normalize_identifier(s: str | None) -> str:
    """National code, file, phone, licence and contract numbers: ASCII digits, no spaces."""
    text = normalize_digits(_clean(s)).translate(_DASHES)
    return re.sub(r"[\s\u200c\u200d]+", "", text)


def _fold_char(ch: str) -> str:
    if ch in SEARCH_FOLD:
        return SEARCH_FOLD[ch]
    digit = unicodedata.decimal(ch, None)
    if digit is not None:
        return str(digit)
    return ch if ch.isalnum() else ""


def search_key(s: str | None) -> str:
    """The key stored beside a name for matching; a query goes through the same function.

    Everything that is not a letter or digit goes (spaces, ZWNJ, punctuation, diacritics), so
    «علی‌رضا», «علی رضا» and «علیرضا» match. Letters people use for one another are folded:
    آ أ إ → ا, ؤ → و, ئ → ی, ة ۀ → ه, and ء is dropped. Latin is lower-cased.
    """
    text = unicodedata.normalize("NFKC", _clean(s)).lower()
    text = unicodedata.normalize("NFC", text)
    # NFC composes ا + ٓ into آ, so the decomposed and composed forms fold alike.
    return "".join(_fold_char(ch) for ch in normalize_letters(text))


def to_persian_digits(value: object) -> str:
    """The same text with ASCII and Arabic-Indic digits written as Persian digits.

    Decimals are written without an exponent; None gives ''. Other characters (even '.')
    are left as they are.
    """
    if value is None:
        return ""
    if isinstance(value, Decimal) and value.is_finite():
        value = format(value, "f")
    return str(value).translate(_TO_PERSIAN_DIGITS)


def _require_int(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValidationError("عدد باید عدد صحیح باشد", field="number")
    return n


def format_number(n: int, grouping: bool = True) -> str:
    """1250000 → '۱٬۲۵۰٬۰۰۰'; negatives get a leading '−' (U+2212)."""
    n = _require_int(n)
    digits = f"{abs(n):,}".replace(",", THOUSANDS_SEPARATOR) if grouping else str(abs(n))
    sign = MINUS if n < 0 else ""
    return sign + to_persian_digits(digits)


def format_rials(n: int) -> str:
    """1250000 → '۱٬۲۵۰٬۰۰۰ ریال'."""
    return format_number(n) + " ریال"
