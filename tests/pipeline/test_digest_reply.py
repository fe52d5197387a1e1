"""Organisers answer the digest with commands by mail: a whole pass on the embedded default, from
the survey notifications to the result mail. The commands themselves (parsing, authorisation,
execution) are tested in tests/unit/decide/test_commands_by_mail.py."""

from __future__ import annotations

import email
from datetime import datetime
from email import policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests import mails
from tests.cfg import START
from tests.maildir import World, deliver, outgoing
from workflow import tokens
from workflow.store import Store

NOW = datetime(2022, 3, 1, 12, 0, tzinfo=ZoneInfo("Europe/Brussels"))
ORGANISER = "anna.organiser@example.org"
FROM_ORGANISER = f"Anna Organiser <{ORGANISER}>"


# -- end to end through the CLI on the Maildir default --------------------------------------
def test_end_to_end_reply_to_the_digest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    w = World(tmp_path)
    inbox = tmp_path / "mail"
    deliver(inbox, "1.survey", mails.survey("jonas.peeters@example.org", "Jonas Peeters", "1042"))
    deliver(inbox, "2.survey", mails.survey("lea@example.org", "Lea Example", "1043"))
    w.run()
    acks = len(outgoing(tmp_path))

    store = Store(tmp_path / "state.json")
    token = tokens.issue(store, NOW)
    store.commit()
    command = mails.build(
        FROM_ORGANISER, f"Re: Digest 1 Mar – Working group meeting {tokens.subject_tag(token)}",
        "Hello,\n\nselect jonas.peeters@example.org\nwaitlist nobody@example.org\n\nAnna\n\n"
        f"On Tue, 1 Mar 2022, Working group contact <{mails.CONTACT}> wrote:\n> reject lea@example.org\n",
        to=f"Working group contact <contact+cf-{token}@callflow.example.org>",
    )
    deliver(inbox, "3.command", command)
    w.run()

    capsys.readouterr()
    w(START, "show", "jonas.peeters@example.org", "--json")
    assert '"state": "selected"' in capsys.readouterr().out
    w(START, "show", "lea@example.org", "--json")
    assert '"state": "applied"' in capsys.readouterr().out

    sent = outgoing(tmp_path)
    assert len(sent) == acks + 1  # the selection mail waits for approval; only the result goes out
    (reply,) = [m for m in sent if m["To"].addresses[0].addr_spec == ORGANISER]
    assert reply["Subject"] == "Commands done: 1 ok, 1 failed – Working group meeting"
    original = email.message_from_bytes(command, policy=policy.default)["Message-ID"]
    assert reply["In-Reply-To"] == original and reply["Auto-Submitted"] == "auto-replied"
    # Answering the result mail works like answering the digest (same, still valid token).
    assert reply["Reply-To"].addresses[0].addr_spec == f"contact+cf-{token}@callflow.example.org"
    text = reply.get_body(("plain",)).get_content()
    assert "select jonas.peeters@example.org: applied → selected; mail: selection (awaiting approval)" in text
    assert "waitlist nobody@example.org: error: no such applicant" in text
    assert "reject lea@example.org" not in text
    assert "3.command:2,S" in {p.name for p in (inbox / ".Processed" / "cur").iterdir()}

    # A second pass neither runs the commands again nor answers again.
    w.run()
    assert len(outgoing(tmp_path)) == acks + 1
