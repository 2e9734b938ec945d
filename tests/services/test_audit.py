from sqlalchemy import update

from app.models import AuditEntry
from app.services.audit import verify_chain
from app.services.cases import open_case


def test_chain_verifies_and_names_the_first_altered_entry(ctx, make_case, db):
    case = make_case()
    open_case(ctx, case.id)
    open_case(ctx, case.id)
    with db.read() as s:
        report = verify_chain(s)
    assert report.ok and report.entries >= 5
    with db.transaction() as s:
        s.execute(update(AuditEntry).where(AuditEntry.id == 3).values(actor_name="کسی دیگر"))
    with db.read() as s:
        report = verify_chain(s)
    assert not report.ok and report.first_broken_id == 3


def test_deleting_an_entry_breaks_the_chain_at_the_next(ctx, make_case, db):
    case = make_case()
    open_case(ctx, case.id)
    with db.transaction() as s:
        s.query(AuditEntry).filter(AuditEntry.id == 2).delete()
    with db.read() as s:
        report = verify_chain(s)
    assert report.first_broken_id == 3
