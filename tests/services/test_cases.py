import datetime as dt

import pytest
from sqlalchemy import func, select

from app.errors import Conflict, PermissionDenied, ValidationError
from app.models import AuditEntry, CaseFile
from app.services.cases import CaseInput, FamilyInput, change_status, one_year_after, open_case, update_case
from tests.conftest import as_actor


def count_cases(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(CaseFile))


def test_create_case_normalises_and_returns_detail(ctx, make_case):
    saved = make_case(first_name="علي", last_name="كريمی", national_code="۰۰۱۲۳۴۵۶۷۹",
                      behzisti_file_number="١٢٣-٤٥")
    detail = open_case(ctx, saved.id)
    assert detail.first_name == "علی"
    assert detail.last_name == "کریمی"
    assert detail.national_code == "0012345679"
    assert detail.behzisti_file_number == "123-45"
    assert detail.clinic_file_number == "1"
    assert detail.status == "active"


def test_invalid_national_code_names_the_field_and_saves_nothing(ctx, make_case, db):
    with pytest.raises(ValidationError) as err:
        make_case(national_code="1234567890")
    assert err.value.field == "national_code"
    assert "کد ملی" in err.value.message
    assert count_cases(db) == 0


def test_discharge_less_than_a_year_before_receipt_needs_a_reason(ctx, make_case, db):
    with pytest.raises(ValidationError) as err:
        make_case(discharge_date=dt.date(2025, 6, 1), received_on=dt.date(2026, 1, 10))
    assert err.value.field == "early_transfer_reason"
    assert count_cases(db) == 0
    saved = make_case(discharge_date=dt.date(2025, 6, 1), received_on=dt.date(2026, 1, 10),
                      early_transfer_reason="درخواست کارشناس ناظر به دلیل شرایط حاد خانواده")
    assert open_case(ctx, saved.id).early_transfer_reason.startswith("درخواست")


def test_one_jalali_year_is_measured_on_the_calendar():
    # 1403/12/30 (leap day) plus one year is 1404/12/29.
    assert one_year_after(dt.date(2025, 3, 20)) == dt.date(2026, 3, 20)
    assert one_year_after(dt.date(2025, 11, 23)) == dt.date(2026, 11, 23)


def test_exactly_one_year_after_discharge_needs_no_reason(make_case):
    assert make_case(discharge_date="1403/10/20", received_on="1404/10/20").id
    with pytest.raises(ValidationError):
        make_case(discharge_date="1403/10/21", received_on="1404/10/20")


def test_priority_needs_a_reason(make_case):
    with pytest.raises(ValidationError) as err:
        make_case(priority=True)
    assert err.value.field == "priority_reason"


def test_dates_in_the_future_or_impossible_are_refused(make_case):
    with pytest.raises(ValidationError) as err:
        make_case(received_on=dt.date(2027, 1, 1))
    assert err.value.field == "received_on"
    with pytest.raises(ValidationError) as err:
        make_case(birth_date="1404/12/30")
    assert err.value.field == "birth_date"


def test_jalali_text_dates_are_accepted(ctx, make_case):
    saved = make_case(received_on="۱۴۰۴/۱۰/۲۰", discharge_date="1403-2-11")
    detail = open_case(ctx, saved.id)
    assert detail.received_on == dt.date(2026, 1, 10)
    assert detail.discharge_date == dt.date(2024, 4, 30)


def test_duplicates_are_conflicts(make_case):
    make_case(behzisti_file_number="X1", national_code="0012345679")
    with pytest.raises(Conflict) as err:
        make_case(behzisti_file_number="X1")
    assert err.value.field == "behzisti_file_number"
    with pytest.raises(Conflict) as err:
        make_case(national_code="0012345679")
    assert err.value.field == "national_code"


def test_update_records_old_and_new_values_in_the_audit_trail(ctx, make_case, db, worker, contract):
    saved = make_case()
    update_case(ctx, saved.id, CaseInput(
        behzisti_file_number="B00001", first_name="علی", last_name="رحیمی", sex="male",
        living_arrangement="relatives", received_on=dt.date(2026, 1, 10), discharge_date=dt.date(2024, 5, 1),
        social_worker_id=worker.id, contract_id=contract.id,
        family=[FamilyInput(name="زهرا رحیمی", relation="mother", birth_year="۱۳۶۵")]))
    detail = open_case(ctx, saved.id)
    assert detail.last_name == "رحیمی"
    assert detail.family[0].relation_label == "مادر"
    assert detail.family[0].birth_year == 1365
    with db.read() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.case_id == saved.id).order_by(AuditEntry.id)).all()
    actions = [e.action for e in entries]
    assert actions == ["create", "update", "open"]
    assert '"last_name": ["احمدی", "رحیمی"]' in entries[1].changes
    assert '"living_arrangement": ["own_family", "relatives"]' in entries[1].changes


def test_bad_family_member_saves_nothing(ctx, make_case):
    saved = make_case()
    with pytest.raises(ValidationError) as err:
        update_case(ctx, saved.id, CaseInput(
            behzisti_file_number="B00001", first_name="علی", last_name="تغییر", sex="male",
            living_arrangement="own_family", received_on=dt.date(2026, 1, 10), discharge_date=dt.date(2024, 5, 1),
            family=[FamilyInput(name="", relation="mother")]))
    assert err.value.field == "family.0.name"
    assert open_case(ctx, saved.id).last_name == "احمدی"


def test_closing_needs_a_reason_and_reopening_works(ctx, make_case):
    saved = make_case()
    with pytest.raises(ValidationError) as err:
        change_status(ctx, saved.id, "closed")
    assert err.value.field == "status_reason"
    change_status(ctx, saved.id, "closed", reason="پایان دوره مراقبت")
    assert open_case(ctx, saved.id).status == "closed"
    change_status(ctx, saved.id, "active")
    assert open_case(ctx, saved.id).status == "active"


def test_social_worker_sees_only_assigned_files(ctx, make_case, make_staff, worker):
    other = make_staff("social_worker", "رضا", "دیگری")
    mine = make_case()
    theirs = make_case(social_worker_id=other.id)
    worker_ctx = as_actor(ctx, worker.id, "social_worker")
    assert open_case(worker_ctx, mine.id).id == mine.id
    with pytest.raises(PermissionDenied):
        open_case(worker_ctx, theirs.id)


def test_caseload_and_capacity_warnings(ctx, make_case, worker, db):
    saved = make_case()
    with db.transaction() as s:
        # Give the worker 200 more active files cheaply by cloning rows.
        base = s.get(CaseFile, saved.id)
        for i in range(200):
            s.add(CaseFile(**{c.key: getattr(base, c.key) for c in CaseFile.__table__.columns
                              if c.key not in ("id", "behzisti_file_number", "clinic_file_number", "national_code")},
                           behzisti_file_number=f"C{i}", clinic_file_number=f"C{i}"))
    result = make_case()
    assert any("۲۰۰" in w and "مددکار" in w for w in result.warnings)
    assert any("ظرفیت" in w for w in result.warnings)
