"""Backup of one database against SQLite's own online backup, before and after, alternated (issue 17).

    python -m benchmarks.backup_pairs DB_FILE [OLD_BACKUP_PY] [--rounds 2] [--out DIR]

OLD_BACKUP_PY is another version of app/storage/backup.py (e.g.
`git show main:app/storage/backup.py > old.py`); without it only this checkout's code is measured.
Each round runs `sqlite3 DB .backup` (the SQLite command-line tool), then create_backup of the old
and of this checkout's code in this process, and this checkout's code in a child process as the
desktop runs it (app.storage.backup_process), all encrypted (as the manager's chosen-folder copy
is by default), the order swapped every round. The database is read once first, so that every
run (the first `.backup` too) reads it from the page cache. The child process keeps the memory it
frees (app.storage.backup.keep_freed_memory, as the desktop's backup child and `parvandeh backup`
do); the in-process runs do not, unless --keep-freed-memory. Prints one JSON line per run: wall and CPU seconds
(CPU of the child for the sqlite3 tool and the child process; of this process, all threads, for
create_backup), the ratio of wall and CPU to the same round's `sqlite3 .backup`, and the load
average before and after. The database is only read; the backups go to --out (default
/tmp/parvandeh-backup-pairs) and are deleted after each run.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

PASSWORD = "bench-backup-password"


def _load_old(path: Path):
    spec = importlib.util.spec_from_file_location("backup_old", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["backup_old"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _read_whole(path: Path) -> None:
    with open(path, "rb") as f:
        while f.read(8 << 20):
            pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("old_backup", type=Path, nargs="?")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("/tmp/parvandeh-backup-pairs"))
    parser.add_argument("--keep-freed-memory", action="store_true")
    args = parser.parse_args()
    from app.storage import backup as new
    from app.storage.backup_process import create_backup_in_child
    old = _load_old(args.old_backup) if args.old_backup else None
    if args.keep_freed_memory:
        new.keep_freed_memory()
    args.out.mkdir(parents=True, exist_ok=True)

    def emit(**fields) -> None:
        print(json.dumps(fields), flush=True)

    _read_whole(args.db)  # every run then reads a page-cached file, the floor's first one too
    for n in range(args.rounds):
        load, cpu, start = os.getloadavg(), _children_cpu(), time.perf_counter()
        copy = args.out / "online.sqlite3"
        subprocess.run(["sqlite3", str(args.db), f".backup {copy}"], check=True)
        floor_wall, floor_cpu = time.perf_counter() - start, _children_cpu() - cpu
        emit(what="sqlite3 .backup", wall=round(floor_wall, 2), cpu=round(floor_cpu, 2),
             load=[*load, os.getloadavg()[0]])
        copy.unlink()
        runs = [("after", new.create_backup, False), ("after, child process", create_backup_in_child, True)]
        if old is not None:
            runs.insert(0, ("before", old.create_backup, False))
        if n % 2:
            runs.reverse()
        for name, create, in_child in runs:
            target = args.out / f"{name.split(',')[0]}.pvbak"
            load, start = os.getloadavg(), time.perf_counter()
            cpu = _children_cpu() if in_child else time.process_time()
            create(args.db, args.db.parent / "attachments", target, password=PASSWORD)
            wall = time.perf_counter() - start
            cpu = (_children_cpu() if in_child else time.process_time()) - cpu
            emit(what=f"create_backup encrypted ({name})", wall=round(wall, 2), cpu=round(cpu, 2),
                 wall_ratio=round(wall / floor_wall, 2), cpu_ratio=round(cpu / floor_cpu, 2),
                 load=[*load, os.getloadavg()[0]], bytes=target.stat().st_size)
            target.unlink()

if __name__ == "__main__":
    main()
