"""The audit chain anchored where an edit of its table cannot reach: every signed document's embedded
data, every backup's manifest, the head record `check` compares (issue 11, «Audit anchored»).

Each attack is what someone with the database file would do: cut the tail and fix the head record to
match, or rewrite an entry and recompute every hash after it. `check` alone cannot see the second;
a signed copy held by the county office, or a backup on a USB stick, can."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import delete, func, select

from app.cli import main
from app.models import AuditEntry, Setting
from app.services import audit, reports
from app.services.audit import ChainHead, compare_with_anchor, current_head, entry_hash, verify_chain
from app.services.reports import embedded_audit_head
from app.services.reviews import add_review
from tests.conftest import PASSWORD
from tests.services.test_payments import three  # noqa: F401  (fixture: three signed invoices owed)
from tests.services.test_reports import ABAN, month  # noqa: F401  (fixture: a month of services)


def head_of(ctx) -> ChainHead:
    with ctx.db.read() as session:
        return current_head(session)


def cut_tail_and_forge_head(db, keep_up_to: int) -> None:
    """Delete every entry after `keep_up_to` and make the head record agree: `check` then passes."""
    with db.transaction() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.id > keep_up_to))
    with db.transaction() as session:
        chain = verify_chain(session)
        session.get(Setting, audit.HEAD_KEY).value = ChainHead(chain.entries, chain.last_id, chain.last_hash).text()


def rewrite_entry_and_rehash(db, entry_id: int) -> None:
    """Change one entry's recorded values and recompute its hash and every later one, and the head."""
    with db.transaction() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.id >= entry_id).order_by(AuditEntry.id)).all()
        prev = rows[0].prev_hash
        rows[0].changes = '{"note": "چیز دیگری"}'
        for e in rows:
            e.prev_hash = prev
            e.hash = prev = entry_hash(prev, e.at, e.actor_id, e.actor_name, e.action, e.entity, e.entity_id,
                                       e.case_id, e.changes)
        session.flush()
        count = session.scalar(select(func.count()).select_from(AuditEntry))
        session.get(Setting, audit.HEAD_KEY).value = ChainHead(count, rows[-1].id, prev).text()


