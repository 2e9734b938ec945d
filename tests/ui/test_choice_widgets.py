import pytest
from PySide6.QtCore import Qt

from app.domain.enums import CareDomain, ServiceKind
from app.ui.widgets import ChecklistWidget, EnumComboBox


@pytest.fixture
def checklist(qtbot):
    widget = ChecklistWidget(CareDomain, columns=2)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    return widget


def test_checklist_has_one_box_per_member_with_its_label(checklist):
    assert [box.text() for box in checklist.boxes.values()] == [m.label for m in CareDomain]


def test_checklist_values_and_set_values(checklist):
    assert checklist.values() == set()
    checklist.setValues([CareDomain.HEALTH, "abuse_watch"])
    assert checklist.values() == {CareDomain.HEALTH, CareDomain.ABUSE_WATCH}
    checklist.setValues([])
    assert checklist.values() == set()


def test_checklist_signals_the_new_values(checklist):
    seen = []
    checklist.valuesChanged.connect(seen.append)
    checklist.boxes[CareDomain.NUTRITION].click()
    assert seen == [{CareDomain.NUTRITION}]


def test_checklist_keyboard_space_ticks_and_arrows_move(checklist, qtbot):
    boxes = list(checklist.boxes.values())
    checklist.setFocus()
    qtbot.waitUntil(boxes[0].hasFocus)
    qtbot.keyClick(boxes[0], Qt.Key.Key_Space)
    assert checklist.values() == {CareDomain.HEALTH}
    qtbot.keyClick(boxes[0], Qt.Key.Key_Down)
    assert boxes[1].hasFocus()
    qtbot.keyClick(boxes[1], Qt.Key.Key_Left)  # right to left: Left goes on
    assert boxes[2].hasFocus()
    qtbot.keyClick(boxes[2], Qt.Key.Key_Space)
    qtbot.keyClick(boxes[2], Qt.Key.Key_Tab)
    assert boxes[3].hasFocus()
    assert checklist.values() == {CareDomain.HEALTH, CareDomain.SCHOOLING}


def test_checklist_first_column_is_at_the_right(checklist):
    health = checklist.boxes[CareDomain.HEALTH]
    psychological = checklist.boxes[CareDomain.PSYCHOLOGICAL]
    assert health.geometry().x() > psychological.geometry().x()


def test_combo_shows_labels_and_gives_members(qtbot):
    combo = EnumComboBox(ServiceKind)
    qtbot.addWidget(combo)
    assert [combo.itemText(i) for i in range(combo.count())] == [m.label for m in ServiceKind]
    assert combo.value() is ServiceKind.CARE
    combo.setValue(ServiceKind.REFERRAL)
    assert combo.value() is ServiceKind.REFERRAL
    assert combo.currentText() == "ارجاع و هماهنگی"
    combo.setValue("marriage")
    assert combo.value() is ServiceKind.MARRIAGE


def test_combo_with_empty_entry(qtbot):
    combo = EnumComboBox(ServiceKind, allow_empty=True)
    qtbot.addWidget(combo)
    assert combo.value() is None
    seen = []
    combo.valueChanged.connect(seen.append)
    combo.setValue(ServiceKind.PROBLEM)
    combo.setValue(None)
    assert seen == [ServiceKind.PROBLEM, None]


def test_combo_refuses_values_it_does_not_have(qtbot):
    combo = EnumComboBox(ServiceKind)
    qtbot.addWidget(combo)
    with pytest.raises(ValueError):
        combo.setValue("unknown")
    with pytest.raises(ValueError):
        combo.setValue(None)
