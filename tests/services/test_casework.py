import datetime as dt

import pytest

from app.errors import PermissionDenied, ValidationError
from app.services.cases import change_status, open_case
from app.services.problems import advance_problem, list_problems, open_problem
from app.services.referrals import add_referral, list_referrals, record_outcome
from app.services.reviews import add_review, list_reviews
from app.services.visits import ServiceInput, add_service, delete_service, list_services, update_service
from tests.conftest import TODAY, as_actor


def care(**kw):
    values = dict(kind="care", mode="home_visit", note="بازدید منزل انجام شد.", domains=["health", "schooling"],
                  minutes=45, date=TODAY - dt.timedelta(days=2))
    values.update(kw)
    return ServiceInput(**values)


def test_care_visit_saved_and_case_follow_up_kept(ctx, make_case):
    case = make_case()
    add_service(ctx, case.id, care(next_follow_up="1405/09/10"))
    services = list_services(ctx, case.id)
    assert len(services) == 1
    assert services[0].domains == ("health", "schooling")
    assert services[0].kind_label == "مراقبت و پیگیری"
    detail = open_case(ctx, case.id)
    assert detail.next_follow_up == dt.date(2026, 12, 1)


def test_care_visit_needs_a_domain(ctx, make_case):
    case = make_case()
    with pytest.raises(ValidationError) as err:
        add_service(ctx, case.id, care(domains=[]))
    assert err.value.field == "domains"
    assert list_services(ctx, case.id) == []


def test_abuse_concern_needs_an_action_note(ctx, make_case):
    case = make_case()
    with pytest.raises(ValidationError) as err:
        add_service(ctx, case.id, care(abuse_concern=True))
    assert err.value.field == "abuse_action"
    add_service(ctx, case.id, care(abuse_concern=True, abuse_action="تماس با اورژانس اجتماعی ۱۲۳"))
    assert list_services(ctx, case.id)[0].abuse_concern


@pytest.mark.parametrize("field, kw", [
    ("date", {"date": TODAY + dt.timedelta(days=1)}),
    ("date", {"date": dt.date(2020, 1, 1)}),
    ("kind", {"kind": "party"}),
    ("mode", {"mode": "email"}),
    ("minutes", {"minutes": -5}),
    ("minutes", {"minutes": "ده"}),
    ("note", {"note": "   "}),
    ("next_follow_up", {"next_follow_up": TODAY - dt.timedelta(days=30)}),
])
def test_bad_service_input_names_the_field(ctx, make_case, field, kw):
    case = make_case()
    with pytest.raises(ValidationError) as err:
        add_service(ctx, case.id, care(**kw))
    assert err.value.field == field


def test_update_and_delete_keep_case_dates_right(ctx, make_case):
    case = make_case()
    first = add_service(ctx, case.id, care(date=TODAY - dt.timedelta(days=10), next_follow_up=TODAY))
    second = add_service(ctx, case.id, care(date=TODAY - dt.timedelta(days=1),
                                            next_follow_up=TODAY + dt.timedelta(days=5)))
    assert open_case(ctx, case.id).next_follow_up == TODAY + dt.timedelta(days=5)
    delete_service(ctx, second.id)
    assert open_case(ctx, case.id).next_follow_up == TODAY
    update_service(ctx, first.id, care(date=TODAY - dt.timedelta(days=10), next_follow_up=None))
    assert open_case(ctx, case.id).next_follow_up is None


def test_closed_file_takes_no_services(ctx, make_case):
    case = make_case()
    change_status(ctx, case.id, "returned", reason="عودت به بهزیستی")
    with pytest.raises(ValidationError):
        add_service(ctx, case.id, care())


def test_clerk_sees_no_notes_and_cannot_write(ctx, make_case, make_staff):
    case = make_case()
    add_service(ctx, case.id, care(note="یادداشت محرمانه"))
    clerk = as_actor(ctx, make_staff("clerk", "نگار", "دفتری").id, "clerk")
    with pytest.raises(PermissionDenied, match="خدمت‌ها"):
        list_services(clerk, case.id)
    with pytest.raises(PermissionDenied):
        add_service(clerk, case.id, care())


