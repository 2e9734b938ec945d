"""Two small generated clinics with their own databases and signed reports, and a fresh office.

Clocks are fixed: the clinics sign at NOW (1405/09/02); the office receives on RECEIVED_ON."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models import Clinic
from app.domain.enums import Role
from app.office.registry import OfficeContext, set_up_office, sign_in, signed_in_context
from app.office.storage import open_office, write_marker
from app.printing.signing import certificate_der
from app.services.accounts import list_staff
from app.services.context import Actor, ServiceContext
from app.services.contracts import list_contracts
from app.services.demo import build_demo
from app.services.reports import unlocked_key, create_signing_key, generate_monthly
from app.storage.database import DB_FILENAME, Database, sqlite_url
from tests.conftest import signed_in, NOW, TODAY

CLINIC_PASSWORD = "clinic-pass-1"
OFFICE_PASSWORD = "office-pass-1"
# 1405/09/04 13:30 Tehran: both months (1405/07, 1405/08) have ended and neither report is late.
RECEIVED_AT = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.timezone.utc)
MONTHS = ((1405, 7), (1405, 8))


@dataclass
class DemoClinic:
    folder: Path
    db: Database
    ctx: ServiceContext
    licence: str
    name: str
    contract_id: int
    contract_number: str
    certificate: Path  # clinic.cer, DER
    reports: dict  # (year, month) -> signed PDF bytes

    def key_blob(self) -> bytes:
        return unlocked_key(self.ctx, CLINIC_PASSWORD)


def make_clinic(root: Path, template_db: Path, *, seed: int, name: str, licence: str, cases: int = 30) -> DemoClinic:
    folder = root / f"clinic-{seed}"
    (folder / "attachments").mkdir(parents=True)
    (folder / "backups").mkdir()
    shutil.copyfile(template_db, folder / DB_FILENAME)
    db = Database(sqlite_url(folder / DB_FILENAME))
    build_demo(db, cases, seed=seed, today=TODAY, password=CLINIC_PASSWORD)
    with db.transaction() as session:
        clinic = session.scalar(select(Clinic))
        clinic.name, clinic.licence_number = name, licence
    from app.models import Staff
    with db.read() as session:
        manager = session.scalars(select(Staff).where(Staff.role == Role.MANAGER).order_by(Staff.id)).first()
        manager_id, manager_name = manager.id, manager.full_name
    ctx = ServiceContext(db, signed_in(manager_id, manager_name, Role.MANAGER), data_dir=folder, clock=lambda: NOW)
    create_signing_key(ctx, CLINIC_PASSWORD)  # again, at the fixed time, in the clinic's new name
    contract = list_contracts(ctx)[0]
    der = certificate_der(unlocked_key(ctx, CLINIC_PASSWORD), CLINIC_PASSWORD)
    cer = folder / "clinic.cer"
    cer.write_bytes(der)
    reports = {(y, m): generate_monthly(ctx, contract.id, y, m, sign_password=CLINIC_PASSWORD).pdf for y, m in MONTHS}
    return DemoClinic(folder, db, ctx, licence, name, contract.id, contract.number, cer, reports)


@pytest.fixture(scope="session")
def clinics(tmp_path_factory, template_db):
    root = tmp_path_factory.mktemp("clinics")
    made = [make_clinic(root, template_db, seed=11, name="کلینیک مددکاری امید", licence="1001", cases=30),
            make_clinic(root, template_db, seed=12, name="کلینیک مددکاری مهر", licence="1002", cases=24)]
    yield made
    for clinic in made:
        clinic.db.dispose()


@pytest.fixture
def office_dir(tmp_path) -> Path:
    return tmp_path / "office"


@pytest.fixture
def office(office_dir):
    db = open_office(office_dir, create=True)
    set_up_office(db, "اداره بهزیستی شهرستان ری", "desk", OFFICE_PASSWORD, now=NOW)
    write_marker(office_dir, "اداره بهزیستی شهرستان ری")
    ctx = signed_in_context(db, office_dir, sign_in(db, "desk", OFFICE_PASSWORD, now=NOW), clock=lambda: RECEIVED_AT)
    yield ctx
    db.dispose()


def at(ctx: OfficeContext, moment: dt.datetime) -> OfficeContext:
    return dataclasses.replace(ctx, clock=lambda: moment)


def register(ctx: OfficeContext, clinic: DemoClinic, *, county: str = "ری", capacity: int = 200,
             fee: int = 1_200_000):
    from app.office.registry import ContractTerms, add_clinic
    return add_clinic(ctx, clinic.certificate.read_bytes(), clinic.licence, name=clinic.name, county=county,
                      contracts=(ContractTerms(clinic.contract_number, capacity, fee, "1405/01/01", "1405/12/29"),))


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path
