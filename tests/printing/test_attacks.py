"""Each forgery of issue 10, built with pyHanko, refused by `verify`; a genuine file passes pdfsig too."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import pytest

from app.printing import signing
from app.printing.verify import (EXIT_NOT_VALID, EXIT_SIGNER_UNKNOWN, EXIT_VALID, exit_code,
                                 format_verification, load_trust_folder, verify_pdf)
from tests.printing import attacks
from tests.printing.test_verify import CLINIC, KEY_MADE_AT, PASSWORD, SIGNED_AT, SIGNER, make_pdf

OTHER_CLINIC = "کلینیک مددکاری «نیکان» ری"


@pytest.fixture(scope="module")
def blob() -> bytes:
    return signing.create_clinic_identity(CLINIC, "98765", PASSWORD, now=KEY_MADE_AT)


@pytest.fixture(scope="module")
def forger_blob() -> bytes:
    """A self-made key that carries the clinic's very name and licence."""
    return signing.create_clinic_identity(CLINIC, "98765", "forger", now=KEY_MADE_AT)


@pytest.fixture(scope="module")
def other_clinic_blob() -> bytes:
    return signing.create_clinic_identity(OTHER_CLINIC, "11111", "other", now=KEY_MADE_AT)


@pytest.fixture(scope="module")
def genuine(blob) -> bytes:
    return signing.sign_pdf(make_pdf(), blob, PASSWORD, signer_name=SIGNER, signing_time=SIGNED_AT)


@pytest.fixture(scope="module")
def ours(blob) -> list[bytes]:
    return [signing.certificate_der(blob, PASSWORD)]


def test_genuine_file_is_locked_and_accepted_only_with_trust(genuine, ours):
    result = verify_pdf(genuine, trusted_certs=ours)
    assert result.ok and result.locked and result.accepted
    assert result.trusted_name == CLINIC and result.problems == []
    assert exit_code(result) == EXIT_VALID
    bare = verify_pdf(genuine)
    assert bare.ok and not bare.accepted and exit_code(bare) == EXIT_SIGNER_UNKNOWN
    assert "signer is unknown" in format_verification(bare)


def test_our_signer_refuses_to_sign_a_locked_file(genuine, blob, other_clinic_blob):
    for key, password in ((blob, PASSWORD), (other_clinic_blob, "other")):
        with pytest.raises(Exception):
            signing.sign_pdf(genuine, key, password, signer_name="دوم", field_name="Second")
        with pytest.raises(Exception):
            signing.sign_pdf(genuine, key, password, signer_name="دوم", field_name="Second", certify=False)


def test_second_signature_with_a_stamp_over_content_is_refused(genuine, ours, forger_blob):
    forged = attacks.force_sign(genuine, forger_blob, "forger", stamp_pdf=attacks.overlay_stamp("999 999"))
    for trust in (None, ours):
        result = verify_pdf(forged, trusted_certs=trust)
        assert result.signature_count == 2 and not result.ok
        assert exit_code(result) == EXIT_NOT_VALID
        assert result.signer_name == SIGNER  # the first signature is the one reported
        assert any("امضای دیگری افزوده شده" in p for p in result.problems)
        assert format_verification(result).splitlines()[-1] == "Verdict: NOT VALID"


def test_second_signature_by_our_own_key_is_refused_too(genuine, ours, blob):
    forged = attacks.force_sign(genuine, blob, PASSWORD, stamp_pdf=attacks.overlay_stamp("0"))
    result = verify_pdf(forged, trusted_certs=ours)
    assert not result.ok and not result.accepted and exit_code(result) == EXIT_NOT_VALID


