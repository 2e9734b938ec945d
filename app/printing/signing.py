"""The clinic's signing key, and signing the monthly report PDF.

The key and its self-signed certificate live in one PKCS#12 blob, encrypted under the
manager's password (PBES2, AES-256-CBC, PBKDF2-SHA256; MAC with SHA-256). Nothing here writes
files or touches a database: callers store the blob where they like.

Signatures are PAdES B-B (subfilter ETSI.CAdES.detached, SHA-256), written as an incremental
update, so the signature must be the last thing written to the file. With no timestamp
authority the signing time is the signer's own claim.

The visible signature box is drawn elsewhere (Persian text needs our own shaping) and passed in
as a one-page PDF; pyHanko only places that page in the field, it writes no text of its own
apart from an ASCII fallback when no stamp is given.
"""

from __future__ import annotations

import unicodedata

import binascii
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from io import BytesIO

from asn1crypto import keys as asn1_keys
from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import content, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.general import SigningError
from pyhanko.stamp import StaticStampStyle, TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from app.domain.documents import MONTHLY
from app.errors import AuthError, ValidationError

DEFAULT_REASON = MONTHLY.title
DEFAULT_FIELD_NAME = "ParvandehSignature"
# Lower left of the page: where a Persian letter carries its signature. Points (1/72 inch).
DEFAULT_BOX = (36, 36, 256, 146)
RSA_KEY_SIZE = 3072
PKCS12_KDF_ROUNDS = 200_000

MSG_WRONG_PASSWORD = "رمز فایل کلید امضا نادرست است"
MSG_NOT_PKCS12 = "فایل کلید امضا معتبر نیست (باید PKCS#12 با پسوند p12 یا pfx باشد)"
MSG_NO_KEY = "فایل کلید امضا باید هم کلید خصوصی و هم گواهی داشته باشد"
MSG_KEY_MISMATCH = "کلید خصوصی با گواهی داخل فایل نمی‌خواند"
MSG_KEY_TYPE = "نوع کلید این فایل پشتیبانی نمی‌شود؛ فقط RSA یا EC"
MSG_EXPIRED = "گواهی این کلید امضا منقضی شده یا هنوز معتبر نشده است"
MSG_KEY_USAGE = "گواهی این کلید برای امضای دیجیتال صادر نشده است"
MSG_EMPTY_PASSWORD = "رمز کلید امضا نباید خالی باشد"
MSG_EMPTY_NAME = "نام کلینیک برای گواهی امضا لازم است"
MSG_BAD_PDF = "فایل PDF برای امضا خوانده نشد"
MSG_SIGN_FAILED = "امضای فایل PDF انجام نشد"
MSG_ALREADY_SIGNED = "این فایل پیش‌تر با همین کادر امضا شده است؛ امضای دوم کادر دیگری می‌خواهد"
MSG_LOCKED = "این فایل پیش‌تر امضا و قفل شده است؛ امضای دیگری بر آن پذیرفته نیست"
MSG_BAD_PAGE = "صفحهٔ انتخاب‌شده برای امضا در فایل نیست"

_PERSIAN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_PRINTABLE = re.compile(r"^[A-Za-z0-9 '()+,\-./:=?]+$")


@dataclass(frozen=True)
class SigningIdentityInfo:
    common_name: str
    licence_number: str | None  # subject serialNumber; None for certificates without one
    serial: str  # certificate serial number, hex
    not_before: datetime
    not_after: datetime
    fingerprint_sha256: str  # lower-case hex of the DER certificate


@dataclass(frozen=True)
class _Identity:
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    extra_certs: tuple[x509.Certificate, ...]


# ---------------------------------------------------------------- identity (key + certificate)


def create_clinic_identity(
    clinic_name: str,
    licence_number: str,
    password: str,
    *,
    valid_years: int = 10,
    now: datetime | None = None,
) -> bytes:
    """A new RSA-3072 key and self-signed certificate, as an encrypted PKCS#12 blob."""
    clinic_name = clinic_name.strip()
    if not clinic_name:
        raise ValidationError(MSG_EMPTY_NAME, field="clinic_name")
    _require_password(password)
    now = _aware(now or datetime.now(timezone.utc))
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_SIZE)
    cert = _self_signed_cert(key, _clinic_subject(clinic_name, licence_number), now, valid_years)
    return _to_pkcs12(_Identity(key, cert, ()), password)


