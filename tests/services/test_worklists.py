import datetime as dt

from app.services import worklists
from app.services.reviews import add_review
from app.services.visits import ServiceInput, add_service
from tests.conftest import TODAY


def visit(on, follow):
    return ServiceInput(minutes=30, kind="care", mode="phone", note="تماس تلفنی", domains=["health"], date=on,
                        next_follow_up=follow)


def test_follow_ups_due_today_and_overdue(ctx, make_case):
    today_case = make_case(first_name="امروز", last_name="الف")
    late_case = make_case(first_name="دیروز", last_name="ب")
    later_case = make_case(first_name="بعدا", last_name="پ")
    add_service(ctx, today_case.id, visit(TODAY - dt.timedelta(days=7), TODAY))
    add_service(ctx, late_case.id, visit(TODAY - dt.timedelta(days=7), TODAY - dt.timedelta(days=1)))
    add_service(ctx, later_case.id, visit(TODAY - dt.timedelta(days=7), TODAY + dt.timedelta(days=3)))
    assert [r.id for r in worklists.follow_ups_due(ctx)] == [today_case.id]
    assert [r.id for r in worklists.follow_ups_overdue(ctx)] == [late_case.id]
    counts = worklists.dashboard_counts(ctx)
    assert (counts.follow_ups_today, counts.follow_ups_overdue) == (1, 1)


def test_reviews_due_and_overdue_follow_the_jalali_half_year(ctx, make_case, worker):
    # Today is 1405/09/02: second half of 1405 began 1405/07/01 (2026-09-23).
    reviewed = make_case(first_name="بررسی", last_name="شده", received_on="1404/05/01")
    add_review(ctx, reviewed.id, social_worker_id=worker.id, findings="خوب", on="1405/08/01")
    last_half = make_case(first_name="نیمه", last_name="اول", received_on="1404/05/01")
    add_review(ctx, last_half.id, social_worker_id=worker.id, findings="خوب", on="1405/03/01")
    never = make_case(first_name="هرگز", last_name="نشده", received_on="1404/05/01")
    new = make_case(first_name="تازه", last_name="رسیده", received_on="1405/08/01")
    due = {r.id for r in worklists.reviews_due(ctx)}
    overdue = {r.id for r in worklists.reviews_overdue(ctx)}
    assert due == {last_half.id, never.id, new.id}
    assert overdue == {never.id}


def test_caseloads_and_contract_loads(ctx, make_case, worker, contract):
    make_case()
    make_case()
    [load] = worklists.caseloads(ctx)
    assert (load.staff_id, load.active_cases, load.limit, load.over_limit) == (worker.id, 2, 200, False)
    [c] = worklists.contract_loads(ctx)
    assert (c.number, c.active_cases, c.capacity) == ("1405-7", 2, 100)
    assert c.days_left == (dt.date(2027, 3, 20) - TODAY).days


def test_abuse_concerns_and_open_problems_listed_priority_first(ctx, make_case):
    from app.services.problems import open_problem
    plain = make_case(first_name="عادی", last_name="الف")
    urgent = make_case(first_name="فوری", last_name="ی", priority=True, priority_reason="خطر")
    for case in (plain, urgent):
        add_service(ctx, case.id, ServiceInput(minutes=30, kind="care", mode="home_visit", note="نگرانی", domains=["abuse_watch"],
                                               date=TODAY, abuse_concern=True, abuse_action="گزارش به ۱۲۳"))
        open_problem(ctx, case.id, "مشکل")
    assert [c.case_id for c in worklists.abuse_concerns(ctx)] == [urgent.id, plain.id]
    assert [p.case_id for p in worklists.open_problems(ctx)] == [urgent.id, plain.id]
    assert worklists.dashboard_counts(ctx).abuse_concerns == 2


def test_the_dashboards_counts_read_indexes_not_every_file_and_service(ctx, make_case):
    """Revision 0006: review counts come off ix_case_review and abuse concerns off
    ix_service_abuse (at 150,000 files the counts took 1.7 s without them)."""
    from sqlalchemy import event
    make_case()
    statements = []
    listener = lambda _c, _cur, statement, params, _ctx, _many: statements.append((statement, params))  # noqa: E731
    event.listen(ctx.db.read_engine, "before_cursor_execute", listener)
    try:
        worklists.dashboard_counts(ctx)
        worklists.abuse_concerns(ctx)
    finally:
        event.remove(ctx.db.read_engine, "before_cursor_execute", listener)
    plans = []
    with ctx.db.read_engine.connect() as conn:
        for statement, params in statements:
            if statement.lstrip().upper().startswith("SELECT"):
                plans.append(" / ".join(row[3] for row in conn.exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + statement, params)))
    assert any("ix_service_abuse" in plan for plan in plans)
    assert sum("ix_case_review" in plan for plan in plans) >= 2  # reviews due and overdue
    assert not any("SCAN service" in plan for plan in plans)
