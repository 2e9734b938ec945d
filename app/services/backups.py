"""A copy of the whole clinic to a folder of the manager's choice: the manager's alone, encrypted
unless asked otherwise, private to the account that made it, and written into the audit trail."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Optional

from app.errors import ValidationError
from app.services import audit
from app.services.context import ServiceContext
from app.services.policy import Action, Kind, rule
from app.storage.database import DB_FILENAME

NEEDS_PASSWORD = "پشتیبان بدون رمز فقط وقتی ساخته می‌شود که صریحاً «بدون رمز» خواسته شود؛ رمز پشتیبان را وارد کنید."


@rule(Kind.BACKUP, Action.CREATE)
def back_up_to(ctx: ServiceContext, out_path: Path, password: Optional[str], *, unencrypted: bool = False,
               progress: Optional[Callable[[int, int], None]] = None,
               cancel: Optional[Callable[[], bool]] = None, create: Optional[Callable[..., Any]] = None):
    """Write the backup file `out_path`; the audit entry names who, where and whether it is encrypted.

    `create` writes the file (app.storage.backup.create_backup, or the desktop's
    app.storage.backup_process.create_backup_in_child, the same work in a child process)."""
    if create is None:
        from app.storage.backup import create_backup as create
    if ctx.data_dir is None:
        raise ValidationError("پوشه داده مشخص نیست.", field="data_dir")
    if not password and not unencrypted:
        raise ValidationError(NEEDS_PASSWORD, field="password")
    out_path = Path(out_path)
    info = create(Path(ctx.data_dir) / DB_FILENAME, Path(ctx.data_dir) / "attachments", out_path,
                  password=password or None, progress=progress, cancel=cancel)
    make_private(out_path)
    with ctx.db.transaction() as session:
        audit.record(session, ctx, "backup", "backup", None,
                     changes={"path": str(out_path.resolve()), "encrypted": bool(password),
                              "attachments": info.attachment_count})
    return info


def make_private(path: Path) -> None:
    """Readable by the account that runs the program only (POSIX; Windows keeps the folder's ACL)."""
    if os.name == "posix":
        try:
            os.chmod(path, 0o700 if Path(path).is_dir() else 0o600)
        except OSError:
            pass  # a FAT-formatted USB stick has no modes to set
