"""Helpers for the crash-window tests, on Maildir (tests/pipeline) and SMTP (tests/e2e): run the
callflow CLI in its own process, made to die at a chosen point of the send journal
(``tests.crashpoint``), and read what the outbox says afterwards."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests import mails
from tests.cfg import NOW
from tests.maildir import deliver
from tests.paths import REPO
from workflow.store import Store

PEOPLE = ["a@example.org", "b@example.org", "c@example.org"]


def cli(cfg: Path, *args: str, crash: tuple[str, int] | None = None, env: dict | None = None) -> int:
    """Run ``callflow`` in a process of its own; with ``crash=(POINT, N)`` it dies at POINT on the N-th mail."""
    prefix = ["-m", "tests.crashpoint", crash[0], str(crash[1]), "--"] if crash else ["-m", "workflow"]
    proc = subprocess.run([sys.executable, *prefix, "--config", str(cfg), *NOW, "-q", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=120, env=env)
    return proc.returncode


def statuses(tmp: Path) -> dict[str, str]:
    """Recipient → the status of the outbox entry to them."""
    return {e["to"]: e["status"] for e in Store(tmp / "state.json").outbox}


def inquiries(tmp: Path) -> None:
    """An inquiry from each of PEOPLE in the Maildir inbox: three answers to send."""
    for i, person in enumerate(PEOPLE):
        deliver(tmp / "mail", f"{i}.m", mails.inquiry(f"P <{person}>", question=False))
