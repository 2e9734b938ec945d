"""Contract numbers such as 1405-101 read left to right everywhere they show, combo boxes
included (Qt's combo boxes ignore the LRI/PDI isolates; left-to-right marks work)."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextLayout, QTextOption

from app.services.cases import case_detail
from app.services.contracts import ContractInput, create_contract
from app.ui.cases.case_form import CaseForm
from app.ui.cases.case_list import CaseListPage
from app.ui.widgets.text import LRM, choice_text, identifier_text

NUMBER = "\u200e۱۴۰۵-۱۰۱\u200e"


def visual_x(text: str, part: str) -> float:
    """Where Qt's own bidi layout draws the start of `part` in a right-to-left line."""
    layout = QTextLayout(text, QFont())
    option = QTextOption()
    option.setTextDirection(Qt.LayoutDirection.RightToLeft)
    layout.setTextOption(option)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(2000)
    layout.endLayout()
    start = text.index(part)
    return line.cursorToX(start)[0]


def test_one_identifier_text_marks_numbers_with_a_dash():
    assert identifier_text("1405-101") == NUMBER
    assert identifier_text(identifier_text("1405-101")) == NUMBER  # idempotent
    assert identifier_text("12345") == "۱۲۳۴۵"  # plain digits need no marks
    assert identifier_text(None) == ""
    assert choice_text("1405-101", "اداره ری") == f"{NUMBER} — اداره ری"


def test_the_marks_keep_the_year_first_after_persian_words(qapp):
    marked = f"قرارداد {identifier_text('1405-101')} — اداره ری"
    bare = "قرارداد ۱۴۰۵-۱۰۱ — اداره ری"
    # left to right: the year (۱۴۰۵) starts left of ۱۰۱ on screen
    assert visual_x(marked, "۱۴۰۵") < visual_x(marked, "۱۰۱")
    assert visual_x(bare, "۱۴۰۵") > visual_x(bare, "۱۰۱")  # what the marks prevent


def test_contract_combo_boxes_show_the_number_with_its_marks(qtbot, manager_session, make_case, tmp_path):
    other = create_contract(manager_session.ctx, ContractInput(
        office_name="اداره بهزیستی شهرستان ورامین", number="1405-101", start_date="1405/01/01",
        end_date="1405/12/29", fee_per_case_month_rials=1_000_000, capacity=50))
    case = make_case(contract_id=other.id)
    form = CaseForm(manager_session, case_detail(manager_session.ctx, case.id))
    qtbot.addWidget(form)
    form.show()
    assert NUMBER in form.contract.currentText()
    assert form.contract.currentText().startswith(LRM)
    page = CaseListPage(manager_session)
    qtbot.addWidget(page)
    combo = page.filters.contract
    texts = [combo.itemText(i) for i in range(combo.count())]
    assert any(NUMBER in text for text in texts), texts
    form.contract.grab().save(str(tmp_path / "contract-combo.png"))
