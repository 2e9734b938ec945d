"""The test modules CI runs a second time with the clock a year ahead (.ci/run, `-m date_sensitive`):
those about what changes with the date or reads the wall clock. Every test must pass at any date; these
are where a test that quietly depends on today's would show. tests/release/test_ci_script.py checks each
area keeps at least one module and each module named here exists."""

AREAS: dict[str, tuple[str, ...]] = {
    "signing and verifying (a certificate's validity, the signing time)": (
        "tests/printing/test_signing.py",
        "tests/printing/test_verify.py",
        "tests/printing/test_attacks.py",
        "tests/services/test_signed_documents.py",
        "tests/services/test_reports.py",
        "tests/office/test_receive.py",
        "tests/office/test_attacks.py",
        "tests/ui/test_reports_page.py",
    ),
    "reviews due and follow-ups": (
        "tests/services/test_worklists.py",
        "tests/services/test_casework.py",
        "tests/printing/test_documents.py",
        "tests/ui/test_dashboard.py",
        "tests/ui/cases/test_case_window.py",
    ),
    "money falling due": (
        "tests/services/test_payments.py",
        "tests/ui/test_receivables_page.py",
    ),
    "backups and their rotation": (
        "tests/storage/test_backup.py",
        "tests/storage/test_upgrade.py",
        "tests/ui/test_main.py",
        "tests/ui/test_settings_page.py",
    ),
    "drafts": (
        "tests/services/test_drafts.py",
        "tests/storage/test_crash_safety.py",
        "tests/ui/test_draft_autosaver.py",
        "tests/ui/cases/test_visit_form.py",
        "tests/ui/cases/test_conflict.py",
    ),
    "sign-in lockout, stale edits, today's date on screen and in the demo": (
        "tests/services/test_accounts.py",
        "tests/services/test_concurrency.py",
        "tests/services/test_demo.py",
        "tests/services/test_demo_ages.py",
        "tests/ui/test_sign_in.py",
        "tests/ui/test_jalali_date_edit.py",
    ),
    "the program run as a process, with the real clock": (
        "tests/test_cli.py",
        "tests/test_cli_payments.py",
        "tests/office/test_office_cli.py",
    ),
}

MODULES = frozenset(path for paths in AREAS.values() for path in paths)
