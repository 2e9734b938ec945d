"""Bad input never crashes a service and never half-saves.

Every entry point that takes what a user typed is fed random Persian, Latin, emoji, huge text,
NUL characters, SQL-looking strings, numbers out of range and impossible dates. Properties:
- the only exceptions that come out are DomainError subclasses (a message for the user);
- after a rejected call the database is exactly as before (every table, the audit trail too);
- what a call did store would also fit PostgreSQL (lengths of VARCHAR columns, integer ranges,
  no NUL), checked at flush time, so a test on SQLite still catches what only PostgreSQL refuses.

Each test gets one fresh database from the fixtures and checks it before and after each example;
a fresh database per example would make these tests take minutes.
"""

from __future__ import annotations

import datetime as dt
import operator
import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st
from sqlalchemy import BigInteger, Integer, String, event, select, text
from sqlalchemy.orm import Session

from app.errors import AuthError, DomainError
from app.models import AuditEntry, Base
from app.domain.enums import (
    CareDomain, CaseStatus, LivingArrangement, ProblemStage, Relation, Role, ServiceKind, ServiceMode, Sex,
)
from app.services.accounts import StaffInput, add_staff, change_password, set_staff_trainings, sign_in
from app.services.caselist import CaseQuery, count_cases, list_cases
from app.services.cases import CaseInput, FamilyInput, change_status, create_case, update_case
from app.services.clinic import ClinicInput, update_clinic
from app.services.contracts import ContractInput, create_contract, update_contract
from app.services.problems import advance_problem, open_problem
from app.services.referrals import add_referral, record_outcome
from app.services.reviews import add_review
from app.services.visits import ServiceInput, add_service, update_service
from tests.conftest import PASSWORD, as_actor

# PARVANDEH_BAD_INPUT_EXAMPLES=2000 for a long hunt; the default keeps the file quick.
EXAMPLES = int(os.environ.get("PARVANDEH_BAD_INPUT_EXAMPLES", "100"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# ---------------------------------------------------------------- hostile values

PERSIAN = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیآأإئؤءۀةيكىـ\u200c\u064b\u064e\u0651۰۱۲۳۴۵۶۷۸۹٠١٢٣"
TRICKY = [
    "", " ", " \t\n\r ", "\x00", "a\x00b", "\x07\x1b[31m", "\u200c", "\u200f\u202e", "\ufeff", "\ud800",
    "'; DROP TABLE case_file; --", "\"; DELETE FROM staff; --", "' OR '1'='1", "%", "_", "\\", "%_\\%",
    "NULL", "None", "🙂👨‍👩‍👧", "ﷺ", "ﻻ", "<script>", "../../etc/passwd", "١٢٣٤", "\r\n\r\n",
]
# Text of every length a limit could sit at, made of characters that grow under normalisation too.
LONG = st.builds(operator.mul, st.sampled_from(["ا", "a", "🙂", "ﷺ", "ﻻ", "\x00", " ", "علی ", "9", "\u200c"]),
                 st.sampled_from([49, 50, 51, 99, 100, 101, 199, 200, 201, 299, 300, 301, 999, 1000, 1001,
                                  1999, 2000, 2001, 4999, 5000, 5001, 10_001, 20_000, 20_001]))
TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=PERSIAN + " ", max_size=30),
    st.sampled_from(TRICKY),
    st.builds(operator.add, st.sampled_from(TRICKY), st.text(alphabet=PERSIAN, min_size=1, max_size=8)),
    LONG,
)
JUNK = st.sampled_from([None, 0, -1, 1.5, float("nan"), float("inf"), True, False, b"\x00bytes", [], {}, ("x",)])
NUMBER = st.one_of(
    st.integers(),
    st.sampled_from([-1, 0, 1, 2**31, 2**63, -2**63 - 1, 10**30, -10**30, 10**400]),
    st.floats(),
    st.booleans(),
    st.decimals(allow_nan=False),
    st.text(alphabet="0123456789۰۱۲۳٤-+.,_e٬ ", max_size=14),
    st.sampled_from(["9" * 5000, "1e5", "۱۲۰", "12\x00", "0x10"]),
)
DATE = st.one_of(
    st.none(),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.just(dt.timezone.utc)),
    st.sampled_from([dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(1921, 3, 20), dt.date(2121, 3, 21)]),
    st.sampled_from(["1405/13/01", "1405/12/31", "1404/12/30", "1403/12/30", "1405/07/31", "1405/02/32",
                     "0000/00/00", "1/1/1", "9999/99/99", "1299/12/29", "1501/01/01", "۱۴۰۵/۰۹/۰۱",
                     "١٤٠٥-٠٩-٠١", "2026-11-23", "14050901", "1405/9", "99999999", "1405/09/01\x00",
                     "امروز", "", " ", "1405 / 09 / 01", "1405/00/10", "1405/09/00", "٫٫"]),
    st.text(alphabet="0123456789/-.۱۴۰", max_size=12),
    JUNK,
)
ID = st.one_of(st.integers(-3, 3), st.sampled_from([10**30, -10**30, 2**63, 2**63 - 1, 2**31, True, False,
                                                   1.0, "1", "", "abc", None, b"1", [1]]))


