"""Made-up sample data for every document, and a command that renders them for review.

Names are drawn at random from common given names and family names: they belong to nobody.
    python -m app.printing.samples [out_dir]
writes each document as PDF and PNG pages (pdftoppm) into docs/samples/ by default.
"""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
from pathlib import Path

from app.domain.enums import (
    CareDomain,
    CaseStatus,
    LivingArrangement,
    ProblemStage,
    Relation,
    Role,
    ServiceKind,
    ServiceMode,
    Sex,
)
from app.persian import from_jalali, month_bounds
from app.printing.data import (
    AbuseConcern,
    CaseSummaryData,
    ChildIdentity,
    ClientMonthRow,
    ClinicInfo,
    ContractInfo,
    FamilyMember,
    InvoiceData,
    MonthlyReportData,
    MonthlySummary,
    ProblemRecord,
    ReferralRecord,
    ReviewFormData,
    ReviewRecord,
    ReviewSection,
    ServiceLine,
    Signer,
    StageStep,
)

GIRL_NAMES = ("زهرا", "فاطمه", "مریم", "سارا", "نرگس", "مهسا", "الهام", "ریحانه", "کوثر",
              "هستی", "نازنین", "یاسمن", "آیدا", "ستاره", "مائده", "شیوا")
BOY_NAMES = ("علی", "محمد", "حسین", "رضا", "امیر", "مهدی", "سجاد", "پارسا", "آرین", "یاسین",
             "عرفان", "کیان", "مؤمن", "سینا", "ابوالفضل", "امیرحسین")
FAMILY_NAMES = ("احمدی", "محمدی", "کریمی", "رضایی", "حسینی", "موسوی", "جعفری", "صادقی",
                "قاسمی", "رحیمی", "نوروزی", "یزدانی", "شریفی", "کاظمی", "عباس‌زاده",
                "میرزایی", "طاهرخانی", "اسدالهی", "قربان‌پور", "سلیمانی")
WORKERS = ("مریم صالحی", "نسرین افشار", "حمید توکلی", "لیلا پاکزاد")
NOTES = (
    "بازدید از منزل انجام شد؛ وضعیت بهداشت و تغذیهٔ کودک مناسب است.",
    "پیگیری ثبت‌نام مدرسه (پایهٔ هفتم) با هماهنگی آموزش و پرورش ناحیه ۲.",
    "جلسهٔ مشاوره با مادر دربارهٔ روابط عاطفی؛ قرار بعدی ۱۴۰۵/۰۹/۱۵ ساعت ۱۰:۳۰.",
    "معرفی به مرکز مشاوره «امید» برای ارزیابی روان‌شناختی (تست MMPI).",
    "تماس تلفنی با خانواده؛ مبلغ ۲٬۵۰۰٬۰۰۰ ریال کمک هزینهٔ تحصیلی پیگیری شد.",
    "بررسی نشانه‌های کودک‌آزاری: موردی مشاهده نشد، پیگیری ادامه دارد.",
    "هماهنگی با کاریابی برای دورهٔ آموزش ICDL و معرفی به کارگاه خیاطی.",
    "مسئله: غیبت‌های مکرر از مدرسه [۸ روز در ماه]؛ برنامهٔ مداخله تدوین شد.",
)


def _name(rng: random.Random, sex: Sex | None = None) -> str:
    sex = sex or rng.choice(list(Sex))
    first = rng.choice(GIRL_NAMES if sex is Sex.FEMALE else BOY_NAMES)
    return f"{first} {rng.choice(FAMILY_NAMES)}"


def sample_clinic(logo_path: Path | None = None) -> ClinicInfo:
    return ClinicInfo(
        name="کلینیک مددکاری اجتماعی مهرآفرین",
        licence_number="۱۲۳/۴۵۶۷۸",
        licence_province="تهران",
        address="تهران، خیابان آزادی، کوچهٔ شانزدهم، پلاک ۱۲، طبقهٔ دوم",
        phones=("۰۲۱-۶۶۴۴۳۳۲۲", "۰۹۱۲۰۰۰۰۰۰۰"),
        manager_name="دکتر فرزانه نیک‌نام",
        logo_path=logo_path,
    )


