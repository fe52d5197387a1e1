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
from tests.cfg import base_config, write_config
from tests.maildir import cli_json, deliver, outgoing, recipients
from workflow.cli import main
from workflow.store import Store

TRUSTED = "mx.callflow.example.org"
GOOD = f"{TRUSTED}; dkim=pass header.d=surveys.example.org; dmarc=pass header.from=surveys.example.org"
NOW = "2022-03-01T12:00"


def configure(tmp: Path, *, require: bool = True, **smtp) -> list[str]:
    data = base_config(tmp)
    data["survey"]["require_authentication"] = require
    data["commands"] = {"trusted_authserv_ids": [TRUSTED]}
    data["smtp"].update(smtp)
    return ["--config", str(write_config(tmp, data)), "--now", NOW]


def stored(tmp: Path) -> Store:
    return Store(tmp / "state.json")


def inbox_files(tmp: Path) -> dict[str, list[str]]:
    return {sub: sorted(p.name for p in (tmp / "mail" / sub).iterdir()) for sub in ("new", "cur")}


def test_authenticated_notification_is_acknowledged_to_the_applicant(tmp_path: Path, capsys) -> None:
    base = configure(tmp_path)
    deliver(tmp_path / "mail", "1", mails.survey("jonas@example.org", "Jonas Peeters",
                                                 Authentication_Results=GOOD))
    assert main([*base, "run", "--once"]) == 0
    assert recipients(tmp_path) == ["jonas@example.org"]
    assert cli_json([*base, "show", "jonas@example.org", "--json"], capsys)["state"] == "applied"
    assert "refused_surveys" not in stored(tmp_path).meta


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
    base = configure(tmp_path)
    lines = "".join(f"Authentication-Results: {value}\n" for value in added_headers)
    raw = lines.encode() + mails.survey("victim@example.net", "Victim")
    deliver(tmp_path / "mail", "1", raw)
    assert main([*base, "run", "--once"]) == 0

    assert outgoing(tmp_path) == []
    assert inbox_files(tmp_path) == {"new": [], "cur": ["1:2,F"]}  # kept, flagged for a person
    assert cli_json([*base, "applicants", "--json"], capsys) == []
    assert cli_json([*base, "outbox", "list", "--json", "--all"], capsys) == []
    store = stored(tmp_path)
    (refused,) = store.meta["refused_surveys"]
    assert refused["applicant"] == "victim@example.net" and refused["sender"] == mails.SURVEY
    assert refused["subject"] == "New response" and refused["reason"].startswith("not authenticated: ")
    (message,) = store.messages
    assert message["disposition"] == "attention" and message["applicant"] is None
    assert message["reason"].startswith("survey notification not authenticated")

    # The digest lists it with what it claims and why it was not acted on (once, not also as
    # "other mail").
    capsys.readouterr()
    assert main([*base, "digest", "--print"]) == 0
    text = capsys.readouterr().out
    assert "Survey notifications not acted on, left flagged in the inbox (1)" in text
    assert f"from {mails.SURVEY}, naming victim@example.net" in text
    assert "Subject: New response" in text and "not authenticated: no " in text
    assert "Other mail left flagged" not in text

    # Read again (a second delivery, a re-run): still nothing, and listed once.
    deliver(tmp_path / "mail", "2", raw)
    assert main([*base, "run", "--once"]) == 0
    assert outgoing(tmp_path) == []
    assert len(stored(tmp_path).meta["refused_surveys"]) == 1


def test_ambiguous_sender_is_not_authenticated(tmp_path: Path, capsys) -> None:
    base = configure(tmp_path)
    raw = mails.survey("victim@example.net", "Victim", Authentication_Results=GOOD)
    raw = raw.replace(f"From: Survey tool <{mails.SURVEY}>".encode(),
                      f"From: Survey tool <{mails.SURVEY}>, other@evil.example".encode())
    deliver(tmp_path / "mail", "1", raw)
    capsys.readouterr()
    assert main([*base, "classify", str(tmp_path / "mail" / "new" / "1"), "--json"]) == 0
    (result,) = json.loads(capsys.readouterr().out)
    assert result["authentication"] == {"passed": False, "reason": "ambiguous sender (several From addresses)"}
    assert main([*base, "run", "--once"]) == 0
    assert outgoing(tmp_path) == []