def test_psychologist_notes_hidden_from_social_worker(ctx, make_case, make_staff, worker):
    psych = make_staff("psychologist", "لیلا", "روان")
    case = make_case(psychologist_id=psych.id)
    add_service(as_actor(ctx, psych.id, "psychologist"), case.id,
                care(kind="counselling", domains=[], mode="at_clinic", note="ارزیابی روانی"))
    [seen_by_worker] = list_services(as_actor(ctx, worker.id, "social_worker"), case.id)
    assert seen_by_worker.note_hidden and seen_by_worker.note == ""
    [seen_by_manager] = list_services(ctx, case.id)
    assert seen_by_manager.note == "ارزیابی روانی"


def test_problem_cycle_until_resolved(ctx, make_case):
    case = make_case()
    pid = open_problem(ctx, case.id, "افت تحصیلی", "معدل پایین", on=TODAY - dt.timedelta(days=20)).id
    advance_problem(ctx, pid, "plan", "برنامه کلاس تقویتی", on=TODAY - dt.timedelta(days=15))
    advance_problem(ctx, pid, "action", "ثبت‌نام در کلاس", on=TODAY - dt.timedelta(days=10))
    add_service(ctx, case.id, care(kind="problem", domains=[], problem_id=pid, note="پیگیری کلاس"))
    advance_problem(ctx, pid, "follow_up", "حضور منظم", on=TODAY - dt.timedelta(days=5))
    with pytest.raises(ValidationError) as err:
        advance_problem(ctx, pid, "resolved", "")
    assert err.value.field == "note"
    advance_problem(ctx, pid, "resolved", "معدل به ۱۵ رسید")
    [problem] = list_problems(ctx, case.id)
    assert problem.stage == "resolved" and problem.resolved_on == TODAY
    assert [s.stage for s in problem.steps] == ["study", "plan", "action", "follow_up", "resolved"]
    assert len(problem.service_ids) == 1
    with pytest.raises(ValidationError):
        advance_problem(ctx, pid, "action", "دوباره")


def test_review_needs_the_social_worker(ctx, make_case, make_staff, worker):
    case = make_case()
    psych = make_staff("psychologist", "لیلا", "روان")
    with pytest.raises(ValidationError) as err:
        add_review(ctx, case.id, social_worker_id=psych.id, findings="خوب")
    assert err.value.field == "social_worker_id"
    add_review(ctx, case.id, social_worker_id=worker.id, findings="وضعیت پایدار است", on="1405/08/01")
    second = add_review(ctx, case.id, social_worker_id=worker.id, findings="دوباره", on="1405/09/01")
    assert second.warnings and "نیم‌سال" in second.warnings[0]
    assert [r.date for r in list_reviews(ctx, case.id)] == [dt.date(2026, 11, 22), dt.date(2026, 10, 23)]
    assert open_case(ctx, case.id).last_review_on == dt.date(2026, 11, 22)


def test_referral_and_outcome(ctx, make_case):
    case = make_case()
    rid = add_referral(ctx, case.id, to_body="مرکز بهداشت", reason="واکسیناسیون", on="1405/08/15").id
    with pytest.raises(ValidationError):
        record_outcome(ctx, rid, "انجام شد", on="1405/08/01")
    record_outcome(ctx, rid, "واکسن زده شد", on="1405/08/20")
    [ref] = list_referrals(ctx, case.id)
    assert ref.outcome == "واکسن زده شد"


@pytest.mark.parametrize("mode", ["home_visit", "at_clinic", "phone"])
def test_a_contact_without_minutes_is_refused_by_the_service_itself(ctx, make_case, mode):
    # the form checks this too; the command line, an import or a stale screen reach the service directly
    case = make_case()
    for minutes in (0, None, ""):
        with pytest.raises(ValidationError) as refused:
            add_service(ctx, case.id, care(mode=mode, minutes=minutes))
        assert refused.value.field == "minutes"
        assert "مدت" in refused.value.message
    assert list_services(ctx, case.id) == []  # nothing half-saved
    saved = add_service(ctx, case.id, care(mode=mode, minutes=20))
    note = list_services(ctx, case.id)[0]
    with pytest.raises(ValidationError) as refused:
        update_service(ctx, saved.id, care(mode=mode, minutes=0, version=note.version))
    assert refused.value.field == "minutes"
    assert list_services(ctx, case.id)[0].minutes == 20


def test_the_minutes_limit_is_one_number_for_form_and_service(ctx, make_case):
    from app.services.visits import MAX_MINUTES

    case = make_case()
    add_service(ctx, case.id, care(minutes=MAX_MINUTES))
    with pytest.raises(ValidationError) as refused:
        add_service(ctx, case.id, care(minutes=MAX_MINUTES + 1))
    assert refused.value.field == "minutes"
