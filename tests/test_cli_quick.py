"""The read commands' quick path (app.cli.quick, sqlite3 only) answers exactly as the services do,
writes the same sign-in to the audit chain, and hands everything unusual to the services."""

import io
import shutil
import sqlite3
import subprocess
import sys

import pytest

from app import cli
from app.cli import quick as cli_quick
from app.services.demo import DEMO_PASSWORD

USERS = ("manager", "worker1", "psych3", "clerk")


@pytest.fixture(scope="module")
def clinic(tmp_path_factory):
    from app.services.demo import build_demo
    from app.storage.datadir import open_database
    import datetime as dt
    folder = tmp_path_factory.mktemp("quick")
    db = open_database(folder)
    try:
        build_demo(db, 40, seed=11, today=dt.date(2026, 11, 23))
    finally:
        db.dispose()
    return folder


def _run(monkeypatch, capsys, argv, *, quick: bool, stdin: str = f"{DEMO_PASSWORD}\n") -> tuple[int, str, str]:
    monkeypatch.setenv(cli_quick.SWITCH, "1" if quick else "0")
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def _both(monkeypatch, capsys, argv, **kw):
    return _run(monkeypatch, capsys, argv, quick=True, **kw), _run(monkeypatch, capsys, argv, quick=False, **kw)


def _spy(monkeypatch) -> list[str]:
    """Records each Fallback the quick path raises (why the services answered)."""
    seen: list[str] = []
    original = cli_quick.Fallback.__init__

    def init(self, *args):
        seen.append(args[0] if args else "")
        original(self, *args)
    monkeypatch.setattr(cli_quick.Fallback, "__init__", init)
    return seen


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_cases_list_is_the_same_both_ways_for_every_role(clinic, monkeypatch, capsys, user, fmt):
    fallbacks = _spy(monkeypatch)
    for status in ("all", "active", "closed"):
        for limit in ("1", "7", "500"):
            argv = ["--data-dir", str(clinic), "--user", user, "cases", "list", "--format", fmt, "--status", status,
                    "--limit", limit]
            quick, services = _both(monkeypatch, capsys, argv)
            assert quick == services and quick[0] == 0
    assert fallbacks == ["switched off"] * 9  # the quick runs were answered by the quick path


def _search_texts(folder) -> list[str]:
    """What people type, drawn from the folder's own files: whole names and parts of them (one,
    two, three letters, from the middle), Arabic ي/ك, a space or nothing for the half-space,
    national codes and file numbers whole and begun (Persian digits too), and texts that must
    match nothing or everything («%», «_», «/», punctuation alone)."""
    conn = sqlite3.connect(folder / "parvandeh.sqlite3")
    names = conn.execute("SELECT first_name, last_name, national_code, behzisti_file_number, clinic_file_number "
                         "FROM case_file ORDER BY id LIMIT 6").fetchall()
    conn.close()
    persian = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    texts = ["ا", "ی", "ن", "  ", "؟", "%", "_", "/", "ي", "علي", "نیا", "zz", "0", "۱", "-", "12-"]
    for first, last, code, behzisti, clinic_number in names:
        texts += [first, last, f"{first} {last}", f"{first} {last[:2]}", first[:2], last[1:4],
                  last.replace("\u200c", " "), last.replace("\u200c", ""), f"{first} {last}".replace("ی", "ي"),
                  (code or "")[:5], (code or "").translate(persian), behzisti, clinic_number[:2],
                  clinic_number.translate(persian)]
    return texts


@pytest.mark.parametrize("user", USERS)
def test_a_search_finds_the_same_files_both_ways(clinic, monkeypatch, capsys, user):
    """`cases list --search` is answered on the quick path (no SQLAlchemy), with the rows the
    services give, in their order, for every role."""
    fallbacks = _spy(monkeypatch)
    texts = _search_texts(clinic)
    found = 0
    for text in texts:
        for status in ("all", "active"):
            argv = ["--data-dir", str(clinic), "--user", user, "cases", "list", "--format", "json", "--status",
                    status, "--limit", "500", "--search", text]
            quick, services = _both(monkeypatch, capsys, argv)
            assert quick == services and quick[0] == 0, text
            found += quick[1].count('"id"')
    assert fallbacks == ["switched off"] * len(texts) * 2  # every quick run answered quickly
    assert found > 0


