"""The project's own errors. Messages are Persian and meant for the person at the keyboard."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the program raises on purpose."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class ValidationError(DomainError):
    """Input that breaks a rule; `field` names the field so a form can show it beside it."""


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


class Conflict(DomainError):
    """The record changed or exists already."""


class AuthError(DomainError):
    """Wrong user name or password, or a locked account."""


class StorageError(DomainError):
    """The database or data folder cannot be used (damaged, foreign, too new)."""


class StaleEdit(Conflict):
    """Someone else saved or deleted this record after it was read into the screen.

    `changes` lists what they did since, newest last: (who, when, action, {field: [old, new]})."""

    def __init__(self, message: str, *, entity: str = "", entity_id: object = None, read_version: int | None = None,
                 current_version: int | None = None, deleted: bool = False, changes: tuple = ()):
        super().__init__(message)
        self.entity = entity
        self.entity_id = entity_id
        self.read_version = read_version
        self.current_version = current_version
        self.deleted = deleted
        self.changes = changes


class Busy(StorageError):
    """The database is held by another PC's long write; the same save may simply be tried again."""


class Restored(StorageError):
    """The database was restored from a backup after this program opened it: it must not write."""