def import_pkcs12(
    data: bytes,
    password: str,
    new_password: str | None = None,
    *,
    now: datetime | None = None,
) -> bytes:
    """Check an existing PKCS#12 and return it re-encrypted in the app's format.

    The result is always re-encrypted (PBES2/AES-256), under `new_password` when given,
    otherwise under `password`; older files often use weak RC2/3DES encryption.
    """
    identity = _load(data, password)
    _check_usable(identity, _aware(now or datetime.now(timezone.utc)))
    target = new_password if new_password is not None else password
    _require_password(target)
    return _to_pkcs12(identity, target)


def identity_info(blob: bytes, password: str) -> SigningIdentityInfo:
    return _info_of(_load(blob, password).cert)


def change_identity_password(blob: bytes, old: str, new: str) -> bytes:
    _require_password(new)
    return _to_pkcs12(_load(blob, old), new)


def certificate_der(blob: bytes, password: str) -> bytes:
    """The certificate alone (DER), to hand to the county office as the clinic's public part."""
    return _load(blob, password).cert.public_bytes(serialization.Encoding.DER)


def certificate_name(clinic_name: str) -> str:
    """The clinic's name in a form X.509 name matching accepts.

    Validators compare names after LDAP string preparation (RFC 4518), whose bidi rule rejects a
    right-to-left string that does not begin and end with a right-to-left letter, or that also holds
    Latin letters; such a certificate is then "not found" at verification. Brackets and Latin words
    are dropped from the certificate's copy of the name; printed documents keep the real name."""
    clinic_name = " ".join(clinic_name.split())
    kinds = [unicodedata.bidirectional(ch) for ch in clinic_name]
    if not any(k in ("R", "AL") for k in kinds):
        return clinic_name[:64]
    if "L" not in kinds and kinds[0] in ("R", "AL") and kinds[-1] in ("R", "AL") and len(clinic_name) <= 64:
        return clinic_name
    kept = "".join(ch for ch, k in zip(clinic_name, kinds) if k != "L" and ch not in "()[]{}«»<>")
    kept = " ".join(kept.split())
    while kept and unicodedata.bidirectional(kept[0]) not in ("R", "AL"):
        kept = kept[1:]
    while kept and unicodedata.bidirectional(kept[-1]) not in ("R", "AL"):
        kept = kept[:-1]
    return kept[:64].rstrip() or "Parvandeh clinic"


def _clinic_subject(clinic_name: str, licence_number: str) -> x509.Name:
    # CN and O default to UTF8String in cryptography, C to PrintableString.
    clinic_name = certificate_name(clinic_name)
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "IR"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, clinic_name),
        x509.NameAttribute(NameOID.COMMON_NAME, clinic_name),
    ]
    licence = licence_number.strip().translate(_PERSIAN_DIGITS)
    if _PRINTABLE.match(licence):
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, licence))
    elif licence:  # serialNumber is PrintableString unless the text cannot be one
        attributes.append(
            x509.NameAttribute(NameOID.SERIAL_NUMBER, licence, _type=_ASN1Type.UTF8String)
        )
    return x509.Name(attributes)


def _self_signed_cert(key, subject: x509.Name, now: datetime, valid_years: int) -> x509.Certificate:
    not_before = now - timedelta(hours=1)  # tolerate a clock that is a little behind
    not_after = now + timedelta(days=365 * valid_years + valid_years // 4)
    public = key.public_key()
    usage = x509.KeyUsage(
        digital_signature=True, content_commitment=True, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
        encipher_only=False, decipher_only=False,
    )
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )


def _to_pkcs12(identity: _Identity, password: str) -> bytes:
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(PKCS12_KDF_ROUNDS)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(password.encode("utf-8"))
    )
    name = _common_name(identity.cert).encode("utf-8") or None
    return pkcs12.serialize_key_and_certificates(
        name, identity.key, identity.cert, list(identity.extra_certs) or None, encryption
    )


