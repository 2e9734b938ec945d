"""Every `parvandeh` sub-command, walked as each role (issue 11: «The command line signs in»).

The walk enumerates the parser: a new sub-command that is not listed below fails the first test, so
whoever adds it must say whether it needs a sign-in and which roles it serves. Each record-touching
command is then run with no user (refused, asking for --user) and as every role: a role the policy
refuses gets the Persian refusal, nothing on stdout and no file written."""

from __future__ import annotations

import argparse
import io
import json

import pytest

from app.cli import build_parser, main
from tests.conftest import PASSWORD

# Sub-commands that need no sign-in, and why.
NO_SIGN_IN = {
    "gui": "the program's own sign-in screen",
    "init": "makes a new clinic and its first manager",
    "demo": "makes a new folder of generated data",
    "verify": "says whether a document is intact and on record; no personal data",
    "check": "integrity and the audit chain's counts and hashes; no record's content",
    "server setup": "prints SQL for the server PC; reads nothing",
    "selftest": "builds its own generated clinic in a temporary folder",
    "connect": "signs in when the folder or the server holds a clinic (tests/test_cli_connect.py)",
}
OFFICE = "the county office's own accounts (tests/office/test_office_cli.py)"

ALL = {"manager", "social_worker", "psychologist", "clerk"}
MANAGER = {"manager"}


def leaf_commands(parser: argparse.ArgumentParser, prefix: str = "") -> set[str]:
    found = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                path = f"{prefix} {name}".strip()
                below = leaf_commands(child, path)
                found |= below or {path}
    return found


@pytest.fixture
def clinic(ctx, data_dir, make_case, make_staff, tmp_path):
    """The fixture clinic with one user of each role, a file of the worker's with the psychologist on it,
    a backup and an import list to hand to the commands that take files."""
    from app.services.backups import back_up_to
    from app.services.importing import write_template
    make_staff("clerk", "حسن", "دفتری", username="clerk1")
    psych = make_staff("psychologist", "لیلا", "روان", username="psych1")
    case = make_case(psychologist_id=psych.id)
    from app.services.cases import case_detail
    from app.services.reviews import add_review
    detail = case_detail(ctx, case.id)
    number = detail.behzisti_file_number
    add_review(ctx, case.id, social_worker_id=detail.social_worker_id, findings="وضعیت پایدار است")
    back_up_to(ctx, tmp_path / "in" / "b.pvbak", None, unencrypted=True)
    from app.services.reports import create_signing_key
    create_signing_key(ctx, PASSWORD)
    from openpyxl import load_workbook
    book = load_workbook(write_template(tmp_path / "in" / "list.xlsx"))
    columns = [cell.value for cell in book.active[1]]
    row = {"شماره پرونده بهزیستی": "IMP-1", "نام": "مریم", "نام خانوادگی": "رضایی", "جنسیت": "دختر",
           "وضعیت زندگی": "مستقل", "تاریخ دریافت": "1405/01/15"}
    book.active.append([row.get(c, "") for c in columns])
    book.save(tmp_path / "in" / "list.xlsx")
    return {"file": number, "in": tmp_path / "in", "out": tmp_path / "out"}


USERS = {"manager": "boss", "social_worker": "worker", "psychologist": "psych1", "clerk": "clerk1"}


def commands(c) -> dict[str, tuple[list[str], set[str]]]:
    """Sub-command -> (its arguments, the roles the policy serves)."""
    out = c["out"]
    return {
        "cases list": (["cases", "list", "--format", "json"], ALL),
        "contracts list": (["contracts", "list", "--format", "json"], ALL),
        "report monthly": (["report", "monthly", "--month", "1405/08", "--out", str(out / "m.pdf")], MANAGER),
        "report invoice": (["report", "invoice", "--month", "1405/08", "--out", str(out / "i.pdf")], MANAGER),
        "report case": (["report", "case", "--file", c["file"], "--out", str(out / "c.pdf")],
                        {"manager", "social_worker", "psychologist"}),
        "key export": (["key", "export", "--out", str(out / "k.cer")], MANAGER),
        "backup": (["backup", "--no-encrypt", "--out", str(out / "b.pvbak")], MANAGER),
        "restore": (["restore", str(c["in"] / "b.pvbak")], MANAGER),
        "import": (["import", str(c["in"] / "list.xlsx"), "--check"], MANAGER),
        "migrate": (["migrate", "--to", "postgresql://nobody@/nowhere?host=/nonexistent&port=1"], MANAGER),
        "payments add": (["payments", "add", "--date", "1405/09/01", "--amount", "1000"], MANAGER),
        "payments list": (["payments", "list", "--format", "json"], MANAGER),
        "payments reverse": (["payments", "reverse", "1", "--reason", "اشتباه"], MANAGER),
        "payments deliver": (["payments", "deliver", "--invoice", "INV-1", "--date", "1405/09/01"], MANAGER),
        "receivables": (["receivables", "--format", "json", "--xlsx", str(out / "r.xlsx")], MANAGER),
        "cheques list": (["cheques", "list"], MANAGER),
        "cheques add": (["cheques", "add", "--contract", "1405-1", "--number", "123456", "--amount", "1000",
                         "--date", "1405/01/10"], MANAGER),
        "cheques return": (["cheques", "return", "1", "--date", "1405/02/15"], MANAGER),
        "cheques void": (["cheques", "void", "1", "--reason", "اشتباه"], MANAGER),
        "cheques undo-return": (["cheques", "undo-return", "1", "--reason", "اشتباه"], MANAGER),
        "report review": (["report", "review", "--file", c["file"], "--out", str(out / "r.pdf")],
                          {"manager", "social_worker", "psychologist"}),
    }


