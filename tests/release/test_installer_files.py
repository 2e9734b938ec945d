"""What can be checked of the Windows installer without Windows: the Inno Setup script's keys, its
Persian messages file, the icon, the one version number, and the PyInstaller spec."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

import app

ROOT = Path(__file__).resolve().parents[2]
ISS = ROOT / "installer" / "parvandeh.iss"
FARSI = ROOT / "installer" / "Farsi.isl"


def sections(text: str) -> dict[str, list[str]]:
    """Inno Setup's sections: lines after each [Name] header, comments and blanks left out."""
    found: dict[str, list[str]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if re.fullmatch(r"\[[A-Za-z]+\]", line):
            current = found.setdefault(line[1:-1], [])
        elif current is not None and line and not line.startswith(";"):
            current.append(line)
    return found


def keys(lines: list[str]) -> dict[str, str]:
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith(("{", "#")))


@pytest.fixture(scope="module")
def iss() -> dict[str, list[str]]:
    return sections(ISS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def farsi() -> dict[str, list[str]]:
    return sections(FARSI.read_text(encoding="utf-8-sig"))


def test_one_version_number_the_one_in_pyproject(iss):
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert app.__version__ == version
    setup = keys(iss["Setup"])
    assert setup["AppVersion"] == "{#AppVersion}" and "{#AppVersion}" in setup["OutputBaseFilename"]
    text = ISS.read_text(encoding="utf-8")
    assert version not in text  # not written a second time
    assert re.search(r'#define AppVersion ReadIni\(SourcePath \+ "\.\.\\pyproject\.toml", "project", "version"', text)


def test_pyprojects_version_reads_the_way_windows_ini_reader_reads_it():
    """GetPrivateProfileString (ISPP's ReadIni): the first `version` key in [project], quotes dropped."""
    section, value = None, None
    for line in (ROOT / "pyproject.toml").read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            section = line.strip()[1:-1]
        elif section == "project" and "=" in line and line.split("=", 1)[0].strip().lower() == "version":
            value = line.split("=", 1)[1].strip().strip('"')
            break
    assert value == app.__version__


def test_minimum_inno_setup_version_is_enforced_and_stated(iss):
    text = ISS.read_text(encoding="utf-8")
    assert "#if VER < EncodeVer(6, 3, 0)" in text and "#error" in text
    assert keys(iss["Setup"])["ArchitecturesInstallIn64BitMode"] == "x64compatible"  # the 6.3 feature
    assert "Inno Setup 6.3" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_persian_wizard_from_the_messages_file_kept_here(iss, farsi):
    languages = iss["Languages"]
    assert languages == ['Name: "fa"; MessagesFile: "compiler:Default.isl,Farsi.isl"']
    assert FARSI.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Inno Setup reads it as Unicode
    options = keys(farsi["LangOptions"])
    assert options["LanguageID"] == "$0429" and options["RightToLeft"] == "yes"
    assert options["LanguageCodePage"] == "0" and options["LanguageName"] == "فارسی"
    messages = keys(farsi["Messages"])
    for key in ("ButtonNext", "ButtonBack", "ButtonInstall", "ButtonCancel", "ButtonFinish", "WelcomeLabel1",
                "WizardSelectDir", "WizardReady", "FinishedHeadingLabel", "ConfirmUninstall", "ExitSetupMessage"):
        assert re.search("[\u0600-\u06ff]", messages[key]), key
    assert (ROOT / "installer" / "Farsi.LICENSE.txt").is_file()


def test_every_custom_message_the_script_uses_is_in_persian(farsi):
    text = ISS.read_text(encoding="utf-8")
    used = set(re.findall(r"\{cm:(\w+)", text)) | set(re.findall(r"CustomMessage\('(\w+)'\)", text))
    defined = keys(farsi["CustomMessages"])
    assert used and used <= defined.keys(), used - defined.keys()
    for name in used:
        assert re.search("[\u0600-\u06ff]", defined[name]), name
    for name in ("AclFailed", "ConfigFailed", "MigrateFailed"):
        assert "%1" in defined[name]  # FmtMessage fills in the path


def test_placeholders_of_each_message_are_kept(farsi):
    """A translation that drops %1 loses the file name or version it was meant to show."""
    messages = keys(farsi["Messages"])
    for key, expected in {"SetupWindowTitle": {"%1"}, "LastErrorMessage": {"%1", "%2", "%3"},
                          "DiskSpaceWarning": {"%1", "%2"}, "UninstallStatusLabel": {"%1"},
                          "ErrorFunctionFailed": {"%1", "%2"}}.items():
        assert set(re.findall(r"%\d", messages[key])) == expected, key
    for key in ("WelcomeLabel2", "SelectDirDesc", "FinishedLabel"):
        assert "[name" in messages[key], key


def test_icon_is_there_with_the_sizes_windows_uses(iss):
    from PIL import Image
    setup = keys(iss["Setup"])
    icon = (ISS.parent / setup["SetupIconFile"].replace("\\", "/")).resolve()
    assert icon == ROOT / "resources" / "parvandeh.ico"
    with Image.open(icon) as img:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(img.info["sizes"])
    assert setup["UninstallDisplayIcon"] == r"{app}\parvandeh.exe"


def test_the_icon_script_draws_what_is_committed(tmp_path, monkeypatch):
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_icon", ROOT / "scripts" / "make_icon.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "OUT", tmp_path / "icon.ico")
    assert module.main() == 0
    from PIL import Image, ImageChops
    with Image.open(tmp_path / "icon.ico") as new, Image.open(ROOT / "resources" / "parvandeh.ico") as old:
        assert ImageChops.difference(new.convert("RGBA"), old.convert("RGBA")).getbbox() is None


