"""Revision 0016: the child-abuse concerns' own index replaces 0006's (abuse_concern, date).

The promise: the dashboard's abuse sections read the concerns alone, and the revision keeps every
service, upgrades a database holding concerns and downgrades to 0015's shape, on SQLite and on
PostgreSQL."""

from __future__ import annotations

from app.storage.migrate import head_revision, script_directory
from tests.storage.test_name_pieces import _migrate, old_clinic  # noqa: F401


def _indexes(db) -> set[str]:
    from sqlalchemy import inspect

    with db.read_engine.connect() as conn:
        return {i["name"] for i in inspect(conn).get_indexes("service")}


def _services(db) -> list:
    with db.read_engine.connect() as conn:
        return conn.exec_driver_sql("SELECT * FROM service ORDER BY id").all()


def test_0016_is_the_single_head():
    assert head_revision() == "0016"
    assert script_directory().get_heads() == ["0016"]


def test_0016_upgrades_a_database_holding_concerns_and_downgrades(old_clinic):
    db = old_clinic
    _migrate(db, "0015")
    with db.write_engine.begin() as conn:
        conn.exec_driver_sql("UPDATE service SET abuse_concern = 1 WHERE id = (SELECT min(id) FROM service)")
    before = _services(db)
    assert before and "ix_service_abuse" in _indexes(db)
    _migrate(db, "0016")
    assert "ix_service_abuse_only" in _indexes(db) and "ix_service_abuse" not in _indexes(db)
    assert _services(db) == before
    with db.read_engine.connect() as conn:
        plan = " ".join(r[3] for r in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM service WHERE abuse_concern = 1 AND date >= '2026-01-01'"))
        assert "ix_service_abuse_only" in plan
        concerns = conn.exec_driver_sql("SELECT count(*) FROM service WHERE abuse_concern = 1").scalar()
    assert concerns >= 1
    _migrate(db, "0015", down=True)
    assert "ix_service_abuse" in _indexes(db) and "ix_service_abuse_only" not in _indexes(db)
    assert _services(db) == before


def test_0016_on_postgresql_the_concerns_are_read_from_their_own_index(pg):
    """A fresh PostgreSQL database at the head: the partial index is there, and a query for the
    concerns (as the services send it, `= true`) may use it; down to 0015 and up again."""
    from app.storage.migrate import upgrade

    upgrade(pg)
    assert "ix_service_abuse_only" in _indexes(pg)
    with pg.write_engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = " ".join(r[0] for r in conn.exec_driver_sql(
            "EXPLAIN SELECT id FROM service WHERE abuse_concern = true AND date >= '2026-01-01'"))
    assert "ix_service_abuse_only" in plan
    _migrate(pg, "0015", down=True)
    assert "ix_service_abuse" in _indexes(pg) and "ix_service_abuse_only" not in _indexes(pg)
    _migrate(pg, "0016")
    assert "ix_service_abuse_only" in _indexes(pg)
