"""Survey notifications that cannot be forged into a backscatter tool, on the Maildir backends.

With ``survey.require_authentication`` a notification is acted on only with a trusted server's
DKIM/DMARC pass for its sender; one that fails is left flagged in the inbox, recorded for the
digest, and nobody is recorded or written to. Without it, acknowledgements to addresses that
never wrote to callflow themselves carry the first-contact marker the send stage rate-limits.
(The same flows against Dovecot and aiosmtpd are in ``test_survey_auth_e2e.py``.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import mails
from tests.cfg import START
from tests.maildir import World, deliver, outgoing, recipients
from workflow.store import Store

TRUSTED = "mx.callflow.example.org"
GOOD = f"{TRUSTED}; dkim=pass header.d=surveys.example.org; dmarc=pass header.from=surveys.example.org"


def world(tmp: Path, *, require: bool = True, **sections) -> World:
    """The embedded default trusting TRUSTED's verdicts, and requiring them unless ``require=False``."""
    return World(tmp, survey={"require_authentication": require}, commands={"trusted_authserv_ids": [TRUSTED]},
                 **sections)


def inbox_files(tmp: Path) -> dict[str, list[str]]:
    return {sub: sorted(p.name for p in (tmp / "mail" / sub).iterdir()) for sub in ("new", "cur")}


def test_authenticated_notification_is_acknowledged_to_the_applicant(tmp_path: Path, capsys) -> None:
    w = world(tmp_path)
    deliver(tmp_path / "mail", "1", mails.survey("jonas@example.org", "Jonas Peeters",
                                                 Authentication_Results=GOOD))
    w.run()
    assert recipients(tmp_path) == ["jonas@example.org"]
    assert w.json(capsys, START, "show", "jonas@example.org", "--json")["state"] == "applied"
    assert "refused_surveys" not in Store(tmp_path / "state.json").meta


@pytest.mark.parametrize(
    "added_headers",
    [
        [],
        ["mx.evil.example; dkim=pass header.d=surveys.example.org"],
        [f"{TRUSTED}; dkim=pass header.d=evil.example; dmarc=fail header.from=surveys.example.org"],
        # The trusted server saw a failure; the sender added a passing header of its own.
        [f"{TRUSTED}; dkim=fail header.d=surveys.example.org",
         "mx.evil.example; dkim=pass header.d=surveys.example.org; dmarc=pass header.from=surveys.example.org"],
    ],
)
def test_forged_notification_is_left_flagged_and_nobody_is_written_to(tmp_path: Path, capsys,
                                                                      added_headers: list[str]) -> None:
    w = world(tmp_path)
    lines = "".join(f"Authentication-Results: {value}\n" for value in added_headers)
    raw = lines.encode() + mails.survey("victim@example.net", "Victim")
    deliver(tmp_path / "mail", "1", raw)
    w.run()

    assert outgoing(tmp_path) == []
    assert inbox_files(tmp_path) == {"new": [], "cur": ["1:2,F"]}  # kept, flagged for a person
    assert w.json(capsys, START, "applicants", "--json") == []
    assert w.json(capsys, START, "outbox", "list", "--json", "--all") == []
    store = Store(tmp_path / "state.json")
    (refused,) = store.meta["refused_surveys"]
    assert refused["applicant"] == "victim@example.net" and refused["sender"] == mails.SURVEY
    assert refused["subject"] == "New response" and refused["reason"].startswith("not authenticated: ")
    (message,) = store.messages
    assert message["disposition"] == "attention" and message["applicant"] is None
    assert message["reason"].startswith("survey notification not authenticated")

    # The digest lists it with what it claims and why it was not acted on (once, not also as
    # "other mail").
    capsys.readouterr()
    w(START, "digest", "--print")
    text = capsys.readouterr().out
    assert "Survey notifications not acted on, left flagged in the inbox (1)" in text
    assert f"from {mails.SURVEY}, naming victim@example.net" in text
    assert "Subject: New response" in text and "not authenticated: no " in text
    assert "Other mail left flagged" not in text

    # Read again (a second delivery, a re-run): still nothing, and listed once.
    deliver(tmp_path / "mail", "2", raw)
    w.run()
    assert outgoing(tmp_path) == []
    assert len(Store(tmp_path / "state.json").meta["refused_surveys"]) == 1


