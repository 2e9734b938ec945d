"""`parvandeh connect` changes where this PC's data lives: the manager's alone, signed in (issue 11)."""

from __future__ import annotations

import io
import os

import pytest

from app.cli import main
from app.storage.connect import saved_url
from tests.conftest import NOW, PASSWORD

PG_URL = os.environ.get("PARVANDEH_TEST_PG_URL")


@pytest.fixture
def server(pg):
    """An empty clinic server (the schema only, no clinic yet)."""
    from app.storage.migrate import upgrade
    upgrade(pg)
    return pg


def connect(monkeypatch, folder, *, user=None, password=PASSWORD):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    monkeypatch.delenv("PARVANDEH_USER", raising=False)
    argv = ["connect", "--url", PG_URL.replace("postgresql+psycopg://", "postgresql://"), "--data-dir", str(folder)]
    return main(argv + (["--user", user] if user else []))


def test_a_folder_with_a_clinic_moves_to_a_server_only_for_its_manager(server, ctx, data_dir, make_staff,
                                                                      monkeypatch, capsys):
    make_staff("clerk", "حسن", "دفتری", username="clerk1")
    make_staff("social_worker", "رضا", "مددکار", username="worker1")
    assert connect(monkeypatch, data_dir) == 1
    assert "--user" in capsys.readouterr().err and saved_url(data_dir) == ""
    for user in ("clerk1", "worker1"):
        assert connect(monkeypatch, data_dir, user=user) == 1
        assert "در سطح دسترسی شما نیست" in capsys.readouterr().err
        assert saved_url(data_dir) == ""  # a refused call writes nothing
    assert connect(monkeypatch, data_dir, user="boss", password="wrong-password") == 1
    assert saved_url(data_dir) == ""
    assert connect(monkeypatch, data_dir, user="boss") == 0
    assert saved_url(data_dir) == PG_URL


def test_a_new_pc_joins_a_server_that_holds_a_clinic_only_as_its_manager(server, tmp_path, monkeypatch, capsys):
    from app.services.accounts import StaffInput, add_staff
    from app.services.clinic import ClinicInput, set_up_clinic
    from app.services.context import ServiceContext
    manager = set_up_clinic(server, ClinicInput("کلینیک", "1", "مدیر"),
                            StaffInput("مینا", "مدیری", "manager", username="boss", password=PASSWORD), now=NOW)
    add_staff(ServiceContext(server, manager, clock=lambda: NOW),
              StaffInput("حسن", "دفتری", "clerk", username="clerk1", password=PASSWORD))
    folder = tmp_path / "pc2"
    assert connect(monkeypatch, folder, user="clerk1") == 1
    assert saved_url(folder) == ""
    assert connect(monkeypatch, folder, user="boss") == 0
    assert saved_url(folder) == PG_URL


def test_a_new_pc_and_an_empty_server_need_no_one(server, tmp_path, monkeypatch):
    """Nothing to protect yet: the first-run wizard sets the clinic up on the server."""
    assert connect(monkeypatch, tmp_path / "pc1") == 0
    assert saved_url(tmp_path / "pc1") == PG_URL
