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
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import read_certification_data, validate_pdf_signature
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
MSG_NO_TRUST_FOLDER = "پوشه گواهی‌های مورد اعتماد پیدا نشد: {folder}"
MSG_EMPTY_TRUST_FOLDER = "در پوشه {folder} هیچ گواهی (cer، crt، der یا pem) نیست"
MSG_OUTSIDE_VALIDITY = "زمان اعلام‌شدهٔ امضا بیرون از دورهٔ اعتبار گواهی امضاکننده است"

MSG_AFTER_OURS = "پس از امضای نخست (امضای کلینیک) امضای دیگری افزوده شده است ({name})؛ سند امضاشده نباید تغییر کند"
MSG_NOT_LOCKED = "امضای نخست سند را قفل نکرده است (امضای گواهی‌کننده با «هیچ تغییر مجاز نیست» نیست)"
MSG_SIGNER_UNKNOWN = (
    "امضاکننده ناشناخته است: گواهی او با گواهی کلینیک مقایسه نشد "
    "(--data-dir پوشه داده کلینیک یا --trust پوشه گواهی‌های کلینیک‌ها را بدهید)"
)


@dataclass(frozen=True)
class TrustedCert:
    """A clinic certificate the verifier trusts: its SHA-256 (hex), the clinic's name, and where it came from."""

    fingerprint: str
    name: str = ""
    source: str = ""


@dataclass
class SignatureInfo:
    """One signature found in the file, in file order (the first is the clinic's own)."""

    number: int
    signer_name: str | None = None
    certificate_name: str | None = None
    certificate_fingerprint: str | None = None
    reason: str | None = None
    signing_time: datetime | None = None
    intact: bool = False
    covers_whole_file: bool = False


@dataclass
class VerificationResult:
    """What was found. `ok` is about integrity: the first signature (the clinic's) is intact, and
    nothing at all follows it (no second signature, annotation, form fill or other revision).
    Who signed is a separate question: `trusted` (with `trust_checked`), and `accepted` asks both.
    `problems` may also hold warnings that leave `ok` true (signer not trusted, time outside the
    certificate's validity, an old signature that does not lock the document)."""

    signed: bool = False
    intact: bool = False  # every signature in the file matches the bytes it signed
    covers_whole_file: bool = False  # the first signature covers the whole file: nothing after it
    signer_name: str | None = None  # /Name of the first signature, else the certificate's CN
    signing_time: datetime | None = None  # the signer's claim, not a trusted timestamp
    certificate_fingerprint: str | None = None  # SHA-256 of the first signer's certificate, hex
    trusted: bool = False  # signer certificate is one of `trusted_certs`
    problems: list[str] = field(default_factory=list)  # Persian, for the user
    certificate_name: str | None = None  # CN of the signer certificate (the clinic)
    reason: str | None = None
    signature_count: int = 0
    trust_checked: bool = False  # a list of trusted certificates was given
    locked: bool = False  # the first signature certifies the document with "no changes allowed"
    trusted_name: str | None = None  # the clinic's name as the trust list gives it
    signatures: list[SignatureInfo] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.covers_whole_file and self.signature_count == 1

    @property
    def accepted(self) -> bool:
        """Intact, nothing after our signature, and signed by a trusted certificate."""
        return self.ok and self.trust_checked and self.trusted


# ---------------------------------------------------------------- verification


def verify_pdf(
    data_or_path: bytes | str | Path,
    *,
    trusted_certs: Iterable[bytes | str | object] | None = None,
) -> VerificationResult:
    """Check the signatures of a PDF given as bytes or a path.

    A bad, damaged or unsigned file gives a result with Persian `problems`, never an exception.
    `trusted_certs`: the known clinics' certificates, each as DER or PEM bytes, a
    cryptography or asn1crypto certificate, a SHA-256 fingerprint in hex, or a `TrustedCert`
    (see `load_trust_folder`); an unreadable entry there raises ValidationError (the list is
    wrong, not the file).
    """
    result = VerificationResult()
    trusted = _trusted_map(trusted_certs)
    result.trust_checked = trusted is not None
    data = _read(data_or_path, result)
    reader = _reader(data, result) if data is not None else None
    signatures = _signatures(reader, result) if reader is not None else []
    if signatures:
        _check_signatures(reader, signatures, result)
        _check_trust(trusted, result)
    return result


