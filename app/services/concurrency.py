"""No silent overwrite: every editable record has a version, and a save names the one it read.

The models carry the column (app.models.base.Versioned, SQLAlchemy's version_id_col, so every
UPDATE and DELETE says `WHERE version = <read>`). Here:
- the version goes up once per transaction when a person's edit changes a record (derived
  columns such as a file's last service date do not make an open form stale);
- `expect(row, version)` refuses a save from a screen that read an older version, naming who
  changed what and when (from the audit trail), field by field;
- `gone(entity, id, version)` says a record the screen shows was deleted by someone else.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Optional

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from app.errors import NotFound, StaleEdit
from app.models import AuditEntry
from app.models.base import Versioned
from app.models.versioning import touch  # noqa: F401  (re-exported for the services)

HISTORY_LIMIT = 10

MSG_CHANGED = "این {what} پس از باز شدن در این صفحه، در رایانه دیگری تغییر کرده است؛ ذخیره شما انجام نشد."
MSG_DELETED = "این {what} را کاربر دیگری حذف کرده است؛ ذخیره شما انجام نشد."


def latest_for_derived(session: Session, row: Versioned) -> None:
    """Before a derived column of row is written (a file's last service date): lock it and read its
    current version. On PostgreSQL another PC may have edited the file since this transaction read
    it; without this the version check would refuse a visit note for a change to the file."""
    if session.get_bind().dialect.name == "postgresql":
        session.refresh(row, with_for_update=True)


def expect(session: Session, row: Versioned, version: Optional[int]) -> None:
    """Refuse the save when the screen read an older version of row (None: the caller read none)."""
    if version is None or int(version) == row.version:
        return
    entity = row.__table__.name
    raise StaleEdit(MSG_CHANGED.format(what=_what(entity)), entity=entity, entity_id=_key(row),
                    read_version=int(version), current_version=row.version,
                    changes=history(session, entity, _key(row), row.version - int(version)))


def gone(session: Session, entity: str, entity_id: Any, version: Optional[int]) -> NotFound:
    """The error for a record that is not there: StaleEdit when the screen had read it (someone deleted it)."""
    if version is None:
        return NotFound(f"این {_what(entity)} پیدا نشد.")
    return StaleEdit(MSG_DELETED.format(what=_what(entity)), entity=entity, entity_id=entity_id,
                     read_version=int(version), deleted=True, changes=history(session, entity, entity_id, 1))


def history(session: Session, entity: str, entity_id: Any, count: int) -> tuple:
    """The last `count` changes of one record from the audit trail: (who, when, action label, {field label: [old, new]})."""
    from app.services.audit import ACTION_LABELS, FIELD_LABELS
    if not isinstance(entity_id, int):
        return ()
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id,
                                 AuditEntry.action.notin_(("open", "report")))
        .order_by(AuditEntry.id.desc()).limit(max(1, min(count, HISTORY_LIMIT)))).all()
    out = []
    for e in reversed(rows):
        try:
            changes = json.loads(e.changes or "{}")
        except ValueError:
            changes = {}
        fields = {FIELD_LABELS.get(k, k): v for k, v in changes.items() if isinstance(v, list) and len(v) == 2}
        out.append((e.actor_name, _aware(e.at), ACTION_LABELS.get(e.action, e.action), fields))
    return tuple(out)


def _aware(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)


def _key(row: Versioned) -> Any:
    return inspect(row).identity[0] if inspect(row).identity else None


def _what(entity: str) -> str:
    from app.services.audit import ENTITY_LABELS
    return ENTITY_LABELS.get(entity, "مورد").replace("تنظیمات", "تنظیم")
