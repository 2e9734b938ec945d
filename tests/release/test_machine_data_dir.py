"""One clinic folder for every Windows account on the PC: the installer writes
%ProgramData%\\Parvandeh\\parvandeh.ini, and the program reads it before the user's own folder."""

from __future__ import annotations

from pathlib import Path, PureWindowsPath

import pytest

from app.errors import StorageError
from app.storage import datadir


@pytest.fixture
def config(tmp_path, monkeypatch):
    path = tmp_path / "ProgramData" / "Parvandeh" / "parvandeh.ini"
    path.parent.mkdir(parents=True)
    monkeypatch.setattr(datadir, "machine_config_file", lambda: path)
    monkeypatch.delenv(datadir.ENV_VAR, raising=False)
    return path


def test_the_machine_wide_folder_comes_before_the_users_own(config, tmp_path):
    shared = tmp_path / "clinic data"
    config.write_text(f"[data]\nfolder = {shared}\n", encoding="utf-8")
    assert datadir.resolve_data_dir() == shared.resolve()


def test_data_dir_and_the_environment_still_win(config, tmp_path, monkeypatch):
    config.write_text(f"[data]\nfolder = {tmp_path / 'shared'}\n", encoding="utf-8")
    assert datadir.resolve_data_dir(tmp_path / "given") == (tmp_path / "given").resolve()
    monkeypatch.setenv(datadir.ENV_VAR, str(tmp_path / "env"))
    assert datadir.resolve_data_dir() == (tmp_path / "env").resolve()


def test_without_the_file_each_user_has_the_platform_default(config):
    import platformdirs
    assert not config.exists()
    assert datadir.resolve_data_dir() == Path(platformdirs.user_data_dir("Parvandeh", appauthor=False)).resolve()


def test_inno_setups_utf8_file_with_bom_and_a_persian_path(config, tmp_path):
    """Inno Setup's SaveStringsToUTF8File writes a BOM; a folder may have a Persian name."""
    shared = tmp_path / "داده‌های کلینیک"
    config.write_bytes(b"\xef\xbb\xbf" + f"; written by setup\r\n[data]\r\nfolder={shared}\r\n".encode())
    assert datadir.resolve_data_dir() == shared.resolve()


@pytest.mark.parametrize("text", ["[data]\nfolder = relative\\folder\n", "[data]\n", "[other]\nfolder=C:\\x\n",
                                  "folder = C:\\no-section\n", "[data]\nfolder = \n"])
def test_a_broken_file_is_an_error_naming_it_never_a_silent_empty_clinic(config, text):
    config.write_text(text, encoding="utf-8")
    with pytest.raises(StorageError) as err:
        datadir.resolve_data_dir()
    assert str(config) in str(err.value)


def test_a_file_that_is_not_text_is_an_error(config):
    config.write_bytes(b"\xff\xfe\x00garbage\x80")
    with pytest.raises(StorageError):
        datadir.resolve_data_dir()


def test_a_windows_path_is_taken_as_absolute(tmp_path):
    path = tmp_path / "parvandeh.ini"
    path.write_text("[data]\nfolder = C:\\ProgramData\\Parvandeh\\Data\n", encoding="utf-8")
    assert PureWindowsPath(datadir.machine_data_dir(path)) == PureWindowsPath(r"C:\ProgramData\Parvandeh\Data")


def test_on_windows_the_file_is_under_programdata(monkeypatch):
    """The same place the installer's [Code] writes: {commonappdata}\\Parvandeh\\parvandeh.ini."""
    monkeypatch.setattr(datadir.sys, "platform", "win32")
    monkeypatch.setenv("PROGRAMDATA", "D:\\PD")
    assert str(datadir.machine_config_file()).replace("/", "\\") == "D:\\PD\\Parvandeh\\parvandeh.ini"