def _check_signatures(reader, signatures: list, result: VerificationResult) -> None:
    """Every signature is validated; the first one (ours) decides, and nothing may follow it.

    A later signature is refused whatever pyHanko's difference analysis would call it: a
    forger's second signature may paint over the content and still count as "form filling"."""
    result.signed = True
    result.signature_count = len(signatures)
    infos = [_signature_info(sig, n, result) for n, sig in enumerate(signatures, start=1)]
    result.signatures = infos
    first = infos[0]
    result.intact = all(info.intact for info in infos)
    result.covers_whole_file = first.covers_whole_file
    for name in ("signer_name", "certificate_name", "certificate_fingerprint", "reason", "signing_time"):
        setattr(result, name, getattr(first, name))
    for info in infos[1:]:
        result.problems.append(MSG_AFTER_OURS.format(name=info.certificate_name or info.signer_name or "?"))
    if not first.covers_whole_file and len(infos) == 1 and first.intact:
        result.problems.append(MSG_NOT_COVERED)
    result.locked = _locked_by(reader, signatures[0])
    if not result.locked:
        result.problems.append(MSG_NOT_LOCKED)


def _signature_info(signature, n: int, result: VerificationResult) -> SignatureInfo:
    info = SignatureInfo(number=n)
    status = _validate(signature, n, result, skip_diff=True)
    info.intact = _sound(status) and _padding_ok(signature, n, result)
    info.covers_whole_file = _covers_whole_file(status)
    if status is not None and not _sound(status):
        result.problems.append(MSG_NOT_INTACT if n == 1 else MSG_EARLIER_BROKEN.format(n=n))
    _describe(signature, status, info, result)
    return info


def _locked_by(reader, signature) -> bool:
    """Is `signature` a certification signature whose DocMDP permits no change at all?"""
    try:
        data = read_certification_data(reader)
    except Exception:  # a damaged /Perms dictionary is simply "not locked"
        return False
    if data is None or data.permission != MDPPerm.NO_CHANGES:
        return False
    return data.author_sig.get_object() is signature.sig_object.get_object() or (
        data.author_sig.get("/Contents") == signature.sig_object.get("/Contents"))


def _check_trust(trusted: dict[str, TrustedCert] | None, result: VerificationResult) -> None:
    if trusted is None:
        result.problems.append(MSG_SIGNER_UNKNOWN)
        return
    known = trusted.get(result.certificate_fingerprint or "")
    result.trusted = bool(result.intact and known is not None)
    if known is not None:
        result.trusted_name = known.name or result.certificate_name
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


def _reader(data: bytes, result: VerificationResult):
    if b"%PDF-" not in data[:1024]:
        result.problems.append(MSG_NOT_PDF)
        return None
    try:
        return PdfFileReader(BytesIO(data), strict=False)
    except Exception:  # a damaged or hostile file can break the parser in many ways
        result.problems.append(MSG_NOT_PDF)
        return None


def _signatures(reader, result: VerificationResult) -> list:
    try:
        signatures = reader.embedded_regular_signatures
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


def _padding_ok(signature, n: int, result: VerificationResult) -> bool:
    if _padding_is_clean(signature):
        return True
    result.problems.append(MSG_PADDING.format(n=n))
    return False


def _describe(signature, status, info: SignatureInfo, result: VerificationResult) -> None:
    info.signer_name = _text(signature.sig_object.get("/Name"))
    info.reason = _text(signature.sig_object.get("/Reason"))
    info.signing_time = status.signer_reported_dt if status is not None else None
    cert = _signer_cert(signature)
    if cert is not None:
        info.certificate_name = _common_name(cert)
        info.certificate_fingerprint = cert.sha256.hex()
        if info.signing_time is not None and not _within_validity(cert, info.signing_time):
            result.problems.append(MSG_OUTSIDE_VALIDITY)
    info.signer_name = info.signer_name or info.certificate_name


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


def _trusted_map(certs) -> dict[str, TrustedCert] | None:
    if certs is None:
        return None
    found: dict[str, TrustedCert] = {}
    for cert in certs:
        entry = cert if isinstance(cert, TrustedCert) else TrustedCert(_fingerprint(cert))
        found[entry.fingerprint.lower()] = entry
    return found


