from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Id


class AbuseAcknowledgement(Base):
    """The manager has seen a child-abuse concern raised in a visit note, and says what follows.

    One row per concern (the service that raised it). Until there is one, the concern stays on
    the manager's dashboard however old it is. It goes with its service when that is deleted.
    """

    __tablename__ = "abuse_acknowledgement"

    service_id: Mapped[int] = mapped_column(Id, ForeignKey("service.id", ondelete="CASCADE"), primary_key=True)
    staff_id: Mapped[int] = mapped_column(Id, ForeignKey("staff.id"))
    at: Mapped[dt.datetime]
    note: Mapped[str] = mapped_column(String(2000))
