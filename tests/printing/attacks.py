"""Forgeries built with pyHanko, the way an attacker with the file (and maybe a key of their own) would.

pyHanko itself refuses to sign after a "no changes" certification; a forger is not bound by that,
so `force_sign` turns the check off. Each function returns the forged file's bytes."""

from __future__ import annotations

import re
from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from reportlab.lib.colors import white
from reportlab.pdfgen import canvas

from app.printing import signing


class _ForgerSigner(signers.PdfSigner):
    def _enforce_certification_constraints(self, reader):  # the forger ignores DocMDP
        return None


def overlay_stamp(text: str, width: float = 220, height: float = 60) -> bytes:
    """A one-page PDF: a white box with `text` in big letters, to paint over a figure."""
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=(width, height))
    pdf.setFillColor(white)
    pdf.rect(0, 0, width, height, stroke=0, fill=1)
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont("Helvetica-Bold", 28)
    pdf.drawString(8, 18, text)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def force_sign(pdf: bytes, blob: bytes, password: str, *, field_name: str = "Forger",
               stamp_pdf: bytes | None = None, box=(60, 700, 280, 760), page: int = 0,
               certify: bool = False) -> bytes:
    """Sign with any key, whatever the document's lock says (a visible box where the forger wants)."""
    identity = signing._load(blob, password)
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(field_name=field_name, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES, certify=certify)
    signer = _ForgerSigner(meta, signer=signing._simple_signer(identity),
                           stamp_style=signing._stamp_style(stamp_pdf),
                           new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=box))
    out = BytesIO()
    signer.sign_pdf(writer, output=out)
    return out.getvalue()


def add_annotation(data: bytes) -> bytes:
    """A sticky note on the first page, as a proper incremental update."""
    writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
    page_ref, _ = writer.find_page_for_modification(0)
    note = generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
        generic.pdf_name("/Subtype"): generic.pdf_name("/Text"),
        generic.pdf_name("/Rect"): generic.ArrayObject(map(generic.NumberObject, (50, 50, 70, 70))),
        generic.pdf_name("/Contents"): generic.pdf_string("changed after signing"),
    })
    writer.register_annotation(page_ref, writer.add_object(note))
    return _write(writer)


def overlay_content(data: bytes, text: bytes = b"999") -> bytes:
    """A new content stream on page 1 that paints a white box and another number over the page."""
    writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
    font = generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/Font"),
        generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
        generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
    })
    resources = generic.DictionaryObject({generic.pdf_name("/Font"): generic.DictionaryObject(
        {generic.pdf_name("/FX"): writer.add_object(font)})})
    stream = generic.StreamObject(stream_data=b"q 1 1 1 rg 60 700 200 60 re f 0 0 0 rg BT /FX 28 Tf 70 720 Td ("
                                  + text + b") Tj ET Q")
    writer.add_stream_to_page(0, writer.add_object(stream), resources=resources)
    return _write(writer)


def strip_signature(signed: bytes) -> bytes:
    """The file as it was before its (first) signature: everything up to the revision before it."""
    first_range = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)", signed)
    before = signed[: int(first_range.group(2))]
    return signed[: before.rindex(b"%%EOF") + len(b"%%EOF\n")]


def _write(writer) -> bytes:
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
