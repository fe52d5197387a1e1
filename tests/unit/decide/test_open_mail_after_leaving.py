"""Mail queued for an earlier step that has not gone out no longer applies once the applicant
withdraws, declines, is rejected or is erased: it is discarded, and `outbox approve --all` sends none of it."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests import mails
from tests.cfg import make_config
from workflow import lifecycle, outbox, privacy
from workflow.lifecycle_steps import LifecycleSteps
from workflow.parse import parse
from workflow.store import Store

T0 = datetime(2022, 3, 12, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))
ANA = "ana.keller@example.net"


def _invited_awaiting_approval(tmp_path: Path):
    config = make_config(tmp_path)
    store = Store(tmp_path / "state.json")
    record = lifecycle.new_record(ANA, "Ana Keller", T0)
    lifecycle.transition(record, "application", T0, "survey")
    store.applicants.put(record)
    steps = LifecycleSteps(config, store, T0, "anna")
    steps.apply("select", ANA)
    steps.apply("invite", ANA)  # selection and invitation now await the organisers' approval
    return config, store, record


def test_after_an_erasure_by_mail_nothing_but_the_confirmation_and_cancel_can_go_out(tmp_path: Path) -> None:
    config, store, record = _invited_awaiting_approval(tmp_path)
    request = parse(mails.build(f"Ana <{ANA}>", "My data", "Please delete my data.\n"))
    privacy.erase_on_request(config, store, record, T0 + timedelta(days=1), request)
    LifecycleSteps(config, store, T0 + timedelta(days=2), "anna").approve(None)  # outbox approve --all
    kinds = sorted(e["kind"] for e in outbox.due(store, T0 + timedelta(days=2)))
    assert kinds == ["erasure_ack", "withdrawal_ack"]


def test_an_invitation_awaiting_approval_is_not_sent_after_the_withdrawal(tmp_path: Path) -> None:
    config, store, record = _invited_awaiting_approval(tmp_path)
    mail = parse(mails.build(f"Ana <{ANA}>", "Re: Invitation", "Please withdraw my application.\n"))
    LifecycleSteps(config, store, T0 + timedelta(days=1), "mail").answer(record, "withdraw", mail)
    LifecycleSteps(config, store, T0 + timedelta(days=2), "anna").approve(None)  # outbox approve --all
    kinds = sorted(e["kind"] for e in outbox.due(store, T0 + timedelta(days=2)))
    assert "invitation" not in kinds


def test_an_erasure_in_the_same_pass_as_a_selection_does_not_deliver_the_selection(tmp_path: Path) -> None:
    # One pass has one clock: the organiser's "select" and the applicant's erasure request may be
    # handled at the same moment. Only what the request itself queued still goes out.
    config = make_config(tmp_path)
    store = Store(tmp_path / "state.json")
    record = lifecycle.new_record(ANA, "Ana Keller", T0)
    lifecycle.transition(record, "application", T0, "survey")
    store.applicants.put(record)
    LifecycleSteps(config, store, T0, "anna").apply("select", ANA)  # the selection awaits approval
    request = parse(mails.build(f"Ana <{ANA}>", "My data", "Please delete my data.\n"))
    privacy.erase_on_request(config, store, record, T0, request)
    LifecycleSteps(config, store, T0, "anna").approve(None)  # outbox approve --all
    assert [e["kind"] for e in outbox.due(store, T0)] == ["erasure_ack"]
