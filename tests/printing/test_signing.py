"""The clinic signing key (PKCS#12) and signing report PDFs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from io import BytesIO

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from app.errors import AuthError, ValidationError
from app.printing import signing
from app.printing.embed import JSON_MIME, XLSX_MIME, embed_files, list_embedded_files
from app.printing.verify import verify_pdf

CLINIC = "کلینیک مددکاری اجتماعی مهرگان"
LICENCE = "۱۲۳۴۵-۶۷"
PASSWORD = "رمز مدیر ۱۴۰۵"
SIGNER = "مریم احمدی‌نژاد"


def make_pdf(pages: int = 3, size=A4) -> bytes:
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=size)
    for number in range(pages):
        pdf.drawString(72, size[1] - 72, f"Monthly report, page {number + 1}")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def make_stamp() -> bytes:
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=(220, 110))
    pdf.rect(2, 2, 216, 106)
    pdf.drawString(12, 50, "STAMP")
    pdf.save()
    return out.getvalue()


@pytest.fixture(scope="module")
def blob() -> bytes:
    return signing.create_clinic_identity(CLINIC, LICENCE, PASSWORD)


@pytest.fixture(scope="module")
def signed(blob) -> bytes:
    return signing.sign_pdf(make_pdf(), blob, PASSWORD, signer_name=SIGNER, stamp_pdf=make_stamp())


def external_pkcs12(password: bytes, *, with_key=True, days=365, legacy=True) -> bytes:
    """A PKCS#12 as another tool would make it: EC key, leaf issued by a small CA."""
    now = datetime.now(timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Clinic Pars")])

    def cert(subject, public, usage):
        builder = (
            x509.CertificateBuilder().subject_name(subject).issuer_name(ca_name)
            .public_key(public).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=days))
        )
        if usage:
            builder = builder.add_extension(usage, critical=True)
        return builder.sign(ca_key, hashes.SHA256())

    ca_cert = cert(ca_name, ca_key.public_key(), None)
    leaf = cert(name, key.public_key(), x509.KeyUsage(
        True, True, False, False, False, False, False, False, False))
    if legacy:
        encryption = (serialization.PrivateFormat.PKCS12.encryption_builder()
                      .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
                      .hmac_hash(hashes.SHA1()).build(password))
    else:
        encryption = serialization.BestAvailableEncryption(password)
    return pkcs12.serialize_key_and_certificates(
        b"clinic", key if with_key else None, leaf, [ca_cert], encryption)


# ---------------------------------------------------------------- identity


def test_created_identity_carries_the_clinic(blob):
    info = signing.identity_info(blob, PASSWORD)
    assert info.common_name == CLINIC
    assert info.licence_number == "12345-67"  # Persian digits stored as ASCII
    assert info.not_after - info.not_before > timedelta(days=3650)
    assert len(info.fingerprint_sha256) == 64


def test_certificate_subject_and_usage(blob):
    _, cert, _ = pkcs12.load_key_and_certificates(blob, PASSWORD.encode())
    subject = {a.oid: a for a in cert.subject}
    assert subject[NameOID.COMMON_NAME].value == CLINIC
    assert subject[NameOID.COMMON_NAME]._type.name == "UTF8String"
    assert subject[NameOID.ORGANIZATION_NAME].value == CLINIC
    assert subject[NameOID.COUNTRY_NAME].value == "IR"
    assert cert.issuer == cert.subject
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    assert not usage.key_cert_sign


def test_blob_is_encrypted_with_aes(blob):
    # PBES2 OID and AES-256-CBC OID appear in the DER; the password is needed to open it.
    assert bytes.fromhex("2a864886f70d01050d") in blob  # PBES2
    assert bytes.fromhex("60864801650304012a") in blob  # AES-256-CBC
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(blob, b"wrong")


def test_wrong_password_is_auth_error(blob):
    with pytest.raises(AuthError) as caught:
        signing.identity_info(blob, "wrong")
    assert caught.value.message == "رمز فایل کلید امضا نادرست است"


