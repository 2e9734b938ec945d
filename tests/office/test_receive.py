"""Receiving clinics' signed reports: each refusal, duplicates, corrections, and the sums checked
against the clinics' own databases."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from app.office.demo import restamp_monthly, signed_invoice
from app.office.models import OfficeDocument, OfficeRefusal
from app.office.receiving import receive_files
from app.office.summary import month_summary
from app.printing import signing
from app.printing.embed import list_embedded_files
from app.services import report_data as rd
from app.services.reports import generate_monthly, monthly_data
from app.persian import month_bounds
from tests.conftest import NOW
from tests.office.conftest import CLINIC_PASSWORD, at, register, write


def embedded(pdf: bytes) -> dict:
    return next(json.loads(v) for k, v in list_embedded_files(pdf).items() if k.endswith(".json"))


def receive(ctx, *paths):
    return receive_files(ctx, paths)


def refusals(ctx) -> list[str]:
    with ctx.db.read() as s:
        return list(s.scalars(select(OfficeRefusal.reason).order_by(OfficeRefusal.id)))


def documents(ctx) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(func.count()).select_from(OfficeDocument))


# -- accepted, and the sums ---------------------------------------------------------------------------

def test_sums_match_the_clinics_own_databases(office, clinics, tmp_path):
    for clinic in clinics:
        register(office, clinic)
    inbox = tmp_path / "inbox"
    for clinic in clinics:
        for (y, m), pdf in clinic.reports.items():
            write(inbox / clinic.licence, f"{y}-{m}.pdf", pdf)
        report_id = embedded(clinic.reports[(1405, 8)])["report_id"]
        write(inbox / clinic.licence, "invoice-8.pdf",
              signed_invoice(clinic.ctx, clinic.contract_id, 1405, 8, CLINIC_PASSWORD, report_id=report_id))
    receipts = receive(office, inbox)
    assert [r.accepted for r in receipts] == [True] * 6, [r.line() for r in receipts]
    summary = month_summary(office, 1405, 8)
    assert summary.missing == [] and [f.kind for f in summary.findings] == []
    rows = {r.licence: r for r in summary.rows}
    for clinic in clinics:
        own = monthly_data(clinic.ctx, clinic.contract_id, 1405, 8).summary
        row = rows[clinic.licence]
        assert (row.active_at_start, row.active_at_end, row.new_files, row.closed_files, row.returned_files) == (
            own.active_at_start, own.active_at_end, own.new, own.closed, own.returned)
        assert row.services_by_kind == own.services_by_kind and row.services_by_mode == own.services_by_mode
        assert row.total_services == own.total_services and row.home_visits == own.home_visits
        assert (row.reviews_done, row.reviews_due, row.abuse_concerns) == (
            own.reviews_done, own.reviews_due, len(own.abuse_concerns))
        start, end = month_bounds(1405, 8)
        with clinic.db.read() as session:
            payable = rd.payable_case_months(session, clinic.contract_id, start, end)
        assert row.amount_invoiced_rials == payable * 1_200_000
    total = sum(monthly_data(c.ctx, c.contract_id, 1405, 8).summary.total_services for c in clinics)
    assert sum(summary.services_by_kind.values()) == total
    county, = summary.counties
    assert (county.clinics, county.reported) == (2, 2)
    assert county.total_services == total
    assert month_summary(office, 1405, 7).rows and all(r.amount_invoiced_rials == 0
                                                        for r in month_summary(office, 1405, 7).rows)


def test_accepted_file_is_kept_in_the_office_folder(office, clinics, tmp_path):
    register(office, clinics[0])
    path = write(tmp_path, "r.pdf", clinics[0].reports[(1405, 8)])
    receipt, = receive(office, path)
    assert receipt.accepted and "پذیرفته شد" in receipt.line()
    with office.db.read() as s:
        stored = s.scalar(select(OfficeDocument.stored_path))
    assert (office.data_dir / stored).read_bytes() == path.read_bytes()


# -- each refusal ---------------------------------------------------------------------------------

def refused_one(office, tmp_path, data: bytes, name: str = "x.pdf"):
    receipt, = receive(office, write(tmp_path / "in", name, data))
    assert not receipt.accepted
    kept = list((office.data_dir / "refused").iterdir())
    assert any(p.read_bytes() == data for p in kept), "a refused file is kept aside"
    assert refusals(office)[-1] == receipt.message
    return receipt


def test_unsigned_report_is_refused(office, clinics, tmp_path):
    clinic = clinics[0]
    register(office, clinic)
    unsigned = generate_monthly(clinic.ctx, clinic.contract_id, 1405, 7).pdf
    receipt = refused_one(office, tmp_path, unsigned)
    assert "امضای دیجیتال ندارد" in receipt.message
    assert documents(office) == 0


def test_report_signed_by_a_foreign_key_in_the_clinics_name_is_refused(office, clinics, tmp_path):
    clinic = clinics[0]
    register(office, clinic)
    forger = signing.create_clinic_identity(clinic.name, clinic.licence, "forger-pass", now=NOW - dt.timedelta(days=1))
    unsigned = generate_monthly(clinic.ctx, clinic.contract_id, 1405, 7).pdf
    forged = signing.sign_pdf(unsigned, forger, "forger-pass", signer_name="مدیر", signing_time=NOW)
    receipt = refused_one(office, tmp_path, forged)
    assert "ثبت‌شده" in receipt.message and "ناشناخته" in receipt.message
    assert documents(office) == 0


def test_report_of_an_unregistered_clinic_is_refused(office, clinics, tmp_path):
    register(office, clinics[0])
    receipt = refused_one(office, tmp_path, clinics[1].reports[(1405, 8)])
    assert "گواهی ناشناخته" in receipt.message


def test_altered_report_is_refused(office, clinics, tmp_path):
    register(office, clinics[0])
    pdf = clinics[0].reports[(1405, 8)]
    middle = len(pdf) // 3
    altered = pdf[:middle] + bytes([pdf[middle] ^ 0x01]) + pdf[middle + 1:]
    receipt = refused_one(office, tmp_path, altered)
    assert "تغییر کرده" in receipt.message or "خراب" in receipt.message
    appended = pdf + b"\n% appended after signing\n"
    receipt = refused_one(office, tmp_path, appended, "appended.pdf")
    assert "پس از امضا" in receipt.message
    assert documents(office) == 0


def test_report_whose_data_names_another_clinic_is_refused(office, clinics, tmp_path):
    """Clinic B signs a report that says it is clinic A's: the signer and the data disagree."""
    a, b = clinics
    register(office, a)
    register(office, b)
    template = embedded(a.reports[(1405, 8)])
    unsigned = generate_monthly(a.ctx, a.contract_id, 1405, 8).pdf
    from app.office.demo import restamp_monthly as restamp
    bare = _without_data(unsigned)
    pdf = restamp(bare, template, b.key_blob(), CLINIC_PASSWORD, licence=a.licence, clinic_name=a.name,
                  year=1405, month=8, scale=1.0, signing_time=NOW)
    receipt = refused_one(office, tmp_path, pdf)
    assert "کلینیک دیگری" in receipt.message


