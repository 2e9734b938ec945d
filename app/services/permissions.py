"""Who may see and change what: shorthands over the one policy table (app.services.policy)."""

from __future__ import annotations

from sqlalchemy import or_

from app.errors import PermissionDenied
from app.models import CaseFile
from app.domain.enums import Role
from app.services.context import Actor
from app.services.policy import Action, Kind, Scope, allows, scope


def require_manager(actor: Actor) -> None:
    if not actor.is_manager:
        raise PermissionDenied("این کار فقط از مدیر کلینیک برمی‌آید.")


def case_scope(actor: Actor, kind: Kind = Kind.CASE):
    """A WHERE clause limiting case files to those the actor may see, or None for all."""
    found = scope(actor, kind, Action.READ)
    if found is Scope.ALL:
        return None
    if found is Scope.NONE or actor.staff_id is None:
        return CaseFile.id.is_(None)  # nothing
    if actor.role is Role.PSYCHOLOGIST:
        return or_(CaseFile.psychologist_id == actor.staff_id, CaseFile.social_worker_id == actor.staff_id)
    return CaseFile.social_worker_id == actor.staff_id


def can_see_case(actor: Actor, case: CaseFile, kind: Kind = Kind.CASE) -> bool:
    found = scope(actor, kind, Action.READ)
    if found is Scope.ALL:
        return True
    return found is Scope.OWN and actor.staff_id is not None and \
        actor.staff_id in (case.social_worker_id, case.psychologist_id)


def can_read_notes(actor: Actor) -> bool:
    """Clerks keep identity and contact data only."""
    return allows(actor, Kind.VISIT_NOTE, Action.READ)


def can_read_psychological(actor: Actor) -> bool:
    return allows(actor, Kind.PSYCH_NOTE, Action.READ)


def can_write_services(actor: Actor) -> bool:
    return allows(actor, Kind.VISIT_NOTE, Action.CREATE)


def require_service_writer(actor: Actor) -> None:
    """Services, problems, reviews and referrals are written by a social worker, psychologist or manager."""
    if not can_write_services(actor):
        raise PermissionDenied("ثبت خدمت فقط از مددکار، روانشناس یا مدیر برمی‌آید.")


def require_case_access(actor: Actor, case: CaseFile) -> None:
    if not can_see_case(actor, case):
        raise PermissionDenied("این پرونده به شما سپرده نشده است.")
