"""The outbox: every mail callflow will send, queued before it is sent.

Each entry carries an idempotency key derived from its cause (``ack:<message key>``,
``ack:application:<address>``, ``invite:<address>:<sequence>``): queueing the same key
twice does nothing, so re-running a batch never queues a mail twice. The entry is written
in the same commit as the state change that caused it.

Sending is exactly once wherever the transport can tell, and at most once otherwise. The
transport calls back at its point of no return (SMTP: the message data with its final dot is
about to be handed to the server; Maildir: the file is about to be renamed into ``new/``), and
``handover ID`` (the entry's id) is appended and fsynced to a small send journal beside the
state file before it goes on; after success, ``done ID``. While a mail is with the transport its
entry is ``sending``. After a crash (``recover()``):
- no ``handover``: the mail never left, it is simply sent again;
- ``done``: it was sent;
- ``handover`` without ``done``: the transport is asked. Maildir knows (the file is in the
  folder or it is not); SMTP cannot know, unless a copy is found where the provider stores
  submitted mail (``smtp.sent_folder``). What cannot be known is ``uncertain``: shown to the
  organisers and never resent on its own;
- ``sending`` with no line at all: it never reached the transport's hands, it is sent again.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from .addresses import unanswerable
from .errors import CallflowError, TransportError, UsageError
from .outgoing import Delivery, OnHandover, OnResult, OutgoingMail
from .store import Store

log = logging.getLogger(__name__)

PENDING = "pending"
AWAITING = "awaiting_approval"
SENT = "sent"
FAILED = "failed"
DISCARDED = "discarded"
UNCERTAIN = "uncertain"
# Handed to the transport in this run, its outcome not yet recorded: only the send run changes
# such an entry. Steps that would discard it mark it instead (DISCARD_UNLESS_SENT); the outcome
# decides: out is out (as if it had gone before the step), anything else is discarded.
SENDING = "sending"
DISCARD_UNLESS_SENT = "discard_unless_sent"
OPEN_STATES = (PENDING, AWAITING, UNCERTAIN)
# Marks an entry written to an address that never wrote to callflow itself (survey and import
# acknowledgements): a forged notification can name anyone, so these go out at most
# ``first_contact_per_hour`` per rolling hour; the rest stay pending until the hour allows.
FIRST_CONTACT = "first_contact"
HOUR = timedelta(hours=1)


def message_id_for(key: str, domain: str) -> str:
    """A stable Message-ID per idempotency key: a resend can be recognised downstream."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def enqueue(
    store: Store,
    *,
    key: str,
    kind: str,
    to: str,
    to_name: str,
    applicant: str | None,
    context: dict[str, Any],
    now: datetime,
    domain: str,
    in_reply_to: str | None = None,
    references: Iterable[str] = (),
    auto_submitted: str | None = None,
    approval: bool = False,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """Queue one mail; None if a mail with this key was queued before (idempotency).

    The last guard before sending: mail to an address callflow never writes to on its own
    (see ``addresses.unanswerable``) is kept as ``failed`` with the reason, never sent.
    """
    if store.outbox.get(key) is not None:
        return None
    refused = unanswerable(to, {domain})
    store.meta["outbox_seq"] = store.meta.get("outbox_seq", 0) + 1
    entry = {
        "id": store.meta["outbox_seq"],
        "key": key,
        "kind": kind,
        "to": to,
        "to_name": to_name,
        "applicant": applicant,
        "context": context,
        "message_id": message_id_for(key, domain),
        "in_reply_to": in_reply_to,
        "references": list(references),
        "auto_submitted": auto_submitted,
        "status": FAILED if refused else AWAITING if approval else PENDING,
        "created": now.isoformat(),
        "attempts": 0,
        "next_attempt": now.isoformat(),
        "last_error": f"not sent: {refused}" if refused else None,
        "sent_at": None,
        "history": [],
        # calendar: {"method": "REQUEST"|"CANCEL", "sequence": n} → an iCalendar part;
        # on_approve: {"event": "promote"} → a lifecycle step that waits for this approval.
        **(extra or {}),
    }
    return store.outbox.put(entry)