def test_a_worker_cannot_find_another_workers_file_by_searching_for_it(clinic, monkeypatch, capsys):
    """The search text is one more condition beside the role's scope, never instead of it: a
    social worker typing another worker's child's national code or name finds nothing."""
    import json

    conn = sqlite3.connect(clinic / "parvandeh.sqlite3")
    code, first, last = conn.execute(
        "SELECT c.national_code, c.first_name, c.last_name FROM case_file c JOIN staff s ON s.id = c.social_worker_id "
        "WHERE s.username <> 'worker1' AND c.national_code IS NOT NULL "
        "ORDER BY c.id LIMIT 1").fetchone()
    conn.close()
    for text in (code, f"{first} {last}"):
        def found(user, text=text):
            argv = ["--data-dir", str(clinic), "--user", user, "cases", "list", "--format", "json", "--status", "all",
                    "--search", text]
            return {r["national_code"] for r in json.loads(_run(monkeypatch, capsys, argv, quick=True)[1])}
        assert code in found("manager") and code not in found("worker1")


def test_a_search_pages_through_more_rows_than_one_page(clinic, monkeypatch, capsys):
    """--limit above a page (MAX_PAGE) with a search: the same rows both ways, none twice."""
    import json

    monkeypatch.setattr(cli_quick, "MAX_PAGE", 3)
    argv = ["--data-dir", str(clinic), "--user", "manager", "cases", "list", "--format", "json", "--status", "all",
            "--limit", "20", "--search", "ا"]
    quick, services = _both(monkeypatch, capsys, argv)
    rows = json.loads(quick[1])
    assert quick == services and len(rows) == len({r["id"] for r in rows}) > 3


@pytest.mark.parametrize("user", USERS)
def test_contracts_list_is_the_same_both_ways(clinic, monkeypatch, capsys, user):
    fallbacks = _spy(monkeypatch)
    quick, services = _both(monkeypatch, capsys, ["--data-dir", str(clinic), "--user", user, "contracts", "list"])
    assert quick == services and quick[0] == 0 and "1405" in quick[1]
    assert fallbacks == ["switched off"]


def test_contracts_list_json_goes_through_the_services(clinic, monkeypatch, capsys):
    """Its cheques are money (manager only): the policy that decides it lives in the services."""
    import json

    from app.cli import quick as cli_quick
    monkeypatch.setattr(cli_quick, "contracts_list", lambda args: pytest.fail("the quick path answered json"))
    rc, out = _run(monkeypatch, capsys, ["--data-dir", str(clinic), "--user", "manager", "contracts", "list",
                                         "--format", "json"], quick=True)[:2]
    assert rc == 0 and all("cheques" in c for c in json.loads(out))


def test_a_worker_sees_only_their_files_on_the_quick_path(clinic, monkeypatch, capsys):
    import json
    everyone = json.loads(_run(monkeypatch, capsys, ["--data-dir", str(clinic), "--user", "manager", "cases", "list",
                                                     "--format", "json", "--limit", "500"], quick=True)[1])
    mine = json.loads(_run(monkeypatch, capsys, ["--data-dir", str(clinic), "--user", "worker1", "cases", "list",
                                                 "--format", "json", "--limit", "500"], quick=True)[1])
    conn = sqlite3.connect(clinic / "parvandeh.sqlite3")
    own = {r[0] for r in conn.execute("SELECT c.id FROM case_file c JOIN staff s ON s.id = c.social_worker_id "
                                      "WHERE s.username = 'worker1'")}
    conn.close()
    assert {r["id"] for r in mine} == own and 0 < len(own) < len(everyone)


