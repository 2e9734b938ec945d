"""Characters no stored text keeps (no database code: the command line's quick read path uses it)."""

from __future__ import annotations

import re

# Control characters (NUL, escape codes) arrive with text pasted from other programs: they mean
# nothing in a name or a note, and PostgreSQL refuses NUL. Lone surrogates cannot be stored as
# UTF-8 at all. Tab, line breaks and other whitespace stay for the normalisers to tidy.
_UNPRINTABLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")


def printable(value: str) -> str:
    return _UNPRINTABLE.sub("", value)
