from app.domain.documents import DOCUMENT_KINDS, MONTHLY, document_file_name, document_title
from app.printing.documents import monthly_report
from app.printing.signing import DEFAULT_REASON
from app.services import reports


def test_one_table_names_each_document_everywhere():
    assert document_title("monthly") == MONTHLY.title == monthly_report.TITLE == DEFAULT_REASON
    assert {k: (d.title, d.stem) for k, d in DOCUMENT_KINDS.items()} == reports.KINDS


def test_file_names_are_ascii_and_carry_the_period():
    name = document_file_name("monthly", "MR-14050902-1A2B3C4D", 1405, 8)
    assert name == "monthly-report-1405-08-MR-14050902-1A2B3C4D.pdf" and name.isascii()


def test_an_unknown_kind_shows_as_itself_rather_than_failing():
    # A registry row written by a newer program must still list.
    assert document_title("ledger") == "ledger"
    assert document_file_name("ledger", "X-1") == "ledger-X-1.pdf"
