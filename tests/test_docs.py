"""The README cannot drift from the command line (in the spirit of sqlite-utils' test_docs).

The real argparse parser is read, and every sub-command, every option string, every choice of
an option and every positional argument must appear in the README's "Command line" table
(command | options | what it does); and the table may not name a command or an option the
parser does not have. Adding ``--verbose`` to a command without a word in the README fails here.

The table helpers are shared with ``tests/gui/test_docs_keys.py`` (the keyboard table).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
CLI_HEADER = ("command", "options", "what it does")


# -- reading Markdown tables ------------------------------------------------------------
def _cells(line: str) -> list[str]:
    """The cells of one table line; ``\\|`` is a literal bar inside a cell."""
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", inner)]


def markdown_tables(text: str) -> list[tuple[str, tuple[str, ...], list[list[str]]]]:
    """(section heading, header cells, body rows) for every table outside code blocks."""
    tables, heading, fenced, current = [], "", False, None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            fenced = not fenced
        if fenced or not stripped.startswith("|"):
            current = None
            if not fenced and stripped.startswith("#"):
                heading = stripped.lstrip("#").strip()
            continue
        cells = _cells(stripped)
        if current is None:
            current = (heading, tuple(c.lower() for c in cells), [])
            tables.append(current)
        elif all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
            continue  # the line under the header
        else:
            current[2].append(cells)
    return tables


def readme_table(header: tuple[str, ...], section: str | None = None) -> list[list[str]]:
    """The body rows of the README table with this header (in this section, if given)."""
    found = [rows for heading, head, rows in markdown_tables(README.read_text(encoding="utf-8"))
             if head == header and (section is None or heading == section)]
    where = f" in section “{section}”" if section else ""
    assert len(found) == 1, f"README.md needs exactly one table | {' | '.join(header)} |{where}"
    return found[0]


def plain(cell: str) -> str:
    """A cell without Markdown code and emphasis marks."""
    return cell.replace("`", "").replace("**", "")


def mentions(text: str, word: str) -> bool:
    """``word`` appears in ``text`` on its own (``--limit`` is not found in ``--limits``)."""
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


# -- the parser and the table ----------------------------------------------------------
def _parser() -> argparse.ArgumentParser:
    from annotator.cli import build_parser

    return build_parser()


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def _documented(action: argparse.Action) -> bool:
    return not isinstance(action, argparse._HelpAction)  # --help is said once, for all commands


def _command_rows() -> dict[str | None, list[str]]:
    """README rows by sub-command name; ``None`` is the row of plain ``annotator``."""
    rows: dict[str | None, list[str]] = {}
    for cells in readme_table(CLI_HEADER, "Command line"):
        assert len(cells) == 3, f"a Command line row needs 3 cells: {cells}"
        words = plain(cells[0]).split()
        assert words and words[0] == "annotator", f"a command starts with `annotator`: {cells[0]}"
        name = words[1] if len(words) > 1 and re.fullmatch(r"[a-z][a-z-]*", words[1]) else None
        assert name not in rows, f"the README lists `annotator {name or ''}` twice"
        rows[name] = [plain(c) for c in cells]
    return rows


def test_readme_has_a_row_for_every_subcommand_and_no_other():
    documented = {name for name in _command_rows() if name is not None}
    commands = set(_subcommands(_parser()))
    assert commands - documented == set(), "sub-commands missing from the README's Command line table"
    assert documented - commands == set(), "the README's Command line table lists commands that do not exist"


@pytest.mark.parametrize("name", sorted(_subcommands(_parser())))
def test_every_argument_of_a_subcommand_is_in_its_row(name):
    rows = _command_rows()
    if name not in rows:
        pytest.skip("no row: test_readme_has_a_row_for_every_subcommand_and_no_other says so")
    usage, options, what = rows[name]
    sub = _subcommands(_parser())[name]
    for action in sub._actions:
        if not action.option_strings:  # a positional: PROJECT, FILE, DIR, CLAIM, …
            shown = (action.metavar or action.dest).upper()
            assert mentions(usage, shown), f"`annotator {name}`: the argument {shown} is not in “{usage}”"
        elif _documented(action):
            for option in action.option_strings:
                assert mentions(options, option), f"`annotator {name}`: {option} is not in its options cell"
        for choice in action.choices or ():
            assert mentions(f"{options} {what}", str(choice)), \
                f"`annotator {name}`: the value {choice!r} of {action.option_strings} is not explained"


def test_the_table_names_no_option_a_command_does_not_have():
    parser = _parser()
    subs = _subcommands(parser)
    for name, (_usage, options, what) in _command_rows().items():
        if name is not None and name not in subs:
            continue  # reported by test_readme_has_a_row_for_every_subcommand_and_no_other
        real = {o for a in (subs[name] if name else parser)._actions for o in a.option_strings}
        for option in re.findall(r"(?<![\w-])--?[a-z][\w-]*", f"{options} {what}"):
            assert option in real, f"`annotator {name or ''}` has no option {option}, yet the README gives it"


def test_the_options_of_plain_annotator_are_in_its_row():
    rows = _command_rows()
    assert None in rows, "the Command line table needs a row for plain `annotator`"
    _usage, options, _what = rows[None]
    for action in _parser()._actions:
        if action.help == argparse.SUPPRESS:  # (internal: --self-test-window, the self-test's child process)
            continue
        for option in action.option_strings:
            assert mentions(options, option), f"`annotator`: {option} is not in its options cell"


def test_every_subcommand_is_known_to_main():
    """``main`` treats a first word outside COMMANDS as a project to open, so a new
    sub-command missing from COMMANDS would be unreachable from the shell."""
    from annotator.cli import COMMANDS

    assert set(COMMANDS) == set(_subcommands(_parser()))
