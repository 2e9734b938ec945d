"""گزارش عملکرد ماهانه: the clinic's monthly performance report to the county office."""

from __future__ import annotations

from functools import lru_cache

from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from app.domain.documents import MONTHLY
from app.domain.enums import CaseStatus
from app.persian import format_jalali, format_month, format_number, format_rials
from app.printing.bidi_text import RtlParagraph, RtlStack
from app.printing.documents._common import correction_section
from app.printing.data import ClientMonthRow, MonthlyReportData, MonthlySummary, jalali_date
from app.printing.layout import (
    ALERT_INK,
    Column,
    GroupedTable,
    RowGroup,
    PageInfo,
    Progress,
    ZEBRA,
    banner,
    build_document,
    fa,
    fa_id,
    fa_text,
    frame_width,
    heading,
    key_value_table,
    para,
    rtl_style,
    rtl_table,
    signature_row,
    signature_space,
    styles,
)

TITLE = MONTHLY.title

CLIENT_COLUMNS = (
    Column("ردیف", 4.4, "center"),
    Column("مددجو", 17),
    Column("تاریخ", 8.4, "center"),
    Column("نوع خدمت", 11),
    Column("شیوه", 7.5),
    Column("دقیقه", 5, "center"),
    Column("شرح خدمت", 30),
)
SERVICE_START = 2  # logical index of the first per-service column


def render_monthly_report(data: MonthlyReportData, out, progress: Progress | None = None, *,
                          landscape: bool = False) -> None:
    """Write the report as PDF to `out` (a path or a binary file object).

    progress(done, total) is called with clients laid out so far, from the calling thread.
    """
    page = page_info(data, landscape)
    width = frame_width(page)
    story = _opening(data, width)
    story += _summary(data.summary, width)
    story += _abuse_concerns(data, width)
    tables = _client_tables(data, width)
    story += heading("خدمات ارائه‌شده به تفکیک مددجو", 150)
    story += tables
    story += _closing(data, width)
    total = len(data.clients)

    def on_flowable(flowable):
        done = getattr(flowable, "progress_mark", None)
        if progress is not None and done is not None:
            progress(done, total)

    build_document(out, page, story, on_flowable)
    if progress is not None:
        progress(total, total)


def page_info(data: MonthlyReportData, landscape: bool = False) -> PageInfo:
    banner_text = ""
    if data.correction_number:
        banner_text = correction_text(data)
    return PageInfo(
        clinic=data.clinic, title=TITLE, document_id=data.report_id,
        generated_at=data.generated_at, qr_payload=data.qr_payload,
        subtitle=f"{format_month(data.year, data.month)} — {data.contract.office_name}",
        banner=banner_text, landscape=landscape,
        draft=data.draft, confidential=True,
    )


def correction_text(data: MonthlyReportData) -> str:
    text = f"اصلاحیه شماره {fa(data.correction_number)}"
    if data.replaces_report_id:
        text += f" — جایگزین گزارش {fa_id(data.replaces_report_id)}"
    return text


def _opening(data: MonthlyReportData, width: float) -> list:
    s = styles()
    contract = data.contract
    story = []
    if data.correction_number:
        story += [banner(correction_text(data), width), Spacer(1, 6)]
    story.append(para(f"{TITLE} — {format_month(data.year, data.month)}", s.title))
    story.append(para(f"به: {contract.office_name}", s.subtitle))
    pairs = [
        ("شماره قرارداد", fa_id(contract.number)),
        ("برنامه", contract.programme),
        ("دوره قرارداد", f"{format_jalali(contract.start)} تا {format_jalali(contract.end)}"),
        ("کارشناس ناظر", contract.supervisor_name),
        ("ظرفیت قرارداد", f"{format_number(contract.capacity)} پرونده"),
        ("تعرفه هر پرونده در ماه", format_rials(contract.fee_per_case_month_rials)),
        ("مدیر کلینیک", data.clinic.manager_name),
        ("تهیه‌کننده", data.generated_by),
    ]
    story.append(key_value_table(pairs, width))
    if data.correction_number:
        story += correction_section(data.correction_number, data.replaces_report_id, data.correction_reason,
                                    data.changes, width)
    return story


def _summary(summary: MonthlySummary, width: float) -> list:
    s = styles()
    hours, minutes = divmod(summary.total_minutes, 60)
    counts = [
        ("پرونده‌های فعال در ابتدای ماه", summary.active_at_start),
        ("پرونده‌های فعال در پایان ماه", summary.active_at_end),
        ("پرونده‌های جدید", summary.new),
        (f"پرونده‌های {CaseStatus.CLOSED.label}", summary.closed),
        ("پرونده‌های عودت‌شده به بهزیستی", summary.returned),
        ("بازدیدهای منزل", summary.home_visits),
        ("بررسی‌های شش‌ماهه انجام‌شده", summary.reviews_done),
        ("بررسی‌های شش‌ماهه سررسیدشده", summary.reviews_due),
        ("ارجاع‌ها", summary.referrals),
        ("مشکلات جدید", summary.problems_opened),
        ("مشکلات رفع‌شده", summary.problems_resolved),
        ("موارد نگرانی کودک‌آزاری", len(summary.abuse_concerns)),
    ]
    half = (len(counts) + 1) // 2
    column = (Column("شاخص", 7), Column("تعداد", 2.2, "center"))
    count_rows = [(label, format_number(value)) for label, value in counts]
    left = rtl_table(column, count_rows[:half], width * 0.49)
    right = rtl_table(column, count_rows[half:], width * 0.49)
    by_kind = rtl_table((Column("نوع خدمت", 7), Column("تعداد", 2.2, "center")),
                        _count_rows(summary.services_by_kind, summary.total_services),
                        width * 0.49, commands=_total_row_style())
    by_mode = rtl_table((Column("شیوه ارائه", 7), Column("تعداد", 2.2, "center")),
                        _count_rows(summary.services_by_mode, summary.total_services),
                        width * 0.49, commands=_total_row_style())
    total_time = f"مجموع زمان خدمات: {format_number(hours)} ساعت و {format_number(minutes)} دقیقه"
    return [
        *heading("خلاصه عملکرد ماه"),
        _side_by_side(left, right, width),
        Spacer(1, 6),
        _side_by_side(by_kind, by_mode, width),
        para(total_time, s.body),
    ]


