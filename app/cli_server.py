"""`parvandeh connect --url ...`: point this PC at the clinic's PostgreSQL server, after a test."""

from __future__ import annotations

from pathlib import Path

from app.errors import DomainError


def test_connection(url: str) -> str:
    """A Persian sentence on success; DomainError with the reason otherwise. Nothing is written."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.storage.database import Database
    from app.storage.migrate import current_revision, head_revision
    if not url.startswith(("postgresql://", "postgresql+psycopg://")):
        raise DomainError("نشانی باید با postgresql:// شروع شود، مثلاً postgresql://parvandeh:رمز@192.168.1.10/parvandeh")
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    db = Database(url)
    try:
        revision = current_revision(db)
    except SQLAlchemyError as error:
        raise DomainError("اتصال به سرور برقرار نشد؛ نشانی، رمز، روشن بودن سرور و دیوار آتش را بررسی کنید. "
                          f"({type(error.__cause__ or error).__name__})") from None
    finally:
        db.dispose()
    if revision is None:
        return "اتصال برقرار شد؛ پایگاه داده خالی است و برنامه در نخستین اجرا آن را می‌سازد."
    if revision != head_revision():
        return "اتصال برقرار شد؛ پایگاه داده با نسخه دیگری از برنامه است و در اجرای بعدی به‌روز می‌شود."
    return "اتصال برقرار شد؛ پایگاه داده آماده است."


def cmd_connect(args) -> int:
    from app.cli import _data_dir
    from app.storage.database import URL_FILENAME
    message = test_connection(args.url)
    data_dir = _data_dir(args)
    data_dir.mkdir(parents=True, exist_ok=True)
    target = Path(data_dir) / URL_FILENAME
    partial = target.with_name(target.name + ".partial")
    partial.write_text(args.url.replace("postgresql://", "postgresql+psycopg://", 1) + "\n", encoding="utf-8")
    partial.replace(target)
    print(message)
    print(f"این رایانه از این پس از سرور استفاده می‌کند (نشانی در {target}).")
    return 0


def register(sub, common) -> None:
    p = sub.add_parser("connect", parents=[common],
                       help="این رایانه را به پایگاه داده PostgreSQL کلینیک وصل می‌کند (پس از آزمون اتصال)")
    p.add_argument("--url", required=True,
                   help="نشانی سرور، مانند postgresql://parvandeh:رمز@192.168.1.10:5432/parvandeh")
    p.set_defaults(handler=cmd_connect)
