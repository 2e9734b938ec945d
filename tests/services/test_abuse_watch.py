"""A child-abuse concern stays before the manager until marked seen, with a note, audited."""

import pytest

from app.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.services.abuse_watch import acknowledge_abuse_concern, unseen_abuse_concerns
from app.services.visits import ServiceInput, add_service, delete_service
from tests.conftest import as_actor


@pytest.fixture
def concern(ctx, make_case):
    case = make_case()
    result = add_service(ctx, case.id, ServiceInput(
        kind="care", mode="home_visit", note="کبودی روی دست", domains=("abuse_watch",), minutes=40,
        abuse_concern=True, abuse_action="به اورژانس اجتماعی خبر داده شد",
        date="1404/11/01"))  # ten months before the tests' today
    return result.id


def test_an_old_concern_stays_until_the_manager_marks_it_seen_with_a_note(ctx, concern):
    # raised long before the dashboard's 90 days, it is still there
    assert [c.service_id for c in unseen_abuse_concerns(ctx)] == [concern]
    with pytest.raises(ValidationError) as empty:
        acknowledge_abuse_concern(ctx, concern, "   ")
    assert empty.value.field == "note"
    assert unseen_abuse_concerns(ctx) != []  # nothing half-saved

    acknowledge_abuse_concern(ctx, concern, "با مددکار صحبت شد؛ پیگیری هفتگی")

    assert unseen_abuse_concerns(ctx) == []
    with ctx.db.read() as session:
        from sqlalchemy import select
        from app.models import AuditEntry
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).first()
        assert (last.action, last.entity, last.entity_id) == ("abuse_seen", "service", concern)
        assert "پیگیری هفتگی" in last.changes
    with pytest.raises(Conflict):
        acknowledge_abuse_concern(ctx, concern, "دوباره")


def test_only_the_manager_marks_a_concern_seen(ctx, worker, concern):
    worker_ctx = as_actor(ctx, worker.id, "social_worker")
    with pytest.raises(PermissionDenied):
        acknowledge_abuse_concern(worker_ctx, concern, "دیدم")
    assert unseen_abuse_concerns(worker_ctx) == []  # the list is the manager's
    assert [c.service_id for c in unseen_abuse_concerns(ctx)] == [concern]


def test_a_service_without_a_concern_cannot_be_marked(ctx, make_case):
    case = make_case()
    plain = add_service(ctx, case.id, ServiceInput(kind="counselling", mode="phone", note="تماس", minutes=10))
    with pytest.raises(NotFound):
        acknowledge_abuse_concern(ctx, plain.id, "دیدم")


def test_deleting_the_note_takes_its_mark_along(ctx, concern):
    acknowledge_abuse_concern(ctx, concern, "دیده شد")
    delete_service(ctx, concern)
    from app.models import AbuseAcknowledgement
    with ctx.db.read() as session:
        assert session.get(AbuseAcknowledgement, concern) is None


# The 150,000-file demo clinic's statistics (sqlite_stat1 as ANALYZE wrote them): a yes/no column
# looks like "half the services are concerns" (13,821 of 3,513,263 are).
_LARGE_CLINIC_STATS = [
    ("service", "ix_service_staff_date", "3513263 4213 12"), ("service", "ix_service_problem_id", "3513263 3513263"),
    ("service", "ix_service_date", "3513263 9600 1"), ("service", "ix_service_case_date", "3513263 24 1"),
    ("service", "ix_service_abuse_only", "13821 38"),
    ("case_file", "ix_case_review", "150000 50000 137 3"), ("case_file", "ix_case_contract_status", "150000 15000 5000"),
    ("case_file", "ix_case_worker_order", "150000 180 60 39 3 1 1"),
    ("case_file", "ix_case_order", "150000 50000 25000 500 13 1"), ("case_file", "ix_case_follow_up", "150000 50000 169"),
]


def test_with_a_large_clinics_statistics_the_abuse_sections_read_only_the_concerns(ctx, concern):
    """The dashboard's three abuse sections (the count, the last 90 days, those not yet seen) read
    the concerns' own index (revision 0016), not every service of every file: at 150,000 files
    that was ~5 s of CPU each time the dashboard filled. Checked on SQLite's plan for the very
    statements the services send, with a large clinic's statistics in place."""
    from sqlalchemy import event

    from app.services.worklists import abuse_concerns, dashboard_counts

    if ctx.db.dialect != "sqlite":
        pytest.skip("SQLite's planner")  # PostgreSQL keeps its own statistics of the flag's values
    with ctx.db.write_engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE tbl IN ('service', 'case_file')")
        for row in _LARGE_CLINIC_STATS:
            conn.exec_driver_sql("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", row)
    ctx.db.read_engine.dispose()  # new connections read the statistics afresh
    sent = []

    def keep(_conn, _cursor, statement, params, _context, _many):
        if "abuse_concern" in statement:
            sent.append((statement, params))
    event.listen(ctx.db.read_engine, "before_cursor_execute", keep)
    try:
        assert dashboard_counts(ctx).abuse_concerns == 0  # ten months old: not in the last 90 days
        abuse_concerns(ctx)
        assert [c.service_id for c in unseen_abuse_concerns(ctx)] == [concern]
    finally:
        event.remove(ctx.db.read_engine, "before_cursor_execute", keep)
    assert len(sent) == 3
    with ctx.db.read_engine.connect() as conn:
        for statement, params in sent:
            plan = " | ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params))
            assert "ix_service_abuse_only" in plan and "SCAN case_file" not in plan, plan
