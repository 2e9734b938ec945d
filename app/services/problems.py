"""Unforeseen problems: study -> plan -> action -> follow-up -> resolved (seed 004)."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import NotFound, ValidationError
from app.models import Problem, ProblemStep, Service, Staff
from app.domain.enums import ProblemStage
from app.services import audit, concurrency, validation as v
from app.services.cases import adding_to_case, get_case_row
from app.services.context import ServiceContext
from app.services.signed_months import add_dated_record, require_reason_in_signed_month
from app.services.views import ProblemStepView, ProblemView, SaveResult
from app.services.permissions import require_service_writer
from app.services.policy import (Action, Kind, reads_confidential, require_confidential, rule,
                                 writes_confidential)

STAGE_ORDER = list(ProblemStage)


@rule(Kind.PROBLEM, Action.CREATE)
def open_problem(ctx: ServiceContext, case_id: int, title: str, description: str = "",
                 on: dt.date | str | None = None, amend_reason: str = "") -> SaveResult:
    with adding_to_case(ctx, case_id) as (session, case):
        when = v.day_up_to(ctx.today(), on, "opened_on", "تاریخ")
        problem = Problem(
            case_id=case.id, title=v.text(title, "title", "عنوان مشکل", required=True, max_len=300),
            description=v.text(description, "description", "شرح مشکل", max_len=20000, multiline=True),
            stage=ProblemStage.STUDY.value, opened_on=when, staff_id=ctx.actor.staff_id,
            confidential=writes_confidential(ctx.actor))
        problem.steps.append(ProblemStep(stage=ProblemStage.STUDY.value, date=when, note=problem.description,
                                         staff_id=ctx.actor.staff_id, confidential=problem.confidential))
        add_dated_record(session, ctx, problem, kind="problem", case_id=case.id, day=when,
                         amend_reason=amend_reason)
        audit.record(session, ctx, "create", "problem", problem.id, case_id=case.id,
                     changes={"title": problem.title, "stage": problem.stage})
        return SaveResult(problem.id)


@rule(Kind.PROBLEM, Action.CHANGE)
def advance_problem(ctx: ServiceContext, problem_id: int, stage: str, note: str,
                    on: dt.date | str | None = None, version: Optional[int] = None,
                    amend_reason: str = "") -> SaveResult:
    """Move a problem to a stage. Going back (say, follow-up to a new plan) is allowed; after
    'resolved' nothing moves, and resolving needs a note saying how."""
    require_service_writer(ctx.actor)
    with ctx.db.transaction() as session:
        problem = _get(session, problem_id)
        concurrency.expect(session, problem, version)
        case = get_case_row(session, ctx, problem.case_id)
        require_confidential(ctx.actor, problem.confidential, Action.CHANGE)
        new = v.choice(ProblemStage, stage, "stage", "مرحله")
        text = v.text(note, "note", "شرح اقدام", max_len=20000, multiline=True)
        when = v.day_up_to(ctx.today(), on, "date", "تاریخ")
        if problem.stage == ProblemStage.RESOLVED.value:
            raise ValidationError("این مشکل رفع شده و بسته است.", field="stage")
        if when < problem.opened_on:
            raise ValidationError("این تاریخ پیش از ثبت مشکل است.", field="date")
        if new is ProblemStage.STUDY:
            raise ValidationError("مرحله مطالعه با ثبت مشکل انجام شده است؛ مرحله بعدی را انتخاب کنید.",
                                  field="stage")
        if new is ProblemStage.RESOLVED:
            if not text:
                raise ValidationError("برای رفع مشکل، شرح چگونگی رفع آن را بنویسید.", field="note")
            problem.resolved_on, problem.resolution_note = when, text
        require_reason_in_signed_month(session, ctx, case.id, [when], amend_reason, record_kind="problem",
                                       record_id=problem.id)
        old = problem.stage
        problem.stage = new.value
        problem.steps.append(ProblemStep(stage=new.value, date=when, note=text, staff_id=ctx.actor.staff_id,
                                         confidential=writes_confidential(ctx.actor)))
        audit.record(session, ctx, "update", "problem", problem.id, case_id=case.id,
                     changes={"stage": [old, new.value], "note": [None, text]})
        return SaveResult(problem.id)


def _get(session: Session, problem_id: int) -> Problem:
    problem = v.lookup(session, Problem, problem_id)
    if problem is None:
        raise NotFound("مشکل پیدا نشد.")
    return problem


@rule(Kind.PROBLEM, Action.READ)
def list_problems(ctx: ServiceContext, case_id: int, open_only: bool = False) -> list[ProblemView]:
    with ctx.db.read() as session:
        get_case_row(session, ctx, case_id)
        query = select(Problem).where(Problem.case_id == case_id).order_by(Problem.opened_on.desc(), Problem.id)
        if open_only:
            query = query.where(Problem.stage != ProblemStage.RESOLVED.value)
        problems = session.scalars(query).all()
        linked: dict[int, list[int]] = {}
        for sid, pid in session.execute(select(Service.id, Service.problem_id).where(
                Service.problem_id.in_([p.id for p in problems]))):
            linked.setdefault(pid, []).append(sid)
        names = {i: f"{f} {l}" for i, f, l in session.execute(select(Staff.id, Staff.first_name, Staff.last_name))}
        reader = reads_confidential(ctx.actor)
        return [_view(p, linked.get(p.id, []), names, reader) for p in problems]


def _view(p: Problem, service_ids: list[int], names: dict[int, str], reader: bool) -> ProblemView:
    """A psychologist's problem or step reaches someone who may not read it without its text; they
    still see that it exists, where it stands and whom to ask."""
    hidden = p.confidential and not reader
    steps = tuple(
        ProblemStepView(s.stage, ProblemStage(s.stage).label, s.date,
                        "" if s.confidential and not reader else s.note,
                        note_hidden=s.confidential and not reader, staff_name=names.get(s.staff_id, ""))
        for s in p.steps)
    resolving = next((s for s in reversed(steps) if s.stage == ProblemStage.RESOLVED.value), None)
    resolution_hidden = hidden or (resolving is not None and resolving.note_hidden)
    return ProblemView(
        id=p.id, case_id=p.case_id, title="" if hidden else p.title, description="" if hidden else p.description,
        stage=p.stage, stage_label=ProblemStage(p.stage).label, opened_on=p.opened_on, resolved_on=p.resolved_on,
        resolution_note="" if resolution_hidden else p.resolution_note, steps=steps,
        service_ids=tuple(service_ids), version=p.version, hidden=hidden, staff_name=names.get(p.staff_id, ""))

