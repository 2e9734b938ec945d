"""The one policy table, walked: every public service function against every role.

A new service function without an entry fails here; a function whose guard lets in a role the
table refuses (or refuses one it allows) fails here; and the promises about the most sensitive
records are attacked one by one: psychologists' notes, assignments, sessions, forged actors."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import json
import inspect
import pkgutil

import pytest
from sqlalchemy import func, select

import app.services
from app.errors import AuthError, Conflict, NotFound, PermissionDenied, SessionExpired, ValidationError
from app.models import AuditEntry
from app.domain.enums import Role
from app.services import policy
from app.services.accounts import (SIGN_IN_REFUSED, StaffInput, set_staff_active, sign_in, update_staff)
from app.services.cases import CaseInput, change_status, update_case
from app.services.context import Actor, ServiceContext
from app.services.policy import Action, Kind, Scope
from app.services.visits import ServiceInput, add_service, delete_service, list_services, update_service
from tests.conftest import NOW, PASSWORD, TODAY, as_actor

ROLES = list(Role)


def service_modules():
    for info in pkgutil.iter_modules(app.services.__path__):
        yield importlib.import_module(f"app.services.{info.name}")


def all_guarded():
    for module in service_modules():
        for name, rule in policy.guarded_functions(module).items():
            yield module, name, rule


# -- the table itself -------------------------------------------------------------------------------

def test_every_public_service_function_has_an_entry_in_the_policy():
    missing = [f"{m.__name__}.{name}" for m, name, rule in all_guarded() if rule is None]
    assert missing == [], f"service functions with no policy entry: {missing}"
    assert len(list(all_guarded())) >= 65  # the walk really found the services


def test_the_table_has_a_cell_for_every_role_kind_and_action():
    for role in ROLES:
        for kind in Kind:
            for action in Action:
                assert (role, kind, action) in policy.TABLE


def test_the_confidential_promises_hold_in_the_table():
    def who(kind, action):
        return {r for r in ROLES if policy.TABLE[(r, kind, action)] is not Scope.NONE}

    assert who(Kind.PSYCH_NOTE, Action.READ) == {Role.MANAGER, Role.PSYCHOLOGIST}
    for kind in (Kind.VISIT_NOTE, Kind.ABUSE, Kind.PROBLEM, Kind.REVIEW, Kind.REFERRAL, Kind.ATTACHMENT):
        assert Role.CLERK not in who(kind, Action.READ), kind
    for kind in (Kind.BACKUP, Kind.AUDIT, Kind.SIGNING_KEY, Kind.REPORT):
        assert who(kind, Action.READ) == {Role.MANAGER}, kind
    assert who(Kind.ASSIGNMENT, Action.CHANGE) == {Role.MANAGER}
    assert Role.CLERK not in who(Kind.CASE_STATUS, Action.CHANGE)
    # Nobody but the manager sees every file's notes.
    assert {r for r in ROLES if policy.TABLE[(r, Kind.VISIT_NOTE, Action.READ)] is Scope.ALL} == {Role.MANAGER}


def test_only_a_psychologists_texts_are_written_confidential_and_only_their_readers_read_them(ctx, make_staff):
    from tests.conftest import signed_in
    for role in ROLES:
        actor = signed_in(1, "کاربر آزمون", role)
        assert policy.writes_confidential(actor) is (role is Role.PSYCHOLOGIST), role
        assert policy.reads_confidential(actor) is (role in (Role.MANAGER, Role.PSYCHOLOGIST)), role
        if role in (Role.SOCIAL_WORKER, Role.CLERK):
            with pytest.raises(PermissionDenied, match="یادداشت روانشناختی"):
                policy.require_confidential(actor, True, Action.CHANGE)
        policy.require_confidential(actor, False, Action.CHANGE)  # an ordinary record: the kind's own rule


@pytest.mark.parametrize("qualified, expected", [
    ("app.services.backups.back_up_to", (Kind.BACKUP, Action.CREATE)),
    ("app.services.clinic.set_setting", (Kind.SETTINGS, Action.CHANGE)),
    ("app.services.reports.generate_monthly", (Kind.REPORT, Action.CREATE)),
    ("app.services.reports.generate_case_summary", (Kind.CASE_DOCUMENT, Action.CREATE)),
    ("app.services.worklists.abuse_concerns", (Kind.ABUSE, Action.READ)),
    ("app.services.cases.change_status", (Kind.CASE_STATUS, Action.CHANGE)),
    ("app.services.attachments.add_attachment", (Kind.ATTACHMENT, Action.CREATE)),
    ("app.services.audit.list_audit", (Kind.AUDIT, Action.READ)),
    ("app.services.importing.import_cases", (Kind.ASSIGNMENT, Action.CREATE)),
])
def test_sensitive_functions_are_filed_under_the_right_kind(qualified, expected):
    assert policy.RULES[qualified] == expected


# -- the walk: every function × every role, through its real guard ---------------------------------

def _dummy(param: inspect.Parameter, tmp_path):
    text = str(param.annotation)
    if "int" in text and "str" not in text:
        return 987654
    if "Path" in text:
        return tmp_path / "nowhere"
    return "x"


@pytest.fixture
def role_contexts(ctx, make_staff):
    out = {Role.MANAGER: ctx}
    for role in (Role.SOCIAL_WORKER, Role.PSYCHOLOGIST, Role.CLERK):
        out[role] = as_actor(ctx, make_staff(role.value, "آزمون", role.value).id, role)
    return out


def test_each_function_lets_in_exactly_the_roles_the_table_allows(role_contexts, monkeypatch, tmp_path, db):
    with db.read() as session:
        entries_before = session.scalar(select(func.count()).select_from(AuditEntry))
    checked = 0
    for module, name, (kind, action) in ((m, n, r) for m, n, r in all_guarded() if r != policy.HELPER):
        fn = getattr(module, name)
        monkeypatch.setattr(fn, "__wrapped__", lambda *a, **k: "reached")
        params = list(inspect.signature(fn).parameters.values())[1:]
        args = [_dummy(p, tmp_path) for p in params
                if p.default is inspect.Parameter.empty and p.kind is p.POSITIONAL_OR_KEYWORD]
        kwargs = {p.name: _dummy(p, tmp_path) for p in params
                  if p.default is inspect.Parameter.empty and p.kind is p.KEYWORD_ONLY}
        for role, role_ctx in role_contexts.items():
            allowed = policy.allows(role_ctx.actor, kind, action)
            if allowed:
                assert fn(role_ctx, *args, **kwargs) == "reached", (name, role)
            else:
                with pytest.raises(PermissionDenied) as refused:
                    fn(role_ctx, *args, **kwargs)
                assert refused.value.message == policy.refusal(kind, action), (name, role)
            checked += 1
        monkeypatch.undo()
    assert checked >= 65 * len(ROLES)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == entries_before  # refusals wrote nothing


# -- sessions -------------------------------------------------------------------------------------------

def test_an_actor_built_by_hand_is_refused(ctx, manager):
    forged = ctx.acting_as(Actor(manager.staff_id, manager.name, Role.MANAGER))
    with pytest.raises(SessionExpired):
        list_services(forged, 1)
    with pytest.raises(PermissionDenied):  # the system actor is no person at the keyboard
        list_services(ctx.acting_as(Actor.system()), 1)


def test_a_deactivated_account_is_refused_at_its_next_call(ctx, worker, make_case):
    case = make_case()
    worker_ctx = as_actor(ctx, worker.id, "social_worker")
    assert list_services(worker_ctx, case.id) == []
    set_staff_active(ctx, worker.id, False)
    with pytest.raises(SessionExpired, match="غیرفعال"):
        list_services(worker_ctx, case.id)


def test_a_demoted_account_is_refused_at_its_next_call(ctx, make_staff, make_case):
    second = make_staff("manager", "نادر", "مدیردوم")
    second_ctx = as_actor(ctx, second.id, "manager")
    case = make_case()
    assert list_services(second_ctx, case.id) == []
    update_staff(ctx, second.id, StaffInput(first_name="نادر", last_name="مدیردوم", role="clerk"))
    with pytest.raises(SessionExpired, match="سمت"):
        list_services(second_ctx, case.id)


def test_the_last_active_manager_can_be_neither_demoted_nor_deactivated(ctx, manager, db):
    with pytest.raises(ValidationError, match="تنها مدیر"):
        update_staff(ctx, manager.staff_id, StaffInput(first_name="مینا", last_name="مدیری", role="clerk"))
    with pytest.raises(ValidationError, match="تنها مدیر"):
        set_staff_active(ctx, manager.staff_id, False)
    assert sign_in(db, "boss", PASSWORD, now=NOW).role is Role.MANAGER


def test_sign_in_answers_the_same_for_unknown_wrong_and_locked(db, manager, monkeypatch):
    from app.services import accounts
    calls = []
    real = accounts.password_matches
    monkeypatch.setattr(accounts, "password_matches", lambda h, p: calls.append(1) or real(h, p))
    messages = []
    for name, password, when in [("nobody", PASSWORD, NOW)] + [("boss", "wrong-pass", NOW)] * 5 + \
            [("boss", PASSWORD, NOW + dt.timedelta(minutes=1))]:
        with pytest.raises(AuthError) as err:
            sign_in(db, name, password, now=when)
        messages.append(err.value.message)
    assert set(messages) == {SIGN_IN_REFUSED}
    assert len(calls) == 7  # one hash check each, the locked attempt included: the same cost


# -- psychologists' notes -------------------------------------------------------------------------------

def counselling(**kw):
    values = dict(kind="counselling", mode="at_clinic", note="ارزیابی روانی محرمانه", minutes=50, date=TODAY)
    values.update(kw)
    return ServiceInput(**values)


@pytest.fixture
def psych_note(ctx, make_case, make_staff):
    psych = make_staff("psychologist", "لیلا", "روان")
    case = make_case(psychologist_id=psych.id)
    psych_ctx = as_actor(ctx, psych.id, "psychologist")
    sid = add_service(psych_ctx, case.id, counselling()).id
    return case, psych, psych_ctx, sid


def test_a_social_worker_can_neither_change_nor_delete_a_psychologists_note(ctx, worker, psych_note, db):
    case, _psych, _pctx, sid = psych_note
    worker_ctx = as_actor(ctx, worker.id, "social_worker")
    with pytest.raises(PermissionDenied, match="یادداشت روانشناختی"):
        update_service(worker_ctx, sid, counselling(note="بازنویسی"))
    with pytest.raises(PermissionDenied, match="یادداشت روانشناختی"):
        delete_service(worker_ctx, sid)
    [seen] = list_services(ctx, case.id)
    assert seen.note == "ارزیابی روانی محرمانه"


def test_a_note_cannot_be_saved_in_another_staff_members_name(ctx, worker, psych_note):
    case, psych, _pctx, _sid = psych_note
    worker_ctx = as_actor(ctx, worker.id, "social_worker")
    with pytest.raises(PermissionDenied, match="به نام خودتان"):
        add_service(worker_ctx, case.id, counselling(staff_id=psych.id))


def test_a_notes_confidentiality_stays_when_its_author_changes_role(ctx, worker, psych_note):
    case, psych, _pctx, _sid = psych_note
    update_staff(ctx, psych.id, StaffInput(first_name="لیلا", last_name=psych.last_name, role="social_worker"))
    [seen] = list_services(as_actor(ctx, worker.id, "social_worker"), case.id)
    assert seen.note_hidden and seen.note == ""


def test_the_abuse_worklist_gives_no_psychologists_action_text_to_a_social_worker(ctx, worker, psych_note):
    from app.services.worklists import abuse_concerns
    case, _psych, psych_ctx, _sid = psych_note
    add_service(psych_ctx, case.id, counselling(abuse_concern=True, abuse_action="گزارش محرمانه به اورژانس"))
    [concern] = abuse_concerns(as_actor(ctx, worker.id, "social_worker"))
    assert concern.action == "" or "اورژانس" not in str(concern)
    assert any("اورژانس" in str(c) for c in abuse_concerns(ctx))


def test_documents_never_quote_a_psychologists_note(ctx, worker, psych_note):
    from app.services.report_data import CONFIDENTIAL_NOTE
    from app.services.reports import generate_case_summary, monthly_data
    from tests.printing.pdf_helpers import pdf_text
    case, _psych, psych_ctx, _sid = psych_note
    add_service(psych_ctx, case.id, counselling(abuse_concern=True, abuse_action="اقدام محرمانه روانشناس"))
    data = monthly_data(ctx, case_contract(ctx, case.id), 1405, 9)
    blob = json.dumps(dataclasses.asdict(data), ensure_ascii=False, default=str)
    assert "علی احمدی" in blob  # the text really is all there
    assert "ارزیابی روانی محرمانه" not in blob and "اقدام محرمانه روانشناس" not in blob
    texts = [line.summary_text for row in data.clients for line in row.services]
    assert texts == [CONFIDENTIAL_NOTE] * 2  # counted, marked, not quoted
    assert [c.action_note for c in data.summary.abuse_concerns] == [CONFIDENTIAL_NOTE]
    for who in (ctx, as_actor(ctx, worker.id, "social_worker")):
        text = pdf_text(generate_case_summary(who, case.id).pdf)
        assert "ارزیابی" not in text and "محرمانه" in text


def case_contract(ctx, case_id):
    from app.services.cases import case_detail
    from app.services.contracts import list_contracts
    number = case_detail(ctx, case_id).contract_number
    return next(c.id for c in list_contracts(ctx) if c.number == number)


# -- assignments, scope and existence -------------------------------------------------------------------

def test_a_clerk_cannot_assign_a_psychologist_clear_priority_or_close_a_file(ctx, make_case, make_staff, worker):
    psych = make_staff("psychologist", "لیلا", "روان")
    case = make_case(priority=True, priority_reason="خطر")
    clerk = as_actor(ctx, make_staff("clerk", "حسن", "دفتری").id, "clerk")
    from app.services.cases import case_detail
    base = {f: getattr(case_detail(ctx, case.id), f) for f in CaseInput.__dataclass_fields__ if f != "family"}
    with pytest.raises(PermissionDenied, match="مددکار، روانشناس"):
        update_case(clerk, case.id, CaseInput(**{**base, "psychologist_id": psych.id}))
    with pytest.raises(PermissionDenied, match="وضعیت پرونده"):
        update_case(clerk, case.id, CaseInput(**{**base, "priority": False, "priority_reason": ""}))
    with pytest.raises(PermissionDenied):
        change_status(clerk, case.id, "closed", reason="پایان")
    after = case_detail(ctx, case.id)
    assert after.priority and after.psychologist_id is None and after.status == "active"
    update_case(clerk, case.id, CaseInput(**{**base, "phones": "02155550000"}))  # contact data: yes
    assert case_detail(ctx, case.id).phones == "02155550000"


def test_a_duplicate_national_code_gets_one_persian_message_whoever_holds_it(ctx, make_case, make_staff, worker):
    other = make_staff("social_worker", "رضا", "دیگری")
    make_case(national_code="0012345679", social_worker_id=other.id)
    mine = make_case()
    worker_ctx = as_actor(ctx, worker.id, "social_worker")
    from app.services.cases import case_detail, create_case
    base = {f: getattr(case_detail(ctx, mine.id), f) for f in CaseInput.__dataclass_fields__ if f != "family"}
    with pytest.raises(Conflict) as on_update:
        update_case(worker_ctx, mine.id, CaseInput(**{**base, "national_code": "0012345679"}))
    with pytest.raises(Conflict) as on_create:
        create_case(worker_ctx, CaseInput(behzisti_file_number="NEW-1", first_name="الف", last_name="ب", sex="male",
                                          living_arrangement="own_family", national_code="0012345679",
                                          received_on=dt.date(2026, 1, 10)))
    assert on_update.value.message == on_create.value.message and "کد ملی" in on_create.value.message
    assert "رضا" not in on_create.value.message  # never says who holds the other file


def test_a_file_number_outside_ones_caseload_is_not_found(ctx, make_case, make_staff, worker):
    from app.services.reports import find_case_id
    other = make_staff("social_worker", "رضا", "دیگری")
    theirs = make_case(social_worker_id=other.id)
    from app.services.cases import case_detail
    number = case_detail(ctx, theirs.id).behzisti_file_number
    assert find_case_id(ctx, number) == theirs.id
    with pytest.raises(NotFound):
        find_case_id(as_actor(ctx, worker.id, "social_worker"), number)


def test_clerks_cannot_read_the_signing_key_through_settings(ctx, make_staff):
    from app.services.clinic import get_setting, set_setting
    from app.services.reports import create_signing_key
    create_signing_key(ctx, PASSWORD)
    clerk = as_actor(ctx, make_staff("clerk", "حسن", "دفتری").id, "clerk")
    with pytest.raises(PermissionDenied, match="کلید امضا"):
        get_setting(clerk, "signing.identity")
    assert get_setting(ctx, "signing.identity")
    with pytest.raises(ValidationError):
        set_setting(ctx, "audit.head", "0:0:" + "0" * 64)  # the audit anchor is the program's own


# -- the audit chain's anchor, private files ------------------------------------------------------------

def test_a_deleted_tail_of_the_audit_chain_is_found_and_ids_are_not_reused(ctx, make_case, db):
    from sqlalchemy import delete

    from app.services.audit import compare_head, verify_chain
    for _ in range(3):
        make_case()
    with db.read() as session:
        whole = verify_chain(session)
        assert whole.ok and compare_head(session, whole) == ""
    with db.transaction() as session:  # what someone with the file would do: cut the last two entries
        session.execute(delete(AuditEntry).where(AuditEntry.id > whole.last_id - 2))
    with db.read() as session:
        cut = verify_chain(session)
        assert cut.ok  # the chain alone cannot tell
        assert f"after {whole.last_id - 2}" in compare_head(session, cut)
    make_case()
    with db.read() as session:
        newest = session.scalar(select(func.max(AuditEntry.id)))
    assert newest == whole.last_id + 1  # the deleted numbers stay a gap


def test_the_data_folder_database_and_automatic_backups_are_private(tmp_path):
    import os
    import stat

    from app.storage.backup import auto_backup
    from app.storage.datadir import open_database
    if os.name != "posix":
        pytest.skip("modes are POSIX; Windows relies on the installer's ACL")
    folder = tmp_path / "clinic"
    db = open_database(folder)
    try:
        from app.services.clinic import ClinicInput, set_up_clinic
        set_up_clinic(db, ClinicInput(name="کلینیک", licence_number="1", manager_name="م"),
                      StaffInput(first_name="م", last_name="ن", role="manager", username="m", password=PASSWORD),
                      now=NOW)
        backup = auto_backup(folder, reason="start", now=NOW)
    finally:
        db.dispose()
    for path in (folder, folder / "attachments", folder / "backups"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
    for path in (folder / "parvandeh.sqlite3", backup):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


def test_the_signing_key_is_sealed_with_argon2id_and_wrong_signing_passwords_lock_the_account(ctx, db):
    from app.services.clinic import get_setting
    from app.services.reports import check_signing_password, create_signing_key
    create_signing_key(ctx, PASSWORD)
    stored = get_setting(ctx, "signing.identity")
    assert stored.startswith("argon2id$") and '"name": "argon2id"' in stored
    for _ in range(5):
        with pytest.raises(AuthError, match="نادرست"):
            check_signing_password(ctx, "wrong-signing-pass")
    with pytest.raises(AuthError):
        sign_in(db, "boss", PASSWORD, now=NOW + dt.timedelta(minutes=1))  # locked by those five


@pytest.mark.parametrize("bad", ["نام\x00", "\ud800نام"])
def test_nul_and_lone_surrogates_are_refused_naming_the_field(ctx, make_case, bad, db):
    with db.read() as session:
        before = session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(ValidationError) as refused:
        make_case(first_name=bad)
    assert refused.value.field == "first_name" and "نام" in refused.value.message
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == before
