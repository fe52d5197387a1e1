"""The send stage's hourly limit on first-contact mail (``outbox.FIRST_CONTACT``).

Unit tests of ``outbox.send_due`` with a recording transport (a fake) and a real Store and send
journal: at most N first-contact mails per rolling hour, the rest left pending (never failed),
mail to people who wrote themselves not slowed, and the journal's crash guarantees unchanged.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.fake_transport import OneByOne, render
from workflow import outbox
from workflow.errors import TransportError
from workflow.outgoing import OutgoingMail
from workflow.sender import send_due
from workflow.store import Store

T0 = datetime(2022, 3, 1, 12, 0, tzinfo=ZoneInfo("Europe/Brussels"))


class Recorder(OneByOne):
    """Accepts every mail; optionally dies right after the server accepted the n-th one."""

    def __init__(self, die_after: int | None = None, refuse: set[str] | None = None) -> None:
        self.sent: list[str] = []
        self.die_after = die_after
        self.refuse = refuse or set()

    def send(self, mail: OutgoingMail, on_handover) -> None:
        if mail.recipients[0] in self.refuse:
            raise TransportError("451 4.3.0 try again later")
        on_handover([mail])
        self.sent.append(mail.recipients[0])
        if self.die_after is not None and len(self.sent) == self.die_after:
            raise SystemExit("killed after the server accepted the mail")



def queue(store: Store, to: str, *, first_contact: bool) -> dict[str, Any]:
    entry = outbox.enqueue(
        store, key=f"ack:application:{to}", kind="ack_application", to=to, to_name="", applicant=to,
        context={}, now=T0, domain="callflow.example.org",
        extra={outbox.FIRST_CONTACT: True} if first_contact else None,
    )
    assert entry is not None
    return entry


def send(store: Store, transport: Recorder, now: datetime, per_hour: int | None = 3,
         per_minute: int = 1000) -> outbox.SendReport:
    return send_due(
        store, transport, render, outbox.journal_for(store), now, rate_per_minute=per_minute,
        max_attempts=5, retry_seconds=60, first_contact_per_hour=per_hour,
    )


def test_at_most_n_per_rolling_hour_the_rest_stay_pending(store: Store) -> None:
    strangers = [queue(store, f"s{i}@example.org", first_contact=True) for i in range(8)]
    writer = queue(store, "wrote@example.org", first_contact=False)
    transport = Recorder()

    report = send(store, transport, T0)
    assert transport.sent == ["s0@example.org", "s1@example.org", "s2@example.org", "wrote@example.org"]
    assert report.deferred == 5 and not report.failed and writer["status"] == outbox.SENT
    for entry in strangers[3:]:
        # Untouched: pending, never tried, no error, due as before.
        assert (entry["status"], entry["attempts"], entry["last_error"]) == (outbox.PENDING, 0, None)
    assert outbox.pending_count(store) == 5

    assert send(store, transport, T0 + timedelta(minutes=59)).sent == []  # still the same hour
    report = send(store, transport, T0 + timedelta(minutes=61))
    assert [e["to"] for e in report.sent] == ["s3@example.org", "s4@example.org", "s5@example.org"]
    assert send(store, transport, T0 + timedelta(minutes=122)).deferred == 0
    assert sorted(transport.sent) == sorted({*transport.sent})  # nobody twice
    assert outbox.pending_count(store) == 0


def test_people_who_wrote_are_not_slowed(store: Store) -> None:
    for i in range(5):
        queue(store, f"s{i}@example.org", first_contact=True)
    send(store, Recorder(), T0)  # uses up the hour's first contacts
    writers = [queue(store, f"w{i}@example.org", first_contact=False) for i in range(10)]
    transport = Recorder()
    report = send(store, transport, T0 + timedelta(minutes=5))
    assert transport.sent == [w["to"] for w in writers]
    assert report.deferred == 2  # the two strangers still waiting


def test_the_minute_rate_still_applies_and_deferred_counts_both(store: Store) -> None:
    for i in range(4):
        queue(store, f"s{i}@example.org", first_contact=True)
    for i in range(4):
        queue(store, f"w{i}@example.org", first_contact=False)
    transport = Recorder()
    report = send(store, transport, T0, per_hour=1, per_minute=3)
    assert transport.sent == ["s0@example.org", "w0@example.org", "w1@example.org"]
    assert report.deferred == 5


def test_a_failed_attempt_does_not_use_up_the_hour(store: Store) -> None:
    queue(store, "s0@example.org", first_contact=True)
    queue(store, "s1@example.org", first_contact=True)
    transport = Recorder(refuse={"s0@example.org"})
    report = send(store, transport, T0, per_hour=1)
    assert [e["to"] for e in report.retried] == ["s0@example.org"]
    assert transport.sent == ["s1@example.org"]


def test_no_limit_when_none_is_given(store: Store) -> None:
    for i in range(30):
        queue(store, f"s{i}@example.org", first_contact=True)
    assert len(send(store, Recorder(), T0, per_hour=None).sent) == 30


def test_a_crash_neither_resends_nor_resets_the_hour(store: Store) -> None:
    for i in range(6):
        queue(store, f"s{i}@example.org", first_contact=True)
    store.commit()
    transport = Recorder(die_after=2)
    with pytest.raises(SystemExit):
        send(store, transport, T0)
    # The process died: what it had in memory is gone. The next one reads the committed state
    # and, as send_pass does, folds the journal in, commits and clears it.
    store = Store(store.path)
    journal = outbox.journal_for(store)
    recovery = outbox.recover(store, journal, T0, transport.delivered)
    assert (recovery.sent, recovery.uncertain) == (1, 1)
    store.commit()
    journal.clear()
    # One sent and one that may have been delivered both count against this hour's three.
    report = send(store, Recorder(), T0 + timedelta(minutes=1))
    assert [e["to"] for e in report.sent] == ["s2@example.org"]
    statuses = sorted(e["status"] for e in store.outbox)
    assert statuses == ["pending", "pending", "pending", "sent", "sent", "uncertain"]
    assert outbox.first_contact_budget(store, T0 + timedelta(minutes=2), 3) == 0
    assert outbox.first_contact_budget(store, T0 + timedelta(minutes=62), 3) == 3
