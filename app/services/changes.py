"""What others changed since a moment: the open screens read it to show others' saves within seconds.

The counter is the audit trail's newest id (every save adds an entry), so asking costs one
indexed read; openings, sign-ins and report builds change nothing on screen and are left out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sqlalchemy import func, select

from app.domain.changes import ATTACHMENTS, FILE, PROBLEMS, REFERRALS, REVIEWS, SERVICES, Changes
from app.models import AuditEntry
from app.services.context import ServiceContext
from app.services.policy import Action, Kind, rule

QUIET_ACTIONS = ("open", "sign_in", "report", "password")
LIMIT = 500
# the audit trail's record kinds, as the parts of a case file or the areas screens show
CASE_PARTS = {"case_file": FILE, "service": SERVICES, "problem": PROBLEMS, "review": REVIEWS,
              "referral": REFERRALS, "attachment": ATTACHMENTS}
AREAS = {"contract": "contracts", "payment": "payments", "guarantee_cheque": "payments",
         "invoice_account": "payments", "staff": "staff", "setting": "settings", "clinic": "settings"}


@dataclass(frozen=True)
class Change:
    id: int
    action: str
    entity: str
    entity_id: Optional[int]
    case_id: Optional[int]


@rule(Kind.CASE, Action.READ)  # ids of what changed, no content: each screen re-reads through its own rule
def latest_change(ctx: ServiceContext) -> int:
    with ctx.db.read() as session:
        return session.scalar(select(func.max(AuditEntry.id))) or 0


@rule(Kind.CASE, Action.READ)
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


def what_changed(changes: list[Change]) -> Changes:
    """Others' saves as the screens' one "what changed" value (marked as made elsewhere)."""
    parts: dict[str, set[int]] = {}
    areas: set[str] = set()
    deleted: set[tuple[str, int]] = set()
    for change in changes:
        part = CASE_PARTS.get(change.entity)
        if part is not None and change.case_id is not None:
            parts.setdefault(part, set()).add(change.case_id)
        if change.entity in AREAS:
            areas.add(AREAS[change.entity])
        if change.action == "delete" and change.entity_id is not None:
            deleted.add((change.entity, change.entity_id))
    found = Changes(deleted=frozenset(deleted), elsewhere=True, **{area: True for area in areas})
    for part, case_ids in parts.items():
        for case_id in case_ids:
            found = found | Changes.of_case(case_id, part)
    return found
