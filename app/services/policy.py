"""Who may do what: ONE table (role × record kind × action × scope) that every service asks.

Services ask it through the `rule` decorator (one line above each public function) and, for
field-level decisions (a psychological note inside a list of services, who a file is assigned to),
through `allows` / `require`. The printing data builders ask it before they copy a text into a
document. The UI asks it only to hide or disable what a role cannot do.

The decorator also keeps sessions honest: the acting account is re-read inside every transaction
the call opens (deactivated or demoted -> refused at once), and an `Actor` that did not come from
sign-in (built by hand) is refused.
"""

from __future__ import annotations

import enum
import functools
import inspect
from typing import Callable, Optional, TypeVar

from app.errors import PermissionDenied, SessionExpired
from app.domain.enums import Role
from app.services.context import Actor, ServiceContext, is_genuine


class Kind(str, enum.Enum):
    CASE = "case"                    # a file's identity: names, numbers, national code, dates
    CONTACT = "contact"              # address, phones, family
    ASSIGNMENT = "assignment"        # who works the file (social worker, psychologist), its priority
    CASE_STATUS = "case_status"      # closing, returning, reopening a file
    VISIT_NOTE = "visit_note"        # services and their notes (not a psychologist's)
    # A psychologist's note, and the text of a problem, problem step or referral a psychologist wrote:
    # confidential from the moment it is written (the flag is stored on the record).
    PSYCH_NOTE = "psych_note"
    ABUSE = "abuse"                  # child-abuse concern and the action taken
    PROBLEM = "problem"
    REVIEW = "review"
    REFERRAL = "referral"
    ATTACHMENT = "attachment"
    CONTRACT = "contract"            # contracts with county offices and their guarantee cheques
    STAFF = "staff"
    CLINIC = "clinic"                # the clinic's name and letterhead
    SETTINGS = "settings"
    SIGNING_KEY = "signing_key"
    AUDIT = "audit"
    REPORT = "report"                # the county's monthly report, the invoice, the list of documents
    CASE_DOCUMENT = "case_document"  # one child's case summary or review form
    BACKUP = "backup"                # a copy of the whole clinic (change: restoring one over it)
    OWN_ACCOUNT = "own_account"      # one's own password
    MONEY = "money"                  # invoices owed, payments received, guarantee cheques, the receivables letter


class Action(str, enum.Enum):
    READ = "r"
    CREATE = "c"
    CHANGE = "u"
    DELETE = "d"


class Scope(enum.IntEnum):
    NONE = 0
    OWN = 1   # files where the actor is the social worker (or, for a psychologist, the psychologist)
    ALL = 2


M, SW, PS, CL = Role.MANAGER, Role.SOCIAL_WORKER, Role.PSYCHOLOGIST, Role.CLERK

# Each cell: action letters, each followed by its scope (* all, o own caseload). "-" nothing.
#                 manager      social worker  psychologist   clerk
_GRID: dict[Kind, tuple[str, str, str, str]] = {
    Kind.CASE:          ("r* c* u* d*", "ro co uo",     "ro",           "r* c* u*"),
    Kind.CONTACT:       ("r* c* u* d*", "ro co uo",     "ro",           "r* c* u*"),
    Kind.ASSIGNMENT:    ("r* c* u*",    "ro",           "ro",           "r*"),
    Kind.CASE_STATUS:   ("r* u*",       "ro uo",        "ro",           "r*"),
    Kind.VISIT_NOTE:    ("r* c* u* d*", "ro co uo do",  "ro co uo do",  "-"),
    Kind.PSYCH_NOTE:    ("r* c* u* d*", "-",            "ro co uo do",  "-"),
    Kind.ABUSE:         ("r* c* u* d*", "ro co uo",     "ro co uo",     "-"),
    Kind.PROBLEM:       ("r* c* u*",    "ro co uo",     "ro co uo",     "-"),
    Kind.REVIEW:        ("r* c* u*",    "ro co",        "ro co",        "-"),
    Kind.REFERRAL:      ("r* c* u*",    "ro co uo",     "ro co uo",     "-"),
    Kind.ATTACHMENT:    ("r* c*",       "ro co",        "ro co",        "-"),
    Kind.CONTRACT:      ("r* c* u*",    "r*",           "r*",           "r*"),
    Kind.STAFF:         ("r* c* u*",    "r*",           "r*",           "r*"),
    Kind.CLINIC:        ("r* u*",       "r*",           "r*",           "r*"),
    Kind.SETTINGS:      ("r* u*",       "r*",           "r*",           "r*"),
    Kind.SIGNING_KEY:   ("r* c* u*",    "-",            "-",            "-"),
    Kind.AUDIT:         ("r*",          "-",            "-",            "-"),
    Kind.REPORT:        ("r* c*",       "-",            "-",            "-"),
    Kind.CASE_DOCUMENT: ("r* c*",       "ro co",        "ro co",        "-"),
    Kind.BACKUP:        ("r* c* u*",    "-",            "-",            "-"),
    Kind.OWN_ACCOUNT:   ("r* u*",       "r* u*",        "r* u*",        "r* u*"),
    Kind.MONEY:         ("r* c* u*",    "-",            "-",            "-"),
}

