"""Every page, form and dialog fits the clinic's screens: 1024×768 and 1366×768 at Windows
scaling 100%, 125% and 150% (at 1024×768 and 150% Qt has only 683×512 to work with).

Each size runs scripts/fit_check.py in its own process (a Qt screen's size and scale are fixed
when the application starts): the offscreen platform gets a screen of that size, QT_SCALE_FACTOR
the scaling, and the script opens everything and lists each visible widget whose visible part
leaves the screen.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SIZES = [(w, h, scale) for w, h in ((1024, 768), (1366, 768)) for scale in (1.0, 1.25, 1.5)]


def run_fit_check(tmp_path: Path, width: int, height: int, scale: float) -> dict:
    report = tmp_path / "fit.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "fit_check.py"), "--size", f"{width}x{height}",
         "--scale", str(scale), "--json", str(report)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert report.exists(), done.stdout + done.stderr
    return json.loads(report.read_text())


@pytest.mark.slow
@pytest.mark.parametrize("width,height,scale", SIZES, ids=[f"{w}x{h}@{int(s * 100)}" for w, h, s in SIZES])
def test_every_window_fits_the_screen(tmp_path, width, height, scale):
    report = run_fit_check(tmp_path, width, height, scale)
    assert report["screen"] == [round(width / scale), round(height / scale)]
    # the check really opened the screens (a crash half-way would leave a short list)
    for name in ("wizard", "sign-in", "page-dashboard", "page-cases", "page-cases-maximised",
                 "page-audit", "case-window-tab1", "visit-form", "case-form-new", "contract-dialog",
                 "staff-dialog", "message-box", "lock", "guide", "shortcuts"):
        assert name in report["checked"], name
    assert report["problems"] == {}


def test_the_check_sees_a_window_that_leaves_the_screen(qapp):
    """The checker itself must be able to fail: a widget pushed past the screen's edge is named."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from fit_check import outside
    finally:
        sys.path.pop(0)
    from PySide6.QtWidgets import QLabel, QWidget

    screen = qapp.primaryScreen().availableGeometry()
    window = QWidget()
    label = QLabel("بیرون از صفحه", window)
    label.setObjectName("offscreenLabel")
    label.move(screen.width() + 50, 10)
    window.setGeometry(screen.adjusted(0, 0, 0, 0))
    window.setMinimumWidth(screen.width() + 200)
    window.show()
    qapp.processEvents()
    try:
        assert any("offscreenLabel" in line for line in outside(window, screen))
    finally:
        window.close()


def test_a_size_remembered_on_a_big_monitor_is_clamped_to_this_screen(qapp, tmp_path):
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QMainWindow

    from app.ui.machinery.window_settings import WindowStateKeeper

    screen = qapp.primaryScreen().availableGeometry()
    big = QMainWindow()
    big.setGeometry(QRect(screen.width() + 400, screen.height() + 300, 1920, 1199))
    WindowStateKeeper(big, tmp_path, "main").save()  # as closed on a 1920×1200 monitor
    big.deleteLater()

    window = QMainWindow()
    assert WindowStateKeeper(window, tmp_path, "main").restore()
    frame = window.frameGeometry()
    assert screen.contains(frame), (frame, screen)
    window.deleteLater()


def test_a_window_shown_bigger_than_the_screen_is_shrunk_to_it(qapp):
    from PySide6.QtWidgets import QDialog

    screen = qapp.primaryScreen().availableGeometry()
    dialog = QDialog()
    dialog.resize(screen.width() + 600, screen.height() + 400)
    dialog.show()
    qapp.processEvents()
    try:
        assert screen.contains(dialog.frameGeometry())
    finally:
        dialog.close()
