"""The intake protocol: what every mailbox backend offers the pipeline.

A backend lists what is waiting, hands it over in batches of raw bytes, and — only after the
pipeline has committed the effects of a batch — *settles* each message by its disposition
(``handling``): ``processed`` moves it to the processed folder, ``attention`` leaves it in the
inbox flagged for a person, ``quarantine`` moves it to the quarantine folder, ``folder:<name>``
to a folder a rule named (created when missing). Nothing is ever deleted.

``state`` is a plain dict the pipeline persists in the store with each commit (IMAP keeps
UIDVALIDITY, the last UID seen and the settlements not yet carried out there).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass
class IncomingMail:
    ref: str  # backend reference: a Maildir file name or an IMAP UID
    data: bytes


class Intake(Protocol):
    name: str
    # How many messages this pass reads, known once ``batches`` has started (for progress).
    waiting: int | None

    def open(self, state: dict[str, Any]) -> None: ...

    def batches(self, size: int) -> Iterator[list[IncomingMail]]: ...

    def mark_seen(self, batch: list[IncomingMail], settlements: list[tuple[str, str]]) -> None: ...

    def settle(self, settlements: list[tuple[str, str]]) -> None: ...

    def wait(self, seconds: float) -> bool: ...

    def close(self) -> None: ...
