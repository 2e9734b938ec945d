"""Checking a signed report PDF: is it signed, unchanged, and is nothing added after the signature?

Integrity and trust are separate questions. A clinic's certificate is self-signed, so any
signature is checked against the certificate embedded in it (that proves the file has not
changed since *someone* signed it). Whether that someone is a known clinic is answered only by
comparing the certificate with `trusted_certs`, and reported as `trusted`.

Nothing here reaches the network: no OCSP, no CRL, no timestamp authority. The signing time is
the signer's own claim (PAdES B-B).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from pathlib import Path

from asn1crypto import parser as asn1_parser
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import extract_contents
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from app.errors import ValidationError

MSG_UNREADABLE = "فایل خوانده نشد"
MSG_NOT_PDF = "این فایل PDF معتبر نیست یا خراب است"
MSG_UNSIGNED = "این فایل امضای دیجیتال ندارد"
MSG_NOT_INTACT = "محتوای فایل پس از امضا تغییر کرده است؛ امضا با محتوا نمی‌خواند"
MSG_NOT_COVERED = "پس از امضا چیزی به فایل افزوده شده است؛ امضا همهٔ فایل را در بر نمی‌گیرد"
MSG_CHECK_FAILED = "امضای شمارهٔ {n} بررسی نشد"
MSG_EARLIER_BROKEN = "امضای شمارهٔ {n} با محتوای امضاشده نمی‌خواند"
MSG_EARLIER_CHANGED = "پس از امضای شمارهٔ {n} تغییری جز امضای بعدی در فایل داده شده است"
MSG_PADDING = "در بخش امضای شمارهٔ {n} داده‌ای جز خود امضا گذاشته شده است"
MSG_BAD_TRUSTED = "یکی از گواهی‌های مورد اعتماد خوانده نشد"
MSG_UNTRUSTED = "گواهی امضاکننده در فهرست گواهی‌های کلینیک‌های مورد اعتماد نیست"
MSG_OUTSIDE_VALIDITY = "زمان اعلام‌شدهٔ امضا بیرون از دورهٔ اعتبار گواهی امضاکننده است"

_ALLOWED_LATER_CHANGES = (
    ModificationLevel.NONE,
    ModificationLevel.LTA_UPDATES,
    ModificationLevel.FORM_FILLING,  # a later signature is "form filling"
)


@dataclass
class VerificationResult:
    """What was found. `ok` is about integrity only; `problems` may also hold warnings that
    leave `ok` true (signer not among the trusted clinics, claimed time outside the
    certificate's validity)."""

    signed: bool = False
    intact: bool = False
    covers_whole_file: bool = False
    signer_name: str | None = None  # /Name of the last signature, else the certificate's CN
    signing_time: datetime | None = None  # the signer's claim, not a trusted timestamp
    certificate_fingerprint: str | None = None  # SHA-256 of the signer certificate, hex
    trusted: bool = False  # signer certificate is one of `trusted_certs`
    problems: list[str] = field(default_factory=list)  # Persian, for the user
    certificate_name: str | None = None  # CN of the signer certificate (the clinic)
    reason: str | None = None
    signature_count: int = 0
    trust_checked: bool = False  # a list of trusted certificates was given

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.covers_whole_file


# ---------------------------------------------------------------- verification


def verify_pdf(
    data_or_path: bytes | str | Path,
    *,
    trusted_certs: Iterable[bytes | str | object] | None = None,
) -> VerificationResult:
    """Check the signatures of a PDF given as bytes or a path.

    A bad, damaged or unsigned file gives a result with Persian `problems`, never an exception.
    `trusted_certs`: the known clinics' certificates, each as DER or PEM bytes, a
    cryptography or asn1crypto certificate, or a SHA-256 fingerprint in hex; an unreadable
    entry there raises ValidationError (the list is wrong, not the file).
    """
    result = VerificationResult()
    trusted = _trusted_set(trusted_certs)
    result.trust_checked = trusted is not None
    data = _read(data_or_path, result)
    signatures = _signatures(data, result) if data is not None else []
    if signatures:
        _check_signatures(signatures, result)
        _check_trust(trusted, result)
    return result


def _check_signatures(signatures: list, result: VerificationResult) -> None:
    """The last signature decides coverage; every earlier one must still hold."""
    result.signed = True
    result.signature_count = len(signatures)
    *earlier, last = signatures
    earlier_ok = all([_earlier_ok(sig, n, result) for n, sig in enumerate(earlier, start=1)])
    status = _validate(last, len(signatures), result, skip_diff=True)
    clean = _padding_ok(last, len(signatures), result)
    _describe_last(last, status, result)
    result.intact = earlier_ok and clean and _sound(status)
    result.covers_whole_file = _covers_whole_file(status)
    if status is not None and not _sound(status):
        result.problems.append(MSG_NOT_INTACT)
    if status is not None and not result.covers_whole_file:
        result.problems.append(MSG_NOT_COVERED)


def _check_trust(trusted: set[str] | None, result: VerificationResult) -> None:
    if trusted is None:
        return
    result.trusted = result.intact and result.certificate_fingerprint in trusted
    if not result.trusted:
        result.problems.append(MSG_UNTRUSTED)


def _read(data_or_path, result: VerificationResult) -> bytes | None:
    if isinstance(data_or_path, (bytes, bytearray, memoryview)):
        return bytes(data_or_path)
    try:
        return Path(data_or_path).read_bytes()
    except OSError as exc:
        result.problems.append(f"{MSG_UNREADABLE}: {exc.strerror or exc}")
        return None


def _signatures(data: bytes, result: VerificationResult) -> list:
    if b"%PDF-" not in data[:1024]:
        result.problems.append(MSG_NOT_PDF)
        return []
    try:
        signatures = PdfFileReader(BytesIO(data), strict=False).embedded_regular_signatures
    except Exception:  # a damaged or hostile file can break the parser in many ways
        result.problems.append(MSG_NOT_PDF)
        return []
    if not signatures:
        result.problems.append(MSG_UNSIGNED)
    return signatures


def _validate(signature, n: int, result: VerificationResult, *, skip_diff: bool):
    """pyHanko's status for one signature, or None (with a problem noted) if it cannot be read.

    The last signature must cover the whole file, so what changed after it is not reviewed
    (skip_diff); for earlier ones pyHanko's difference analysis says what followed them.
    """
    try:
        return validate_pdf_signature(
            signature, signer_validation_context=_context_for(signature), skip_diff=skip_diff
        )
    except Exception as exc:  # malformed CMS, unsupported algorithm, broken byte range ...
        result.problems.append(f"{MSG_CHECK_FAILED.format(n=n)}: {exc}")
        return None


def _context_for(signature) -> ValidationContext:
    """Trust the embedded certificate itself: enough to check integrity, says nothing of who."""
    return ValidationContext(
        trust_roots=[signature.signer_cert],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )


def _sound(status) -> bool:
    return status is not None and bool(status.intact and status.valid)


def _covers_whole_file(status) -> bool:
    return status is not None and status.coverage == SignatureCoverageLevel.ENTIRE_FILE


def _earlier_ok(signature, n: int, result: VerificationResult) -> bool:
    """An earlier signature must be intact, and only later signatures may follow it."""
    status = _validate(signature, n, result, skip_diff=False)
    if status is None or not _padding_ok(signature, n, result):
        return False
    if not _sound(status):
        result.problems.append(MSG_EARLIER_BROKEN.format(n=n))
        return False
    if status.docmdp_ok is False or status.modification_level not in _ALLOWED_LATER_CHANGES:
        result.problems.append(MSG_EARLIER_CHANGED.format(n=n))
        return False
    return True


def _padding_ok(signature, n: int, result: VerificationResult) -> bool:
    if _padding_is_clean(signature):
        return True
    result.problems.append(MSG_PADDING.format(n=n))
    return False


def _describe_last(signature, status, result: VerificationResult) -> None:
    result.signer_name = _text(signature.sig_object.get("/Name"))
    result.reason = _text(signature.sig_object.get("/Reason"))
    result.signing_time = status.signer_reported_dt if status is not None else None
    cert = _signer_cert(signature)
    if cert is not None:
        result.certificate_name = _common_name(cert)
        result.certificate_fingerprint = cert.sha256.hex()
        if result.signing_time is not None and not _within_validity(cert, result.signing_time):
            result.problems.append(MSG_OUTSIDE_VALIDITY)
    result.signer_name = result.signer_name or result.certificate_name


def _signer_cert(signature) -> asn1_x509.Certificate | None:
    """The signer's certificate, or None when the signature container is too broken to say."""
    try:
        cert = signature.signer_cert
        cert.subject.native  # noqa: B018 - parse now, so bad encodings fail here
        return cert
    except Exception:  # asn1crypto raises ValueError, UnicodeDecodeError, ... on junk
        return None


def _padding_is_clean(signature) -> bool:
    """Only zero bytes may follow the signature container inside /Contents.

    The padding is outside the signed byte range, so the signature cannot vouch for it; a
    file written by a signer has zeros there, anything else was put in afterwards.
    """
    try:
        contents = extract_contents(signature.sig_object)
        _, _, _, header, body, trailer = asn1_parser.parse(contents)
    except Exception:  # unparsable container: validation reports that already
        return True
    return not contents[len(header) + len(body) + len(trailer) :].strip(b"\x00")


def _within_validity(cert: asn1_x509.Certificate, moment: datetime) -> bool:
    validity = cert["tbs_certificate"]["validity"]
    return validity["not_before"].native <= moment <= validity["not_after"].native


def _common_name(cert: asn1_x509.Certificate) -> str | None:
    return cert.subject.native.get("common_name")


def _text(value) -> str | None:
    if value is None:
        return None
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _trusted_set(certs) -> set[str] | None:
    return None if certs is None else {_fingerprint(cert) for cert in certs}


def _fingerprint(cert) -> str:
    """SHA-256 hex of a certificate given in any of the accepted forms."""
    if isinstance(cert, str):
        return cert.replace(":", "").replace(" ", "").lower()
    if isinstance(cert, asn1_x509.Certificate):
        return cert.sha256.hex()
    if hasattr(cert, "public_bytes"):  # cryptography.x509.Certificate
        from cryptography.hazmat.primitives.serialization import Encoding

        cert = cert.public_bytes(Encoding.DER)
    data = bytes(cert)
    try:
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        return asn1_x509.Certificate.load(data, strict=True).sha256.hex()
    except ValueError as exc:
        raise ValidationError(MSG_BAD_TRUSTED) from exc


# ---------------------------------------------------------------- text for the command line


def format_verification(result: VerificationResult) -> str:
    """Several lines, each fact in Persian then in English, the verdict last."""
    lines: list[str] = []
    if result.signed:
        lines += _signature_lines(result)
    for problem in result.problems:
        lines.append(f"مشکل: {problem}")
    lines += _verdict_lines(result)
    return "\n".join(lines)


def _signature_lines(result: VerificationResult) -> list[str]:
    lines = [
        f"امضاکننده: {result.signer_name or '-'}",
        f"Signer: {result.signer_name or '-'}",
        f"گواهی: {result.certificate_name or '-'}",
        f"Certificate: {result.certificate_name or '-'}  SHA-256 {result.certificate_fingerprint}",
    ]
    if result.signature_count > 1:
        lines.append(f"تعداد امضاها: {result.signature_count} (آخرین امضا گزارش شده است)")
        lines.append(f"Signatures: {result.signature_count} (the last one is reported)")
    lines += _time_lines(result.signing_time)
    lines += [
        f"محتوای امضاشده دست‌نخورده است: {_yes_no_fa(result.intact)}",
        f"Signed content intact: {_yes_no(result.intact)}",
        f"امضا همهٔ فایل را در بر می‌گیرد: {_yes_no_fa(result.covers_whole_file)}",
        f"Signature covers the whole file: {_yes_no(result.covers_whole_file)}",
    ]
    return lines + _trust_lines(result)


def _time_lines(moment: datetime | None) -> list[str]:
    if moment is None:
        return ["زمان امضا: اعلام نشده", "Signing time: not stated"]
    return [
        f"زمان امضا: {_jalali_or_iso(moment)} (ادعای خود امضاکننده؛ مهر زمانی معتبر ندارد)",
        f"Signing time: {moment.isoformat()} "
        "(the signer's own claim; no timestamp authority, PAdES B-B)",
    ]


def _trust_lines(result: VerificationResult) -> list[str]:
    if not result.trust_checked:
        return [
            "گواهی با فهرست کلینیک‌های مورد اعتماد مقایسه نشد",
            "Certificate not compared with a list of trusted clinics",
        ]
    return [
        f"گواهی از کلینیک‌های مورد اعتماد است: {_yes_no_fa(result.trusted)}",
        f"Certificate is a trusted clinic's: {_yes_no(result.trusted)}",
    ]


def _verdict_lines(result: VerificationResult) -> list[str]:
    if not result.ok:
        return ["نتیجه: نامعتبر — به این فایل اعتماد نکنید", "Verdict: NOT VALID"]
    if result.trust_checked and not result.trusted:
        return [
            "نتیجه: امضا سالم است ولی امضاکننده شناخته‌شده نیست",
            "Verdict: signature intact, but the signer is not a trusted clinic",
        ]
    return ["نتیجه: معتبر — فایل پس از امضا تغییر نکرده است", "Verdict: VALID"]


def _jalali_or_iso(moment: datetime) -> str:
    """Jalali via app.persian when that module offers it, else ISO 8601.

    Shown in the signer's own UTC offset, as the signer's clock wrote it.
    """
    try:
        formatter = getattr(importlib.import_module("app.persian"), "format_jalali_datetime")
    except (ImportError, AttributeError):
        return moment.isoformat(timespec="minutes")
    return formatter(moment)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _yes_no_fa(value: bool) -> str:
    return "بله" if value else "خیر"
