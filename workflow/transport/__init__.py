"""Sending backends behind one small protocol (see outbox.Transport)."""

from __future__ import annotations

from ..config import Config
from ..outbox import Transport


def open_transport(config: Config) -> Transport:
    if config.smtp.backend == "smtp":
        from .smtp import SmtpTransport

        return SmtpTransport(config.smtp)
    from .maildir import MaildirTransport

    assert config.smtp.path is not None
    return MaildirTransport(config.smtp.path)
