"""Verifying signed report PDFs: signed, intact, covering the whole file, and who signed."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from io import BytesIO

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from reportlab.pdfgen import canvas

from app.errors import ValidationError
from app.printing import signing
from app.printing.verify import MSG_SIGNER_UNKNOWN, VerificationResult, format_verification, verify_pdf
from tests.printing.attacks import force_sign

CLINIC = "کلینیک مددکاری «امید» شیراز"
PASSWORD = "pw-verify"
SIGNER = "زهرا کاظمی"
SIGNED_AT = datetime(2026, 11, 30, 16, 45, tzinfo=timezone(timedelta(hours=3, minutes=30)))
# The key is made at a fixed moment before SIGNED_AT: made with the wall clock, it was "not yet
# valid" at SIGNED_AT from that day on.
KEY_MADE_AT = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)


def make_pdf(pages: int = 4) -> bytes:
    out = BytesIO()
    pdf = canvas.Canvas(out)
    for number in range(pages):
        for line in range(30):
            pdf.drawString(72, 780 - 20 * line, f"page {number + 1} line {line}: visits and notes")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


@pytest.fixture(scope="module")
def blob() -> bytes:
    return signing.create_clinic_identity(CLINIC, "98765", PASSWORD, now=KEY_MADE_AT)


@pytest.fixture(scope="module")
def signed(blob) -> bytes:
    return signing.sign_pdf(make_pdf(), blob, PASSWORD, signer_name=SIGNER, signing_time=SIGNED_AT)


def byte_range(data: bytes) -> list[int]:
    found = re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    return [int(v) for v in found[-1]]


def flip(data: bytes, position: int) -> bytes:
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


def add_annotation(data: bytes) -> bytes:
    """A proper incremental update made with pyHanko: a sticky note on the first page."""
    writer = IncrementalPdfFileWriter(BytesIO(data))
    page_ref, _ = writer.find_page_for_modification(0)
    note = generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
        generic.pdf_name("/Subtype"): generic.pdf_name("/Text"),
        generic.pdf_name("/Rect"): generic.ArrayObject(map(generic.NumberObject, (50, 50, 70, 70))),
        generic.pdf_name("/Contents"): generic.pdf_string("changed after signing"),
    })
    writer.register_annotation(page_ref, writer.add_object(note))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


# ---------------------------------------------------------------- the good case


def test_signed_report_is_ok(signed):
    result = verify_pdf(signed)
    assert result.ok
    assert (result.signed, result.intact, result.covers_whole_file, result.locked) == (True, True, True, True)
    assert result.problems == [MSG_SIGNER_UNKNOWN]  # integrity alone says nothing of who signed


def test_result_fields_round_trip(signed, blob):
    result = verify_pdf(signed)
    assert result.signer_name == SIGNER
    assert result.certificate_name == CLINIC
    assert result.signing_time == SIGNED_AT
    info = signing.identity_info(blob, PASSWORD)
    assert result.certificate_fingerprint == info.fingerprint_sha256
    assert result.signature_count == 1
    assert result.trusted is False and result.trust_checked is False


def test_path_is_accepted(signed, tmp_path):
    path = tmp_path / "گزارش.pdf"
    path.write_bytes(signed)
    assert verify_pdf(path).ok
    assert verify_pdf(str(path)).ok


# ---------------------------------------------------------------- tampering


def test_flipped_byte_in_page_content_breaks_integrity(signed):
    start, first_len, _, _ = byte_range(signed)
    position = signed.index(b"stream", len(signed) // 4) + len("stream\n") + 3
    assert start == 0 and position < first_len  # inside the signed range, inside a stream
    result = verify_pdf(flip(signed, position))
    assert result.signed
    assert not result.intact
    assert not result.ok
    assert any("تغییر کرده" in p for p in result.problems)


@pytest.mark.parametrize("fraction", [0.02, 0.2, 0.4, 0.5, 0.6, 0.8, 0.99])
def test_any_flipped_signed_byte_is_caught(signed, fraction):
    start, first_len, second_start, second_len = byte_range(signed)
    signed_positions = first_len + second_len
    offset = int(signed_positions * fraction)
    position = offset if offset < first_len else second_start + (offset - first_len)
    assert not verify_pdf(flip(signed, position)).ok


def test_flipped_byte_in_signature_value(signed):
    _, first_len, _, _ = byte_range(signed)
    position = first_len + 200  # inside /Contents, i.e. the CMS signature itself
    assert not verify_pdf(flip(signed, position)).ok


@pytest.mark.parametrize("tail", [b"\n%garbage\n", b"\n", b" "])
def test_appended_bytes_are_not_covered(signed, tail):
    result = verify_pdf(signed + tail)
    assert result.signed and result.intact
    assert not result.covers_whole_file
    assert not result.ok
    assert any("افزوده" in p for p in result.problems)


def test_incremental_update_after_signing_is_not_covered(signed):
    result = verify_pdf(add_annotation(signed))
    assert result.signed and result.intact
    assert not result.covers_whole_file
    assert not result.ok


def test_resigning_after_a_change_is_refused(signed, blob):
    changed = add_annotation(signed)
    with pytest.raises(ValidationError):  # our signer will not sign over the lock
        signing.sign_pdf(changed, blob, PASSWORD, signer_name=SIGNER, field_name="Again")
    resigned = force_sign(changed, blob, PASSWORD, field_name="Again")
    result = verify_pdf(resigned)
    assert not result.covers_whole_file  # the first signature no longer covers the file
    assert not result.ok


def test_a_second_signature_is_refused_and_the_first_reported(signed, blob):
    twice = force_sign(signed, blob, PASSWORD, field_name="Second")
    result = verify_pdf(twice)
    assert not result.ok
    assert result.signature_count == 2 and result.intact
    assert result.signer_name == SIGNER
    assert [s.number for s in result.signatures] == [1, 2]
    _, first_len, _, _ = byte_range(signed)  # the first signature's range, inside `twice`
    assert not verify_pdf(flip(twice, first_len // 2)).intact


# ---------------------------------------------------------------- not signed, not a PDF


def test_unsigned_pdf():
    result = verify_pdf(make_pdf(1))
    assert not result.signed and not result.ok
    assert result.problems == ["این فایل امضای دیجیتال ندارد"]


@pytest.mark.parametrize("data", [b"", b"hello world", b"%PDF-1.7\n garbage", bytes(range(256))])
def test_garbage_gives_a_result_not_an_exception(data):
    result = verify_pdf(data)
    assert isinstance(result, VerificationResult)
    assert not result.signed and not result.ok
    assert result.problems


def test_truncated_signed_file(signed):
    result = verify_pdf(signed[: len(signed) // 2])
    assert not result.ok
    assert result.problems


def test_missing_file(tmp_path):
    result = verify_pdf(tmp_path / "nope.pdf")
    assert not result.ok
    assert result.problems[0].startswith("فایل خوانده نشد")


# ---------------------------------------------------------------- trust is separate


def test_trusted_when_certificate_is_known(signed, blob):
    der = signing.certificate_der(blob, PASSWORD)
    for known in (der, signing.identity_info(blob, PASSWORD).fingerprint_sha256):
        result = verify_pdf(signed, trusted_certs=[known])
        assert result.ok and result.trusted
        assert result.problems == []


def test_other_clinic_key_is_intact_but_not_trusted(signed, blob):
    impostor = signing.create_clinic_identity(CLINIC, "98765", "other", now=KEY_MADE_AT)  # same name, other key
    forged = signing.sign_pdf(make_pdf(), impostor, "other", signer_name=SIGNER)
    result = verify_pdf(forged, trusted_certs=[signing.certificate_der(blob, PASSWORD)])
    assert result.ok  # intact and whole ...
    assert not result.trusted  # ... but not by the clinic we know
    assert any("مورد اعتماد" in p for p in result.problems)
    assert "not a trusted clinic" in format_verification(result)


def test_tampered_file_is_never_trusted(signed, blob):
    der = signing.certificate_der(blob, PASSWORD)
    _, first_len, _, _ = byte_range(signed)
    assert not verify_pdf(flip(signed, first_len // 2), trusted_certs=[der]).trusted


def test_claimed_time_outside_certificate_validity(blob):
    early = datetime(2001, 1, 1, tzinfo=timezone.utc)
    signed = signing.sign_pdf(make_pdf(1), blob, PASSWORD, signer_name=SIGNER, signing_time=early)
    result = verify_pdf(signed)
    assert any("دورهٔ اعتبار" in p for p in result.problems)


# ---------------------------------------------------------------- text for the command line


def test_format_ok(signed, blob):
    text = format_verification(verify_pdf(signed, trusted_certs=[signing.certificate_der(blob, PASSWORD)]))
    assert SIGNER in text and CLINIC in text
    assert "PAdES B-B" in text and "ادعای خود امضاکننده" in text
    assert "Signed content intact: yes" in text
    assert "Signature covers the whole file: yes" in text
    assert text.splitlines()[-1] == "Verdict: VALID"


def test_format_shows_jalali_or_iso_time(signed):
    text = format_verification(verify_pdf(signed))
    assert "2026-11-30T16:45:00+03:30" in text  # the English line is always ISO
    assert "۱۴۰۵/۰۹/۰۹ ساعت ۱۶:۴۵ به وقت ایران" in text


def test_format_not_ok(signed):
    text = format_verification(verify_pdf(signed + b"\n%x\n"))
    assert "Signature covers the whole file: no" in text
    assert text.splitlines()[-1] == "Verdict: NOT VALID"
    unsigned = format_verification(verify_pdf(b"junk"))
    assert "Verdict: NOT VALID" in unsigned and "PDF" in unsigned


def test_data_hidden_in_signature_padding_is_caught(signed):
    _, _, second_start, _ = byte_range(signed)
    position = second_start - 10  # inside /Contents, in the zero padding after the CMS
    assert signed[position : position + 1] == b"0"
    tampered = signed[:position] + b"7" + signed[position + 1 :]
    result = verify_pdf(tampered)
    assert not result.intact and not result.ok
    assert any("جز خود امضا" in p for p in result.problems)


def test_unreadable_trusted_certificate_is_an_error(signed):
    with pytest.raises(ValidationError):
        verify_pdf(signed, trusted_certs=[b"not a certificate"])
