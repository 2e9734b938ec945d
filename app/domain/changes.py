"""What a save changed, so the open screens read again only what shows it (after Anki's OpChanges).

An operation that saves something returns a `Changes` (or a result with a `.changes`); the UI's
runner hands it to the one place that tells the open pages (app.ui.machinery.live), and each page
refreshes what concerns it. Plain data: no Qt, no database.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

# The parts of a case file a screen shows apart (a case window's header and its tabs).
FILE, SERVICES, PROBLEMS, REVIEWS, REFERRALS, ATTACHMENTS = (
    "file", "services", "problems", "reviews", "referrals", "attachments")

_PART_FIELDS = {FILE: "cases", SERVICES: "visits", PROBLEMS: "problems", REVIEWS: "reviews",
                REFERRALS: "referrals", ATTACHMENTS: "attachments"}
_NONE: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Changes:
    """Ids of the case files whose part changed, and flags for the areas without a case file."""

    cases: frozenset[int] = _NONE  # the file's own record (identity, status) changed, or it was made
    visits: frozenset[int] = _NONE  # its services (visit notes)
    problems: frozenset[int] = _NONE
    reviews: frozenset[int] = _NONE
    referrals: frozenset[int] = _NONE
    attachments: frozenset[int] = _NONE
    new_cases: bool = False  # files added in bulk (an import): lists of files, not any open file
    contracts: bool = False
    payments: bool = False  # payments, invoices, guarantee cheques
    staff: bool = False
    settings: bool = False
    deleted: frozenset[tuple[str, int]] = frozenset()  # (record kind, id): a form editing one says so
    elsewhere: bool = False  # saved on another PC (seen by the change watcher)

    @classmethod
    def of_case(cls, case_id: int, *parts: str) -> "Changes":
        """Changes to parts (FILE, SERVICES, ...) of one case file."""
        return cls(**{_PART_FIELDS[part]: frozenset((case_id,)) for part in parts})

    def __or__(self, other: "Changes") -> "Changes":
        merged = {}
        for field in fields(self):
            mine, theirs = getattr(self, field.name), getattr(other, field.name)
            merged[field.name] = mine | theirs
        return Changes(**merged)

    def __bool__(self) -> bool:
        return any(getattr(self, field.name) for field in fields(self) if field.name != "elsewhere")

    def parts_of(self, case_id: int) -> frozenset[str]:
        """Which parts of this case file changed (FILE, SERVICES, ...)."""
        return frozenset(part for part, name in _PART_FIELDS.items() if case_id in getattr(self, name))

    def case_ids(self) -> frozenset[int]:
        """Every case file with a changed part."""
        return frozenset().union(*(getattr(self, name) for name in _PART_FIELDS.values()))

    def touches_cases(self, *parts: str) -> bool:
        """Did any case file change in one of these parts (every part if none is named), or were
        files added?"""
        names = [_PART_FIELDS[part] for part in parts or _PART_FIELDS]
        return self.new_cases or any(getattr(self, name) for name in names)


NOTHING = Changes()
