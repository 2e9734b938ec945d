"""`parvandeh selftest`: proves an installed program or a bundle whole, offscreen, on a throw-away
demo folder (app.selftest for the files and documents, app.ui.machinery.selftest for the screens)."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from app.constants import DB_FILENAME


def cmd_selftest(args) -> int:
    from app.persian import to_persian_digits
    from app.selftest import run_checks
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="parvandeh-selftest-"))
    checks = []
    clock = _fixed_clock(args.today) if args.today else None
    try:
        for check in run_checks(folder, clock=clock):
            checks.append(check)
            print(check.line(), flush=True)
        demo = folder / "demo-data"
        if not args.no_gui and (demo / DB_FILENAME).exists():
            from app.ui.machinery.selftest import ui_checks
            for check in ui_checks(demo):
                checks.append(check)
                print(check.line(), flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    failed = sum(not c.ok for c in checks)
    print(f"خودآزمایی: {to_persian_digits(len(checks) - failed)} بررسی درست، {to_persian_digits(failed)} نادرست.",
          file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0


def _fixed_clock(day: str):
    import datetime as dt
    moment = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(8, 30), tzinfo=dt.timezone.utc)
    return lambda: moment


def register(sub, common) -> None:
    p = sub.add_parser(
        "selftest", parents=[common],
        help="خودآزمایی برنامه نصب‌شده: ماژول‌ها، قلم‌ها، بازنگری‌های پایگاه داده، الگوی ورود، "
             "هر نوع سند (چاپ، امضا، تأیید) و همه صفحه‌ها روی یک پوشه نمونه موقت",
        description="هر بررسی یک سطر چاپ می‌کند (OK یا FAIL)؛ اگر یکی نادرست باشد کد خروج ۱ است. "
                    "مثال: parvandeh selftest --no-gui")
    p.add_argument("--keep", metavar="FOLDER",
                   help="پوشه نمونه و اسناد ساخته‌شده در این پوشه بمانند (پیش‌فرض: پوشه موقت که پاک می‌شود)")
    p.add_argument("--no-gui", action="store_true", help="صفحه‌ها و پنجره پرونده بررسی نشوند (بدون Qt)")
    p.add_argument("--today", metavar="YYYY-MM-DD",
                   help="روز ساخت داده نمونه و اسناد (میلادی؛ پیش‌فرض امروز)")
    p.set_defaults(handler=cmd_selftest)
