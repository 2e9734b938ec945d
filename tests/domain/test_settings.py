import pytest

from app.domain.settings import LOCK_MINUTES, OPTIONS, kept_by_program
from app.errors import ValidationError
from app.services.clinic import get_setting, option_value, set_setting


def test_a_hand_edited_value_comes_back_within_bounds():
    # A value outside the bounds (an older program, a hand edit) must never switch the lock off.
    assert LOCK_MINUTES.parse("0") == 1 and LOCK_MINUTES.parse("100000") == 240
    assert LOCK_MINUTES.parse("ده") == LOCK_MINUTES.default and LOCK_MINUTES.parse(None) == 10


def test_a_change_outside_the_bounds_is_refused_and_names_the_field(ctx):
    with pytest.raises(ValidationError) as error:
        set_setting(ctx, LOCK_MINUTES.key, "0")
    assert error.value.field == LOCK_MINUTES.key and "قفل صفحه" in error.value.message
    with pytest.raises(ValidationError):
        set_setting(ctx, LOCK_MINUTES.key, "ده")
    assert get_setting(ctx, LOCK_MINUTES.key, "unset") == "unset"  # nothing half-saved


def test_a_declared_setting_reads_as_its_type(ctx):
    assert option_value(ctx, LOCK_MINUTES) == 10
    set_setting(ctx, LOCK_MINUTES.key, "3")
    assert option_value(ctx, LOCK_MINUTES) == 3


def test_the_program_keeps_its_own_keys():
    assert all(kept_by_program(key) for key in OPTIONS if key.startswith(("signing.", "audit.")))
    assert kept_by_program("signing.something_newer") and not kept_by_program(LOCK_MINUTES.key)
