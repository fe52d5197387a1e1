"""Outgoing mail as files in a Maildir: the embedded default, and a local MTA's pickup.

Exactly once across crashes: each mail's file name is derived from its Message-ID (stable per
outbox entry), it is written and fsynced in ``tmp/`` and then renamed into ``new/``, the one
step after which it is delivered. After an interruption ``delivered`` finds the file in
``new/`` or ``cur/`` — or finds it missing, removes what was left in ``tmp/``, and the mail is
simply written again. This module only writes files; it knows nothing of the outbox.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import time
from collections.abc import Iterable
from pathlib import Path

from ..errors import TransportError
from ..outgoing import OnHandover, OnResult, OutgoingMail, deliver_one_by_one

_MARK = ".cf"  # "<time>.cf<digest of the Message-ID>.<host>": found again by its digest


def _digest(message_id: str) -> str:
    return hashlib.sha256(message_id.strip().encode()).hexdigest()[:32]


class MaildirTransport:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.host = socket.gethostname().replace("/", "_").replace(":", "_") or "localhost"
        try:
            for sub in ("tmp", "new", "cur"):
                (self.path / sub).mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise TransportError(f"smtp.path: cannot open Maildir {self.path}: {exc.strerror}") from None

    def deliver(
        self,
        mails: Iterable[OutgoingMail],
        on_handover: OnHandover,
        on_result: OnResult,
    ) -> None:
        deliver_one_by_one(self.send, mails, on_handover, on_result)

    def send(self, mail: OutgoingMail, on_handover: OnHandover) -> None:
        """Write one mail; raises TransportError when it is not in ``new/`` (nothing delivered)."""
        data = message_with_envelope(mail)
        name = f"{time.time_ns()}{_MARK}{_digest(mail.message_id)}.{self.host}"
        tmp, final = self.path / "tmp" / name, self.path / "new" / name
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            on_handover([mail])
            os.rename(tmp, final)
            _fsync_dir(final.parent)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise TransportError(f"smtp.path: cannot write to Maildir {self.path}: {exc.strerror}") from None

    def delivered(self, message_id: str) -> bool:
        """Is this mail in ``new/`` or ``cur/``? If not, what it left in ``tmp/`` is removed."""
        mark = f"{_MARK}{_digest(message_id)}."
        for sub in ("new", "cur"):
            with contextlib.suppress(OSError):
                if any(mark in name for name in os.listdir(self.path / sub)):
                    return True
        self._remove_from_tmp(mark)
        return False

    def tidy(self) -> None:
        """Files of ours left in ``tmp/`` by an interrupted send were never delivered."""
        self._remove_from_tmp(_MARK)

    def _remove_from_tmp(self, mark: str) -> None:
        with contextlib.suppress(OSError):
            for name in os.listdir(self.path / "tmp"):
                if mark in name:
                    with contextlib.suppress(OSError):
                        (self.path / "tmp" / name).unlink()

    def close(self) -> None:
        pass


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def message_with_envelope(mail: OutgoingMail) -> bytes:
    """The message with its envelope prepended as headers a pickup agent can read."""
    head = f"Return-Path: <{mail.sender}>\nX-Envelope-To: {', '.join(mail.recipients)}\n".encode()
    return head + mail.data
