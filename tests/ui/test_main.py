"""Starting and ending the program: the first window before the database is open, the wizard
for a new folder, a damaged database refused with a non-zero exit, the start and exit
backups, and a restore that reopens the data and asks for sign-in again."""

import multiprocessing
import os
import signal
import sys
import time

import pytest

from app.services.contracts import ContractInput, create_contract, list_contracts
from app.ui.machinery.main import Program, run_gui
from app.ui.machinery.sign_in import SignInDialog
from app.ui.machinery.wizard import SetupWizard
from tests.conftest import NOW, PASSWORD
from tests.ui.screens import answers  # noqa: F401 — fixture


def _backups_born_stopped(monkeypatch) -> None:
    """Backup child processes started from now on are stopped (SIGSTOP) the moment they exist:
    a long backup, whatever the machine's speed. A SIGSTOP sent later could come after a small
    test folder's backup was already over."""
    from multiprocessing.context import SpawnProcess

    real_start = SpawnProcess.start

    def start_stopped(process):
        real_start(process)
        os.kill(process.pid, signal.SIGSTOP)
    monkeypatch.setattr(SpawnProcess, "start", start_stopped)


@pytest.fixture
def program(qapp, data_dir):
    program = Program(qapp, data_dir, clock=lambda: NOW)
    yield program
    for window in (program.sign_in, program.wizard, program.window):
        if window is not None:
            window.blockSignals(True)
            window.close()
    if program.opener is not None:
        program.opener.wait()
    if program.start_backup is not None:
        program.start_backup.wait()
    if program.db is not None:
        program.db.dispose()


def backups(data_dir):
    return sorted(p.name for p in (data_dir / "backups").glob("parvandeh-*.pvbak"))


def test_an_existing_folder_starts_with_sign_in_then_the_day_is_backed_up(program, qtbot, manager, data_dir):
    program.start()
    assert isinstance(program.sign_in, SignInDialog) and program.sign_in.isVisible()
    qtbot.waitUntil(lambda: program.db is not None, timeout=15000)
    assert program.sign_in.button.isEnabled()
    assert program.sign_in.title.text() == "کلینیک آزمون"
    qtbot.waitUntil(lambda: not program.start_backup.is_running(), timeout=15000)
    assert len(backups(data_dir)) == 1


def test_a_new_folder_starts_with_the_wizard(qapp, qtbot, tmp_path):
    program = Program(qapp, tmp_path / "new", clock=lambda: NOW)
    program.start()
    try:
        assert isinstance(program.wizard, SetupWizard) and program.sign_in is None
        qtbot.waitUntil(lambda: program.wizard.db is not None, timeout=15000)
    finally:
        program.wizard.blockSignals(True)
        program.wizard.close()
        program.opener.wait()
        program.start_backup.wait()
        program.db.dispose()


def test_sign_in_opens_the_main_window_and_quitting_takes_the_exit_backup(program, qtbot, manager, data_dir):
    program.start()
    qtbot.waitUntil(lambda: program.db is not None, timeout=15000)
    program.start_backup.wait()
    program.sign_in.username.setText("boss")
    program.sign_in.password.setText(PASSWORD)
    assert program.sign_in.submit()
    window = program.window
    assert window is not None and window.isVisible()
    assert window.session.actor.name == "مینا مدیری"
    before = backups(data_dir)
    window.stop_work()
    window.close()
    assert program.window is None
    db = program.db
    assert program.finish(0) == 0
    program.db = None  # disposed by finish
    assert len(backups(data_dir)) == len(before) + 1
    del db


def test_signing_out_returns_to_sign_in(program, qtbot, manager):
    program.start()
    qtbot.waitUntil(lambda: program.db is not None, timeout=15000)
    program.sign_in.username.setText("boss")
    program.sign_in.password.setText(PASSWORD)
    program.sign_in.submit()
    program.window.stop_work()
    program.window.sign_out(ask=False)
    assert program.window is None
    assert program.sign_in is not None and program.sign_in.isVisible()


def test_a_damaged_database_is_refused_never_recreated_and_the_exit_code_is_not_zero(
        qapp, tmp_path, answers):
    folder = tmp_path / "damaged"
    folder.mkdir()
    garbage = b"this is not a database at all " * 200
    (folder / "parvandeh.sqlite3").write_bytes(garbage)
    assert run_gui(folder, argv=[]) == 1
    kind, text, detail = answers.shown[-1]
    assert kind == "fail" and text == "پوشه داده باز نمی‌شود."
    assert "آسیب" in detail or "متعلق" in detail or "پرونده نیست" in detail
    assert (folder / "parvandeh.sqlite3").read_bytes() == garbage