def test_classify_shows_the_verdict_for_survey_notifications(tmp_path: Path, capsys) -> None:
    base = configure(tmp_path)
    good = tmp_path / "good.eml"
    good.write_bytes(mails.survey("a@example.org", "A", Authentication_Results=GOOD))
    other = tmp_path / "other.eml"
    other.write_bytes(mails.inquiry())
    capsys.readouterr()
    assert main([*base, "classify", str(good), str(other), "--json"]) == 0
    first, second = json.loads(capsys.readouterr().out)
    assert first["authentication"] == {"passed": True, "reason": f"dkim=pass for surveys.example.org ({TRUSTED})"}
    assert "authentication" not in second


def test_without_required_authentication_notifications_are_acted_on_as_before(tmp_path: Path, capsys) -> None:
    base = configure(tmp_path, require=False)
    deliver(tmp_path / "mail", "1", mails.survey("jonas@example.org", "Jonas Peeters"))
    assert main([*base, "run", "--once"]) == 0
    assert recipients(tmp_path) == ["jonas@example.org"]


def test_verdicts_survive_parallel_understanding(tmp_path: Path, capsys) -> None:
    # Large batches are parsed and classified in worker processes, which hand back a slimmed
    # mail without headers: the verdict must travel in the classification.
    data = base_config(tmp_path)
    data["survey"]["require_authentication"] = True
    data["commands"] = {"trusted_authserv_ids": [TRUSTED]}
    data["mailbox"]["workers"] = 2
    base = ["--config", str(write_config(tmp_path, data)), "--now", NOW]
    for i in range(80):
        headers = {"Authentication_Results": GOOD} if i % 2 == 0 else {}
        deliver(tmp_path / "mail", f"{i:03d}", mails.survey(f"p{i}@example.org", f"P {i}", str(i), **headers))
    assert main([*base, "run", "--once"]) == 0
    applicants = {r["email"] for r in cli_json([*base, "applicants", "--json"], capsys)}
    assert applicants == {f"p{i}@example.org" for i in range(0, 80, 2)}
    assert len(list((tmp_path / "mail" / "cur").iterdir())) == 40
    assert {r["applicant"] for r in stored(tmp_path).meta["refused_surveys"]} == {
        f"p{i}@example.org" for i in range(1, 80, 2)}


def test_only_addresses_that_never_wrote_get_the_first_contact_marker(tmp_path: Path, capsys) -> None:
    base = configure(tmp_path, require=False)
    deliver(tmp_path / "mail", "1", mails.inquiry("Maria Keller <maria.keller@example.net>", question=False))
    assert main([*base, "run", "--once"]) == 0
    deliver(tmp_path / "mail", "2", mails.survey("maria.keller@example.net", "Maria Keller", "1"))
    deliver(tmp_path / "mail", "3", mails.survey("jonas@example.org", "Jonas Peeters", "2"))
    assert main([*base, "run", "--once"]) == 0
    marked = {e["to"]: bool(e.get("first_contact")) for e in stored(tmp_path).outbox}
    assert marked == {"maria.keller@example.net": False, "jonas@example.org": True}
    assert len(outgoing(tmp_path)) == 3


def test_imported_acknowledgements_carry_the_first_contact_marker(tmp_path: Path, capsys) -> None:
    base = configure(tmp_path, require=False, first_contact_per_hour=2)
    export = tmp_path / "export.csv"
    export.write_text("Response ID,Full name,Email address\n"
                      + "".join(f"{i},P {i},p{i}@example.org\n" for i in range(5)), encoding="utf-8")
    assert main([*base, "import", str(export)]) == 0
    entries = list(stored(tmp_path).outbox)
    assert len(entries) == 5 and all(e.get("first_contact") for e in entries)
    assert main([*base, "outbox", "send"]) == 0
    assert len(outgoing(tmp_path)) == 2
    assert cli_json([*base, "status", "--json"], capsys)["outbox_pending"] == 3


def test_erasure_scrubs_the_address_a_refused_notification_named(tmp_path: Path, capsys) -> None:
    base = configure(tmp_path)
    deliver(tmp_path / "mail", "1", mails.survey("victim@example.net", "Victim"))
    assert main([*base, "run", "--once"]) == 0
    # The person writes in (so callflow has a record of them), then asks what is held, then erasure.
    deliver(tmp_path / "mail", "2", mails.inquiry("Victim <victim@example.net>", question=False))
    assert main([*base, "run", "--once"]) == 0
    exported = cli_json([*base, "export", "victim@example.net"], capsys)
    assert [n["subject"] for n in exported["survey_notifications_not_acted_on"]] == ["New response"]
    assert main([*base, "erase", "victim@example.net"]) == 0
    assert "victim@example.net" not in (tmp_path / "state.json").read_text()
