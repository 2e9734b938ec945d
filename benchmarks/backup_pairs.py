"""Backup of one database against SQLite's own online backup, before and after, alternated (issue 17).

    python -m benchmarks.backup_pairs DB_FILE OLD_BACKUP_PY [--rounds 2] [--out DIR]

OLD_BACKUP_PY is another version of app/storage/backup.py (e.g.
`git show main:app/storage/backup.py > old.py`). Each round runs `sqlite3 DB .backup` (the SQLite
command-line tool), then create_backup of the old and of this checkout's code, encrypted (as the
manager's chosen-folder copy is by default), the order of the two swapped every round. Prints one
JSON line per run: wall and CPU seconds (CPU of the child for the sqlite3 tool; of this process,
all threads, for create_backup) and the load average before and after. The database is only read;
the backups go to --out (default /tmp/parvandeh-backup-pairs) and are deleted after each run.
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("old_backup", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("/tmp/parvandeh-backup-pairs"))
    args = parser.parse_args()
    from app.storage import backup as new
    old = _load_old(args.old_backup)
    args.out.mkdir(parents=True, exist_ok=True)

    def emit(**fields) -> None:
        print(json.dumps(fields), flush=True)

    for n in range(args.rounds):
        load, cpu, start = os.getloadavg(), _children_cpu(), time.perf_counter()
        copy = args.out / "online.sqlite3"
        subprocess.run(["sqlite3", str(args.db), f".backup {copy}"], check=True)
        emit(what="sqlite3 .backup", wall=round(time.perf_counter() - start, 2), cpu=round(_children_cpu() - cpu, 2),
             load=[*load, os.getloadavg()[0]])
        copy.unlink()
        order = (("before", old), ("after", new)) if n % 2 == 0 else (("after", new), ("before", old))
        for name, module in order:
            target = args.out / f"{name}.pvbak"
            load, cpu, start = os.getloadavg(), time.process_time(), time.perf_counter()
            module.create_backup(args.db, args.db.parent / "attachments", target, password=PASSWORD)
            emit(what=f"create_backup encrypted ({name})", wall=round(time.perf_counter() - start, 2),
                 cpu=round(time.process_time() - cpu, 2), load=[*load, os.getloadavg()[0]],
                 bytes=target.stat().st_size)
            target.unlink()


if __name__ == "__main__":
    main()
