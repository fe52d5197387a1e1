"""Intake backends behind one small protocol.

A backend lists what is waiting, hands it over in batches of raw bytes, and — only after the
pipeline has committed the effects of a batch — *settles* each message: ``processed`` moves it
to the processed folder, ``attention`` leaves it in the inbox flagged for a person,
``quarantine`` moves it to the quarantine folder, ``folder:<name>`` to a folder a rule named
(created when missing). Nothing is ever deleted.

``state`` is a plain dict the pipeline persists in the store with each commit (IMAP keeps
UIDVALIDITY, the last UID seen and the settlements not yet carried out there).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from ..config import Config

PROCESSED = "processed"
ATTENTION = "attention"
QUARANTINE = "quarantine"
DISPOSITIONS = (PROCESSED, ATTENTION, QUARANTINE)
FOLDER_PREFIX = "folder:"  # "folder:<name>": a rule filed the mail in a folder of its own


def to_folder(name: str) -> str:
    return FOLDER_PREFIX + name


@dataclass
class IncomingMail:
    ref: str  # backend reference: a Maildir file name or an IMAP UID
    data: bytes


class Intake(Protocol):
    name: str

    def open(self, state: dict[str, Any]) -> None: ...

    def batches(self, size: int) -> Iterator[list[IncomingMail]]: ...

    def mark_seen(self, batch: list[IncomingMail], settlements: list[tuple[str, str]]) -> None: ...

    def settle(self, settlements: list[tuple[str, str]]) -> None: ...

    def wait(self, seconds: float) -> bool: ...

    def close(self) -> None: ...


def open_intake(config: Config) -> Intake:
    if config.mailbox.backend == "imap":
        from .imap import ImapIntake

        return ImapIntake(config.mailbox)
    from .maildir import MaildirIntake

    return MaildirIntake(config.mailbox)
