"""What others changed since a moment: the open screens read it to show others' saves within seconds.

The counter is the audit trail's newest id (every save adds an entry), so asking costs one
indexed read; openings, sign-ins and report builds change nothing on screen and are left out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sqlalchemy import func, select

from app.models import AuditEntry
from app.services.context import ServiceContext

QUIET_ACTIONS = ("open", "sign_in", "report", "password")
LIMIT = 500


@dataclass(frozen=True)
class Change:
    id: int
    action: str
    entity: str
    entity_id: Optional[int]
    case_id: Optional[int]


def latest_change(ctx: ServiceContext) -> int:
    with ctx.db.read() as session:
        return session.scalar(select(func.max(AuditEntry.id))) or 0


def changes_since(ctx: ServiceContext, last_id: int) -> tuple[int, list[Change]]:
    """(the newest id now, the changes after last_id); many at once come back as one «reload everything»."""
    with ctx.db.read() as session:
        newest = session.scalar(select(func.max(AuditEntry.id))) or 0
        if newest <= last_id:
            return last_id, []
        rows = session.execute(
            select(AuditEntry.id, AuditEntry.action, AuditEntry.entity, AuditEntry.entity_id, AuditEntry.case_id)
            .where(AuditEntry.id > last_id, AuditEntry.action.notin_(QUIET_ACTIONS))
            .order_by(AuditEntry.id).limit(LIMIT)).all()
        return newest, [Change(*row) for row in rows]
