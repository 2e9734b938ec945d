"""Settings: clinic details, idle lock minutes, the signing key, backups."""

import pytest

from app.services.clinic import get_clinic, get_setting
from app.services.reports import signing_key_info
from app.ui.machinery import backup_ui
from app.ui.machinery.backup_ui import BackupNowDialog, create_backup_file, list_backups
from app.ui.widgets.passwords import PasswordDialog
from app.ui.pages.settings import SettingsPage, fingerprint_text
from tests.conftest import PASSWORD
from tests.ui.screens import answers, manager_session  # noqa: F401 — fixtures


@pytest.fixture
def page(qtbot, manager_session):
    page = SettingsPage(manager_session)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: not page.key_loader.is_running())
    yield page
    page.stop()


def test_clinic_details_errors_at_the_field_then_saved(page, qtbot, answers, manager_session):
    fields = page.clinic
    assert fields.name.text() == "کلینیک آزمون"
    fields.name.setText("")
    assert not page.save_clinic()
    assert fields.errors.message_for("name") == "نام کلینیک را وارد کنید."
    assert get_clinic(manager_session.ctx).name == "کلینیک آزمون"
    fields.name.setText("کلینیک آزمون نو")
    fields.licence_expiry.setText("1407/01/15")
    assert page.save_clinic()
    clinic = get_clinic(manager_session.ctx)
    assert clinic.name == "کلینیک آزمون نو" and clinic.licence_expiry.year == 2028


def test_lock_minutes_are_stored_and_announced(page, qtbot, manager_session):
    assert page.lock_minutes.value() == 10
    page.lock_minutes.setValue(3)
    with qtbot.waitSignal(page.lockMinutesChanged) as signal:
        page.save_lock_minutes()
    assert signal.args == [3]
    assert get_setting(manager_session.ctx, "ui.lock_minutes") == "3"


def test_creating_the_signing_key_needs_the_managers_password(page, qtbot, manager_session):
    assert "هنوز ساخته نشده" in page.key_label.text()
    from app.services.reports import create_signing_key

    dialog = PasswordDialog(page, "ساخت کلید", "رمز", lambda p: create_signing_key(manager_session.ctx, p))
    dialog.password.setText("wrong-password")
    dialog._try_submit()
    assert dialog.errors.message_for("password") == "رمز عبور مدیر نادرست است."
    dialog.password.setText(PASSWORD)
    dialog._try_submit()
    page.show_key_info(dialog.result_value)
    info = signing_key_info(manager_session.ctx)
    assert info.subject in page.key_label.text()
    assert fingerprint_text(info.fingerprint) in page.key_label.text()


def test_backup_now_checks_its_input_and_writes_a_file_the_rotation_leaves_alone(qtbot, tmp_path, manager_session):
    dialog = BackupNowDialog(None, "")
    qtbot.addWidget(dialog)
    with pytest.raises(Exception) as missing:
        dialog.value()
    assert missing.value.field == "folder"
    dialog.folder.setText(str(tmp_path))
    dialog.encrypt.setChecked(True)
    dialog.password.setText("usb-pass-1")
    dialog.password_again.setText("usb-pass-2")
    dialog._check()
    assert dialog.errors.message_for("password_again") == "دو رمز واردشده یکسان نیستند."
    dialog.password_again.setText("usb-pass-1")
    folder, password = dialog.value()
    out, info = create_backup_file(manager_session.data_dir, folder, password, None, lambda: False)
    assert out.parent == tmp_path and out.name.startswith("parvandeh-manual-14")
    assert info.encrypted
    from app.storage.backup import AUTO_NAME
    assert not AUTO_NAME.match(out.name)


def test_the_list_shows_the_automatic_backups(page, manager_session):
    assert page.backup_model.rowCount() == 0
    backup_ui.take_auto_backup(manager_session.data_dir, "exit")
    page.refresh_backups()
    assert page.backup_model.rowCount() == 1 == len(list_backups(manager_session.data_dir))
    assert page.backup_model.data(page.backup_model.index(0, 2)).endswith("بایت")


