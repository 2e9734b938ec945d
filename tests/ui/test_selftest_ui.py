"""The screens' half of `parvandeh selftest`: every page and case tab is built from its real
module; a page the build lost (the «not ready» placeholder) is a failed line."""

from __future__ import annotations

import pytest

from app import selftest
from app.ui.machinery import main_window, selftest as ui_selftest
from tests.conftest import NOW


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("selftest")
    checks = list(selftest.run_checks(folder, clock=lambda: NOW))
    assert all(c.ok for c in checks), [c.line() for c in checks if not c.ok]
    return folder / "demo-data"


def test_every_page_and_case_tab_opens(qapp, demo_dir):
    checks = list(ui_selftest.ui_checks(demo_dir))
    assert all(c.ok for c in checks), [c.line() for c in checks if not c.ok]
    names = " ".join(c.name for c in checks)
    for spec in main_window.PAGES:
        assert f"({spec.key})" in names
    assert "(receivables)" in names  # the manager's page the wave added: PAGES must keep it
    assert sum(c.name.startswith("زبانه") and "اداره" not in c.name for c in checks) == 7
    assert "(office window)" in names
    assert sum(c.name.startswith("زبانه اداره") for c in checks) == 3


def test_an_office_window_that_cannot_be_built_fails_its_line(qapp, tmp_path, monkeypatch):
    import app.ui.pages.office as office_window

    def lost(*args, **kwargs):
        raise ImportError("No module named 'app.office.summary'")
    monkeypatch.setattr(office_window, "OfficeWindow", lost)
    checks = list(ui_selftest._office_checks(tmp_path / "office", qapp))
    assert [(c.name, c.ok) for c in checks] == [("پنجره میز اداره (office window)", False)]
    assert "app.office.summary" in checks[0].detail


def test_a_page_module_missing_from_the_bundle_fails(qapp, demo_dir, monkeypatch):
    pages = tuple(main_window.PageSpec(s.key, s.title, "app.ui.cases.lost_in_bundle", s.cls)
                  if s.key == "cases" else s for s in main_window.PAGES)
    monkeypatch.setattr(main_window, "PAGES", pages)
    checks = {c.name: c for c in ui_selftest.ui_checks(demo_dir)}
    failed = [c for c in checks.values() if not c.ok]
    assert [c.name for c in failed] == ["صفحه پرونده‌ها (cases)"]
    assert "app.ui.cases.lost_in_bundle" in failed[0].detail
