"""`parvandeh payments …` and `parvandeh receivables`, run as a real process on demo data.

The process runs on the machine's clock, so nothing here depends on which day it is: payments are
dated inside the demo's past and days are compared with each other, not with fixed numbers."""

from __future__ import annotations

import json
import shutil

import pytest

from app.services.demo import DEMO_PASSWORD
from tests.test_cli import run as run_unsigned


def run(*args, stdin="", user="manager", env_extra=None):
    """Every money command signs in (the manager unless told), the password as stdin's first line."""
    if args[0] == "demo":
        return run_unsigned(*args, stdin=stdin, env_extra=env_extra)
    return run_unsigned(*args, stdin=f"{DEMO_PASSWORD}\n{stdin}", env_extra={"PARVANDEH_USER": user, **(env_extra or {})})


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("money")
    result = run("demo", "--cases", "30", "--seed", "9", "--today", "2026-11-23", "--data-dir", str(folder), "--quiet")
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture
def folder(demo_dir, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(demo_dir, copy)
    return str(copy)


def receivables(folder):
    result = run("receivables", "--format", "json", "--data-dir", folder)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_receivables_json_and_table(folder):
    view = receivables(folder)
    invoices = view["open_invoices"]
    assert invoices and view["total"]["outstanding_rials"] == sum(i["outstanding_rials"] for i in invoices)
    delivered = [i["delivered_on"] for i in invoices]
    assert delivered == sorted(delivered)  # oldest first
    assert [c for c in view["cheques"] if c["days_overdue"] > 0]
    assert {o["name"] for o in view["offices"]} == {c["office_name"] for c in view["contracts"]}
    table = run("receivables", "--data-dir", folder)
    assert table.returncode == 0 and "جمع کل" in table.stdout and "روز دیرکرد" in table.stdout


def test_add_list_and_reverse_a_payment(folder):
    invoice = receivables(folder)["open_invoices"][0]
    added = run("payments", "add", "--contract", invoice["contract_number"], "--date", "۱۴۰۵/۰۹/۰۱",
                "--amount", "1000000", "--ref", "7788", "--invoice", f"{invoice['report_id']}:1000000",
                "--format", "json", "--data-dir", folder)
    assert added.returncode == 0, added.stderr
    row = json.loads(added.stdout)
    assert row["amount_rials"] == 1_000_000 and row["allocations"][0]["report_id"] == invoice["report_id"]
    after = next(i for i in receivables(folder)["open_invoices"] if i["report_id"] == invoice["report_id"])
    assert after["outstanding_rials"] == invoice["outstanding_rials"] - 1_000_000
    undone = run("payments", "reverse", str(row["id"]), "--reason", "اشتباه", "--data-dir", folder)
    assert undone.returncode == 0, undone.stderr
    listed = json.loads(run("payments", "list", "--format", "json", "--data-dir", folder).stdout)
    mine = [p for p in listed if row["id"] in (p["id"], p["reverses_id"])]
    assert sorted(p["amount_rials"] for p in mine) == [-1_000_000, 1_000_000]
    assert run("payments", "list", "--data-dir", folder).returncode == 0
    again = next(i for i in receivables(folder)["open_invoices"] if i["report_id"] == invoice["report_id"])
    assert again["outstanding_rials"] == invoice["outstanding_rials"]


def test_overpayment_needs_its_flag(folder):
    contract = receivables(folder)["contracts"][0]
    too_much = str(contract["outstanding_rials"] + 5_000_000)
    before = run("payments", "list", "--format", "json", "--data-dir", folder).stdout
    refused = run("payments", "add", "--contract", contract["name"], "--date", "1405/09/01", "--amount", too_much,
                  "--data-dir", folder)
    assert refused.returncode == 1 and "--accept-overpayment" in refused.stderr
    assert run("payments", "list", "--format", "json", "--data-dir", folder).stdout == before  # nothing saved
    accepted = run("payments", "add", "--contract", contract["name"], "--date", "1405/09/01", "--amount", too_much,
                   "--accept-overpayment", "--data-dir", folder)
    assert accepted.returncode == 0, accepted.stderr
    after = next(c for c in receivables(folder)["contracts"] if c["name"] == contract["name"])
    assert after["outstanding_rials"] == 0 and after["credit_rials"] == 5_000_000


def test_bad_input_names_the_field_and_saves_nothing(folder):
    before = run("payments", "list", "--format", "json", "--data-dir", folder).stdout
    contract = receivables(folder)["contracts"][0]["name"]
    for args, word in ((["--amount", "-5"], "مبلغ"), (["--amount", "ده"], "مبلغ"),
                       (["--date", "1405/14/01"], "ماه")):
        argv = ["payments", "add", "--contract", contract, "--date", "1405/09/01", "--amount", "1000", *args]
        result = run(*argv, "--data-dir", folder)
        assert result.returncode == 1 and word in result.stderr, result.stderr
    assert run("payments", "list", "--format", "json", "--data-dir", folder).stdout == before


def test_excel_and_letter(folder, tmp_path):
    view = receivables(folder)
    office = view["offices"][0]["name"]
    result = run("receivables", "--xlsx", str(tmp_path / "r.xlsx"), "--letter", office, "--out",
                 str(tmp_path / "letter.pdf"), "--data-dir", folder)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "letter.pdf").read_bytes().startswith(b"%PDF")
    result = run("receivables", "--xlsx", str(tmp_path / "r.xlsx"), "--data-dir", folder)
    assert result.returncode == 0 and (tmp_path / "r.xlsx").read_bytes()[:2] == b"PK"


