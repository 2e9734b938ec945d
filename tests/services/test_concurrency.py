"""No silent overwrite: a save from a screen that read an older version is refused, saying who
changed what and when; nothing of the other person's save is lost."""

import dataclasses
import datetime as dt

import pytest

from app.errors import NotFound, StaleEdit
from app.services.accounts import StaffInput, list_staff, update_staff
from app.services.cases import CaseInput, FamilyInput, case_detail, change_status, update_case
from app.services.clinic import ClinicInput, get_clinic, set_setting, update_clinic
from app.services.contracts import ContractInput, list_contracts, update_contract
from app.services.problems import advance_problem, list_problems, open_problem
from app.services.referrals import add_referral, list_referrals, record_outcome
from app.services.visits import ServiceInput, add_service, delete_service, list_services, update_service
from tests.conftest import TODAY, as_actor


def form_of(detail) -> CaseInput:
    """What the case form would send back: every field as it read them, and the version it read."""
    names = {f.name for f in dataclasses.fields(CaseInput)} - {"family", "version", "amend_reason"}
    return CaseInput(**{n: getattr(detail, n) for n in names}, version=detail.version,
                     family=[FamilyInput(m.name, m.relation, m.birth_year, m.occupation, m.phone,
                                         m.lives_with_child, m.id) for m in detail.family])


def test_address_from_a_stale_screen_does_not_erase_a_priority_set_meanwhile(ctx, make_case, worker):
    case_id = make_case().id
    pc_a = case_detail(ctx, case_id)
    pc_b = case_detail(ctx, case_id)  # both PCs opened the file
    other = as_actor(ctx, worker.id, "social_worker")
    saved = update_case(other, case_id, dataclasses.replace(form_of(pc_a), priority=True,
                                                            priority_reason="خطر ترک تحصیل"))
    assert saved.version == pc_a.version + 1

    with pytest.raises(StaleEdit) as err:
        update_case(ctx, case_id, dataclasses.replace(form_of(pc_b), address="خیابان آزادی"))
    stale = err.value
    assert "رایانه دیگری" in stale.message
    assert (stale.read_version, stale.current_version) == (pc_b.version, pc_b.version + 1)
    who, when, action, fields = stale.changes[-1]
    assert who == "کاربر آزمون" and action == "تغییر"
    assert when.tzinfo is not None
    assert fields["اولویت"] == [False, True]
    assert fields["دلیل اولویت"] == ["", "خطر ترک تحصیل"]

    now = case_detail(ctx, case_id)
    assert now.priority and now.priority_reason == "خطر ترک تحصیل" and now.address == ""
    # Reload and reapply: the same change on the fresh version goes through and keeps both.
    update_case(ctx, case_id, dataclasses.replace(form_of(now), address="خیابان آزادی"))
    final = case_detail(ctx, case_id)
    assert final.priority and final.address == "خیابان آزادی"


def test_a_visit_saved_meanwhile_does_not_make_the_case_form_stale(ctx, make_case):
    case_id = make_case().id
    screen = case_detail(ctx, case_id)
    add_service(ctx, case_id, ServiceInput(minutes=30, kind="care", mode="phone", note="تماس", domains=["health"],
                                           date=TODAY, next_follow_up=TODAY + dt.timedelta(days=7)))
    # The file's follow-up date moved, but nobody edited the file: the form still saves.
    update_case(ctx, case_id, dataclasses.replace(form_of(screen), phones="02188776655"))
    assert case_detail(ctx, case_id).next_follow_up == TODAY + dt.timedelta(days=7)


def test_family_changed_by_another_pc_makes_the_case_form_stale(ctx, make_case):
    case_id = make_case().id
    screen = case_detail(ctx, case_id)
    update_case(ctx, case_id, dataclasses.replace(form_of(screen), family=[FamilyInput("زهرا احمدی", "mother")]))
    with pytest.raises(StaleEdit):
        update_case(ctx, case_id, dataclasses.replace(form_of(screen), father_name="حسن"))
    assert [m.name for m in case_detail(ctx, case_id).family] == ["زهرا احمدی"]


def test_visit_note_abuse_flag_survives_a_stale_save(ctx, make_case):
    case_id = make_case().id
    add_service(ctx, case_id, ServiceInput(minutes=30, kind="care", mode="home_visit", note="بازدید", domains=["health"],
                                           date=TODAY))
    read = list_services(ctx, case_id)[0]
    flagged = update_service(ctx, read.id, ServiceInput(minutes=30, 
        kind="care", mode="home_visit", note="بازدید", domains=["health"], date=TODAY, abuse_concern=True,
        abuse_action="به اورژانس اجتماعی خبر داده شد", version=read.version))
    assert flagged.version == read.version + 1
    with pytest.raises(StaleEdit) as err:
        update_service(ctx, read.id, ServiceInput(minutes=30, kind="care", mode="home_visit", note="بازدید؛ نکته تازه",
                                                  domains=["health"], date=TODAY, version=read.version))
    assert err.value.changes[-1][3]["نگرانی کودک‌آزاری"] == [False, True]
    kept = list_services(ctx, case_id)[0]
    assert kept.abuse_concern and kept.abuse_action == "به اورژانس اجتماعی خبر داده شد"
    assert kept.note == "بازدید"


