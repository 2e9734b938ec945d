"""A psychologist's problems and referrals on a social worker's screens: the case window's problem
and referral tabs and the dashboard's open problems show a Persian placeholder naming whom to ask,
never the text, and offer no button that could change them (issue 11)."""

import datetime as dt
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.services.problems import advance_problem, list_problems, open_problem
from app.services.referrals import add_referral, list_referrals, record_outcome
from app.ui.cases import tabs
from app.ui.cases.case_window import open_case_window
from tests.conftest import TODAY, as_actor

SECRETS = ("افکار خودآسیب‌رسان", "اضطراب شدید", "جلسه ارزیابی", "بیمارستان روانپزشکی", "دارودرمانی", "بستری")
SHOTS = Path(os.environ.get("PARVANDEH_SHOTS", "/tmp/parvandeh-shots"))


@pytest.fixture
def psych_case(ctx, make_case, make_staff, worker):
    psych = make_staff("psychologist", "لیلا", "روان")
    case_id = make_case(psychologist_id=psych.id).id
    pctx = as_actor(ctx, psych.id, "psychologist")
    day = TODAY - dt.timedelta(days=2)
    problem = open_problem(pctx, case_id, SECRETS[0], SECRETS[1], on=day).id
    advance_problem(pctx, problem, "plan", SECRETS[2], on=day)
    referral = add_referral(pctx, case_id, to_body=SECRETS[3], reason=SECRETS[4], on=day).id
    record_outcome(pctx, referral, SECRETS[5], on=day)
    wctx = as_actor(ctx, worker.id, "social_worker")
    open_problem(wctx, case_id, "ترک تحصیل", "", on=day)
    add_referral(wctx, case_id, to_body="آموزش و پرورش", reason="ثبت‌نام دوباره", on=day)
    return case_id


def _shown(model) -> str:
    return "\n".join(str(model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole))
                     for r in range(model.rowCount()) for c in range(model.columnCount()))


def _page(window, kind):
    page = next(p for p in window.tab_pages if isinstance(p, kind))
    window.tabs.setCurrentWidget(page)
    page.load_if_stale()
    return page


def _select(page, view, model, hidden: bool):
    row = next(r for r in range(model.rowCount()) if model.record(model.index(r, 0)).hidden is hidden)
    view.setCurrentIndex(model.index(row, 0))
    return model.record(model.index(row, 0))


def test_the_problems_tab_shows_a_placeholder_and_no_advance_button(qtbot, worker_session, ctx, psych_case):
    window = open_case_window(worker_session, psych_case)
    qtbot.waitExposed(window)
    page = _page(window, tabs.ProblemsTab)
    _select(page, page.view, page.model, hidden=True)
    shown = _shown(page.model) + _shown(page.steps)
    assert not any(secret in shown for secret in SECRETS)
    assert tabs.HIDDEN_PROBLEM in shown and tabs.HIDDEN_STEP in shown and "لیلا" in shown
    assert not page.advance_button.isEnabled() and "روانشناس" in page.advance_button.toolTip()
    assert page.advance() is None  # Enter on the row opens nothing either
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.resize(1000, 600)
    qtbot.wait(300)
    window.grab().save(str(SHOTS / "confidential-problems.png"))
    _select(page, page.view, page.model, hidden=False)
    assert page.advance_button.isEnabled()
    [secret] = [p for p in list_problems(ctx, psych_case) if p.title == SECRETS[0]]
    assert len(secret.steps) == 2  # nothing was added


def test_the_referrals_tab_shows_a_placeholder_and_no_outcome_button(qtbot, worker_session, ctx, psych_case):
    window = open_case_window(worker_session, psych_case)
    qtbot.waitExposed(window)
    page = _page(window, tabs.ReferralsTab)
    _select(page, page.view, page.model, hidden=True)
    shown = _shown(page.model)
    assert not any(secret in shown for secret in SECRETS)
    assert tabs.HIDDEN_REFERRAL in shown and "لیلا" in shown
    assert not page.outcome_button.isEnabled() and "روانشناس" in page.outcome_button.toolTip()
    assert page.record_outcome() is None
    window.resize(1000, 600)
    qtbot.wait(300)
    window.grab().save(str(SHOTS / "confidential-referrals.png"))
    _select(page, page.view, page.model, hidden=False)
    assert page.outcome_button.isEnabled()
    assert [r.outcome for r in list_referrals(ctx, psych_case) if r.to_body == SECRETS[3]] == [SECRETS[5]]


def test_the_dashboards_open_problems_show_a_placeholder(qtbot, worker_session, psych_case):
    from app.ui.pages.dashboard import HIDDEN_PROBLEM, DashboardPage
    page = DashboardPage(worker_session)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.show()
    model = page.models["problems"]
    shown = "\n".join(str(model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole))
                      for r in range(model.rowCount()) for c in range(model.columnCount()))
    assert HIDDEN_PROBLEM in shown and "ترک تحصیل" in shown
    assert not any(secret in shown for secret in SECRETS)