def test_data_is_shared_kept_on_upgrade_and_never_deleted(iss):
    text = ISS.read_text(encoding="utf-8")
    assert keys(iss["Setup"])["PrivilegesRequired"] == "admin"
    assert "{commonappdata}\\Parvandeh\\parvandeh.ini" in text  # where app/storage/datadir.py looks
    assert "{commonappdata}\\Parvandeh\\Data" in text
    assert "UninstallDelete" not in iss and "UninstallRun" not in iss
    assert not any("commonappdata" in line for line in iss.get("Files", []) + iss.get("Dirs", []) + iss.get("INI", []))
    # The staff group's ACL by SIDs that any language of Windows understands.
    assert "*S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F" in text and "/inheritance:r" in text
    assert "(OI)(CI)M" in text
    # An upgrade: pages skipped, the folder kept, the database migrated by the program (which copies it first).
    assert "ShouldSkipPage" in text and "PreviousDataDir" in text
    assert "'check --data-dir \"' + Dir" in text
    # ...only where a clinic's database is: `check` fails on a folder without one (a fresh install's).
    assert "if not FileExists(AddBackslash(Dir) + 'parvandeh.sqlite3') then" in text


def test_the_spec_collects_the_whole_package_by_itself():
    spec = (ROOT / "installer" / "parvandeh.spec").read_text(encoding="utf-8")
    assert 'collect_submodules("app")' in spec
    assert 'collect_data_files("app")' in spec and 'copy_metadata("parvandeh")' in spec
    assert "app.cli_" not in spec and "app.ui." not in spec  # no hand list of modules to forget


def test_the_build_scripts_install_from_the_lock_with_hashes():
    for script in ("installer/build.sh", "installer/build.ps1", "scripts/start.sh", ".ci/run"):
        text = (ROOT / script).read_text(encoding="utf-8")
        assert "--require-hashes" in text, script
        assert re.search(r"requirements[/\\](app|dev|build)\.txt", text), script
    assert "selftest" in (ROOT / "installer" / "build.ps1").read_text(encoding="utf-8")
