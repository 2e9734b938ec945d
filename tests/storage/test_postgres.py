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
