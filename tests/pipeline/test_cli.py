"""The command line speaks plainly: every command and option explains itself, and a mistyped
command or option is one line that says what was typed and what would have worked."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from tests.cfg import base_config, write_config
from workflow.cli import build_parser, main


def _parsers(parser: argparse.ArgumentParser, name: str = "callflow"):
    """(name, parser) for the parser and every subcommand's parser below it."""
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _parsers(sub, f"{name} {sub_name}")


def test_every_command_and_option_has_help_text() -> None:
    missing = []
    seen = 0
    for name, parser in _parsers(build_parser()):
        for action in parser._actions:
            seen += 1
            if not action.help or action.help == argparse.SUPPRESS:
                missing.append(f"{name}: {'/'.join(action.option_strings) or action.dest}")
            if isinstance(action, argparse._SubParsersAction):
                described = {choice.dest for choice in action._choices_actions if choice.help}
                missing += [f"{name} {command}: no help" for command in action.choices if command not in described]
    assert seen > 80  # the walk reached the subcommands
    assert missing == []


def test_the_help_lists_every_command(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for command in ("run", "demo", "init", "check", "classify", "status", "applicants", "show", "select",
                    "waitlist", "reject", "invite", "withdraw", "resolve", "import", "digest", "export",
                    "erase", "outbox"):
        assert f"\n    {command} " in out, command


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["frobnicate"], "unknown command 'frobnicate' (choose from run, demo, init, check, login, classify, status, "
                         "applicants, show, select, waitlist, reject, invite, withdraw, resolve, import, digest, "
                         "export, erase, outbox)"),
        (["stauts"], "unknown command 'stauts' — did you mean 'status'? (choose from run, demo, "),
        (["outbox", "aprove", "3"], "outbox: unknown action 'aprove' — did you mean 'approve'? "
                                    "(choose from list, approve, discard, send)"),
        (["outbox"], "outbox: the following arguments are required: ACTION"),
        (["show"], "show: the following arguments are required: EMAIL"),
        (["status", "--jsn"], "unrecognized arguments: --jsn"),
        (["digest"], "digest: one of the arguments --print --send is required"),
    ],
)
def test_usage_errors_are_one_plain_line(tmp_path: Path, capsys, argv: list[str], expected: str) -> None:
    path = write_config(tmp_path, base_config(tmp_path))
    assert main(["--config", str(path), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"callflow: error: {expected}")
    assert err.count("\n") == 1 and "callflow: error: callflow" not in err


def test_global_options_also_follow_an_outbox_action(tmp_path: Path, capsys) -> None:
    path = write_config(tmp_path, base_config(tmp_path))
    assert main(["outbox", "list", "--json", "--config", str(path)]) == 0
    assert capsys.readouterr().out.strip() == "[]"
