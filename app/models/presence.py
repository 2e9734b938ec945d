"""Who is connected to the clinic's database, and which generation of it they hold.

Several PCs share one database; restore must know who else is in it, and a process that
opened the database before a restore must not write into it afterwards."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class DbMeta(Base):
    """Small facts about the database itself: its generation (changed by every restore)."""

    __tablename__ = "db_meta"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), default="")


class DbSession(Base):
    """One running program (desktop or command) with a heartbeat; rows older than a minute are stale."""

    __tablename__ = "db_session"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    host: Mapped[str] = mapped_column(String(200), default="")
    pid: Mapped[int]
    user_name: Mapped[str] = mapped_column(String(200), default="")
    program: Mapped[str] = mapped_column(String(20), default="")
    started_at: Mapped[dt.datetime]
    heartbeat_at: Mapped[dt.datetime]
