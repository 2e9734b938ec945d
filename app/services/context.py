"""Who acts, on which database, at what time: handed to every service call."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from app.models.base import utcnow
from app.persian.iran_time import iran_date
from app.domain.enums import Role
from app.storage.database import Database


@dataclass(frozen=True)
class Actor:
    """The signed-in staff member (or the system, for set-up and generated data)."""

    staff_id: Optional[int]
    name: str
    role: Role
    # Set only by sign-in (app.services.accounts): an Actor built by hand has none and every
    # guarded service refuses it.
    seal: bytes = field(default=b"", repr=False, compare=False)

    @classmethod
    def system(cls) -> "Actor":
        """Set-up and generated data; no guarded service accepts it except the clinic's name."""
        return cls(None, "سیستم", Role.MANAGER)

    @property
    def is_manager(self) -> bool:
        return self.role is Role.MANAGER


# A fresh secret per process: a seal cannot be copied from one run into another.
_SEAL_KEY = secrets.token_bytes(32)


def _seal_of(staff_id: Optional[int], name: str, role: Role) -> bytes:
    message = f"{staff_id}\x1f{role.value}\x1f{name}".encode("utf-8", "surrogatepass")
    return hmac.new(_SEAL_KEY, message, hashlib.sha256).digest()


def _issue(staff_id: int, name: str, role: Role) -> Actor:
    """Only sign-in and the clinic's set-up call this (tests too, standing in for a sign-in)."""
    return Actor(staff_id, name, role, _seal_of(staff_id, name, role))


def is_genuine(actor: Actor) -> bool:
    return bool(actor.seal) and hmac.compare_digest(actor.seal, _seal_of(actor.staff_id, actor.name, actor.role))


@dataclass
class ServiceContext:
    db: Database
    actor: Actor
    data_dir: Optional[Path] = None
    clock: Callable[[], dt.datetime] = field(default=utcnow)

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        # The clinic's working day is Iran's calendar day (Asia/Tehran), whatever zone the PC is set to.
        return iran_date(self.clock())

    def acting_as(self, actor: Actor) -> "ServiceContext":
        return ServiceContext(self.db, actor, self.data_dir, self.clock)
