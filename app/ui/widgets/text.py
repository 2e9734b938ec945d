"""Small text helpers for showing Persian text in right-to-left widgets.

Dates: Persian digits and '/' make one left-to-right number run under the Unicode bidi rules,
so ۱۴۰۵/۰۹/۰۱ would show its year at the left. A right-to-left mark (RLM) before each '/'
splits the run; the parts then follow the right-to-left order and the year stands at the
right, where a Persian reader starts. The marks are invisible and app.persian's parsing and
normalising drop them.
"""

from __future__ import annotations

import datetime as dt
import re

from typing import Any

from app.persian import format_jalali, format_jalali_datetime, to_persian_digits

RLM = "\u200f"
LRM = "\u200e"
# a run of digits joined by '/' (a date or a year/month), in any script's digits
_DATE_RUN = re.compile(r"\d+(?:/\d+)+")


def rtl_date_text(text: str) -> str:
    """Put an RLM before every '/' of each date in text (idempotent)."""
    text = text.replace(RLM + "/", "/")
    return _DATE_RUN.sub(lambda match: match.group(0).replace("/", RLM + "/"), text)


def jalali_text(value: dt.date | None) -> str:
    """A date (or date and time) for the screen: '۱۴۰۵/۰۹/۰۱' with the year at the right."""
    if isinstance(value, dt.datetime):
        return rtl_date_text(format_jalali_datetime(value))
    return rtl_date_text(format_jalali(value))


def iran_time(moment: dt.datetime) -> dt.datetime:
    """A stored moment (UTC) on the clinic's clock, whatever the PC's own zone is set to.
    Iran has kept +03:30 all year since 1401; the fixed offset serves where no zone data is."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    try:
        from zoneinfo import ZoneInfo

        zone: dt.tzinfo = ZoneInfo("Asia/Tehran")
    except Exception:  # no IANA data on this PC (Windows without tzdata)
        zone = dt.timezone(dt.timedelta(hours=3, minutes=30))
    return moment.astimezone(zone)


def moment_text(moment: dt.datetime | None) -> str:
    """A stored moment as Iran's date and clock, the year at the right: '۱۴۰۵/۰۹/۰۲ ساعت ۱۱:۰۰'."""
    if moment is None:
        return ""
    return rtl_date_text(format_jalali_datetime(iran_time(moment)))


def identifier_text(value: Any) -> str:
    """A number that is an identifier (file, contract, cheque, national code, phone): Persian
    digits, never grouped. One with a '-', '/' or letters is held left to right between two
    left-to-right marks: after Persian words («قرارداد ۱۴۰۵-۱۰۱») the bidi rules would otherwise
    show it as 101-1405. Marks, not the LRI/PDI isolates: Qt's combo boxes and labels ignore
    isolates, and the same text must read the same in a table, a combo box and a title."""
    if value is None:
        return ""
    text = to_persian_digits(value)
    if not text or text.isdigit():
        return text
    return f"{LRM}{text.strip(LRM)}{LRM}"


def choice_text(number: Any, name: str) -> str:
    """A record chosen by its number and name in a combo box: «‎۱۴۰۵-۱۰۱‎ — اداره …»."""
    return f"{identifier_text(number)} — {to_persian_digits(name)}" if name else identifier_text(number)


def plain_text(text: str) -> str:
    """The text without the direction marks added for display (for copying and comparing)."""
    return text.replace(RLM, "").replace(LRM, "")
