"""The outbox on its own, with a fake transport: idempotent queueing, approval, sending with rate
limits and retries, the send journal and what recovery makes of each state it can be left in."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.fake_transport import OneByOne, render
from workflow import outbox
from workflow.errors import TransportError, UsageError
from workflow.outgoing import OutgoingMail
from workflow.sender import send_due
from workflow.store import Store
from workflow.transport.smtp import SmtpSendError

T0 = datetime(2022, 3, 1, 12, 0, tzinfo=ZoneInfo("Europe/Brussels"))
DOMAIN = "callflow.example.org"
PEOPLE = ["a@example.org", "b@example.org", "c@example.org"]


def queue(store: Store, to: str, *, key: str | None = None, approval: bool = False,
          now: datetime = T0) -> dict[str, Any] | None:
    return outbox.enqueue(store, key=key or f"ack:{to}", kind="ack_inquiry", to=to, to_name="", applicant=to,
                          context={}, now=now, domain=DOMAIN, approval=approval)


class FakeTransport(OneByOne):
    """Records what it delivers; ``failures`` maps an address to the errors its next sends raise,
    in turn; ``found`` is what it answers when asked whether a Message-ID was delivered."""

    def __init__(self, failures: dict[str, list[Exception]] | None = None, found: bool | None = None) -> None:
        self.sent: list[str] = []
        self.failures = failures or {}
        self.found = found
        self.asked: list[str] = []

    def send(self, mail: OutgoingMail, on_handover) -> None:
        errors = self.failures.get(mail.recipients[0])
        if errors:
            raise errors.pop(0)
        on_handover([mail])
        self.sent.append(mail.recipients[0])

    def delivered(self, message_id: str) -> bool | None:
        self.asked.append(message_id)
        return self.found


def send(store: Store, transport: FakeTransport, now: datetime = T0, **limits: Any) -> outbox.SendReport:
    options = {"rate_per_minute": 100, "max_attempts": 5, "retry_seconds": 60.0, **limits}
    return send_due(store, transport, render, outbox.journal_for(store), now, **options)


def status_of(store: Store, to: str) -> str:
    (entry,) = [e for e in store.outbox if e["to"] == to]
    return entry["status"]


# -- queueing ------------------------------------------------------------------------------------
def test_the_same_key_is_queued_once(store: Store) -> None:
    first = queue(store, "a@example.org", key="ack:<m1@example.net>")
    assert first is not None and first["status"] == outbox.PENDING and first["id"] == 1
    assert queue(store, "a@example.org", key="ack:<m1@example.net>") is None
    assert queue(store, "b@example.org", key="ack:<m1@example.net>") is None  # the key decides, not the address
    assert len(store.outbox) == 1 and store.meta["outbox_seq"] == 1
    second = queue(store, "a@example.org", key="ack:<m2@example.net>")
    assert second is not None and second["id"] == 2


def test_the_message_id_is_stable_per_key(store: Store) -> None:
    entry = queue(store, "a@example.org", key="invite:a@example.org:0")
    assert entry["message_id"] == outbox.message_id_for("invite:a@example.org:0", DOMAIN)
    assert entry["message_id"].endswith(f"@{DOMAIN}>")
    assert outbox.message_id_for("invite:a@example.org:1", DOMAIN) != entry["message_id"]


def test_threading_headers_and_extras_are_kept(store: Store) -> None:
    entry = outbox.enqueue(store, key="k", kind="invitation", to="a@example.org", to_name="A", applicant="a@example.org",
                           context={"x": 1}, now=T0, domain=DOMAIN, in_reply_to="<q@example.net>",
                           references=("<p@example.net>", "<q@example.net>"), auto_submitted="auto-replied",
                           extra={"calendar": {"method": "REQUEST", "sequence": 0}})
    assert entry["in_reply_to"] == "<q@example.net>"
    assert entry["references"] == ["<p@example.net>", "<q@example.net>"]
    assert entry["calendar"] == {"method": "REQUEST", "sequence": 0}
    assert entry["attempts"] == 0 and entry["next_attempt"] == T0.isoformat() and entry["history"] == []


def test_an_address_callflow_never_writes_to_is_kept_failed_never_due(store: Store) -> None:
    entry = queue(store, f"postmaster@{DOMAIN}")
    assert entry["status"] == outbox.FAILED and entry["last_error"].startswith("not sent: ")
    assert outbox.due(store, T0 + timedelta(days=1)) == []


# -- approval ------------------------------------------------------------------------------------
def test_approval_waits_then_releases_everything_awaiting(store: Store) -> None:
    waiting = [queue(store, p, approval=True) for p in PEOPLE[:2]]
    queue(store, PEOPLE[2])
    assert [e["status"] for e in waiting] == [outbox.AWAITING] * 2
    assert [e["to"] for e in outbox.due(store, T0)] == [PEOPLE[2]]
    assert outbox.pending_count(store) == 3

    later = T0 + timedelta(hours=2)
    released = outbox.approve(store, None, later, "anna")
    assert [e["to"] for e in released] == PEOPLE[:2]
    for entry in released:
        assert entry["status"] == outbox.PENDING and entry["next_attempt"] == later.isoformat()
        assert entry["history"][-1] == {"at": later.isoformat(), "event": "approved", "by": "anna"}
    assert outbox.approve(store, None, later, "anna") == []  # nothing is left awaiting


def test_approve_by_id_and_what_cannot_be_approved(store: Store) -> None:
    waiting = queue(store, "a@example.org", approval=True)
    pending = queue(store, "b@example.org")
    for ids in ([waiting["id"], pending["id"]], [pending["id"], waiting["id"]]):
        with pytest.raises(UsageError, match=f"outbox {pending['id']}: is pending, nothing to approve"):
            outbox.approve(store, ids, T0, "anna")
        assert waiting["status"] == outbox.AWAITING  # all or nothing: the other is not released either
    with pytest.raises(UsageError, match="no entry with id 99"):
        outbox.approve(store, ["99"], T0, "anna")
    assert outbox.approve(store, [str(waiting["id"])], T0, "anna") == [waiting]  # ids as the CLI gives them
    assert waiting["status"] == outbox.PENDING


def test_an_uncertain_mail_is_resent_only_when_a_person_approves_it(store: Store) -> None:
    entry = queue(store, "a@example.org")
    entry["status"] = outbox.UNCERTAIN
    assert outbox.due(store, T0) == []
    outbox.approve(store, [entry["id"]], T0, "anna")
    assert entry["status"] == outbox.PENDING and outbox.due(store, T0) == [entry]


def test_discard_open_mail_but_not_what_is_done(store: Store) -> None:
    waiting = queue(store, "a@example.org", approval=True)
    pending = queue(store, "b@example.org")
    sent = queue(store, "c@example.org")
    sent["status"] = outbox.SENT
    with pytest.raises(UsageError, match=f"outbox {sent['id']}: is sent, cannot discard"):
        outbox.discard(store, [waiting["id"], sent["id"]], T0, "anna")
    assert waiting["status"] == outbox.AWAITING
    outbox.discard(store, [waiting["id"], pending["id"]], T0, "anna")
    assert (waiting["status"], pending["status"]) == (outbox.DISCARDED, outbox.DISCARDED)
    assert waiting["history"][-1]["event"] == "discarded" and waiting["history"][-1]["by"] == "anna"
    assert outbox.pending_count(store) == 0
    with pytest.raises(UsageError, match="cannot discard"):
        outbox.discard(store, [pending["id"]], T0, "anna")


# -- what is due, and sending ----------------------------------------------------------------------
def test_due_is_pending_mail_whose_time_has_come_in_queue_order(store: Store) -> None:
    a, b, c = (queue(store, person) for person in PEOPLE)
    a["id"], c["id"] = c["id"], a["id"]  # queue order is the id, whatever order the table keeps
    b["next_attempt"] = (T0 + timedelta(minutes=5)).isoformat()
    assert [e["to"] for e in outbox.due(store, T0)] == ["c@example.org", "a@example.org"]
    assert [e["to"] for e in outbox.due(store, T0 + timedelta(minutes=5))] == PEOPLE[::-1]
    assert outbox.due(store, T0 - timedelta(seconds=1)) == []
    a["status"] = outbox.AWAITING
    assert a not in outbox.due(store, T0)


def test_sending_journals_the_handover_and_records_the_mail_sent(store: Store) -> None:
    queue(store, "a@example.org")
    transport = FakeTransport()
    report = send(store, transport)
    assert transport.sent == ["a@example.org"] and report.changed
    (entry,) = report.sent
    assert entry["status"] == outbox.SENT and entry["sent_at"] == T0.isoformat() and entry["attempts"] == 1
    assert entry["history"][-1]["event"] == "sent"
    journal = outbox.journal_for(store)
    assert journal.path.read_text(encoding="utf-8") == f"handover {entry['id']}\ndone {entry['id']}\n"
    assert send(store, transport).changed is False  # nothing is due any more
    assert transport.sent == ["a@example.org"]


def test_sends_recorded_as_a_list_by_an_older_release_still_count(store: Store) -> None:
    store.meta["recent_sends"] = [(T0 - timedelta(seconds=s)).isoformat() for s in (10, 10, 70)]
    for i in range(3):
        queue(store, f"p{i}@example.org")
    report = send(store, FakeTransport(), rate_per_minute=3)
    assert len(report.sent) == 1 and report.deferred == 2  # two of the three were in this minute
    assert store.meta["recent_sends"] == {(T0 - timedelta(seconds=10)).isoformat(): 2, T0.isoformat(): 1}


def test_at_most_rate_per_minute_the_rest_deferred(store: Store) -> None:
    for i in range(5):
        queue(store, f"p{i}@example.org")
    transport = FakeTransport()
    report = send(store, transport, rate_per_minute=2)
    assert transport.sent == ["p0@example.org", "p1@example.org"] and report.deferred == 3
    assert store.meta["recent_sends"] == {T0.isoformat(): 2}
    # Within the same minute nothing more goes out, whatever the pass.
    report = send(store, transport, T0 + timedelta(seconds=59), rate_per_minute=2)
    assert report.sent == [] and report.deferred == 3
    assert {status_of(store, f"p{i}@example.org") for i in range(2, 5)} == {outbox.PENDING}
    # A minute later, the next two, in queue order.
    report = send(store, transport, T0 + timedelta(seconds=61), rate_per_minute=2)
    assert transport.sent[2:] == ["p2@example.org", "p3@example.org"] and report.deferred == 1


def test_a_temporary_failure_is_retried_with_backoff_until_max_attempts(store: Store) -> None:
    queue(store, "a@example.org")
    queue(store, "b@example.org")
    later = TransportError("451 4.3.0 try again later")
    transport = FakeTransport({"a@example.org": [later, later, later]})
    report = send(store, transport, max_attempts=3, retry_seconds=60)
    (entry,) = report.retried
    assert transport.sent == ["b@example.org"]  # one mail's failure holds up no other
    assert entry["status"] == outbox.PENDING and entry["attempts"] == 1 and entry["last_error"] == str(later)
    assert entry["next_attempt"] == (T0 + timedelta(seconds=60)).isoformat()
    assert outbox.journal_for(store).read() == {"1": "fail", "2": "done"}

    assert send(store, transport, T0 + timedelta(seconds=59)).changed is False  # not due yet
    second = T0 + timedelta(seconds=60)
    send(store, transport, second, max_attempts=3, retry_seconds=60)
    assert entry["attempts"] == 2 and entry["next_attempt"] == (second + timedelta(seconds=120)).isoformat()
    third = second + timedelta(seconds=120)
    report = send(store, transport, third, max_attempts=3, retry_seconds=60)
    assert report.failed == [entry] and entry["status"] == outbox.FAILED and entry["attempts"] == 3
    assert entry["history"][-1]["event"].startswith("failed: 451")
    assert transport.sent == ["b@example.org"]


def test_a_permanent_refusal_fails_at_once_and_is_reported(store: Store) -> None:
    queue(store, "gone@example.org")
    refusals: list[tuple[str, str]] = []
    error = SmtpSendError("smtp: recipient refused: 550 5.1.1 no such user", True, ["gone@example.org"])
    transport = FakeTransport({"gone@example.org": [error]})
    report = send(store, transport, on_refused=lambda entry, why: refusals.append((entry["to"], why)))
    (entry,) = report.failed
    assert entry["status"] == outbox.FAILED and entry["attempts"] == 1
    assert refusals == [("gone@example.org", str(error))]


def test_a_mail_lost_after_the_data_went_out_is_uncertain_and_not_retried(store: Store) -> None:
    queue(store, "a@example.org")
    error = SmtpSendError("smtp: connection lost after the data", False, maybe_delivered=True)
    report = send(store, FakeTransport({"a@example.org": [error]}))
    assert report.failed[0]["status"] == outbox.UNCERTAIN
    assert outbox.due(store, T0 + timedelta(days=1)) == []


def test_a_mail_that_cannot_be_rendered_fails_alone(store: Store) -> None:
    queue(store, "a@example.org")
    queue(store, "b@example.org")

    def fragile(entry: dict[str, Any]):
        if entry["to"] == "a@example.org":
            raise ValueError("template says no")
        return render(entry)

    transport = FakeTransport()
    report = send_due(store, transport, fragile, outbox.journal_for(store), T0,
                             rate_per_minute=100, max_attempts=5, retry_seconds=60)
    assert transport.sent == ["b@example.org"]
    assert status_of(store, "a@example.org") == outbox.FAILED
    assert report.failed[0]["last_error"] == "cannot render: template says no"


# -- the send journal ----------------------------------------------------------------------------
def test_the_journal_keeps_the_last_word_per_key(tmp_path: Path) -> None:
    journal = outbox.SendJournal(tmp_path / "state.json.sendlog")
    assert journal.read() == {}
    journal.handover(["k1"])
    journal.done("k1")
    journal.handover(["k2"])
    journal.fail("k2")
    journal.handover(["k3"])
    assert journal.read() == {"k1": "done", "k2": "fail", "k3": "handover"}
    assert (journal.path.stat().st_mode & 0o777) == 0o600
    journal.clear()
    assert not journal.path.exists() and journal.read() == {}
    journal.clear()  # clearing twice is harmless


def test_the_journal_ignores_what_it_did_not_write(tmp_path: Path) -> None:
    path = tmp_path / "state.json.sendlog"
    path.write_text("begin k0\nhandover\nnonsense k1\nhandover k2\ndone k2\nhando", encoding="utf-8")
    assert outbox.SendJournal(path).read() == {"k0": "begin", "k2": "done"}


def test_the_journal_sits_beside_the_state_file(store: Store) -> None:
    assert outbox.journal_for(store).path == store.path.with_name("state.json.sendlog")


# -- recovery after a crash ----------------------------------------------------------------------
def _journal_says(store: Store, *lines: str) -> outbox.SendJournal:
    journal = outbox.journal_for(store)
    journal.path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return journal


def test_recover_done_is_sent_without_asking_the_transport(store: Store) -> None:
    entry = queue(store, "a@example.org")
    transport = FakeTransport(found=False)
    later = T0 + timedelta(minutes=1)
    result = outbox.recover(store, _journal_says(store, "handover ack:a@example.org", "done ack:a@example.org"),
                            later, transport.delivered)
    assert (result.sent, result.resent, result.uncertain) == (1, 0, 0) and result
    assert entry["status"] == outbox.SENT and entry["sent_at"] == later.isoformat() and entry["attempts"] == 1
    assert transport.asked == []


@pytest.mark.parametrize(("found", "status", "counts"), [
    (True, outbox.SENT, (1, 0, 0)),
    (False, outbox.PENDING, (0, 1, 0)),
    (None, outbox.UNCERTAIN, (0, 0, 1)),
])
def test_recover_a_handover_without_done_asks_the_transport(
    store: Store, found: bool | None, status: str, counts: tuple[int, int, int]
) -> None:
    entry = queue(store, "a@example.org")
    transport = FakeTransport(found=found)
    result = outbox.recover(store, _journal_says(store, "handover ack:a@example.org"), T0, transport.delivered)
    assert transport.asked == [entry["message_id"]]
    assert entry["status"] == status and (result.sent, result.resent, result.uncertain) == counts
    if found is False:
        # Provably never delivered: it simply goes out again.
        assert outbox.due(store, T0) == [entry] and "sent again" in entry["history"][-1]["event"]
    if found is None:
        assert "may or may not have been delivered" in entry["last_error"]


def test_recover_without_a_transport_to_ask_is_uncertain(store: Store) -> None:
    entry = queue(store, "a@example.org")
    result = outbox.recover(store, _journal_says(store, "handover ack:a@example.org"), T0)
    assert entry["status"] == outbox.UNCERTAIN and result.uncertain == 1


def test_recover_a_legacy_begin_is_uncertain_whatever_the_transport_says(store: Store) -> None:
    entry = queue(store, "a@example.org")
    transport = FakeTransport(found=False)
    result = outbox.recover(store, _journal_says(store, "begin ack:a@example.org"), T0, transport.delivered)
    assert entry["status"] == outbox.UNCERTAIN and result.uncertain == 1
    assert transport.asked == []  # "begin" came before the handover point: nobody can say


def test_recover_leaves_failed_sent_and_unknown_keys_alone(store: Store) -> None:
    failed = queue(store, "a@example.org")
    sent = queue(store, "b@example.org")
    sent.update(status=outbox.SENT, attempts=1, sent_at=T0.isoformat())
    journal = _journal_says(store, "handover ack:a@example.org", "fail ack:a@example.org",
                            "handover ack:b@example.org", "done ack:b@example.org",
                            "handover ack:nobody@example.org")
    result = outbox.recover(store, journal, T0 + timedelta(minutes=1), FakeTransport(found=None).delivered)
    assert not result
    assert failed["status"] == outbox.PENDING and failed["history"] == []
    assert sent["status"] == outbox.SENT and sent["attempts"] == 1 and sent["history"] == []


# -- uncertain mail found later where the provider keeps sent mail ---------------------------------
def _uncertain(store: Store, at: datetime) -> dict[str, Any]:
    entry = queue(store, "a@example.org", now=at)
    outbox.recover(store, _journal_says(store, "handover ack:a@example.org"), at)
    assert entry["status"] == outbox.UNCERTAIN
    return entry


def test_resolve_uncertain_records_a_mail_found_delivered(store: Store) -> None:
    entry = _uncertain(store, T0)
    assert outbox.resolve_uncertain(store, T0, FakeTransport(found=None).delivered) == 0
    assert entry["status"] == outbox.UNCERTAIN and entry["checked_delivered"] == T0.isoformat()
    later = T0 + outbox.RECHECK_EVERY
    assert outbox.resolve_uncertain(store, later, FakeTransport(found=True).delivered) == 1
    assert entry["status"] == outbox.SENT and entry["last_error"] is None
    assert "where the provider keeps sent mail" in entry["history"][-1]["event"]


def test_resolve_uncertain_asks_at_most_every_ten_minutes_and_for_two_days(store: Store) -> None:
    _uncertain(store, T0)
    transport = FakeTransport(found=None)
    outbox.resolve_uncertain(store, T0, transport.delivered)
    outbox.resolve_uncertain(store, T0 + outbox.RECHECK_EVERY - timedelta(seconds=1), transport.delivered)
    assert len(transport.asked) == 1
    outbox.resolve_uncertain(store, T0 + outbox.RECHECK_FOR, transport.delivered)
    assert len(transport.asked) == 2
    found = FakeTransport(found=True)
    assert outbox.resolve_uncertain(store, T0 + outbox.RECHECK_FOR + timedelta(minutes=11), found.delivered) == 0
    assert found.asked == []  # too late: a person decides


# -- one mail that cannot be written out fails alone ------------------------------------------
class _Picky(OneByOne):
    """Sends everything, except that one address breaks the writing (before or after handover)."""

    def __init__(self, breaks: str, after_handover: bool) -> None:
        self.breaks, self.after_handover, self.sent = breaks, after_handover, []

    def send(self, mail: OutgoingMail, on_handover) -> None:
        if mail.recipients[0] == self.breaks and not self.after_handover:
            raise UnicodeEncodeError("ascii", "x", 0, 1, "cannot encode")
        on_handover([mail])
        if mail.recipients[0] == self.breaks:
            raise RuntimeError("a bug after the data went out")
        self.sent.append(mail.recipients[0])


@pytest.mark.parametrize(("after_handover", "status"), [(False, "failed"), (True, "uncertain")])
def test_a_mail_that_cannot_be_written_out_fails_alone(tmp_path: Path, after_handover: bool, status: str) -> None:
    now = datetime(2022, 3, 1, 12, tzinfo=ZoneInfo("UTC"))
    store = Store(tmp_path / "state.json")
    for person in PEOPLE:
        outbox.enqueue(store, key=f"k:{person}", kind="ack_inquiry", to=person, to_name="", applicant=person,
                       context={}, now=now, domain="callflow.example.org")

    transport = _Picky("b@example.org", after_handover)
    report = send_due(store, transport, render, outbox.journal_for(store), now,
                             rate_per_minute=100, max_attempts=5, retry_seconds=60)
    assert transport.sent == ["a@example.org", "c@example.org"]
    assert {e["to"]: e["status"] for e in store.outbox}["b@example.org"] == status
    assert [e["to"] for e in report.failed] == ["b@example.org"]
