"""`parvandeh selftest` passes on a whole install, and fails loudly, on the right line, on an install
that lost a font, a sub-command, a page or a sound signature."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from app import cli, selftest
from tests.conftest import NOW

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _checks(folder: Path) -> dict[str, selftest.Check]:
    return {c.name: c for c in selftest.run_checks(folder, clock=lambda: NOW)}


def _named(checks: dict[str, selftest.Check], word: str) -> selftest.Check:
    return next(c for name, c in checks.items() if word in name)


def test_every_check_passes_on_this_install_and_each_document_kind_is_made(tmp_path):
    checks = _checks(tmp_path)
    assert all(c.ok for c in checks.values()), [c.line() for c in checks.values() if not c.ok]
    for kind in ("monthly", "invoice", "case", "review", "receivables"):
        assert _named(checks, f"({kind})").ok
    pdfs = sorted(p.name[:2] for p in tmp_path.glob("*.pdf"))
    assert pdfs == ["CS", "IN", "MR", "RC", "RV"]  # one file of each kind, kept in the folder it was given
    for signed in ("(invoice)", "(monthly)", "(case)", "(receivables)"):
        assert "امضا و تأیید شد" in _named(checks, signed).detail
    assert (tmp_path / "demo-data" / "parvandeh.sqlite3").is_file()
    assert ".pvbak" in _named(checks, "(backup)").detail  # made by a child process, and verified
    assert list((tmp_path / "demo-data" / "backups").glob("parvandeh-*.pvbak"))


def test_module_count_matches_the_source_tree():
    """What CI compares with a bundle's count: every .py under app/ (but Alembic's scripts) is listed."""
    root = Path(selftest.__file__).parent
    on_disk = {".".join(p.relative_to(root.parent).with_suffix("").parts).removesuffix(".__init__")
               for p in root.rglob("*.py")}
    listed = set(selftest.app_modules(include_ui=True))
    assert listed == on_disk


def test_a_lost_font_fails_its_line_and_the_exit_code(tmp_path, monkeypatch, capsys):
    import app.resources
    empty = tmp_path / "no-assets"
    (empty / "fonts").mkdir(parents=True)
    monkeypatch.setattr(app.resources, "resources_dir", lambda: empty)
    code = cli.main(["selftest", "--no-gui", "--today", "2026-11-23", "--keep", str(tmp_path / "st")])
    out = capsys.readouterr()
    assert code == 1
    font_line = next(line for line in out.out.splitlines() if "(fonts)" in line)
    assert font_line.startswith("FAIL") and "Vazirmatn-Regular.ttf" in font_line
    assert "نادرست" in out.err


def test_a_sub_command_missing_from_the_build_is_named(monkeypatch, tmp_path):
    """The bundle's «parvandeh import: invalid choice»: the module that registers it did not ship."""
    real = cli._extra_commands
    monkeypatch.setattr(cli, "_extra_commands",
                        lambda: [r for r in real() if r.__module__ != "app.cli.importing"])
    check = selftest.attempt("commands", selftest.check_commands)
    assert not check.ok and "import" in check.detail


def test_a_forged_signature_fails_the_document_line(tmp_path, monkeypatch):
    import app.services.reports as reports
    real = reports.generate_invoice

    def forged(*args, **kwargs):
        doc = real(*args, **kwargs)
        pdf = doc.pdf.replace("صورتحساب".encode("utf-16-be"), "صورتحسیب".encode("utf-16-be"), 1)
        at = len(pdf) // 3  # a changed byte inside the signed range
        pdf = pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1:]
        return dataclasses.replace(doc, pdf=pdf)
    monkeypatch.setattr(reports, "generate_invoice", forged)
    checks = _checks(tmp_path)
    assert not _named(checks, "(invoice)").ok
    assert _named(checks, "(monthly)").ok and _named(checks, "(case)").ok


def test_an_import_error_in_any_module_is_reported(monkeypatch):
    import importlib
    real = importlib.import_module

    def broken(name, *a, **k):
        if name == "app.services.worklists":
            raise ImportError("No module named 'app.services.worklists'")
        return real(name, *a, **k)
    monkeypatch.setattr(importlib, "import_module", broken)
    check = selftest.attempt("modules", lambda: selftest.import_all(selftest.app_modules(False)))
    assert not check.ok and "app.services.worklists" in check.detail


@pytest.mark.parametrize("argv", [["selftest", "--help"]])
def test_help_is_persian(argv, capsys):
    with pytest.raises(SystemExit):
        cli.main(argv)
    assert "--keep" in capsys.readouterr().out
    parser = cli.build_parser()
    sub = next(a for a in parser._subparsers._group_actions)
    text = sub.choices["selftest"].format_help()
    assert "--no-gui" in text and "پوشه نمونه" in text
