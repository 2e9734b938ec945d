"""Every office command but `init` is signed in like the clinic's, tried as real processes: no user,
a wrong password, a deactivated user, five wrong passwords (locked), a role that may not, and the
audit naming who did what. The command is run exactly as a script outside the repo would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import ValidationError
from app.office.access import ADMIN, CLERK, VIEWER
from app.office.models import OfficeAudit, OfficeClinic, OfficeUser
from app.office.registry import add_user, deactivate_user
from tests.office.conftest import OFFICE_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
REFUSED = "نام کاربری یا رمز عبور نادرست است"


def parvandeh(office_dir: Path, *argv: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PARVANDEH_USER", "PARVANDEH_DATABASE_URL")}
    return subprocess.run([sys.executable, "-m", "app", *argv, "--data-dir", str(office_dir)], input=stdin,
                          capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env, timeout=300)


@pytest.fixture
def users(office):
    add_user(office, "clerk1", "clerk-pass-1", full_name="کارشناس یک", role=CLERK)
    add_user(office, "viewer1", "viewer-pass-1", full_name="ناظر یک", role=VIEWER)
    add_user(office, "gone", "gone-pass-1", role=CLERK)
    deactivate_user(office, "gone")
    return office


def test_an_office_command_without_a_user_is_refused_and_does_nothing(users, clinics):
    done = parvandeh(users.data_dir, "office", "clinic", "add", "--certificate", str(clinics[0].certificate),
                     "--licence", clinics[0].licence)
    assert done.returncode == 1 and "--user" in done.stderr
    done = parvandeh(users.data_dir, "office", "summary", "--month", "1405/08")
    assert done.returncode == 1 and "ورود" in done.stderr
    with users.db.read() as s:
        assert s.scalar(select(OfficeClinic.id)) is None


def test_wrong_password_and_deactivated_user_are_refused_with_the_same_answer(users):
    wrong = parvandeh(users.data_dir, "office", "clinic", "list", "--user", "desk", stdin="not-it\n")
    gone = parvandeh(users.data_dir, "office", "clinic", "list", "--user", "gone", stdin="gone-pass-1\n")
    nobody = parvandeh(users.data_dir, "office", "clinic", "list", "--user", "nobody", stdin="whatever-1\n")
    for done in (wrong, gone, nobody):
        assert done.returncode == 1 and REFUSED in done.stderr and done.stdout == ""
    right = parvandeh(users.data_dir, "office", "clinic", "list", "--user", "desk", stdin=OFFICE_PASSWORD + "\n")
    assert right.returncode == 0, right.stderr


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(users):
    for _ in range(5):
        assert parvandeh(users.data_dir, "office", "user", "list", "--user", "desk", stdin="guess-123\n").returncode == 1
    with users.db.read() as s:
        locked_until = s.scalar(select(OfficeUser.locked_until).where(OfficeUser.username == "desk"))
    assert locked_until is not None
    done = parvandeh(users.data_dir, "office", "user", "list", "--user", "desk", stdin=OFFICE_PASSWORD + "\n")
    assert done.returncode == 1 and REFUSED in done.stderr and "desk" not in done.stdout
    with users.db.read() as s:
        assert "locked" in s.scalars(select(OfficeAudit.action).where(OfficeAudit.username == "desk")).all()


def test_each_role_may_do_only_its_own_tasks(users, clinics, tmp_path):
    viewer = ("--user", "viewer1")
    clerk = ("--user", "clerk1")
    add = ("office", "clinic", "add", "--certificate", str(clinics[0].certificate), "--licence", clinics[0].licence)
    done = parvandeh(users.data_dir, *add, *viewer, stdin="viewer-pass-1\n")
    assert done.returncode == 1 and "ثبت کلینیک" in done.stderr
    done = parvandeh(users.data_dir, *add, *clerk, stdin="clerk-pass-1\n")
    assert done.returncode == 1 and "ثبت کلینیک" in done.stderr
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.pdf").write_bytes(clinics[0].reports[(1405, 8)])
    done = parvandeh(users.data_dir, "office", "receive", str(tmp_path / "in"), *viewer, stdin="viewer-pass-1\n")
    assert done.returncode == 1 and "دریافت گزارش" in done.stderr
    done = parvandeh(users.data_dir, "office", "user", "add", "--username", "sneaky", "--role", "admin", *clerk,
                     stdin="clerk-pass-1\nsneaky-pass-1\n")
    assert done.returncode == 1 and "کاربران" in done.stderr
    assert parvandeh(users.data_dir, "office", "summary", "--month", "1405/08", *viewer,
                     stdin="viewer-pass-1\n").returncode == 0
    with users.db.read() as s:
        assert s.scalar(select(OfficeClinic.id)) is None
        assert s.scalar(select(OfficeUser.id).where(OfficeUser.username == "sneaky")) is None


def test_the_administrator_adds_and_deactivates_users_and_the_audit_names_who_did_what(users, clinics):
    desk = ("--user", "desk")
    done = parvandeh(users.data_dir, "office", "user", "add", "--username", "clerk2", "--full-name", "کارشناس دو",
                     *desk, stdin=f"{OFFICE_PASSWORD}\nclerk2-pass-1\n")
    assert done.returncode == 0, done.stderr
    done = parvandeh(users.data_dir, "office", "clinic", "add", "--certificate", str(clinics[0].certificate),
                     "--licence", clinics[0].licence, "--contract", clinics[0].contract_number, "--capacity", "90",
                     "--fee", "1200000", *desk, stdin=OFFICE_PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert parvandeh(users.data_dir, "office", "summary", "--month", "1405/08", "--user", "clerk2",
                     stdin="clerk2-pass-1\n").returncode == 0
    assert parvandeh(users.data_dir, "office", "user", "deactivate", "--username", "clerk2", *desk,
                     stdin=OFFICE_PASSWORD + "\n").returncode == 0
    assert parvandeh(users.data_dir, "office", "summary", "--month", "1405/08", "--user", "clerk2",
                     stdin="clerk2-pass-1\n").returncode == 1
    with users.db.read() as s:
        trail = s.execute(select(OfficeAudit.username, OfficeAudit.action).order_by(OfficeAudit.id)).all()
    assert ("desk", "user_add") in trail and ("desk", "clinic_add") in trail
    assert ("clerk2", "sign_in") in trail and ("clerk2", "summary") in trail
    assert ("desk", "user_deactivate") in trail
    assert trail.count(("clerk2", "sign_in")) == 1  # the refused one after deactivation signed nobody in


def test_an_administrator_cannot_lock_the_office_out_by_deactivating_themselves(users):
    add_user(users, "admin2", "admin2-pass-1", role=ADMIN)
    deactivate_user(users, "admin2")
    with pytest.raises(ValidationError, match="خودش"):
        deactivate_user(users, "desk")
    with users.db.read() as s:
        assert s.scalar(select(OfficeUser.active).where(OfficeUser.username == "desk"))