def ids(valid: int) -> st.SearchStrategy:
    return st.one_of(st.just(valid), ID)


def choice_of(enum) -> st.SearchStrategy:
    return st.one_of(st.sampled_from([m.value for m in enum]), TEXT, JUNK)


TEXTISH = st.one_of(TEXT, JUNK)
TYPABLE = st.characters(blacklist_categories=("Cc", "Cs"))
IDENT = st.one_of(TEXT, NUMBER, JUNK)
FLAG = st.one_of(st.booleans(), JUNK, TEXT)


def overrides(**fields: st.SearchStrategy) -> st.SearchStrategy[dict]:
    """Up to three fields made hostile; the rest keep a valid value, so the checks behind the
    first field, and the saving itself, are reached too."""
    chosen = st.lists(st.sampled_from(sorted(fields)), max_size=3, unique=True)
    return chosen.flatmap(lambda names: st.fixed_dictionaries({name: fields[name] for name in names}))


# ---------------------------------------------------------------- the database, before and after

TABLES = [t.name for t in Base.metadata.sorted_tables]


def snapshot(db) -> dict[str, list[tuple]]:
    """Every row of every table, the audit trail included."""
    with db.read() as session:
        return {t: session.execute(text(f'SELECT * FROM "{t}" ORDER BY 1')).all() for t in TABLES}


OUTCOMES: Counter = Counter()
REFUSALS: dict = {}  # the last refusal message of each call, to say why when none saved


def attempt(db, call, *args, **kwargs) -> bool:
    """Run a service call; True when it saved, False when it refused with a DomainError and
    left every table as it was. Any other exception fails the test."""
    before = snapshot(db)
    try:
        call(*args, **kwargs)
    except DomainError as exc:
        assert exc.message and isinstance(exc.message, str)
        assert snapshot(db) == before, f"{call.__name__} refused ({exc.message}) but changed the database"
        OUTCOMES[call.__name__, "refused"] += 1
        REFUSALS[call.__name__] = exc.message
        return False
    OUTCOMES[call.__name__, "saved"] += 1
    return True


@pytest.fixture
def outcomes():
    """After the examples: each call both saved and refused at least once, or the strategies
    never reached the code behind the first check (or never got past it)."""
    OUTCOMES.clear()
    yield OUTCOMES
    for name in {name for name, _ in OUTCOMES}:
        assert OUTCOMES[name, "saved"] and OUTCOMES[name, "refused"], (name, dict(OUTCOMES), REFUSALS.get(name))


POSTGRES_INT = {Integer: 2**31, BigInteger: 2**63}


def _postgres_problem(table: str, column, value) -> str | None:
    kind = type(column.type)
    if isinstance(value, str):
        if "\x00" in value:
            return f"{table}.{column.name} holds a NUL character"
        length = getattr(column.type, "length", None)
        if isinstance(column.type, String) and length and len(value) > length:
            return f"{table}.{column.name} is {len(value)} long, the column holds {length}"
    if isinstance(value, int) and not isinstance(value, bool) and kind in POSTGRES_INT:
        limit = POSTGRES_INT[kind]
        if not -limit <= value < limit:
            return f"{table}.{column.name} = {value} overflows {kind.__name__}"
    return None


