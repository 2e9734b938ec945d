"""The `parvandeh` command, run as a user would: a real process, stdin for passwords."""

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from app.services.demo import DEMO_PASSWORD


def run(*args, stdin="", env_extra=None):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "app", *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=300)


def signed(*args, user="manager", password=DEMO_PASSWORD, then="", env_extra=None):
    """A record-touching command signed in as `user` (password as stdin's first line)."""
    return run(*args, "--user", user, stdin=f"{password}\n{then}", env_extra=env_extra)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    result = run("demo", "--cases", "60", "--seed", "7", "--today", "2026-11-23", "--data-dir", str(folder),
                 "--quiet")
    assert result.returncode == 0, result.stderr
    assert "manager" in result.stdout and DEMO_PASSWORD in result.stdout
    return folder


def test_init_reads_the_password_from_stdin(tmp_path):
    result = run("init", "--clinic", "کلینیک نور", "--licence", "۷۷/۱", "--manager", "نرگس امینی",
                 "--username", "narges", "--data-dir", str(tmp_path), stdin="long-password-1\n")
    assert result.returncode == 0, result.stderr
    from app.services.accounts import sign_in
    from app.storage.datadir import open_database
    db = open_database(tmp_path)
    try:
        assert sign_in(db, "narges", "long-password-1").name == "نرگس امینی"
    finally:
        db.dispose()
    again = run("init", "--clinic", "x", "--licence", "1", "--manager", "y z", "--username", "q",
                "--data-dir", str(tmp_path), stdin="long-password-1\n")
    assert again.returncode != 0 and "راه‌اندازی شده" in again.stderr


def test_init_with_a_short_password_fails_clearly(tmp_path):
    result = run("init", "--clinic", "کلینیک", "--licence", "1", "--manager", "الف ب", "--username", "u",
                 "--data-dir", str(tmp_path), stdin="short\n")
    assert result.returncode == 1 and "۸" in result.stderr


def test_cases_list_formats_and_persian_order(demo_dir):
    as_json = json.loads(signed("cases", "list", "--format", "json", "--limit", "500", "--data-dir", str(demo_dir)).stdout)
    assert len(as_json) == 60
    from app.persian import collation_key
    keys = [(not r["priority"], collation_key(r["last_name"]), collation_key(r["first_name"])) for r in as_json]
    assert keys == sorted(keys)
    as_csv = list(csv.reader(io.StringIO(signed("cases", "list", "--format", "csv", "--limit", "5",
                                             "--data-dir", str(demo_dir)).stdout)))
    assert as_csv[0][0] == "behzisti_file_number" and len(as_csv) == 6
    table = signed("cases", "list", "--limit", "3", "--data-dir", str(demo_dir))
    assert table.returncode == 0 and "شماره بهزیستی" in table.stdout


def test_cases_search_finds_by_name_fragment_and_file_number(demo_dir):
    some = json.loads(signed("cases", "list", "--format", "json", "--limit", "1", "--data-dir", str(demo_dir)).stdout)[0]
    found = json.loads(signed("cases", "list", "--format", "json", "--search", some["behzisti_file_number"],
                           "--data-dir", str(demo_dir)).stdout)
    assert [r["id"] for r in found] == [some["id"]]
    by_name = json.loads(signed("cases", "list", "--format", "json", "--search", some["last_name"].replace("ی", "ي"),
                             "--limit", "500", "--data-dir", str(demo_dir)).stdout)
    assert some["id"] in [r["id"] for r in by_name]


def test_contracts_list_json(demo_dir):
    contracts = json.loads(signed("contracts", "list", "--format", "json", "--data-dir", str(demo_dir)).stdout)
    assert contracts and contracts[0]["fee_per_case_month_rials"] == 1_200_000
    assert contracts[0]["office_name"].startswith("اداره بهزیستی")


