"""The case screens: the case list, the case form, the case file window and the visit note.

Entry points other screens use:
    app.ui.cases.case_list.CaseListPage(session, parent=None)
    app.ui.cases.case_window.open_case_window(session, case_id, parent=None) -> CaseWindow
    app.ui.cases.case_form.new_case(session, parent=None) -> int | None
"""
