"""The version of an editable record goes up once per transaction when a person's edit changes it.

Derived columns a program keeps up to date (a file's last service date, a failed sign-in count)
are not an edit: they must not make another PC's open form stale. app.services.concurrency
compares versions; this module only counts them.
"""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.models.base import Versioned

# Columns a program keeps up to date on its own; changing them is not someone's edit.
DERIVED = {
    "*": {"version", "created_at", "updated_at"},
    "case_file": {"last_service_on", "next_follow_up", "last_review_on", "name_key", "last_name_key",
                  "first_name_key"},
    "staff": {"failed_logins", "locked_until", "password_hash", "password_changed_at", "sort_key"},
}
_BUMPED = "parvandeh.bumped"


def _edited(obj: Versioned) -> bool:
    state = inspect(obj)
    table = obj.__table__.name
    skip = DERIVED["*"] | DERIVED.get(table, set())
    for attr in state.mapper.column_attrs:
        if attr.key in skip:
            continue
        if state.attrs[attr.key].history.has_changes():
            return True
    return False


def touch(session: Session, obj: Versioned) -> None:
    """A change the columns do not show (a file's family list): count it as an edit of obj."""
    bumped = session.info.setdefault(_BUMPED, set())
    if id(obj) not in bumped:
        obj.version = (obj.version or 1) + 1
        bumped.add(id(obj))


@event.listens_for(Session, "before_flush")
def _bump_versions(session: Session, _context, _instances) -> None:
    bumped = session.info.setdefault(_BUMPED, set())
    for obj in list(session.dirty):
        if not isinstance(obj, Versioned) or id(obj) in bumped:
            continue
        if _edited(obj):
            obj.version = (obj.version or 1) + 1
            bumped.add(id(obj))


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_BUMPED, None)
