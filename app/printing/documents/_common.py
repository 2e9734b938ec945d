"""Pieces more than one document prints the same way."""

from __future__ import annotations

import datetime as dt

from reportlab.platypus import KeepTogether

from app.persian import age_text, format_jalali
from app.printing.data import ChangeRow, ChildIdentity, ServiceLine
from app.printing.layout import (Column, PageInfo, fa, fa_id, fa_text, heading, key_value_table, para, rtl_table,
                                 signature_row, signature_space, styles)

YES, NO = "بله", "خیر"


def child_page(data, title: str, subtitle: str) -> PageInfo:
    """The page header and footer of a document about one child (file summary, review form): it is
    confidential on every page and names itself by its document id."""
    return PageInfo(clinic=data.clinic, title=title, document_id=data.document_id, generated_at=data.generated_at,
                    qr_payload=data.qr_payload, subtitle=subtitle, id_label="شناسه سند", draft=data.draft,
                    confidential=True)


def signature_block(caption: str, signers, width: float, *, note: str = "", space: bool = True) -> KeepTogether:
    """The signatures closing a document under their caption (and a note), kept together on one
    page; `space` leaves the room the digital signature's box is drawn in."""
    s = styles()
    parts = [para(caption, s.heading)] + ([para(note, s.body)] if note else [])
    parts.append(signature_row(list(signers), width))
    if space:
        parts.append(signature_space())
    return KeepTogether(parts)


def jalali_or_dash(date) -> str:
    return format_jalali(date) if date else "—"


def child_pairs(child: ChildIdentity, *, full: bool = True, on: dt.date | None = None) -> list[tuple[str, str]]:
    """Label/value pairs that identify a child, in the order a Behzisti form lists them; with
    `on`, the age on that day stands beside the birth date."""
    age = age_text(child.birth_date, on) if on else ""
    born = jalali_or_dash(child.birth_date) + (f" ({age})" if age else "")
    pairs = [
        ("نام و نام خانوادگی", child.full_name),
        ("نام پدر", child.father_name),
        ("جنسیت", child.sex_label),
        ("تاریخ تولد", born),
        ("کد ملی", fa_id(child.national_code)),
        ("شماره پرونده بهزیستی", fa_id(child.behzisti_file_number)),
        ("شماره پرونده کلینیک", fa_id(child.clinic_file_number)),
        ("وضعیت زندگی", child.living_label),
    ]
    if full:
        pairs += [
            ("وضعیت پرونده", child.status_label),
            ("مددکار مسئول", child.social_worker),
            ("تاریخ ترخیص از مرکز", jalali_or_dash(child.discharge_date)),
            ("تاریخ واگذاری به کلینیک", jalali_or_dash(child.received_date)),
            ("اولویت‌دار", YES if child.priority else NO),
            ("تلفن", fa_id(child.phone) if child.phone else "—"),
            ("نشانی", fa_text(child.address) or "—"),
        ]
    return pairs


SERVICE_COLUMNS = (
    Column("ردیف", 2.6, "center"),
    Column("تاریخ", 5.6, "center"),
    Column("نوع خدمت", 8),
    Column("شیوه", 5.4),
    Column("دقیقه", 3.4, "center"),
    Column("مددکار", 7),
    Column("شرح خدمت", 24),
)


def services_table(services: list[ServiceLine], width: float, default_worker: str = ""):
    rows = []
    for number, s in enumerate(services, start=1):
        summary = fa_text(s.summary_text)
        if s.domain_labels:
            summary = f"{summary} (حوزه‌ها: {'، '.join(s.domain_labels)})"
        rows.append((fa(number), format_jalali(s.date), s.kind_label, s.mode_label,
                     fa(s.minutes), s.social_worker or default_worker, summary))
    return rtl_table(SERVICE_COLUMNS, rows, width, long=True)


CHANGE_COLUMNS = (
    Column("مورد", 16),
    Column("در سند امضاشده پیشین", 9, "center"),
    Column("در این اصلاحیه", 9, "center"),
)


def correction_section(number: int, replaces: str | None, reason: str, changes: list[ChangeRow],
                       width: float) -> list:
    """What a correction must say of itself: which signed document it replaces, why, and what changed."""
    s = styles()
    story = heading(f"اصلاحیه شماره {fa(number)}")
    story.append(key_value_table([
        ("جایگزین سند امضاشده", fa_id(replaces) if replaces else "—"),
        ("دلیل اصلاح", fa_text(reason) or "—"),
    ], width, per_row=1))
    if changes:
        story += heading("آنچه تغییر کرده است")
        rows = [(c.what, fa_text(c.before), fa_text(c.after)) for c in changes]
        story.append(rtl_table(CHANGE_COLUMNS, rows, width))
    else:
        story.append(para("رقم‌ها تغییری نکرده‌اند؛ فقط متن یا مشخصات سند اصلاح شده است.", s.body))
    return story
