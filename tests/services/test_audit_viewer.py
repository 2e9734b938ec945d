import pytest

from app.errors import PermissionDenied
from app.services.audit import AuditQuery, check_chain, count_audit, list_audit
from app.services.cases import open_case
from tests.conftest import TODAY, as_actor


def test_manager_filters_the_trail(ctx, make_case, worker):
    case = make_case(behzisti_file_number="۷۷-۱")
    open_case(ctx, case.id)
    rows = list_audit(ctx, AuditQuery(file_number="77-1"))
    assert [r.action for r in rows] == ["open", "create"]
    assert rows[0].action_label == "باز کردن" and rows[0].entity_label == "پرونده" and rows[0].file_number == "77-1"
    assert count_audit(ctx, AuditQuery(action="open")) == 1
    assert count_audit(ctx, AuditQuery(entity="staff")) >= 2
    assert count_audit(ctx, AuditQuery(since=TODAY, until=TODAY)) == count_audit(ctx, AuditQuery())
    assert count_audit(ctx, AuditQuery(until=TODAY.replace(year=2020))) == 0
    assert check_chain(ctx).ok


def test_only_the_manager_reads_the_trail(ctx, worker):
    with pytest.raises(PermissionDenied):
        list_audit(as_actor(ctx, worker.id, "social_worker"), AuditQuery())