def sample_contract() -> ContractInfo:
    return ContractInfo(
        number="۱۴۰۵/ق/۲۳۴",
        office_name="اداره بهزیستی شهرستان شمیرانات",
        programme="طرح توسعه برنامه مراقبت از فرزندان در خانواده",
        fee_per_case_month_rials=120_000,
        capacity=250,
        supervisor_name="سمیه رستمی",
        start=from_jalali(1405, 1, 1),
        end=from_jalali(1405, 12, 29),
    )


def _signers() -> list[Signer]:
    return [Signer(w, Role.SOCIAL_WORKER.label) for w in WORKERS[:2]] + [
        Signer("دکتر فرزانه نیک‌نام", Role.MANAGER.label)
    ]


def _services(rng: random.Random, year: int, month: int, count: int) -> list[ServiceLine]:
    first, last = month_bounds(year, month)
    days = (last - first).days
    lines = []
    for _ in range(count):
        kind = rng.choice(list(ServiceKind))
        domains = tuple(d.label for d in rng.sample(list(CareDomain), 2)) if kind is ServiceKind.CARE else ()
        lines.append(ServiceLine(
            date=first + dt.timedelta(days=rng.randint(0, days)),
            kind_label=kind.label,
            mode_label=rng.choice(list(ServiceMode)).label,
            minutes=rng.choice((15, 30, 45, 60, 90)),
            summary_text=rng.choice(NOTES),
            domain_labels=domains,
        ))
    return sorted(lines, key=lambda s: s.date)


def sample_monthly_report(clients: int = 24, *, year: int = 1405, month: int = 8,
                          seed: int = 7, correction: bool = False) -> MonthlyReportData:
    rng = random.Random(seed)
    rows = []
    for i in range(clients):
        rows.append(ClientMonthRow(
            behzisti_file_number=f"{rng.randint(10, 99)}-{rng.randint(10000, 99999)}",
            clinic_file_number=f"{year}-{i + 1:04d}",
            full_name=_name(rng),
            social_worker=rng.choice(WORKERS),
            services=_services(rng, year, month, rng.choice((0, 2, 3, 3, 4))),
            priority=rng.random() < 0.1,
            abuse_concern=rng.random() < 0.04,
        ))
    if len(rows) > 1:  # make sure the sample shows both flags
        rows[1] = _with_flags(rows[1])
    services = [s for r in rows for s in r.services]
    by_kind = {k.label: sum(s.kind_label == k.label for s in services) for k in ServiceKind}
    by_mode = {m.label: sum(s.mode_label == m.label for s in services) for m in ServiceMode}
    first, _ = month_bounds(year, month)
    concerns = [
        AbuseConcern(r.behzisti_file_number, first + dt.timedelta(days=9),
                     "گزارش فوری به اورژانس اجتماعی (۱۲۳) و بازدید مشترک با کارشناس ناظر.")
        for r in rows if r.abuse_concern
    ]
    summary = MonthlySummary(
        active_at_start=max(0, clients - 3), active_at_end=clients, new=5, closed=1,
        returned=1, services_by_kind=by_kind, services_by_mode=by_mode,
        home_visits=by_mode[ServiceMode.HOME_VISIT.label], reviews_done=4, reviews_due=6,
        abuse_concerns=concerns, referrals=by_kind[ServiceKind.REFERRAL.label],
        problems_opened=3, problems_resolved=2,
        total_minutes=sum(s.minutes for s in services),
    )
    report_id = f"MR-{year}{month:02d}-0007"
    return MonthlyReportData(
        report_id=report_id + ("-C1" if correction else ""),
        clinic=sample_clinic(), contract=sample_contract(), year=year, month=month,
        generated_at=dt.datetime(2026, 11, 22, 14, 5), generated_by="مریم صالحی",
        summary=summary, clients=rows, signers=_signers(),
        correction_number=1 if correction else None,
        replaces_report_id=report_id if correction else None,
        qr_payload=f"parvandeh:report:{report_id}:sha256:3f9a1c",
    )