def test_ambiguous_sender_is_not_authenticated(tmp_path: Path, capsys) -> None:
    w = world(tmp_path)
    raw = mails.survey("victim@example.net", "Victim", Authentication_Results=GOOD)
    raw = raw.replace(f"From: Survey tool <{mails.SURVEY}>".encode(),
                      f"From: Survey tool <{mails.SURVEY}>, other@evil.example".encode())
    deliver(tmp_path / "mail", "1", raw)
    capsys.readouterr()
    w(START, "classify", str(tmp_path / "mail" / "new" / "1"), "--json")
    (result,) = json.loads(capsys.readouterr().out)
    assert result["authentication"] == {"passed": False, "reason": "ambiguous sender (several From addresses)"}
    w.run()
    assert outgoing(tmp_path) == []


def test_classify_shows_the_verdict_for_survey_notifications(tmp_path: Path, capsys) -> None:
    w = world(tmp_path)
    good = tmp_path / "good.eml"
    good.write_bytes(mails.survey("a@example.org", "A", Authentication_Results=GOOD))
    other = tmp_path / "other.eml"
    other.write_bytes(mails.inquiry())
    capsys.readouterr()
    w(START, "classify", str(good), str(other), "--json")
    first, second = json.loads(capsys.readouterr().out)
    assert first["authentication"] == {"passed": True, "reason": f"dkim=pass for surveys.example.org ({TRUSTED})"}
    assert "authentication" not in second


def test_without_required_authentication_notifications_are_acted_on_as_before(tmp_path: Path, capsys) -> None:
    w = world(tmp_path, require=False)
    deliver(tmp_path / "mail", "1", mails.survey("jonas@example.org", "Jonas Peeters"))
    w.run()
    assert recipients(tmp_path) == ["jonas@example.org"]


def test_verdicts_survive_parallel_understanding(tmp_path: Path, capsys) -> None:
    # Large batches are parsed and classified in worker processes, which hand back a slimmed
    # mail without headers: the verdict must travel in the classification.
    w = world(tmp_path, mailbox={"workers": 2})
    for i in range(80):
        headers = {"Authentication_Results": GOOD} if i % 2 == 0 else {}
        deliver(tmp_path / "mail", f"{i:03d}", mails.survey(f"p{i}@example.org", f"P {i}", str(i), **headers))
    w.run()
    applicants = {r["email"] for r in w.json(capsys, START, "applicants", "--json")}
    assert applicants == {f"p{i}@example.org" for i in range(0, 80, 2)}
    assert len(list((tmp_path / "mail" / "cur").iterdir())) == 40
    assert {r["applicant"] for r in Store(tmp_path / "state.json").meta["refused_surveys"]} == {
        f"p{i}@example.org" for i in range(1, 80, 2)}


def test_only_addresses_that_never_wrote_get_the_first_contact_marker(tmp_path: Path, capsys) -> None:
    w = world(tmp_path, require=False)
    deliver(tmp_path / "mail", "1", mails.inquiry("Maria Keller <maria.keller@example.net>", question=False))
    w.run()
    deliver(tmp_path / "mail", "2", mails.survey("maria.keller@example.net", "Maria Keller", "1"))
    deliver(tmp_path / "mail", "3", mails.survey("jonas@example.org", "Jonas Peeters", "2"))
    w.run()
    marked = {e["to"]: bool(e.get("first_contact")) for e in Store(tmp_path / "state.json").outbox}
    assert marked == {"maria.keller@example.net": False, "jonas@example.org": True}
    assert len(outgoing(tmp_path)) == 3


def test_imported_acknowledgements_carry_the_first_contact_marker(tmp_path: Path, capsys) -> None:
    w = world(tmp_path, require=False, smtp={"first_contact_per_hour": 2})
    export = tmp_path / "export.csv"
    export.write_text("Response ID,Full name,Email address\n"
                      + "".join(f"{i},P {i},p{i}@example.org\n" for i in range(5)), encoding="utf-8")
    w(START, "import", str(export))
    entries = list(Store(tmp_path / "state.json").outbox)
    assert len(entries) == 5 and all(e.get("first_contact") for e in entries)
    w(START, "outbox", "send")
    assert len(outgoing(tmp_path)) == 2
    assert w.json(capsys, START, "status", "--json")["outbox_pending"] == 3


def test_erasure_scrubs_the_address_a_refused_notification_named(tmp_path: Path, capsys) -> None:
    w = world(tmp_path)
    deliver(tmp_path / "mail", "1", mails.survey("victim@example.net", "Victim"))
    w.run()
    # The person writes in (so callflow has a record of them), then asks what is held, then erasure.
    deliver(tmp_path / "mail", "2", mails.inquiry("Victim <victim@example.net>", question=False))
    w.run()
    exported = w.json(capsys, START, "export", "victim@example.net")
    assert [n["subject"] for n in exported["survey_notifications_not_acted_on"]] == ["New response"]
    w(START, "erase", "victim@example.net")
    assert "victim@example.net" not in (tmp_path / "state.json").read_text()
