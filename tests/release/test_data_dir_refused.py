"""A --data-dir that does not exist is an error naming it, for every command that reads a data folder,
and nothing is made there; only init, demo, `office init`, `connect` (a new PC's folder for the server's
address) and the GUI's first-run wizard make one. The commands are those of the parser tree, run with
their own --help examples, so a command added later is checked too."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from app import cli
from tests.release.test_cli_help import TREE, examples

MAKE_A_FOLDER = {"gui", "init", "demo", "office init", "connect"}
NO_DATA_FOLDER = {"selftest": "a throw-away folder of its own", "server setup": "prints SQL for the server"}
LEAVES = [(path, parser) for path, parser in TREE
          if path and not any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)]


def with_data_dir(argv: list[str], folder: Path) -> list[str]:
    out, skip = [], False
    for word in argv:
        if skip:
            skip = False
        elif word == "--data-dir":
            skip = True
        else:
            out.append(word)
    return out + ["--data-dir", str(folder)]


def run(argv, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-password\nanother-password\n"))
    monkeypatch.delenv("PARVANDEH_DATABASE_URL", raising=False)
    code = cli.main(argv)
    return code, capsys.readouterr().err


def test_the_leaves_are_found():
    names = {" ".join(path) for path, _ in LEAVES}
    assert {"check", "cases list", "office clinic add", "payments add", "receivables", "key export", "verify",
            "backup", "restore", "import", "office summary", "report monthly"} <= names
    assert not names & {"office", "payments", "report", "key"}


@pytest.mark.parametrize("path", [" ".join(p) for p, _ in LEAVES
                                  if " ".join(p) not in MAKE_A_FOLDER | set(NO_DATA_FOLDER)])
def test_a_missing_data_folder_is_refused_by_name(path, tmp_path, monkeypatch, capsys):
    parser = dict((" ".join(p), q) for p, q in LEAVES)[path]
    missing = tmp_path / "no-such-folder"
    for name in ("report.pdf", "list.xlsx", "clinic.cer"):  # the files the examples name are there:
        (tmp_path / name).write_bytes(b"not read")          # only the folder is missing
    monkeypatch.chdir(tmp_path)
    for argv in examples(parser):
        code, err = run(with_data_dir(argv, missing), monkeypatch, capsys)
        assert code == 1, (argv, err)
        assert str(missing) in err and "وجود ندارد" in err, (argv, err)
        assert not missing.exists(), argv


def test_server_setup_makes_no_folder(tmp_path, monkeypatch, capsys):
    missing = tmp_path / "no-such-folder"
    code, _ = run(["server", "setup", "--data-dir", str(missing)], monkeypatch, capsys)
    assert code == 0 and not missing.exists()