def test_quick_sign_in_writes_the_services_audit_entry(clinic, tmp_path, monkeypatch, capsys):
    from app.services.audit import verify_chain
    from app.storage.datadir import open_database
    folder = shutil.copytree(clinic, tmp_path / "c")
    assert _run(monkeypatch, capsys, ["--data-dir", str(folder), "--user", "worker1", "cases", "list"], quick=True)[0] == 0
    assert _run(monkeypatch, capsys, ["--data-dir", str(folder), "--user", "worker1", "cases", "list"], quick=False)[0] == 0
    conn = sqlite3.connect(folder / "parvandeh.sqlite3")
    quick, services = conn.execute(
        "SELECT action, entity, entity_id, actor_id, actor_name, changes, case_id, typeof(at), length(at) "
        "FROM audit_entry ORDER BY id DESC LIMIT 2").fetchall()[::-1]
    head = conn.execute("SELECT value, version FROM setting WHERE key = 'audit.head'").fetchone()
    last_id, count = conn.execute("SELECT max(id), count(*) FROM audit_entry").fetchone()
    conn.close()
    assert quick == services and quick[:2] == ("sign_in", "staff")
    assert head[0].startswith(f"{count}:{last_id}:")
    db = open_database(folder)
    try:
        with db.read() as session:
            chain = verify_chain(session)
    finally:
        db.dispose()
    assert chain.ok and chain.entries == count
    code, out, err = _run(monkeypatch, capsys, ["--data-dir", str(folder), "check"], quick=True)
    assert code == 0 and f"{count} رویداد" in out


def test_refusals_go_to_the_services_which_count_them(clinic, tmp_path, monkeypatch, capsys):
    folder = shutil.copytree(clinic, tmp_path / "c")
    argv = ["--data-dir", str(folder), "--user", "worker1", "cases", "list"]
    fallbacks = _spy(monkeypatch)
    code, out, err = _run(monkeypatch, capsys, argv, quick=True, stdin="wrong-password\n")
    assert code == 1 and out == "" and "نادرست" in err and fallbacks == ["sign-in for the services"]
    conn = sqlite3.connect(folder / "parvandeh.sqlite3")
    assert conn.execute("SELECT failed_logins FROM staff WHERE username = 'worker1'").fetchone() == (1,)
    conn.close()
    unknown = _run(monkeypatch, capsys, ["--data-dir", str(folder), "--user", "nobody", "cases", "list"], quick=True)
    assert unknown[0] == 1 and unknown[2] == err  # the same answer for an unknown name
    # A failure on record is reset by the services on the next good sign-in; the quick path leaves it to them.
    again = _run(monkeypatch, capsys, argv, quick=True)
    assert again[0] == 0 and again[1]
    conn = sqlite3.connect(folder / "parvandeh.sqlite3")
    assert conn.execute("SELECT failed_logins FROM staff WHERE username = 'worker1'").fetchone() == (0,)
    conn.execute("UPDATE staff SET active = 0 WHERE username = 'clerk'")
    conn.commit()
    conn.close()
    gone = _run(monkeypatch, capsys, ["--data-dir", str(folder), "--user", "clerk", "contracts", "list"], quick=True)
    assert gone[0] == 1 and gone[1] == "" and "نادرست" in gone[2]


def test_a_locked_account_stays_locked_on_the_quick_path(clinic, tmp_path, monkeypatch, capsys):
    folder = shutil.copytree(clinic, tmp_path / "c")
    argv = ["--data-dir", str(folder), "--user", "psych3", "cases", "list"]
    for _ in range(5):
        assert _run(monkeypatch, capsys, argv, quick=True, stdin="wrong-password\n")[0] == 1
    locked = _run(monkeypatch, capsys, argv, quick=True)
    assert locked[0] == 1 and locked[1] == ""


def test_what_the_quick_path_does_not_answer(clinic, tmp_path, monkeypatch, capsys):
    folder = shutil.copytree(clinic, tmp_path / "c")
    fallbacks = _spy(monkeypatch)
    conn = sqlite3.connect(folder / "parvandeh.sqlite3")
    conn.execute("UPDATE alembic_version SET version_num = '0008'")
    conn.commit()
    conn.close()
    args = cli.build_parser().parse_args(["--data-dir", str(folder), "--user", "manager", "contracts", "list"])
    monkeypatch.setenv(cli_quick.SWITCH, "1")
    with pytest.raises(cli_quick.Fallback, match="migration"):
        cli_quick.contracts_list(args)
    (folder / "database-url.txt").write_text("postgresql+psycopg://nobody@/none", encoding="utf-8")
    with pytest.raises(cli_quick.Fallback, match="server"):
        cli_quick.check(args)