def _with_flags(row: ClientMonthRow) -> ClientMonthRow:
    from dataclasses import replace

    return replace(row, priority=True, abuse_concern=True)


def sample_child(seed: int = 3) -> ChildIdentity:
    rng = random.Random(seed)
    return ChildIdentity(
        full_name="ریحانه طاهرخانی", father_name="مجید", sex_label=Sex.FEMALE.label,
        birth_date=dt.date(2011, 4, 2), national_code="0012345679",
        behzisti_file_number="43-20931", clinic_file_number="1405-0012",
        living_label=LivingArrangement.RELATIVES.label, status_label=CaseStatus.ACTIVE.label,
        social_worker=rng.choice(WORKERS), address="تهران، نارمک، خیابان گلبرگ (غربی)، پلاک ۴۲",
        phone="۰۹۱۲۱۱۱۲۲۳۳", discharge_date=dt.date(2023, 9, 1),
        received_date=from_jalali(1404, 2, 10), priority=True,
    )


def sample_case_summary() -> CaseSummaryData:
    rng = random.Random(11)
    services = []
    for year, month in ((1405, 6), (1405, 7), (1405, 8)):
        services += _services(rng, year, month, 3)
    problems = [
        ProblemRecord(
            title="افت تحصیلی و غیبت از مدرسه", opened=from_jalali(1405, 6, 3),
            stage_label=ProblemStage.FOLLOW_UP.label,
            steps=[
                StageStep(from_jalali(1405, 6, 3), ProblemStage.STUDY.label,
                          "گفت‌وگو با مدیر مدرسه و مشاور پایه."),
                StageStep(from_jalali(1405, 6, 20), ProblemStage.PLAN.label,
                          "برنامهٔ کلاس جبرانی (۳ جلسه در هفته)."),
                StageStep(from_jalali(1405, 7, 5), ProblemStage.ACTION.label, ""),
                StageStep(from_jalali(1405, 8, 1), ProblemStage.FOLLOW_UP.label,
                          "نمرهٔ ریاضی از ۹ به ۱۴ رسید."),
            ],
        ),
        ProblemRecord(
            title="نیاز به عینک طبی", opened=from_jalali(1405, 5, 12),
            stage_label=ProblemStage.RESOLVED.label,
            steps=[StageStep(from_jalali(1405, 5, 12), ProblemStage.STUDY.label, ""),
                   StageStep(from_jalali(1405, 5, 30), ProblemStage.RESOLVED.label,
                             "عینک با کمک خیّر تهیه شد.")],
            resolved=from_jalali(1405, 5, 30),
        ),
    ]
    return CaseSummaryData(
        document_id="CS-1405-0012-03", clinic=sample_clinic(),
        purpose="بازدید کارشناس ناظر", generated_at=dt.datetime(2026, 11, 22, 9, 40),
        generated_by="مریم صالحی", child=sample_child(),
        family=[
            FamilyMember("فاطمه طاهرخانی", Relation.GRANDPARENT.label, dt.date(1958, 1, 1),
                         "خانه‌دار", "۰۲۱-۷۷۸۸۹۹۰۰", "سرپرست فعلی"),
            FamilyMember("رضا طاهرخانی", Relation.UNCLE_AUNT.label, dt.date(1982, 6, 1),
                         "راننده (آژانس)", "۰۹۳۵۰۰۰۱۱۲۲"),
            FamilyMember("کیان طاهرخانی", Relation.SIBLING.label, dt.date(2014, 3, 3), "دانش‌آموز"),
        ],
        behzisti_summary=(
            "کودک از سال ۱۳۹۸ تا ۱۴۰۲ در مرکز شبانه‌روزی «نرگس» نگهداری شده و در شهریور ۱۴۰۲ "
            "به مادربزرگ پدری سپرده شده است. پدر (مجید) در سال ۱۳۹۷ فوت کرده و از مادر "
            "اطلاعی در دست نیست. توصیهٔ بهزیستی: پیگیری وضعیت تحصیلی، سلامت روان و ارتباط "
            "با برادر کوچک‌تر؛ مستمری ماهانه ۸٬۰۰۰٬۰۰۰ ریال."
        ),
        services=services, problems=problems,
        reviews=[ReviewRecord(from_jalali(1405, 2, 14), "دکتر فرزانه نیک‌نام", "مریم صالحی",
                              "وضعیت پایدار؛ ادامهٔ مراقبت ماهانه.")],
        referrals=[ReferralRecord(from_jalali(1405, 7, 18), "مرکز مشاوره «امید»",
                                  "ارزیابی اضطراب امتحان", "۴ جلسه انجام شد")],
        signers=[Signer("مریم صالحی", Role.SOCIAL_WORKER.label),
                 Signer("دکتر فرزانه نیک‌نام", Role.MANAGER.label)],
        contract=sample_contract(), qr_payload="parvandeh:case:1405-0012:CS-1405-0012-03",
    )


