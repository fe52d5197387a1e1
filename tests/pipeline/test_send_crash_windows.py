"""Narrow crash windows: a process that dies while sending loses nothing and sends nothing twice.

The Maildir transport is exactly once: a mail not renamed into ``new/`` is simply written again
and ``tmp/`` is cleaned. Each death is real (the process ends with no cleanup) and lands exactly on
one step of the send journal. SMTP's crash windows are in tests/e2e/test_send_crash_windows_smtp.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cfg import base_config, write_config
from tests.crash_windows import PEOPLE, cli, inquiries, statuses
from tests.crashpoint import DIED
from tests.maildir import recipients
from workflow.cli import main


# -- Maildir: exactly once ---------------------------------------------------------------------
@pytest.mark.parametrize("point", ["before-handover", "after-handover", "before-done", "after-done"])
def test_maildir_sending_is_exactly_once_whatever_the_moment_of_death(tmp_path: Path, point: str) -> None:
    cfg = write_config(tmp_path, base_config(tmp_path))
    inquiries(tmp_path)
    assert cli(cfg, "run", "--once", crash=(point, 2)) == DIED
    assert cli(cfg, "run", "--once") == 0
    delivered = sorted(recipients(tmp_path))
    assert delivered == PEOPLE  # each exactly once
    assert set(statuses(tmp_path).values()) == {"sent"}
    assert os.listdir(tmp_path / "outgoing" / "tmp") == []


def test_sent_folder_needs_the_imap_mailbox(tmp_path: Path, capsys) -> None:
    cfg = write_config(tmp_path, base_config(tmp_path, smtp={"sent_folder": "Sent"}))
    assert main(["--config", str(cfg), "status"]) == 2
    assert "smtp: sent_folder is looked up in the IMAP mailbox" in capsys.readouterr().err