def test_check_is_the_same_both_ways_healthy_and_tampered(clinic, tmp_path, monkeypatch, capsys):
    folder = shutil.copytree(clinic, tmp_path / "c")
    quick, services = _both(monkeypatch, capsys, ["--data-dir", str(folder), "check"])
    assert quick == services and quick[0] == 0
    conn = sqlite3.connect(folder / "parvandeh.sqlite3")
    conn.execute("UPDATE audit_entry SET actor_name = 'x' WHERE id = 3")
    conn.commit()
    quick, services = _both(monkeypatch, capsys, ["--data-dir", str(folder), "check"])
    assert quick == services and quick[0] == 1 and "ردیف 3" in quick[2]
    conn.execute("DELETE FROM audit_entry WHERE id = 3")  # heal the link by dropping the tail instead
    conn.execute("DELETE FROM audit_entry WHERE id > 2")
    conn.commit()
    conn.close()
    quick, services = _both(monkeypatch, capsys, ["--data-dir", str(folder), "check"])
    assert quick == services and quick[0] == 1 and "entries missing after 2" in quick[2]


def test_the_quick_path_agrees_with_the_services_rules_and_constants():
    from argon2 import extract_parameters

    from app.models import AuditEntry
    from app.domain.enums import Role
    from app.services import accounts, caselist
    from app.services.policy import TABLE, Action, Kind, Scope
    from app.storage import database, datadir, guard
    for role in Role:
        case_scope = TABLE[(role, Kind.CASE, Action.READ)]
        assert (cli_quick.CASE_SCOPE.get(role.value) == "") == (case_scope is Scope.ALL)
        assert bool(cli_quick.CASE_SCOPE.get(role.value)) == (case_scope is Scope.OWN)
        assert TABLE[(role, Kind.CONTRACT, Action.READ)] is Scope.ALL and role.value in cli_quick.CONTRACT_READERS
    assert "psychologist_id" in cli_quick.CASE_SCOPE["psychologist"]
    assert cli_quick.APPLICATION_ID == database.APPLICATION_ID and datadir.DB_FILENAME == database.DB_FILENAME
    assert cli_quick.URL_FILENAME == database.URL_FILENAME and cli_quick.BUSY_MS == database.BUSY_MS
    assert (cli_quick.GENERATION_KEY, cli_quick.RETIRED_PREFIX) == (guard.GENERATION_KEY, guard.RETIRED_PREFIX)
    assert cli_quick.ACTOR_NAME_LENGTH == AuditEntry.actor_name.type.length and cli_quick.MAX_PAGE == caselist.MAX_PAGE
    # The sign-in's own parameters, as written in accounts.py (the tests run with a cheaper hasher).
    import inspect
    import re
    written = re.search(r"^_hasher = PasswordHasher\(time_cost=(\d+), memory_cost=(\d+), parallelism=(\d+)\)$",
                        inspect.getsource(accounts), re.M)
    dummy = extract_parameters(cli_quick._DUMMY_HASH)
    assert written and (dummy.time_cost, dummy.memory_cost, dummy.parallelism) == tuple(map(int, written.groups()))


def test_read_commands_import_no_sqlalchemy_and_no_qt(clinic):
    code = ("import sys, io; sys.stdin = io.StringIO(%r); from app.cli import main; "
            "rc = [main(['--data-dir', %r, '--user', 'manager', *a]) for a in "
            "(['cases', 'list'], ['cases', 'list', '--search', 'علی'], ['contracts', 'list'], ['check'])]; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic', 'PySide6', 'reportlab', "
            "'openpyxl', 'pyhanko')]; print(rc, bad)") % (f"{DEMO_PASSWORD}\n" * 3, str(clinic))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip().splitlines()[-1] == "[0, 0, 0, 0] []", result.stderr
