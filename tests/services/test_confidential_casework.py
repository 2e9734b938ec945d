"""A psychologist's problems, problem steps and referrals, attacked as a social worker and a clerk
(issue 11: «A note's confidentiality is fixed when it is written»).

Each path that carries these texts is tried: the case window's lists, the dashboard's worklist, the
case summary PDF, and changing or deleting them; then the psychologist's role is changed and every
path is tried again. The manager and psychologists still read everything."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path

import pytest

from app.errors import PermissionDenied
from app.services.accounts import StaffInput, update_staff
from app.services.problems import advance_problem, list_problems, open_problem
from app.services.referrals import add_referral, list_referrals, record_outcome
from app.services.reports import generate_case_summary
from app.services.worklists import open_problems
from tests.conftest import TODAY, as_actor
from tests.printing.pdf_helpers import pdf_text

SECRETS = ("افکار خودآسیب‌رسان", "اضطراب شدید پس از جدایی", "جلسه دوم ارزیابی روانی",
           "بیمارستان روانپزشکی رازی", "نیاز به دارودرمانی", "بستری دو هفته‌ای")
WORKER_TEXTS = ("ترک تحصیل", "مدرسه محله را ندارد", "آموزش و پرورش ناحیه ۲", "ثبت‌نام دوباره")


@pytest.fixture
def psych_file(ctx, make_case, make_staff, worker):
    """The worker's file, with its psychologist's problem (two steps), the psychologist's referral
    with its outcome, and the worker's own problem and referral that the psychologist wrote on."""
    psych = make_staff("psychologist", "لیلا", "روان")
    case = make_case(psychologist_id=psych.id)
    pctx = as_actor(ctx, psych.id, "psychologist")
    wctx = as_actor(ctx, worker.id, "social_worker")
    day = TODAY - dt.timedelta(days=3)
    secret_problem = open_problem(pctx, case.id, SECRETS[0], SECRETS[1], on=day).id
    advance_problem(pctx, secret_problem, "plan", SECRETS[2], on=day)
    secret_referral = add_referral(pctx, case.id, to_body=SECRETS[3], reason=SECRETS[4], on=day).id
    record_outcome(pctx, secret_referral, SECRETS[5], on=day)
    own_problem = open_problem(wctx, case.id, WORKER_TEXTS[0], WORKER_TEXTS[1], on=day).id
    advance_problem(pctx, own_problem, "resolved", "پیگیری روانشناس: " + SECRETS[5], on=day)
    own_referral = add_referral(wctx, case.id, to_body=WORKER_TEXTS[2], reason=WORKER_TEXTS[3], on=day).id
    record_outcome(pctx, own_referral, "نتیجه روانشناس: " + SECRETS[4], on=day)
    return dict(case=case, psych=psych, pctx=pctx, wctx=wctx, secret_problem=secret_problem,
                secret_referral=secret_referral, own_problem=own_problem, own_referral=own_referral)


def _clerk(ctx, make_staff):
    clerk = make_staff("clerk", "حسن", "دفتری")
    return as_actor(ctx, clerk.id, "clerk")


def _blob(records) -> str:
    return json.dumps([dataclasses.asdict(r) for r in records], ensure_ascii=False, default=str)


def _assert_hidden_from_worker(f) -> None:
    wctx, case = f["wctx"], f["case"]
    problems = {p.id: p for p in list_problems(wctx, case.id)}
    referrals = {r.id: r for r in list_referrals(wctx, case.id)}
    everything = _blob(problems.values()) + _blob(referrals.values()) + _blob(open_problems(wctx))
    for secret in SECRETS:
        assert secret not in everything, secret
    # ... yet the worker knows each exists, where it stands, and whom to ask.
    secret = problems[f["secret_problem"]]
    assert secret.hidden and secret.title == "" and secret.stage == "plan" and "لیلا" in secret.staff_name
    assert all(s.note_hidden and s.note == "" for s in secret.steps) and len(secret.steps) == 2
    own = problems[f["own_problem"]]
    assert not own.hidden and own.title == WORKER_TEXTS[0]  # the worker's own text stays theirs
    assert [s.note_hidden for s in own.steps] == [False, True] and own.resolution_note == ""
    referral = referrals[f["secret_referral"]]
    assert referral.hidden and referral.outcome_hidden and referral.to_body == referral.reason == ""
    assert referral.outcome_on is not None and "لیلا" in referral.staff_name
    mine = referrals[f["own_referral"]]
    assert mine.reason == WORKER_TEXTS[3] and mine.outcome_hidden and mine.outcome == ""
    [listed] = [p for p in open_problems(wctx) if p.problem_id == f["secret_problem"]]
    assert listed.hidden and listed.title == ""


