"""فرم بررسی وضعیت: the twice-yearly review of a child, held with a social worker present."""

from __future__ import annotations

from reportlab.platypus import Spacer

from app.domain.enums import Role
from app.persian import format_jalali
from app.printing.data import ReviewFormData
from app.printing.documents._common import child_page, NO, YES, child_pairs, jalali_or_dash, signature_block
from app.printing.layout import (Column, Progress, build_short_document, fa, fa_text, frame_width, heading,
                                 key_value_table, para, rtl_table, styles)

TITLE = "فرم بررسی وضعیت مددجو (شش‌ماهه)"


def render_review_form(data: ReviewFormData, out, progress: Progress | None = None) -> None:
    period = f"{format_jalali(data.period_start)} تا {format_jalali(data.period_end)}"
    page = child_page(data, TITLE, f"{data.child.full_name} — دوره {period}")
    width = frame_width(page)
    s = styles()
    story = [para(TITLE, s.title), para(f"دوره بررسی: {period}", s.subtitle)]
    story += heading("مشخصات مددجو")
    story.append(key_value_table(child_pairs(data.child, full=False, on=data.review_date), width))
    story += heading("جلسه بررسی")
    story.append(key_value_table([
        ("تاریخ بررسی", format_jalali(data.review_date)),
        (f"بررسی‌کننده ({Role.MANAGER.label})", data.reviewer),
        (f"{Role.SOCIAL_WORKER.label} حاضر", data.attending_social_worker),
        ("بررسی بعدی", jalali_or_dash(data.next_review)),
    ], width))
    story += _findings(data, width)
    story += _decisions(data)
    story.append(Spacer(1, 8))
    story.append(signature_block("امضای حاضران در جلسه", data.signers, width, space=False))
    build_short_document(out, page, story, progress)


def _findings(data: ReviewFormData, width: float) -> list:
    story = heading("یافته‌ها به تفکیک حوزه")
    columns = (Column("ردیف", 2.2, "center"), Column("حوزه", 7), Column("یافته‌ها", 26),
               Column("نیاز به اقدام", 4.6, "center"))
    alert = styles().alert_cell
    rows = [(fa(number), section.title, fa_text(section.findings),
             para(YES, alert) if section.needs_action else NO)
            for number, section in enumerate(data.sections, start=1)]
    return story + [rtl_table(columns, rows, width)]


def _decisions(data: ReviewFormData) -> list:
    s = styles()
    story = heading("تصمیم‌ها")
    if not data.decisions:
        return story + [para("تصمیمی ثبت نشده است.", s.body)]
    return story + [para(f"{fa(i)}. {fa_text(text)}", s.body)
                    for i, text in enumerate(data.decisions, start=1)]
