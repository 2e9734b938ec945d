"""The child's age stands beside the birth date: file header, identity tab, case form, family."""

import datetime as dt

from PySide6.QtCore import Qt

from app.services.cases import FamilyInput, case_detail
from app.ui.cases.case_form import CaseForm
from app.ui.cases.case_window import open_case_window
from app.ui.cases.tabs import IdentityTab


def test_age_in_header_identity_tab_form_and_family(qtbot, manager_session, make_case):
    # the tests' today is 1405/09/02; born 1394/02/11
    case = make_case(birth_date=dt.date(2015, 5, 1),
                     family=(FamilyInput(name="مریم احمدی", relation="mother", birth_year=1370),))
    window = open_case_window(manager_session, case.id)
    assert "(۱۱ ساله)" in window.header.name.text()
    tab = window.tab(IdentityTab)
    assert tab.values["birth"].text().endswith("(۱۱ ساله)")
    family_text = tab.family.data(tab.family.index(0, 2))
    assert "۳۵ ساله" in family_text
    form = CaseForm(manager_session, case_detail(manager_session.ctx, case.id))
    qtbot.addWidget(form)
    assert form.age_label.text() == "۱۱ ساله"
    form.birth_date.setText("1400/01/01")
    assert form.age_label.text() == "۵ ساله"
    window.close_without_asking()


def test_the_case_list_has_an_age_column_in_persian_digits(qtbot, manager_session, make_case):
    from app.ui.cases.case_list import COLUMNS, CaseListPage

    make_case(first_name="سارا", birth_date=dt.date(2015, 5, 1))  # 1394/02/11: 11 on 1405/09/02
    make_case(first_name="نیما", birth_date=None)
    page = CaseListPage(manager_session)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=5000)
    age = [c.key for c in COLUMNS].index("age_years")
    assert page.model.headerData(age, Qt.Orientation.Horizontal) == "سن"
    shown = {page.model.row_at(r)["first_name"]: page.model.data(page.model.index(r, age))
             for r in range(page.model.rowCount())}
    assert shown == {"سارا": "۱۱", "نیما": ""}
