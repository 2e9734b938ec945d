"""Who may see and change what; enforced here so no screen can forget it."""

from __future__ import annotations

from sqlalchemy import or_

from app.errors import PermissionDenied
from app.models import CaseFile
from app.models.enums import Role
from app.services.context import Actor


def require_manager(actor: Actor) -> None:
    if not actor.is_manager:
        raise PermissionDenied("این کار فقط از مدیر کلینیک برمی‌آید.")


def case_scope(actor: Actor):
    """A WHERE clause limiting case files to those the actor may see, or None for all."""
    if actor.role in (Role.MANAGER, Role.CLERK):
        return None
    if actor.role is Role.PSYCHOLOGIST:
        return or_(CaseFile.psychologist_id == actor.staff_id, CaseFile.social_worker_id == actor.staff_id)
    return CaseFile.social_worker_id == actor.staff_id


def can_see_case(actor: Actor, case: CaseFile) -> bool:
    if actor.role in (Role.MANAGER, Role.CLERK):
        return True
    return actor.staff_id in (case.social_worker_id, case.psychologist_id)


def can_read_notes(actor: Actor) -> bool:
    """Clerks keep identity and contact data only."""
    return actor.role is not Role.CLERK


def can_read_psychological(actor: Actor) -> bool:
    return actor.role in (Role.MANAGER, Role.PSYCHOLOGIST)


def can_write_services(actor: Actor) -> bool:
    return actor.role in (Role.MANAGER, Role.SOCIAL_WORKER, Role.PSYCHOLOGIST)


def require_case_access(actor: Actor, case: CaseFile) -> None:
    if not can_see_case(actor, case):
        raise PermissionDenied("این پرونده به شما سپرده نشده است.")
