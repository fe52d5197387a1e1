"""Sending backends behind one small protocol (see outbox.Transport)."""

from __future__ import annotations

from ..config import Config
from ..mailbox.imap import SentCopies
from ..oauth2 import SignIn
from ..outbox import Transport
from .maildir import MaildirTransport
from .smtp import SmtpTransport


def open_transport(config: Config) -> Transport:
    if config.smtp.backend == "smtp":
        sent_copies = (SentCopies(config.mailbox, config.smtp.sent_folder, SignIn.for_server(config, config.mailbox))
                       if config.smtp.sent_folder else None)
        return SmtpTransport(config.smtp, sent_copies, SignIn.for_server(config, config.smtp))
    assert config.smtp.path is not None
    return MaildirTransport(config.smtp.path)
