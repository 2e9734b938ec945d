import pytest
from PySide6.QtGui import QClipboard, QGuiApplication

from app.ui.widgets import NormalizingLineEdit
from tests.ui.conftest import type_text


@pytest.fixture
def edit(qtbot):
    widget = NormalizingLineEdit()
    qtbot.addWidget(widget)
    widget.show()
    widget.setFocus()
    return widget


def test_arabic_yeh_and_kaf_become_persian_as_typed(edit):
    type_text(edit, "علي كريمي")
    assert edit.text() == "علی کریمی"


def test_alef_maksura_becomes_yeh(edit):
    type_text(edit, "مصطفى")
    assert edit.text() == "مصطفی"


def test_typing_keeps_undo(edit):
    type_text(edit, "كا")
    edit.undo()
    assert edit.text() == ""


def test_cursor_stays_in_place_when_pasted_text_is_fixed(edit):
    edit.setText("علی رضایی")
    edit.setCursorPosition(4)
    QGuiApplication.clipboard().setText("كاظم ", QClipboard.Mode.Clipboard)
    edit.paste()
    assert edit.text() == "علی کاظم رضایی"
    assert edit.cursorPosition() == 9


def test_tatweel_is_dropped_and_cursor_follows(edit):
    QGuiApplication.clipboard().setText("مـــحمد")
    edit.paste()
    assert edit.text() == "محمد"
    assert edit.cursorPosition() == 4


def test_digits_are_kept_by_default(edit):
    type_text(edit, "پلاک ۱۲ و 13")
    assert edit.text() == "پلاک ۱۲ و 13"


def test_ascii_digit_mode_for_identifiers(qtbot):
    edit = NormalizingLineEdit(digits="ascii")
    qtbot.addWidget(edit)
    type_text(edit, "۰۰۱٢٣4")
    assert edit.text() == "001234"


def test_persian_digit_mode(qtbot):
    edit = NormalizingLineEdit(digits="persian")
    qtbot.addWidget(edit)
    type_text(edit, "12٣")
    assert edit.text() == "۱۲۳"


def test_unknown_digit_mode_is_refused():
    with pytest.raises(ValueError):
        NormalizingLineEdit(digits="roman")
