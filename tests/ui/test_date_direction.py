"""One date direction everywhere: the year at the right, Persian digits, Iran's clock."""

import datetime as dt

from app.ui.pages.audit import COLUMNS, _value_text
from app.ui.widgets.text import RLM, iran_time, moment_text

NOON_UTC = dt.datetime(2026, 11, 23, 8, 30, tzinfo=dt.timezone.utc)  # 12:00 in Tehran, 1405/09/02


def test_a_moment_reads_year_first_at_the_right_on_tehrans_clock():
    text = moment_text(NOON_UTC)
    assert text == f"۱۴۰۵{RLM}/۰۹{RLM}/۰۲ ساعت ۱۲:۰۰"


def test_the_pc_zone_does_not_move_the_clock(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    import time
    time.tzset()
    try:
        assert iran_time(NOON_UTC).hour == 12 and moment_text(NOON_UTC).endswith("۱۲:۰۰")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_the_audit_page_times_and_dates_use_the_same_direction_as_the_tables():
    at = next(c for c in COLUMNS if c.key == "at")
    shown = at.formatter(NOON_UTC)
    assert f"۱۴۰۵{RLM}/۰۹{RLM}/۰۲" in shown
    assert _value_text("2026-11-23") == f"۱۴۰۵{RLM}/۰۹{RLM}/۰۲"