def _count_rows(counts: dict[str, int], total: int) -> list[tuple[str, str]]:
    rows = [(label, format_number(n)) for label, n in counts.items()]
    rows.append(("جمع", format_number(total)))
    return rows


def _total_row_style() -> list[tuple]:
    return [("BACKGROUND", (0, -1), (-1, -1), ZEBRA), ("LINEABOVE", (0, -1), (-1, -1), 0.8, "#52606d")]


def _side_by_side(first, second, width: float) -> Table:
    """Two tables in a row, the first at the right."""
    table = Table([[second, first]], colWidths=[width / 2, width / 2], hAlign="CENTER")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("ALIGN", (0, 0), (0, 0), "LEFT"),
        ("ALIGN", (1, 0), (1, 0), "RIGHT"),
    ]))
    return table


def _abuse_concerns(data: MonthlyReportData, width: float) -> list:
    s = styles()
    story = heading("موارد نگرانی کودک‌آزاری و اقدامات انجام‌شده")
    concerns = data.summary.abuse_concerns
    if not concerns:
        story.append(para("در این ماه موردی ثبت نشده است.", s.body))
        return story
    columns = (Column("ردیف", 1, "center"), Column("شماره پرونده بهزیستی", 3, "center"),
               Column("تاریخ", 2.4, "center"), Column("اقدام انجام‌شده", 14))
    rows = [(fa(i), fa_id(c.file_number), format_jalali(c.date), fa_text(c.action_note))
            for i, c in enumerate(concerns, start=1)]
    story.append(rtl_table(columns, rows, width))
    return story


def _client_tables(data: MonthlyReportData, width: float) -> list:
    if not data.clients:
        return [para("در این ماه مددجویی ثبت نشده است.", styles().body)]
    return [GroupedTable(CLIENT_COLUMNS, _client_groups(data), width)]


def _client_groups(data: MonthlyReportData):
    """One group of rows per client, made only when the table reaches it (a generator): a long
    month's cells are never all in memory at once."""
    for index, client in enumerate(data.clients, start=1):
        rows = _client_rows(client, index)
        yield RowGroup(rows, _client_commands(client, index, len(rows)), progress_mark=index)


def _client_rows(client: ClientMonthRow, index: int) -> list[list]:
    s = styles()
    identity = [fa(index), _client_cell(client)]
    if not client.services:
        return [identity + [RtlParagraph("در این ماه خدمتی ثبت نشده است.", s.small),
                            "", "", "", ""]]
    rows = []
    for n, service in enumerate(client.services):
        summary = fa_text(service.summary_text)
        if service.domain_labels:
            summary = f"{summary} (حوزه‌ها: {'، '.join(service.domain_labels)})"
        row = identity if n == 0 else ["", ""]
        rows.append(row + [jalali_date(service.date), service.kind_label, service.mode_label,
                           fa(service.minutes), summary])
    return rows


def _client_cell(client: ClientMonthRow) -> RtlStack:
    """Name, file numbers, social worker and flags stacked in one cell."""
    s = styles()
    cell = [RtlParagraph(client.full_name, s.cell_bold)]
    flags = []
    if client.priority:
        flags.append("اولویت‌دار")
    if client.abuse_concern:
        flags.append("نگرانی کودک‌آزاری")
    if flags:
        cell.append(RtlParagraph("، ".join(flags), _flag_style()))
    cell.append(RtlParagraph(f"پرونده بهزیستی: {fa_id(client.behzisti_file_number)}", s.small))
    cell.append(RtlParagraph(f"پرونده کلینیک: {fa_id(client.clinic_file_number)}", s.small))
    cell.append(RtlParagraph(f"مددکار: {client.social_worker}", s.small))
    return RtlStack(cell)


@lru_cache(maxsize=1)
def _flag_style():
    return rtl_style("flag", 7.5, bold=True, color=ALERT_INK)


def _client_commands(client: ClientMonthRow, index: int, count: int) -> list[tuple]:
    """Table commands for one client's rows, counted from the client's first row."""
    last = count - 1
    commands = [("LINEABOVE", (0, 0), (-1, 0), 0.9, "#52606d"),
                ("VALIGN", (0, 0), (SERVICE_START - 1, last), "TOP")]
    if last > 0:
        commands += [("SPAN", (col, 0), (col, last)) for col in range(SERVICE_START)]
    if not client.services:
        commands.append(("SPAN", (SERVICE_START, 0), (-1, 0)))
    if index % 2 == 0:
        commands.append(("BACKGROUND", (0, 0), (-1, last), ZEBRA))
    return commands


def _closing(data: MonthlyReportData, width: float) -> list:
    s = styles()
    note = (f"این گزارش در تاریخ {format_jalali(data.generated_at.date())} توسط "
            f"{data.generated_by} تهیه شده و صحت مندرجات آن مورد تأیید امضاکنندگان است.")
    block = [para("تأیید و امضا", s.heading), para(note, s.body), Spacer(1, 4),
             signature_row(data.signers, width), signature_space()]
    return [KeepTogether(block)]
