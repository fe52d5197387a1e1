"""Survey notifications that cannot be forged into a backscatter tool, against real servers:
Dovecot (IMAPS, verified TLS) in, aiosmtpd (STARTTLS + AUTH) out.

An authenticated notification is acknowledged to the applicant; a forged one stays flagged in the
inbox, is listed in the digest, and nothing reaches the SMTP server; without authentication,
acknowledgements to addresses that never wrote go out at most ``smtp.first_contact_per_hour``
per rolling hour, the rest waiting in the outbox, while people who wrote are answered at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from tests import mails
from tests.cfg import server_config
from tests.maildir import cli_json
from workflow.cli import main

TRUSTED = "mx.callflow.example.org"
PASSING = f"{TRUSTED}; dkim=pass header.d=surveys.example.org header.s=s1; dmarc=pass header.from=surveys.example.org"
# What the trusted server wrote about a forgery, and what the forger added to look genuine.
FAILING = f"{TRUSTED}; dkim=none; spf=fail smtp.mailfrom=evil.example; dmarc=fail header.from=surveys.example.org"
FORGED_PASS = "mx.evil.example; dkim=pass header.d=surveys.example.org; dmarc=pass header.from=surveys.example.org"
START = datetime(2022, 3, 1, 12, 0)


def configure(tmp: Path, account, smtp, *, require: bool, **smtp_options) -> list[str]:
    path = server_config(tmp, account, smtp, survey={"require_authentication": require},
                         commands={"trusted_authserv_ids": [TRUSTED]}, digest={"time": "08:00"}, smtp=smtp_options)
    return ["--config", str(path)]


def at(when: datetime) -> list[str]:
    return ["--now", when.isoformat()]


def with_headers(raw: bytes, *values: str) -> bytes:
    return "".join(f"Authentication-Results: {v}\r\n" for v in values).encode() + raw


def test_authenticated_notification_is_acknowledged_to_the_applicant(tmp_path: Path, env, capsys) -> None:
    account, smtp = env
    base = configure(tmp_path, account, smtp, require=True)
    account.append("INBOX", with_headers(mails.survey("jonas@example.org", "Jonas Peeters", "7"), PASSING))
    assert main([*base, *at(START), "run", "--once"]) == 0

    (ack,) = smtp.messages
    assert ack.rcpt_tos == ["jonas@example.org"] and ack.tls and ack.auth_user == smtp.username
    assert ack.message["Auto-Submitted"] == "auto-generated"
    assert account.count("INBOX") == 0 and account.count("Processed") == 1
    assert cli_json([*base, *at(START), "show", "jonas@example.org", "--json"], capsys)["state"] == "applied"


def test_forged_notification_is_flagged_listed_and_answered_by_nobody(tmp_path: Path, env, capsys) -> None:
    account, smtp = env
    base = configure(tmp_path, account, smtp, require=True)
    account.append("INBOX", with_headers(mails.survey("victim@example.net", "Victim", "8"), FAILING, FORGED_PASS))
    assert main([*base, *at(START), "run", "--once"]) == 0

    assert smtp.messages == [] and smtp.attempts == 0
    flags = account.flags("INBOX")
    assert len(flags) == 1 and "\\Flagged" in flags[0][1]  # kept in the inbox for a person
    assert account.count("Processed") == 0
    assert cli_json([*base, *at(START), "applicants", "--json"], capsys) == []
    assert cli_json([*base, *at(START), "outbox", "list", "--json", "--all"], capsys) == []

    # A second pass changes nothing.
    assert main([*base, *at(START + timedelta(minutes=5)), "run", "--once"]) == 0
    assert smtp.messages == []

    # The next morning's digest, to the organiser only, lists it with enough to act on.
    assert main([*base, *at(datetime(2022, 3, 2, 8, 5)), "run", "--once", "--digest"]) == 0
    (digest,) = smtp.messages
    assert digest.rcpt_tos == ["anna.organiser@example.org"]
    text = digest.message.get_body(("plain",)).get_content()
    assert "Survey notifications not acted on, left flagged in the inbox (1)" in text
    assert f"from {mails.SURVEY}, naming victim@example.net" in text
    assert "Subject: New response" in text
    assert "not authenticated: no DKIM or DMARC pass for surveys.example.org" in text
    assert "dmarc=fail for surveys.example.org" in text
    html = digest.message.get_body(("html",)).get_content()
    assert "Survey notifications not acted on" in html and "victim@example.net" in html
    assert account.count("INBOX") == 1


def test_first_contact_acknowledgements_are_limited_per_hour(tmp_path: Path, env, capsys) -> None:
    account, smtp = env
    limit = 10
    base = configure(tmp_path, account, smtp, require=False, first_contact_per_hour=limit)
    strangers = [f"p{i:02d}@example.org" for i in range(50)]
    account.append_many("INBOX", [mails.survey(a, f"Person {i}", str(i)) for i, a in enumerate(strangers)])
    account.append("INBOX", mails.inquiry("Maria Keller <maria.keller@example.net>", question=False))

    def delivered() -> list[str]:
        return [m.rcpt_tos[0] for m in smtp.messages if m.rcpt_tos[0] in strangers]

    assert main([*base, *at(START), "run", "--once"]) == 0
    assert len(delivered()) == limit
    # Someone who wrote is answered at once, however many first contacts wait.
    assert "maria.keller@example.net" in [m.rcpt_tos[0] for m in smtp.messages]
    status = cli_json([*base, *at(START), "status", "--json"], capsys)
    assert status["outbox_pending"] == 50 - limit and status["counts"]["applied"] == 50
    rows = cli_json([*base, *at(START), "outbox", "list", "--json"], capsys)
    assert {r["status"] for r in rows} == {"pending"} and all(r["attempts"] == 0 for r in rows)

    # Within the same hour: nothing more, however often callflow runs.
    for minutes in (1, 30, 59):
        assert main([*base, *at(START + timedelta(minutes=minutes)), "run", "--once"]) == 0
    assert len(delivered()) == limit

    # The clock moves on: each new hour lets the next ones out, until all have gone, once each.
    for hour in range(1, 5):
        assert main([*base, *at(START + timedelta(hours=hour, minutes=1)), "run", "--once"]) == 0
        assert len(delivered()) == limit * (hour + 1)
    assert sorted(delivered()) == strangers
    assert cli_json([*base, *at(START + timedelta(hours=5)), "status", "--json"], capsys)["outbox_pending"] == 0