def test_check_passes_then_fails_on_tampering(demo_dir, tmp_path):
    import shutil
    import sqlite3
    ok = run("check", "--data-dir", str(demo_dir))
    assert ok.returncode == 0, ok.stderr
    copy = tmp_path / "copy"
    shutil.copytree(demo_dir, copy)
    conn = sqlite3.connect(copy / "parvandeh.sqlite3")
    conn.execute("UPDATE audit_entry SET actor_name='x' WHERE id=1")
    conn.commit()
    conn.close()
    bad = run("check", "--data-dir", str(copy))
    assert bad.returncode == 1 and "ردیف 1" in bad.stderr


def test_commands_on_an_empty_folder_say_so(tmp_path):
    result = signed("cases", "list", "--data-dir", str(tmp_path))
    assert result.returncode == 1 and "parvandeh init" in result.stderr


def test_environment_variable_chooses_the_folder(demo_dir):
    result = run("contracts", "list", stdin=f"{DEMO_PASSWORD}\n",
                 env_extra={"PARVANDEH_DATA_DIR": str(demo_dir), "PARVANDEH_USER": "manager"})
    assert result.returncode == 0 and "1405-101" in result.stdout


def test_backup_and_restore_round_trip_with_encryption(demo_dir, tmp_path):
    import shutil
    folder = tmp_path / "clinic"
    shutil.copytree(demo_dir, folder)
    before = signed("cases", "list", "--format", "json", "--limit", "500", "--data-dir", str(folder)).stdout
    out = tmp_path / "usb" / "backup.pvbak"
    made = signed("backup", "--out", str(out), "--encrypt", "--data-dir", str(folder), then="usb-pass-123\n")
    assert made.returncode == 0, made.stderr
    assert b"SQLite format" not in out.read_bytes()
    (folder / "parvandeh.sqlite3").write_bytes(b"ruined")
    for leftover in ("parvandeh.sqlite3-wal", "parvandeh.sqlite3-shm"):
        (folder / leftover).unlink(missing_ok=True)
    wrong = run("restore", str(out), "--data-dir", str(folder), stdin="not-it\n")  # the database is ruined: no sign-in
    assert wrong.returncode == 1 and "رمز" in wrong.stderr
    restored = run("restore", str(out), "--data-dir", str(folder), stdin="usb-pass-123\n")
    assert restored.returncode == 0, restored.stderr
    assert signed("cases", "list", "--format", "json", "--limit", "500", "--data-dir", str(folder)).stdout == before
    assert run("check", "--data-dir", str(folder)).returncode == 0


def test_restore_refuses_a_foreign_file(tmp_path):
    bogus = tmp_path / "x.pvbak"
    bogus.write_bytes(b"PK\x03\x04 not really")
    (tmp_path / "d").mkdir()
    result = run("restore", str(bogus), "--data-dir", str(tmp_path / "d"))
    assert result.returncode == 1 and "پشتیبان" in result.stderr


