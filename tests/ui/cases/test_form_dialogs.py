"""The case window's small forms (problem, stage, review, referral, outcome, status) on the one
form base: several bad fields give every error at once, at its field, the first focused, and
nothing is saved."""

from app.domain.enums import CaseStatus
from app.services.problems import list_problems
from app.services.referrals import list_referrals
from app.services.reviews import list_reviews
from app.ui.cases.dialogs import OutcomeDialog, ProblemDialog, ReferralDialog, ReviewDialog, StatusDialog


def shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    return dialog


def assert_errors_at(qtbot, dialog, fields, first):
    assert not dialog.save()
    for field in fields:
        assert dialog.errors.message_for(field), f"no message under {field}"
    qtbot.waitUntil(first.hasFocus, timeout=3000)


def test_problem_form(qtbot, manager_session, make_case):
    case = make_case()
    dialog = shown(qtbot, ProblemDialog(manager_session, case.id))
    dialog.opened_on.setText("1405/02/32")
    assert_errors_at(qtbot, dialog, ["title", "opened_on"], dialog.title)
    dialog.opened_on.setText("1499/01/01")
    assert_errors_at(qtbot, dialog, ["title", "opened_on"], dialog.title)  # a future date too
    assert list_problems(manager_session.ctx, case.id) == []


def test_review_form(qtbot, manager_session, make_case):
    case = make_case()
    dialog = shown(qtbot, ReviewDialog(manager_session, case.id, default_worker=None))
    dialog.date.setText("")
    assert_errors_at(qtbot, dialog, ["date", "social_worker_id", "findings"], dialog.date.line_edit)
    assert list_reviews(manager_session.ctx, case.id) == []


def test_referral_and_outcome_forms(qtbot, manager_session, make_case):
    case = make_case()
    dialog = shown(qtbot, ReferralDialog(manager_session, case.id))
    dialog.date.setText("۱۴۰۵/۱۳/۰۱")
    assert_errors_at(qtbot, dialog, ["to_body", "reason", "date"], dialog.to_body)
    assert list_referrals(manager_session.ctx, case.id) == []
    dialog.to_body.setText("مرکز مشاوره")
    dialog.reason.setText("نیاز به مشاوره")
    dialog.date.setDate(manager_session.ctx.today())
    assert dialog.save()
    referral = list_referrals(manager_session.ctx, case.id)[0]
    outcome = shown(qtbot, OutcomeDialog(manager_session, case.id, referral.id))
    outcome.date.setText("x")
    assert_errors_at(qtbot, outcome, ["outcome", "outcome_on"], outcome.outcome)


def test_status_form_needs_a_reason_and_a_date(qtbot, manager_session, make_case):
    case = make_case()
    dialog = shown(qtbot, StatusDialog(manager_session, case.id, CaseStatus.CLOSED))
    dialog.date.setText("1405/02/32")
    assert_errors_at(qtbot, dialog, ["status_on", "status_reason"], dialog.date.line_edit)
