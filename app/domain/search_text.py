"""What the one search box's text asks for, shared by the services (app.services.caselist) and the
command line's quick path (app.cli.quick), so both read a query alike.

A text of digits (with - or /) is a national code or a file number, matched from its start in any
of the three number columns; anything else is name fragments, each of which must occur somewhere
in the file's name key (app.persian.search_key: «علی رضا», «علی‌رضا» and «علیرضا» alike)."""

from __future__ import annotations

from dataclasses import dataclass

from app.persian import normalize_identifier, normalize_text, search_key

MAX_SEARCH_CHARS = 200
_IDENTIFIER_CHARS = frozenset("0123456789-/")
NUMBER_COLUMNS = ("national_code", "behzisti_file_number", "clinic_file_number")


@dataclass(frozen=True)
class SearchText:
    number: str = ""  # the number typed (ASCII digits), when the text is one
    fragments: tuple[str, ...] = ()  # else the name fragments' search keys; neither: no text to match


def is_number(ident: str) -> bool:
    """Digits (with - or /): a national code or a file number, not a name."""
    return bool(ident) and set(ident) <= _IDENTIFIER_CHARS and any(ch.isdigit() for ch in ident)


def read_search(text: str | None) -> SearchText:
    text = (text or "")[:MAX_SEARCH_CHARS]
    ident = normalize_identifier(text)
    if not ident:
        return SearchText()
    if is_number(ident):
        return SearchText(number=ident)
    return SearchText(fragments=tuple(k for k in (search_key(t) for t in normalize_text(text).split()) if k))


def like_pattern(fragment: str) -> str:
    """`%fragment%` for a LIKE with ESCAPE '/'."""
    escaped = fragment.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"
