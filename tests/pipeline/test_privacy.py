"""Export, erasure (by command and by the applicant's mail) and retention."""

from __future__ import annotations

import json
from pathlib import Path

from tests import mails
from tests.maildir import World, deliver, outgoing


def test_export_and_erase_by_command(tmp_path: Path, capsys) -> None:
    w = World(tmp_path)
    w.apply("ana@example.org")
    data = w.json(capsys, "2022-03-02T10:00", "export", "ana@example.org")
    assert data["applicant"]["email"] == "ana@example.org"
    assert data["mail_sent_or_queued"][0]["kind"] == "ack_application"
    w("2022-03-02T10:00", "erase", "ana@example.org")
    state = (tmp_path / "state.json").read_text()
    assert "ana@example.org" not in state and "Ana" not in state
    rows = w.json(capsys, "2022-03-02T10:00", "applicants", "--json")
    assert len(rows) == 1 and rows[0]["email"].startswith("erased:") and rows[0]["flags"] == ["erased"]
    w("2022-03-02T10:00", "export", "ana@example.org", code=2)


def test_erasure_request_by_mail_is_confirmed_then_forgotten(tmp_path: Path, capsys) -> None:
    w = World(tmp_path)
    w.apply("bo@example.org")
    deliver(tmp_path / "mail", "e1", mails.build(
        "Bo <bo@example.org>", "Data", "Please delete my personal data from your records.\n\nBo\n"))
    w("2022-03-03T10:00", "run", "--once")
    last = outgoing(tmp_path)[-1]
    assert last["To"].addresses[0].addr_spec == "bo@example.org" and "erased" in last["Subject"].lower()
    state = (tmp_path / "state.json").read_text()
    assert "bo@example.org" not in state  # the confirmation went out, then its address was scrubbed
    assert json.loads(state)["applicants"]["1"]["flags"] == ["erased"]


def test_erasure_of_an_invited_person_cancels_the_calendar_entry(tmp_path: Path, capsys) -> None:
    w = World(tmp_path)
    w.apply("cy@example.org")
    for step in (["select", "cy@example.org"], ["invite", "cy@example.org"], ["outbox", "approve", "--all"],
                 ["outbox", "send"]):
        w("2022-03-12T10:00", *step)
    deliver(tmp_path / "mail", "e2", mails.build(
        "Cy <cy@example.org>", "Unsubscribe", "Please remove my data and unsubscribe me.\n"))
    w("2022-03-13T10:00", "run", "--once")
    kinds = [m["Subject"] for m in outgoing(tmp_path)[-2:]]
    cancel = outgoing(tmp_path)[-2]
    assert any(p.get_content_type() == "text/calendar" and p.get_param("method") == "CANCEL" for p in cancel.walk())
    assert "erased" in kinds[-1].lower()
    assert w.json(capsys, "2022-03-13T10:00", "status", "--json")["capacity_left"] == 3


def test_retention_purges_after_the_event(tmp_path: Path, capsys) -> None:
    w = World(tmp_path, retention={"days_after_event": 30})
    w.apply("di@example.org")
    w("2022-04-20T10:00", "run", "--once")
    assert w.json(capsys, "2022-04-20T10:00", "applicants", "--json")[0]["email"] == "di@example.org"
    w("2022-04-26T10:00", "run", "--once")
    assert w.json(capsys, "2022-04-26T10:00", "applicants", "--json")[0]["flags"] == ["erased"]