def sample_review_form() -> ReviewFormData:
    findings = {
        CareDomain.HEALTH: "واکسیناسیون کامل؛ معاینهٔ دندان‌پزشکی در مهر ۱۴۰۵ انجام شد.",
        CareDomain.PSYCHOLOGICAL: "اضطراب امتحان (خفیف)؛ ۴ جلسه مشاوره در مرکز «امید».",
        CareDomain.SCHOOLING: "پایهٔ نهم، معدل نیم‌سال اول ۱۶٫۵؛ غیبت‌ها کم شده است.",
        CareDomain.NUTRITION: "وعده‌های غذایی منظم؛ سبد غذایی ماهانه دریافت می‌شود.",
        CareDomain.LEISURE: "کلاس والیبال در فرهنگسرای محله (هفته‌ای ۲ بار).",
        CareDomain.FAMILY_RELATIONS: "رابطهٔ گرم با مادربزرگ؛ دیدار هفتگی با برادر.",
        CareDomain.ABUSE_WATCH: "نشانه‌ای از آزار یا بی‌توجهی دیده نشد.",
    }
    return ReviewFormData(
        document_id="RV-1405-0012-2", clinic=sample_clinic(), child=sample_child(),
        period_start=from_jalali(1405, 1, 1), period_end=from_jalali(1405, 6, 31),
        review_date=from_jalali(1405, 7, 12), reviewer="دکتر فرزانه نیک‌نام",
        attending_social_worker="مریم صالحی",
        sections=[ReviewSection(d.label, text, needs_action=d is CareDomain.PSYCHOLOGICAL)
                  for d, text in findings.items()],
        decisions=["ادامهٔ مشاوره تا پایان نیم‌سال دوم.",
                   "بازدید منزل ماهانه؛ بررسی بعدی در فروردین ۱۴۰۶.",
                   "درخواست کمک هزینهٔ تحصیلی از بهزیستی شهرستان."],
        signers=[Signer("دکتر فرزانه نیک‌نام", Role.MANAGER.label),
                 Signer("مریم صالحی", Role.SOCIAL_WORKER.label)],
        generated_at=dt.datetime(2026, 10, 4, 11, 0), generated_by="مریم صالحی",
        next_review=from_jalali(1406, 1, 20), qr_payload="parvandeh:review:RV-1405-0012-2",
    )


