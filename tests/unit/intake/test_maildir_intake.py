"""The Maildir intake on its own: it hands over what waits in ``new/`` in bounded batches, and
settles each message by its disposition with one rename, never deleting anything. (IMAP, the other
backend, is tested against a real Dovecot in tests/e2e.)"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cfg import make_config
from tests.maildir import deliver
from workflow.errors import MailboxError
from workflow.handling import ATTENTION, PROCESSED, QUARANTINE, to_folder
from workflow.mailbox import MaildirIntake, open_intake


def intake(tmp_path: Path, **mailbox) -> MaildirIntake:
    config = make_config(tmp_path, mailbox=mailbox)
    backend = open_intake(config)
    assert isinstance(backend, MaildirIntake)
    backend.open({})
    return backend


def names(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def test_open_makes_the_maildir_and_its_folders(tmp_path: Path) -> None:
    intake(tmp_path, quarantine_folder="Held")
    root = tmp_path / "mail"
    for folder in (root, root / ".Processed", root / ".Held"):
        assert {"new", "cur", "tmp"} <= set(os.listdir(folder))
    assert (root / ".Processed" / "maildirfolder").is_file()


def test_batches_in_delivery_order_bounded_by_count_and_bytes(tmp_path: Path) -> None:
    inbox = tmp_path / "mail"
    for n in (3, 1, 2, 4, 5):
        deliver(inbox, f"{n}.m", b"x" * 40)
    (inbox / "new" / ".hidden").write_bytes(b"not mail")
    by_count = [[m.ref for m in b] for b in intake(tmp_path).batches(2)]
    assert by_count == [["1.m", "2.m"], ["3.m", "4.m"], ["5.m"]]
    by_bytes = [[m.ref for m in b] for b in intake(tmp_path, batch_bytes=100).batches(10)]
    assert by_bytes == [["1.m", "2.m"], ["3.m", "4.m"], ["5.m"]]
    big = intake(tmp_path, batch_bytes=10).batches(10)
    assert [len(b) for b in big] == [1, 1, 1, 1, 1]  # a message larger than the bound still goes, alone
    (first,) = next(intake(tmp_path).batches(1))
    assert first.data == b"x" * 40


def test_each_disposition_is_one_rename(tmp_path: Path) -> None:
    inbox = tmp_path / "mail"
    for name in ("1.done", "2.ask", "3.bad", "4.list"):
        deliver(inbox, name, b"Subject: x\n\nx\n")
    backend = intake(tmp_path)
    backend.settle([("1.done", PROCESSED), ("2.ask", ATTENTION), ("3.bad", QUARANTINE),
                    ("4.list", to_folder("Lists/Robots"))])
    assert names(inbox / "new") == []
    assert names(inbox / ".Processed" / "cur") == ["1.done:2,S"]
    assert names(inbox / "cur") == ["2.ask:2,F"]  # left for a person, flagged
    assert names(inbox / ".Quarantine" / "cur") == ["3.bad:2,S"]
    assert names(inbox / ".Lists.Robots" / "cur") == ["4.list:2,S"]  # a rule's folder, made when missing
    backend.settle([("1.done", PROCESSED)])  # settled again after a crash: nothing to do, nothing lost
    assert names(inbox / ".Processed" / "cur") == ["1.done:2,S"]
    assert backend.counts() == {"inbox_new": 0, "quarantined": 1, "processed": 1}


def test_a_file_delivered_with_flags_keeps_its_base_name(tmp_path: Path) -> None:
    deliver(tmp_path / "mail", "7.m:2,", b"x")
    intake(tmp_path).settle([("7.m:2,", PROCESSED)])
    assert names(tmp_path / "mail" / ".Processed" / "cur") == ["7.m:2,S"]


def test_wait_returns_at_once_when_mail_is_there(tmp_path: Path) -> None:
    backend = intake(tmp_path)
    assert backend.wait(0) is False
    deliver(tmp_path / "mail", "1.m", b"x")
    assert backend.wait(5) is True


def test_a_maildir_that_cannot_be_made_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "mail").write_text("a file, not a folder")
    config = make_config(tmp_path)
    with pytest.raises(MailboxError, match="mailbox.path: cannot use Maildir"):
        open_intake(config).open({})
