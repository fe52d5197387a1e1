"""Helpers for tests on the embedded default (Maildir in, Maildir out), driven through the CLI."""

from __future__ import annotations

import email
import json
from email import policy
from pathlib import Path

from tests import mails
from tests.cfg import START, base_config, write_config
from workflow.cli import main


def deliver(inbox: Path, name: str, raw: bytes) -> None:
    """Deliver one mail into a Maildir the way an MDA does (written in tmp/, renamed into new/)."""
    for sub in ("new", "cur", "tmp"):
        (inbox / sub).mkdir(parents=True, exist_ok=True)
    (inbox / "tmp" / name).write_bytes(raw)
    (inbox / "tmp" / name).rename(inbox / "new" / name)


def outgoing(tmp: Path) -> list[email.message.EmailMessage]:
    """The mail callflow wrote to the outgoing Maildir (``tmp/outgoing``), in the order it was
    written: the Maildir transport starts each file name with the time it wrote it, in nanoseconds."""
    new = tmp / "outgoing" / "new"
    if not new.is_dir():
        return []
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(new.iterdir())]


def recipients(tmp: Path) -> list[str]:
    """The address each mail in the outgoing Maildir went to, in the order they were written."""
    return [m["To"].addresses[0].addr_spec for m in outgoing(tmp)]


def cli_json(args: list[str], capsys) -> object:
    """What a CLI command printed as JSON; it must succeed."""
    capsys.readouterr()
    assert main(args) == 0
    return json.loads(capsys.readouterr().out)


class World:
    """One call on the embedded default, its config ``base_config(tmp, **sections)``:
    ``w(now, *args)`` runs a CLI command at that time."""

    def __init__(self, tmp: Path, **sections) -> None:
        self.tmp = tmp
        self.cfg = write_config(tmp, base_config(tmp, **sections))

    def __call__(self, now: str, *args: str, code: int = 0) -> None:
        assert main(["--config", str(self.cfg), "--now", now, *args]) == code

    def json(self, capsys, now: str, *args: str):
        return cli_json(["--config", str(self.cfg), "--now", now, *args], capsys)

    def run(self, now: str = START) -> None:
        """One pass (``run --once``)."""
        self(now, "run", "--once")

    def apply(self, *people: str) -> None:
        for p in people:
            deliver(self.tmp / "mail", f"s{p}", mails.survey(p, p.split("@")[0].title(), f"r-{p}"))
        self.run()

    def state(self, capsys, who: str) -> str:
        return self.json(capsys, "2022-03-12T10:00", "show", who, "--json")["state"]
