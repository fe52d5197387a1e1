"""The Maildir transport on its own: exactly once across crashes. Each mail is written in ``tmp/``,
handed over, then renamed into ``new/``; afterwards it can tell whether a mail was delivered, and
clears what an interrupted send left behind. (SMTP is tested against aiosmtpd in tests/e2e.)"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fake_transport import SENDER, mail
from workflow.errors import TransportError
from workflow.transport.maildir import MaildirTransport


def test_a_mail_is_written_whole_then_renamed_into_new(tmp_path: Path) -> None:
    transport = MaildirTransport(tmp_path / "out")
    seen: list[tuple[list[str], list[str]]] = []

    def handover(mails) -> None:
        seen.append((os.listdir(tmp_path / "out" / "tmp"), os.listdir(tmp_path / "out" / "new")))

    transport.send(mail(), on_handover=handover)
    (written,) = os.listdir(tmp_path / "out" / "new")
    assert seen == [([written], [])]  # handed over when written and synced, before the rename
    assert os.listdir(tmp_path / "out" / "tmp") == []
    path = tmp_path / "out" / "new" / written
    data = path.read_bytes()
    assert data.startswith(f"Return-Path: <{SENDER}>\nX-Envelope-To: ana@example.net\n".encode())
    assert b"Hello Ana." in data and (path.stat().st_mode & 0o777) == 0o600


def test_delivered_is_known_from_the_folder(tmp_path: Path) -> None:
    transport = MaildirTransport(tmp_path / "out")
    transport.send(mail(message_id="<1@x>"), on_handover=lambda mails: None)
    assert transport.delivered("<1@x>") is True
    assert transport.delivered("<2@x>") is False
    (name,) = os.listdir(tmp_path / "out" / "new")
    os.rename(tmp_path / "out" / "new" / name, tmp_path / "out" / "cur" / f"{name}:2,S")  # read by a client
    assert transport.delivered("<1@x>") is True


def crash(mails) -> None:
    raise SystemExit("the process dies right after the handover")


def test_a_send_interrupted_before_the_rename_was_never_delivered(tmp_path: Path) -> None:
    transport = MaildirTransport(tmp_path / "out")
    for message_id in ("<1@x>", "<2@x>"):
        with pytest.raises(SystemExit):
            transport.send(mail(message_id=message_id), on_handover=crash)
    assert len(os.listdir(tmp_path / "out" / "tmp")) == 2 and os.listdir(tmp_path / "out" / "new") == []
    assert transport.delivered("<1@x>") is False
    # What that mail left is gone (it is simply written again); the other one's is asked about in turn.
    assert len(os.listdir(tmp_path / "out" / "tmp")) == 1
    assert transport.delivered("<2@x>") is False and os.listdir(tmp_path / "out" / "tmp") == []


def test_tidy_removes_only_what_callflow_left_in_tmp(tmp_path: Path) -> None:
    transport = MaildirTransport(tmp_path / "out")
    with pytest.raises(SystemExit):
        transport.send(mail(), on_handover=crash)
    (tmp_path / "out" / "tmp" / "12345.other-mta.host").write_bytes(b"someone else's")
    transport.tidy()
    assert os.listdir(tmp_path / "out" / "tmp") == ["12345.other-mta.host"]


def test_a_maildir_that_cannot_be_written_is_a_transport_error(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("a file, not a folder")
    with pytest.raises(TransportError, match="smtp.path: cannot open Maildir"):
        MaildirTransport(tmp_path / "out")
