"""Shared fixtures: a fresh SQLite data folder per test, made from a migrated template."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from app.services.accounts import StaffInput, add_staff
from app.services.cases import CaseInput, create_case
from app.services.clinic import ClinicInput, set_up_clinic
from app.services.context import Actor, ServiceContext
from app.services.contracts import ContractInput, create_contract
from app.storage.database import DB_FILENAME, Database, sqlite_url
from app.storage.migrate import upgrade

# 1405/09/02 at 10:00 UTC (13:30 in Tehran).
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone.utc)
TODAY = dt.date(2026, 11, 23)
PASSWORD = "secret-pass-1"


def pytest_configure(config):
    _own_postgresql_database_per_worker()


def pytest_collection_modifyitems(config, items):
    from tests.date_sensitive import MODULES
    root = Path(str(config.rootpath))
    for item in items:
        if Path(str(item.path)).relative_to(root).as_posix() in MODULES:
            item.add_marker(pytest.mark.date_sensitive)


def _own_postgresql_database_per_worker() -> None:
    """Under pytest-xdist (.ci/run runs `-n 2`) each worker gets a database of its own on the test server:
    the PostgreSQL tests drop and re-create the schema, so two workers sharing one would wipe each other's
    tables mid-test. The test modules read PARVANDEH_TEST_PG_URL when imported, after this hook."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("PARVANDEH_TEST_PG_URL")
    if not worker or not url:
        return
    from urllib.parse import urlsplit, urlunsplit

    from sqlalchemy import create_engine, text
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_{worker}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    os.environ["PARVANDEH_TEST_PG_URL"] = urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(autouse=True, scope="session")
def clock_moved_ahead():
    """PARVANDEH_CLOCK_AHEAD_DAYS=N runs the session with Python's clock N days ahead (.ci/run does, for the
    Qt tests: libfaketime, used for the rest, hangs Qt's and Python's timed waits)."""
    days = int(os.environ.get("PARVANDEH_CLOCK_AHEAD_DAYS") or 0)
    if not days:
        yield
        return
    import time_machine
    with time_machine.travel(dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days), tick=True):
        yield


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing():
    """Real argon2id, with tiny costs so hundreds of tests do not spend minutes hashing."""
    from argon2 import PasswordHasher

    from app.services import accounts
    real = accounts._hasher
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    yield
    accounts._hasher = real


def pg_url() -> str:
    """The PostgreSQL test server's URL (read when asked: under xdist each worker has its own
    database); without one the test is skipped, and fails in CI, which must provide it."""
    url = os.environ.get("PARVANDEH_TEST_PG_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must provide PostgreSQL (PARVANDEH_TEST_PG_URL); .ci/run starts it")
        pytest.skip("PARVANDEH_TEST_PG_URL is not set; .ci/run starts PostgreSQL and sets it")
    return url


def empty_pg() -> Database:
    """The test server's database with nothing in it: its public schema dropped and made again."""
    from sqlalchemy import text
    db = Database(pg_url())
    with db.write_engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    return db


@pytest.fixture
def pg():
    """An empty PostgreSQL database (no tables yet), closed after the test."""
    db = empty_pg()
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("template")
    db = Database(sqlite_url(folder / DB_FILENAME))
    upgrade(db)
    db.dispose()
    return folder / DB_FILENAME


@pytest.fixture
def data_dir(tmp_path, template_db) -> Path:
    folder = tmp_path / "data"
    (folder / "attachments").mkdir(parents=True)
    (folder / "backups").mkdir()
    shutil.copyfile(template_db, folder / DB_FILENAME)
    return folder


@pytest.fixture
def db(data_dir):
    database = Database(sqlite_url(data_dir / DB_FILENAME))
    yield database
    database.dispose()


@pytest.fixture
def manager(db) -> Actor:
    return set_up_clinic(db, ClinicInput(name="کلینیک آزمون", licence_number="۱۲۳/۴", manager_name="مدیر آزمون"),
                         StaffInput(first_name="مینا", last_name="مدیری", role="manager", username="boss",
                                    password=PASSWORD), now=NOW)


@pytest.fixture
def ctx(db, manager, data_dir) -> ServiceContext:
    return ServiceContext(db, manager, data_dir=data_dir, clock=lambda: NOW)


def as_actor(ctx: ServiceContext, staff_id: int, role) -> ServiceContext:
    from app.domain.enums import Role
    role = Role(role)
    return ctx.acting_as(signed_in(staff_id, "کاربر آزمون", role))


def signed_in(staff_id: int, name: str, role) -> Actor:
    """Stands in for a sign-in: services refuse an Actor built by hand."""
    from app.domain.enums import Role
    from app.services.context import _issue
    return _issue(staff_id, name, Role(role))


@pytest.fixture
def make_staff(ctx):
    counter = {"n": 0}

    def make(role: str = "social_worker", first: str = "سارا", last: str = "کارگر", username=None):
        counter["n"] += 1
        return add_staff(ctx, StaffInput(first_name=first, last_name=f"{last}{counter['n']}" if username is None
                                         and counter["n"] > 1 else last, role=role,
                                         username=username, password=PASSWORD if username else None))
    return make


@pytest.fixture
def worker(make_staff):
    return make_staff("social_worker", "سارا", "کارگر", username="worker")


@pytest.fixture
def contract(ctx):
    return create_contract(ctx, ContractInput(
        office_name="اداره بهزیستی شهرستان ری", number="1405-7", start_date="1405/01/01", end_date="1405/12/29",
        fee_per_case_month_rials=1_200_000, capacity=100))


@pytest.fixture
def make_case(ctx, worker, contract):
    counter = {"n": 0}

    def make(**overrides):
        counter["n"] += 1
        values = dict(behzisti_file_number=f"B{counter['n']:05d}", first_name="علی", last_name="احمدی",
                      sex="male", living_arrangement="own_family", received_on=dt.date(2026, 1, 10),
                      discharge_date=dt.date(2024, 5, 1), social_worker_id=worker.id, contract_id=contract.id)
        values.update(overrides)
        return create_case(ctx, CaseInput(**values))
    return make