_ROLES = (M, SW, PS, CL)


def _parse(cell: str) -> dict[Action, Scope]:
    out = {a: Scope.NONE for a in Action}
    for part in cell.split():
        if part == "-":
            continue
        out[Action(part[0])] = Scope.ALL if part[1] == "*" else Scope.OWN
    return out


TABLE: dict[tuple[Role, Kind, Action], Scope] = {
    (role, kind, action): scope
    for kind, cells in _GRID.items()
    for role, cell in zip(_ROLES, cells)
    for action, scope in _parse(cell).items()
}

_KIND_WORDS = {
    Kind.CASE: "پرونده", Kind.CONTACT: "نشانی و تلفن پرونده", Kind.ASSIGNMENT: "مددکار، روانشناس و اولویت پرونده",
    Kind.CASE_STATUS: "وضعیت پرونده", Kind.VISIT_NOTE: "خدمت‌ها و یادداشت‌ها",
    Kind.PSYCH_NOTE: "یادداشت روانشناختی", Kind.ABUSE: "نگرانی کودک‌آزاری", Kind.PROBLEM: "مشکلات",
    Kind.REVIEW: "بررسی‌های شش‌ماهه", Kind.REFERRAL: "ارجاع‌ها", Kind.ATTACHMENT: "پیوست‌ها",
    Kind.CONTRACT: "قراردادها", Kind.STAFF: "کارکنان", Kind.CLINIC: "مشخصات کلینیک",
    Kind.SETTINGS: "تنظیمات", Kind.SIGNING_KEY: "کلید امضا", Kind.AUDIT: "ردپای رویدادها",
    Kind.REPORT: "گزارش ماهانه و صورتحساب", Kind.CASE_DOCUMENT: "سند پرونده", Kind.BACKUP: "پشتیبان کامل",
    Kind.OWN_ACCOUNT: "حساب کاربری خود", Kind.MONEY: "مطالبات و پرداخت‌ها",
}
_ACTION_WORDS = {Action.READ: "دیدن", Action.CREATE: "ثبت", Action.CHANGE: "تغییر", Action.DELETE: "حذف"}


def scope(actor: Actor, kind: Kind, action: Action) -> Scope:
    """The policy's answer. The system actor (set-up, generated data) acts as the clinic itself."""
    return TABLE.get((actor.role, kind, action), Scope.NONE)


def allows(actor: Actor, kind: Kind, action: Action) -> bool:
    return scope(actor, kind, action) is not Scope.NONE


def refusal(kind: Kind, action: Action) -> str:
    return f"{_ACTION_WORDS[action]} «{_KIND_WORDS[kind]}» در سطح دسترسی شما نیست."


def require(actor: Actor, kind: Kind, action: Action) -> Scope:
    found = scope(actor, kind, action)
    if found is Scope.NONE:
        raise PermissionDenied(refusal(kind, action))
    return found


def writes_confidential(actor: Actor) -> bool:
    """A psychologist's text is confidential from the moment it is written; the flag is stored on
    the record, so a later change of the author's role changes nothing."""
    return actor.role is Role.PSYCHOLOGIST


