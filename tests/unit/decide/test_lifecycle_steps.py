"""The lifecycle on its own: the transition table, and the steps that carry applicants through it
(organisers' decisions, capacity and the waitlist, invitations, reminders, calendar updates), on a
real Store with records made by the transition table itself."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests import mails
from tests.cfg import make_config
from workflow import ics, lifecycle, outbox
from workflow.config import Config
from workflow.errors import TransitionError, UsageError
from workflow.lifecycle import TRANSITIONS, State
from workflow.lifecycle_steps import LifecycleSteps
from workflow.parse import ParsedMail, parse
from workflow.store import Store

TZ = ZoneInfo("Europe/Brussels")
T0 = datetime(2022, 3, 1, 12, 0, tzinfo=TZ)
DECIDE = datetime(2022, 3, 12, 10, 0, tzinfo=TZ)  # after the survey closed (end of 10 March)
A, B, C, D = "a@example.org", "b@example.org", "c@example.org", "d@example.org"


def applied(store: Store, *people: str, at: datetime = T0) -> list[dict[str, Any]]:
    """Applications, one an hour from ``at`` in the order given."""
    records = []
    for n, email in enumerate(people):
        when = at + timedelta(hours=n)
        record = lifecycle.new_record(email, email.split("@")[0].title(), when)
        lifecycle.transition(record, "application", when, "survey")
        record["applied_at"] = when.isoformat()
        records.append(store.applicants.put(record))
    return records


def steps(config: Config, store: Store, now: datetime = DECIDE, by: str = "anna") -> LifecycleSteps:
    return LifecycleSteps(config, store, now, by)


def entries(store: Store, kind: str) -> list[dict[str, Any]]:
    return sorted((e for e in store.outbox if e["kind"] == kind), key=lambda e: e["id"])


def answer_mail(sender: str, body: str) -> ParsedMail:
    return parse(mails.build(sender, "Re: Invitation", body))


def test_transition_table_is_explicit_and_withdraw_is_everywhere() -> None:
    for state in State:
        if state is not State.WITHDRAWN:
            assert TRANSITIONS[(state, "withdraw")][0] is State.WITHDRAWN
    assert (State.REJECTED, "invite") not in TRANSITIONS
    assert TRANSITIONS[(State.SELECTED, "invite")] == (State.INVITED, "invitation")


# -- organisers' decisions and capacity ------------------------------------------------------------
def test_select_beyond_capacity_is_refused_unless_forced(config: Config, store: Store) -> None:
    applied(store, A, B, C, D)
    s = steps(config, store)
    for person in (A, B, C):
        change = s.apply("select", person)
        assert change.after == "selected" and change.mails == ["selection"]
    assert s.places_taken() == 3 and s.places_left() == 0
    with pytest.raises(TransitionError, match=r"d@example.org: no place left \(3 taken or proposed\)"):
        s.apply("select", D)
    assert store.applicants.get(D)["state"] == "applied" and entries(store, "selection")[-1]["to"] == C
    assert s.apply("select", D, force=True).after == "selected"
    assert s.places_taken() == 4 and s.places_left() == -1
    # Selection mail waits for the organisers' approval (outbox.approval_required).
    assert {e["status"] for e in entries(store, "selection")} == {outbox.AWAITING}


def test_a_decision_the_table_does_not_allow_is_refused(config: Config, store: Store) -> None:
    applied(store, A)
    s = steps(config, store)
    with pytest.raises(TransitionError, match="cannot invite an applicant who is applied"):
        s.apply("invite", A)
    with pytest.raises(UsageError, match="unknown action 'promote'"):
        s.apply("promote", A)
    with pytest.raises(UsageError, match="nobody@example.org: no such applicant"):
        s.apply("select", "nobody@example.org")
    assert s.apply("select", " A@Example.org ").after == "selected"  # addresses as organisers type them


def test_the_waitlist_is_in_order_of_application(config: Config, store: Store) -> None:
    applied(store, C, at=T0 + timedelta(days=1))  # recorded first, applied last
    applied(store, A, B)
    s = steps(config, store)
    s.apply("waitlist", C)
    s.apply("waitlist", A)
    s.apply("waitlist", B)
    assert [r["email"] for r in s.waitlist()] == [A, B, C]
    positions = {e["to"]: e["context"]["position"] for e in entries(store, "waitlisting")}
    assert positions == {C: 1, A: 1, B: 2}  # the place in the queue when each was told


def test_a_freed_place_is_proposed_to_the_first_on_the_waitlist(tmp_path: Path, store: Store) -> None:
    config = make_config(tmp_path, event={"capacity": 1})
    applied(store, A, B, C, D)
    s = steps(config, store)
    s.apply("select", A)
    s.apply("waitlist", C)
    s.apply("waitlist", B)
    change = s.apply("withdraw", A)
    assert change.after == "withdrawn" and change.note == f"place offered to {B}"
    (proposal,) = entries(store, "promotion")
    assert proposal["to"] == B and proposal["status"] == outbox.AWAITING
    assert proposal["on_approve"] == {"event": "promote"}
    assert store.applicants.get(B)["state"] == "waitlisted"  # nothing changes before the approval
    assert store.applicants.get(B)["history"][-1]["event"] == "proposed"
    # The proposal holds the place: nobody else can be selected meanwhile, nor proposed again.
    assert s.places_left() == 0 and s.promote_next() is None
    with pytest.raises(TransitionError):
        s.apply("select", D)

    s.approve([proposal["id"]])
    assert store.applicants.get(B)["state"] == "selected" and proposal["approved_at"] == DECIDE.isoformat()
    assert proposal["status"] == outbox.PENDING and s.open_proposals() == [] and s.places_left() == 0
    assert store.applicants.get(C)["state"] == "waitlisted"


def test_each_freed_place_goes_to_the_next_person_not_yet_proposed(tmp_path: Path, store: Store) -> None:
    config = make_config(tmp_path, event={"capacity": 2})
    applied(store, A, B, C, D)
    s = steps(config, store)
    for person in (A, B):
        s.apply("select", person)
    for person in (C, D):
        s.apply("waitlist", person)
    assert s.apply("withdraw", A).note == f"place offered to {C}"
    assert s.apply("withdraw", B).note == f"place offered to {D}"
    assert [e["to"] for e in entries(store, "promotion")] == [C, D]


def test_auto_promote_selects_the_first_on_the_waitlist_at_once(tmp_path: Path, store: Store) -> None:
    config = make_config(tmp_path, event={"capacity": 1}, waitlist={"auto_promote": True})
    applied(store, A, B, C)
    s = steps(config, store)
    s.apply("select", A)
    s.apply("waitlist", C)
    s.apply("waitlist", B)
    change = s.apply("reject", A)
    assert change.note == f"place offered to {B}"
    assert store.applicants.get(B)["state"] == "selected" and store.applicants.get(C)["state"] == "waitlisted"
    (promotion,) = entries(store, "promotion")
    assert promotion["to"] == B and promotion["status"] == outbox.PENDING and not promotion.get("on_approve")


def test_approving_a_promotion_whose_applicant_moved_on_discards_it(tmp_path: Path, store: Store) -> None:
    config = make_config(tmp_path, event={"capacity": 1})
    applied(store, A, B)
    s = steps(config, store)
    s.apply("select", A)
    s.apply("waitlist", B)
    s.apply("withdraw", A)
    (proposal,) = entries(store, "promotion")
    s.apply("withdraw", B)  # meanwhile, B withdrew
    s.approve(None)
    assert proposal["status"] == outbox.DISCARDED
    assert proposal["last_error"] == "no longer applicable: the applicant is withdrawn"  # discarded when B withdrew
    assert store.applicants.get(B)["state"] == "withdrawn"


# -- invitations and their calendar entries -----------------------------------------------------------
def test_an_invitation_carries_the_calendar_request_with_its_sequence(config: Config, store: Store) -> None:
    applied(store, A)
    s = steps(config, store)
    s.apply("select", A)
    assert s.apply("invite", A).mails == ["invitation"]
    record = store.applicants.get(A)
    assert record["state"] == "invited" and record["invited_at"] == DECIDE.isoformat()
    assert record["calendar_sequence"] == 0
    invitation = store.outbox.get(f"invite:{A}:0")
    assert invitation["calendar"] == {"method": "REQUEST", "sequence": 0}
    # What was sent is remembered, so a later change of the schedule can be recognised.
    assert store.meta["schedule_fingerprint"] == ics.schedule_fingerprint(config)
    assert store.meta["calendar_sessions"] == ics.session_records(config)

    s.apply("reject", A)
    (rejection,) = entries(store, "rejection")
    assert rejection["calendar"] == {"method": "CANCEL", "sequence": 1}
    assert rejection["context"]["after_invitation"] is True
    s.apply("select", A)  # reconsidered
    s.apply("invite", A)
    assert store.outbox.get(f"invite:{A}:2")["calendar"] == {"method": "REQUEST", "sequence": 2}


def test_withdrawal_after_an_invitation_cancels_the_calendar_entry(config: Config, store: Store) -> None:
    applied(store, A, B)
    s = steps(config, store)
    for person in (A, B):
        s.apply("select", person)
    s.apply("invite", A)
    s.apply("withdraw", A)
    s.apply("withdraw", B)  # selected, never invited: nothing to cancel
    by_to = {e["to"]: e for e in entries(store, "withdrawal_ack")}
    assert by_to[A]["calendar"] == {"method": "CANCEL", "sequence": 1} and by_to[A]["context"]["was_invited"]
    assert "calendar" not in by_to[B] and by_to[B]["context"]["was_invited"] is False


def test_invite_selected_invites_every_selected_person_in_order_of_application(
    config: Config, store: Store
) -> None:
    applied(store, C, at=T0 + timedelta(days=1))  # recorded first, applied last
    applied(store, A, B)
    s = steps(config, store)
    s.apply("select", C)
    s.apply("select", A)
    assert [c.email for c in s.invite_selected()] == [A, C]
    assert store.applicants.get(B)["state"] == "applied"


# -- the applicant's own answers ---------------------------------------------------------------------
def _invited(config: Config, store: Store, *people: str) -> LifecycleSteps:
    applied(store, *people)
    s = steps(config, store)
    for person in people:
        s.apply("select", person)
        s.apply("invite", person)
    return s


def test_an_answer_to_the_invitation_is_a_reply_in_the_thread(config: Config, store: Store) -> None:
    s = _invited(config, store, A)
    mail = answer_mail(f"A <{A}>", "I confirm.\n")
    change = s.answer(store.applicants.get(A), "confirm", mail)
    assert (change.before, change.after, change.mails) == ("invited", "confirmed", ["confirmation"])
    entry = store.outbox.get(f"confirmation:{A}:{mail.key}")
    assert entry["in_reply_to"] == mail.message_id and entry["auto_submitted"] == "auto-replied"
    assert s.answer(store.applicants.get(A), "confirm", mail) is None  # confirmed already
    assert s.answer(store.applicants.get(A), "question", mail) is None


def test_changing_ones_mind_needs_a_free_place(tmp_path: Path, store: Store) -> None:
    config = make_config(tmp_path, event={"capacity": 1})
    s = _invited(config, store, A)
    record = store.applicants.get(A)
    assert s.answer(record, "decline", answer_mail(A, "Sorry, I cannot come.\n")).after == "declined"
    applied(store, B)
    s.apply("select", B)  # the freed place is taken
    assert s.answer(record, "confirm", answer_mail(A, "I can come after all.\n")) is None
    assert record["state"] == "declined"
    s.apply("withdraw", B)
    assert s.answer(record, "confirm", answer_mail(A, "I can come after all!\n")).after == "confirmed"


# -- attention ----------------------------------------------------------------------------------------
def test_resolve_clears_what_needed_attention(config: Config, store: Store) -> None:
    (record,) = applied(store, A)
    lifecycle.set_flag(record, lifecycle.Flag.NEEDS_ATTENTION)
    lifecycle.set_flag(record, lifecycle.Flag.LATE)
    record["attention"] = {"at": T0.isoformat(), "intent": "question", "snippet": "Recorded?", "subject": "Q"}
    change = steps(config, store).resolve(A)
    assert change.note == "attention cleared" and change.before == change.after == "applied"
    assert record["flags"] == ["late"] and "attention" not in record
    assert record["history"][-1]["event"] == "resolved" and record["history"][-1]["by"] == "anna"


def test_an_erased_person_is_no_applicant(config: Config, store: Store) -> None:
    (record,) = applied(store, A)
    lifecycle.set_flag(record, lifecycle.Flag.ERASED)
    with pytest.raises(UsageError, match="no such applicant"):
        steps(config, store).resolve(A)
    with pytest.raises(UsageError, match="no such applicant"):
        steps(config, store).apply("select", A)


# -- reminders ----------------------------------------------------------------------------------------
def _inquired(store: Store, email: str, at: datetime) -> dict[str, Any]:
    record = lifecycle.new_record(email, "", at)
    lifecycle.transition(record, "inquiry", at)
    return store.applicants.put(record)


def _reminded(config: Config, store: Store, at: datetime) -> list[tuple[str, str]]:
    return [(c.email, c.mails[0]) for c in steps(config, store, at, "scheduler").reminders()]


def test_the_deadline_reminder_goes_once_to_who_inquired_and_did_not_apply(config: Config, store: Store) -> None:
    _inquired(store, A, T0)
    _inquired(store, C, datetime(2022, 3, 8, 8, 0, tzinfo=TZ))  # wrote inside the window: just answered
    applied(store, B)
    assert _reminded(config, store, datetime(2022, 3, 7, 12, 0, tzinfo=TZ)) == []  # window not open yet
    at = datetime(2022, 3, 8, 9, 0, tzinfo=TZ)
    assert _reminded(config, store, at) == [(A, "reminder_deadline")]
    entry = store.outbox.get(f"remind:deadline:{A}")
    assert entry["context"]["days_left"] == 2 and entry["auto_submitted"] == "auto-generated"
    assert entry["status"] == outbox.PENDING
    assert _reminded(config, store, at + timedelta(days=1)) == []  # once


def test_the_event_reminder_goes_once_to_who_confirmed_before_the_window(config: Config, store: Store) -> None:
    s = _invited(config, store, A, B)
    s.answer(store.applicants.get(A), "confirm", answer_mail(A, "Yes.\n"))
    # B confirms inside the window (two days before the first session): the confirmation says it all.
    late = steps(config, store, datetime(2022, 3, 22, 15, 0, tzinfo=TZ))
    late.answer(store.applicants.get(B), "confirm", answer_mail(B, "Yes.\n"))
    at = datetime(2022, 3, 23, 10, 0, tzinfo=TZ)
    assert _reminded(config, store, at) == [(A, "reminder_event")]
    assert store.outbox.get(f"remind:event:{A}")["context"]["days_left"] == 1
    assert _reminded(config, store, at + timedelta(hours=12)) == []


def test_an_unanswered_invitation_is_nudged_once(config: Config, store: Store) -> None:
    _invited(config, store, A)  # invited on 12 March at 10:00
    assert _reminded(config, store, DECIDE + timedelta(days=5) - timedelta(minutes=1)) == []
    at = DECIDE + timedelta(days=5)
    assert _reminded(config, store, at) == [(A, "nudge")]
    nudge = store.outbox.get(f"nudge:{A}:0")
    assert nudge["context"]["invited_on"] == "12 March 2022"
    assert _reminded(config, store, at + timedelta(days=1)) == []


def test_no_reminder_to_a_bounced_address_nor_when_switched_off(tmp_path: Path, store: Store) -> None:
    config = make_config(tmp_path)
    record = _inquired(store, A, T0)
    lifecycle.set_flag(record, lifecycle.Flag.BOUNCED)
    at = datetime(2022, 3, 8, 9, 0, tzinfo=TZ)
    assert _reminded(config, store, at) == []
    lifecycle.set_flag(record, lifecycle.Flag.BOUNCED, on=False)
    assert _reminded(make_config(tmp_path, reminders={"enabled": False}), store, at) == []
    assert _reminded(config, store, at) == [(A, "reminder_deadline")]


# -- changes of the schedule ---------------------------------------------------------------------------
def test_nothing_to_update_until_something_changed(config: Config, store: Store) -> None:
    # A record invited without a remembered schedule: nothing to compare with, nothing is sent.
    (record,) = applied(store, D)
    for event in ("select", "invite"):
        lifecycle.transition(record, event, T0)
    assert steps(config, store).send_updates_if_changed() == []
    assert store.meta["schedule_fingerprint"] == ics.schedule_fingerprint(config)
    _invited(config, store, A)
    assert steps(config, store).send_updates_if_changed() == []
    assert entries(store, "invitation_update") == []


def test_a_changed_schedule_updates_every_invited_and_confirmed_person(
    tmp_path: Path, config: Config, store: Store
) -> None:
    s = _invited(config, store, A, B)
    s.answer(store.applicants.get(B), "confirm", answer_mail(B, "Yes.\n"))
    applied(store, C)
    s.apply("select", C)  # selected, not invited: has no calendar entry to update
    moved = make_config(tmp_path, event={"sessions": [
        {"start": "2022-03-24T14:00", "end": "2022-03-24T17:00"},
        {"start": "2022-03-25T13:30", "end": "2022-03-25T16:30"},
    ]})
    changes = steps(moved, store, DECIDE + timedelta(days=1), "scheduler").send_updates_if_changed()
    assert sorted((c.email, c.mails[0]) for c in changes) == [(A, "invitation_update"), (B, "invitation_update")]
    for person in (A, B):
        update = store.outbox.get(f"update:{person}:1")
        assert update["calendar"] == {"method": "REQUEST", "sequence": 1} and update["status"] == outbox.PENDING
        assert store.applicants.get(person)["calendar_sequence"] == 1
    assert entries(store, "cancellation") == []
    assert store.meta["schedule_fingerprint"] == ics.schedule_fingerprint(moved)
    assert steps(moved, store, DECIDE + timedelta(days=2)).send_updates_if_changed() == []  # once


def test_a_removed_session_is_cancelled_then_the_rest_updated(tmp_path: Path, config: Config, store: Store) -> None:
    _invited(config, store, A)
    before = ics.session_records(config)
    shorter = make_config(tmp_path, event={"sessions": [{"start": "2022-03-24T13:30", "end": "2022-03-24T16:30"}]})
    (change,) = steps(shorter, store, DECIDE + timedelta(days=1), "scheduler").send_updates_if_changed()
    (cancellation,) = entries(store, "cancellation")
    assert cancellation["key"] == f"cancel-sessions:{A}:1"
    assert cancellation["calendar"] == {"method": "CANCEL", "sequence": 1, "removed": [before[1]]}
    assert cancellation["context"]["reason"] == "session_removed"
    assert store.outbox.get(f"update:{A}:2")["calendar"] == {"method": "REQUEST", "sequence": 2}
    assert store.meta["calendar_sessions"] == [before[0]]
