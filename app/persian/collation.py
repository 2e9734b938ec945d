"""A sort key that puts names in Persian alphabetical order in any database.

SQLite sorts text by code point, which puts پ چ ژ گ (added to the Arabic block later) after ی;
PostgreSQL sorts by its locale. Storing an ASCII key of [0-9A-Z] beside each name makes
`ORDER BY collation_key` give the same Persian order in both, under any collation.

Each character becomes a code of two characters, so byte order of keys is the order of the
code sequences, and a name that is a prefix of another sorts first:
    «علی» < «علی اصغر» < «علیرضا»
because a word separator sorts before every letter. Order of codes:
    separator < digits 0-9 < Persian letters (آ ا ب پ … ی) < Latin a-z < anything else.
Characters outside that set get a three-character code starting with 'Z' (no known code
starts with 'Z'), bucketed by code point so the order stays stable. Diacritics and invisible
marks are ignored. A key is at most four ASCII characters per input character (a ligature
such as ﻻ counts as its two letters).
"""

from __future__ import annotations

import string
import unicodedata

from app.persian.text import normalize_letters, normalize_text

PERSIAN_ALPHABET = (
    "آ", "ا", "ب", "پ", "ت", "ث", "ج", "چ", "ح", "خ", "د", "ذ", "ر", "ز", "ژ", "س",
    "ش", "ص", "ض", "ط", "ظ", "ع", "غ", "ف", "ق", "ک", "گ", "ل", "م", "ن", "و", "ه", "ی",
)

# Forms that sort as the letter they are written on; ties are broken by the caller (e.g. by id).
COLLATION_FOLD = {
    "أ": "ا", "إ": "ا", "ٱ": "ا", "ء": "ا",
    "ؤ": "و", "ئ": "ی",
    "ة": "ه", "ۀ": "ه", "ە": "ه", "ھ": "ه",
    "ۆ": "و", "ێ": "ی", "ې": "ی", "ۍ": "ی", "ڕ": "ر", "ڵ": "ل", "ڤ": "ف",
}

_DIGITS36 = string.digits + string.ascii_uppercase
_SEPARATOR_INDEX = 1
_DIGIT_BASE = 10
_PERSIAN_BASE = 40
_LATIN_BASE = 80
_UNKNOWN_BUCKETS = 36 * 36
SEPARATOR = "sep"  # marker inside this module only


def _base36(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, rest = divmod(value, 36)
        chars.append(_DIGITS36[rest])
    return "".join(reversed(chars))


def _build_codes() -> dict[str, str]:
    codes = {str(d): _base36(_DIGIT_BASE + d, 2) for d in range(10)}
    for i, letter in enumerate(PERSIAN_ALPHABET):
        codes[letter] = _base36(_PERSIAN_BASE + i, 2)
    for i, letter in enumerate(string.ascii_lowercase):
        codes[letter] = codes[letter.upper()] = _base36(_LATIN_BASE + i, 2)
    for form, base in COLLATION_FOLD.items():
        codes[form] = codes[base]
    return codes


_CODES = _build_codes()
_SEPARATOR_CODE = _base36(_SEPARATOR_INDEX, 2)


def _is_separator(ch: str) -> bool:
    return ch.isspace() or ch == "\u200c" or unicodedata.category(ch).startswith("P")


def _is_ignored(ch: str) -> bool:
    # Diacritics, tatweel-like marks, control and format characters carry no order.
    return unicodedata.category(ch)[0] in "MC"


def _unknown_code(ch: str) -> str:
    bucket = ord(ch) * _UNKNOWN_BUCKETS // (0x10FFFF + 1)
    return "Z" + _base36(bucket, 2)


def _known_code(ch: str) -> str | None:
    if ch in _CODES:
        return _CODES[ch]
    digit = unicodedata.decimal(ch, None)
    return None if digit is None else _CODES[str(digit)]


def _decomposed_codes(ch: str) -> list[str] | None:
    """Codes for a presentation form or accented letter (ﻋ, ﻻ, é, Ａ), or None."""
    bases = [c for c in unicodedata.normalize("NFKD", ch) if not _is_ignored(c)]
    if not bases or len(bases) > 2 or bases == [ch]:
        return None
    codes = [_known_code(c) for c in bases]
    return None if None in codes else codes


def _char_codes(ch: str) -> list[str]:
    if _is_separator(ch):
        return [SEPARATOR]
    if _is_ignored(ch):
        return []
    known = _known_code(ch)
    if known is not None:
        return [known]
    return _decomposed_codes(ch) or [_unknown_code(ch)]


def collation_key(s: str | None) -> str:
    """ASCII [0-9A-Z]* key whose byte order is Persian alphabetical order (see module doc)."""
    text = unicodedata.normalize("NFC", normalize_letters(normalize_text(s)))
    codes: list[str] = []
    for ch in text:
        for code in _char_codes(ch):
            if code == SEPARATOR and (not codes or codes[-1] == SEPARATOR):
                continue  # runs of separators count as one; leading ones as none
            codes.append(code)
    if codes and codes[-1] == SEPARATOR:
        codes.pop()
    return "".join(_SEPARATOR_CODE if c == SEPARATOR else c for c in codes)
