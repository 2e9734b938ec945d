"""Reports built from real services data: the numbers the clinic is paid by."""


import pytest

from app.errors import AuthError, ValidationError
from app.printing.embed import list_embedded_files
from app.printing.verify import verify_pdf
from app.services import reports
from app.services.cases import change_status
from app.services.problems import advance_problem, open_problem
from app.services.referrals import add_referral
from app.services.reviews import add_review
from app.services.visits import ServiceInput, add_service, update_service
from tests.conftest import PASSWORD

ABAN = (1405, 8)  # 2026-10-23 .. 2026-11-21


def visit(day: str, **kw):
    values = dict(kind="care", mode="home_visit", note="بازدید منزل", domains=["health"], minutes=30, date=day)
    values.update(kw)
    return ServiceInput(**values)


@pytest.fixture
def month(ctx, make_case, worker):
    a = make_case(first_name="زهرا", last_name="آقایی", received_on="1405/01/15")
    b = make_case(first_name="رضا", last_name="یوسفی", received_on="1405/08/10", priority=True,
                  priority_reason="نیاز فوری")
    c = make_case(first_name="سارا", last_name="بهرامی", received_on="1405/02/01")
    add_service(ctx, a.id, visit("1405/08/03"))
    add_service(ctx, a.id, visit("1405/08/20", mode="phone", minutes=15))
    add_service(ctx, b.id, visit("1405/08/12", abuse_concern=True, abuse_action="گزارش به اورژانس اجتماعی"))
    add_service(ctx, c.id, visit("1405/07/28"))  # the month before: not counted
    add_service(ctx, c.id, visit("1405/08/05", kind="counselling", domains=[], mode="at_clinic"))
    change_status(ctx, c.id, "closed", on="1405/08/25", reason="پایان دوره")  # closed inside Aban
    add_review(ctx, a.id, social_worker_id=worker.id, findings="خوب", on="1405/08/15")
    add_referral(ctx, a.id, to_body="مرکز بهداشت", reason="واکسن", on="1405/08/16")
    pid = open_problem(ctx, b.id, "افت تحصیلی", on="1405/08/12").id
    advance_problem(ctx, pid, "resolved", "با کلاس تقویتی رفع شد", on="1405/08/30")
    return a, b, c


def test_monthly_numbers(ctx, contract, month):
    data = reports.monthly_data(ctx, contract.id, *ABAN)
    s = data.summary
    assert (s.active_at_start, s.active_at_end, s.new, s.closed, s.returned) == (2, 2, 1, 1, 0)
    assert s.total_services == 4
    assert s.services_by_kind["مراقبت و پیگیری"] == 3 and s.services_by_kind["مشاوره"] == 1
    assert s.home_visits == 2 and s.services_by_mode["تلفنی"] == 1
    assert s.total_minutes == 30 + 15 + 30 + 30
    assert s.reviews_done == 1 and s.reviews_due == 1
    assert s.referrals == 1 and s.problems_opened == 1 and s.problems_resolved == 1
    assert [c.file_number for c in s.abuse_concerns] == ["B00002"]
    # Priority first, then Persian order of last name.
    assert [c.full_name for c in data.clients] == ["رضا یوسفی", "زهرا آقایی", "سارا بهرامی"]
    assert [len(c.services) for c in data.clients] == [1, 2, 1]
    assert data.clients[0].abuse_concern and data.clients[0].priority
    assert [sg.role_label for sg in data.signers] == ["مددکار اجتماعی", "مدیر کلینیک"]


def test_signed_report_verifies_and_carries_its_table(ctx, contract, month):
    reports.create_signing_key(ctx, PASSWORD)
    doc = reports.generate_monthly(ctx, contract.id, *ABAN, sign_password=PASSWORD)
    assert doc.signed and doc.correction_number == 0
    result = verify_pdf(doc.pdf)
    assert result.ok, result.problems
    files = list_embedded_files(doc.pdf)
    assert set(files) == {f"{doc.report_id}.json", f"{doc.report_id}.xlsx", f"{doc.report_id}-audit-head.json"}
    import json

    from app.services.audit import verify_chain
    head = json.loads(files[f"{doc.report_id}-audit-head.json"])["audit_head"]
    with ctx.db.read() as session:
        chain = verify_chain(session)
    # The signed copy anchors the chain as it stood: its last entry is still there, unchanged.
    assert head["count"] == chain.entries - 1 and head["last_id"] == chain.last_id - 1
    check = reports.check_report(ctx, doc.pdf)
    assert check.ok and check.verification.trusted
    tampered = doc.pdf + b"\n%appended\n"
    assert not reports.check_report(ctx, tampered).ok


def test_wrong_password_signs_nothing_and_records_nothing(ctx, contract, month):
    reports.create_signing_key(ctx, PASSWORD)
    with pytest.raises(AuthError):
        reports.generate_monthly(ctx, contract.id, *ABAN, sign_password="not-the-password")
    assert reports.list_reports(ctx) == []


def test_signing_key_needs_the_managers_password(ctx):
    with pytest.raises(AuthError):
        reports.create_signing_key(ctx, "wrong-password")
    assert reports.signing_key_info(ctx) is None


