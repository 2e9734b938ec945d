"""صورتحساب: payable case-months × the contract's fee, in figures and in Persian words."""

from __future__ import annotations

from reportlab.platypus import Spacer

from app.persian import format_jalali, format_month, format_number, iran_date, number_to_words
from app.printing.documents._common import correction_section, signature_block
from app.printing.data import InvoiceData
from app.printing.layout import (HEAD_FILL, Column, PageInfo, Progress, build_short_document, fa, fa_id, fa_text,
                                 frame_width, heading, key_value_table, para, rtl_table, styles)

TITLE = "صورتحساب"


def amount_in_words(rials: int) -> str:
    return f"{number_to_words(rials)} ریال"  # the same words as InvoiceData.total_in_words


def render_invoice(data: InvoiceData, out, progress: Progress | None = None) -> None:
    month = format_month(data.year, data.month)
    page = PageInfo(
        clinic=data.clinic, title=TITLE, document_id=data.invoice_id,
        generated_at=data.issued_at, qr_payload=data.qr_payload,
        subtitle=f"{month} — {data.contract.office_name}", id_label="شماره صورتحساب",
        draft=data.draft,
    )
    width = frame_width(page)
    s = styles()
    story = [para(f"{TITLE} خدمات — {month}", s.title),
             para(f"شماره {fa_id(data.invoice_id)} — تاریخ {format_jalali(iran_date(data.issued_at))}",
                  s.subtitle)]
    if data.correction_number:
        story += correction_section(data.correction_number, data.replaces_id, data.correction_reason,
                                    data.changes, width)
    story += _parties(data, width)
    story += _amounts(data, width)
    story += _bank(data, width)
    if data.note:
        story += heading("توضیحات") + [para(fa_text(data.note), s.body)]
    story.append(Spacer(1, 10))
    story.append(signature_block("مهر و امضای کلینیک", data.signers, width))
    build_short_document(out, page, story, progress)


def _parties(data: InvoiceData, width: float) -> list:
    clinic, contract = data.clinic, data.contract
    phones = "، ".join(fa_id(p) for p in clinic.phones) or "—"
    return heading("مشخصات طرفین") + [key_value_table([
        ("ارائه‌دهنده خدمت", clinic.name),
        ("شماره پروانه فعالیت", fa_id(clinic.licence_number)),
        ("نشانی", fa_text(clinic.address)),
        ("تلفن", phones),
        ("کارفرما", contract.office_name),
        ("شماره قرارداد", fa_id(contract.number)),
        ("برنامه", contract.programme),
        ("کارشناس ناظر", contract.supervisor_name),
    ], width)]


def _amounts(data: InvoiceData, width: float) -> list:
    s = styles()
    month = format_month(data.year, data.month)
    description = f"خدمات مددکاری اجتماعی {month} طبق قرارداد شماره {fa_id(data.contract.number)}"
    if data.report_id:
        description += f" (مستند به گزارش عملکرد ماهانه {fa_id(data.report_id)})"
    columns = (Column("ردیف", 2.2, "center"), Column("شرح", 20),
               Column("تعداد پرونده-ماه", 5.5, "center"), Column("تعرفه (ریال)", 6, "center"),
               Column("مبلغ (ریال)", 7.5, "center"))
    rows = [
        (fa(1), description, format_number(data.payable_case_months),
         format_number(data.fee_rials), format_number(data.total_rials)),
        ("", "جمع کل", "", "", para(format_number(data.total_rials), s.cell_bold_center)),
    ]
    commands = [("SPAN", (0, 2), (3, 2)), ("BACKGROUND", (0, 2), (-1, 2), HEAD_FILL)]
    table = rtl_table(columns, rows, width, zebra=False, commands=commands)
    words = f"مبلغ به حروف: {data.total_in_words}"
    return heading("مبلغ قابل پرداخت") + [table, Spacer(1, 4), para(words, s.alert)]


def _bank(data: InvoiceData, width: float) -> list:
    pairs = []
    if data.bank_name:
        pairs.append(("بانک", data.bank_name))
    if data.bank_account:
        pairs.append(("شماره حساب", fa_id(data.bank_account)))
    if data.sheba:
        pairs.append(("شماره شبا", fa_id(_grouped_iban(data.sheba))))
    if not pairs:
        return []
    return heading("پرداخت به حساب کلینیک") + [key_value_table(pairs, width, per_row=1)]


def _grouped_iban(sheba: str) -> str:
    """IR82 0170 0000 ... reads and copies more reliably than one long run."""
    compact = sheba.replace(" ", "")
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))