def _without_data(pdf: bytes) -> bytes:
    """The report as rendered, before its data was attached (the first revision of the file)."""
    end = pdf.find(b"%%EOF") + len(b"%%EOF")
    return pdf[:end] + b"\n"


def test_unfinished_month_and_month_outside_the_contract_are_refused(office, clinics, tmp_path):
    clinic = clinics[0]
    register(office, clinic)
    early = at(office, dt.datetime(2026, 11, 21, 6, 0, tzinfo=dt.timezone.utc))  # 1405/08/30, still Aban
    receipt, = receive(early, write(tmp_path, "r.pdf", clinic.reports[(1405, 8)]))
    assert not receipt.accepted and "تمام نشده" in receipt.message
    other = clinics[1]
    from app.office.registry import ContractTerms, add_clinic
    add_clinic(office, other.certificate.read_bytes(), other.licence, name=other.name,
               contracts=(ContractTerms(other.contract_number, 100, 1_200_000, "1405/08/01", "1405/12/29"),))
    receipt, = receive(office, write(tmp_path, "r7.pdf", other.reports[(1405, 7)]))
    assert not receipt.accepted and "در دوره قرارداد" in receipt.message
    assert documents(office) == 0


def test_unregistered_contract_is_refused(office, clinics, tmp_path):
    from app.office.registry import ContractTerms, add_clinic
    clinic = clinics[0]
    add_clinic(office, clinic.certificate.read_bytes(), clinic.licence,
               contracts=(ContractTerms("9999", 100, 1_200_000),))
    receipt, = receive(office, write(tmp_path, "r.pdf", clinic.reports[(1405, 8)]))
    assert not receipt.accepted and "ثبت نشده" in receipt.message


def test_the_same_report_twice_is_recognised(office, clinics, tmp_path):
    clinic = clinics[0]
    register(office, clinic)
    first, = receive(office, write(tmp_path / "a", "r.pdf", clinic.reports[(1405, 8)]))
    second, = receive(office, write(tmp_path / "b", "copy.pdf", clinic.reports[(1405, 8)]))
    assert first.accepted and not second.accepted and second.duplicate
    assert "تکراری" in second.message and first.document_id in second.message
    assert documents(office) == 1


