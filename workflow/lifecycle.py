"""The applicant lifecycle: states, flags, the transition table, and the record itself.

One record per applicant, keyed by the normalised address, with an append-only history.
Every state change goes through ``transition()``, which consults ``TRANSITIONS`` — the one
place that says which step is allowed from which state and which mail it causes.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from .errors import TransitionError


class State(StrEnum):
    INQUIRED = "inquired"
    APPLIED = "applied"
    SELECTED = "selected"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    INVITED = "invited"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class Flag(StrEnum):
    LATE = "late"
    BOUNCED = "bounced"
    NEEDS_ATTENTION = "needs_attention"
    ERASED = "erased"


S = State
# (from state or None for "no record yet", event) → (new state, mail kind or None).
# The mail kinds are templates; mail that needs organiser approval waits in the outbox.
TRANSITIONS: dict[tuple[State | None, str], tuple[State, str | None]] = {
    (None, "inquiry"): (S.INQUIRED, "ack_inquiry"),
    (S.INQUIRED, "inquiry"): (S.INQUIRED, None),
    (None, "application"): (S.APPLIED, "ack_application"),
    (S.INQUIRED, "application"): (S.APPLIED, "ack_application"),
    (S.APPLIED, "application"): (S.APPLIED, None),  # a duplicate response updates the record
    (S.WITHDRAWN, "application"): (S.APPLIED, "ack_application"),  # applied again after withdrawing
    # Organisers' decisions.
    (S.APPLIED, "select"): (S.SELECTED, "selection"),
    (S.WAITLISTED, "select"): (S.SELECTED, "selection"),
    (S.REJECTED, "select"): (S.SELECTED, "selection"),  # organisers may reconsider
    (S.APPLIED, "waitlist"): (S.WAITLISTED, "waitlisting"),
    (S.SELECTED, "waitlist"): (S.WAITLISTED, "waitlisting"),
    (S.REJECTED, "waitlist"): (S.WAITLISTED, "waitlisting"),
    (S.APPLIED, "reject"): (S.REJECTED, "rejection"),
    (S.WAITLISTED, "reject"): (S.REJECTED, "rejection"),
    (S.SELECTED, "reject"): (S.REJECTED, "rejection"),
    (S.INVITED, "reject"): (S.REJECTED, "rejection"),  # the rejection carries the calendar CANCEL
    (S.CONFIRMED, "reject"): (S.REJECTED, "rejection"),
    (S.WAITLISTED, "promote"): (S.SELECTED, "promotion"),
    (S.SELECTED, "invite"): (S.INVITED, "invitation"),
    # The applicant's answers (by mail or calendar reply).
    (S.INVITED, "confirm"): (S.CONFIRMED, "confirmation"),
    (S.DECLINED, "confirm"): (S.CONFIRMED, "confirmation"),  # changed their mind; a place must be free
    (S.INVITED, "decline"): (S.DECLINED, "decline_ack"),
    (S.CONFIRMED, "decline"): (S.DECLINED, "decline_ack"),
}
# Withdrawal is possible from every state but withdrawn itself.
for _state in State:
    if _state is not S.WITHDRAWN:
        TRANSITIONS[(_state, "withdraw")] = (S.WITHDRAWN, "withdrawal_ack")

# Places are taken by these states (capacity counts them). State is a StrEnum, so a record's
# plain-string state tests directly against these sets.
HOLDS_PLACE = frozenset({S.SELECTED, S.INVITED, S.CONFIRMED})
# These have a calendar entry from us that a later change must update or cancel.
HAS_CALENDAR_ENTRY = frozenset({S.INVITED, S.CONFIRMED})
# States in which the applicant has left the process: mail queued for an earlier step that has
# not gone out (a selection or invitation awaiting approval, a reminder) no longer applies.
LEFT_PROCESS = frozenset({S.WITHDRAWN, S.DECLINED, S.REJECTED})


def new_record(email: str, name: str | None, now: datetime) -> dict[str, Any]:
    return {
        "email": email,
        "name": name or "",
        "state": None,
        "flags": [],
        "fields": {},
        "extra": {},
        "response_ids": [],
        "created": now.isoformat(),
        "updated": now.isoformat(),
        "applied_at": None,
        "auto_answers": [],
        "sent_message_ids": [],
        "calendar_sequence": None,  # SEQUENCE of the last invitation/update sent; None: never invited
        "invited_at": None,
        "history": [],
    }


def add_history(record: dict[str, Any], now: datetime, event: str, detail: str = "", by: str = "mail") -> None:
    record["history"].append({"at": now.isoformat(), "event": event, "detail": detail, "by": by})
    record["updated"] = now.isoformat()


def has_written(record: dict[str, Any]) -> bool:
    """The person sent callflow mail themselves (the decide stage records each as a "mail" event)."""
    return any(h.get("event") == "mail" for h in record.get("history", []))


def set_flag(record: dict[str, Any], flag: Flag, on: bool = True) -> bool:
    """Set or clear a flag; True if it changed."""
    flags: list[str] = record["flags"]
    if on and flag.value not in flags:
        flags.append(flag.value)
        return True
    if not on and flag.value in flags:
        flags.remove(flag.value)
        return True
    return False


def can(record: dict[str, Any] | None, event: str) -> bool:
    state = State(record["state"]) if record and record.get("state") else None
    return (state, event) in TRANSITIONS


def transition(
    record: dict[str, Any], event: str, now: datetime, by: str = "mail", detail: str = ""
) -> tuple[State, str | None]:
    """Apply one lifecycle event to the record; returns (new state, mail kind to send)."""
    current = State(record["state"]) if record.get("state") else None
    step = TRANSITIONS.get((current, event))
    if step is None:
        raise TransitionError(
            f"{record['email']}: cannot {event} an applicant who is {current.value if current else 'unknown'}"
        )
    new_state, mail_kind = step
    record["state"] = new_state.value
    if new_state is S.INVITED:
        record["invited_at"] = now.isoformat()
    what = f"{current.value if current else 'new'} → {new_state.value}"
    add_history(record, now, event, f"{what}{'; ' + detail if detail else ''}", by)
    return new_state, mail_kind
