from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow
from PySide6.QtCore import Qt

from app.ui.machinery.window_settings import SETTINGS_FILE, WindowStateKeeper


def make_window(qtbot):
    window = QMainWindow()
    window.setObjectName("mainWindow")
    dock = QDockWidget("جست‌وجو", window)
    dock.setObjectName("searchDock")
    dock.setWidget(QLabel("…"))
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.setCentralWidget(QLabel("پرونده‌ها"))
    qtbot.addWidget(window)
    return window, dock


def test_nothing_to_restore_the_first_time(qtbot, tmp_path):
    window, _ = make_window(qtbot)
    assert not WindowStateKeeper(window, tmp_path).restore()


def test_size_position_and_docks_come_back(qtbot, tmp_path):
    window, dock = make_window(qtbot)
    keeper = WindowStateKeeper(window, tmp_path)
    window.show()
    window.setGeometry(60, 40, 640, 480)  # inside the offscreen screen (800×600)
    dock.hide()
    keeper.save()

    again, again_dock = make_window(qtbot)
    assert WindowStateKeeper(again, tmp_path).restore()
    again.show()
    assert again.geometry() == window.geometry()
    assert again_dock.isHidden()


def test_closing_the_window_saves_it_in_an_ini_file_in_the_data_folder(qtbot, tmp_path):
    window, _ = make_window(qtbot)
    WindowStateKeeper(window, tmp_path)
    window.show()
    window.resize(777, 555)
    window.close()
    ini = tmp_path / SETTINGS_FILE
    assert ini.exists()
    settings = QSettings(str(ini), QSettings.Format.IniFormat)
    assert settings.value("windows/mainWindow/geometry") is not None


def test_windows_are_kept_apart_by_name(qtbot, tmp_path):
    first, _ = make_window(qtbot)
    WindowStateKeeper(first, tmp_path, name="cases").save()
    second, _ = make_window(qtbot)
    assert not WindowStateKeeper(second, tmp_path, name="reports").restore()