def test_stripped_and_resigned_with_a_key_in_the_clinics_name_is_refused(genuine, ours, forger_blob):
    original = attacks.strip_signature(genuine)
    assert b"/ByteRange" not in original and verify_pdf(original).signed is False
    changed = attacks.overlay_content(original)  # the forger's new figure, then a fresh signature
    forged = signing.sign_pdf(changed, forger_blob, "forger", signer_name=SIGNER, signing_time=SIGNED_AT)
    result = verify_pdf(forged, trusted_certs=ours)
    assert result.ok and result.certificate_name == CLINIC  # intact, and the name is the clinic's ...
    assert not result.trusted and not result.accepted  # ... but the key is not
    assert exit_code(result) == EXIT_SIGNER_UNKNOWN
    assert exit_code(verify_pdf(forged)) != EXIT_VALID


def test_annotation_after_signing_is_refused(genuine, ours):
    result = verify_pdf(attacks.add_annotation(genuine), trusted_certs=ours)
    assert result.intact and not result.covers_whole_file and not result.ok
    assert exit_code(result) == EXIT_NOT_VALID


def test_content_overlay_after_signing_is_refused(genuine, ours):
    forged = attacks.overlay_content(genuine)
    assert forged.startswith(genuine)  # a clean incremental update: the signed bytes are untouched
    result = verify_pdf(forged, trusted_certs=ours)
    assert not result.ok and exit_code(result) == EXIT_NOT_VALID


def test_another_clinics_key_is_not_accepted(ours, other_clinic_blob):
    theirs = signing.sign_pdf(make_pdf(), other_clinic_blob, "other", signer_name="دیگری", signing_time=SIGNED_AT)
    result = verify_pdf(theirs, trusted_certs=ours)
    assert result.ok and not result.trusted and exit_code(result) == EXIT_SIGNER_UNKNOWN


def test_trust_folder_names_the_clinic(tmp_path, genuine, blob, other_clinic_blob):
    (tmp_path / "omid.cer").write_bytes(signing.certificate_der(blob, PASSWORD))
    (tmp_path / "nikan.cer").write_bytes(signing.certificate_der(other_clinic_blob, "other"))
    (tmp_path / "readme.txt").write_text("not a certificate, ignored")
    trusted = load_trust_folder(tmp_path)
    assert sorted(t.name for t in trusted) == sorted([CLINIC, OTHER_CLINIC])
    result = verify_pdf(genuine, trusted_certs=trusted)
    assert result.accepted and result.trusted_name == CLINIC
    assert f"Signing clinic: {CLINIC}" in format_verification(result)
    (tmp_path / "bad.cer").write_bytes(b"junk")
    with pytest.raises(Exception) as err:
        load_trust_folder(tmp_path)
    assert "bad.cer" in str(err.value)


def test_empty_or_missing_trust_folder_is_an_error(tmp_path):
    with pytest.raises(Exception):
        load_trust_folder(tmp_path)
    with pytest.raises(Exception):
        load_trust_folder(tmp_path / "missing")


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils (pdfsig) not installed")
def test_genuine_file_passes_pdfsig(tmp_path, genuine):
    path = tmp_path / "genuine.pdf"
    path.write_bytes(genuine)
    run = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "Signature is Valid" in run.stdout
    assert "Total document signed" in run.stdout
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(attacks.overlay_content(genuine))
    text = subprocess.run(["pdfsig", str(forged)], capture_output=True, text=True).stdout
    assert "Total document signed" not in text  # poppler also sees that the signature no longer covers all


def test_signing_time_is_shown_in_iran_time(blob):
    utc_evening = datetime(2026, 11, 30, 21, 0, tzinfo=timezone.utc)  # 00:30 on the next day in Tehran
    signed = signing.sign_pdf(make_pdf(1), blob, PASSWORD, signer_name=SIGNER, signing_time=utc_evening)
    text = format_verification(verify_pdf(signed))
    assert "۱۴۰۵/۰۹/۱۰ ساعت ۰۰:۳۰ به وقت ایران" in text
    assert utc_evening.astimezone(timezone(timedelta(hours=3, minutes=30))).day == 1