def test_change_password(blob):
    changed = signing.change_identity_password(blob, PASSWORD, "new secret")
    assert signing.identity_info(changed, "new secret") == signing.identity_info(blob, PASSWORD)
    with pytest.raises(AuthError):
        signing.identity_info(changed, PASSWORD)
    with pytest.raises(AuthError):
        signing.change_identity_password(blob, "wrong", "x")


def test_empty_password_refused():
    with pytest.raises(ValidationError):
        signing.create_clinic_identity(CLINIC, LICENCE, "")


def test_import_external_pkcs12_and_sign_with_it():
    data = external_pkcs12(b"old pass")
    blob = signing.import_pkcs12(data, "old pass", new_password="manager pass")
    info = signing.identity_info(blob, "manager pass")
    assert info.common_name == "Clinic Pars"
    assert info.licence_number is None
    with pytest.raises(AuthError):
        signing.identity_info(blob, "old pass")
    signed = signing.sign_pdf(make_pdf(1), blob, "manager pass", signer_name=SIGNER)
    result = verify_pdf(signed)
    assert result.ok, result.problems
    assert result.certificate_fingerprint == info.fingerprint_sha256


def test_import_keeps_password_when_no_new_one():
    blob = signing.import_pkcs12(external_pkcs12(b"pw", legacy=False), "pw")
    assert signing.identity_info(blob, "pw").common_name == "Clinic Pars"


def test_import_wrong_password():
    with pytest.raises(AuthError) as caught:
        signing.import_pkcs12(external_pkcs12(b"pw"), "not it")
    assert caught.value.message == "رمز فایل کلید امضا نادرست است"


def test_import_refuses_bad_files():
    with pytest.raises(ValidationError):
        signing.import_pkcs12(b"not a pkcs12 file", "pw")
    with pytest.raises(ValidationError):
        signing.import_pkcs12(external_pkcs12(b"pw", with_key=False), "pw")
    later = datetime.now(timezone.utc) + timedelta(days=400)
    with pytest.raises(ValidationError):
        signing.import_pkcs12(external_pkcs12(b"pw"), "pw", now=later)


# ---------------------------------------------------------------- signing


def test_signed_file_verifies(signed, blob):
    result = verify_pdf(signed)
    assert result.ok, result.problems
    assert result.signer_name == SIGNER
    assert result.certificate_name == CLINIC
    assert result.reason == "گزارش عملکرد ماهانه"
    info = signing.identity_info(blob, PASSWORD)
    assert result.certificate_fingerprint == info.fingerprint_sha256


def test_signing_is_an_incremental_update(signed):
    original = make_pdf()
    # reportlab embeds a creation date, so compare structure, not bytes: the signed file
    # is the original revision plus exactly one update.
    assert signed.startswith(b"%PDF-")
    reader = PdfFileReader(BytesIO(signed))
    assert reader.xrefs.total_revisions == 2
    assert signed.count(b"%%EOF") == original.count(b"%%EOF") + 1


def test_signature_is_pades_sha256_on_last_page(signed):
    reader = PdfFileReader(BytesIO(signed))
    signature = reader.embedded_regular_signatures[0]
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.md_algorithm == "sha256"
    assert signature.field_name == signing.DEFAULT_FIELD_NAME
    assert field_names_on_page(reader, -1) == [signing.DEFAULT_FIELD_NAME]
    assert field_names_on_page(reader, 0) == []
    widget = signature.sig_field
    assert [float(v) for v in widget["/Rect"]] == [float(v) for v in signing.DEFAULT_BOX]


def field_names_on_page(reader, index):
    page = reader.root["/Pages"]["/Kids"][index].get_object()
    return [str(a.get_object()["/T"]) for a in page.get("/Annots", [])]


def test_stamp_pdf_is_the_appearance(signed):
    reader = PdfFileReader(BytesIO(signed))
    widget = reader.embedded_regular_signatures[0].sig_field
    appearance = widget["/AP"]["/N"].get_object()
    names = [str(n) for n in appearance["/Resources"]["/XObject"]]
    assert any(name.startswith("/Import") for name in names)


def test_sign_without_stamp_uses_ascii_text(blob):
    signed = signing.sign_pdf(make_pdf(1), blob, PASSWORD, signer_name=SIGNER)
    assert verify_pdf(signed).ok


