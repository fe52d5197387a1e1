"""Crafted senders and attacker-sized headers: callflow answers only addresses a person uses,
takes them from the address (never from a display name), and keeps every answer small.

On the embedded default; the same through real servers is in tests/e2e/test_hostile_senders_e2e.py."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tests import mails
from tests.cfg import START
from tests.maildir import World, deliver, outgoing, recipients
from workflow import tokens
from workflow.config import load
from workflow.store import Store

LIMIT = 32 * 1024  # "a few tens of KB whatever arrived"

# -- addresses callflow cannot stand behind -----------------------------------------------------
UNANSWERABLE = [
    ("x@[127.0.0.1]", "domain literal"),
    ('"a@b.example"@evil.example', "quoted or unusual local part"),
    ("bob@intranet", "no dot in the domain"),
    ("postmaster@callflow.example.org", "a role account of our own domain"),
    ("someone@10.0.0.1", "does not route"),
]


def test_unanswerable_senders_are_recorded_and_left_for_a_person(tmp_path: Path, capsys) -> None:
    w = World(tmp_path)
    inbox = tmp_path / "mail"
    for i, (sender, _) in enumerate(UNANSWERABLE):
        deliver(inbox, f"{i}.x", mails.build(sender, "Participation", "I would like to take part.\n"))
    deliver(inbox, "9.ok", mails.inquiry("Maria <maria@example.net>", question=False))
    w.run()

    assert recipients(tmp_path) == ["maria@example.net"]
    store = Store(tmp_path / "state.json")
    for sender, why in UNANSWERABLE:
        record = store.applicants.get(sender.lower())
        assert record is not None, sender
        assert "needs_attention" in record["flags"]
        assert any(h["event"] == "not_answered" and why in h["detail"] for h in record["history"])
    # The mail stays in the inbox, flagged for a person; nothing is queued to those addresses.
    assert sorted(n.split(":")[0] for n in os.listdir(inbox / "cur")) == [f"{i}.x" for i in range(5)]
    assert all(n.endswith(":2,F") for n in os.listdir(inbox / "cur"))
    assert [e["to"] for e in store.outbox] == ["maria@example.net"]
    # The organisers' digest says why nobody answered.
    capsys.readouterr()
    w(START, "digest", "--print")
    digest = capsys.readouterr().out
    assert digest.count("not answered automatically") == 5 and "domain literal" in digest


def test_a_survey_naming_an_unanswerable_address_writes_to_nobody(tmp_path: Path) -> None:
    w = World(tmp_path)
    inbox = tmp_path / "mail"
    deliver(inbox, "1.s", mails.survey("victim@[192.0.2.7]", "Someone", "77"))  # not an address at all
    deliver(inbox, "2.s", mails.survey("postmaster@callflow.example.org", "Someone else", "78"))
    w.run()
    assert outgoing(tmp_path) == []
    store = Store(tmp_path / "state.json")
    assert store.applicants.get("victim@[192.0.2.7]") is None
    record = store.applicants.get("postmaster@callflow.example.org")
    assert record["state"] == "applied" and "needs_attention" in record["flags"]
    assert sorted(n.split(":")[0] for n in os.listdir(inbox / "cur")) == ["1.s", "2.s"]


def test_the_outbox_refuses_an_unanswerable_address_whoever_queues_it(tmp_path: Path) -> None:
    # An organiser decision for such a record is kept as failed with the reason, never sent.
    w = World(tmp_path)
    deliver(tmp_path / "mail", "1.s", mails.survey("postmaster@callflow.example.org", "Someone", "77"))
    w.run()
    w(START, "select", "postmaster@callflow.example.org")
    store = Store(tmp_path / "state.json")
    assert store.applicants.get("postmaster@callflow.example.org")["state"] == "selected"
    assert [e["kind"] for e in store.outbox] == []  # the lifecycle refused to queue it
    from workflow import outbox

    entry = outbox.enqueue(store, key="k", kind="selection", to="postmaster@callflow.example.org", to_name="",
                           applicant=None, context={}, now=datetime(2022, 3, 1, tzinfo=ZoneInfo("UTC")),
                           domain="callflow.example.org")
    assert entry["status"] == "failed" and "role account" in entry["last_error"]
    assert outbox.due(store, datetime(2022, 3, 2, tzinfo=ZoneInfo("UTC"))) == []


# -- answers stay small ----------------------------------------------------------------------
def _sizes(tmp: Path) -> list[int]:
    return [p.stat().st_size for p in sorted((tmp / "outgoing" / "new").iterdir())]


def test_attacker_sized_subjects_and_names_give_small_answers(tmp_path: Path) -> None:
    w = World(tmp_path)
    inbox = tmp_path / "mail"
    huge = "Participation " + "very " * 400_000 + "long"  # 2 MB
    # Written raw: the email package needs a minute to fold a 2 MB header (an attacker does not).
    deliver(inbox, "1.subject", mails.raw("A <a@example.org>", huge, "I would like to take part.\n"))
    deliver(inbox, "2.name", mails.raw(f"{huge} <b@example.org>", "Participation", "I would like to take part.\n"))
    deliver(inbox, "3.encoded", mails.raw(
        f"=?utf-8?b?{__import__('base64').b64encode(huge.encode()).decode()}?= <c@example.org>",
        "Participation", "I would like to take part.\n"))
    deliver(inbox, "4.survey", mails.survey("d@example.org", "Name " * 30_000, "99"))  # 150 KB
    # Beyond what callflow reads of a message (200,000 characters), the address line is not
    # reached: that notification is left for a person, flagged, never lost.
    deliver(inbox, "5.survey", mails.survey("e@example.org", huge, "100"))
    w.run()

    sizes = _sizes(tmp_path)
    assert len(sizes) == 4 and max(sizes) < LIMIT, sizes
    assert [n.split(":")[0] for n in os.listdir(inbox / "cur")] == ["5.survey"]
    for msg in outgoing(tmp_path):
        assert len(str(msg["Subject"])) <= 200 and len(str(msg["To"])) <= 200
    record = Store(tmp_path / "state.json").applicants.get("d@example.org")
    assert len(record["name"]) <= 100


def test_an_organiser_mail_of_thousands_of_lines_gets_a_small_result(tmp_path: Path) -> None:
    w = World(tmp_path)
    config = load(w.cfg)
    store = Store(tmp_path / "state.json")
    token = tokens.issue(store, datetime(2022, 3, 1, 8, 0, tzinfo=ZoneInfo("Europe/Brussels")))
    store.commit()
    body = "".join(f"status {'x' * 50}\n" for _ in range(2000))
    deliver(tmp_path / "mail", "1.cmd", mails.build(
        "Anna Organiser <anna.organiser@example.org>", "Re: Digest", body,
        to=tokens.reply_address(config, token)))
    w.run()
    sizes = _sizes(tmp_path)
    assert len(sizes) == 1 and sizes[0] < 4 * LIMIT, sizes
    (result,) = outgoing(tmp_path)
    text = result.get_body(("plain",)).get_content()
    assert "at most 100 commands per mail" in text


def test_a_broken_encoded_subject_is_answered_with_the_default_subject(tmp_path: Path) -> None:
    w = World(tmp_path)
    deliver(tmp_path / "mail", "1.x", mails.raw(
        "Maria <maria@example.org>", "=?utf-8?q?=1F0=C2=80=F0=90=80=\n =80?=", "I would like to take part.\n"))
    w.run()
    (answer,) = outgoing(tmp_path)
    assert answer["To"].addresses[0].addr_spec == "maria@example.org"
    assert "=?" not in str(answer["Subject"]) and "Working group meeting" in str(answer["Subject"])
    assert [e["status"] for e in Store(tmp_path / "state.json").outbox] == ["sent"]
