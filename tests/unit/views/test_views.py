"""The read-only views the CLI prints: status counts, capacity, the outbox, quarantined mail, and
applicant lists, from a store seeded directly."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from workflow import lifecycle, outbox, views
from workflow.config import Config
from workflow.handling import ATTENTION, PROCESSED, QUARANTINE
from workflow.lifecycle import State
from workflow.store import Store

T0 = datetime(2022, 3, 1, 12, 0, tzinfo=ZoneInfo("Europe/Brussels"))


def person(store: Store, email: str, state: str | None, *flags: str, hours: int = 0) -> dict[str, Any]:
    when = T0 + timedelta(hours=hours)
    record = lifecycle.new_record(email, email.split("@")[0].title(), when)
    record.update(state=state, flags=list(flags))
    if state not in (None, State.INQUIRED.value):
        record["applied_at"] = when.isoformat()
    return store.applicants.put(record)


def queued(store: Store, to: str, status: str) -> None:
    entry = outbox.enqueue(store, key=f"k:{to}:{status}", kind="ack_inquiry", to=to, to_name="", applicant=to,
                           context={}, now=T0, domain="callflow.example.org")
    entry["status"] = status


def test_an_empty_store(config: Config, store: Store) -> None:
    status = views.status(config, store)
    assert status["counts"] == {s.value: 0 for s in State}
    assert status["applicants"] == 0 and status["flags"] == {}
    assert (status["capacity"], status["capacity_taken"], status["capacity_left"]) == (3, 0, 3)
    assert status["outbox_pending"] == 0 and status["outbox"] == {}
    assert status["quarantined"] == 0 and status["messages_handled"] == 0 and status["last_poll"] is None
    assert status["event"] == "Working group meeting"


def test_status_counts_states_flags_and_places(config: Config, store: Store) -> None:
    person(store, "i@example.org", "inquired")
    person(store, "a1@example.org", "applied", "late", "needs_attention")
    person(store, "a2@example.org", "applied", "bounced", "needs_attention")
    person(store, "s@example.org", "selected")
    person(store, "v@example.org", "invited")
    person(store, "c@example.org", "confirmed")
    person(store, "w@example.org", "waitlisted")
    person(store, "d@example.org", "declined")
    person(store, "n@example.org", None)  # a record without a state (only mail from a robot, say)
    store.meta["last_poll"] = T0.isoformat()
    status = views.status(config, store)
    assert status["counts"]["applied"] == 2 and status["counts"]["inquired"] == 1
    assert status["counts"]["rejected"] == 0 and status["applicants"] == 8
    assert status["flags"] == {"late": 1, "needs_attention": 2, "bounced": 1}
    # Selected, invited and confirmed hold a place; waitlisted and declined do not.
    assert status["capacity_taken"] == 3 and status["capacity_left"] == 0
    assert status["last_poll"] == T0.isoformat()


def test_capacity_left_never_goes_below_zero(config: Config, store: Store) -> None:
    for n in range(4):
        person(store, f"p{n}@example.org", "selected")  # one selected with --force
    status = views.status(config, store)
    assert status["capacity_taken"] == 4 and status["capacity_left"] == 0


def test_status_counts_the_outbox_and_the_quarantine(config: Config, store: Store) -> None:
    for status, n in ((outbox.PENDING, 2), (outbox.AWAITING, 1), (outbox.UNCERTAIN, 1), (outbox.SENT, 3),
                      (outbox.FAILED, 1), (outbox.DISCARDED, 1)):
        for i in range(n):
            queued(store, f"p{i}@example.org", status)
    for key, disposition in (("m1", PROCESSED), ("m2", QUARANTINE), ("m3", ATTENTION), ("m4", QUARANTINE)):
        store.messages.put({"key": key, "disposition": disposition})
    status = views.status(config, store)
    assert status["outbox_pending"] == 4  # pending, awaiting approval, uncertain: still open
    assert status["outbox"] == {"pending": 2, "awaiting_approval": 1, "uncertain": 1, "sent": 3, "failed": 1,
                                "discarded": 1}
    assert status["quarantined"] == 2 and status["messages_handled"] == 4


def test_applicants_in_order_of_application_and_by_state(store: Store) -> None:
    person(store, "late@example.org", "applied", hours=5)
    person(store, "early@example.org", "waitlisted", hours=1)
    person(store, "asker@example.org", "inquired", hours=3)  # no application: ordered by when it was created
    assert [r["email"] for r in views.applicants(store)] == [
        "early@example.org", "asker@example.org", "late@example.org"]
    assert [r["email"] for r in views.applicants(store, "applied")] == ["late@example.org"]
    assert views.applicants(store, "confirmed") == []


def test_one_applicant_with_or_without_history(store: Store) -> None:
    record = person(store, "a@example.org", "applied")
    record["fields"] = {"organisation": "Exit Programme"}
    lifecycle.add_history(record, T0, "application", "new → applied", "survey")
    view = views.applicant_view(record)
    assert view["email"] == "a@example.org" and view["state"] == "applied" and view["name"] == "A"
    assert view["fields"] == {"organisation": "Exit Programme"}
    assert view["history"] == [{"at": T0.isoformat(), "event": "application", "detail": "new → applied",
                                "by": "survey"}]
    assert "history" not in views.applicant_view(record, with_history=False)
    view["fields"]["organisation"] = "changed"
    assert record["fields"]["organisation"] == "Exit Programme"  # a view is a copy