def _check_flush(session: Session, _context, _instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        table = obj.__table__
        for column in table.columns:
            problem = _postgres_problem(table.name, column, getattr(obj, column.key, None))
            assert problem is None, f"PostgreSQL would refuse this row: {problem}"


@pytest.fixture(autouse=True)
def postgres_limits():
    event.listen(Session, "before_flush", _check_flush)
    yield
    event.remove(Session, "before_flush", _check_flush)


# ---------------------------------------------------------------- a small clinic to write into

@pytest.fixture
def psychologist(make_staff):
    return make_staff("psychologist", "نگار", "روان‌شاد")


@pytest.fixture
def case(make_case, psychologist):
    return make_case(psychologist_id=psychologist.id)


def unique(prefix: str, counter: list[int]) -> str:
    counter[0] += 1
    return f"{prefix}{counter[0]}"


def case_values(worker, contract, number: str) -> dict:
    return dict(behzisti_file_number=number, first_name="علی", last_name="احمدی", sex="male",
                living_arrangement="own_family", received_on=dt.date(2026, 1, 10),
                discharge_date=dt.date(2024, 5, 1), social_worker_id=worker.id, contract_id=contract.id)


FAMILY = st.builds(
    FamilyInput, name=st.one_of(st.just("فاطمه"), TEXTISH), relation=choice_of(Relation),
    birth_year=st.one_of(st.just(1360), NUMBER, JUNK), occupation=TEXTISH, phone=IDENT, lives_with_child=FLAG,
    id=ID)
CASE_FIELDS = dict(
    behzisti_file_number=IDENT, clinic_file_number=IDENT, first_name=TEXTISH, last_name=TEXTISH,
    father_name=TEXTISH, national_code=st.one_of(IDENT, st.sampled_from(["0499370899", "0013542419"])),
    sex=choice_of(Sex), birth_date=DATE, living_arrangement=choice_of(LivingArrangement),
    discharge_date=DATE, received_on=DATE, early_transfer_reason=TEXTISH, contract_id=ID, priority=FLAG,
    priority_reason=TEXTISH, social_worker_id=ID, psychologist_id=ID, behzisti_summary=TEXTISH,
    address=TEXTISH, phones=IDENT,
    family=st.one_of(st.lists(FAMILY, max_size=3), st.none()),
)


def test_create_case(ctx, worker, contract, outcomes):
    counter = [0]

    @SETTINGS
    @given(overrides(**CASE_FIELDS))
    def check(bad):
        values = case_values(worker, contract, unique("N", counter)) | bad
        attempt(ctx.db, create_case, ctx, CaseInput(**values))

    check()


def test_update_case(ctx, worker, contract, case, outcomes):
    @SETTINGS
    @given(overrides(**CASE_FIELDS), ids(case.id))
    def check(bad, case_id):
        values = case_values(worker, contract, "B-UPDATE") | bad
        attempt(ctx.db, update_case, ctx, case_id, CaseInput(**values))

    check()


def test_change_status(ctx, case, outcomes):
    @SETTINGS
    @given(overrides(case_id=ids(case.id), status=choice_of(CaseStatus), on=DATE, reason=TEXTISH))
    def check(bad):
        args = dict(case_id=case.id, status="closed", on=dt.date(2026, 11, 1), reason="پایان کار") | bad
        if attempt(ctx.db, change_status, ctx, **args):
            change_status(ctx, case.id, "active")  # reopen, so the next example starts alike

    check()


SERVICE_FIELDS = dict(
    kind=choice_of(ServiceKind), mode=choice_of(ServiceMode), note=TEXTISH, date=DATE,
    domains=st.one_of(st.lists(choice_of(CareDomain), max_size=4), st.none(), TEXT),
    staff_id=ID, minutes=st.one_of(NUMBER, JUNK), abuse_concern=FLAG, abuse_action=TEXTISH,
    next_follow_up=DATE, problem_id=ID, amend_reason=TEXTISH,
)


def service_values() -> dict:
    return dict(kind="care", mode="home_visit", note="بازدید منزل", domains=["health"], minutes=30,
                date=dt.date(2026, 11, 20))


def test_add_service(ctx, case, outcomes):
    @SETTINGS
    @given(overrides(**SERVICE_FIELDS), ids(case.id))
    def check(bad, case_id):
        attempt(ctx.db, add_service, ctx, case_id, ServiceInput(**(service_values() | bad)))

    check()


def test_update_service(ctx, case, outcomes):
    service = add_service(ctx, case.id, ServiceInput(**service_values()))

    @SETTINGS
    @given(overrides(**SERVICE_FIELDS), ids(service.id))
    def check(bad, service_id):
        attempt(ctx.db, update_service, ctx, service_id, ServiceInput(**(service_values() | bad)))

    check()


def test_open_and_advance_problem(ctx, case, outcomes):
    def new_problem() -> int:
        return open_problem(ctx, case.id, "افت تحصیلی", on=dt.date(2026, 3, 1)).id

    current = [new_problem()]

    @SETTINGS
    @given(overrides(case_id=ids(case.id), title=TEXTISH, description=TEXTISH, on=DATE),
           overrides(problem_id=ID, stage=choice_of(ProblemStage), note=TEXTISH, on=DATE))
    def check(bad_open, bad_advance):
        attempt(ctx.db, open_problem, ctx, **(dict(case_id=case.id, title="مشکل تازه") | bad_open))
        args = dict(problem_id=current[0], stage="plan", note="برنامه", on=dt.date(2026, 3, 5)) | bad_advance
        if attempt(ctx.db, advance_problem, ctx, **args) and args["stage"] == ProblemStage.RESOLVED.value:
            current[0] = new_problem()  # a resolved problem takes no more steps

    check()


def test_add_review(ctx, case, worker, outcomes):
    @SETTINGS
    @given(overrides(case_id=ids(case.id), social_worker_id=ids(worker.id), findings=TEXTISH,
                     decisions=TEXTISH, on=DATE))
    def check(bad):
        args = dict(case_id=case.id, social_worker_id=worker.id, findings="پیشرفت خوب") | bad
        attempt(ctx.db, add_review, ctx, **args)

    check()


def test_add_referral_and_record_outcome(ctx, case, outcomes):
    referral = add_referral(ctx, case.id, to_body="مشاور مدرسه", reason="افت تحصیلی", on=dt.date(2026, 3, 1))

    @SETTINGS
    @given(overrides(case_id=ids(case.id), to_body=TEXTISH, reason=TEXTISH, on=DATE),
           overrides(referral_id=ID, outcome=TEXTISH, on=DATE))
    def check(bad_referral, bad_outcome):
        attempt(ctx.db, add_referral, ctx, **(dict(case_id=case.id, to_body="درمانگاه", reason="درد") | bad_referral))
        attempt(ctx.db, record_outcome, ctx, **(dict(referral_id=referral.id, outcome="انجام شد") | bad_outcome))

    check()


CONTRACT_FIELDS = dict(
    office_name=TEXTISH, number=IDENT, start_date=DATE, end_date=DATE,
    fee_per_case_month_rials=st.one_of(NUMBER, JUNK), capacity=st.one_of(NUMBER, JUNK), programme=TEXTISH,
    supervisor_name=TEXTISH, supervisor_contact=IDENT, cheque_return_days=st.one_of(NUMBER, JUNK), notes=TEXTISH,
)
CHEQUE_FIELDS = dict(number=IDENT, amount_rials=st.one_of(NUMBER, JUNK), given_on=DATE, note=TEXTISH)


def contract_values(number: str) -> dict:
    return dict(office_name="اداره بهزیستی", number=number, start_date="1405/01/01", end_date="1405/12/29",
                fee_per_case_month_rials=1_000_000, capacity=10)


def test_create_and_update_contract(ctx, contract, outcomes):
    counter = [0]

    @SETTINGS
    @given(overrides(**CONTRACT_FIELDS), ids(contract.id))
    def check(bad, contract_id):
        attempt(ctx.db, create_contract, ctx, ContractInput(**(contract_values(unique("C", counter)) | bad)))
        attempt(ctx.db, update_contract, ctx, contract_id, ContractInput(**(contract_values("1405-7") | bad)))

    check()


def test_guarantee_cheques(ctx, contract, outcomes):
    from app.services.cheques import ChequeInput, add_cheque, return_cheque, undo_cheque_return, void_cheque
    counter = [0]

    @SETTINGS
    @given(overrides(**CHEQUE_FIELDS), ids(contract.id), st.one_of(st.just("1405/08/01"), DATE),
           st.one_of(st.just("ثبت نادرست"), TEXTISH), st.one_of(st.none(), ID, JUNK))
    def check(bad, contract_id, day, reason, other_id):
        values = dict(number=unique("Q", counter), amount_rials=500_000_000, given_on="1405/01/05", note="") | bad
        attempt(ctx.db, add_cheque, ctx, ChequeInput(contract_id, **values))
        fresh = add_cheque(ctx, ChequeInput(contract.id, unique("R", counter), 1, "1405/01/05")).id
        cheque_id = fresh if other_id is None else other_id  # a held cheque, or an id that may be anything
        attempt(ctx.db, return_cheque, ctx, cheque_id, day)
        attempt(ctx.db, undo_cheque_return, ctx, cheque_id, reason)
        attempt(ctx.db, void_cheque, ctx, cheque_id, reason)

    check()


TRAINING = st.tuples(TEXTISH, DATE, st.one_of(NUMBER, JUNK))
STAFF_FIELDS = dict(
    first_name=TEXTISH, last_name=TEXTISH, role=choice_of(Role), national_code=IDENT,
    degree=st.one_of(st.sampled_from(["", "bachelor"]), TEXTISH), field_of_study=TEXTISH, phone=IDENT,
    username=st.one_of(st.text(alphabet="abcXYZ09._-", min_size=1, max_size=10), IDENT),
    password=st.one_of(st.just("a-good-password"), TEXTISH),
    trainings=st.one_of(st.lists(TRAINING, max_size=2), st.none()),
)


def test_add_staff(ctx, outcomes):
    @SETTINGS
    @given(overrides(**STAFF_FIELDS))
    def check(bad):
        values = dict(first_name="سارا", last_name="کارگر", role="social_worker") | bad
        attempt(ctx.db, add_staff, ctx, StaffInput(**values))

    check()


def test_set_staff_trainings(ctx, worker, outcomes):
    @SETTINGS
    @given(st.lists(st.one_of(st.just(("دوره مراقبت از فرزندان", dt.date(2026, 4, 10), 16)), TRAINING), max_size=3),
           ids(worker.id))
    def check(trainings, staff_id):
        attempt(ctx.db, set_staff_trainings, ctx, staff_id, trainings)

    check()


CLINIC_FIELDS = dict(
    name=TEXTISH, licence_number=IDENT, manager_name=TEXTISH, licence_province=TEXTISH, licence_expiry=DATE,
    address=TEXTISH, phones=IDENT, logo_path=st.one_of(TEXTISH, st.just("C:\\\\لوگو\\\\logo.png")),
)


def test_update_clinic(ctx, outcomes):
    @SETTINGS
    @given(overrides(**CLINIC_FIELDS))
    def check(bad):
        values = dict(name="کلینیک آزمون", licence_number="123/4", manager_name="مدیر آزمون") | bad
        attempt(ctx.db, update_clinic, ctx, ClinicInput(**values))

    check()


def test_sign_in_with_anything_refuses_without_writing(db, manager):
    @SETTINGS
    @given(st.one_of(st.just("boss"), st.just(" BOSS "), TEXT, st.none()), st.one_of(TEXT, st.none()))
    def check(username, password):
        with db.read() as session:
            audit_before = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
        rows_before = {t: len(rows) for t, rows in snapshot(db).items()}
        with pytest.raises(AuthError):
            sign_in(db, username, password)
        # A failure may only count itself on the staff row (for the lockout), never add a row.
        assert {t: len(rows) for t, rows in snapshot(db).items()} == rows_before
        with db.read() as session:
            assert session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) == audit_before

    check()