def run(monkeypatch, capsys, argv, user=None):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    for name in ("PARVANDEH_USER", "PARVANDEH_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    code = main(argv + (["--user", user] if user else []))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_sub_command_is_classified(tmp_path):
    c = {"file": "1", "in": tmp_path, "out": tmp_path}
    leaves = leaf_commands(build_parser())
    office = {leaf for leaf in leaves if leaf.startswith("office ")}
    assert office, "the office commands are expected under «office»"
    unclassified = leaves - office - set(NO_SIGN_IN) - set(commands(c))
    assert unclassified == set(), f"say whether these need a sign-in and for whom: {sorted(unclassified)}"


def test_each_record_command_asks_for_a_user_and_serves_only_the_policys_roles(clinic, data_dir, monkeypatch,
                                                                              capsys):
    out_dir = clinic["out"]
    for name, (argv, allowed) in commands(clinic).items():
        argv = argv + ["--data-dir", str(data_dir)]
        code, out, err = run(monkeypatch, capsys, argv)
        assert code == 1 and "--user" in err and out == "", name
        for role, user in USERS.items():
            if role == "manager" and name in ("migrate", "restore", "backup", "import", "payments add",
                                              "payments reverse", "payments deliver", "cheques add",
                                              "cheques return", "cheques void", "cheques undo-return"):
                continue  # the manager's runs of these are tested where each command lives
            code, out, err = run(monkeypatch, capsys, argv, user)
            if role in allowed:
                assert code == 0, (name, role, err)
            else:
                assert code == 1 and out == "", (name, role, out)
                assert "سطح دسترسی" in err or "مدیر" in err, (name, role, err)
                assert not out_dir.exists() or not any(out_dir.iterdir()), (name, role)  # nothing written
            for made in out_dir.glob("*") if out_dir.exists() else []:
                made.unlink()


def test_cases_list_json_gives_each_role_its_own_files_and_no_notes(clinic, ctx, data_dir, make_case, make_staff,
                                                                    monkeypatch, capsys):
    other = make_staff("social_worker", "رضا", "دیگری")
    make_case(social_worker_id=other.id)
    make_case(social_worker_id=other.id)

    def listed(user):
        code, out, err = run(monkeypatch, capsys, ["cases", "list", "--format", "json", "--data-dir",
                                                   str(data_dir)], user)
        assert code == 0, err
        return json.loads(out)
    everyone = listed("boss")
    assert len(everyone) == 3 and len(listed("clerk1")) == 3  # a clerk keeps the register of identities
    assert [r["behzisti_file_number"] for r in listed("worker")] == [clinic["file"]]
    assert [r["behzisti_file_number"] for r in listed("psych1")] == [clinic["file"]]
    # The list carries identity and dates only: no note, abuse or problem text for anyone.
    keys = set(everyone[0])
    assert not keys & {"note", "notes", "abuse_action", "abuse_concern", "summary", "behzisti_summary"}


def test_a_case_summary_printed_by_a_social_worker_is_marked_confidential(clinic, data_dir, monkeypatch, capsys):
    from tests.printing.pdf_helpers import pdf_text
    code, _, err = run(monkeypatch, capsys, ["report", "case", "--file", clinic["file"], "--out",
                                             str(clinic["out"] / "c.pdf"), "--data-dir", str(data_dir)], "worker")
    assert code == 0, err
    assert "محرمانه" in pdf_text((clinic["out"] / "c.pdf").read_bytes())
