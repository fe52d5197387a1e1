"""A long pass shows its progress on a terminal (rich), and nowhere else: not in a pipe, not with -q."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import mails
from tests.cfg import NOW, base_config, write_config
from tests.maildir import deliver, recipients
from workflow.progress import MIN_TOTAL

COUNT = MIN_TOTAL + 20


def _mailbox(tmp: Path) -> list[str]:
    for i in range(COUNT):
        deliver(tmp / "mail", f"{i}.m", mails.inquiry(f"P{i} <p{i}@example.org>", question=False))
    return ["--config", str(write_config(tmp, base_config(tmp))), *NOW]


def _run_in_terminal(args: list[str]) -> str:
    """Run callflow with stdout and stderr on a pseudo-terminal; everything it wrote there."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "workflow", *args], stdin=subprocess.DEVNULL,
                               stdout=terminal, stderr=terminal, env={**os.environ, "COLUMNS": "120"})
    os.close(terminal)
    out = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        out += chunk
    os.close(controller)
    assert process.wait(timeout=120) == 0, out.decode(errors="replace")
    return out.decode(errors="replace")


def test_a_long_pass_shows_progress_on_a_terminal(tmp_path: Path) -> None:
    out = _run_in_terminal([*_mailbox(tmp_path), "run", "--once"])
    assert "reading mail" in out and f"/{COUNT}" in out
    assert f"handled {COUNT} message(s)" in out
    assert len(recipients(tmp_path)) == COUNT


def test_the_daemons_first_long_pass_shows_progress_on_a_terminal(tmp_path: Path) -> None:
    """Started on a mailbox that already holds much mail, the daemon shows its progress too."""
    args = _mailbox(tmp_path)
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "workflow", *args, "run"], stdin=subprocess.DEVNULL,
                               stdout=terminal, stderr=terminal, env={**os.environ, "COLUMNS": "120"})
    os.close(terminal)
    out = b""
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and not (b"reading mail" in out and len(recipients(tmp_path)) == COUNT):
            ready, _, _ = select.select([controller], [], [], 0.5)
            if ready:
                out += os.read(controller, 65536)
        process.send_signal(signal.SIGTERM)
        while process.poll() is None and time.monotonic() < deadline + 60:  # read on: it logs as it stops
            ready, _, _ = select.select([controller], [], [], 0.5)
            if ready:
                with contextlib.suppress(OSError):
                    out += os.read(controller, 65536)
    finally:
        process.kill()
        os.close(controller)
    assert process.wait() == 0
    assert b"reading mail" in out and f"/{COUNT}".encode() in out
    assert len(recipients(tmp_path)) == COUNT
    # The log handlers got their stream back after the bar: the stop is logged like any line.
    assert b"Logging error" not in out and b"callflow stopped" in out


@pytest.mark.parametrize("how", ["pipe", "quiet"])
def test_no_progress_in_a_pipe_or_with_quiet(tmp_path: Path, how: str) -> None:
    args = _mailbox(tmp_path)
    if how == "quiet":
        out = _run_in_terminal(["-q", *args, "run", "--once"])
    else:
        done = subprocess.run([sys.executable, "-m", "workflow", *args, "run", "--once"],
                              capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
        assert done.returncode == 0, done.stderr
        out = done.stdout + done.stderr
    assert "reading mail" not in out
    assert f"handled {COUNT} message(s)" in out
