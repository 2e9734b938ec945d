"""Plain objects the services hand out; nothing here is bound to a database session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True)
class ClinicView:
    id: int
    name: str
    licence_number: str
    licence_province: str
    licence_expiry: Optional[dt.date]
    address: str
    phones: str
    manager_name: str
    logo_path: Optional[str]
    version: int = 0  # the record's version when read; a save names it back


@dataclass(frozen=True)
class StaffView:
    id: int
    first_name: str
    last_name: str
    full_name: str
    national_code: Optional[str]
    role: str
    role_label: str
    degree: str
    field_of_study: str
    phone: str
    active: bool
    username: Optional[str]
    trainings: tuple[tuple[str, Optional[dt.date], Optional[int]], ...] = ()
    version: int = 0  # the record's version when read; a save names it back


@dataclass(frozen=True)
class ContractView:
    id: int
    office_name: str
    programme: str
    number: str
    start_date: dt.date
    end_date: dt.date
    fee_per_case_month_rials: int
    capacity: int
    supervisor_name: str
    supervisor_contact: str
    notes: str
    active_cases: int = 0
    cheque_return_days: int = 30
    version: int = 0  # the record's version when read; a save names it back


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list."""

    id: int
    behzisti_file_number: str
    clinic_file_number: str
    first_name: str
    last_name: str
    full_name: str
    father_name: str
    national_code: Optional[str]
    status: str
    status_label: str
    living_arrangement_label: str
    priority: bool
    social_worker_name: str
    received_on: dt.date
    last_service_on: Optional[dt.date]
    next_follow_up: Optional[dt.date]
    last_review_on: Optional[dt.date]
    birth_date: Optional[dt.date] = None
    age_years: Optional[int] = None  # whole years on the clinic's today (None: birth date unknown)


@dataclass(frozen=True)
class FamilyMemberView:
    id: int
    name: str
    relation: str
    relation_label: str
    birth_year: Optional[int]
    occupation: str
    phone: str
    lives_with_child: bool
    version: int = 0  # the record's version when read; a save names it back


@dataclass(frozen=True)
class CaseDetail:
    id: int
    behzisti_file_number: str
    clinic_file_number: str
    first_name: str
    last_name: str
    father_name: str
    national_code: Optional[str]
    sex: str
    birth_date: Optional[dt.date]
    living_arrangement: str
    discharge_date: Optional[dt.date]
    received_on: dt.date
    early_transfer_reason: str
    contract_id: Optional[int]
    contract_number: str
    priority: bool
    priority_reason: str
    status: str
    status_on: Optional[dt.date]
    status_reason: str
    social_worker_id: Optional[int]
    social_worker_name: str
    psychologist_id: Optional[int]
    psychologist_name: str
    behzisti_summary: str
    address: str
    phones: str
    next_follow_up: Optional[dt.date]
    last_review_on: Optional[dt.date]
    family: tuple[FamilyMemberView, ...] = ()
    warnings: tuple[str, ...] = ()
    version: int = 0  # the record's version when read; a save names it back
    amend_reason: str = ""  # always empty when read: asked afresh when a change falls in a signed month

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class ServiceView:
    id: int
    case_id: int
    date: dt.date
    kind: str
    kind_label: str
    domains: tuple[str, ...]
    mode: str
    mode_label: str
    staff_id: int
    staff_name: str
    minutes: int
    note: str
    abuse_concern: bool
    abuse_action: str
    next_follow_up: Optional[dt.date]
    problem_id: Optional[int]
    amended_reason: str
    note_hidden: bool = False
    version: int = 0  # the record's version when read; a save names it back


@dataclass(frozen=True)
class ProblemStepView:
    stage: str
    stage_label: str
    date: dt.date
    note: str
    note_hidden: bool = False  # a psychologist's step, for someone who may not read it
    staff_name: str = ""       # who wrote it (whom to ask when the note is hidden)


@dataclass(frozen=True)
class ProblemView:
    id: int
    case_id: int
    title: str
    description: str
    stage: str
    stage_label: str
    opened_on: dt.date
    resolved_on: Optional[dt.date]
    resolution_note: str
    steps: tuple[ProblemStepView, ...] = ()
    service_ids: tuple[int, ...] = ()
    version: int = 0  # the record's version when read; a save names it back
    # A psychologist's problem, for someone who may not read it: title and description are empty,
    # and it can be neither advanced nor changed by them.
    hidden: bool = False
    staff_name: str = ""  # who opened it


@dataclass(frozen=True)
class ReviewView:
    id: int
    case_id: int
    date: dt.date
    reviewer_name: str
    social_worker_id: int
    social_worker_name: str
    findings: str
    decisions: str
    version: int = 0  # the record's version when read; a save names it back


@dataclass(frozen=True)
class ReferralView:
    id: int
    case_id: int
    date: dt.date
    to_body: str
    reason: str
    outcome: str
    outcome_on: Optional[dt.date]
    version: int = 0  # the record's version when read; a save names it back
    # A psychologist's referral, for someone who may not read it: body, reason and outcome are empty,
    # and its outcome cannot be recorded by them.
    hidden: bool = False
    outcome_hidden: bool = False  # the outcome a psychologist wrote
    staff_name: str = ""  # who made it


@dataclass(frozen=True)
class AttachmentView:
    id: int
    case_id: int
    original_name: str
    sha256: str
    size: int
    mime: str
    description: str
    added_at: dt.datetime
    path: str = ""


@dataclass(frozen=True)
class SaveResult:
    """What a save returns: the record's id and any warnings the user should see."""

    id: int
    warnings: tuple[str, ...] = field(default_factory=tuple)
    version: int = 0
