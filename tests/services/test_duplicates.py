"""Registering a child already on file: the same national code is refused; the same name,
father and birth date is found as a possible duplicate. Neither tells a social worker anything
about a file outside their caseload."""

import datetime as dt

import pytest

from app.errors import Conflict
from app.persian import make_national_code, to_persian_digits
from app.services.cases import similar_cases, update_case, case_detail, CaseInput
from tests.conftest import as_actor

CODE = make_national_code("001234567")
OTHER_CODE = make_national_code("007654321")
BORN = dt.date(2015, 5, 1)


@pytest.fixture
def first_file(make_case, worker):
    return make_case(first_name="زهرا", last_name="یوسفی", father_name="علی", sex="female",
                     national_code=CODE, birth_date=BORN)


@pytest.fixture
def colleague(ctx, make_staff):
    staff = make_staff("social_worker", "نرگس", "همکار")
    return as_actor(ctx, staff.id, "social_worker")


def test_the_same_national_code_is_refused_naming_the_existing_file(ctx, make_case, first_file):
    detail = case_detail(ctx, first_file.id)
    with pytest.raises(Conflict) as refused:
        make_case(first_name="زهرا", last_name="یوسفی", national_code=to_persian_digits(CODE))
    assert refused.value.field == "national_code"
    assert "زهرا یوسفی" in refused.value.message
    assert to_persian_digits(detail.clinic_file_number) in refused.value.message


def test_a_colleague_is_told_only_that_the_code_is_registered(ctx, colleague, first_file, contract):
    with pytest.raises(Conflict) as refused:
        from app.services.cases import create_case
        create_case(colleague, CaseInput(behzisti_file_number="B-99", first_name="مریم", last_name="نوری",
                                         sex="female", living_arrangement="relatives", national_code=CODE,
                                         received_on=dt.date(2026, 1, 10)))
    message = refused.value.message
    assert refused.value.field == "national_code" and "ثبت شده" in message
    for secret in ("زهرا", "یوسفی", "علی", "پرونده کلینیک", "بهزیستی"):
        assert secret not in message, secret


def test_changing_a_file_to_another_files_code_is_refused(ctx, make_case, first_file):
    second = make_case(first_name="سارا", last_name="کریمی", national_code=OTHER_CODE)
    detail = case_detail(ctx, second.id)
    values = {f: getattr(detail, f) for f in ("behzisti_file_number", "clinic_file_number", "first_name",
                                              "last_name", "father_name", "sex", "living_arrangement",
                                              "received_on", "discharge_date", "social_worker_id", "contract_id")}
    with pytest.raises(Conflict):
        update_case(ctx, second.id, CaseInput(**values, national_code=CODE))
    assert case_detail(ctx, second.id).national_code == OTHER_CODE  # nothing half-saved


def test_same_name_father_and_birth_date_is_found_however_it_is_spelt(ctx, first_file):
    found = similar_cases(ctx, "زهرا ", "يوسفي", "علي", "1394/02/11")  # Arabic ي, Jalali date, a space
    assert [f.id for f in found] == [first_file.id]
    assert "زهرا یوسفی" in found[0].text
    assert similar_cases(ctx, "زهرا", "یوسفی", "حسن", BORN) == []  # another father
    assert similar_cases(ctx, "زهرا", "یوسفی", "علی", dt.date(2015, 5, 2)) == []  # another day
    assert similar_cases(ctx, "زهرا", "یوسفی", "علی", BORN, exclude_id=first_file.id) == []


def test_a_similar_file_outside_the_caseload_is_not_described(colleague, first_file):
    found = similar_cases(colleague, "زهرا", "یوسفی", "علی", BORN)
    assert len(found) == 1 and found[0].id is None
    assert "یوسفی" not in found[0].text and "پرونده کلینیک" not in found[0].text
