"""Every command and sub-command of `parvandeh`, however deep, has Persian help: a Persian description,
Persian help on every option and positional, argparse's own words in Persian, and examples («نمونه‌ها:»)
that are real — each one parses with the program's own parser, and at least one runs the command itself.
The tree is walked, so a command or option added later without them fails here."""

from __future__ import annotations

import argparse
import re
import shlex

import pytest

from app import cli

PERSIAN = re.compile("[\u0600-\u06FF]")
# argparse's headings and messages that must never show in English.
ENGLISH_WORDS = ("usage:", "positional arguments", "options:", "optional arguments", "show this help",
                 "error:", "the following arguments are required")


def walk(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from walk(child, path + (name,))


TREE = list(walk(cli.build_parser()))
IDS = [" ".join(path) or "parvandeh" for path, _ in TREE]


def examples(parser: argparse.ArgumentParser) -> list[list[str]]:
    """The command lines in the epilog after «نمونه»: what follows `parvandeh` up to two spaces of
    commentary (or the end of the line)."""
    text = (parser.epilog or "").split("نمونه", 1)[-1]
    found = []
    for line in text.splitlines():
        match = re.search(r"(?:^|\|\s*|\s)parvandeh((?: \S+)*)", line)
        if match:
            found.append(shlex.split(match.group(1).replace("\\", "/")))
    return found


def test_the_tree_is_walked_deep():
    """The walk reaches the nested commands the issue names (a walk that stopped early would pass)."""
    walked = {" ".join(path) for path, _ in TREE}
    for nested in ("office clinic add", "payments add", "key export", "server setup", "report monthly",
                   "cases list", "contracts list"):
        assert nested in walked, nested


@pytest.mark.parametrize("path, parser", TREE, ids=IDS)
def test_each_command_is_described_in_persian(path, parser):
    assert parser.description and PERSIAN.search(parser.description), f"{' '.join(path)}: no Persian description"


@pytest.mark.parametrize("path, parser", TREE, ids=IDS)
def test_each_option_and_positional_has_persian_help(path, parser):
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                assert choice.help and PERSIAN.search(choice.help), f"{' '.join(path)} {choice.dest}: no Persian help"
            continue
        name = "/".join(action.option_strings) or action.dest
        assert action.help and action.help != argparse.SUPPRESS and PERSIAN.search(action.help), \
            f"{' '.join(path) or 'parvandeh'} {name}: no Persian help"


@pytest.mark.parametrize("path, parser", TREE, ids=IDS)
def test_no_english_heading_is_left(path, parser):
    text = parser.format_help()
    assert "طرز استفاده" in text
    for words in ENGLISH_WORDS:
        assert words not in text, f"{' '.join(path)}: «{words}» in its --help"


@pytest.mark.parametrize("path, parser", TREE, ids=IDS)
def test_each_command_has_real_examples(path, parser):
    assert "نمونه" in (parser.epilog or ""), f"{' '.join(path) or 'parvandeh'}: no «نمونه‌ها:» in its epilog"
    found = examples(parser)
    assert found, f"{' '.join(path)}: no `parvandeh ...` line among its examples"
    for argv in found:
        try:
            cli.build_parser().parse_args(argv)
        except SystemExit:
            pytest.fail(f"{' '.join(path)}: the example `parvandeh {shlex.join(argv)}` does not parse")
    if path:
        assert any(runs(argv, path) for argv in found), f"no example runs `parvandeh {' '.join(path)}` itself"


def runs(argv: list[str], path: tuple[str, ...]) -> bool:
    """The command's words appear in the example in order (options may stand between them)."""
    words = iter(argv)
    return all(any(word == step for word in words) for step in path)


def test_a_mistyped_command_is_told_in_persian(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.build_parser().parse_args(["cases", "lst"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "خطا" in err and "گزینه نادرست" in err and "error" not in err
