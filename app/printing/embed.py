"""Data files attached inside the report PDF (JSON, xlsx) for the county office to import.

Attach BEFORE signing: the attachments are then covered by the signature, and signing stays
the last write to the file.
"""

from __future__ import annotations

from io import BytesIO

from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from app.errors import ValidationError

JSON_MIME = "application/json"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MSG_BAD_PDF = "فایل PDF برای پیوست کردن داده خوانده نشد"
MSG_DUPLICATE = "نام فایل پیوست تکراری است"


def embed_files(pdf_bytes: bytes, files: list[tuple[str, bytes, str]]) -> bytes:
    """Attach (name, data, mime type) files; returns the PDF with one incremental update."""
    names = [name for name, _, _ in files]
    if len(set(names)) != len(names):
        raise ValidationError(MSG_DUPLICATE)
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes), strict=False)
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise ValidationError(MSG_BAD_PDF) from exc
    for name, data, mime in files:
        embed.embed_file(writer, _file_spec(writer, name, data, mime))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _file_spec(writer, name: str, data: bytes, mime: str) -> embed.FileSpec:
    stream = embed.EmbeddedFileObject.from_file_data(
        writer, data, mime_type=mime or None, params=embed.EmbeddedFileParams()
    )
    return embed.FileSpec(file_spec_string=name, file_name=name, embedded_data=stream)


def list_embedded_files(pdf_bytes: bytes) -> dict[str, bytes]:
    """Name -> data of every file attached to the document (empty when there are none)."""
    try:
        reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
        names = reader.root["/Names"]["/EmbeddedFiles"]
    except KeyError:
        return {}
    except (PdfError, ValueError, IndexError, TypeError) as exc:
        raise ValidationError(MSG_BAD_PDF) from exc
    return {_spec_name(key, spec): _file_data(spec) for key, spec in _name_tree_items(names)}


def _name_tree_items(node):
    """(name, value) pairs of a PDF name tree, following /Kids."""
    node = node.get_object()
    pairs = node.get("/Names", generic.ArrayObject()).get_object()
    for index in range(0, len(pairs) - 1, 2):
        yield pairs[index], pairs[index + 1].get_object()
    for kid in node.get("/Kids", generic.ArrayObject()).get_object():
        yield from _name_tree_items(kid)


def _spec_name(key, spec) -> str:
    name = spec.get("/UF") or spec.get("/F") or key
    return name.decode("latin-1") if isinstance(name, bytes) else str(name)


def _file_data(spec) -> bytes:
    streams = spec["/EF"]
    stream = streams.get("/UF") or streams["/F"]
    return stream.get_object().data