def test_after_signing_changes_need_a_reason_and_the_next_report_is_a_correction(ctx, contract, month):
    a, _, _ = month
    reports.create_signing_key(ctx, PASSWORD)
    first = reports.generate_monthly(ctx, contract.id, *ABAN, sign_password=PASSWORD)
    with pytest.raises(ValidationError) as err:
        add_service(ctx, a.id, visit("1405/08/21"))
    assert err.value.field == "amend_reason"
    saved = add_service(ctx, a.id, visit("1405/08/21", amend_reason="خدمت جاافتاده از دفتر ثبت شد"))
    # A month that is not signed takes changes freely.
    add_service(ctx, a.id, visit("1405/09/01"))
    with pytest.raises(ValidationError):
        update_service(ctx, saved.id, visit("1405/08/21", minutes=40))
    with pytest.raises(ValidationError) as err:  # a correction says why
        reports.generate_monthly(ctx, contract.id, *ABAN, sign_password=PASSWORD)
    assert err.value.field == "correction_reason"
    second = reports.generate_monthly(ctx, contract.id, *ABAN, sign_password=PASSWORD,
                                      correction_reason="خدمت جاافتاده ۲۱ آبان افزوده شد")
    assert second.correction_number == 1 and second.replaces_id == first.report_id
    data = reports.monthly_data(ctx, contract.id, *ABAN)  # a preview is a draft: not numbered
    assert data.correction_number is None and data.draft
    with pytest.raises(ValidationError) as err:  # nothing changed since the correction
        reports.generate_monthly(ctx, contract.id, *ABAN, sign_password=PASSWORD, correction_reason="دوباره")
    assert err.value.field == "month" and "تغییر نکرده" in err.value.message
    assert sorted(r.correction_number for r in reports.list_reports(ctx) if r.kind == "monthly") == [0, 1]


def test_invoice_and_case_summary(ctx, contract, month):
    a, _, _ = month
    invoice = reports.generate_invoice(ctx, contract.id, *ABAN)
    assert invoice.pdf.startswith(b"%PDF")
    from app.services.report_data import payable_case_months
    with ctx.db.read() as s:
        from app.persian import month_bounds
        assert payable_case_months(s, contract.id, *month_bounds(*ABAN)) == 3  # held on at least one day of Aban
    summary = reports.generate_case_summary(ctx, a.id)
    assert summary.pdf.startswith(b"%PDF") and not summary.signed
    kinds = [r.kind for r in reports.list_reports(ctx)]
    assert sorted(kinds) == ["case", "invoice"]


def test_month_outside_the_contract_is_refused(ctx, contract):
    with pytest.raises(ValidationError) as err:
        reports.monthly_data(ctx, contract.id, 1404, 5)
    assert err.value.field == "month"


def test_the_signing_key_follows_a_change_of_the_managers_password(ctx, contract, month):
    from app.services.accounts import change_password
    reports.create_signing_key(ctx, PASSWORD)
    change_password(ctx, PASSWORD, "a-new-password-9")
    doc = reports.generate_monthly(ctx, contract.id, *ABAN, sign_password="a-new-password-9")
    assert doc.signed and verify_pdf(doc.pdf).ok
    with pytest.raises(AuthError):
        reports.generate_monthly(ctx, contract.id, *ABAN, sign_password=PASSWORD)


def test_a_paper_copys_qr_code_is_checked_against_the_records(ctx, contract, month):
    doc = reports.generate_monthly(ctx, contract.id, *ABAN)
    record, ok = reports.check_printed_code(ctx, f"PARVANDEH:{doc.report_id}:{doc.digest}")
    assert ok and record.id == doc.report_id and record.kind == "monthly"
    assert reports.check_printed_code(ctx, f"PARVANDEH:{doc.report_id}:{'0' * 64}")[1] is False
    assert reports.check_printed_code(ctx, f"PARVANDEH:MR-NOPE:{doc.digest}") == (None, False)
    with pytest.raises(ValidationError):
        reports.check_printed_code(ctx, "http://example.invalid")
    # The QR drawn on the page carries exactly this code.
    import subprocess
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "r.pdf"
        pdf.write_bytes(doc.pdf)
        text = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True).stdout
    assert doc.report_id in text


def test_the_report_record_keeps_the_embedded_json_as_text(ctx, contract, month):
    """The JSON is stored (on SQLite as its bytes cast to TEXT, issue 17) as the same text the PDF
    carries: a TEXT value, equal character for character, read back as str."""
    from sqlalchemy import text

    from app.models import ReportRecord
    doc = reports.generate_monthly(ctx, contract.id, *ABAN)
    embedded = list_embedded_files(doc.pdf)[f"{doc.report_id}.json"]
    assert embedded == doc.data_json
    with ctx.db.read() as session:
        stored = session.get(ReportRecord, doc.report_id).data_json
        kind = session.execute(text("SELECT typeof(data_json) FROM report_record WHERE id = :i"),
                               {"i": doc.report_id}).scalar() if session.get_bind().dialect.name == "sqlite" else "text"
    assert isinstance(stored, str) and stored == doc.data_json.decode("utf-8") and kind == "text"
    assert "زهرا" in stored  # not escaped: the text itself
