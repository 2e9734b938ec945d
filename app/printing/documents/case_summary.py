"""خلاصه پرونده: one child's file, for a supervisor's visit or when the file goes back."""

from __future__ import annotations

from reportlab.platypus import KeepTogether, Spacer

from app.persian import format_jalali
from app.printing.data import CaseSummaryData, ProblemRecord
from app.printing.documents._common import child_page, child_pairs, jalali_or_dash, services_table, signature_block
from app.printing.layout import (Column, Progress, build_document, fa, fa_id, fa_text, frame_width, heading,
                                 key_value_table, para, rtl_table, styles)

TITLE = "خلاصه پرونده مددجو"


def render_case_summary(data: CaseSummaryData, out, progress: Progress | None = None) -> None:
    page = child_page(data, TITLE, f"{data.child.full_name} — {data.purpose}")
    width = frame_width(page)
    steps = [_opening, _behzisti, _family, _services, _problems, _reviews, _referrals, _closing]
    story: list = []
    for done, step in enumerate(steps, start=1):
        story += step(data, width)
        if progress is not None:
            progress(done, len(steps) + 1)
    build_document(out, page, story)
    if progress is not None:
        progress(len(steps) + 1, len(steps) + 1)


def _opening(data: CaseSummaryData, width: float) -> list:
    s = styles()
    story = [para(TITLE, s.title), para(fa_text(data.purpose), s.subtitle)]
    pairs = child_pairs(data.child, on=data.generated_at.date())
    if data.contract is not None:
        pairs += [("شماره قرارداد", fa_id(data.contract.number)),
                  ("کارشناس ناظر", data.contract.supervisor_name)]
    story += heading("مشخصات مددجو")
    story.append(key_value_table(pairs, width))
    return story


def _behzisti(data: CaseSummaryData, width: float) -> list:
    text = fa_text(data.behzisti_summary) or "خلاصه‌ای از بهزیستی دریافت نشده است."
    return heading("خلاصه پرونده از سوی بهزیستی") + [para(text, styles().body)]


def _family(data: CaseSummaryData, width: float) -> list:
    story = heading("اعضای خانواده")
    if not data.family:
        return story + [para("عضوی ثبت نشده است.", styles().body)]
    columns = (Column("ردیف", 2.4, "center"), Column("نام و نام خانوادگی", 9),
               Column("نسبت", 6), Column("تاریخ تولد", 5.4, "center"), Column("شغل", 6),
               Column("تلفن", 7, "center"), Column("توضیح", 9))
    rows = [(fa(i), m.full_name, m.relation_label, jalali_or_dash(m.birth_date),
             fa_text(m.occupation), fa_id(m.phone), fa_text(m.note)) for i, m in enumerate(data.family, start=1)]
    return story + [rtl_table(columns, rows, width)]


def _services(data: CaseSummaryData, width: float) -> list:
    story = heading("خدمات ارائه‌شده")
    if not data.services:
        return story + [para("خدمتی ثبت نشده است.", styles().body)]
    total = sum(s.minutes for s in data.services)
    note = f"{fa(len(data.services))} خدمت، مجموعاً {fa(total)} دقیقه"
    return story + [services_table(data.services, width, data.child.social_worker),
                    para(note, styles().small)]


def _problems(data: CaseSummaryData, width: float) -> list:
    story = heading("مشکلات و مراحل رسیدگی")
    if not data.problems:
        return story + [para("مشکلی ثبت نشده است.", styles().body)]
    for number, problem in enumerate(data.problems, start=1):
        story.append(KeepTogether(_problem_block(problem, number, width)))
        story.append(Spacer(1, 6))
    return story


def _problem_block(problem: ProblemRecord, number: int, width: float) -> list:
    s = styles()
    status = f"وضعیت فعلی: {problem.stage_label}"
    if problem.resolved:
        status += f" (رفع‌شده در {format_jalali(problem.resolved)})"
    title = f"{fa(number)}. {fa_text(problem.title)} — از {format_jalali(problem.opened)}؛ {status}"
    columns = (Column("تاریخ", 5, "center"), Column("مرحله", 7), Column("توضیح", 26))
    rows = [(format_jalali(step.date), step.stage_label, fa_text(step.note) or "—")
            for step in problem.steps]
    return [para(title, s.cell_bold), rtl_table(columns, rows, width)]


def _reviews(data: CaseSummaryData, width: float) -> list:
    story = heading("بررسی‌های شش‌ماهه")
    if not data.reviews:
        return story + [para("بررسی‌ای ثبت نشده است.", styles().body)]
    columns = (Column("تاریخ", 5, "center"), Column("بررسی‌کننده", 8),
               Column("مددکار حاضر", 8), Column("نتیجه", 20))
    rows = [(format_jalali(r.date), r.reviewer, r.social_worker, fa_text(r.outcome))
            for r in data.reviews]
    return story + [rtl_table(columns, rows, width)]


def _referrals(data: CaseSummaryData, width: float) -> list:
    story = heading("ارجاع‌ها")
    if not data.referrals:
        return story + [para("ارجاعی ثبت نشده است.", styles().body)]
    columns = (Column("تاریخ", 5, "center"), Column("مرجع", 10), Column("علت", 12),
               Column("نتیجه", 12))
    rows = [(format_jalali(r.date), fa_text(r.to_body), fa_text(r.reason),
             fa_text(r.outcome) or "—")
            for r in data.referrals]
    return story + [rtl_table(columns, rows, width)]


def _closing(data: CaseSummaryData, width: float) -> list:
    note = (f"تهیه‌شده در {format_jalali(data.generated_at.date())} توسط {data.generated_by}.")
    return [signature_block("امضا", data.signers, width, note=note)]