def test_a_social_worker_sees_that_a_psychologists_problems_and_referrals_exist_but_not_their_texts(psych_file):
    _assert_hidden_from_worker(psych_file)


def test_the_manager_and_psychologists_read_them(ctx, psych_file):
    for who in (ctx, psych_file["pctx"]):
        case = psych_file["case"]
        everything = (_blob(list_problems(who, case.id)) + _blob(list_referrals(who, case.id))
                      + _blob(open_problems(who)))
        assert all(secret in everything for secret in SECRETS[:5])
        assert not any(p.hidden for p in list_problems(who, case.id))


def test_a_social_worker_can_neither_advance_a_psychologists_problem_nor_change_their_referral(psych_file):
    wctx = psych_file["wctx"]
    with pytest.raises(PermissionDenied, match="یادداشت روانشناختی"):
        advance_problem(wctx, psych_file["secret_problem"], "action", "بازنویسی")
    with pytest.raises(PermissionDenied, match="یادداشت روانشناختی"):
        record_outcome(wctx, psych_file["secret_referral"], "بازنویسی")
    # Not even the outcome a psychologist wrote on the worker's own referral.
    with pytest.raises(PermissionDenied, match="یادداشت روانشناختی"):
        record_outcome(wctx, psych_file["own_referral"], "بازنویسی")
    pctx, case = psych_file["pctx"], psych_file["case"]
    [problem] = [p for p in list_problems(pctx, case.id) if p.id == psych_file["secret_problem"]]
    assert problem.stage == "plan" and len(problem.steps) == 2
    assert "بازنویسی" not in _blob(list_referrals(pctx, case.id))


def test_a_clerk_reaches_none_of_them(ctx, make_staff, psych_file):
    cctx = _clerk(ctx, make_staff)
    case = psych_file["case"]
    for call in (lambda: list_problems(cctx, case.id), lambda: list_referrals(cctx, case.id),
                 lambda: open_problems(cctx), lambda: generate_case_summary(cctx, case.id),
                 lambda: advance_problem(cctx, psych_file["secret_problem"], "action", "x"),
                 lambda: record_outcome(cctx, psych_file["secret_referral"], "x"),
                 lambda: open_problem(cctx, case.id, "عنوان"),
                 lambda: add_referral(cctx, case.id, to_body="مرجع", reason="دلیل")):
        with pytest.raises(PermissionDenied):
            call()


def test_the_case_summary_quotes_none_of_them_whoever_prints_it(ctx, psych_file):
    from app.services.report_data import CONFIDENTIAL_TEXT
    case = psych_file["case"]
    for who in (psych_file["wctx"], ctx):
        pdf = generate_case_summary(who, case.id).pdf
        if os.environ.get("PARVANDEH_SHOTS"):
            Path(os.environ["PARVANDEH_SHOTS"], f"confidential-summary-{who.actor.role.value}.pdf").write_bytes(pdf)
        text = pdf_text(pdf)
        for secret in SECRETS:
            assert secret not in text, secret
        assert WORKER_TEXTS[0] in text  # the worker's own problem is printed
    assert CONFIDENTIAL_TEXT.split(" ")[0] in text


def test_changing_the_psychologists_role_reveals_nothing(ctx, psych_file):
    psych = psych_file["psych"]
    update_staff(ctx, psych.id, StaffInput(first_name="لیلا", last_name=psych.last_name, role="social_worker"))
    _assert_hidden_from_worker(psych_file)
    text = pdf_text(generate_case_summary(psych_file["wctx"], psych_file["case"].id).pdf)
    assert not any(secret in text for secret in SECRETS)
