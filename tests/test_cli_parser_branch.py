"""main() builds only the branch of the command it runs (app.cli._command_named): that branch must
help, parse and refuse exactly as the whole tree does, and a read command must not import the other
commands' modules."""

from __future__ import annotations

import argparse
import contextlib
import io
import subprocess
import sys

import pytest

from app import cli


def walk(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from walk(child, path + (name,))


def node(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> argparse.ArgumentParser:
    return dict(walk(parser))[path]


@pytest.mark.parametrize("command", list(cli.BUILT_IN))
def test_each_built_in_branch_helps_as_in_the_whole_tree(command):
    whole, branch = cli.build_parser(), cli.build_parser(command)
    paths = [path for path, _ in walk(branch) if path]
    assert paths and all(path[0] == command for path in paths)
    assert paths == [path for path, _ in walk(whole) if path[:1] == (command,)]
    for path in paths:
        assert node(branch, path).format_help() == node(whole, path).format_help(), path


def outcome(parser: argparse.ArgumentParser, argv: list[str]):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            args = vars(parser.parse_args(argv))
            args["handler"] = args["handler"].__name__
            code = None
        except SystemExit as exc:
            args, code = None, exc.code
    return args, code, out.getvalue(), err.getvalue()


ARGVS = [
    [], ["--data-dir", "D"], ["gui"], ["--data-dir", "D", "gui"],
    ["--data-dir", "D", "--user", "m", "cases", "list", "--limit", "3", "--status", "active"],
    ["cases", "list", "--user", "m", "--data-dir", "D", "--format", "csv", "--search", "رضایی"],
    ["--data", "D", "--us", "m", "cases", "list"], ["--data-dir=D", "--user=m", "contracts", "list", "--format", "json"],
    ["check", "--against", "a.pdf", "--against", "b.pvbak"], ["--user", "check", "check"],
    ["demo", "--cases", "20", "--seed", "3", "--quiet"], ["init", "--clinic", "ک", "--licence", "1", "--manager", "م م",
                                                           "--username", "u"],
    # refusals: the same words, the same exit code
    ["cases"], ["cases", "lst"], ["cases", "list", "--limit", "x"], ["cases", "list", "--status", "gone"],
    ["contracts", "list", "--format", "xml"], ["check", "--bogus"], ["--bogus", "cases", "list"], ["demo"],
    ["init", "--clinic"], ["cases", "list", "extra"],
    # help
    ["cases", "--help"], ["cases", "list", "-h"], ["check", "--help"], ["contracts", "list", "--help"],
    ["demo", "-h"], ["gui", "--help"],
]


@pytest.mark.parametrize("argv", ARGVS, ids=[" ".join(a) or "(none)" for a in ARGVS])
def test_a_branch_parses_and_refuses_as_the_whole_tree(argv):
    command = cli._command_named(argv)
    assert command in cli.BUILT_IN
    whole = outcome(cli.build_parser(), argv)
    assert outcome(cli.build_parser(command), argv) == whole
    assert whole[1] in (None, 0, 2)


@pytest.mark.parametrize("argv", [["--help"], ["-h"], ["--he"], ["report", "monthly", "--help"], ["backup"],
                                  ["verify", "x.pdf"], ["--", "cases"], ["bogus"], ["--data-dir", "D", "-h", "cases"]])
def test_the_whole_tree_where_a_branch_would_not_do(argv):
    assert cli._command_named(argv) is None


def test_a_read_command_builds_no_other_commands_parsers():
    code = ("import sys, app.cli as cli\n"
            "cli.main(['--data-dir', '/nonexistent-parvandeh', '--user', 'm', 'cases', 'list'])\n")
    done = subprocess.run([sys.executable, "-c", code + "print(sorted(m for m in sys.modules if m.startswith('app.cli.')))"],
                          capture_output=True, text=True, input="x\n")
    assert "وجود ندارد" in done.stderr  # it ran, and refused the folder in Persian
    loaded = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    for module in ("app.cli.reports", "app.cli.backup", "app.cli.importing", "app.cli.server", "app.cli.selftest",
                   "app.cli.office", "app.cli.payments"):
        assert module not in loaded