def _note(entry: dict[str, Any], now: datetime, event: str, by: str) -> None:
    entry["history"].append({"at": now.isoformat(), "event": event, "by": by})


def find(store: Store, ident: str | int) -> dict[str, Any]:
    for entry in store.outbox.matching(lambda e: str(e["id"]) == str(ident)):
        return entry
    raise UsageError(f"outbox: no entry with id {ident}")


def approve(store: Store, ids: Iterable[str | int] | None, now: datetime, by: str) -> list[dict[str, Any]]:
    """Release mail awaiting approval (or an uncertain one, deliberately, for a resend)."""
    if ids is None:
        chosen = list(store.outbox.matching(lambda e: e["status"] == AWAITING))
    else:
        chosen = [find(store, i) for i in ids]
    for entry in chosen:
        if entry["status"] not in (AWAITING, UNCERTAIN):
            raise UsageError(f"outbox {entry['id']}: is {entry['status']}, nothing to approve")
    for entry in chosen:
        entry["status"] = PENDING
        entry["next_attempt"] = now.isoformat()
        _note(entry, now, "approved", by)
    return chosen


def discard(store: Store, ids: Iterable[str | int], now: datetime, by: str) -> list[dict[str, Any]]:
    chosen = [find(store, i) for i in ids]
    for entry in chosen:
        if entry["status"] not in OPEN_STATES:
            raise UsageError(f"outbox {entry['id']}: is {entry['status']}, cannot discard")
    for entry in chosen:
        entry["status"] = DISCARDED
        _note(entry, now, "discarded", by)
    return chosen


def discard_open(
    store: Store, applicant: str, now: datetime, why: str, keep: Collection[str] = ()
) -> list[dict[str, Any]]:
    """Mail to this applicant that has not gone out and no longer applies (they withdrew,
    declined, were rejected or erased): discarded with the reason, except the keys in ``keep``
    (the step's own confirmation, a calendar CANCEL). Uncertain mail may have gone out: kept."""
    discarded = []
    for entry in store.outbox.matching(
        lambda e: e.get("applicant") == applicant and e["status"] in (PENDING, AWAITING, SENDING)
        and e["key"] not in keep
    ):
        if entry["status"] == SENDING:
            entry[DISCARD_UNLESS_SENT] = why
            continue
        entry["status"] = DISCARDED
        entry["last_error"] = f"no longer applicable: {why}"
        _note(entry, now, f"discarded: {why}", "callflow")
        discarded.append(entry)
    return discarded


def pending_count(store: Store) -> int:
    return sum(1 for e in store.outbox if e["status"] in OPEN_STATES or e["status"] == SENDING)


class Transport(Protocol):
    def deliver(
        self,
        mails: Iterable[OutgoingMail],
        on_handover: OnHandover,
        on_result: OnResult,
    ) -> None:
        """Deliver the mails (taken from ``mails`` one at a time, as the transport is ready for
        the next; taking one may wait until the caller offers more, so an event loop takes them
        beside itself), calling ``on_result`` once for each mail taken. It is called in a thread
        of its own (``sender.SendRun``). Before a mail passes its point
        of no return, ``on_handover`` is called with it (or with several that reach it together);
        if that raises, those mails are not delivered. A transport may stop taking mails when it
        cannot reach its server: what it did not take stays as it was."""
        ...

    def delivered(self, message_id: str) -> bool | None:
        """After a crash between handover and done: was it delivered? None when it cannot tell."""
        ...

    def tidy(self) -> None:
        """Remove what an interrupted send left behind that was never delivered (called with
        the state locked, so no other send is under way)."""
        ...

    def close(self) -> None: ...


HANDOVER, DONE, FAIL = "handover", "done", "fail"
# Journals written before the handover point existed: "begin" was written before anything was
# handed to the transport, so it can only mean "may have been delivered".
_LEGACY_BEGIN = "begin"