def _load(data: bytes, password: str) -> _Identity:
    """Decrypt a PKCS#12 blob. Wrong password -> AuthError; anything else -> ValidationError."""
    if not _looks_like_pkcs12(data):
        raise ValidationError(MSG_NOT_PKCS12)
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, _password_bytes(password))
    except ValueError:
        raise AuthError(MSG_WRONG_PASSWORD) from None
    if key is None or cert is None:
        raise ValidationError(MSG_NO_KEY)
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise ValidationError(MSG_KEY_TYPE)
    if _public_der(key.public_key()) != _public_der(cert.public_key()):
        raise ValidationError(MSG_KEY_MISMATCH)
    return _Identity(key, cert, tuple(extra))


def _looks_like_pkcs12(data: bytes) -> bool:
    try:
        pfx = asn1_pkcs12.Pfx.load(bytes(data), strict=True)
        return pfx["auth_safe"]["content_type"].native == "data"
    except Exception:  # asn1crypto raises many kinds on junk
        return False


def _password_bytes(password: str) -> bytes | None:
    return password.encode("utf-8") if password else None


def _check_usable(identity: _Identity, now: datetime) -> None:
    cert = identity.cert
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise ValidationError(MSG_EXPIRED)
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not (usage.digital_signature or usage.content_commitment):
        raise ValidationError(MSG_KEY_USAGE)


def _info_of(cert: x509.Certificate) -> SigningIdentityInfo:
    return SigningIdentityInfo(
        common_name=_common_name(cert),
        licence_number=_subject_value(cert, NameOID.SERIAL_NUMBER),
        serial=format(cert.serial_number, "x"),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        fingerprint_sha256=cert.fingerprint(hashes.SHA256()).hex(),
    )


def _common_name(cert: x509.Certificate) -> str:
    return _subject_value(cert, NameOID.COMMON_NAME) or ""


def _subject_value(cert: x509.Certificate, oid) -> str | None:
    values = cert.subject.get_attributes_for_oid(oid)
    return str(values[0].value) if values else None


def _public_der(public_key) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _require_password(password: str | None) -> None:
    if not password:
        raise ValidationError(MSG_EMPTY_PASSWORD, field="password")


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.astimezone()


# ---------------------------------------------------------------- signing a PDF


def sign_pdf(
    pdf_bytes: bytes,
    blob: bytes,
    password: str,
    *,
    signer_name: str,
    reason: str = DEFAULT_REASON,
    location: str = "",
    stamp_pdf: bytes | None = None,
    box: tuple[float, float, float, float] = DEFAULT_BOX,
    page: int = -1,
    field_name: str = DEFAULT_FIELD_NAME,
    signing_time: datetime | None = None,
    certify: bool = True,
) -> bytes:
    """Sign `pdf_bytes` with the clinic key; returns the signed file.

    By default this is a certification signature with DocMDP "no changes allowed": the document
    is locked, and any later revision (another signature, an annotation, a form fill) breaks
    the certification in every conforming reader and is refused by our `verify`.

    `box` is (x1, y1, x2, y2) in points on page `page` (negative counts from the end, so the
    default is the last page). `stamp_pdf`, when given, is a one-page PDF drawn in the box.
    `signing_time` (default now; a naive value is taken as local time) is only the signer's
    claim. Nothing may rewrite the returned bytes: appending anything breaks "covers whole file".
    Wrong password -> AuthError; unreadable PDF, bad page, field already signed ->
    ValidationError.
    """
    identity = _load(blob, password)
    writer = _open_for_signing(pdf_bytes)
    page_index = _page_index(writer, page)
    _require_free_field(writer, field_name)
    if certify and any(fields.enumerate_sig_fields(writer, filled_status=True)):
        raise ValidationError(MSG_LOCKED)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=signer_name or None,
        certify=certify,
        docmdp_permissions=MDPPerm.NO_CHANGES if certify else MDPPerm.FILL_FORMS,
    )
    pdf_signer = _FixedTimePdfSigner(
        meta,
        signer=_simple_signer(identity),
        stamp_style=_stamp_style(stamp_pdf),
        new_field_spec=fields.SigFieldSpec(
            sig_field_name=field_name, on_page=page_index, box=tuple(box)
        ),
        signing_time=_aware(signing_time) if signing_time else None,
    )
    out = BytesIO()
    try:
        pdf_signer.sign_pdf(writer, output=out)
    except (SigningError, PdfError) as exc:
        raise ValidationError(f"{MSG_SIGN_FAILED}: {exc}") from exc
    return out.getvalue()