def test_a_second_report_for_a_month_is_refused_unless_it_is_a_correction(office, clinics, tmp_path):
    clinic = clinics[0]
    register(office, clinic)
    original = clinic.reports[(1405, 7)]
    assert receive(office, write(tmp_path, "r.pdf", original))[0].accepted
    other = restamp_monthly(_without_data(generate_monthly(clinic.ctx, clinic.contract_id, 1405, 7).pdf),
                            embedded(original), clinic.key_blob(), CLINIC_PASSWORD, licence=clinic.licence,
                            clinic_name=clinic.name, year=1405, month=7, scale=1.5, signing_time=NOW)
    receipt, = receive(office, write(tmp_path, "other.pdf", other))
    assert not receipt.accepted and embedded(original)["report_id"] in receipt.message
    assert "اصلاحیه" in receipt.message


def test_a_correction_replaces_the_report_it_cites_and_keeps_the_history(office, clinics, tmp_path):
    clinic = clinics[1]
    register(office, clinic)
    original = clinic.reports[(1405, 7)]
    assert receive(office, write(tmp_path, "r.pdf", original))[0].accepted
    # A correction is only signed for a month that changed: a visit the clinic had left out.
    from app.models import CaseFile
    from app.services.visits import ServiceInput, add_service
    with clinic.ctx.db.read() as s:
        case_id = s.scalar(select(CaseFile.id).where(CaseFile.contract_id == clinic.contract_id)
                          .order_by(CaseFile.received_on).limit(1))
    add_service(clinic.ctx, case_id, ServiceInput(kind="care", mode="phone", note="تماس جاافتاده", domains=["health"],
                                                  minutes=15, date="1405/07/29", amend_reason="از دفتر جا افتاده بود"))
    correction = generate_monthly(clinic.ctx, clinic.contract_id, 1405, 7, sign_password=CLINIC_PASSWORD,
                                  correction_reason="تماس ۲۹ مهر")
    assert correction.replaces_id == embedded(original)["report_id"]
    receipt, = receive(office, write(tmp_path, "c.pdf", correction.pdf))
    assert receipt.accepted and "اصلاحیه" in receipt.message
    with office.db.read() as s:
        docs = s.scalars(select(OfficeDocument).order_by(OfficeDocument.id)).all()
        assert [(d.document_id, d.current) for d in docs] == [
            (embedded(original)["report_id"], False), (correction.report_id, True)]
        assert docs[1].replaces_id == docs[0].id
    row, = month_summary(office, 1405, 7).rows
    assert row.report_id == correction.report_id and row.correction_number == 1
    # A second correction citing the replaced original, not the current one, is refused.
    stale = restamp_monthly(_without_data(original), embedded(original) | {"correction_number": 2},
                            clinic.key_blob(), CLINIC_PASSWORD, licence=clinic.licence, clinic_name=clinic.name,
                            year=1405, month=7, scale=1.0, signing_time=NOW)
    receipt, = receive(office, write(tmp_path, "stale.pdf", stale))
    assert not receipt.accepted and correction.report_id in receipt.message


def test_not_a_pdf_and_unreadable_files_are_refused_not_crashed(office, tmp_path):
    receipt, = receive(office, write(tmp_path, "note.pdf", b"MZ\x90\x00 not a pdf"))
    assert not receipt.accepted and "PDF" in receipt.message
    receipt, = receive(office, tmp_path / "missing.pdf")
    assert not receipt.accepted and "خوانده نشد" in receipt.message


# -- checks ---------------------------------------------------------------------------------------

def test_checks_invoice_capacity_overdue_late_and_not_reported(office, clinics, tmp_path):
    a, b = clinics
    register(office, a, capacity=5, county="ری")  # fewer places than the files a holds
    register(office, b, county="شمیرانات")
    late = at(office, dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.timezone.utc))  # 1405/09/19
    assert receive(late, write(tmp_path, "a8.pdf", a.reports[(1405, 8)]))[0].accepted
    report_id = embedded(a.reports[(1405, 8)])["report_id"]
    wrong = signed_invoice(a.ctx, a.contract_id, 1405, 8, CLINIC_PASSWORD, payable_case_months=99,
                           report_id=report_id)
    assert receive(late, write(tmp_path, "inv.pdf", wrong))[0].accepted
    summary = month_summary(office, 1405, 8, overdue_threshold=0.0)
    kinds = {f.kind for f in summary.findings}
    assert {"invoice_mismatch", "capacity", "late"} <= kinds
    mismatch = next(f for f in summary.findings if f.kind == "invoice_mismatch")
    assert "۹۹" in mismatch.message
    assert [m.licence for m in summary.missing] == [b.licence]
    row, = summary.rows
    assert row.reviews_due > 0 and row.reviews_overdue == 0  # Aban, 2nd month of the half: 4/6 may still wait
    assert "reviews_overdue" not in kinds
    assert {c.county: (c.clinics, c.reported) for c in summary.counties} == {"ری": (1, 1), "شمیرانات": (1, 0)}
    on_time = month_summary(office, 1405, 8, late_after_days=30)
    assert "late" not in {f.kind for f in on_time.findings}


