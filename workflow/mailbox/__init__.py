"""Intake backends behind one small protocol (``intake``): ``maildir`` (the embedded default)
and ``imap``. Only the backends touch the mailbox; nothing here decides what mail means."""

from __future__ import annotations

from ..config import Config
from ..oauth2 import SignIn
from .imap import ImapIntake
from .intake import IncomingMail, Intake
from .maildir import MaildirIntake

__all__ = ["ImapIntake", "IncomingMail", "Intake", "MaildirIntake", "open_intake"]


def open_intake(config: Config) -> Intake:
    if config.mailbox.backend == "imap":
        return ImapIntake(config.mailbox, SignIn.for_server(config, config.mailbox))
    return MaildirIntake(config.mailbox)
