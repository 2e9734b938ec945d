"""Attachments are stored under their content hash, with a size limit and a type check, and
no name or path from a user ever writes outside the data folder (or the export folder)."""

import hashlib
import os
import sys

import pytest
from sqlalchemy import update

from app.errors import PermissionDenied, ValidationError
from app.models import Attachment
from app.domain.enums import Role
from app.services.attachments import MAX_BYTES, add_attachment, export_attachment, list_attachments
from tests.conftest import as_actor

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(64)
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="a '\\' inside a file name needs a POSIX file system")


def files_under(root):
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink()}


def write(path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def stored(data_dir, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    return f"attachments/{sha[:2]}/{sha}"


def test_pdf_and_png_are_kept_under_their_content_hash(ctx, make_case, data_dir, tmp_path):
    case = make_case()
    add_attachment(ctx, case.id, write(tmp_path / "in" / "کارنامه.pdf", PDF), "کارنامه  نیم‌سال اول")
    add_attachment(ctx, case.id, str(write(tmp_path / "in" / "scan.png", PNG)))
    views = list_attachments(ctx, case.id)
    assert [(a.original_name, a.mime, a.size) for a in views] == [
        ("کارنامه.pdf", "application/pdf", len(PDF)), ("scan.png", "image/png", len(PNG))]
    assert views[0].description == "کارنامه نیم‌سال اول"
    assert files_under(data_dir / "attachments") == {
        stored(data_dir, PDF).removeprefix("attachments/"), stored(data_dir, PNG).removeprefix("attachments/")}
    assert (data_dir / stored(data_dir, PDF)).read_bytes() == PDF


@pytest.mark.parametrize("name, data", [
    ("نامه.pdf", EXE),                # a program renamed to look like a letter
    ("photo.png", b"GIF89a" + bytes(20)),
    ("notes.pdf", "یادداشت".encode()),
    ("empty.pdf", b""),
])
def test_a_file_that_is_not_a_pdf_or_an_image_is_refused(ctx, make_case, data_dir, tmp_path, name, data):
    case = make_case()
    with pytest.raises(ValidationError) as err:
        add_attachment(ctx, case.id, write(tmp_path / name, data))
    assert err.value.field == "file"
    assert list_attachments(ctx, case.id) == []
    assert files_under(data_dir / "attachments") == set()  # no temporary file left behind either


def test_a_missing_file_or_a_folder_is_refused(ctx, make_case, tmp_path):
    case = make_case()
    for source in (tmp_path / "nothing.pdf", tmp_path):
        with pytest.raises(ValidationError):
            add_attachment(ctx, case.id, source)


def test_more_than_25_mb_is_refused_and_25_mb_is_taken(ctx, make_case, data_dir, tmp_path):
    case = make_case()
    big = write(tmp_path / "big.pdf", PDF)
    with open(big, "r+b") as f:  # sparse: the test writes no 25 MB
        f.truncate(MAX_BYTES + 1)
    with pytest.raises(ValidationError) as err:
        add_attachment(ctx, case.id, big)
    assert "۲۵ مگابایت" in err.value.message
    assert files_under(data_dir / "attachments") == set()

    with open(big, "r+b") as f:
        f.truncate(MAX_BYTES)
    add_attachment(ctx, case.id, big)
    assert [a.size for a in list_attachments(ctx, case.id)] == [MAX_BYTES]


def test_a_source_path_with_dot_dots_stores_only_under_the_hash(ctx, make_case, data_dir, tmp_path):
    case = make_case()
    write(tmp_path / "in" / "evil.pdf", PDF)
    (tmp_path / "in" / "a" / "b").mkdir(parents=True)
    outside_before = files_under(tmp_path)

    add_attachment(ctx, case.id, str(tmp_path / "in" / "a" / "b" / ".." / ".." / "evil.pdf"))

    assert list_attachments(ctx, case.id)[0].original_name == "evil.pdf"
    assert files_under(tmp_path) - outside_before == {"data/" + stored(data_dir, PDF)}


@posix_only
@pytest.mark.parametrize("name", ["..\\..\\evil.pdf", "..\\..\\..\\Windows\\evil.pdf", "C:\\evil.pdf", "...pdf"])
def test_separators_inside_the_file_name_are_only_a_name(ctx, make_case, data_dir, tmp_path, name):
    case = make_case()
    source = write(tmp_path / "in" / name, PDF)
    outside_before = files_under(tmp_path)
    add_attachment(ctx, case.id, source)
    assert files_under(tmp_path) - outside_before == {"data/" + stored(data_dir, PDF)}
    assert list_attachments(ctx, case.id)[0].original_name == name


def test_the_same_content_twice_is_stored_once(ctx, make_case, data_dir, tmp_path):
    first, second = make_case(), make_case()
    add_attachment(ctx, first.id, write(tmp_path / "a.pdf", PDF))
    add_attachment(ctx, second.id, write(tmp_path / "نسخه دوم.pdf", PDF))
    add_attachment(ctx, first.id, write(tmp_path / "a.pdf", PDF))
    assert len(list_attachments(ctx, first.id)) == 2 and len(list_attachments(ctx, second.id)) == 1
    assert files_under(data_dir / "attachments") == {stored(data_dir, PDF).removeprefix("attachments/")}


HOSTILE_NAMES = [
    "..\\..\\x", "../../x.pdf", "/etc/passwd", "C:\\Windows\\win.ini", "C:x.pdf", "\\\\server\\share\\x.pdf",
    "..", ".", "", " . ", "CON", "nul.pdf", "a:b?*.pdf", "x\x00.pdf", "نامه/../../../بیرون.pdf", "a" * 400 + ".pdf",
]


@pytest.mark.parametrize("original_name", HOSTILE_NAMES)
def test_export_never_writes_outside_the_chosen_folder(ctx, make_case, tmp_path, original_name):
    case = make_case()
    att = add_attachment(ctx, case.id, write(tmp_path / "in" / "x.pdf", PDF))
    # Names like these cannot come from a file dialog, but a restored or imported database may hold them.
    with ctx.db.transaction() as session:
        session.execute(update(Attachment).where(Attachment.id == att.id).values(original_name=original_name))
    folder = tmp_path / "out" / "viewer"
    folder.mkdir(parents=True)
    everything_before = files_under(tmp_path)

    path = export_attachment(ctx, att.id, folder)

    assert path.parent == folder and path.read_bytes() == PDF
    assert path.name not in ("", ".", "..") and len(path.name) <= 200
    new = files_under(tmp_path) - everything_before
    assert new == {path.relative_to(tmp_path).as_posix()}


@pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32", reason="symbolic links")
def test_export_replaces_a_planted_link_instead_of_following_it(ctx, make_case, tmp_path):
    case = make_case()
    att = add_attachment(ctx, case.id, write(tmp_path / "in" / "x.pdf", PDF))
    secret = write(tmp_path / "outside.txt", b"not yours to overwrite")
    folder = tmp_path / "viewer"
    folder.mkdir()
    (folder / "x.pdf").symlink_to(secret)

    path = export_attachment(ctx, att.id, folder)

    assert secret.read_bytes() == b"not yours to overwrite"
    assert not path.is_symlink() and path.read_bytes() == PDF


def test_the_clerk_gets_no_attachments(ctx, make_case, make_staff, tmp_path):
    case = make_case()
    att = add_attachment(ctx, case.id, write(tmp_path / "in" / "x.pdf", PDF))
    clerk = as_actor(ctx, make_staff("clerk", "حسن", "دفتری").id, Role.CLERK)
    with pytest.raises(PermissionDenied, match="پیوست"):
        list_attachments(clerk, case.id)
    with pytest.raises(PermissionDenied):
        export_attachment(clerk, att.id, tmp_path / "clerk")
    assert not (tmp_path / "clerk").exists() or files_under(tmp_path / "clerk") == set()


def test_a_social_worker_reaches_only_the_attachments_of_own_cases(ctx, make_case, make_staff, tmp_path):
    case = make_case()
    att = add_attachment(ctx, case.id, write(tmp_path / "in" / "x.pdf", PDF))
    other = as_actor(ctx, make_staff("social_worker", "رضا", "دیگری").id, Role.SOCIAL_WORKER)
    with pytest.raises(PermissionDenied):
        list_attachments(other, case.id)
    with pytest.raises(PermissionDenied):
        export_attachment(other, att.id, tmp_path / "other")
    with pytest.raises(PermissionDenied):
        add_attachment(other, case.id, tmp_path / "in" / "x.pdf")


@pytest.mark.parametrize("name", ["نامه.cmd", "scan.hta", "report.pdf.exe", "photo.png", "noextension"])
def test_a_name_that_says_another_type_is_refused_before_anything_is_stored(ctx, make_case, tmp_path, name):
    case = make_case()
    with pytest.raises(ValidationError, match="پسوند") as refused:
        add_attachment(ctx, case.id, write(tmp_path / "in" / name, PDF))
    assert refused.value.field == "file"
    assert files_under(ctx.data_dir / "attachments") == set() and list_attachments(ctx, case.id) == []


def test_an_exported_copy_always_carries_its_types_extension():
    from app.services.attachments import export_name
    assert export_name("نامه.cmd", 7, "application/pdf") == "نامه.cmd.pdf"
    assert export_name("scan.JPEG", 7, "image/jpeg") == "scan.JPEG"
    assert export_name("x.hta", 7, "image/png").endswith(".png")
