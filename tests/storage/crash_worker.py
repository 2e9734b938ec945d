"""The process test_crash_safety.py kills: it saves records and drafts until it is killed.

After every save that returned, one line goes to the acknowledgement log and is fsynced, so the
test knows which saves the program had told its user were done.

    crash_worker.py serve <data_dir> <ack_log> <manager_id> <contract_id>
        Imports once, then forks one saving child per "go <round>" line read on stdin. Each
        child is a fresh process with its own database connections; only the cost of starting
        Python and importing SQLAlchemy (seconds on a busy machine) is paid once.
        Prints "ready <pid>" when a child has opened the database, and "exit <pid> <status>"
        when it has died.
    crash_worker.py once <data_dir> <ack_log> <manager_id> <contract_id> <round>
        The same saving loop in this process, started cold like the real program.

Only what the saves need is imported (no Qt, no printing); migrations never run here, the test
migrates the folder once before the first worker starts.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
import traceback
from pathlib import Path

from app.domain.enums import Role
from app.services.cases import CaseInput, FamilyInput, create_case, update_case
from app.services.context import Actor, ServiceContext
from app.services.context import _issue
from app.services.drafts import DraftStore
from app.services.visits import ServiceInput, add_service
from app.storage.datadir import open_database

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone.utc)
# A draft big enough that a kill often lands while it is being written.
DRAFT_NOTE = "بازدید منزل انجام شد و وضعیت تحصیلی و بهداشتی فرزند بررسی شد. " * 400


def case_input(tag: str, n: int, contract_id: int, address: str = "") -> CaseInput:
    return CaseInput(
        behzisti_file_number=f"{tag}-{n}", first_name="علی", last_name=f"آزمون {tag}", sex="male",
        living_arrangement="own_family", received_on=dt.date(2026, 1, 10), contract_id=contract_id,
        address=address, family=[FamilyInput(name="فاطمه", relation="mother", birth_year=1360)])


def say(line: str) -> None:
    # One write() of a short line to a pipe is atomic, so the zygote's and children's lines never mix.
    os.write(1, (line + "\n").encode())


class Acks:
    def __init__(self, path: Path):
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        if os.fstat(self.fd).st_size and not path.read_bytes().endswith(b"\n"):
            os.write(self.fd, b"\n")  # never glue our first line to a torn last one

    def add(self, *parts: object) -> None:
        os.write(self.fd, (" ".join(str(p) for p in parts) + "\n").encode())
        os.fsync(self.fd)


def save_until_killed(data_dir: Path, ack_path: Path, manager_id: int, contract_id: int, tag: str,
                      migrate_schema: bool, steps: int | None = None) -> None:
    """Save a case, a service, a case update and a draft in turn, `steps` saves or for ever."""
    db = open_database(data_dir, migrate_schema=migrate_schema)
    ctx = ServiceContext(db, _issue(manager_id, "مدیر آزمون", Role.MANAGER), data_dir=data_dir, clock=lambda: NOW)
    drafts = DraftStore(data_dir / "drafts")
    acks = Acks(ack_path)
    if steps is None:
        say(f"ready {os.getpid()}")
    case_id, case_n, n = None, 0, 0
    while steps is None or n < steps:
        n += 1
        step = n % 4
        if step == 1 or case_id is None:
            case_id, case_n = create_case(ctx, case_input(tag, n, contract_id)).id, n
            acks.add("case", tag, n, case_id)
        elif step == 2:
            service_id = add_service(ctx, case_id, ServiceInput(
                kind="care", mode="home_visit", note=f"خدمت {tag}-{n}", domains=["health"],
                date=dt.date(2026, 11, 20), minutes=30)).id
            acks.add("service", tag, n, service_id)
        elif step == 3:
            update_case(ctx, case_id, case_input(tag, case_n, contract_id, address=f"نشانی {n}"))
            acks.add("update", tag, n, case_id)
        else:
            drafts.save(f"visit-{tag}", {"seq": n, "case_id": case_id, "note": DRAFT_NOTE})
            acks.add("draft", tag, n, 0)
    os.close(acks.fd)
    db.dispose()


def run_child(args: list[str], tag: str, migrate_schema: bool) -> None:
    data_dir, ack_path = Path(args[0]), Path(args[1])
    try:
        save_until_killed(data_dir, ack_path, int(args[2]), int(args[3]), tag, migrate_schema)
    except BaseException:
        # Leave the failure where the test looks, then wait for the kill: exiting here would let
        # the pid be reused before the test sends its signal.
        (ack_path.parent / f"error-{os.getpid()}.txt").write_text(traceback.format_exc())
        while True:
            time.sleep(60)


def serve(args: list[str]) -> None:
    # One round of saves before any fork warms what SQLAlchemy builds lazily on first use
    # (mapper set-up, loader strategies), so a child starts saving within milliseconds. The
    # database is closed again before forking: no connection crosses a fork.
    save_until_killed(Path(args[0]), Path(args[1]), int(args[2]), int(args[3]), "rwarm",
                      migrate_schema=False, steps=4)
    say("zygote-ready")
    while True:
        words = sys.stdin.readline().split()
        if not words or words[0] != "go":
            break
        pid = os.fork()
        if pid == 0:
            try:
                run_child(args, f"r{words[1]}", migrate_schema=False)
            finally:
                os._exit(70)
        _, status = os.waitpid(pid, 0)
        say(f"exit {pid} {status}")


def main(argv: list[str]) -> None:
    mode, args = argv[0], argv[1:]
    if mode == "serve":
        serve(args)
    elif mode == "once":
        run_child(args[:4], f"r{args[4]}", migrate_schema=True)


if __name__ == "__main__":
    main(sys.argv[1:])
