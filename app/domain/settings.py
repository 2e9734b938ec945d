"""Every clinic setting, declared once: key, type, default, bounds, and who may change it.

After Picard's options: a setting is read through its declaration, so a hand-edited or older
value outside the bounds comes back as the nearest allowed value (a bad value must never turn
the screen lock off), and a change is checked against the same bounds before it is stored.
Keys under a program prefix (the signing key, the audit chain's anchor) are kept by their own
services and never changed from the settings page or the command line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from app.errors import ValidationError

MANAGER, PROGRAM = "manager", "program"  # who may change a setting


@dataclass(frozen=True)
class Option:
    key: str
    label: str  # Persian, for messages that name the field
    default: int | str
    minimum: Optional[int] = None
    maximum: Optional[int] = None
    changed_by: str = MANAGER

    @property
    def kind(self) -> type:
        return type(self.default)

    def parse(self, stored: Optional[str]) -> int | str:
        """The stored text as the declared type; a missing or unreadable value is the default, an
        out-of-range one the nearest bound."""
        if stored is None:
            return self.default
        if self.kind is not int:
            return stored
        try:
            number = int(stored)
        except ValueError:
            return self.default
        return self._clamp(number)

    def check(self, value: object) -> str:
        """The text to store for `value`, or a ValidationError naming the field."""
        if self.kind is not int:
            return str(value)
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValidationError(f"«{self.label}» باید عدد باشد.", field=self.key) from None
        if number != self._clamp(number):
            raise ValidationError(f"«{self.label}» باید بین {self.minimum} و {self.maximum} باشد.", field=self.key)
        return str(number)

    def _clamp(self, number: int) -> int:
        if self.minimum is not None:
            number = max(self.minimum, number)
        if self.maximum is not None:
            number = min(self.maximum, number)
        return number


LOCK_MINUTES = Option("ui.lock_minutes", "قفل صفحه پس از (دقیقه)", 10, minimum=1, maximum=240)

SIGNING_IDENTITY = Option("signing.identity", "کلید امضا", "", changed_by=PROGRAM)
SIGNING_FINGERPRINT = Option("signing.fingerprint", "اثر انگشت کلید امضا", "", changed_by=PROGRAM)
SIGNING_SUBJECT = Option("signing.subject", "صاحب گواهی امضا", "", changed_by=PROGRAM)
SIGNING_CERTIFICATE = Option("signing.certificate", "گواهی امضا", "", changed_by=PROGRAM)
AUDIT_HEAD = Option("audit.head", "سر زنجیره ردپا", "", changed_by=PROGRAM)

OPTIONS: dict[str, Option] = {o.key: o for o in (LOCK_MINUTES, SIGNING_IDENTITY, SIGNING_FINGERPRINT, SIGNING_SUBJECT,
                                                 SIGNING_CERTIFICATE, AUDIT_HEAD)}
# Any key under these is the program's own, declared above or written by a newer program.
SIGNING_PREFIX = "signing."  # reading these needs the right to see the signing key
PROGRAM_PREFIXES = (SIGNING_PREFIX, "audit.")


def kept_by_program(key: str) -> bool:
    option = OPTIONS.get(key)
    return (option is not None and option.changed_by == PROGRAM) or str(key).startswith(PROGRAM_PREFIXES)
