"""Scanned documents kept inside the data folder under their content hash."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path, PurePath, PureWindowsPath

from sqlalchemy import select

from app.atomic import atomic_file
from app.errors import NotFound, PermissionDenied, StorageError, ValidationError
from app.models import Attachment
from app.services import audit, validation as v
from app.services.cases import get_case_row
from app.services.context import ServiceContext
from app.services.permissions import can_read_notes
from app.services.views import AttachmentView, SaveResult
from app.services.policy import Action, Kind, helper, rule

MAX_BYTES = 25 * 1024 * 1024
# Recognised by their first bytes, not by the name a user gave them.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


@helper
def attachments_dir(ctx: ServiceContext) -> Path:
    if ctx.data_dir is None:
        raise StorageError("پوشه داده برنامه مشخص نیست.")
    return Path(ctx.data_dir) / "attachments"


def stored_path(root: Path, sha256: str) -> Path:
    # The name is our own hex digest, so no user text ever becomes part of a path.
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise StorageError("شناسه فایل پیوست نامعتبر است.")
    return root / sha256[:2] / sha256


def _sniff(head: bytes) -> str:
    for magic, mime in SIGNATURES:
        if head.startswith(magic):
            return mime
    raise ValidationError("فقط فایل PDF یا تصویر (JPEG، PNG، TIFF) پیوست می‌شود.", field="file")


def _copy_in(source: Path, root: Path) -> tuple[str, int, str]:
    """Copy to a temporary file while hashing, then move into place: never a half-written file."""
    if not source.is_file():
        raise ValidationError("فایل انتخاب‌شده پیدا نشد.", field="file")
    size = source.stat().st_size
    if size == 0:
        raise ValidationError("فایل انتخاب‌شده خالی است.", field="file")
    if size > MAX_BYTES:
        raise ValidationError("حجم فایل پیوست بیش از ۲۵ مگابایت است.", field="file")
    root.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with source.open("rb") as src:
        mime = _sniff(src.read(16))
        src.seek(0)
        fd, tmp = tempfile.mkstemp(dir=root, prefix=".incoming-")
        with os.fdopen(fd, "wb") as out:
            for chunk in iter(lambda: src.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    sha = digest.hexdigest()
    target = stored_path(root, sha)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        os.unlink(tmp)
    else:
        os.replace(tmp, target)
    return sha, size, mime


@rule(Kind.ATTACHMENT, Action.CREATE)
def add_attachment(ctx: ServiceContext, case_id: int, source: str | Path, description: str = "") -> SaveResult:
    root = attachments_dir(ctx)
    with ctx.db.transaction() as session:
        case = get_case_row(session, ctx, case_id)
        desc = v.text(description, "description", "توضیح", max_len=1000)
        name = v.text(Path(source).name, "file", "نام فایل", required=True, max_len=300)
        _check_extension(name, _peek_type(Path(source)))  # before anything is copied
        sha, size, mime = _copy_in(Path(source), root)
        att = Attachment(case_id=case.id, original_name=name, sha256=sha, size=size, mime=mime,
                         description=desc, added_at=ctx.now(), added_by=ctx.actor.staff_id)
        session.add(att)
        session.flush()
        audit.record(session, ctx, "create", "attachment", att.id, case_id=case.id,
                     changes={"name": name, "sha256": sha, "size": size})
        return SaveResult(att.id)


@rule(Kind.ATTACHMENT, Action.READ)
def list_attachments(ctx: ServiceContext, case_id: int) -> list[AttachmentView]:
    root = attachments_dir(ctx)
    with ctx.db.read() as session:
        get_case_row(session, ctx, case_id)
        if not can_read_notes(ctx.actor):
            return []
        rows = session.scalars(select(Attachment).where(Attachment.case_id == case_id).order_by(Attachment.id))
        return [AttachmentView(a.id, a.case_id, a.original_name, a.sha256, a.size, a.mime, a.description,
                               a.added_at, str(stored_path(root, a.sha256))) for a in rows]


@rule(Kind.ATTACHMENT, Action.READ)
def export_attachment(ctx: ServiceContext, attachment_id: int, folder: Path) -> Path:
    """A copy under its original name in a folder of the user's (for the system viewer)."""
    root = attachments_dir(ctx)
    with ctx.db.transaction() as session:
        att = v.lookup(session, Attachment, attachment_id)
        if att is None:
            raise NotFound("پیوست پیدا نشد.")
        get_case_row(session, ctx, att.case_id)
        if not can_read_notes(ctx.actor):
            raise PermissionDenied("دسترسی به پیوست‌ها برای شما تعریف نشده است.")
        source = stored_path(root, att.sha256)
        if not source.is_file():
            raise StorageError("فایل این پیوست در پوشه داده پیدا نشد.")
        target = Path(folder) / export_name(att.original_name, att.id, att.mime)
        _copy_out(source, target)
        audit.record(session, ctx, "open", "attachment", att.id, case_id=att.case_id)
        return target


_NOT_IN_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", "image/tiff": ".tif"}


# The names each detected type may carry; the file is opened by the handler of ITS type only.
ALLOWED_SUFFIXES = {"application/pdf": (".pdf",), "image/jpeg": (".jpg", ".jpeg"), "image/png": (".png",),
                    "image/tiff": (".tif", ".tiff")}


def _peek_type(source: Path) -> str:
    if not source.is_file():
        raise ValidationError("فایل انتخاب‌شده پیدا نشد.", field="file")
    with source.open("rb") as src:
        return _sniff(src.read(16))


def _check_extension(name: str, mime: str) -> None:
    """`نامه.cmd` holding a PDF is refused too: a name that says another type invites the wrong handler."""
    if PurePath(name).suffix.lower() not in ALLOWED_SUFFIXES[mime]:
        allowed = "، ".join(ALLOWED_SUFFIXES[mime])
        raise ValidationError(f"پسوند نام فایل با نوع آن نمی‌خواند؛ این فایل باید با {allowed} تمام شود.",
                              field="file")


def export_name(original: str, attachment_id: int, mime: str = "") -> str:
    """A plain file name made from the stored one: no folder part (with / or \\ or a drive),
    no '..', nothing Windows refuses in a name, and always the extension of the detected type, so
    the system opens it with a viewer, never with a handler that runs programs."""
    name = _NOT_IN_NAMES.sub("_", PureWindowsPath(original).name).strip(" .")[:200]
    if name.split(".")[0].upper() in _RESERVED:
        name = "_" + name
    name = name or f"attachment-{attachment_id}"
    suffixes = ALLOWED_SUFFIXES.get(mime)
    if suffixes and PurePath(name).suffix.lower() not in suffixes:
        name = name[:200 - len(EXTENSIONS[mime])] + EXTENSIONS[mime]
    return name


def _copy_out(source: Path, target: Path) -> None:
    """Copy beside the target and rename over it: a link planted under the target's name is
    replaced, never followed out of the folder, and the viewer never sees half a file."""
    try:
        with atomic_file(target, prefix=".export-") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out)
    except OSError as exc:
        raise StorageError(f"رونوشت پیوست در {target.parent} نوشته نشد ({exc.strerror or exc}).") from None
