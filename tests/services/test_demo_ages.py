"""Demo data whose family ages make sense: no mother born nine years before her child."""

import datetime as dt

from sqlalchemy import select

from app.models import CaseFile, FamilyMember
from app.persian import to_jalali
from app.services.demo import build_demo

TODAY = dt.date(2026, 11, 23)


def test_parents_are_adults_at_the_birth_and_siblings_are_near_the_childs_age(db):
    build_demo(db, 120, seed=5, today=TODAY, password="parvandeh-demo")
    with db.read() as session:
        rows = session.execute(select(CaseFile.birth_date, CaseFile.father_name, FamilyMember.relation,
                                      FamilyMember.birth_year, FamilyMember.name)
                               .join(FamilyMember, FamilyMember.case_id == CaseFile.id)).all()
    assert len(rows) > 120
    seen = set()
    for born, father, relation, year, name in rows:
        child_year = to_jalali(born)[0]
        seen.add(relation)
        if relation == "mother":
            assert 18 <= child_year - year <= 45, (relation, year, child_year)
        elif relation == "father":
            assert 18 <= child_year - year <= 50, (relation, year, child_year)
            assert name.startswith(father)  # the father on the family list is the one on the file
        elif relation == "sibling":
            assert abs(child_year - year) <= 10 and year <= to_jalali(TODAY)[0]
    assert {"mother", "father", "sibling"} <= seen
