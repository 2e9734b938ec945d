"""Issue 10 at the service level: the signed month closed for every record feeding the report,
invoices that follow the signed report, months, corrections, every kind on record, Iran time."""

import datetime as dt
import json

import pytest

from app.errors import ValidationError
from app.models import AuditEntry, ReportRecord, SignedMonthChange
from app.printing.embed import list_embedded_files
from app.printing.verify import verify_pdf
from app.services import reports
from app.services.cases import CaseInput, case_detail, change_status, update_case
from app.services.context import ServiceContext
from app.services.problems import advance_problem, open_problem
from app.services.referrals import add_referral
from app.services.reviews import add_review
from app.services.signed_months import month_needs_correction, months_needing_correction
from app.services.visits import add_service
from tests.conftest import PASSWORD
from tests.services.test_reports import ABAN, month, visit  # noqa: F401 - fixture


@pytest.fixture
def signed_aban(ctx, contract, month):
    reports.create_signing_key(ctx, PASSWORD)
    return reports.generate_monthly(ctx, contract.id, *ABAN, sign_password=PASSWORD)


def _counts(ctx):
    with ctx.db.read() as s:
        return (s.query(SignedMonthChange).count(), s.query(ReportRecord).count(),
                s.query(AuditEntry).filter(AuditEntry.action == "signed_month_change").count())


WRITES = {
    "review": lambda ctx, a, worker, **kw: add_review(ctx, a.id, social_worker_id=worker.id, findings="دیرتر",
                                                     on="1405/08/18", **kw),
    "referral": lambda ctx, a, worker, **kw: add_referral(ctx, a.id, to_body="مدرسه", reason="افت", on="1405/08/19",
                                                         **kw),
    "problem": lambda ctx, a, worker, **kw: open_problem(ctx, a.id, "مشکل تازه", on="1405/08/19", **kw),
    "status": lambda ctx, a, worker, **kw: change_status(ctx, a.id, "closed", on="1405/08/28", reason="پایان",
                                                        **kw),
}


@pytest.mark.parametrize("kind", sorted(WRITES))
def test_every_record_dated_in_a_signed_month_needs_a_reason_and_marks_the_month(ctx, contract, worker, month,
                                                                                  signed_aban, kind):
    a, _, _ = month
    before = _counts(ctx)
    with pytest.raises(ValidationError) as err:
        WRITES[kind](ctx, a, worker)
    assert err.value.field == "amend_reason" and "آبان ۱۴۰۵" in err.value.message
    assert _counts(ctx) == before  # nothing half-saved
    assert not month_needs_correction_now(ctx, contract)
    WRITES[kind](ctx, a, worker, amend_reason="از دفتر جا افتاده بود")
    changes, _, audited = _counts(ctx)
    assert changes == before[0] + 1 and audited == before[2] + 1
    marks = months_needing_correction(ctx)
    assert [(m.year, m.month, m.report_id) for m in marks] == [(1405, 8, signed_aban.report_id)]


def month_needs_correction_now(ctx, contract):
    with ctx.db.read() as s:
        return month_needs_correction(s, contract.id, *ABAN)


def test_problem_steps_and_moved_file_dates_in_a_signed_month(ctx, contract, month, signed_aban):
    a, b, _ = month
    pid = open_problem(ctx, a.id, "تازه", on="1405/07/20").id  # Mehr is not signed: no reason needed
    advance_problem(ctx, pid, "plan", "برنامه", on="1405/09/01")  # nor is Azar
    with pytest.raises(ValidationError) as err:  # a step dated in signed Aban
        advance_problem(ctx, pid, "action", "اقدام", on="1405/08/25")
    assert err.value.field == "amend_reason"
    advance_problem(ctx, pid, "action", "اقدام", on="1405/08/25", amend_reason="گام جاافتاده")
    detail = case_detail(ctx, b.id)
    data = CaseInput(behzisti_file_number=detail.behzisti_file_number, first_name=detail.first_name,
                     last_name=detail.last_name, sex="male", living_arrangement="own_family",
                     received_on="1405/08/14", discharge_date=dt.date(2024, 5, 1), contract_id=contract.id,
                     social_worker_id=detail.social_worker_id, priority=True, priority_reason="نیاز فوری")
    with pytest.raises(ValidationError) as err:  # received 1405/08/10 -> 08/14: inside signed Aban
        update_case(ctx, b.id, data)
    assert err.value.field == "amend_reason"
    data.amend_reason = "تاریخ دریافت اشتباه ثبت شده بود"
    update_case(ctx, b.id, data)
    assert month_needs_correction_now(ctx, contract)