def cli(monkeypatch, *argv, stdin: str = ""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    monkeypatch.delenv("PARVANDEH_DATA_DIR", raising=False)
    return main(list(argv))


# -- every signed kind carries the head ----------------------------------------------------------------

def test_every_kind_of_document_embeds_the_chain_head_as_it_stood(ctx, contract, month, worker):
    a, _, _ = month
    reports.create_signing_key(ctx, PASSWORD)
    review_id = add_review(ctx, a.id, social_worker_id=worker.id, findings="خوب", on="1405/09/01").id
    makers = {
        "monthly": lambda: reports.generate_monthly(ctx, contract.id, *ABAN, sign_password=PASSWORD),
        "invoice": lambda: reports.generate_invoice(ctx, contract.id, *ABAN, sign_password=PASSWORD),
        "case": lambda: reports.generate_case_summary(ctx, a.id, sign_password=PASSWORD),
        "review": lambda: reports.generate_review_form(ctx, review_id),
        "monthly draft": lambda: reports.generate_monthly(ctx, contract.id, *ABAN),
    }
    for kind, make in makers.items():
        before = head_of(ctx)
        document = make()
        assert embedded_audit_head(document.pdf) == before, kind
        assert before.count > 0 and head_of(ctx).count > before.count, kind  # the document's own entry follows
        check = reports.check_report(ctx, document.pdf)
        assert check.record_found and check.digest_matches, kind  # the head file is not taken for the data


def test_the_receivables_letter_embeds_the_chain_head(ctx, contract, three):  # noqa: F811
    from app.services.receivables import generate_receivables_letter
    reports.create_signing_key(ctx, PASSWORD)
    before = head_of(ctx)
    letter = generate_receivables_letter(ctx, contract.office_name, sign_password=PASSWORD)
    assert embedded_audit_head(letter.pdf) == before
    assert reports.check_report(ctx, letter.pdf).ok


def test_a_document_without_a_head_or_with_a_broken_one_gives_none():
    assert embedded_audit_head(b"not a pdf") is None


# -- the anchors catch what the head record alone cannot ------------------------------------------------

@pytest.fixture
def signed_report(ctx, contract, month):
    reports.create_signing_key(ctx, PASSWORD)
    return reports.generate_monthly(ctx, contract.id, *ABAN, sign_password=PASSWORD)


def test_a_cut_tail_with_a_forged_head_record_is_caught_by_the_signed_report(ctx, db, signed_report):
    anchor = embedded_audit_head(signed_report.pdf)
    cut_tail_and_forge_head(db, anchor.last_id - 3)
    with db.read() as session:
        chain = verify_chain(session)
        assert chain.ok and audit.compare_head(session, chain) == ""  # the table and its head agree
        problem = compare_with_anchor(session, anchor, "گزارش")
    assert f"entries up to {anchor.last_id} removed" in problem and "کامل نیست" in problem


def test_a_rewritten_and_rehashed_chain_is_caught_by_the_signed_report(ctx, db, signed_report):
    anchor = embedded_audit_head(signed_report.pdf)
    rewrite_entry_and_rehash(db, anchor.last_id - 5)
    with db.read() as session:
        chain = verify_chain(session)
        assert chain.ok and audit.compare_head(session, chain) == ""
        assert f"entries up to {anchor.last_id} rewritten" in compare_with_anchor(session, anchor, "گزارش")


def test_reused_ids_after_a_forged_head_do_not_fool_the_anchor(ctx, db, signed_report, make_case):
    """The head record forged too, so the next entries take the deleted numbers: their hashes differ."""
    anchor = embedded_audit_head(signed_report.pdf)
    cut_tail_and_forge_head(db, anchor.last_id - 2)
    for _ in range(4):
        make_case()
    with db.read() as session:
        assert session.get(AuditEntry, anchor.last_id) is not None
        assert "rewritten" in compare_with_anchor(session, anchor, "گزارش")


def test_an_untouched_chain_matches_every_anchor(ctx, db, signed_report, make_case):
    make_case()  # later entries are fine: the anchor only speaks for what came before it
    with db.read() as session:
        assert compare_with_anchor(session, embedded_audit_head(signed_report.pdf), "گزارش") == ""


# -- the command line: check, check --against, verify ------------------------------------------------------

def test_check_reports_entries_missing_after_n_in_persian(ctx, db, data_dir, make_case, monkeypatch, capsys):
    for _ in range(3):
        make_case()
    whole = head_of(ctx)
    with db.transaction() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.id > whole.last_id - 2))
    assert cli(monkeypatch, "check", "--data-dir", str(data_dir)) == 1
    err = capsys.readouterr().err
    assert f"entries missing after {whole.last_id - 2}" in err and "حذف شده‌اند" in err


def test_check_against_a_signed_report_finds_what_check_alone_cannot(ctx, db, data_dir, signed_report, tmp_path,
                                                                      monkeypatch, capsys):
    pdf = tmp_path / signed_report.file_name
    pdf.write_bytes(signed_report.pdf)
    assert cli(monkeypatch, "check", "--data-dir", str(data_dir), "--against", str(pdf)) == 0
    out = capsys.readouterr().out
    assert out.startswith("پایگاه داده سالم است") and "matches the chain" in out  # the old line first, unchanged
    anchor = embedded_audit_head(signed_report.pdf)
    cut_tail_and_forge_head(db, anchor.last_id - 3)
    assert cli(monkeypatch, "check", "--data-dir", str(data_dir)) == 0  # the head record was forged too
    capsys.readouterr()
    assert cli(monkeypatch, "check", "--data-dir", str(data_dir), "--against", str(pdf)) == 1
    err = capsys.readouterr().err
    assert f"entries up to {anchor.last_id} removed" in err and "پایگاه داده سالم نیست" in err


def test_check_against_refuses_a_changed_or_foreign_document(ctx, data_dir, signed_report, tmp_path,
                                                             monkeypatch, capsys):
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(signed_report.pdf + b"\n%added\n")
    assert cli(monkeypatch, "check", "--data-dir", str(data_dir), "--against", str(changed)) == 1
    assert "دست‌نخورده این کلینیک نیست" in capsys.readouterr().err
    draft = tmp_path / "draft.pdf"
    draft.write_bytes(reports.generate_monthly(ctx, signed_report_contract(ctx), *ABAN).pdf)
    assert cli(monkeypatch, "check", "--data-dir", str(data_dir), "--against", str(draft)) == 1


