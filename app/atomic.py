"""Writing a file so that a crash, a power cut or a full disk never leaves half of it under its name.

The bytes go to a temporary file beside the target, are flushed to the disk, and the temporary
file is renamed over the target; the folder is then flushed so the rename itself survives a
power cut. Whoever reads the target sees the old file or the whole new one, never a mixture.
No imports beyond the standard library: the UI, the services and the command line all use it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def atomic_file(target: Path, *, prefix: str | None = None, suffix: str = ".tmp") -> Iterator[BinaryIO]:
    """A binary file to write; on leaving the block without an error it replaces `target`.

    On an error the temporary file is removed and `target` is left as it was."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=prefix or "." + target.stem + "-", suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    fsync_directory(target.parent)


def write_atomically(target: Path, data: bytes, **names: str) -> None:
    with atomic_file(target, **names) as out:
        out.write(data)


def fsync_directory(folder: Path) -> None:
    """Make a rename inside `folder` durable. Windows cannot open a folder this way; NTFS journals
    the rename, so skipping it there is fine."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