def sample_invoice() -> InvoiceData:
    return InvoiceData(
        invoice_id="INV-140508-0007", clinic=sample_clinic(), contract=sample_contract(),
        year=1405, month=8, payable_case_months=214, report_id="MR-140508-0007",
        issued_at=dt.datetime(2026, 11, 22, 15, 0), generated_by="مریم صالحی",
        signers=[Signer("دکتر فرزانه نیک‌نام", Role.MANAGER.label)],
        bank_name="بانک ملی ایران، شعبهٔ آزادی", bank_account="0101234567001",
        sheba="IR820170000000101234567001", qr_payload="parvandeh:invoice:INV-140508-0007",
    )


def sample_receivables_letter(invoices: int = 7):
    """A county office that owes seven months, one of them partly paid, and holds one cheque late."""
    from app.printing.documents.receivables_letter import LetterCheque, LetterInvoice, ReceivablesLetterData

    today = from_jalali(1405, 9, 2)
    rows = []
    for n in range(invoices):
        year, month0 = divmod(1405 * 12 + 7 - n, 12)
        month = month0 + 1
        delivered = from_jalali(year, month, 28) + dt.timedelta(days=12)
        amount = 180_000_000 + n * 7_250_000
        paid = 60_000_000 if n == 2 else 0
        rows.append(LetterInvoice(f"INV-{year}{month:02d}10-{n:04X}A1B2", "1405-101", year, month, amount, paid,
                                  amount - paid, delivered - dt.timedelta(days=2),
                                  None if n == 0 else delivered, None if n == 0 else (today - delivered).days))
    rows.sort(key=lambda r: (r.delivered_on is None, r.delivered_on or r.issued_on))
    cheque = LetterCheque("1404-088", "۹۸۷۶۵۴/۳۲", 1_500_000_000, from_jalali(1404, 1, 20), from_jalali(1404, 12, 29),
                          from_jalali(1405, 1, 29), (today - from_jalali(1405, 1, 29)).days)
    return ReceivablesLetterData(
        document_id="RC-14050902-7F3A21C9", clinic=sample_clinic(), office_name=sample_contract().office_name,
        as_of=today, generated_at=dt.datetime(2026, 11, 23, 10, 0), generated_by="دکتر فرزانه نیک‌نام",
        invoices=tuple(rows), cheques=(cheque,), signers=(Signer("دکتر فرزانه نیک‌نام", Role.MANAGER.label),),
        qr_payload="PARVANDEH:RC-14050902-7F3A21C9:" + "ab" * 32)


# --- rendering the samples ------------------------------------------------------------------


def sample_images(folder: Path) -> dict[str, Path]:
    """A logo, a handwritten-looking signature and a round stamp, drawn with Pillow."""
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    logo = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    d = ImageDraw.Draw(logo)
    d.ellipse((10, 10, 230, 230), fill=(18, 60, 105, 255))
    d.ellipse((60, 40, 180, 160), fill=(255, 255, 255, 255))
    d.rectangle((70, 150, 170, 200), fill=(255, 255, 255, 255))
    signature = Image.new("RGBA", (360, 140), (0, 0, 0, 0))
    d = ImageDraw.Draw(signature)
    points = [(20 + i * 8, 70 + int(35 * ((-1) ** i) * (1 - i / 45))) for i in range(42)]
    d.line(points, fill=(20, 40, 140, 255), width=5, joint="curve")
    stamp = Image.new("RGBA", (260, 260), (0, 0, 0, 0))
    d = ImageDraw.Draw(stamp)
    d.ellipse((8, 8, 252, 252), outline=(40, 70, 170, 200), width=10)
    d.ellipse((48, 48, 212, 212), outline=(40, 70, 170, 200), width=5)
    paths = {}
    for name, image in (("logo", logo), ("signature", signature), ("stamp", stamp)):
        paths[name] = folder / f"{name}.png"
        image.save(paths[name])
    return paths


