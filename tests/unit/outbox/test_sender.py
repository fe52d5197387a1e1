"""The send run with its sender thread, with a fake transport that holds each mail until the test
lets it go: the caller goes on while mail is in flight, and what the caller's later steps do to
such mail (a withdrawal, an erasure, a rolled-back savepoint) meets its outcome correctly. What
a crash leaves (``sending`` in the committed state) is folded back by ``outbox.recover``."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.cfg import make_config
from tests.fake_transport import OneByOne, render
from workflow import lifecycle, outbox, privacy
from workflow.errors import TransportError
from workflow.outgoing import OutgoingMail
from workflow.sender import SendRun
from workflow.store import Store

T0 = datetime(2022, 3, 1, 12, 0, tzinfo=ZoneInfo("Europe/Brussels"))
ANA = "ana.keller@example.net"
BEN = "ben@example.org"


class HeldTransport(OneByOne):
    """Delivers each mail only once the test lets it go; ``refuse`` makes those fail (4xx)."""

    def __init__(self, refuse: set[str] | None = None) -> None:
        self.release = threading.Event()
        self.taken = threading.Event()
        self.refuse = refuse or set()
        self.sent: list[str] = []

    def send(self, mail: OutgoingMail, on_handover) -> None:
        self.taken.set()
        assert self.release.wait(10), "the test never let the mail go"
        if mail.recipients[0] in self.refuse:
            raise TransportError("451 4.3.0 try again later")
        on_handover([mail])
        self.sent.append(mail.recipients[0])


class Unreachable(OneByOne):
    """Takes one mail, fails it, and takes no more: its server cannot be reached."""

    def deliver(self, mails, on_handover, on_result) -> None:
        from workflow.outgoing import Delivery

        for mail in mails:
            on_result(Delivery(mail, TransportError("smtp: cannot connect")))
            return


def queue(store: Store, to: str, key: str | None = None) -> dict[str, Any]:
    entry = outbox.enqueue(store, key=key or f"ack:{to}", kind="ack_inquiry", to=to, to_name="", applicant=to,
                           context={}, now=T0, domain="callflow.example.org")
    assert entry is not None
    return entry


def send_run(store: Store, transport: OneByOne) -> SendRun:
    return SendRun(store, transport, render, outbox.journal_for(store), rate_per_minute=100, max_attempts=5,
                   retry_seconds=60.0)


def in_flight(store: Store, transport: HeldTransport, *people: str) -> SendRun:
    for person in people:
        queue(store, person)
    run = send_run(store, transport)
    run.offer(T0)
    assert transport.taken.wait(10)
    assert all(e["status"] == outbox.SENDING for e in store.outbox)
    return run


def test_the_caller_goes_on_while_the_transport_delivers(store: Store) -> None:
    transport = HeldTransport()
    run = in_flight(store, transport, ANA)
    assert transport.sent == [] and run.collect(T0).changed is False  # offer came back at once
    transport.release.set()
    report = run.close(T0)
    assert [e["to"] for e in report.sent] == [ANA] and store.outbox.get(f"ack:{ANA}")["status"] == outbox.SENT
    assert outbox.journal_for(store).read() == {"1": "done"}


@pytest.mark.parametrize("delivered", [True, False])
def test_a_withdrawal_meets_mail_in_flight(store: Store, delivered: bool) -> None:
    """Out is out (as if it had gone before the withdrawal); not out is discarded, never retried."""
    transport = HeldTransport(refuse=set() if delivered else {ANA})
    run = in_flight(store, transport, ANA)
    assert outbox.discard_open(store, ANA, T0, "the applicant withdrew") == []  # in flight: marked only
    transport.release.set()
    run.close(T0)
    entry = store.outbox.get(f"ack:{ANA}")
    assert outbox.DISCARD_UNLESS_SENT not in entry
    if delivered:
        assert entry["status"] == outbox.SENT
    else:
        assert entry["status"] == outbox.DISCARDED and "withdrew" in entry["last_error"]
        assert outbox.due(store, T0.replace(hour=23)) == []


@pytest.mark.parametrize("delivered", [True, False])
def test_an_erasure_meets_mail_in_flight(tmp_path, store: Store, delivered: bool) -> None:
    """The erasure rekeys and scrubs the entry at once; its outcome is still recorded on it (by
    id), and if it did not go out it is not tried again (its address is gone)."""
    config = make_config(tmp_path)
    record = lifecycle.new_record(ANA, "Ana Keller", T0)
    lifecycle.transition(record, "application", T0, "survey")
    store.applicants.put(record)
    transport = HeldTransport(refuse=set() if delivered else {ANA})
    run = in_flight(store, transport, ANA)
    privacy.erase(config, store, ANA, T0, "organiser")
    assert store.outbox.get(f"ack:{ANA}") is None  # rekeyed
    transport.release.set()
    run.close(T0)
    (entry,) = list(store.outbox)
    assert ANA not in str(entry) and outbox.DISCARD_UNLESS_SENT not in entry
    assert entry["status"] == (outbox.SENT if delivered else outbox.DISCARDED)


def test_a_rolled_back_savepoint_does_not_lose_the_outcome(store: Store) -> None:
    """A later message's handling that touched the entry and then failed restores the entry as it
    was (sending); the outcome is recorded on the entry the store holds, not on a stale copy."""
    transport = HeldTransport()
    run = in_flight(store, transport, ANA)
    with pytest.raises(RuntimeError), store.savepoint():
        outbox.discard_open(store, ANA, T0, "a step that fails")
        raise RuntimeError("the step failed")
    transport.release.set()
    run.close(T0)
    entry = store.outbox.get(f"ack:{ANA}")
    assert entry["status"] == outbox.SENT and outbox.DISCARD_UNLESS_SENT not in entry


def test_a_transport_that_stops_leaves_the_rest_pending(store: Store) -> None:
    for person in (ANA, BEN, "cai@example.org"):
        queue(store, person)
    run = send_run(store, Unreachable())
    run.offer(T0)
    report = run.close(T0)
    assert run.stopped and [e["to"] for e in report.retried] == [ANA]
    assert {e["to"]: e["status"] for e in store.outbox} == {
        ANA: outbox.PENDING, BEN: outbox.PENDING, "cai@example.org": outbox.PENDING}
    assert [e["attempts"] for e in store.outbox] == [1, 0, 0]  # the others were never tried


def test_the_limit_counts_mail_in_flight(store: Store) -> None:
    transport = HeldTransport()
    for person in (ANA, BEN, "cai@example.org"):
        queue(store, person)
    run = SendRun(store, transport, render, outbox.journal_for(store), rate_per_minute=2, max_attempts=5,
                  retry_seconds=60.0)
    run.offer(T0)
    run.offer(T0)  # asked again before anything came back: the two in flight count
    assert sorted(e["status"] for e in store.outbox) == [outbox.PENDING, outbox.SENDING, outbox.SENDING]
    transport.release.set()
    run.close(T0)
    assert sorted(e["status"] for e in store.outbox) == [outbox.PENDING, outbox.SENT, outbox.SENT]


@pytest.mark.parametrize(("journal", "after"), [
    ([], outbox.PENDING),  # never reached the transport's point of no return: sent again
    (["handover 1"], outbox.UNCERTAIN),  # may have been delivered; SMTP cannot tell
    (["handover 1", "done 1"], outbox.SENT),
    (["fail 1"], outbox.PENDING),
])
def test_recovery_folds_back_mail_a_crash_left_sending(store: Store, journal: Sequence[str], after: str) -> None:
    queue(store, ANA)["status"] = outbox.SENDING
    store.commit()
    log = outbox.journal_for(store)
    log.path.write_text("".join(f"{line}\n" for line in journal))
    store = Store(store.path)
    outbox.recover(store, log, T0, lambda message_id: None)
    assert store.outbox.get(f"ack:{ANA}")["status"] == after


def test_recovery_discards_unsent_mail_a_step_no_longer_wanted(store: Store) -> None:
    entry = queue(store, ANA)
    entry["status"] = outbox.SENDING
    entry[outbox.DISCARD_UNLESS_SENT] = "the applicant withdrew"
    store.commit()
    outbox.recover(store, outbox.journal_for(store), T0, lambda message_id: None)
    assert entry["status"] == outbox.DISCARDED and outbox.DISCARD_UNLESS_SENT not in entry