class _FixedTimePdfSigner(signers.PdfSigner):
    """PdfSigner whose claimed signing time can be chosen (tests, reproducible output)."""

    def __init__(self, *args, signing_time: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._signing_time = signing_time

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only)
        if self._signing_time is not None:
            session.system_time = self._signing_time
        return session


def _simple_signer(identity: _Identity) -> signers.SimpleSigner:
    store = SimpleCertificateStore()
    store.register_multiple(_asn1_cert(c) for c in identity.extra_certs)
    key_der = identity.key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return _LoadedKeySigner(
        identity.key,
        signing_cert=_asn1_cert(identity.cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=store,
    )


class _LoadedKeySigner(signers.SimpleSigner):
    """SimpleSigner that signs with the key object already loaded.

    pyHanko's own sign_raw re-parses the DER key on every call, and OpenSSL's RSA key check
    costs ~0.14 s each time (twice per signature).
    """

    _HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}

    def __init__(self, key, **kwargs):
        super().__init__(**kwargs)
        self._key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_class = self._HASHES.get(digest_algorithm)
        if hash_class is None:
            return super().sign_raw(data, digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), hash_class())
        if mechanism == "ecdsa" and isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(hash_class()))
        return super().sign_raw(data, digest_algorithm)


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _open_for_signing(pdf_bytes: bytes) -> IncrementalPdfFileWriter:
    try:
        return IncrementalPdfFileWriter(BytesIO(pdf_bytes), strict=False)
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise ValidationError(MSG_BAD_PDF) from exc


def _page_index(writer: IncrementalPdfFileWriter, page: int) -> int:
    count = int(writer.root["/Pages"]["/Count"])
    index = page + count if page < 0 else page
    if not 0 <= index < count:
        raise ValidationError(MSG_BAD_PAGE, field="page")
    return index


def _require_free_field(writer: IncrementalPdfFileWriter, field_name: str) -> None:
    if any(fields.enumerate_sig_fields(writer, filled_status=True, with_name=field_name)):
        raise ValidationError(MSG_ALREADY_SIGNED, field="field_name")


def _stamp_style(stamp_pdf: bytes | None):
    if stamp_pdf is None:
        # pyHanko cannot shape Persian: keep its own text ASCII-only.
        return TextStampStyle(
            stamp_text="Digitally signed\n%(ts)s",
            timestamp_format="%Y-%m-%d %H:%M %z",
            border_width=1,
        )
    return StaticStampStyle(
        background=_PdfPageContent(stamp_pdf),
        background_opacity=1.0,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
        ),
    )


class _PdfPageContent(content.PdfContent):
    """First page of an in-memory PDF as a form XObject (pyHanko's ImportedPdfPage wants a path)."""

    def __init__(self, pdf_bytes: bytes):
        super().__init__()
        self.pdf_bytes = pdf_bytes

    def render(self) -> bytes:
        try:
            reader = PdfFileReader(BytesIO(self.pdf_bytes), strict=False)
            xobj = self._ensure_writer.import_page_as_xobject(reader, page_ix=0)
        except (PdfError, ValueError, KeyError, IndexError) as exc:
            raise ValidationError("فایل PDF کادر امضا خوانده نشد") from exc
        name = b"/Import" + binascii.hexlify(uuid.uuid4().bytes)
        self.resources.xobject[name.decode("ascii")] = xobj
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x2 - x1), height=abs(y2 - y1))
        return name + b" Do"
