from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Id, Timestamps, Versioned


class Clinic(Versioned, Timestamps, Base):
    __tablename__ = "clinic"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    licence_number: Mapped[str] = mapped_column(String(50))
    licence_province: Mapped[str] = mapped_column(String(100), default="")
    licence_expiry: Mapped[Optional[dt.date]]
    address: Mapped[str] = mapped_column(Text, default="")
    phones: Mapped[str] = mapped_column(String(200), default="")
    manager_name: Mapped[str] = mapped_column(String(200), default="")
    logo_path: Mapped[Optional[str]] = mapped_column(String(500))


class Setting(Versioned, Base):
    """Clinic-wide settings kept in the database so every PC of the clinic shares them."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class Staff(Versioned, Timestamps, Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    sort_key: Mapped[str] = mapped_column(String(700), index=True)
    national_code: Mapped[Optional[str]] = mapped_column(String(10), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    degree: Mapped[str] = mapped_column(String(20), default="")
    field_of_study: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    active: Mapped[bool] = mapped_column(default=True)
    left_on: Mapped[Optional[dt.date]]
    username: Mapped[Optional[str]] = mapped_column(String(50), unique=True)
    password_hash: Mapped[Optional[str]] = mapped_column(String(200))
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[Optional[dt.datetime]]
    password_changed_at: Mapped[Optional[dt.datetime]]

    trainings: Mapped[list["StaffTraining"]] = relationship(
        back_populates="staff", cascade="all, delete-orphan", order_by="StaffTraining.attended_on"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class StaffTraining(Base):
    """A Behzisti training course a staff member attended (a contract condition, seed 004)."""

    __tablename__ = "staff_training"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    attended_on: Mapped[Optional[dt.date]]
    hours: Mapped[Optional[int]]

    staff: Mapped[Staff] = relationship(back_populates="trainings")
