"""`parvandeh office ...` end to end, the Excel export, the office's own schema, and PostgreSQL."""

from __future__ import annotations

import io
import json
import os
import sys

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from app.cli import main
from app.office.registry import format_fingerprint
from app.office.storage import VERSION_TABLE, current_revision, head_revision, open_office
from tests.conftest import empty_pg
from tests.office.conftest import OFFICE_PASSWORD, RECEIVED_AT, register, write


DESK, PW = ("--user", "desk"), OFFICE_PASSWORD + "\n"


def run(argv, stdin: str = ""):
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return main(argv)
    finally:
        sys.stdin = old


@pytest.fixture
def fixed_office_clock(monkeypatch):
    """The office's commands read the clock through OfficeContext; fix it for the command line."""
    from app.office import registry
    monkeypatch.setattr(registry, "utcnow", lambda: RECEIVED_AT)


def test_office_commands_end_to_end(tmp_path, clinics, capsys, fixed_office_clock):
    office = str(tmp_path / "office")
    assert run(["office", "init", "--data-dir", office, "--office", "اداره بهزیستی شهرستان ری",
                "--username", "desk"], OFFICE_PASSWORD + "\n" + OFFICE_PASSWORD + "\n") == 0
    a, b = clinics
    fingerprint = format_fingerprint(__import__("hashlib").sha256(a.certificate.read_bytes()).hexdigest())
    assert run(["office", "clinic", "add", "--data-dir", office, "--certificate", str(a.certificate),
                "--licence", a.licence, "--name", a.name, "--fingerprint", fingerprint,
                "--contract", a.contract_number, "--capacity", "100", "--fee", "1200000", *DESK], PW) == 0
    out = capsys.readouterr().out
    assert fingerprint in out
    # A fingerprint from the papers that does not match the certificate: refused, nothing registered.
    assert run(["office", "clinic", "add", "--data-dir", office, "--certificate", str(b.certificate),
                "--licence", b.licence, "--fingerprint", "00" * 32, *DESK], PW) == 1
    assert "اثر انگشت" in capsys.readouterr().err
    inbox = tmp_path / "inbox"
    write(inbox, "a8.pdf", a.reports[(1405, 8)])
    write(inbox, "b8.pdf", b.reports[(1405, 8)])
    assert run(["office", "receive", "--data-dir", office, str(inbox), *DESK], PW) == 1  # b is not registered
    captured = capsys.readouterr()
    assert "a8.pdf: پذیرفته شد" in captured.out and "b8.pdf: پذیرفته نشد" in captured.err
    assert run(["office", "receive", "--data-dir", office, str(inbox / "a8.pdf"), *DESK], PW) == 1  # duplicate
    assert "تکراری" in capsys.readouterr().err
    assert run(["office", "summary", "--data-dir", office, "--month", "۱۴۰۵/۰۸", "--format", "json",
                "--xlsx", str(tmp_path / "s.xlsx"), *DESK], PW) == 0
    summary = json.loads(capsys.readouterr().out)
    row, = summary["rows"]
    assert row["licence"] == a.licence and row["capacity"] == 100
    assert run(["office", "summary", "--data-dir", office, "--month", "1405/08", *DESK], PW) == 0
    assert a.name in capsys.readouterr().out
    assert load_workbook(tmp_path / "s.xlsx")["کلینیک‌ها"].sheet_view.rightToLeft


def test_office_user_signs_in_with_argon2(tmp_path, capsys, fixed_office_clock):
    office = str(tmp_path / "office")
    assert run(["office", "init", "--data-dir", office, "--office", "اداره", "--username", "desk"],
               OFFICE_PASSWORD + "\n" + OFFICE_PASSWORD + "\n") == 0
    db = open_office(tmp_path / "office")
    with db.read() as s:
        stored = s.execute(text("SELECT password_hash FROM office_user")).scalar()
    db.dispose()
    assert stored.startswith("$argon2id$") and OFFICE_PASSWORD not in stored
    assert run(["office", "summary", "--data-dir", office, "--month", "1405/08", "--user", "desk"],
               "wrong-password\n") == 1
    assert "رمز عبور نادرست" in capsys.readouterr().err
    assert run(["office", "summary", "--data-dir", office, "--month", "1405/08", "--user", "desk"],
               OFFICE_PASSWORD + "\n") == 0


