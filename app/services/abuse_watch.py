"""The manager's step on a child-abuse concern: «دیده شد», with a note of what follows.

A concern raised in a visit note stays on the manager's dashboard until the manager marks it
seen; the mark, who made it, when, and the note go into the audit trail with it.
"""

from __future__ import annotations

from sqlalchemy import exists, select, true

from app.errors import Conflict, NotFound, ValidationError
from app.models import AbuseAcknowledgement, CaseFile, Service
from app.services import audit, validation as v
from app.services.context import ServiceContext
from app.services.policy import Action, Kind, rule
from app.services.permissions import require_manager
from app.services.worklists import AbuseConcern

NOTE_MAX = 2000


def _unseen():
    return ~exists().where(AbuseAcknowledgement.service_id == Service.id)


@rule(Kind.ABUSE, Action.READ)
def unseen_abuse_concerns(ctx: ServiceContext, limit: int = 200) -> list[AbuseConcern]:
    """Concerns the manager has not marked seen, whatever their age; priority files first, then newest."""
    if not ctx.actor.is_manager:
        return []
    query = (select(Service.id, CaseFile.id, CaseFile.first_name, CaseFile.last_name,
                    CaseFile.behzisti_file_number, Service.date, Service.abuse_action, CaseFile.priority)
             .join(CaseFile, CaseFile.id == Service.case_id)
             .where(Service.abuse_concern == true(), _unseen())
             .order_by(CaseFile.priority.desc(), Service.date.desc(), Service.id.desc()).limit(limit))
    with ctx.db.read() as session:
        return [AbuseConcern(sid, cid, f"{f} {l}", num, d, action, prio)
                for sid, cid, f, l, num, d, action, prio in session.execute(query)]


@rule(Kind.ABUSE, Action.CHANGE)
def acknowledge_abuse_concern(ctx: ServiceContext, service_id: int, note: str) -> None:
    """The manager marks one concern seen; the note (what was decided, who was told) is required."""
    require_manager(ctx.actor)
    text = v.text(note, "note", "یادداشت مدیر", required=True, max_len=NOTE_MAX, multiline=True)
    with ctx.db.transaction() as session:
        service = v.lookup(session, Service, service_id)
        if service is None or not service.abuse_concern:
            raise NotFound("این نگرانی کودک‌آزاری پیدا نشد؛ شاید یادداشت آن حذف یا اصلاح شده باشد.")
        if session.get(AbuseAcknowledgement, service.id) is not None:
            raise Conflict("این نگرانی پیش‌تر دیده‌شده علامت خورده است.")
        if ctx.actor.staff_id is None:
            raise ValidationError("دیده شدن را فقط مدیری با حساب کارمندی می‌تواند ثبت کند.")
        session.add(AbuseAcknowledgement(service_id=service.id, staff_id=ctx.actor.staff_id, at=ctx.now(),
                                         note=text))
        audit.record(session, ctx, "abuse_seen", "service", service.id, case_id=service.case_id,
                     changes={"abuse_seen_note": text})
