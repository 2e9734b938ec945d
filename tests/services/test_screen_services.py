"""Service functions added for the desktop screens."""

import datetime as dt

import pytest

from app.errors import AuthError, PermissionDenied, ValidationError
from app.services.accounts import list_staff, set_staff_trainings
from app.services.clinic import ClinicInput, check_clinic_input, get_clinic
from app.services.reports import check_signing_password, create_signing_key
from tests.conftest import PASSWORD, as_actor


def test_check_clinic_input_raises_what_set_up_would_and_saves_nothing(ctx):
    with pytest.raises(ValidationError) as error:
        check_clinic_input(ClinicInput(name="", licence_number="12", manager_name="مدیر"))
    assert error.value.field == "name"
    with pytest.raises(ValidationError) as error:
        check_clinic_input(ClinicInput(name="کلینیک", licence_number="1" * 51, manager_name="مدیر"))
    assert error.value.field == "licence_number"
    check_clinic_input(ClinicInput(name="کلینیک تازه", licence_number="12", manager_name="مدیر"))
    assert get_clinic(ctx).name == "کلینیک آزمون"


def test_set_staff_trainings_replaces_the_list_checked_first(ctx, make_staff):
    staff = make_staff()
    view = set_staff_trainings(ctx, staff.id, [("دوره الف", dt.date(2026, 5, 1), 8), ("دوره ب", None, None)])
    assert sorted(t[0] for t in view.trainings) == ["دوره الف", "دوره ب"]
    with pytest.raises(ValidationError) as error:
        set_staff_trainings(ctx, staff.id, [("دوره ج", None, 2), ("", None, None)])
    assert error.value.field == "trainings"
    again = next(s for s in list_staff(ctx) if s.id == staff.id)
    assert sorted(t[0] for t in again.trainings) == ["دوره الف", "دوره ب"]  # unchanged
    view = set_staff_trainings(ctx, staff.id, [])
    assert view.trainings == ()
    with pytest.raises(PermissionDenied):
        set_staff_trainings(as_actor(ctx, staff.id, "social_worker"), staff.id, [])


def test_check_signing_password(ctx):
    with pytest.raises(ValidationError):
        check_signing_password(ctx, PASSWORD)  # no key yet
    create_signing_key(ctx, PASSWORD)
    assert check_signing_password(ctx, PASSWORD).fingerprint
    with pytest.raises(AuthError) as error:
        check_signing_password(ctx, "wrong-password")
    assert error.value.field == "password"
