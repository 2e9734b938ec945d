"""The short lists a form's choice boxes need: staff names and contract numbers, nothing more.

list_staff and list_contracts build full views (trainings, active-case counts); with a
thousand staff and 150,000 files that takes a second, too long for a filter row or a form
that must open at once. These read only the columns a choice box shows, in one query each.
"""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import select

from app.models import Contract, Staff
from app.domain.enums import Role
from app.services.context import ServiceContext
from app.services.policy import Action, Kind, rule


@rule(Kind.STAFF, Action.READ)
def staff_choices(ctx: ServiceContext, roles: Iterable[Role] = (),
                  *, active_only: bool = True) -> list[tuple[int, str]]:
    """(id, full name) of staff in these roles (all roles when none are given), in Persian order."""
    query = select(Staff.id, Staff.first_name, Staff.last_name).order_by(Staff.sort_key)
    wanted = [Role(r).value for r in roles]
    if wanted:
        query = query.where(Staff.role.in_(wanted))
    if active_only:
        query = query.where(Staff.active.is_(True))
    with ctx.db.read() as session:
        return [(i, f"{first} {last}") for i, first, last in session.execute(query)]


@rule(Kind.CONTRACT, Action.READ)
def contract_choices(ctx: ServiceContext) -> list[tuple[int, str, str]]:
    """(id, number, office name) of every contract, the newest first."""
    query = select(Contract.id, Contract.number, Contract.office_name).order_by(
        Contract.start_date.desc(), Contract.number)
    with ctx.db.read() as session:
        return [(i, number, office) for i, number, office in session.execute(query)]

