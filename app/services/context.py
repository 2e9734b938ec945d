"""Who acts, on which database, at what time: handed to every service call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from app.models.base import utcnow
from app.persian.iran_time import iran_date
from app.models.enums import Role
from app.storage.database import Database


@dataclass(frozen=True)
class Actor:
    """The signed-in staff member (or the system, for set-up and generated data)."""

    staff_id: Optional[int]
    name: str
    role: Role

    @classmethod
    def system(cls) -> "Actor":
        return cls(None, "سیستم", Role.MANAGER)

    @property
    def is_manager(self) -> bool:
        return self.role is Role.MANAGER


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
