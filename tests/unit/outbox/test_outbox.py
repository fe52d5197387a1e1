"""The outbox on its own, with a fake transport: idempotent queueing, approval, sending with rate
limits and retries, the send journal and what recovery makes of each state it can be left in."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from workflow import outbox
from workflow.store import Store

PEOPLE = ["a@example.org", "b@example.org", "c@example.org"]


# -- one mail that cannot be written out fails alone ------------------------------------------
class _Picky:
    """Sends everything, except that one address breaks the writing (before or after handover)."""

    def __init__(self, breaks: str, after_handover: bool) -> None:
        self.breaks, self.after_handover, self.sent = breaks, after_handover, []

    def send(self, message, sender, recipients, on_handover) -> None:
        if recipients[0] == self.breaks and not self.after_handover:
            raise UnicodeEncodeError("ascii", "x", 0, 1, "cannot encode")
        on_handover()
        if recipients[0] == self.breaks:
            raise RuntimeError("a bug after the data went out")
        self.sent.append(recipients[0])

    def delivered(self, message_id):
        return None

    def tidy(self) -> None:
        pass


@pytest.mark.parametrize(("after_handover", "status"), [(False, "failed"), (True, "uncertain")])
def test_a_mail_that_cannot_be_written_out_fails_alone(tmp_path: Path, after_handover: bool, status: str) -> None:
    now = datetime(2022, 3, 1, 12, tzinfo=ZoneInfo("UTC"))
    store = Store(tmp_path / "state.json")
    for person in PEOPLE:
        outbox.enqueue(store, key=f"k:{person}", kind="ack_inquiry", to=person, to_name="", applicant=person,
                       context={}, now=now, domain="callflow.example.org")

    def render(entry):
        message = EmailMessage()
        message["To"] = entry["to"]
        return message, "contact@callflow.example.org", [entry["to"]]

    transport = _Picky("b@example.org", after_handover)
    report = outbox.send_due(store, transport, render, outbox.journal_for(store), now,
                             rate_per_minute=100, max_attempts=5, retry_seconds=60)
    assert transport.sent == ["a@example.org", "c@example.org"]
    assert {e["to"]: e["status"] for e in store.outbox}["b@example.org"] == status
    assert [e["to"] for e in report.failed] == ["b@example.org"]
