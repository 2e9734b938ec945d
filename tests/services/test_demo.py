import datetime as dt

from sqlalchemy import func, select

from app.models import CaseFile, Review, Service, Staff
from app.services.accounts import sign_in
from app.services.demo import build_demo


def snapshot(db):
    with db.read() as s:
        return (s.execute(select(CaseFile.first_name, CaseFile.last_name, CaseFile.national_code)
                          .order_by(CaseFile.id)).all(),
                s.scalar(select(func.count()).select_from(Service)),
                s.scalar(select(func.sum(Service.minutes))))


def test_same_seed_same_data_and_sign_in_works(db, tmp_path):
    from app.storage.datadir import open_database
    result = build_demo(db, 40, seed=3, today=dt.date(2026, 11, 23), password="demo-pass-1")
    other = open_database(tmp_path / "other")
    try:
        build_demo(other, 40, seed=3, today=dt.date(2026, 11, 23), password="demo-pass-1")
        assert snapshot(db) == snapshot(other)
    finally:
        other.dispose()
    assert result.cases == 40 and result.services > 40 * 3
    assert sign_in(db, result.manager_username, "demo-pass-1").is_manager
    with db.read() as s:
        codes = s.scalars(select(CaseFile.national_code)).all()
        assert len(set(codes)) == 40
        assert s.scalar(select(func.count()).select_from(Review)) > 0
        assert s.scalar(select(func.count()).select_from(Staff)) >= 4
