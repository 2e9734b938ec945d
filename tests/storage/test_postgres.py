"""The same services on PostgreSQL: nothing in them may be SQLite-only."""

import datetime as dt

from app.services.accounts import StaffInput, add_staff
from app.services.audit import verify_chain
from app.services.caselist import CaseQuery, list_cases
from app.services.cases import CaseInput, create_case
from app.services.clinic import ClinicInput, set_up_clinic
from app.services.context import ServiceContext
from app.services.visits import ServiceInput, add_service
from app.services.worklists import dashboard_counts
from app.storage.migrate import current_revision, head_revision, upgrade
from tests.conftest import NOW

def test_services_work_the_same_on_postgresql(pg):
    upgrade(pg)
    assert current_revision(pg) == head_revision()
    manager = set_up_clinic(pg, ClinicInput("کلینیک", "1", "مدیر"),
                            StaffInput("مینا", "مدیری", "manager", username="boss", password="password-1"), now=NOW)
    ctx = ServiceContext(pg, manager, clock=lambda: NOW)
    worker = add_staff(ctx, StaffInput("سارا", "کارگر", "social_worker"))
    ids = {}
    for i, (first, last) in enumerate([("علیرضا", "یوسفی"), ("زهرا", "آقایی"), ("محمد", "علی‌پور")]):
        ids[last] = create_case(ctx, CaseInput(
            behzisti_file_number=f"9{i}", first_name=first, last_name=last, sex="male",
            living_arrangement="own_family", received_on=dt.date(2026, 1, 1), social_worker_id=worker.id)).id
    rows = list_cases(ctx, CaseQuery(), 0, 10)
    assert [r.last_name for r in rows] == ["آقایی", "علی‌پور", "یوسفی"]
    assert [r.last_name for r in list_cases(ctx, CaseQuery(text="علي"), 0, 10)] == ["علی‌پور", "یوسفی"]
    assert [r.behzisti_file_number for r in list_cases(ctx, CaseQuery(text="۹۱"), 0, 10)] == ["91"]
    add_service(ctx, ids["یوسفی"], ServiceInput(minutes=30, kind="care", mode="phone", note="تماس", domains=["health"],
                                                date=dt.date(2026, 11, 20), next_follow_up=dt.date(2026, 11, 23)))
    assert dashboard_counts(ctx).follow_ups_today == 1
    with pg.read() as s:
        assert verify_chain(s).ok


def _server_pids(db) -> set[int]:
    with db.read_connection() as conn:
        return {conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()}


def _end_every_connection(db) -> None:
    """What a server restart, or a dropped network between the PCs, does to the pooled connections."""
    import psycopg

    url = db.url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = current_database() AND pid <> pg_backend_pid()")


def test_a_connection_that_lay_idle_is_pinged_and_replaced_when_the_server_dropped_it(pg, monkeypatch):
    """The case list's count and page take a connection one after the other: the second is used
    without a ping (a round trip each). One that lay idle longer than PING_AFTER_IDLE_S is
    pinged first, and one the server dropped meanwhile is replaced, unseen by the person."""
    from app.storage import database

    first = _server_pids(pg)
    pings = []
    real_ping = pg.write_engine.dialect.do_ping
    monkeypatch.setattr(pg.write_engine.dialect, "do_ping", lambda c: pings.append(1) or real_ping(c))
    assert _server_pids(pg) == first and pings == []  # handed back a moment ago: no ping

    _end_every_connection(pg)
    monkeypatch.setattr(database, "PING_AFTER_IDLE_S", 0.0)  # as if it had lain idle a while
    again = _server_pids(pg)
    assert pings and again != first  # pinged, found dead, replaced
    with pg.read_connection() as conn:
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1


def test_reads_on_the_server_send_no_begin_or_rollback(pg):
    """read_connection on PostgreSQL: the SELECTs alone (READ COMMITTED gives each its own
    snapshot anyway); writes keep their transaction. Inside a transaction now() is the
    transaction's start, earlier than a later statement's own start."""
    import time

    def second_statement_in_its_own_transaction(conn) -> bool:
        conn.exec_driver_sql("SELECT 1")
        time.sleep(0.002)
        return conn.exec_driver_sql("SELECT now() = statement_timestamp()").scalar()

    with pg.read_connection() as conn:
        assert second_statement_in_its_own_transaction(conn)
    with pg.write_engine.begin() as conn:
        assert not second_statement_in_its_own_transaction(conn)
