"""What every screen needs: the open data folder, the database handle and who is signed in.

Screens call services with `session.ctx`; they never open a database session or run SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from app.services.context import Actor, ServiceContext
from app.services.drafts import DraftStore
from app.storage.database import Database


@dataclass
class AppSession:
    data_dir: Path
    db: Database
    actor: Optional[Actor] = None
    drafts: DraftStore = field(init=False)

    def __post_init__(self) -> None:
        self.drafts = DraftStore(Path(self.data_dir) / "drafts")

    @property
    def ctx(self) -> ServiceContext:
        if self.actor is None:
            raise RuntimeError("no one is signed in")
        return ServiceContext(self.db, self.actor, data_dir=self.data_dir)

    def sign_out(self) -> None:
        self.actor = None