def test_office_and_clinic_folders_are_kept_apart(tmp_path, data_dir, capsys):
    # A clinic's folder is not made into an office, and an office command refuses a folder that is not one.
    assert run(["office", "init", "--data-dir", str(data_dir), "--office", "اداره", "--username", "desk"],
               OFFICE_PASSWORD + "\n" + OFFICE_PASSWORD + "\n") == 1
    assert "کلینیک" in capsys.readouterr().err
    assert run(["office", "summary", "--data-dir", str(tmp_path / "nothing"), "--month", "1405/08", *DESK], PW) == 1
    assert "office init" in capsys.readouterr().err


def test_office_schema_has_its_own_version_table(office):
    from app.storage.migrate import head_revision as clinic_head
    assert current_revision(office.db) == head_revision() == head_revision()
    with office.db.read() as s:
        tables = set(s.execute(text("SELECT name FROM sqlite_master WHERE type='table'")).scalars())
    assert VERSION_TABLE in tables and "alembic_version" not in tables
    assert all(t.startswith("office_") for t in tables if not t.startswith("sqlite_"))
    assert clinic_head() != "o001"


def test_excel_export_is_rtl_persian_and_writes_formulas_as_text(office, clinics, tmp_path):
    from app.office.export import summary_xlsx
    from app.office.receiving import receive_files
    from app.office.registry import add_clinic, ContractTerms
    from app.office.summary import month_summary
    a = clinics[0]
    add_clinic(office, a.certificate.read_bytes(), a.licence, name="=HYPERLINK(\"http://x\",\"y\")",
               county="-ری", contracts=(ContractTerms(a.contract_number, 100, 1_200_000),))
    assert receive_files(office, [write(tmp_path, "a.pdf", a.reports[(1405, 8)])])[0].accepted
    out = tmp_path / "month.xlsx"
    summary_xlsx(month_summary(office, 1405, 8), out)
    book = load_workbook(out)
    sheet = book["کلینیک‌ها"]
    assert sheet.sheet_view.rightToLeft and book["استان"].sheet_view.rightToLeft
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["شهرستان", "کلینیک", "شماره پروانه", "شماره قرارداد"]
    name, county = sheet.cell(2, 2), sheet.cell(2, 1)
    assert name.value.startswith("=HYPERLINK") and name.data_type == "s" and name.quotePrefix
    assert county.value == "-ری" and county.data_type == "s"
    assert sheet.cell(2, 5).value == 100  # numbers stay numbers


PG_URL = os.environ.get("PARVANDEH_TEST_PG_URL")


def test_office_on_postgresql(tmp_path, clinics, monkeypatch):
    from app.office.receiving import receive_files
    from app.office.registry import set_up_office, sign_in, signed_in_context
    from app.office.summary import month_summary
    empty_pg().dispose()
    monkeypatch.setenv("PARVANDEH_DATABASE_URL", PG_URL)
    db = open_office(tmp_path / "office", create=True)
    try:
        set_up_office(db, "اداره بهزیستی استان", "desk", OFFICE_PASSWORD)
        ctx = signed_in_context(db, tmp_path / "office", sign_in(db, "desk", OFFICE_PASSWORD), clock=lambda: RECEIVED_AT)
        for clinic in clinics:
            register(ctx, clinic)
        receipts = receive_files(ctx, [write(tmp_path / "in", f"{c.licence}.pdf", c.reports[(1405, 8)])
                                       for c in clinics])
        assert all(r.accepted for r in receipts)
        assert not receive_files(ctx, [tmp_path / "in" / f"{clinics[0].licence}.pdf"])[0].accepted
        summary = month_summary(ctx, 1405, 8)
        assert sorted(r.licence for r in summary.rows) == sorted(c.licence for c in clinics)
        with db.read() as s:
            assert s.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar() == head_revision()
    finally:
        db.dispose()
