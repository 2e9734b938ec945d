import os

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QFontDatabase, QFontInfo
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QSpinBox

from app.ui.machinery.application import create_application, persian_locale


def test_application_is_right_to_left_and_persian(qapp):
    assert qapp.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert QLocale().language() == QLocale.Language.Persian
    assert qapp.applicationName() == "Parvandeh"
    assert qapp.organizationName() == "Parvandeh"


def test_vazirmatn_is_the_application_font(qtbot):
    assert "Vazirmatn" in QFontDatabase.families()
    label = QLabel("پرونده مددجو")
    qtbot.addWidget(label)
    assert QFontInfo(label.font()).family() == "Vazirmatn"
    assert 9 <= label.font().pointSizeF() <= 11


def test_widgets_built_later_are_right_to_left(qtbot):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    assert edit.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert edit.locale().language() == QLocale.Language.Persian


def test_persian_locale_writes_years_without_group_separator():
    assert persian_locale().toString(1405) == "۱۴۰۵"
    assert persian_locale().toString(1234567890) == "۱۲۳۴۵۶۷۸۹۰"


def test_spin_box_shows_a_year_in_persian_digits_without_separator(qtbot):
    spin = QSpinBox()
    qtbot.addWidget(spin)
    spin.setRange(1300, 1500)
    spin.setValue(1405)
    assert spin.text() == "۱۴۰۵"


def test_qt_dialog_buttons_are_translated(qapp):
    assert QApplication.translate("QPlatformTheme", "Cancel") == "انصراف"


def test_create_application_twice_returns_the_same_app(qapp):
    assert create_application([]) is qapp


def test_default_locale_writes_years_without_group_separator(qapp):
    assert QLocale().toString(1405) == "۱۴۰۵"


def test_stylesheet_arrows_are_drawn_into_files_it_names(qapp):
    import re
    from pathlib import Path

    urls = re.findall(r"url\(([^)]+)\)", qapp.styleSheet())
    assert urls, "combo and spin box arrows need image files"
    for url in urls:
        assert Path(url).is_file()


def test_stylesheet_falls_back_when_arrows_cannot_be_written(tmp_path):
    from app.ui.machinery.style import STYLESHEET, build_stylesheet

    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert build_stylesheet(blocked / "style") == STYLESHEET


def test_arrow_files_are_written_only_when_what_is_drawn_differs(qapp, tmp_path):
    """No writes on the way to the first window when last start's arrows are there; a damaged or
    stale file is drawn again."""
    from app.ui.machinery.style import write_arrow_images

    paths = write_arrow_images(tmp_path)
    first = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in tmp_path.iterdir()}
    assert len(first) == 4 and all(data.startswith(b"\x89PNG") for _, data in first.values())
    for path in tmp_path.iterdir():
        os.utime(path, ns=(1, 1))  # a write would move the time on
    write_arrow_images(tmp_path)
    assert all(p.stat().st_mtime_ns == 1 for p in tmp_path.iterdir())
    paths["up"].write_bytes(b"stale")
    write_arrow_images(tmp_path)
    assert paths["up"].read_bytes() == first["arrow-up.png"][1]