def test_report_and_verify_commands(demo_dir, tmp_path):
    import shutil
    folder = tmp_path / "clinic"
    shutil.copytree(demo_dir, folder)
    pdf = tmp_path / "aban.pdf"
    made = signed("report", "monthly", "--month", "۱۴۰۵/۰۸", "--out", str(pdf), "--sign", "--data-dir", str(folder),
                  then=f"{DEMO_PASSWORD}\n")
    assert made.returncode == 0, made.stderr
    unknown = run("verify", str(pdf))  # intact, but who signed it is not known without the clinic's certificate
    assert unknown.returncode == 3 and "signer is unknown" in unknown.stdout and "مریم نمونه" in unknown.stdout
    ok = run("verify", str(pdf), "--data-dir", str(folder))
    assert ok.returncode == 0 and "Verdict: VALID" in ok.stdout and "Matches record" in ok.stdout, ok.stdout
    assert "monthly-report" not in pdf.name  # --out is kept as given
    unsigned = tmp_path / "plain.pdf"
    assert signed("report", "monthly", "--month", "1405/08", "--out", str(unsigned), "--data-dir", str(folder)).returncode == 0
    assert run("verify", str(unsigned)).returncode != 0
    data = bytearray(pdf.read_bytes())
    data[len(data) // 3] ^= 0x01
    flipped = tmp_path / "flipped.pdf"
    flipped.write_bytes(bytes(data))
    assert run("verify", str(flipped)).returncode != 0
    appended = tmp_path / "appended.pdf"
    appended.write_bytes(pdf.read_bytes() + b"\n%more\n")
    assert run("verify", str(appended)).returncode != 0
    invoice = tmp_path / "invoice.pdf"
    assert signed("report", "invoice", "--month", "1405/08", "--out", str(invoice), "--data-dir", str(folder)).returncode == 0
    first = json.loads(signed("cases", "list", "--format", "json", "--limit", "1", "--data-dir", str(folder)).stdout)[0]
    case_pdf = tmp_path / "case.pdf"
    assert signed("report", "case", "--file", first["behzisti_file_number"], "--out", str(case_pdf),
               "--data-dir", str(folder)).returncode == 0
    assert case_pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("argv, expected", [
    (["--data-dir", "/clinic/a", "demo", "--cases", "5"], "/clinic/a"),  # before the command
    (["demo", "--cases", "5", "--data-dir", "/clinic/b"], "/clinic/b"),  # after it
    (["--data-dir", "/clinic/c", "cases", "list"], "/clinic/c"),  # before a command's action
    (["cases", "list"], None),
    ([], None),
])
def test_the_data_folder_is_taken_wherever_it_is_given(argv, expected):
    from app.cli import build_parser
    assert build_parser().parse_args(argv).data_dir == expected


def test_import_checks_then_imports_a_list_and_says_which_rows_are_wrong(tmp_path):
    from openpyxl import Workbook
    # Import files under the contract active on the command's own day, so the clinic is made around that
    # same day (no --today): a folder made around a fixed day has no active contract a few months on.
    demo_dir = tmp_path / "clinic"
    assert run("demo", "--cases", "5", "--data-dir", str(demo_dir), "--quiet").returncode == 0
    book = Workbook()
    book.active.append(["شماره پرونده بهزیستی", "نام", "نام خانوادگی", "کد ملی", "جنسیت", "وضعیت زندگی"])
    book.active.append(["1405777001", "ترانه", "افشار", "", "دختر", "خانواده خودی"])
    book.active.append(["1405777002", "بردیا", "افشار", "1234567890", "پسر", "بستگان"])
    path = tmp_path / "list.xlsx"
    book.save(path)
    bad = signed("import", str(path), "--data-dir", str(demo_dir))
    assert bad.returncode == 1
    assert "ردیف ۳، ستون «کد ملی»" in bad.stderr and "هیچ پرونده‌ای ثبت نشد" in bad.stderr
    book.active.delete_rows(3)
    book.save(path)
    checked = signed("import", str(path), "--check", "--data-dir", str(demo_dir))
    assert "۱ پرونده آماده ورود" in checked.stdout
    assert json.loads(signed("cases", "list", "--search", "ترانه افشار", "--format", "json",
                          "--data-dir", str(demo_dir)).stdout) == []
    assert signed("import", str(path), "--data-dir", str(demo_dir)).returncode == 0
    again = signed("import", str(path), "--data-dir", str(demo_dir))
    assert "۰ پرونده وارد شد؛ ۱ پرونده از پیش در برنامه بود" in again.stdout
    found = json.loads(signed("cases", "list", "--search", "ترانه افشار", "--format", "json",
                           "--data-dir", str(demo_dir)).stdout)
    assert [f["behzisti_file_number"] for f in found] == ["1405777001"]


def test_who_signed_key_export_and_trust_folder(demo_dir, tmp_path):
    """The county office's path: the clinic's certificate exported, a trust folder, and forgeries refused."""
    import shutil

    from app.printing import signing
    from tests.printing import attacks
    folder = tmp_path / "clinic"
    shutil.copytree(demo_dir, folder)
    pdf = tmp_path / "aban.pdf"
    assert run("report", "monthly", "--month", "1405/08", "--out", str(pdf), "--sign", "--data-dir", str(folder),
               "--user", "manager", stdin=f"{DEMO_PASSWORD}\n{DEMO_PASSWORD}\n").returncode == 0
    trust = tmp_path / "trusted"
    exported = run("key", "export", "--out", str(trust / "clinic.cer"), "--data-dir", str(folder),
                   "--user", "manager", stdin=f"{DEMO_PASSWORD}\n")
    assert exported.returncode == 0, exported.stderr
    der = (trust / "clinic.cer").read_bytes()
    import hashlib
    digest = hashlib.sha256(der).hexdigest().upper()
    assert digest[:4] in exported.stdout  # the ASCII line
    persian = exported.stdout.splitlines()[1]
    assert "اثر انگشت" in persian and not any(ch in "0123456789" for ch in persian.split(":", 1)[1])
    trusted = run("verify", str(pdf), "--trust", str(trust))
    assert trusted.returncode == 0 and "Signing clinic:" in trusted.stdout, trusted.stdout
    # A forger's key in the clinic's very name: the signature is intact, the signer is not the clinic.
    clinic_name = trusted.stdout.split("Signing clinic: ", 1)[1].splitlines()[0]
    forger = signing.create_clinic_identity(clinic_name, "1", "forger")
    resigned = tmp_path / "resigned.pdf"
    resigned.write_bytes(signing.sign_pdf(attacks.overlay_content(attacks.strip_signature(pdf.read_bytes())),
                                          forger, "forger", signer_name="مریم نمونه"))
    assert run("verify", str(resigned), "--trust", str(trust)).returncode == 3
    assert run("verify", str(resigned), "--data-dir", str(folder)).returncode == 3
    # A second signature painting over a figure: not valid with or without the data folder.
    second = tmp_path / "second.pdf"
    second.write_bytes(attacks.force_sign(pdf.read_bytes(), forger, "forger",
                                          stamp_pdf=attacks.overlay_stamp("999")))
    for extra in ((), ("--data-dir", str(folder)), ("--trust", str(trust))):
        result = run("verify", str(second), *extra)
        assert result.returncode == 1 and "NOT VALID" in result.stdout, (extra, result.stdout)
    # Signed invoices and case summaries are found in the registry too.
    invoice = tmp_path / "invoice.pdf"
    made = run("report", "invoice", "--month", "1405/08", "--out", str(invoice), "--sign", "--data-dir", str(folder),
               "--user", "manager", stdin=f"{DEMO_PASSWORD}\n{DEMO_PASSWORD}\n")
    assert made.returncode == 0, made.stderr
    found = run("verify", str(invoice), "--data-dir", str(folder))
    assert found.returncode == 0 and "Matches record" in found.stdout, found.stdout
    again = run("report", "invoice", "--month", "1405/08", "--out", str(tmp_path / "twice.pdf"), "--sign",
                "--data-dir", str(folder), "--user", "manager", stdin=f"{DEMO_PASSWORD}\n{DEMO_PASSWORD}\n")
    assert again.returncode != 0 and not (tmp_path / "twice.pdf").exists()


# -- signing in, the data folder, Persian help (issue 11 and issue 13 item 7) -----------------------

def test_a_missing_data_folder_is_an_error_naming_it_and_is_not_made(tmp_path):
    missing = tmp_path / "typo"
    for argv in (("check",), ("cases", "list", "--user", "manager"), ("backup", "--out", str(tmp_path / "b"))):
        result = run(*argv, "--data-dir", str(missing), stdin=f"{DEMO_PASSWORD}\n")
        assert result.returncode == 1 and str(missing) in result.stderr and "وجود ندارد" in result.stderr, argv
    assert not missing.exists()


def test_check_fails_on_a_folder_with_no_clinic(tmp_path):
    result = run("check", "--data-dir", str(tmp_path))
    assert result.returncode == 1 and "کلینیک" in result.stderr
    assert list(tmp_path.iterdir()) == []
    from app.storage.datadir import open_database
    open_database(tmp_path).dispose()  # a database with its schema but no clinic: still not healthy
    again = run("check", "--data-dir", str(tmp_path))
    assert again.returncode == 1 and "راه‌اندازی نشده" in again.stderr


def test_record_commands_need_a_user_and_the_right_password(demo_dir):
    nobody = run("cases", "list", "--data-dir", str(demo_dir), stdin=f"{DEMO_PASSWORD}\n")
    assert nobody.returncode == 1 and "--user" in nobody.stderr and nobody.stdout == ""
    wrong = signed("cases", "list", "--data-dir", str(demo_dir), password="not-the-password")
    assert wrong.returncode == 1 and "نادرست" in wrong.stderr and wrong.stdout == ""
    before = signed("cases", "list", "--data-dir", str(demo_dir), "--format", "json")  # --user after the command
    assert before.returncode == 0
    first = run("--user", "manager", "--data-dir", str(demo_dir), "cases", "list", "--format", "json",
                stdin=f"{DEMO_PASSWORD}\n")  # and before it
    assert first.returncode == 0 and first.stdout == before.stdout


def test_the_command_line_obeys_the_role_and_is_audited_under_the_user(demo_dir, tmp_path):
    import shutil
    import sqlite3
    folder = shutil.copytree(demo_dir, tmp_path / "clinic")
    clerk = signed("report", "monthly", "--month", "1405/08", "--out", str(tmp_path / "m.pdf"),
                   "--data-dir", str(folder), user="clerk")
    assert clerk.returncode == 1 and "سطح دسترسی" in clerk.stderr and not (tmp_path / "m.pdf").exists()
    backup = signed("backup", "--out", str(tmp_path / "b.pvbak"), "--data-dir", str(folder), user="worker1",
                    then="usb-pass-123\n")
    assert backup.returncode == 1 and not (tmp_path / "b.pvbak").exists()
    mine = json.loads(signed("cases", "list", "--format", "json", "--limit", "500", "--data-dir", str(folder),
                             user="worker1").stdout)
    everyone = json.loads(signed("cases", "list", "--format", "json", "--limit", "500",
                                 "--data-dir", str(folder)).stdout)
    assert 0 < len(mine) < len(everyone)
    made = signed("backup", "--out", str(tmp_path / "ok.pvbak"), "--data-dir", str(folder), then="usb-pass-123\n")
    assert made.returncode == 0 and "رمزدار" in made.stdout
    if os.name == "posix":
        assert (tmp_path / "ok.pvbak").stat().st_mode & 0o077 == 0
    conn = sqlite3.connect(folder / "parvandeh.sqlite3")
    rows = conn.execute("SELECT a.action, s.username FROM audit_entry a JOIN staff s ON s.id = a.actor_id "
                        "ORDER BY a.id DESC LIMIT 2").fetchall()
    conn.close()
    assert rows == [("backup", "manager"), ("sign_in", "manager")]


def test_wrong_passwords_on_the_command_line_lock_the_account(demo_dir, tmp_path):
    import shutil
    folder = shutil.copytree(demo_dir, tmp_path / "clinic")
    for _ in range(5):
        assert signed("cases", "list", "--data-dir", str(folder), user="worker1", password="wrong-one").returncode == 1
    locked = signed("cases", "list", "--data-dir", str(folder), user="worker1")
    assert locked.returncode == 1 and locked.stdout == ""


@pytest.mark.parametrize("argv", [[], ["cases", "list"], ["report", "monthly"], ["backup"], ["check"], ["init"],
                                  ["verify"], ["import"], ["contracts", "list"], ["demo"], ["restore"]])
def test_help_is_persian_for_every_command_and_option(argv):
    result = run(*argv, "--help")
    assert result.returncode == 0
    text = result.stdout
    assert "طرز استفاده" in text and "show this help" not in text and "options:" not in text
    import re
    for line in text.splitlines():
        option = re.match(r"\s+(--[a-z-]+)", line)
        if option and option.group(1) != "--help":
            # every option says something in Persian (on its line or the next)
            assert re.search("[\u0600-\u06FF]", text.split(line, 1)[1].split("\n  -", 1)[0] + line), line
    if argv[:1] in (["cases"], ["report"], ["backup"], ["check"], ["init"], ["verify"], ["import"]) or not argv:
        assert "نمونه" in text


def test_cases_list_limit_is_obeyed_past_a_thousand_rows(tmp_path):
    """--limit used to stop silently at 1,000 rows; now it gives what it says, and refuses a limit
    below one in Persian."""
    result = run("demo", "--cases", "1100", "--seed", "5", "--today", "2026-11-23", "--data-dir", str(tmp_path),
                 "--quiet")
    assert result.returncode == 0, result.stderr
    rows = json.loads(signed("cases", "list", "--format", "json", "--limit", "1050", "--data-dir", str(tmp_path)).stdout)
    assert len(rows) == 1050 and len({r["id"] for r in rows}) == 1050
    everything = json.loads(signed("cases", "list", "--format", "json", "--limit", "5000",
                                   "--data-dir", str(tmp_path)).stdout)
    assert len(everything) == 1100 and [r["id"] for r in everything[:1050]] == [r["id"] for r in rows]
    refused = signed("cases", "list", "--limit", "0", "--data-dir", str(tmp_path))
    assert refused.returncode == 1 and "--limit" in refused.stderr and "بزرگ‌تر از صفر" in refused.stderr


def test_a_broken_command_module_fails_loudly_rather_than_dropping_its_commands(monkeypatch):
    # A module that cannot be imported used to vanish from --help without a word.
    import app.cli

    monkeypatch.setitem(sys.modules, "app.cli.payments", None)
    with pytest.raises(ImportError):
        app.cli.build_parser()


def test_report_review_prints_the_newest_review_and_says_when_there_is_none(demo_dir, tmp_path):
    import sqlite3

    from app.constants import DB_FILENAME

    with sqlite3.connect(demo_dir / DB_FILENAME) as conn:
        with_review = conn.execute("SELECT c.behzisti_file_number FROM case_file c WHERE EXISTS "
                                   "(SELECT 1 FROM review r WHERE r.case_id = c.id) ORDER BY c.id LIMIT 1").fetchone()[0]
        without = conn.execute("SELECT c.behzisti_file_number FROM case_file c WHERE NOT EXISTS "
                               "(SELECT 1 FROM review r WHERE r.case_id = c.id) ORDER BY c.id LIMIT 1").fetchone()[0]
    out = tmp_path / "review.pdf"
    result = signed("report", "review", "--file", with_review, "--out", str(out), "--data-dir", str(demo_dir))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF") and "فرم بررسی شش‌ماهه" in result.stdout
    missing = tmp_path / "none.pdf"
    result = signed("report", "review", "--file", without, "--out", str(missing), "--data-dir", str(demo_dir))
    assert result.returncode != 0 and "بررسی شش‌ماهه" in result.stderr and not missing.exists()
    # A clerk reads no reviews: the same command is refused, not answered with someone's form.
    result = signed("report", "review", "--file", with_review, "--out", str(missing), "--data-dir", str(demo_dir),
                    user="clerk")
    assert result.returncode != 0 and not missing.exists()