def reads_confidential(actor: Actor) -> bool:
    """Whether `actor` may read a text stored as confidential (a psychologist's)."""
    return allows(actor, Kind.PSYCH_NOTE, Action.READ)


def require_confidential(actor: Actor, confidential: bool, action: Action) -> None:
    """Touching a confidential record (its text, its stages, its outcome) is for its readers only."""
    if confidential:
        require(actor, Kind.PSYCH_NOTE, action)


# -- the decorator: one line above each public service function ------------------------------------

F = TypeVar("F", bound=Callable)

#: every guarded function, "module.name" -> (kind, action); the enumerating test walks it.
RULES: dict[str, tuple[Kind, Action]] = {}


def rule(kind: Kind, action: Action, *, before_sign_in: bool = False) -> Callable[[F], F]:
    """Refuse the call unless the actor's role may do `action` on `kind`; keep the session honest.

    `before_sign_in`: the call also serves the sign-in screen (the clinic's name), where the
    system actor asks."""

    def wrap(fn: F) -> F:
        RULES[f"{fn.__module__}.{fn.__qualname__}"] = (kind, action)

        @functools.wraps(fn)
        def guarded(ctx: ServiceContext, *args, **kwargs):
            actor = ctx.actor
            if actor.staff_id is None:
                # The system actor: set-up and generated data only, never a person at the keyboard.
                if not before_sign_in:
                    raise PermissionDenied("برای این کار باید با حساب کاربری خود وارد شوید.")
                return guarded.__wrapped__(ctx, *args, **kwargs)
            if not is_genuine(actor):
                raise _expired("نشست شما معتبر نیست؛ دوباره وارد شوید.")
            require(actor, kind, action)
            with ctx.db.guard(_account_check(actor)):
                # Through __wrapped__, so the enumerating test can see whether the guard let a call in.
                return guarded.__wrapped__(ctx, *args, **kwargs)

        guarded.__policy__ = (kind, action)  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return wrap


_expired_listeners: list[Callable[[str], None]] = []


def on_session_expired(listener: Callable[[str], None]) -> Callable[[], None]:
    """Call `listener(message)` whenever a call is refused because the session no longer holds
    (the desktop program sends its open windows to the sign-in screen). Returns the remover."""
    _expired_listeners.append(listener)
    return lambda: _expired_listeners.remove(listener) if listener in _expired_listeners else None


def _expired(message: str) -> SessionExpired:
    for listener in list(_expired_listeners):
        try:
            listener(message)
        except Exception:  # noqa: BLE001 — a listener's trouble must not hide the refusal itself
            pass
    return SessionExpired(message)


HELPER = "helper"


def helper(fn: F) -> F:
    """A piece of a guarded call (it runs inside one, and asks `allows` itself): no rule of its own."""
    fn.__policy__ = HELPER  # type: ignore[attr-defined]
    RULES[f"{fn.__module__}.{fn.__qualname__}"] = HELPER  # type: ignore[assignment]
    return fn


def _account_check(actor: Actor) -> Callable:
    """Run at the start of every transaction of a guarded call: the account as it is NOW."""

    def check(session) -> None:
        from app.models import Staff
        row = session.get(Staff, actor.staff_id, populate_existing=True)
        if row is None or not row.active:
            raise _expired("حساب کاربری شما غیرفعال شده است؛ دوباره وارد شوید.")
        if row.role != actor.role.value:
            raise _expired("سمت شما تغییر کرده است؛ دوباره وارد شوید.")

    return check


def permits(actor: Actor, fn: Callable) -> bool:
    """Whether `actor` may call the service function `fn` at all (the UI hides what it may not)."""
    found = getattr(fn, "__policy__", None)
    if found is None or found == HELPER:
        return True
    return allows(actor, *found)


def guarded_functions(module) -> dict[str, Optional[tuple[Kind, Action]]]:
    """Public functions of a service module taking `ctx` first, and their rule (None: no entry)."""
    out = {}
    for name, fn in inspect.getmembers(module, inspect.isfunction):
        if name.startswith("_") or fn.__module__ != module.__name__:
            continue
        params = list(inspect.signature(fn).parameters)
        if params and params[0] == "ctx":
            out[name] = getattr(fn, "__policy__", None)
    return out
