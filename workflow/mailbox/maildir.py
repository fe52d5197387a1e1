"""Maildir intake: the embedded default. A local MTA (or a test) drops files into ``new/``.

``new/`` is the queue. Handled mail is renamed into the processed folder (a Maildir++
sub-folder such as ``.Processed``), mail for a person is renamed into ``cur/`` with the
``F`` (flagged) info flag, unparseable mail into the quarantine folder. Renames within one
file system are atomic, so a file is always in exactly one place.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..config import Mailbox
from ..errors import MailboxError
from ..handling import ATTENTION, FOLDER_PREFIX, PROCESSED, QUARANTINE
from .intake import IncomingMail


def ensure_maildir(path: Path) -> None:
    for sub in ("new", "cur", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True, mode=0o700)


class MaildirIntake:
    def __init__(self, settings: Mailbox) -> None:
        assert settings.path is not None
        self.root = Path(settings.path)
        self.name = f"maildir:{self.root}"
        self.batch_bytes = settings.batch_bytes
        self.check_seconds = settings.check_seconds or 1.0
        self.waiting: int | None = None
        self.folders = {
            PROCESSED: self.root / f".{settings.processed_folder}",
            QUARANTINE: self.root / f".{settings.quarantine_folder}",
        }

    def open(self, state: dict[str, Any]) -> None:
        try:
            ensure_maildir(self.root)
            for folder in self.folders.values():
                ensure_maildir(folder)
                (folder / "maildirfolder").touch(exist_ok=True)
        except OSError as exc:
            raise MailboxError(f"mailbox.path: cannot use Maildir {self.root}: {exc.strerror}") from None

    def pending(self) -> list[str]:
        try:
            names = [n for n in os.listdir(self.root / "new") if not n.startswith(".")]
        except OSError as exc:
            raise MailboxError(f"mailbox.path: cannot list {self.root / 'new'}: {exc.strerror}") from None
        return sorted(names)  # delivery names start with the delivery time

    def batches(self, size: int) -> Iterator[list[IncomingMail]]:
        """At most ``size`` messages and about ``batch_bytes`` bytes per batch."""
        batch: list[IncomingMail] = []
        total = 0
        names = self.pending()
        self.waiting = len(names)
        for name in names:
            try:
                data = (self.root / "new" / name).read_bytes()
            except FileNotFoundError:
                continue  # settled by another process meanwhile
            if batch and (len(batch) >= size or total + len(data) > self.batch_bytes):
                yield batch
                batch, total = [], 0
            batch.append(IncomingMail(ref=name, data=data))
            total += len(data)
        if batch:
            yield batch

    def mark_seen(self, batch: list[IncomingMail], settlements: list[tuple[str, str]]) -> None:
        # new/ itself is the checkpoint: a file still there after a crash is read again,
        # and the store's record of handled messages stops it from acting twice.
        pass

    def settle(self, settlements: list[tuple[str, str]]) -> None:
        for name, disposition in settlements:
            source = self.root / "new" / name
            base = name.split(":", 1)[0]
            if disposition == ATTENTION:
                target = self.root / "cur" / f"{base}:2,F"
            elif disposition.startswith(FOLDER_PREFIX):
                folder = self.root / f".{disposition.removeprefix(FOLDER_PREFIX).replace('/', '.')}"
                ensure_maildir(folder)
                target = folder / "cur" / f"{base}:2,S"
            else:
                target = self.folders[disposition] / "cur" / f"{base}:2,S"
            try:
                os.rename(source, target)
            except FileNotFoundError:
                continue  # already settled (a re-run after a crash)
            except OSError as exc:
                raise MailboxError(f"mailbox: cannot move {name} to {target.parent}: {exc.strerror}") from None

    def wait(self, seconds: float) -> bool:
        """Sleep until mail arrives in new/ or the time is up (cheap polling, every
        ``check_seconds``, by default each second)."""
        step = self.check_seconds
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.pending():
                return True
            time.sleep(min(step, max(0.0, deadline - time.monotonic())))
        return False

    def close(self) -> None:
        pass

    def counts(self) -> dict[str, int]:
        return {
            "inbox_new": len(self.pending()),
            "quarantined": _count(self.folders[QUARANTINE]),
            "processed": _count(self.folders[PROCESSED]),
        }


def _count(folder: Path) -> int:
    return sum(len(os.listdir(folder / sub)) for sub in ("new", "cur") if (folder / sub).is_dir())