def load_trust_folder(folder: str | Path) -> list[TrustedCert]:
    """Every certificate (.cer, .crt, .der, .pem) in `folder`, named by its CN (the clinic).

    The county office keeps one file per clinic, as `parvandeh key export` wrote it. An
    unreadable certificate file raises ValidationError naming the file; an empty folder is an
    error too (it would trust nobody, silently)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValidationError(MSG_NO_TRUST_FOLDER.format(folder=folder))
    trusted = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".cer", ".crt", ".der", ".pem") or not path.is_file():
            continue
        try:
            cert = _load_cert(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise ValidationError(f"{MSG_BAD_TRUSTED}: {path.name}") from exc
        trusted.append(TrustedCert(cert.sha256.hex(), _common_name(cert) or path.stem, path.name))
    if not trusted:
        raise ValidationError(MSG_EMPTY_TRUST_FOLDER.format(folder=folder))
    return trusted


def load_certificate_name(data: bytes) -> str:
    """The CN (clinic name) of a certificate given as DER or PEM bytes."""
    return _common_name(_load_cert(data)) or ""


def _load_cert(data: bytes) -> asn1_x509.Certificate:
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    cert = asn1_x509.Certificate.load(data, strict=True)
    cert.subject.native  # noqa: B018 - parse now, so bad encodings fail here
    return cert


def _fingerprint(cert) -> str:
    """SHA-256 hex of a certificate given in any of the accepted forms."""
    if isinstance(cert, str):
        return cert.replace(":", "").replace(" ", "").lower()
    if isinstance(cert, asn1_x509.Certificate):
        return cert.sha256.hex()
    if hasattr(cert, "public_bytes"):  # cryptography.x509.Certificate
        from cryptography.hazmat.primitives.serialization import Encoding

        cert = cert.public_bytes(Encoding.DER)
    try:
        return _load_cert(bytes(cert)).sha256.hex()
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
        lines.append(f"تعداد امضاها: {result.signature_count} (امضای نخست گزارش شده است؛ هر چیز پس از آن پذیرفته نیست)")
        lines.append(f"Signatures: {result.signature_count} (the first one is reported; anything after it is refused)")
        for info in result.signatures[1:]:
            lines.append(f"امضای بعدی {info.number}: {info.certificate_name or info.signer_name or '-'}")
            lines.append(f"Later signature {info.number}: {info.certificate_name or info.signer_name or '-'}"
                         f"  SHA-256 {info.certificate_fingerprint}")
    lines += _time_lines(result.signing_time)
    lines += [
        f"محتوای امضاشده دست‌نخورده است: {_yes_no_fa(result.intact)}",
        f"Signed content intact: {_yes_no(result.intact)}",
        f"امضا همهٔ فایل را در بر می‌گیرد: {_yes_no_fa(result.covers_whole_file)}",
        f"Signature covers the whole file: {_yes_no(result.covers_whole_file)}",
        f"سند با امضا قفل شده است (هیچ تغییری مجاز نیست): {_yes_no_fa(result.locked)}",
        f"Document locked by the signature (certification, no changes allowed): {_yes_no(result.locked)}",
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
            "امضاکننده: ناشناخته",
            "Signer: unknown (give --data-dir or --trust)",
        ]
    lines = [
        f"گواهی از کلینیک‌های مورد اعتماد است: {_yes_no_fa(result.trusted)}",
        f"Certificate is a trusted clinic's: {_yes_no(result.trusted)}",
    ]
    if result.trusted_name:
        lines += [f"کلینیک امضاکننده: {result.trusted_name}", f"Signing clinic: {result.trusted_name}"]
    return lines


def _verdict_lines(result: VerificationResult) -> list[str]:
    if not result.ok:
        return ["نتیجه: نامعتبر — به این فایل اعتماد نکنید", "Verdict: NOT VALID"]
    if result.trust_checked and not result.trusted:
        return [
            "نتیجه: امضا سالم است ولی امضاکننده شناخته‌شده نیست",
            "Verdict: signature intact, but the signer is not a trusted clinic",
        ]
    if not result.trust_checked:
        return [
            "نتیجه: امضا سالم است ولی امضاکننده ناشناخته است",
            "Verdict: signature intact, but the signer is unknown",
        ]
    return ["نتیجه: معتبر — فایل پس از امضا تغییر نکرده است", "Verdict: VALID"]


EXIT_VALID, EXIT_NOT_VALID, EXIT_SIGNER_UNKNOWN = 0, 1, 3


def exit_code(result: VerificationResult) -> int:
    """0 only for an intact document, nothing after our signature, signed by a trusted key;
    1 for anything broken or added; 3 for an intact document whose signer is unknown or not trusted."""
    if not result.ok:
        return EXIT_NOT_VALID
    return EXIT_VALID if result.accepted else EXIT_SIGNER_UNKNOWN


def _jalali_or_iso(moment: datetime) -> str:
    """Jalali in Iran time (Asia/Tehran), saying so; ISO 8601 if app.persian is not at hand."""
    try:
        formatter = getattr(importlib.import_module("app.persian"), "format_iran_datetime")
    except (ImportError, AttributeError):
        return moment.isoformat(timespec="minutes")
    return formatter(moment, say_zone=True)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _yes_no_fa(value: bool) -> str:
    return "بله" if value else "خیر"
