"""The short lists behind choice boxes, and reading an open file again without auditing it."""

from app.domain.enums import Role
from app.services.audit import count_entries
from app.services.cases import case_detail, open_case
from app.services.choices import contract_choices, staff_choices


def test_staff_choices_are_names_by_role(ctx, make_staff, worker):
    psychologist = make_staff("psychologist", "نیلوفر", "روان")
    assert staff_choices(ctx, (Role.PSYCHOLOGIST,)) == [(psychologist.id, psychologist.full_name)]
    everyone = dict(staff_choices(ctx))
    assert worker.id in everyone and psychologist.id in everyone
    assert (worker.id, worker.full_name) in staff_choices(ctx, (Role.SOCIAL_WORKER, Role.MANAGER))


def test_contract_choices_give_number_and_office(ctx, contract):
    assert contract_choices(ctx) == [(contract.id, "1405-7", "اداره بهزیستی شهرستان ری")]


def test_case_detail_reads_without_recording_an_opening(ctx, db, make_case):
    case_id = make_case().id
    opened = open_case(ctx, case_id)
    with db.read() as session:
        before = count_entries(session)
    again = case_detail(ctx, case_id)
    with db.read() as session:
        assert count_entries(session) == before
    assert again == opened