def test_persian_help_on_every_command():
    for argv in (["payments", "add"], ["payments", "list"], ["payments", "reverse"], ["receivables"]):
        out = run(*argv, "--help").stdout
        assert "قالب خروجی" in out or "دلیل برگشت" in out, argv


def test_a_non_manager_is_refused_through_the_services(folder):
    """Signed in as a social worker or a clerk, the services refuse every money command and print nothing."""
    for user in ("worker1", "clerk"):
        for argv in (["receivables"], ["payments", "list"],
                     ["payments", "add", "--contract", "1405-101", "--date", "1405/09/01", "--amount", "1000"]):
            result = run(*argv, "--data-dir", folder, user=user)
            assert result.returncode == 1 and result.stdout == "", (user, argv)
            assert "مطالبات" in result.stderr or "مدیر" in result.stderr, result.stderr

def jalali(iso: str) -> str:
    import datetime as dt

    from app.persian import format_jalali
    return format_jalali(dt.date.fromisoformat(iso), persian_digits=False)


def test_cheques_add_list_return_and_correct(folder):
    listed = run("cheques", "list", "--format", "json", "--data-dir", folder)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    # The demo's overdue cheque is last year's; later in the calendar (CI runs a year ahead) this
    # year's may be overdue too, so the oldest is the one the demo meant.
    overdue = sorted((r for r in rows if r["days_overdue"] > 0), key=lambda r: r["due_back"])
    assert overdue and all(r["status"] == "عودت‌نشده — دیرکرد" for r in overdue)
    contract = overdue[0]["contract_number"]
    assert sum(1 for r in rows if r["contract_number"] == contract) == 2  # that contract gave two
    given = jalali(overdue[0]["given_on"])  # a day inside that contract
    added = run("cheques", "add", "--contract", contract, "--number", "۴۴۵۵۶۶", "--amount", "250000000",
                "--date", given, "--format", "json", "--data-dir", folder)
    assert added.returncode == 0, added.stderr
    new = json.loads(added.stdout)
    assert new["cheque_number"] == "445566" and new["days_overdue"] > 0
    table = run("cheques", "list", "--overdue", "--data-dir", folder)
    assert table.returncode == 0 and table.stdout.count("عودت‌نشده — دیرکرد") == len(overdue) + 1
    bad = run("cheques", "return", str(new["id"]), "--date", "1300/01/01", "--data-dir", folder)
    assert bad.returncode == 1 and "تاریخ عودت" in bad.stderr
    back = run("cheques", "return", str(new["id"]), "--date", jalali(overdue[0]["due_back"]), "--data-dir", folder)
    assert back.returncode == 0 and "عودت شد" in back.stdout, back.stderr
    undo = run("cheques", "undo-return", str(new["id"]), "--reason", "اشتباه", "--data-dir", folder)
    assert undo.returncode == 0, undo.stderr
    void = run("cheques", "void", str(new["id"]), "--reason", "تکراری", "--format", "json", "--data-dir", folder)
    assert void.returncode == 0 and json.loads(void.stdout)["voided"] is True
    everything = json.loads(run("cheques", "list", "--all", "--format", "json", "--data-dir", folder).stdout)
    assert [r["status"] for r in everything if r["id"] == new["id"]] == ["باطل (ثبت نادرست)"]
    # The contracts list keeps the keys it had when a contract held one cheque, and gains "cheques".
    contracts = json.loads(run("contracts", "list", "--format", "json", "--data-dir", folder).stdout)
    theirs = next(c for c in contracts if c["number"] == contract)
    assert theirs["cheque_number"] and len(theirs["cheques"]) == 2


def test_cheques_are_the_managers_only(folder):
    for args in (("cheques", "list"), ("cheques", "add", "--number", "1", "--amount", "1", "--date", "1405/01/01"),
                 ("cheques", "return", "1", "--date", "1405/01/01"), ("cheques", "void", "1", "--reason", "x")):
        result = run(*args, "--data-dir", folder, user="worker1")
        assert result.returncode == 1 and result.stdout == "", (args, result.stderr)
        assert "مطالبات" in result.stderr or "مدیر" in result.stderr, result.stderr