def test_a_correction_clears_the_mark_and_prints_what_changed(ctx, contract, month, signed_aban):
    a, _, _ = month
    add_service(ctx, a.id, visit("1405/08/22", minutes=45, amend_reason="جا افتاده"))
    correction = reports.generate_monthly(ctx, contract.id, *ABAN, sign_password=PASSWORD,
                                          correction_reason="خدمت ۲۲ آبان")
    assert not months_needing_correction(ctx)
    document = json.loads(correction.data_json)
    assert document["kind"] == "monthly" and document["replaces_report_id"] == signed_aban.report_id
    assert document["correction_reason"] == "خدمت ۲۲ آبان"
    changed = {c["what"]: (c["before"], c["after"]) for c in document["changes"]}
    assert changed["مجموع خدمات"] == ("۴", "۵")
    assert any(what.startswith("پرونده B00001") for what in changed)
    import unicodedata
    text = unicodedata.normalize("NFKC", _pdf_text(correction.pdf))
    assert "اصلاحیه شماره" in text and "دلیل اصلاح" in text and "آنچه تغییر کرده است" in text
    assert signed_aban.report_id in text


def _pdf_text(pdf: bytes) -> str:
    import subprocess
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.pdf"
        path.write_bytes(pdf)
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout


def test_drafts_are_not_numbered_and_say_draft_on_every_page(ctx, contract, month, signed_aban):
    a, _, _ = month
    add_service(ctx, a.id, visit("1405/08/23", amend_reason="جا افتاده"))
    draft = reports.generate_monthly(ctx, contract.id, *ABAN)
    assert not draft.signed and draft.correction_number == 0
    assert json.loads(draft.data_json)["draft"] is True
    import unicodedata
    text = unicodedata.normalize("NFKC", _pdf_text(draft.pdf))
    pages = text.count("\f")
    assert pages >= 2 and text.count("امضا نشده است") == pages  # the footer mark, on every page
    signed_text = unicodedata.normalize("NFKC", _pdf_text(signed_aban.pdf))
    assert "امضا نشده است" not in signed_text


def test_invoice_needs_the_signed_report_and_agrees_with_it(ctx, contract, month):
    reports.create_signing_key(ctx, PASSWORD)
    with pytest.raises(ValidationError) as err:  # no signed report yet
        reports.generate_invoice(ctx, contract.id, *ABAN, sign_password=PASSWORD)
    assert "هنوز امضا نشده" in err.value.message
    reports.generate_monthly(ctx, contract.id, *ABAN)  # a draft report is not enough
    with pytest.raises(ValidationError):
        reports.generate_invoice(ctx, contract.id, *ABAN, sign_password=PASSWORD)
    report = reports.generate_monthly(ctx, contract.id, *ABAN, sign_password=PASSWORD)
    invoice = reports.generate_invoice(ctx, contract.id, *ABAN, sign_password=PASSWORD)
    body = json.loads(invoice.data_json)
    assert body["kind"] == "invoice" and body["cites_report_id"] == report.report_id
    assert body["payable_case_months"] == json.loads(report.data_json)["payable_case_months"] == 3
    assert body["total_rials"] == 3 * 1_200_000
    records = {r.id: r for r in reports.list_reports(ctx)}
    assert records[invoice.report_id].cites_id == report.report_id
    with pytest.raises(ValidationError) as err:  # double billing
        reports.generate_invoice(ctx, contract.id, *ABAN, sign_password=PASSWORD, correction_reason="دوباره")
    assert "تغییر نکرده" in err.value.message
    count = len(reports.list_reports(ctx))
    # The month changes after signing: the invoice waits for the report's correction.
    a, _, _ = month
    change_status(ctx, a.id, "closed", on="1405/08/02", reason="پایان", amend_reason="دیر ثبت شد")
    with pytest.raises(ValidationError) as err:
        reports.generate_invoice(ctx, contract.id, *ABAN, sign_password=PASSWORD, correction_reason="x")
    assert "اصلاحیه گزارش" in err.value.message
    assert len(reports.list_reports(ctx)) == count  # no registry row for a refused signing


def test_a_new_file_received_in_a_signed_month_needs_a_reason(ctx, contract, month, make_case):
    reports.create_signing_key(ctx, PASSWORD)
    reports.generate_monthly(ctx, contract.id, *ABAN, sign_password=PASSWORD)
    with pytest.raises(ValidationError) as err:
        make_case(first_name="نو", last_name="رسیده", received_on="1405/08/05")
    assert err.value.field == "amend_reason"
    make_case(first_name="نو", last_name="رسیده", received_on="1405/08/05", amend_reason="دیر ثبت شد")
    assert month_needs_correction_now(ctx, contract)


def test_invoice_figures_must_match_the_report(ctx, contract, month, worker):
    reports.create_signing_key(ctx, PASSWORD)
    reports.generate_monthly(ctx, contract.id, *ABAN, sign_password=PASSWORD)
    # A file slipped in without the rule (as a bulk import would): no mark, but the figures differ.
    from app.services.cases import add_case
    with ctx.db.transaction() as session:
        add_case(session, ctx, CaseInput(behzisti_file_number="B09999", first_name="نو", last_name="رسیده",
                                         sex="male", living_arrangement="own_family", received_on="1405/08/05",
                                         discharge_date=dt.date(2024, 5, 1), social_worker_id=worker.id,
                                         contract_id=contract.id))
    assert not month_needs_correction_now(ctx, contract)
    with pytest.raises(ValidationError) as err:
        reports.generate_invoice(ctx, contract.id, *ABAN, sign_password=PASSWORD)
    assert "نمی‌خواند" in err.value.message and "۴" in err.value.message and "۳" in err.value.message