def test_overdue_reviews_follow_an_even_pace_through_the_half_year():
    from app.office.summary import overdue_reviews
    assert overdue_reviews(60, 60, 1) == 10  # after the first month, 50 of 60 may still wait
    assert overdue_reviews(60, 30, 4) == 10
    assert overdue_reviews(60, 5, 6) == 5 and overdue_reviews(60, 5, 12) == 5
    assert overdue_reviews(60, 0, 3) == 0


def test_invoice_citing_a_replaced_report_is_listed(office, clinics, tmp_path):
    clinic = clinics[0]
    register(office, clinic)
    assert receive(office, write(tmp_path, "r.pdf", clinic.reports[(1405, 8)]))[0].accepted
    invoice = signed_invoice(clinic.ctx, clinic.contract_id, 1405, 8, CLINIC_PASSWORD, report_id="MR-OLD-1")
    assert receive(office, write(tmp_path, "i.pdf", invoice))[0].accepted
    finding, = [f for f in month_summary(office, 1405, 8).findings if f.kind == "invoice_mismatch"]
    assert "MR-OLD-1" in finding.message


def test_reviews_overdue_above_the_threshold_are_listed(office, clinics, tmp_path):
    """Shahrivar ends the half year: every review not done by then is overdue."""
    clinic = clinics[0]
    register(office, clinic)
    template = embedded(clinic.reports[(1405, 8)])
    template["summary"]["reviews_due"] = 10
    pdf = restamp_monthly(_without_data(clinic.reports[(1405, 8)]), template, clinic.key_blob(), CLINIC_PASSWORD,
                          licence=clinic.licence, clinic_name=clinic.name, year=1405, month=6, scale=1.0,
                          signing_time=NOW)
    assert receive(office, write(tmp_path, "r6.pdf", pdf))[0].accepted
    row, = month_summary(office, 1405, 6).rows
    assert row.reviews_overdue == 10
    finding, = [f for f in month_summary(office, 1405, 6, overdue_threshold=0.10).findings
                if f.kind == "reviews_overdue"]
    assert "۱۰" in finding.message
    assert not [f for f in month_summary(office, 1405, 6, overdue_threshold=0.5).findings
                if f.kind == "reviews_overdue"]


def test_receiving_in_several_processes_gives_the_same_answers(office, clinics, tmp_path):
    a, b = clinics
    register(office, a)
    inbox = tmp_path / "inbox"
    write(inbox, "1.pdf", a.reports[(1405, 7)])
    write(inbox, "2.pdf", a.reports[(1405, 8)])
    write(inbox, "3.pdf", b.reports[(1405, 8)])  # not registered
    write(inbox, "4.pdf", a.reports[(1405, 8)])  # the same file again
    receipts = receive_files(office, [inbox], jobs=2)
    assert [(r.accepted, r.duplicate) for r in receipts] == [(True, False), (True, False), (False, False),
                                                            (False, True)]
    assert "گواهی ناشناخته" in receipts[2].message
    assert documents(office) == 2 and len(refusals(office)) == 2


def test_the_same_report_twice_in_one_run_is_stored_once_and_a_batch_keeps_going(office, clinics, tmp_path):
    """25 files share a transaction: a duplicate inside the batch is refused (not the batch), and the
    files around it are stored."""
    a, b = clinics
    register(office, a)
    register(office, b)
    inbox = tmp_path / "inbox"
    paths = [write(inbox, "1.pdf", a.reports[(1405, 8)]), write(inbox, "2.pdf", a.reports[(1405, 8)]),
             write(inbox, "3.pdf", b"%PDF-1.7 not really"), write(inbox, "4.pdf", b.reports[(1405, 8)])]
    receipts = receive_files(office, paths)
    assert [r.accepted for r in receipts] == [True, False, False, True]
    assert receipts[1].duplicate and embedded(a.reports[(1405, 8)])["report_id"] in receipts[1].message
    with office.db.read() as s:
        assert s.scalar(select(func.count()).select_from(OfficeDocument)) == 2
