"""The Qt desktop client. Imports services, never sqlalchemy.

Foundation for the screens: application (create_application, persian_locale), widgets
(NormalizingLineEdit, JalaliDateEdit, ChecklistWidget, EnumComboBox), forms (FormErrors),
paged_model (PagedTableModel, Column, DebouncedSearch), runner (op, run_with_progress),
drafts (DraftAutosaver), settings (WindowStateKeeper), text (dates with the year at the right).
"""
