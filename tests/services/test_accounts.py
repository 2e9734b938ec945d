import datetime as dt

import pytest
from sqlalchemy import select

from app.errors import AuthError, Conflict, PermissionDenied, ValidationError
from app.models import Staff
from app.services import accounts
from app.services.accounts import SIGN_IN_REFUSED, StaffInput, add_staff, change_password, reset_password, sign_in
from tests.conftest import NOW, PASSWORD, as_actor


def test_sign_in_returns_the_actor(db, manager):
    actor = sign_in(db, "BOSS ", PASSWORD, now=NOW)
    assert actor.staff_id == manager.staff_id and actor.is_manager


def test_passwords_are_argon2id_hashes(db, manager):
    with db.read() as s:
        stored = s.scalar(select(Staff.password_hash).where(Staff.username == "boss"))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert "m=19456,t=2,p=1" in accounts.PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1).hash("x")


def test_five_failures_lock_for_five_minutes(db, manager):
    for _ in range(5):
        with pytest.raises(AuthError):
            sign_in(db, "boss", "wrong-password", now=NOW)
    with pytest.raises(AuthError) as err:
        sign_in(db, "boss", PASSWORD, now=NOW + dt.timedelta(minutes=1))
    # Locked answers exactly like a wrong password or an unknown name: nothing tells which names exist.
    assert err.value.message == SIGN_IN_REFUSED
    assert sign_in(db, "boss", PASSWORD, now=NOW + dt.timedelta(minutes=6)).staff_id == manager.staff_id


def test_unknown_user_gets_the_same_message(db, manager):
    with pytest.raises(AuthError) as err:
        sign_in(db, "nobody", PASSWORD, now=NOW)
    assert err.value.message == SIGN_IN_REFUSED


def test_change_and_reset_password(ctx, db, worker):
    worker_ctx = as_actor(ctx, worker.id, "social_worker")
    with pytest.raises(AuthError):
        change_password(worker_ctx, "not-it", "new-password-1")
    with pytest.raises(ValidationError):
        change_password(worker_ctx, PASSWORD, "short")
    change_password(worker_ctx, PASSWORD, "new-password-1")
    assert sign_in(db, "worker", "new-password-1", now=NOW).staff_id == worker.id
    with pytest.raises(PermissionDenied):
        reset_password(worker_ctx, worker.id, "another-pass-2")
    reset_password(ctx, worker.id, "another-pass-2")
    assert sign_in(db, "worker", "another-pass-2", now=NOW).staff_id == worker.id


def test_only_managers_add_staff_and_usernames_are_unique(ctx, worker):
    with pytest.raises(PermissionDenied):
        add_staff(as_actor(ctx, worker.id, "social_worker"), StaffInput("الف", "ب", "clerk"))
    with pytest.raises(Conflict):
        add_staff(ctx, StaffInput("الف", "ب", "clerk", username="worker", password=PASSWORD))
    with pytest.raises(ValidationError) as err:
        add_staff(ctx, StaffInput("الف", "ب", "clerk", username="کاربر", password=PASSWORD))
    assert err.value.field == "username"


def test_details_and_courses_save_together_or_not_at_all(ctx):
    # The staff dialog used to save the details, then the courses in a second transaction: a
    # refused course left the new phone number saved and the dialog saying it had failed.
    view = add_staff(ctx, StaffInput(first_name="سارا", last_name="کریمی", role="social_worker", phone="1"))
    edited = StaffInput(first_name="سارا", last_name="کریمی", role="social_worker", phone="2", version=view.version)
    with pytest.raises(ValidationError):
        accounts.update_staff(ctx, view.id, edited, trainings=[("", None, None)])  # a course with no title
    unchanged = [s for s in accounts.list_staff(ctx) if s.id == view.id][0]
    assert unchanged.phone == "1" and unchanged.trainings == ()
    saved = accounts.update_staff(ctx, view.id, edited, trainings=[("مداخله در بحران", dt.date(2026, 5, 1), 16)])
    assert saved.phone == "2" and [t[0] for t in saved.trainings] == ["مداخله در بحران"]
    # Without `trainings` the courses stay as they are.
    again = StaffInput(first_name="سارا", last_name="کریمی", role="social_worker", phone="3", version=saved.version)
    assert [t[0] for t in accounts.update_staff(ctx, view.id, again).trainings] == ["مداخله در بحران"]
