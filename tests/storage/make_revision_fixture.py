"""Make tests/storage/fixtures/revision_0001.sqlite3: a clinic database as revision 0001 left it.

Run from the repository root:  .venv/bin/python tests/storage/make_revision_fixture.py

Only revision 0001 is applied, then every table gets rows through plain SQL written against
0001's schema (not through today's models or services, which follow the newest revision). The
upgrade test opens a copy with the current code and checks that nothing was lost. Keep this
file as it is when later revisions come: its whole point is to stay an *old* database.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from alembic import command  # noqa: E402

from app.persian import collation_key, search_key  # noqa: E402
from app.services.accounts import hash_password  # noqa: E402
from app.services.audit import GENESIS, entry_hash  # noqa: E402
from app.storage.database import APPLICATION_ID, Database, sqlite_url  # noqa: E402
from app.storage.migrate import alembic_config  # noqa: E402

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "revision_0001.sqlite3"
PASSWORD = "fixture-pass-1"
AT = "2026-06-01 08:30:00.000000"  # how SQLAlchemy stores a UTC datetime in SQLite
STAMP = dict(created_at=AT, updated_at=AT)

CLINIC = [dict(id=1, name="کلینیک مددکاری اجتماعی امید", licence_number="123/45",
               licence_province="تهران", licence_expiry="2027-03-20", address="تهران، خیابان آزادی، پلاک ۱۲",
               phones="02166001122", manager_name="مینا مدیری", logo_path=None, **STAMP)]
CONTRACT = [
    dict(id=1, office_name="اداره بهزیستی شهرستان ری", programme="طرح توسعه برنامه مراقبت از فرزندان در خانواده",
         number="1405-7", start_date="2026-03-21", end_date="2027-03-20", fee_per_case_month_rials=1_200_000,
         capacity=100, supervisor_name="رضا ناظری", supervisor_contact="09120000000", cheque_number="778899",
         cheque_amount_rials=500_000_000, cheque_given_on="2026-03-25", cheque_returned_on=None,
         notes="چک ضمانت نزد اداره استان", **STAMP),
    dict(id=2, office_name="اداره بهزیستی شهرستان شمیرانات", programme="طرح توسعه برنامه مراقبت از فرزندان در خانواده",
         number="1404-3", start_date="2025-03-21", end_date="2026-03-20", fee_per_case_month_rials=1_000_000,
         capacity=50, supervisor_name="", supervisor_contact="", cheque_number="", cheque_amount_rials=None,
         cheque_given_on=None, cheque_returned_on=None, notes="", **STAMP),
]
SETTING = [dict(key="report.footer", value="با سپاس از همکاری شما"), dict(key="backup.keep_daily", value="7")]
STAFF = [
    dict(id=1, first_name="مینا", last_name="مدیری", national_code="0013542419",
         role="manager", degree="master", field_of_study="مددکاری اجتماعی", phone="09121111111", active=1,
         left_on=None, username="boss", password_hash=None, failed_logins=0, locked_until=None,
         password_changed_at=AT, **STAMP),
    dict(id=2, first_name="سارا", last_name="کارگر", national_code=None,
         role="social_worker", degree="bachelor", field_of_study="مددکاری اجتماعی", phone="", active=1,
         left_on=None, username="worker", password_hash=None, failed_logins=2, locked_until=None,
         password_changed_at=AT, **STAMP),
    dict(id=3, first_name="نگار", last_name="روان‌شاد", national_code=None,
         role="psychologist", degree="master", field_of_study="روانشناسی بالینی", phone="", active=1,
         left_on=None, username=None, password_hash=None, failed_logins=0, locked_until=None,
         password_changed_at=None, **STAMP),
    dict(id=4, first_name="حسن", last_name="دفتری", national_code=None,
         role="clerk", degree="diploma", field_of_study="", phone="", active=0, left_on="2026-05-01",
         username=None, password_hash=None, failed_logins=0, locked_until=None, password_changed_at=None, **STAMP),
]
STAFF_TRAINING = [
    dict(id=1, staff_id=2, title="دوره آموزشی مراقبت از فرزندان در خانواده", attended_on="2026-04-10", hours=16),
    dict(id=2, staff_id=3, title="پیشگیری از کودک‌آزاری", attended_on=None, hours=None),
]
_CASE = dict(clinic_file_number="", father_name="", national_code=None, birth_date=None, discharge_date=None,
             early_transfer_reason="", contract_id=1, priority=0, priority_reason="", status="active",
             status_on=None, status_reason="", social_worker_id=2, psychologist_id=None, behzisti_summary="",
             address="", phones="", last_service_on=None, next_follow_up=None, last_review_on=None, **STAMP)
CASE_FILE = [
    {**_CASE, **dict(id=1, behzisti_file_number="B-1001", clinic_file_number="1", first_name="علی",
                     last_name="احمدی", father_name="حسین", national_code="0499370899", sex="male",
                     birth_date="2012-08-14", living_arrangement="own_family", discharge_date="2024-05-01",
                     received_on="2026-01-10", behzisti_summary="خلاصه پرونده: نیاز به پیگیری تحصیلی.",
                     address="تهران، شهرری\nکوچه بهار", phones="09350000000", last_service_on="2026-05-20",
                     next_follow_up="2026-06-10", last_review_on="2026-04-15", psychologist_id=3)},
    {**_CASE, **dict(id=2, behzisti_file_number="B-1002", clinic_file_number="2", first_name="زهرا",
                     last_name="آقایی", sex="female", living_arrangement="relatives", received_on="2026-02-01",
                     priority=1, priority_reason="نگرانی کودک‌آزاری", discharge_date="2025-09-01",
                     early_transfer_reason="درخواست فوری اداره شهرستان", last_service_on="2026-05-25")},
    {**_CASE, **dict(id=3, behzisti_file_number="B-1003", clinic_file_number="3", first_name="محمد",
                     last_name="علی‌پور", sex="male", living_arrangement="independent", received_on="2025-12-01",
                     status="closed", status_on="2026-05-30", status_reason="ازدواج و استقلال کامل",
                     contract_id=2)},
]
FAMILY_MEMBER = [
    dict(id=1, case_id=1, name="فاطمه احمدی", relation="mother", birth_year=1360, occupation="خانه‌دار",
         phone="09121234567", lives_with_child=1),
    dict(id=2, case_id=1, name="حسین احمدی", relation="father", birth_year=None, occupation="",
         phone="", lives_with_child=0),
    dict(id=3, case_id=2, name="مریم رضایی", relation="uncle_aunt", birth_year=1355, occupation="معلم",
         phone="", lives_with_child=1),
    dict(id=4, case_id=3, name="لیلا", relation="spouse", birth_year=1382, occupation="", phone="",
         lives_with_child=1),
]
PROBLEM = [
    dict(id=1, case_id=1, title="افت تحصیلی", description="نمره‌های نیم‌سال اول پایین آمده است.",
         stage="action", opened_on="2026-03-01", resolved_on=None, resolution_note="", staff_id=2, **STAMP),
    dict(id=2, case_id=2, title="نیاز به درمان دندان", description="", stage="resolved", opened_on="2026-02-10",
         resolved_on="2026-04-01", resolution_note="با معرفی به درمانگاه رفع شد.", staff_id=2, **STAMP),
]
PROBLEM_STEP = [
    dict(id=1, problem_id=1, stage="study", date="2026-03-01", note="نمره‌های نیم‌سال اول پایین آمده است.",
         staff_id=2),
    dict(id=2, problem_id=1, stage="plan", date="2026-03-05", note="کلاس جبرانی", staff_id=2),
    dict(id=3, problem_id=1, stage="action", date="2026-03-20", note="ثبت‌نام در کلاس", staff_id=2),
    dict(id=4, problem_id=2, stage="study", date="2026-02-10", note="", staff_id=2),
    dict(id=5, problem_id=2, stage="resolved", date="2026-04-01", note="با معرفی به درمانگاه رفع شد.",
         staff_id=2),
]
_SERVICE = dict(domains="", minutes=30, abuse_concern=0, abuse_action="", next_follow_up=None, problem_id=None,
                amended_reason="", staff_id=2, **STAMP)
SERVICE = [
    {**_SERVICE, **dict(id=1, case_id=1, date="2026-05-20", kind="care", domains="health,schooling",
                        mode="home_visit", minutes=45, note="بازدید منزل؛ وضعیت تحصیلی بررسی شد.",
                        next_follow_up="2026-06-10")},
    {**_SERVICE, **dict(id=2, case_id=1, date="2026-03-20", kind="problem", mode="at_clinic",
                        note="پیگیری افت تحصیلی", problem_id=1)},
    {**_SERVICE, **dict(id=3, case_id=2, date="2026-05-25", kind="care", domains="abuse_watch",
                        mode="home_visit", note="نشانه‌های آسیب دیده شد.", abuse_concern=1,
                        abuse_action="گزارش به اورژانس اجتماعی ۱۲۳", amended_reason="اصلاح تاریخ پس از امضا")},
    {**_SERVICE, **dict(id=4, case_id=2, date="2026-04-02", kind="counselling", mode="phone",
                        note="مشاوره تلفنی با خانم رضایی", staff_id=3, minutes=20)},
    {**_SERVICE, **dict(id=5, case_id=3, date="2026-05-01", kind="marriage", mode="at_clinic",
                        note="جلسه پیش از ازدواج", minutes=60)},
]
REVIEW = [
    dict(id=1, case_id=1, date="2026-04-15", reviewer_id=1, social_worker_id=2, findings="پیشرفت خوب",
         decisions="ادامه پیگیری ماهانه", **STAMP),
    dict(id=2, case_id=2, date="2026-05-28", reviewer_id=1, social_worker_id=2, findings="نیاز به مراقبت بیشتر",
         decisions="", **STAMP),
]
REFERRAL = [
    dict(id=1, case_id=2, date="2026-03-01", to_body="درمانگاه دندانپزشکی محله", reason="درد دندان",
         outcome="درمان انجام شد", outcome_on="2026-04-01", staff_id=2, **STAMP),
    dict(id=2, case_id=1, date="2026-05-21", to_body="مشاور مدرسه", reason="افت تحصیلی", outcome="",
         outcome_on=None, staff_id=2, **STAMP),
]
ATTACHMENT = [
    dict(id=1, case_id=1, original_name="نامه بهزیستی.pdf", sha256="ab" * 32, size=12345,
         mime="application/pdf", description="نامه معرفی", added_at=AT, added_by=1),
]
TABLES = {
    "clinic": CLINIC, "contract": CONTRACT, "setting": SETTING, "staff": STAFF, "staff_training": STAFF_TRAINING,
    "case_file": CASE_FILE, "family_member": FAMILY_MEMBER, "problem": PROBLEM, "problem_step": PROBLEM_STEP,
    "service": SERVICE, "review": REVIEW, "referral": REFERRAL, "attachment": ATTACHMENT,
}


def add_keys() -> None:
    """The derived sort and search keys, as the services of revision 0001 stored them."""
    for s in STAFF:
        s["sort_key"] = collation_key(f"{s['last_name']} {s['first_name']}")
    for c in CASE_FILE:
        c["name_key"] = search_key(f"{c['first_name']} {c['last_name']}")
        c["last_name_key"] = collation_key(c["last_name"])
        c["first_name_key"] = collation_key(c["first_name"])


def audit_rows() -> list[dict]:
    """One hash-chained entry per created row, chained exactly as revision 0001's code did."""
    rows, prev = [], GENESIS
    at = dt.datetime(2026, 6, 1, 8, 30)
    for table, records in TABLES.items():
        for record in records:
            entity_id = record.get("id") if isinstance(record.get("id"), int) else None
            case_id = record.get("case_id") if table != "case_file" else record["id"]
            changes = '{"fixture":true}'
            h = entry_hash(prev, at, 1, "مینا مدیری", "create", table, entity_id, case_id, changes)
            rows.append(dict(at=at.isoformat(sep=" ", timespec="microseconds"), actor_id=1,
                             actor_name="مینا مدیری", action="create", entity=table, entity_id=entity_id,
                             case_id=case_id, changes=changes, prev_hash=prev, hash=h))
            prev = h
            at += dt.timedelta(seconds=1)
    return rows


def insert(conn: sqlite3.Connection, table: str, rows: list[dict]) -> None:
    for row in rows:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(row.values()))


def migrate_to_0001(path: Path) -> None:
    db = Database(sqlite_url(path))
    cfg = alembic_config()
    with db.write_engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    db.dispose()


def make(target: Path = FIXTURE) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "parvandeh.sqlite3"
        migrate_to_0001(path)
        STAFF[0]["password_hash"] = hash_password(PASSWORD)
        add_keys()
        conn = sqlite3.connect(path)
        with conn:
            for table, rows in TABLES.items():
                insert(conn, table, rows)
            insert(conn, "audit_entry", audit_rows())
        # One self-contained file in the repository: no -wal beside it, no free pages.
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("VACUUM")
        conn.close()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    return target


if __name__ == "__main__":
    out = make()
    print(f"{out} ({out.stat().st_size} bytes)")
