"""What becomes of one handled mail: its disposition, and the decision that led to it.

Intake settles each message by its disposition (moved to the processed folder, left flagged
for a person, quarantined, or filed in a folder a rule names); the decide stage, the commands
by mail and the views all speak of it. It lives here, below all of them, so none of them
depends on the intake backends. Plain data only: nothing here reads or writes anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PROCESSED = "processed"
ATTENTION = "attention"
QUARANTINE = "quarantine"
DISPOSITIONS = (PROCESSED, ATTENTION, QUARANTINE)
FOLDER_PREFIX = "folder:"  # "folder:<name>": a rule filed the mail in a folder of its own


def to_folder(name: str) -> str:
    return FOLDER_PREFIX + name


@dataclass
class Decision:
    """What handling one mail came to: where it goes, whose it is, what changed, what was queued."""

    disposition: str
    applicant: str | None = None
    state_change: str | None = None
    queued: list[str] = field(default_factory=list)  # outbox kinds queued
    note: str = ""
