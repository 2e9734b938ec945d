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
