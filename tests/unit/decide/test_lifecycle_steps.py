"""The lifecycle on its own: the transition table, and the steps that carry applicants through it
(organisers' decisions, capacity and the waitlist, invitations, reminders, calendar updates)."""

from __future__ import annotations

from workflow.lifecycle import TRANSITIONS, State


def test_transition_table_is_explicit_and_withdraw_is_everywhere() -> None:
    for state in State:
        if state is not State.WITHDRAWN:
            assert TRANSITIONS[(state, "withdraw")][0] is State.WITHDRAWN
    assert (State.REJECTED, "invite") not in TRANSITIONS
    assert TRANSITIONS[(State.SELECTED, "invite")] == (State.INVITED, "invitation")