def test_restore_puts_the_backup_back_and_asks_for_sign_in(program, qtbot, manager, data_dir, answers):
    from app.services.context import ServiceContext
    from app.ui.machinery.backup_ui import create_backup_file

    program.start()
    qtbot.waitUntil(lambda: program.db is not None, timeout=15000)
    program.start_backup.wait()
    out, _info = create_backup_file(data_dir, data_dir.parent, None, None, lambda: False)
    ctx = ServiceContext(program.db, manager, data_dir=data_dir, clock=lambda: NOW)
    create_contract(ctx, ContractInput(office_name="اداره ری", number="1405-9", start_date="1405/01/01",
                                       end_date="1405/12/29", fee_per_case_month_rials=1, capacity=5))
    assert len(list_contracts(ctx)) == 1
    program.sign_in.blockSignals(True)
    program.sign_in.close()
    assert program.restore(out, None)
    ctx = ServiceContext(program.db, manager, data_dir=data_dir, clock=lambda: NOW)
    assert list_contracts(ctx) == []
    assert answers.shown[-1][1] == "پشتیبان بازگردانی شد. دوباره وارد شوید."
    assert list((data_dir / "backups").glob("before-restore-*.pvbak"))
    assert program.sign_in is not None and program.sign_in.isVisible()


def test_the_exit_backup_can_be_skipped_and_leaves_nothing_behind(program, qtbot, manager, data_dir, monkeypatch):
    """A big database takes a minute to back up; someone leaving in a hurry presses the button."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

    from app.ui.machinery import main as ui_main
    monkeypatch.setattr(ui_main, "WAIT_DIALOG_DELAY_MS", 0)
    from app.storage import backup_process
    monkeypatch.setattr(backup_process, "CANCEL_GRACE_S", 1.0)
    program.start()
    qtbot.waitUntil(lambda: program.db is not None, timeout=15000)
    program.start_backup.wait()
    before = backups(data_dir)
    _backups_born_stopped(monkeypatch)
    pressed = []

    def press_skip():
        # The backup is in a child process: stopped, it stands for a long backup that does not
        # even answer the cancel (it is then killed, and its files removed by this process).
        children = multiprocessing.active_children()
        dialog = next((w for w in QApplication.topLevelWidgets()
                       if isinstance(w, QProgressDialog) and w.isVisible()), None)
        if dialog is None or not children:
            QTimer.singleShot(10, press_skip)
            return
        button = dialog.findChild(QPushButton)
        pressed.append(button.text())
        button.click()

    program.used = True
    QTimer.singleShot(50, press_skip)
    assert program.finish(0) == 0
    program.db = None
    assert pressed == ["خروج بدون پشتیبان"]
    assert backups(data_dir) == before  # no exit backup, the older ones kept
    assert not list((data_dir / "backups").glob("*.partial"))
    assert not list(data_dir.glob(".parvandeh-backup-*"))


@pytest.mark.skipif(sys.platform != "linux", reason="POSIX signals")
def test_the_start_backup_is_made_by_a_child_process_while_the_window_keeps_turning(program, qtbot, manager,
                                                                                    data_dir, monkeypatch):
    """Started exactly as the program starts it. Stopped with SIGSTOP, the child makes no
    progress, yet the GUI thread's timer keeps ticking: the work is not in this process."""
    from PySide6.QtCore import QTimer

    _backups_born_stopped(monkeypatch)
    program.start()
    qtbot.waitUntil(lambda: program.start_backup is not None and bool(multiprocessing.active_children()),
                    timeout=15000)
    child = multiprocessing.active_children()[0]
    try:
        assert child.pid != os.getpid() and child.name == "parvandeh-backup"
        ticks = []
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(time.monotonic()))
        timer.start(10)
        qtbot.wait(600)
        timer.stop()
        assert len(ticks) >= 20  # the event loop turned all the while
        assert program.start_backup.is_running() and backups(data_dir) == []
    finally:
        os.kill(child.pid, signal.SIGCONT)
    qtbot.waitUntil(lambda: not program.start_backup.is_running(), timeout=30000)
    assert program.start_backup.error is None
    assert len(backups(data_dir)) == 1


def test_closing_the_program_during_the_start_backup_can_skip_it_and_leaves_nothing(program, qtbot, manager,
                                                                                   data_dir, monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

    from app.storage.backup import BackupCancelled
    from app.ui.machinery import main as ui_main
    monkeypatch.setattr(ui_main, "WAIT_DIALOG_DELAY_MS", 0)
    _backups_born_stopped(monkeypatch)  # a long start backup, still going when the person leaves
    program.start()
    qtbot.waitUntil(lambda: program.start_backup is not None and bool(multiprocessing.active_children()),
                    timeout=15000)
    child = multiprocessing.active_children()[0]
    pressed = []

    def press_skip():
        dialog = next((w for w in QApplication.topLevelWidgets()
                       if isinstance(w, QProgressDialog) and w.isVisible()), None)
        if dialog is None:
            QTimer.singleShot(10, press_skip)
            return
        button = dialog.findChild(QPushButton)
        pressed.append(button.text())
        button.click()
        os.kill(child.pid, signal.SIGCONT)  # it hears the cancel and cleans up by itself

    QTimer.singleShot(0, press_skip)
    assert program.finish(0) == 0  # not used: no exit backup follows
    program.db = None
    assert isinstance(program.start_backup.error, BackupCancelled)
    assert pressed == ["خروج بدون پشتیبان"]
    assert backups(data_dir) == []
    assert not list((data_dir / "backups").glob("*.partial"))
    assert not list(data_dir.glob(".parvandeh-backup-*"))
    assert not multiprocessing.active_children()
