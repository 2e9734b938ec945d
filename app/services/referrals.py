"""Referrals to other bodies (ارجاع) and what came of them."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import select

from app.errors import NotFound, ValidationError
from app.models import Referral, Staff
from app.services import audit, concurrency, validation as v
from app.services.cases import adding_to_case, get_case_row
from app.services.context import ServiceContext
from app.services.signed_months import add_dated_record
from app.services.views import ReferralView, SaveResult
from app.services.permissions import require_service_writer
from app.services.policy import (Action, Kind, reads_confidential, require_confidential, rule,
                                 writes_confidential)


@rule(Kind.REFERRAL, Action.CREATE)
def add_referral(ctx: ServiceContext, case_id: int, *, to_body: str, reason: str,
                 on: dt.date | str | None = None, amend_reason: str = "") -> SaveResult:
    with adding_to_case(ctx, case_id) as (session, case):
        when = v.day_up_to(ctx.today(), on, "date", "تاریخ ارجاع")
        referral = Referral(
            case_id=case.id, date=when, staff_id=ctx.actor.staff_id, confidential=writes_confidential(ctx.actor),
            to_body=v.text(to_body, "to_body", "مرجع ارجاع", required=True, max_len=300),
            reason=v.text(reason, "reason", "دلیل ارجاع", required=True, max_len=5000, multiline=True))
        add_dated_record(session, ctx, referral, kind="referral", case_id=case.id, day=when,
                         amend_reason=amend_reason)
        audit.record(session, ctx, "create", "referral", referral.id, case_id=case.id,
                     changes={"to_body": referral.to_body, "date": when})
        return SaveResult(referral.id)


@rule(Kind.REFERRAL, Action.CHANGE)
def record_outcome(ctx: ServiceContext, referral_id: int, outcome: str,
                   on: dt.date | str | None = None, version: Optional[int] = None) -> SaveResult:
    require_service_writer(ctx.actor)
    with ctx.db.transaction() as session:
        referral = v.lookup(session, Referral, referral_id)
        if referral is None:
            raise NotFound("ارجاع پیدا نشد.")
        concurrency.expect(session, referral, version)
        get_case_row(session, ctx, referral.case_id)
        # A psychologist's referral, or an outcome a psychologist wrote, is not someone else's to change.
        require_confidential(ctx.actor, referral.confidential or referral.outcome_confidential, Action.CHANGE)
        text = v.text(outcome, "outcome", "نتیجه ارجاع", required=True, max_len=5000, multiline=True)
        when = v.day_up_to(ctx.today(), on, "outcome_on", "تاریخ نتیجه")
        if when < referral.date:
            raise ValidationError("تاریخ نتیجه پیش از تاریخ ارجاع است.", field="outcome_on")
        before = {"outcome": referral.outcome, "outcome_on": referral.outcome_on}
        referral.outcome, referral.outcome_on = text, when
        referral.outcome_confidential = writes_confidential(ctx.actor)
        audit.record(session, ctx, "update", "referral", referral.id, case_id=referral.case_id,
                     changes=audit.diff(before, {"outcome": text, "outcome_on": when}))
        return SaveResult(referral.id)


@rule(Kind.REFERRAL, Action.READ)
def list_referrals(ctx: ServiceContext, case_id: int) -> list[ReferralView]:
    with ctx.db.read() as session:
        get_case_row(session, ctx, case_id)
        rows = session.scalars(select(Referral).where(Referral.case_id == case_id).order_by(Referral.date.desc()))
        names = {i: f"{f} {l}" for i, f, l in session.execute(select(Staff.id, Staff.first_name, Staff.last_name))}
        reader = reads_confidential(ctx.actor)
        return [_view(r, names, reader) for r in rows]


def _view(r: Referral, names: dict[int, str], reader: bool) -> ReferralView:
    """A psychologist's referral reaches someone who may not read it without its texts (the body it
    went to says much about the child); they see that it exists, when, and whom to ask."""
    hidden = r.confidential and not reader
    outcome_hidden = hidden or (r.outcome_confidential and not reader)
    return ReferralView(r.id, r.case_id, r.date, "" if hidden else r.to_body, "" if hidden else r.reason,
                        "" if outcome_hidden else r.outcome, r.outcome_on, r.version, hidden=hidden,
                        outcome_hidden=outcome_hidden, staff_name=names.get(r.staff_id, ""))
