"""The command line carries no psychologist's problem or referral text to a social worker or a
clerk: `cases list` in every format, `report case`, `contracts list` (issue 11)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services.accounts import StaffInput, list_staff, update_staff
from app.services.reports import find_case_id
from app.services.problems import advance_problem, open_problem
from app.services.referrals import add_referral, record_outcome
from tests.conftest import TODAY, as_actor
from tests.printing.pdf_helpers import pdf_text
from tests.test_cli_roles import clinic, run  # noqa: F401 — the fixture clinic with a user of each role

SECRETS = ("افکار خودآسیب‌رسان", "اضطراب شدید پس از جدایی", "جلسه دوم ارزیابی",
           "بیمارستان روانپزشکی رازی", "نیاز به دارودرمانی", "بستری دو هفته‌ای")


@pytest.fixture
def written(clinic, ctx):  # noqa: F811
    psych = next(s for s in list_staff(ctx) if s.role == "psychologist")
    pctx = as_actor(ctx, psych.id, "psychologist")
    case_id = find_case_id(ctx, clinic["file"])
    day = TODAY - dt.timedelta(days=2)
    problem = open_problem(pctx, case_id, SECRETS[0], SECRETS[1], on=day).id
    advance_problem(pctx, problem, "plan", SECRETS[2], on=day)
    referral = add_referral(pctx, case_id, to_body=SECRETS[3], reason=SECRETS[4], on=day).id
    record_outcome(pctx, referral, SECRETS[5], on=day)
    return dict(clinic, psych=psych)


def _outputs(written, data_dir, monkeypatch, capsys, user):
    """Everything the command line gives `user` about the file: its standard output and files."""
    out = written["out"]
    out.mkdir(exist_ok=True)
    texts = []
    for argv in (["cases", "list", "--format", "json"], ["cases", "list", "--format", "csv"],
                 ["cases", "list"], ["contracts", "list", "--format", "json"],
                 ["report", "case", "--file", written["file"], "--out", str(out / "c.pdf")]):
        _code, stdout, stderr = run(monkeypatch, capsys, argv + ["--data-dir", str(data_dir)], user)
        texts += [stdout, stderr]
    pdf = out / "c.pdf"
    if pdf.exists():
        texts.append(pdf_text(pdf.read_bytes()))
        pdf.unlink()
    return "\n".join(texts)


@pytest.mark.parametrize("user", ["worker", "clerk1"])
def test_no_command_gives_a_psychologists_problem_or_referral_text(written, data_dir, monkeypatch, capsys, user):
    seen = _outputs(written, data_dir, monkeypatch, capsys, user)
    assert written["file"] in seen or "علی" in seen  # the commands did answer
    for secret in SECRETS:
        assert secret not in seen, (user, secret)


def test_nor_after_the_psychologists_role_is_changed(written, ctx, data_dir, monkeypatch, capsys):
    psych = written["psych"]
    update_staff(ctx, psych.id, StaffInput(first_name=psych.first_name, last_name=psych.last_name,
                                           role="social_worker"))
    seen = _outputs(written, data_dir, monkeypatch, capsys, "worker")
    assert "محرمانه" in seen
    assert not any(secret in seen for secret in SECRETS)