def test_change_password(ctx, outcomes):
    current = [PASSWORD]

    @SETTINGS
    @given(st.one_of(st.none(), TEXT), st.one_of(TEXTISH, st.text(TYPABLE, min_size=8, max_size=40)))
    @example(None, "a good one ۱۲۳")  # one change that must save, whatever the draw
    def check(old, new):
        old = current[0] if old is None else old
        if attempt(ctx.db, change_password, ctx, old, new):
            current[0] = new
            assert sign_in(ctx.db, "boss", new).staff_id == ctx.actor.staff_id

    check()


def test_case_search_text(ctx, make_case, worker):
    make_case(first_name="علیرضا", last_name="یوسفی")
    readers = [ctx, as_actor(ctx, worker.id, Role.SOCIAL_WORKER)]

    @SETTINGS
    @given(st.one_of(TEXT, st.builds(operator.mul, st.sampled_from(["ع ", "a b ", "%_ ", "۱", "1-"]),
                                     st.integers(1, 20_000))))
    def check(search):
        for reader in readers:
            query = CaseQuery(text=search, status=None)
            rows = list_cases(reader, query, 0, 1000)
            assert count_cases(reader, query) == len(rows)

    check()


# ---------------------------------------------------------------- the longest names allowed

@pytest.mark.parametrize("letter", ["ا", "ﷺ", "ﻻ", "a", "🙂", "۱"])
def test_the_longest_names_still_fit_every_column(ctx, worker, contract, letter):
    """Names at their length limit; ligatures grow in the search and sort keys derived from them."""
    name = letter * 100
    attempt(ctx.db, create_case, ctx, CaseInput(**case_values(worker, contract, "LONG") | dict(
        first_name=name, last_name=name, father_name=name)))
    staff = add_staff(ctx, StaffInput(first_name=name, last_name=name, role="social_worker",
                                      username="longname", password="a-good-password"))
    actor = sign_in(ctx.db, "longname", "a-good-password")
    attempt(ctx.db, add_service, as_actor(ctx, staff.id, Role.SOCIAL_WORKER).acting_as(actor), 1,
            ServiceInput(**service_values()))