def render_all(out_dir: Path, *, dpi: int = 70) -> list[Path]:
    """Render every document to PDF and PNG pages; return the files written."""
    import tempfile
    from dataclasses import replace

    from app.printing.documents.case_summary import render_case_summary
    from app.printing.documents.invoice import render_invoice
    from app.printing.documents.monthly_report import render_monthly_report
    from app.printing.documents.receivables_letter import render_receivables_letter
    from app.printing.documents.review_form import render_review_form
    from app.printing.documents.signature_stamp import render_signature_stamp

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        images = sample_images(Path(tmp))
        clinic = sample_clinic(images["logo"])
        signed = [Signer(WORKERS[0], Role.SOCIAL_WORKER.label, images["signature"]),
                  Signer(WORKERS[1], Role.SOCIAL_WORKER.label),
                  Signer("دکتر فرزانه نیک‌نام", Role.MANAGER.label, images["signature"],
                         images["stamp"])]
        monthly = replace(sample_monthly_report(24), clinic=clinic, signers=signed)
        jobs = {
            "monthly_report": lambda p: render_monthly_report(monthly, p),
            "monthly_report_correction": lambda p: render_monthly_report(
                replace(sample_monthly_report(6, correction=True), clinic=clinic), p),
            "monthly_report_landscape": lambda p: render_monthly_report(
                replace(sample_monthly_report(8), clinic=clinic), p, landscape=True),
            "case_summary": lambda p: render_case_summary(
                replace(sample_case_summary(), clinic=clinic), p),
            "review_form": lambda p: render_review_form(
                replace(sample_review_form(), clinic=clinic), p),
            "invoice": lambda p: render_invoice(
                replace(sample_invoice(), clinic=clinic, signers=signed[2:]), p),
            "receivables_letter": lambda p: render_receivables_letter(
                replace(sample_receivables_letter(), clinic=clinic, signers=tuple(signed[2:])), p),
            "signature_stamp": lambda p: p.write_bytes(render_signature_stamp(
                "دکتر فرزانه نیک‌نام", clinic.name, dt.datetime(2026, 11, 22, 14, 5),
                "تأیید گزارش عملکرد ماهانه آبان ۱۴۰۵")),
        }
        written = []
        for name, job in jobs.items():
            pdf = out_dir / f"{name}.pdf"
            job(pdf)
            for old in out_dir.glob(f"{name}-*.png"):
                old.unlink()
            resolution = dpi * 2 if name == "signature_stamp" else dpi
            subprocess.run(["pdftoppm", "-png", "-r", str(resolution), str(pdf),
                            str(out_dir / name)], check=True)
            pages = sorted(out_dir.glob(f"{name}-*.png"))
            for png in pages:
                _shrink_png(png)
            written += [pdf, *pages]
    return written


def _shrink_png(path: Path) -> None:
    """A 64-colour palette keeps a page image readable at a third of its size."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def benchmark(sizes: tuple[int, ...] = (200, 2000)) -> list[tuple[int, int, float, float]]:
    """(clients, pages, wall seconds, CPU seconds) for the monthly report at each size."""
    import io
    import time

    from app.printing.documents.monthly_report import render_monthly_report

    render_monthly_report(sample_monthly_report(2), io.BytesIO())  # fonts, caches
    results = []
    for size in sizes:
        data = sample_monthly_report(size, seed=size)
        out = io.BytesIO()
        wall, cpu = time.perf_counter(), time.process_time()
        render_monthly_report(data, out)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        pages = out.getvalue().count(b"/Type /Page\n") or out.getvalue().count(b"/Type /Page")
        results.append((size, pages, wall, cpu))
    return results


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--bench"]:
        for size, pages, wall, cpu in benchmark(tuple(int(a) for a in argv[1:]) or (200, 2000)):
            print(f"{size} clients, {pages} pages: {wall:.2f} s wall, {cpu:.2f} s CPU")
        return 0
    default = Path(__file__).resolve().parents[2] / "docs" / "samples"
    out_dir = Path(argv[0]) if argv else default
    for path in render_all(out_dir):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
