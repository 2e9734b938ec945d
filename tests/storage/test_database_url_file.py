"""database-url.txt holds the clinic's PostgreSQL address with its password in plain text (SECURITY.md):
on POSIX it is readable by its owner alone from the moment it exists, and an older, looser file is
tightened when read."""

from __future__ import annotations

import os
import stat

import pytest

from app.storage.connect import save_url, saved_url
from app.storage.database import URL_FILENAME, database_url_for

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX; Windows relies on the folder's ACL")
URL = "postgresql://parvandeh:s3cret-pass@192.168.1.10:5432/parvandeh"


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_address_file_is_the_owners_alone_even_under_a_loose_umask(tmp_path):
    old = os.umask(0o000)  # an unlucky PC: every new file readable and writable by all
    try:
        target = save_url(tmp_path / "data", URL)
    finally:
        os.umask(old)
    assert target.name == URL_FILENAME and mode(target) == 0o600
    assert saved_url(tmp_path / "data") == URL.replace("postgresql://", "postgresql+psycopg://", 1)
    assert not list((tmp_path / "data").glob("*.partial"))


def test_saving_again_over_a_leftover_partial_keeps_it_private(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    leftover = folder / (URL_FILENAME + ".partial")
    leftover.write_text("half a line from a power cut")
    os.chmod(leftover, 0o666)
    target = save_url(folder, URL)
    assert mode(target) == 0o600 and "s3cret-pass" in target.read_text(encoding="utf-8")


def test_a_world_readable_file_from_an_older_version_is_tightened_when_read(tmp_path, monkeypatch):
    monkeypatch.delenv("PARVANDEH_DATABASE_URL", raising=False)
    (tmp_path / URL_FILENAME).write_text(URL + "\n", encoding="utf-8")
    os.chmod(tmp_path / URL_FILENAME, 0o644)
    assert database_url_for(tmp_path) == URL
    assert mode(tmp_path / URL_FILENAME) == 0o600