def test_importing_a_pkcs12_key_checks_both_passwords(qtbot, tmp_path, manager_session):
    from app.printing.signing import create_clinic_identity
    from app.ui.pages.settings import ImportKeyDialog

    key_file = tmp_path / "clinic.p12"
    # made at the session's fixed time: made now, it would not be valid yet at that time after 11:00 today
    key_file.write_bytes(create_clinic_identity("کلینیک آزمون", "123/4", "file-password-1", now=manager_session.now))
    dialog = ImportKeyDialog(manager_session)
    qtbot.addWidget(dialog)
    dialog._try_submit()
    assert dialog.errors.message_for("file") == "فایل کلید را انتخاب کنید."
    dialog.path = str(key_file)
    dialog.file_password.setText("not-the-file-password")
    dialog.password.setText(PASSWORD)
    dialog._try_submit()
    assert dialog.errors.message_for("pkcs12_password")
    dialog.file_password.setText("file-password-1")
    dialog.password.setText("not-my-password")
    dialog._try_submit()
    assert dialog.errors.message_for("password") == "رمز عبور مدیر نادرست است."
    dialog.password.setText(PASSWORD)
    dialog._try_submit()
    assert dialog.result() == ImportKeyDialog.DialogCode.Accepted
    assert signing_key_info(manager_session.ctx).fingerprint == dialog.result_value.fingerprint


def test_only_the_manager_is_offered_a_backup_and_it_is_audited_and_encrypted_by_default(
        qtbot, tmp_path, manager_session, make_staff):
    from PySide6.QtWidgets import QPushButton

    from app.domain.enums import Role
    from app.services.audit import AuditQuery, list_audit
    from app.services.context import _issue
    from app.ui.machinery.session import AppSession
    clerk = make_staff("clerk", "حسن", "دفتری")
    clerk_page = SettingsPage(AppSession(manager_session.data_dir, manager_session.db,
                                         _issue(clerk.id, clerk.full_name, Role.CLERK)))
    qtbot.addWidget(clerk_page)
    clerk_page.show()
    for name in ("backupNow", "restoreSelected", "restoreFile"):
        assert not clerk_page.findChild(QPushButton, name).isVisible(), name
    dialog = BackupNowDialog(None, str(tmp_path))
    qtbot.addWidget(dialog)
    assert dialog.encrypt.isChecked()  # encrypted unless unticked
    out, info = create_backup_file(manager_session.data_dir, tmp_path, "usb-pass-1", None, lambda: False,
                                   ctx=manager_session.ctx)
    assert info.encrypted and out.exists()
    [entry] = [e for e in list_audit(manager_session.ctx, AuditQuery(), 0, 5) if e.action == "backup"]
    assert str(tmp_path) in str(entry)


def test_back_up_now_is_made_by_a_child_process_and_still_audited(tmp_path, manager_session, monkeypatch):
    """The settings page's «پشتیبان‌گیری اکنون»: the work in a child process (a create_backup
    called in this one would fail here), the policy check and the audit entry in this one."""
    from app.services.audit import AuditQuery, list_audit
    from app.storage import backup as storage_backup

    def not_here(*_args, **_kwargs):
        raise AssertionError("the backup was made in the GUI's process")

    monkeypatch.setattr(storage_backup, "create_backup", not_here)
    out, info = create_backup_file(manager_session.data_dir, tmp_path, "usb-pass-1", None, lambda: False,
                                   ctx=manager_session.ctx)
    assert info.encrypted and out.exists()
    assert storage_backup.read_backup_info(out, "usb-pass-1").members == info.members
    assert [e for e in list_audit(manager_session.ctx, AuditQuery(), 0, 5) if e.action == "backup"]


def test_a_backup_of_several_gigabytes_shows_its_progress(qtbot):
    """A 1.5 GB database is counted as 4.7 GB of work (three passes): past a Qt signal's int.
    The backup's byte counts reach the runner's job as they are; the job scales them."""
    from app.ui.machinery.runner import Job

    INT_MAX = 2**31 - 1  # a Qt signal's C int

    def work(progress, _cancelled):
        progress(2_350_000_000, 4_700_000_000)
        progress(4_700_000_000, 4_700_000_000)
        return "done"

    seen = []
    job = Job(work, reports=True)
    job.progressed.connect(lambda done, total: seen.append((done, total)))
    job.start()
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    assert job.wait(5) and job.error is None and job.result == "done"
    (half, total), (full, total_again) = seen
    assert 0 < total == total_again <= INT_MAX and full == total and abs(half / total - 0.5) < 0.001
