"""Outgoing mail as files in a Maildir: the embedded default, and a local MTA's pickup."""

from __future__ import annotations

import mailbox
from email.message import EmailMessage
from pathlib import Path

from ..errors import TransportError


class MaildirTransport:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.box = mailbox.Maildir(str(self.path), create=True)
        except OSError as exc:
            raise TransportError(f"smtp.path: cannot open Maildir {self.path}: {exc.strerror}") from None

    def send(self, message: EmailMessage, sender: str, recipients: list[str]) -> None:
        try:
            self.box.add(message_with_envelope(message, sender, recipients))
        except OSError as exc:
            raise TransportError(f"smtp.path: cannot write to Maildir {self.path}: {exc.strerror}") from None

    def close(self) -> None:
        pass


def message_with_envelope(message: EmailMessage, sender: str, recipients: list[str]) -> bytes:
    """The message with its envelope prepended as headers a pickup agent can read."""
    head = f"Return-Path: <{sender}>\nX-Envelope-To: {', '.join(recipients)}\n".encode()
    return head + message.as_bytes()
