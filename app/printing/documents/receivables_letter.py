"""صورت وضعیت مطالبات: a letter to a county office listing every open invoice (signed invoice number,
amount, day delivered, days outstanding) and every guarantee cheque held past its due day.

The clinic's evidence when it asks to be paid; printed, signed and recorded like the other
documents. Its data classes live here (not in app.printing.data) so this document is one module."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from reportlab.platypus import Spacer

from app.domain.documents import RECEIVABLES
from app.persian import format_jalali, format_month, format_number, number_to_words
from app.printing.data import ClinicInfo, Signer
from app.printing.documents._common import jalali_or_dash, signature_block
from app.printing.layout import (HEAD_FILL, Column, PageInfo, Progress, build_short_document, fa, fa_id, frame_width,
                                 heading, para, rtl_table, styles)

TITLE = RECEIVABLES.title


@dataclass(frozen=True)
class LetterInvoice:
    report_id: str  # the signed invoice's number, as printed on it
    contract_number: str
    year: int
    month: int
    amount_rials: int
    paid_rials: int
    outstanding_rials: int
    issued_on: dt.date
    delivered_on: Optional[dt.date]
    days_outstanding: Optional[int]


@dataclass(frozen=True)
class LetterCheque:
    contract_number: str
    cheque_number: str
    amount_rials: Optional[int]
    given_on: Optional[dt.date]
    contract_end: dt.date
    due_back: dt.date
    days_overdue: int


@dataclass(frozen=True)
class ReceivablesLetterData:
    document_id: str
    clinic: ClinicInfo
    office_name: str
    as_of: dt.date
    generated_at: dt.datetime
    generated_by: str
    invoices: tuple[LetterInvoice, ...]
    cheques: tuple[LetterCheque, ...]
    signers: tuple[Signer, ...] = ()
    qr_payload: str = ""

    @property
    def total_outstanding(self) -> int:
        return sum(i.outstanding_rials for i in self.invoices)

    @property
    def total_cheques(self) -> int:
        return sum(c.amount_rials or 0 for c in self.cheques)


def render_receivables_letter(data: ReceivablesLetterData, out, progress: Progress | None = None) -> None:
    page = PageInfo(clinic=data.clinic, title=TITLE, document_id=data.document_id,
                    generated_at=data.generated_at, qr_payload=data.qr_payload,
                    subtitle=f"{data.office_name} — تا تاریخ {format_jalali(data.as_of)}", id_label="شماره نامه")
    width = frame_width(page)
    s = styles()
    story = [para(TITLE, s.title),
             para(f"شماره {fa_id(data.document_id)} — تاریخ {format_jalali(data.as_of)}", s.subtitle),
             para(f"ریاست محترم {data.office_name}", s.heading),
             para("با سلام و احترام،", s.body),
             para(_opening(data), s.body)]
    story += _invoices(data, width)
    story += _cheques(data, width)
    story.append(Spacer(1, 6))
    story.append(para("خواهشمند است دستور فرمایید نسبت به پرداخت مانده مطالبات"
                      + (" و عودت چک‌های ضمانت" if data.cheques else "")
                      + " اقدام شود. صورتحساب‌های امضاشده پیوست نامه‌های تحویل پیشین است و شماره هر یک"
                        " در جدول آمده است.", s.body))
    story.append(Spacer(1, 8))
    story.append(signature_block("با احترام — مهر و امضای کلینیک", data.signers, width))
    build_short_document(out, page, story, progress)


def _opening(data: ReceivablesLetterData) -> str:
    text = (f"صورت وضعیت مطالبات «{data.clinic.name}» از آن اداره تا تاریخ {format_jalali(data.as_of)} "
            f"به شرح زیر است: {fa(len(data.invoices))} صورتحساب پرداخت‌نشده یا ناتمام به مبلغ "
            f"{format_number(data.total_outstanding)} ریال")
    if data.cheques:
        text += f"، و {fa(len(data.cheques))} چک ضمانت که موعد عودت آن گذشته است"
    return text + "."


INVOICE_COLUMNS = (
    Column("ردیف", 2.5, "center"), Column("شماره صورتحساب امضاشده", 11.0, "center"),
    Column("قرارداد", 4.0, "center"), Column("ماه خدمت", 6.2, "center"),
    Column("مبلغ صورتحساب (ریال)", 5.9, "center"), Column("پرداخت‌شده (ریال)", 5.3, "center"),
    Column("مانده (ریال)", 5.9, "center"), Column("تاریخ تحویل", 4.9, "center"),
    Column("روز گذشته", 3.4, "center"),
)


def _invoices(data: ReceivablesLetterData, width: float) -> list:
    if not data.invoices:
        return heading("صورتحساب‌های پرداخت‌نشده") + [para("صورتحساب پرداخت‌نشده‌ای نیست.", styles().body)]
    s = styles()
    rows = [(fa(n), fa_id(i.report_id), fa_id(i.contract_number), format_month(i.year, i.month),
             format_number(i.amount_rials), format_number(i.paid_rials), format_number(i.outstanding_rials),
             jalali_or_dash(i.delivered_on), "—" if i.days_outstanding is None else fa(i.days_outstanding))
            for n, i in enumerate(data.invoices, start=1)]
    total_row = len(rows) + 1
    rows.append(("", "جمع مانده", "", "", "", "", para(format_number(data.total_outstanding), s.cell_bold_center),
                 "", ""))
    commands = [("SPAN", (0, total_row), (5, total_row)), ("BACKGROUND", (0, total_row), (-1, total_row), HEAD_FILL)]
    words = f"جمع مانده به حروف: {number_to_words(data.total_outstanding)} ریال"
    return heading("صورتحساب‌های پرداخت‌نشده (قدیمی‌ترین نخست)") + [
        rtl_table(INVOICE_COLUMNS, rows, width, commands=commands, long=True), Spacer(1, 4), para(words, s.alert)]


CHEQUE_COLUMNS = (
    Column("ردیف", 2.2, "center"), Column("قرارداد", 5, "center"), Column("شماره چک", 5.5, "center"),
    Column("مبلغ (ریال)", 6.5, "center"), Column("تاریخ تحویل", 5, "center"),
    Column("پایان قرارداد", 5, "center"), Column("موعد عودت", 5, "center"), Column("روز دیرکرد", 4, "center"),
)


def _cheques(data: ReceivablesLetterData, width: float) -> list:
    if not data.cheques:
        return []
    rows = [(fa(n), fa_id(c.contract_number), fa_id(c.cheque_number) or "—",
             format_number(c.amount_rials) if c.amount_rials is not None else "—", jalali_or_dash(c.given_on),
             format_jalali(c.contract_end), format_jalali(c.due_back), fa(c.days_overdue))
            for n, c in enumerate(data.cheques, start=1)]
    return heading("چک‌های ضمانت عودت‌نشده") + [rtl_table(CHEQUE_COLUMNS, rows, width)]