class SendJournal:
    """Append-only handover/done log that makes sending exactly-once (or at most once) across crashes.

    Group commit: the handovers of mails that reach their point of no return together are
    written with one fsync, and ``done``/``fail`` lines are not forced to disk one by one (the
    next handover's fsync, or ``sync`` at the end of a run, carries them). What a process death
    cannot lose is what matters: a line is in the file (the OS has it) before the step it
    records. Only a power loss could drop an unsynced ``done``, and then the mail reads as
    uncertain: never as unsent, so never sent twice.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._unsynced = False
        # A transport may record handovers from a thread while results are recorded from its loop.
        self._lock = threading.Lock()

    def _write(self, lines: Iterable[str], durable: bool) -> None:
        text = "".join(f"{line}\n" for line in lines).encode()
        with self._lock:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
                # A new file's name is durable once its directory is: then its first fsync counts.
                directory = os.open(self.path.parent, os.O_RDONLY)
                try:
                    os.fsync(directory)
                finally:
                    os.close(directory)
            os.write(self._fd, text)
            if durable:
                os.fdatasync(self._fd)  # data and size; an append needs no other metadata
            self._unsynced = not durable

    def handover(self, ids: Sequence[int]) -> None:
        """These mails (outbox ids) are about to leave: from here on they may have been delivered."""
        self._write((f"{HANDOVER} {ident}" for ident in ids), durable=True)

    def done(self, ident: int) -> None:
        self._write([f"{DONE} {ident}"], durable=False)

    def fail(self, ident: int) -> None:
        """The server refused or the connection failed: nothing was delivered."""
        self._write([f"{FAIL} {ident}"], durable=False)

    def sync(self) -> None:
        """Force the lines written since the last fsync to disk (the end of a run of sends)."""
        with self._lock:
            if self._fd is not None and self._unsynced:
                os.fdatasync(self._fd)
                self._unsynced = False

    def read(self) -> dict[str, str]:
        """Outbox id (as written; an idempotency key in journals of older versions) → the last
        thing recorded for it: handover, done or fail."""
        last: dict[str, str] = {}
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return last
        for line in lines:
            word, _, key = line.partition(" ")
            if word in (HANDOVER, DONE, FAIL, _LEGACY_BEGIN) and key:
                last[key] = word
        return last

    def clear(self) -> None:
        """Called only after the store has committed what the journal says."""
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
                self._unsynced = False
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


def journal_for(store: Store) -> SendJournal:
    return SendJournal(store.path.with_name(store.path.name + ".sendlog"))


@dataclass
class Recovery:
    sent: int = 0  # recorded as sent (journal done, or found delivered)
    resent: int = 0  # provably not delivered: left pending, sent again
    uncertain: int = 0

    def __bool__(self) -> bool:
        return bool(self.sent or self.resent or self.uncertain)


def recover(
    store: Store, journal: SendJournal, now: datetime,
    delivered: Callable[[str], bool | None] | None = None,
) -> Recovery:
    """Fold an interrupted send run back into the state.

    ``delivered(message_id)`` is the transport's answer for a mail handed over without a
    ``done``: True (it is there), False (provably not delivered) or None (cannot tell). The
    caller commits the store and then clears the journal.
    """
    result = Recovery()
    for ident, last in journal.read().items():
        entry = store.outbox.find("id", int(ident)) if ident.isdigit() else store.outbox.get(ident)
        if entry is None or entry["status"] == SENT:
            continue
        if last == FAIL:
            if entry["status"] == SENDING:
                settle_untaken(entry, now)
            continue
        if last == DONE:
            _mark_sent(entry, now, "sent (recovered from journal)")
            result.sent += 1
        elif entry["status"] in (PENDING, SENDING):
            found = delivered(entry["message_id"]) if delivered is not None and last == HANDOVER else None
            if found is True:
                _mark_sent(entry, now, "sent (found delivered after an interruption)")
                result.sent += 1
            elif found is False:
                settle_untaken(entry, now)
                _note(entry, now, "interrupted before delivery: sent again", "recovery")
                result.resent += 1
            else:
                entry["status"] = UNCERTAIN
                entry["last_error"] = "interrupted while sending: may or may not have been delivered"
                _note(entry, now, "uncertain after interruption", "recovery")
                result.uncertain += 1
    # Taken for sending, with nothing in the journal: it never reached its point of no return.
    for entry in list(store.outbox.matching(lambda e: e["status"] == SENDING)):
        settle_untaken(entry, now)
        result.resent += 1
    return result


def settle_untaken(entry: dict[str, Any], now: datetime) -> None:
    """A mail that was taken for sending and provably not delivered: pending again, or discarded
    when a step meanwhile found it no longer applies."""
    why = entry.pop(DISCARD_UNLESS_SENT, None)
    if why is not None:
        entry["status"] = DISCARDED
        entry["last_error"] = f"no longer applicable: {why}"
        _note(entry, now, f"discarded: {why}", "callflow")
    else:
        entry["status"] = PENDING


# A provider may file its copy of a submitted mail a little later: uncertain mail is looked up
# again on later passes, at most this often and for this long.
RECHECK_EVERY = timedelta(minutes=10)
RECHECK_FOR = timedelta(days=2)


def resolve_uncertain(store: Store, now: datetime, delivered: Callable[[str], bool | None]) -> int:
    """Mail left uncertain that the transport now finds delivered is recorded as sent."""
    resolved = 0
    for entry in store.outbox:
        if entry["status"] != UNCERTAIN:
            continue
        since = next((h["at"] for h in reversed(entry["history"]) if h["event"].startswith("uncertain")), None)
        checked = entry.get("checked_delivered")
        if since is None or now - datetime.fromisoformat(since) > RECHECK_FOR:
            continue
        if checked and now - datetime.fromisoformat(checked) < RECHECK_EVERY:
            continue
        entry["checked_delivered"] = now.isoformat()
        if delivered(entry["message_id"]) is True:
            entry["last_error"] = None
            _mark_sent(entry, now, "sent (its copy was found where the provider keeps sent mail)")
            resolved += 1
    return resolved


def _mark_sent(entry: dict[str, Any], now: datetime, note: str) -> None:
    entry.pop(DISCARD_UNLESS_SENT, None)
    entry["status"] = SENT
    entry["sent_at"] = entry["sent_at"] or now.isoformat()
    entry["attempts"] += 1
    _note(entry, now, note, "recovery")


@dataclass
class SendReport:
    sent: list[dict[str, Any]] = field(default_factory=list)
    retried: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    discarded: list[dict[str, Any]] = field(default_factory=list)  # not delivered, and no longer applicable
    deferred: int = 0  # left for later by the rate limit
    seconds: float = 0.0  # wall-clock time spent sending, for the run's summary
    stopped: bool = False  # the transport stopped taking mail: its server cannot be reached

    @property
    def changed(self) -> bool:
        return bool(self.sent or self.retried or self.failed or self.discarded)

    def add(self, other: SendReport) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.discarded += other.discarded


def due(store: Store, now: datetime) -> list[dict[str, Any]]:
    entries = [
        e
        for e in store.outbox
        if e["status"] == PENDING and datetime.fromisoformat(e["next_attempt"]) <= now
    ]
    return sorted(entries, key=lambda e: e["id"])


def _went_out_at(entry: dict[str, Any]) -> str | None:
    """When a mail was (or, uncertain after a crash, may have been) delivered."""
    if entry["status"] == SENT:
        return entry.get("sent_at")
    if entry["status"] == UNCERTAIN and entry["history"]:
        return entry["history"][-1]["at"]
    return None


def first_contact_budget(store: Store, now: datetime, per_hour: int) -> int:
    """How many first-contact mails may still go out in the hour before ``now``.

    Counted from the outbox itself (what was sent, and what may have been before a crash, as
    the journal's recovery records it), so a crash or a restart cannot reset the count.
    """
    since = now - HOUR
    went_out = (_went_out_at(e) for e in store.outbox if e.get(FIRST_CONTACT))
    recent = sum(1 for at in went_out if at and datetime.fromisoformat(at) > since)
    return max(0, per_hour - recent)


def sends_since(recorded: dict[str, int] | list[str] | None, since: datetime) -> dict[str, int]:
    """The sends recorded after ``since``, as {time: how many}. Counted per time, not listed one
    by one: every message's savepoint copies the state's meta, and a backfill sends thousands
    of mails within its minute. (Older state files listed each time.)"""
    if isinstance(recorded, list):
        counted: dict[str, int] = {}
        for at in recorded:
            counted[at] = counted.get(at, 0) + 1
        recorded = counted
    return {at: n for at, n in (recorded or {}).items() if datetime.fromisoformat(at) > since}


def render_failed(entry: dict[str, Any], exc: Exception, now: datetime) -> None:
    """A mail that cannot be rendered (a broken template or context) fails alone."""
    entry["status"] = FAILED
    entry["last_error"] = f"cannot render: {exc}"[:300]
    _note(entry, now, f"failed: {entry['last_error']}", "sender")
    if not isinstance(exc, CallflowError | ValueError):
        log.error("outbox id=%s kind=%s cannot be rendered (%s)", entry["id"], entry["kind"], type(exc).__name__)


def record_delivery(
    entry: dict[str, Any], delivery: Delivery, journal: SendJournal, now: datetime, report: SendReport,
    max_attempts: int, retry_seconds: float, on_refused: Callable[[dict[str, Any], str], None] | None,
) -> None:
    """What became of one mail (its entry is ``sending``), in the entry and in the journal."""
    ident, exc = entry["id"], delivery.error
    entry["attempts"] += 1
    if exc is None:
        journal.done(ident)
        entry.pop(DISCARD_UNLESS_SENT, None)
        entry["status"] = SENT
        entry["sent_at"] = now.isoformat()
        _note(entry, now, "sent", "sender")
        report.sent.append(entry)
        log.info("sent outbox id=%s kind=%s", entry["id"], entry["kind"])
        return
    if not isinstance(exc, TransportError):
        # This one mail could not be written out (a bug, or text no mail can carry). Before the
        # handover nothing left; after it, only a person can tell.
        entry.pop(DISCARD_UNLESS_SENT, None)
        entry["last_error"] = f"cannot be sent: {type(exc).__name__}: {exc}"[:300]
        entry["status"] = UNCERTAIN if delivery.handed_over else FAILED
        _note(entry, now, f"{'uncertain' if delivery.handed_over else 'failed'}: {entry['last_error']}", "sender")
        if not delivery.handed_over:
            journal.fail(ident)
        report.failed.append(entry)
        log.error("outbox id=%s kind=%s cannot be sent (%s)", entry["id"], entry["kind"], type(exc).__name__)
        return
    entry["last_error"] = str(exc)
    if getattr(exc, "maybe_delivered", False):
        # Lost after the data was handed over, before the server answered: it may have been
        # delivered. Never resent on its own (the journal's handover says the same).
        entry.pop(DISCARD_UNLESS_SENT, None)
        entry["status"] = UNCERTAIN
        _note(entry, now, f"uncertain: {exc}", "sender")
        report.failed.append(entry)
        return
    permanent = getattr(exc, "permanent", False)
    journal.fail(ident)
    if entry.get(DISCARD_UNLESS_SENT) is not None:
        # Not delivered, and a step taken meanwhile (a withdrawal, an erasure) says it no longer applies.
        settle_untaken(entry, now)
        report.discarded.append(entry)
        return
    if permanent or entry["attempts"] >= max_attempts:
        entry["status"] = FAILED
        _note(entry, now, f"failed: {exc}", "sender")
        report.failed.append(entry)
        if permanent and on_refused and getattr(exc, "refused", None):
            on_refused(entry, str(exc))
    else:
        delay = retry_seconds * (2 ** (entry["attempts"] - 1))
        entry["status"] = PENDING
        entry["next_attempt"] = (now + timedelta(seconds=delay)).isoformat()
        _note(entry, now, f"retry later: {exc}", "sender")
        report.retried.append(entry)
