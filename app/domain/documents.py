"""The kinds of document the program makes: each one's Persian title and its file name's stem.

One table, read by the services (signature reason, stamp, registry, file names), the reports
page and the command line, so a document is called the same everywhere.
"""

from __future__ import annotations

from typing import NamedTuple, Optional


class DocumentKind(NamedTuple):
    key: str    # stored in the report registry and the embedded data
    title: str  # Persian: the signature's reason, the stamp, the screen
    stem: str   # ASCII: the start of the file name, so every PC and e-mail keeps it


MONTHLY = DocumentKind("monthly", "گزارش عملکرد ماهانه", "monthly-report")
INVOICE = DocumentKind("invoice", "صورتحساب", "invoice")
CASE = DocumentKind("case", "خلاصه پرونده", "case-summary")
REVIEW = DocumentKind("review", "فرم بررسی شش‌ماهه", "review-form")
RECEIVABLES = DocumentKind("receivables", "صورت وضعیت مطالبات", "receivables-letter")

DOCUMENT_KINDS: dict[str, DocumentKind] = {k.key: k for k in (MONTHLY, INVOICE, CASE, REVIEW, RECEIVABLES)}


def document_title(kind: str) -> str:
    """The Persian title of a kind; an unknown kind (from an older or newer program) shows as itself."""
    known = DOCUMENT_KINDS.get(kind)
    return known.title if known else kind


def document_file_name(kind: str, report_id: str, year: Optional[int] = None, month: Optional[int] = None) -> str:
    """«monthly-report-1405-08-MR-14050902-1A2B3C4D.pdf»: ASCII, so every PC and e-mail keeps it."""
    known = DOCUMENT_KINDS.get(kind)
    stem = known.stem if known else kind
    period = f"-{year}-{month:02d}" if year and month else ""
    return f"{stem}{period}-{report_id}.pdf"