def signed_report_contract(ctx) -> int:
    from app.services.contracts import list_contracts
    return list_contracts(ctx)[0].id


def test_verify_shows_the_embedded_head_and_with_the_data_folder_compares_it(ctx, db, data_dir, signed_report,
                                                                             tmp_path, monkeypatch, capsys):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(signed_report.pdf)
    anchor = embedded_audit_head(signed_report.pdf)
    cli(monkeypatch, "verify", str(pdf))
    out = capsys.readouterr().out
    assert f"Audit head in document: {anchor.count} entries, last id {anchor.last_id}" in out
    assert anchor.last_hash in out
    assert cli(monkeypatch, "verify", str(pdf), "--data-dir", str(data_dir)) == 0
    assert "still holds every entry" in capsys.readouterr().out
    rewrite_entry_and_rehash(db, anchor.last_id - 1)
    assert cli(monkeypatch, "verify", str(pdf), "--data-dir", str(data_dir)) == 0  # the document itself is intact
    assert "rewritten" in capsys.readouterr().out


# -- backups ----------------------------------------------------------------------------------------------

def test_every_backup_carries_the_head_in_its_manifest(ctx, db, data_dir, make_case, tmp_path, monkeypatch, capsys):
    from app.services.backups import back_up_to
    from app.storage.backup import auto_backup, read_backup_info
    for _ in range(4):
        make_case()
    before = head_of(ctx)
    encrypted = back_up_to(ctx, tmp_path / "usb" / "weekly.pvbak", "backup-pass-1")
    assert read_backup_info(encrypted.path, "backup-pass-1").audit_head == audit.head_dict(before)
    after_first = head_of(ctx)  # the first backup's own entry (who, where) is in the chain now
    plain = back_up_to(ctx, tmp_path / "usb" / "plain.pvbak", None, unencrypted=True)
    assert read_backup_info(plain.path).audit_head == audit.head_dict(after_first) != audit.head_dict(before)
    import datetime as dt
    automatic = auto_backup(data_dir, reason="exit", now=dt.datetime(2026, 11, 23, 10, tzinfo=dt.timezone.utc))
    assert read_backup_info(automatic).audit_head["count"] == head_of(ctx).count
    # The stick's copy speaks for the chain as it was: cut the tail (head record forged) and it tells.
    assert cli(monkeypatch, "check", "--data-dir", str(data_dir), "--against", str(encrypted.path),
               stdin="backup-pass-1\n") == 0
    capsys.readouterr()
    cut_tail_and_forge_head(db, before.last_id - 2)
    assert cli(monkeypatch, "check", "--data-dir", str(data_dir), "--against", str(encrypted.path),
               stdin="backup-pass-1\n") == 1
    err = capsys.readouterr().err
    assert f"entries up to {before.last_id} removed" in err and "weekly.pvbak" in err


# -- ids never reused, on PostgreSQL too ------------------------------------------------------------------

def test_audit_ids_are_never_reused_on_postgresql(pg):
    import datetime as dt

    from app.services.accounts import StaffInput
    from app.services.cases import CaseInput, create_case
    from app.services.clinic import ClinicInput, set_up_clinic
    from app.services.context import ServiceContext
    from app.storage.migrate import upgrade
    from tests.conftest import NOW
    upgrade(pg)
    manager = set_up_clinic(pg, ClinicInput("کلینیک", "1", "مدیر"),
                            StaffInput("مینا", "مدیری", "manager", username="boss", password=PASSWORD), now=NOW)
    ctx = ServiceContext(pg, manager, clock=lambda: NOW)

    def new_case(n: int) -> None:
        create_case(ctx, CaseInput(behzisti_file_number=f"P{n}", first_name="علی", last_name="احمدی", sex="male",
                                   living_arrangement="own_family", received_on=dt.date(2026, 1, 1)))
    for n in range(4):
        new_case(n)
    whole = head_of(ctx)
    with pg.transaction() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.id > whole.last_id - 3))
    with pg.read() as session:
        assert "entries missing after" in audit.compare_head(session, verify_chain(session))
    new_case(99)
    with pg.read() as session:
        assert session.scalar(select(func.max(AuditEntry.id))) == whole.last_id + 1