def test_months_future_refused_unfinished_needs_confirmation(ctx, contract, month):
    reports.create_signing_key(ctx, PASSWORD)
    before = len(reports.list_reports(ctx))
    with pytest.raises(ValidationError) as err:
        reports.generate_monthly(ctx, contract.id, 1405, 10, sign_password=PASSWORD)
    assert err.value.field == "month" and "هنوز نیامده" in err.value.message
    with pytest.raises(reports.UnfinishedMonth) as err:  # today is 1405/09/02
        reports.generate_monthly(ctx, contract.id, 1405, 9, sign_password=PASSWORD)
    assert "۱۴۰۵/۰۹/۰۲" in err.value.message and "۱۴۰۵/۰۹/۳۰" in err.value.message
    assert err.value.missing_to == dt.date(2026, 12, 21)
    assert len(reports.list_reports(ctx)) == before
    assert reports.generate_monthly(ctx, contract.id, 1405, 10).pdf.startswith(b"%PDF")  # preview: any month
    signed = reports.generate_monthly(ctx, contract.id, 1405, 9, sign_password=PASSWORD, confirm_unfinished=True)
    assert signed.signed


def test_every_kind_embeds_its_data_is_on_record_and_names_its_kind(ctx, contract, month, worker):
    a, _, _ = month
    reports.create_signing_key(ctx, PASSWORD)
    monthly = reports.generate_monthly(ctx, contract.id, *ABAN, sign_password=PASSWORD)
    invoice = reports.generate_invoice(ctx, contract.id, *ABAN, sign_password=PASSWORD)
    case = reports.generate_case_summary(ctx, a.id, sign_password=PASSWORD)
    review_id = add_review(ctx, a.id, social_worker_id=worker.id, findings="خوب", on="1405/09/01").id
    review = reports.generate_review_form(ctx, review_id)
    for document, kind, reason in ((monthly, "monthly", "گزارش عملکرد ماهانه"), (invoice, "invoice", "صورتحساب"),
                                   (case, "case", "خلاصه پرونده"), (review, "review", None)):
        files = list_embedded_files(document.pdf)
        assert json.loads(files[f"{document.report_id}.json"])["kind"] == kind
        check = reports.check_report(ctx, document.pdf)
        assert check.record_found and check.digest_matches and check.kind == kind, kind
        assert document.file_name.startswith(reports.KINDS[kind][1]) and document.file_name.endswith(".pdf")
        if reason:
            result = verify_pdf(document.pdf)
            assert result.reason == reason and result.locked
            assert check.accepted
        record, ok = reports.check_printed_code(ctx, _qr_text(document))
        assert ok and record.kind == kind and record.summary
    assert reports.check_printed_code(ctx, _qr_text(invoice).replace("CASE-MONTHS 3", "CASE-MONTHS 9"))[1] is False


def _qr_text(document) -> str:
    record = next(r for r in reports.list_reports(ctx_holder[0]) if r.id == document.report_id)
    return reports.qr_code_text(record.id, record.digest, record.summary)


ctx_holder: list = []


@pytest.fixture(autouse=True)
def _remember_ctx(ctx):
    ctx_holder[:] = [ctx]


def test_iran_time_near_midnight_number_and_text_agree(db, manager, data_dir, contract, month):
    late = dt.datetime(2026, 11, 23, 20, 45, tzinfo=dt.timezone.utc)  # 00:15 on 1405/09/03 in Tehran
    ctx = ServiceContext(db, manager, data_dir=data_dir, clock=lambda: late)
    assert ctx.today() == dt.date(2026, 11, 24)
    reports.create_signing_key(ctx, PASSWORD)
    reports.generate_monthly(ctx, contract.id, *ABAN, sign_password=PASSWORD)
    invoice = reports.generate_invoice(ctx, contract.id, *ABAN, sign_password=PASSWORD)
    assert invoice.report_id.startswith("INV-14050903-")
    body = json.loads(invoice.data_json)
    assert body["issued_at"].startswith("2026-11-24T00:15") and body["issued_at"].endswith("+03:30")
    text = _pdf_text(invoice.pdf)
    assert "۱۴۰۵/۰۹/۰۳" in text or "۰۳/۰۹/۱۴۰۵" in text
    assert "۱۴۰۵/۰۹/۰۲" not in text


def test_a_signed_monthly_report_passes_pdfsig(ctx, contract, month, tmp_path):
    import shutil
    import subprocess
    if shutil.which("pdfsig") is None:
        pytest.skip("poppler-utils (pdfsig) not installed")
    reports.create_signing_key(ctx, PASSWORD)
    document = reports.generate_monthly(ctx, contract.id, *ABAN, sign_password=PASSWORD)
    path = tmp_path / document.file_name
    path.write_bytes(document.pdf)
    run = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True)
    assert run.returncode == 0 and "Signature is Valid" in run.stdout and "Total document signed" in run.stdout
