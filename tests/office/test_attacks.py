"""The office's promises tried as a forger or an unlucky office would: content changed after the
clinic's signature, another registered clinic signing over it, the embedded data swapped, a crash
between keeping the file and recording it. The office package imports no Qt."""

from __future__ import annotations

import json
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from sqlalchemy import func, select

from app.office.models import OfficeDocument
from app.office.receiving import receive_files
from app.printing import signing
from app.printing.embed import JSON_MIME, embed_files
from tests.office.conftest import CLINIC_PASSWORD, register, write
from tests.office.test_receive import embedded


class _ForgerSigner(signers.PdfSigner):
    def _enforce_certification_constraints(self, reader):  # a forger ignores any lock
        return None


def force_sign(pdf: bytes, blob: bytes, password: str, field_name: str = "Second") -> bytes:
    identity = signing._load(blob, password)
    meta = signers.PdfSignatureMetadata(field_name=field_name, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES)
    signer = _ForgerSigner(meta, signer=signing._simple_signer(identity), stamp_style=signing._stamp_style(None),
                           new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=0,
                                                              box=(60, 700, 280, 760)))
    out = BytesIO()
    signer.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf), strict=False), output=out)
    return out.getvalue()


def swapped_data(pdf: bytes, **changes) -> bytes:
    """The embedded report data replaced in an update after the signature (same attachment name)."""
    doc = embedded(pdf) | changes
    return embed_files(pdf, [(f"{doc['report_id']}.json", json.dumps(doc, ensure_ascii=False).encode(), JSON_MIME)])


def annotated(pdf: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    page_ref, _ = writer.find_page_for_modification(0)
    note = generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/Annot"), generic.pdf_name("/Subtype"): generic.pdf_name("/Text"),
        generic.pdf_name("/Rect"): generic.ArrayObject(map(generic.NumberObject, (50, 50, 70, 70))),
        generic.pdf_name("/Contents"): generic.pdf_string("999"),
    })
    writer.register_annotation(page_ref, writer.add_object(note))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def count(ctx) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(func.count()).select_from(OfficeDocument))


def test_changes_after_the_clinics_signature_are_refused(office, clinics, tmp_path):
    a = clinics[0]
    register(office, a)
    genuine = a.reports[(1405, 8)]
    for name, forged in (("swapped.pdf", swapped_data(genuine, clients=999)), ("note.pdf", annotated(genuine))):
        receipt, = receive_files(office, [write(tmp_path, name, forged)])
        assert not receipt.accepted, name
    assert count(office) == 0


def test_another_registered_clinic_signing_over_a_report_does_not_make_it_the_first_clinics(
        office, clinics, tmp_path):
    a, b = clinics
    register(office, a)
    register(office, b)
    forged = force_sign(swapped_data(a.reports[(1405, 8)], clients=999), b.key_blob(), CLINIC_PASSWORD)
    receipt, = receive_files(office, [write(tmp_path, "forged.pdf", forged)])
    assert not receipt.accepted
    assert count(office) == 0


def test_a_crash_between_keeping_the_file_and_recording_it_leaves_nothing_half_done(
        office, clinics, tmp_path, monkeypatch):
    from app.office import receiving
    a = clinics[0]
    register(office, a)
    path = write(tmp_path, "r.pdf", a.reports[(1405, 8)])
    real = receiving._keep

    def kept_then_power_cut(*args):
        real(*args)  # the file is in received/, the record not yet committed
        raise OSError("power cut")
    monkeypatch.setattr(receiving, "_keep", kept_then_power_cut)
    with pytest.raises(OSError):
        receive_files(office, [path])
    assert count(office) == 0
    monkeypatch.setattr(receiving, "_keep", real)
    receipt, = receive_files(office, [path])  # the same file again: received, not "duplicate"
    assert receipt.accepted and count(office) == 1
    assert not list(Path(office.data_dir, "received").rglob("*.partial"))


def test_the_office_core_imports_no_qt():
    script = ("import sys\nsys.modules['PySide6'] = None\n"
              "import app.office.receiving, app.office.summary, app.office.export, app.office.registry\n"
              "import app.cli.office\n")
    subprocess.run([sys.executable, "-c", script], check=True, cwd=Path(__file__).resolve().parents[2])


def test_anything_appended_after_the_signature_is_refused(office, clinics, tmp_path):
    """Bytes after %%EOF, an empty incremental update, and a second copy of the data appended
    (a reader that takes the last attachment would see other figures): all refused, none stored."""
    a = clinics[0]
    register(office, a)
    genuine = a.reports[(1405, 8)]
    doc = embedded(genuine)
    trailing = genuine + b"\n% a note added later\n"
    empty_update = _empty_update(genuine)
    second_data = embed_files(genuine, [("extra.json", json.dumps(doc | {"clients": 1}).encode(), JSON_MIME)])
    for name, forged in (("trailing.pdf", trailing), ("update.pdf", empty_update), ("second.pdf", second_data)):
        receipt, = receive_files(office, [write(tmp_path, name, forged)])
        assert not receipt.accepted, name
        assert "پس از امضا" in receipt.message, receipt.message
    assert count(office) == 0
    receipt, = receive_files(office, [write(tmp_path, "genuine.pdf", genuine)])
    assert receipt.accepted and count(office) == 1  # the same report untouched is received


def _empty_update(pdf: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    writer.root["/Lang"] = generic.pdf_string("fa")
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_fast_hex_reader_answers_exactly_as_pyhankos(tmp_path):
    from io import BytesIO as B

    from pyhanko.pdf_utils.misc import PdfStreamError

    from app.office import fastpdf
    cases = [b"<48656c6c6f> rest", b"<4 8\n65\r6c\t6c\x006f\x0c> x", b"<abc>", b"<>", b"<41 % comment\n42>",
             b"<4G>", b"<4142", b"<FEFF00410042>"]
    for raw in cases:
        answers = []
        for reader in (fastpdf._ORIGINAL, fastpdf.read_hex_string):
            stream = B(raw)
            try:
                value = reader(stream)
                answers.append((type(value).__name__, bytes(value.original_bytes), stream.tell()))
            except PdfStreamError as exc:
                answers.append(("error", str(exc), None))
        assert answers[0] == answers[1], raw
