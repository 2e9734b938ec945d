"""Who may do what at the office desk, and the audit of what each signed-in user did.

Three roles: the office's administrator (users, clinics and their contracts, and everything
else), a clerk (receives reports, reads the sums) and a viewer (reads the sums and the list of
clinics). A context nobody signed in to (no role) may do nothing: the command line and the
window build contexts only from app.office.registry.sign_in."""

from __future__ import annotations

from app.errors import PermissionDenied

ADMIN, CLERK, VIEWER = "admin", "clerk", "viewer"
ROLES = (ADMIN, CLERK, VIEWER)
ROLE_LABELS = {ADMIN: "مدیر اداره", CLERK: "کارشناس", VIEWER: "ناظر"}

USERS, CLINICS, RECEIVE, READ = "users", "clinics", "receive", "read"
ALLOWED = {USERS: {ADMIN}, CLINICS: {ADMIN}, RECEIVE: {ADMIN, CLERK}, READ: {ADMIN, CLERK, VIEWER}}
WHAT = {USERS: "تعریف و غیرفعال‌کردن کاربران اداره", CLINICS: "ثبت کلینیک و قرارداد",
        RECEIVE: "دریافت گزارش‌ها", READ: "دیدن جمع‌ها و کلینیک‌ها"}


def require(ctx, permission: str) -> None:
    """Refused, in Persian naming the task, unless the signed-in user's role allows it."""
    if not getattr(ctx, "username", "") or ctx.role not in ALLOWED[permission]:
        who = ROLE_LABELS.get(getattr(ctx, "role", ""), "کاربری که وارد نشده")
        raise PermissionDenied(f"«{WHAT[permission]}» از نقش {who} برنمی‌آید؛ با کاربر دیگری وارد شوید.")


def record(session, ctx, action: str, subject: str = "") -> None:
    """One audit row in the caller's transaction: it commits or rolls back with the change."""
    from app.office.models import OfficeAudit
    session.add(OfficeAudit(at=ctx.now(), username=ctx.username or "-", action=action, subject=subject[:500]))


def audit(ctx, action: str, subject: str = "") -> None:
    """An audit row on its own (for reading actions, which have no transaction of their own)."""
    with ctx.db.transaction() as session:
        record(session, ctx, action, subject)