def test_signing_time_and_location_are_recorded(blob):
    moment = datetime(2026, 11, 22, 9, 30, tzinfo=timezone(timedelta(hours=3, minutes=30)))
    signed = signing.sign_pdf(
        make_pdf(1), blob, PASSWORD, signer_name=SIGNER, signing_time=moment, location="تهران"
    )
    assert verify_pdf(signed).signing_time == moment
    sig = PdfFileReader(BytesIO(signed)).embedded_regular_signatures[0].sig_object
    assert sig["/Location"] == "تهران"


def test_box_and_page_can_be_chosen(blob):
    signed = signing.sign_pdf(
        make_pdf(3), blob, PASSWORD, signer_name=SIGNER, page=0, box=(300, 50, 500, 150)
    )
    reader = PdfFileReader(BytesIO(signed))
    assert field_names_on_page(reader, 0) == [signing.DEFAULT_FIELD_NAME]
    widget = reader.embedded_regular_signatures[0].sig_field
    assert [float(v) for v in widget["/Rect"]] == [300, 50, 500, 150]
    with pytest.raises(ValidationError):
        signing.sign_pdf(make_pdf(1), blob, PASSWORD, signer_name=SIGNER, page=5)


def test_sign_wrong_password(blob):
    with pytest.raises(AuthError):
        signing.sign_pdf(make_pdf(1), blob, "wrong", signer_name=SIGNER)


def test_sign_garbage_is_validation_error(blob):
    with pytest.raises(ValidationError):
        signing.sign_pdf(b"this is no pdf", blob, PASSWORD, signer_name=SIGNER)


def test_second_signature_needs_another_field(signed, blob):
    with pytest.raises(ValidationError):
        signing.sign_pdf(signed, blob, PASSWORD, signer_name=SIGNER)
    # The first signature locks the document: no second one, in any field.
    with pytest.raises(ValidationError) as err:
        signing.sign_pdf(signed, blob, PASSWORD, signer_name="دوم", field_name="Second")
    assert err.value.message == signing.MSG_LOCKED


# ---------------------------------------------------------------- embedded files


def test_embedded_files_survive_signing(blob):
    files = [
        ("report.json", '{"ماه": "آذر"}'.encode(), JSON_MIME),
        ("گزارش-آذر.xlsx", b"PK\x03\x04" + bytes(range(256)) * 40, XLSX_MIME),
    ]
    signed = signing.sign_pdf(embed_files(make_pdf(2), files), blob, PASSWORD, signer_name=SIGNER)
    assert list_embedded_files(signed) == {name: data for name, data, _ in files}
    assert verify_pdf(signed).ok


def test_embedding_after_signing_breaks_the_signature(signed):
    later = embed_files(signed, [("late.json", b"{}", JSON_MIME)])
    result = verify_pdf(later)
    assert not result.ok
    assert not result.covers_whole_file


def test_no_attachments():
    assert list_embedded_files(make_pdf(1)) == {}


def test_duplicate_attachment_names_refused():
    with pytest.raises(ValidationError):
        embed_files(make_pdf(1), [("a.json", b"1", JSON_MIME), ("a.json", b"2", JSON_MIME)])


@pytest.mark.parametrize("name", ["کلینیک مددکاری اجتماعی مهر (نمونه)", "کلینیک ICDL نور", "۱۲ کلینیک امید",
                                  "کلینیک «مهر»"])
def test_persian_names_with_brackets_latin_or_digits_still_verify(name):
    import io as _io

    from reportlab.pdfgen import canvas as _canvas

    from app.printing.signing import certificate_name, create_clinic_identity, sign_pdf
    from app.printing.verify import verify_pdf
    buf = _io.BytesIO()
    c = _canvas.Canvas(buf)
    c.drawString(100, 100, "x")
    c.save()
    blob = create_clinic_identity(name, "1234/56", "pw-123456")
    result = verify_pdf(sign_pdf(buf.getvalue(), blob, "pw-123456", signer_name="مدیر"))
    assert result.ok, result.problems
    assert certificate_name(name) and "(" not in certificate_name(name)
