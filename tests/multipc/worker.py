"""A second (third, ...) PC in a test: a process of its own on the same database.

    worker.py writer <url> <case_id> <ack_log> <register:0|1>
        Saves visit notes until killed or refused. After every save that returned, "<id>" goes to
        ack_log and is fsynced: the ids the program told its user were saved. With register=1 it
        is in the list of connected programs (heartbeat on every save). When a write is refused
        because the database was restored, it writes "refused" and exits 0; any error that is
        not one of ours (a raw English database error) writes "raw <text>" and exits 1.
    worker.py update-case <url> <case_id> <version> <field> <value>
        One save of the case form from a screen that read <version>; prints "saved <version>",
        or "stale <json of changes>" when refused.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys

from app.errors import Busy, DomainError, Restored, StaleEdit
from app.services.context import Actor, ServiceContext
from app.storage.database import Database

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone.utc)


def _ctx(url: str) -> ServiceContext:
    """The clinic's manager, standing in for a signed-in person (services refuse the system actor)."""
    from sqlalchemy import select

    from app.models import Staff
    from app.domain.enums import Role
    from app.services.context import _issue
    db = Database(url)
    with db.read() as session:
        boss = session.scalars(select(Staff).where(Staff.role == "manager").order_by(Staff.id)).first()
        actor = _issue(boss.id, boss.full_name, Role.MANAGER)
    return ServiceContext(db, actor, clock=lambda: NOW)


def writer(url: str, case_id: int, ack_log: str, register: bool) -> int:
    from app.services.visits import ServiceInput, add_service
    from app.storage import presence
    ctx = _ctx(url)
    from sqlalchemy import select
    from app.models import Staff
    with ctx.db.read() as s:
        staff_id = s.scalar(select(Staff.id).order_by(Staff.id).limit(1))
    own = presence.register(ctx.db, f"نویسنده {os.getpid()}", "cli") if register else None
    with open(ack_log, "a", encoding="utf-8") as log:
        n = 0
        while True:
            n += 1
            try:
                saved = add_service(ctx, case_id, ServiceInput(minutes=30, kind="care", mode="phone", note=f"تماس {n}",
                                                               domains=["health"], date=NOW.date(),
                                                               staff_id=staff_id))
                if own:
                    presence.heartbeat(ctx.db, own)
            except Restored:
                log.write("refused\n")
                log.flush()
                return 0
            except Busy:
                continue  # the screen would wait and try again
            except DomainError as error:
                log.write(f"domain {error.message}\n")
                log.flush()
                return 1
            except Exception as error:  # noqa: BLE001 — this is what the test looks for
                log.write(f"raw {type(error).__name__}: {error}\n".replace("\n", " ") + "\n")
                log.flush()
                return 1
            log.write(f"{saved.id}\n")
            log.flush()
            os.fsync(log.fileno())


def update_case_once(url: str, case_id: int, version: int, field: str, value: str) -> int:
    import dataclasses
    from app.services.cases import CaseInput, case_detail, update_case
    ctx = _ctx(url)
    detail = case_detail(ctx, case_id)
    names = {f.name for f in dataclasses.fields(CaseInput)} - {"family", "version"}
    values = {n: getattr(detail, n) for n in names}
    values[field] = value == "1" if field == "priority" else value
    if field == "priority":
        values["priority_reason"] = "خطر ترک تحصیل"
    try:
        saved = update_case(ctx, case_id, CaseInput(**values, version=version))
    except StaleEdit as error:
        print("stale " + json.dumps([[c[0], c[2], c[3]] for c in error.changes], ensure_ascii=False))
        return 0
    print(f"saved {saved.version}")
    return 0


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "writer":
        sys.exit(writer(args[0], int(args[1]), args[2], args[3] == "1"))
    if command == "update-case":
        sys.exit(update_case_once(args[0], int(args[1]), int(args[2]), args[3], args[4]))
    sys.exit(2)