def test_deleting_a_changed_visit_is_refused_and_a_deleted_one_is_named(ctx, make_case):
    case_id = make_case().id
    add_service(ctx, case_id, ServiceInput(minutes=30, kind="care", mode="phone", note="تماس", domains=["health"], date=TODAY))
    read = list_services(ctx, case_id)[0]
    update_service(ctx, read.id, ServiceInput(minutes=30, kind="care", mode="phone", note="تماس دوم", domains=["health"],
                                              date=TODAY, version=read.version))
    with pytest.raises(StaleEdit):
        delete_service(ctx, read.id, version=read.version)
    assert len(list_services(ctx, case_id)) == 1
    fresh = list_services(ctx, case_id)[0]
    delete_service(ctx, fresh.id, version=fresh.version)
    with pytest.raises(StaleEdit) as err:
        update_service(ctx, read.id, ServiceInput(minutes=30, kind="care", mode="phone", note="x", domains=["health"],
                                                  date=TODAY, version=fresh.version))
    assert err.value.deleted and "حذف" in err.value.message
    assert err.value.changes[-1][2] == "حذف"
    with pytest.raises(NotFound):  # a caller that read no version gets the plain message
        delete_service(ctx, read.id)


def test_status_problem_referral_contract_staff_clinic_and_setting_are_versioned(ctx, make_case, contract, worker):
    case_id = make_case().id
    screen = case_detail(ctx, case_id)
    update_case(ctx, case_id, dataclasses.replace(form_of(screen), phones="1"))
    with pytest.raises(StaleEdit):
        change_status(ctx, case_id, "closed", reason="پایان", version=screen.version)

    open_problem(ctx, case_id, "ترک تحصیل")
    problem = list_problems(ctx, case_id)[0]
    advance_problem(ctx, problem.id, "plan", "برنامه", version=problem.version)
    with pytest.raises(StaleEdit):
        advance_problem(ctx, problem.id, "action", "اقدام", version=problem.version)

    add_referral(ctx, case_id, to_body="مدرسه", reason="ثبت‌نام")
    referral = list_referrals(ctx, case_id)[0]
    record_outcome(ctx, referral.id, "ثبت‌نام شد", version=referral.version)
    with pytest.raises(StaleEdit):
        record_outcome(ctx, referral.id, "ثبت‌نام نشد", version=referral.version)

    def get_contract(ctx, contract_id):  # the contracts page reads a contract from its list
        return next(c for c in list_contracts(ctx) if c.id == contract_id)

    read = get_contract(ctx, contract.id)
    data = ContractInput(office_name=read.office_name, number=read.number, start_date=read.start_date,
                         end_date=read.end_date, fee_per_case_month_rials=read.fee_per_case_month_rials,
                         capacity=read.capacity, version=read.version)
    update_contract(ctx, contract.id, dataclasses.replace(data, capacity=150))
    with pytest.raises(StaleEdit):
        update_contract(ctx, contract.id, dataclasses.replace(data, notes="یادداشت"))
    assert get_contract(ctx, contract.id).capacity == 150

    staff = [s for s in list_staff(ctx) if s.id == worker.id][0]
    sdata = StaffInput(staff.first_name, staff.last_name, staff.role, phone="1", version=staff.version)
    update_staff(ctx, staff.id, sdata)
    with pytest.raises(StaleEdit):
        update_staff(ctx, staff.id, dataclasses.replace(sdata, phone="2"))

    clinic = get_clinic(ctx)
    cdata = ClinicInput(clinic.name, clinic.licence_number, clinic.manager_name, version=clinic.version)
    update_clinic(ctx, dataclasses.replace(cdata, phones="1"))
    with pytest.raises(StaleEdit):
        update_clinic(ctx, dataclasses.replace(cdata, phones="2"))

    set_setting(ctx, "backup_folder", "a")
    set_setting(ctx, "backup_folder", "b", version=1)
    with pytest.raises(StaleEdit):
        set_setting(ctx, "backup_folder", "c", version=1)


def test_a_sign_in_failure_does_not_make_the_staff_form_stale(ctx, db, worker):
    from app.errors import AuthError
    from app.services.accounts import sign_in
    staff = [s for s in list_staff(ctx) if s.id == worker.id][0]
    with pytest.raises(AuthError):
        sign_in(db, "worker", "wrong password", now=ctx.now())
    update_staff(ctx, staff.id, StaffInput(staff.first_name, staff.last_name, staff.role, phone="9",
                                           version=staff.version))
