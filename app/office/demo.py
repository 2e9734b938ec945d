"""Generated clinics' signed documents for the office's tests, screenshots and benchmark.

`signed_invoice` builds an invoice with its data embedded (the shape issue 10 gives every document:
format «parvandeh.invoice», kind, document_id, then the invoice's fields and its total), because
the clinic's invoice does not embed its data yet. When it does, use generate_invoice instead.

`restamp_monthly` re-signs one template report for another clinic and month (its embedded data
changed accordingly): thousands of signed reports in minutes, without a database per clinic."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
from typing import Optional

from app.printing.embed import JSON_MIME, embed_files
from app.printing.signing import sign_pdf


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.name not in ("logo_path", "signature_image", "stamp_image", "qr_payload")}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def invoice_json(data) -> bytes:
    document = {"format": "parvandeh.invoice", "version": 1, "kind": "invoice", "document_id": data.invoice_id}
    document |= _plain(data)
    document |= {"cites_report_id": data.report_id or None, "fee_rials": data.fee_rials,
                 "total_rials": data.total_rials, "total_in_words": data.total_in_words}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def signed_invoice(ctx, contract_id: int, year: int, month: int, password: str, *,
                   payable_case_months: Optional[int] = None, report_id: Optional[str] = None,
                   signing_time: Optional[dt.datetime] = None) -> bytes:
    """The clinic's invoice for a month, its data embedded, signed with the clinic's key.
    `payable_case_months` / `report_id` override the true figures (to make a mismatching one)."""
    from sqlalchemy import select

    from app.models import Contract, ReportRecord
    from app.persian import month_bounds
    from app.printing import data as pd
    from app.printing.documents.invoice import render_invoice
    from app.services import report_data as rd
    from app.services.reports import new_document_id, unlocked_key
    start, end = month_bounds(year, month)
    with ctx.db.read() as session:
        contract = session.get(Contract, contract_id)
        cited = session.scalar(select(ReportRecord.id).where(
            ReportRecord.kind == "monthly", ReportRecord.contract_id == contract_id, ReportRecord.year == year,
            ReportRecord.month == month, ReportRecord.signed.is_(True))
            .order_by(ReportRecord.correction_number.desc()).limit(1))
        payable = rd.payable_case_months(session, contract_id, start, end)
        data = pd.InvoiceData(
            invoice_id=new_document_id("INV", ctx), clinic=rd.clinic_info(session),
            contract=rd.contract_info(contract), year=year, month=month,
            payable_case_months=payable if payable_case_months is None else payable_case_months,
            report_id=cited or "" if report_id is None else report_id, issued_at=ctx.now(),
            generated_by=ctx.actor.name, signers=rd.signers_for(session, [], rd._staff_names(session)))
    blob = unlocked_key(ctx, password)
    out = io.BytesIO()
    render_invoice(data, out)
    pdf = embed_files(out.getvalue(), [(f"{data.invoice_id}.json", invoice_json(data), JSON_MIME)])
    return sign_pdf(pdf, blob, password, signer_name=ctx.actor.name, reason="صورتحساب",
                    signing_time=signing_time or ctx.now())


def restamp_monthly(template_pdf: bytes, template_json: dict, blob: bytes, password: str, *, licence: str,
                    clinic_name: str, year: int, month: int, scale: float, signing_time: dt.datetime) -> bytes:
    """`template_pdf` (unsigned, no data attached) with `template_json` changed to another clinic
    and month, its figures scaled, attached, and signed with that clinic's key."""
    doc = json.loads(json.dumps(template_json))
    digest = hashlib.sha256(f"{licence}:{year}:{month}".encode()).hexdigest()[:8].upper()
    doc["report_id"] = f"MR-{year}{month:02d}28-{digest}"
    doc["year"], doc["month"] = year, month
    doc["clinic"]["licence_number"], doc["clinic"]["name"] = licence, clinic_name
    summary = doc["summary"]
    for key in ("active_at_start", "active_at_end", "new", "closed", "returned", "home_visits", "reviews_done",
                "reviews_due", "referrals"):
        summary[key] = int(round(summary[key] * scale))
    summary["services_by_kind"] = {k: int(round(v * scale)) for k, v in summary["services_by_kind"].items()}
    summary["services_by_mode"] = {k: int(round(v * scale)) for k, v in summary["services_by_mode"].items()}
    doc["clients"] = summary["active_at_end"]
    doc["rows"] = doc["rows"][:5]  # the office reads the summary; a few rows keep the shape
    table = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    pdf = embed_files(template_pdf, [(f"{doc['report_id']}.json", table, JSON_MIME)])
    return sign_pdf(pdf, blob, password, signer_name="مدیر کلینیک", signing_time=signing_time)
