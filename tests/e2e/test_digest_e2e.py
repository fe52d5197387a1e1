"""The daily digest end to end against Dovecot + aiosmtpd, and organisers answering it."""

from __future__ import annotations

import json
from pathlib import Path

from tests import mails
from tests.cfg import server_config
from tests.paths import REPO
from workflow.cli import main


def digest_config(tmp_path: Path, account, smtp, **sections) -> Path:
    return server_config(tmp_path, account, smtp, digest={"time": "08:00"}, **sections)


def test_daily_digest_once_a_day_with_reply_token(tmp_path: Path, imap_account, smtp_server, env,
                                                  capsys) -> None:
    cfg = digest_config(tmp_path, imap_account, smtp_server)
    base = ["--config", str(cfg)]
    imap_account.append_many("INBOX", [
        mails.survey("ana@example.org", "Ana <b>Bold</b>"),
        mails.inquiry("Quentin <quentin@example.com>", question=True),
    ])
    # Before 08:00 (Brussels): no digest yet.
    assert main([*base, "--now", "2022-03-02T07:30", "run", "--once", "--digest"]) == 0
    assert [m.rcpt_tos for m in smtp_server.messages if "Digest" in str(m.message["Subject"])] == []
    assert main([*base, "--now", "2022-03-02T08:05", "run", "--once", "--digest"]) == 0
    assert main([*base, "--now", "2022-03-02T15:00", "run", "--once", "--digest"]) == 0
    digests = [m for m in smtp_server.messages if str(m.message["Subject"]).startswith("Digest")]
    assert [m.rcpt_tos for m in digests] == [["anna.organiser@example.org"]]
    digest = digests[0].message
    assert "[cf-" in str(digest["Subject"]) and "+cf-" in str(digest["Reply-To"])
    assert digest["Auto-Submitted"] == "auto-generated"
    text = digest.get_body(("plain",)).get_content()
    html = digest.get_body(("html",)).get_content()
    assert "quentin@example.com" in text and "Is the meeting recorded?" in text
    assert "Ana &lt;b&gt;Bold&lt;/b&gt;" in html and "<b>Bold</b>" not in html
    assert "select ADDR" in text or "select" in text
    # The next day brings the next digest.
    assert main([*base, "--now", "2022-03-03T08:30", "run", "--once", "--digest"]) == 0
    digests = [m for m in smtp_server.messages if str(m.message["Subject"]).startswith("Digest")]
    assert len(digests) == 2

    capsys.readouterr()
    assert main([*base, "--now", "2022-03-03T09:00", "digest", "--print"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Subject: Digest")
    assert main([*base, "--now", "2022-03-03T09:00", "digest", "--print", "--html"]) == 0
    assert "<html" in capsys.readouterr().out.lower()
    assert main([*base, "--now", "2022-03-03T09:00", "digest", "--send"]) == 0
    digests = [m for m in smtp_server.messages if str(m.message["Subject"]).startswith("Digest")]
    assert len(digests) == 3


def organiser_reply(token_reply_to: str, sender: str, body: str, in_reply_to: str) -> bytes:
    return mails.build(sender, "Re: Digest", body, to=token_reply_to, In_Reply_To=in_reply_to)


def test_organisers_act_by_replying_to_the_digest(tmp_path: Path, imap_account, smtp_server, env,
                                                  capsys) -> None:
    cfg = digest_config(tmp_path, imap_account, smtp_server)
    base = ["--config", str(cfg)]
    imap_account.append_many("INBOX", [mails.survey("ana@example.org", "Ana"), mails.survey("bo@example.org", "Bo")])
    assert main([*base, "--now", "2022-03-11T08:05", "run", "--once", "--digest"]) == 0
    digest = next(m for m in smtp_server.messages if str(m.message["Subject"]).startswith("Digest")).message
    reply_to = digest["Reply-To"].addresses[0].addr_spec
    quoted_digest = "\n".join("> " + line for line in digest.get_body(("plain",)).get_content().splitlines())

    # Spoofed: a non-organiser, an organiser without the token, and a wrong token — nothing happens.
    imap_account.append_many("INBOX", [
        organiser_reply(reply_to, "Mallory <mallory@example.net>", "select ana@example.org\n", digest["Message-ID"]),
        mails.build("Anna Organiser <anna.organiser@example.org>", "Re: Digest", "select ana@example.org\n"),
        organiser_reply(reply_to.replace("+cf-", "+cf-0"), "Anna Organiser <anna.organiser@example.org>",
                        "select ana@example.org\n", digest["Message-ID"]),
    ])
    before = len(smtp_server.messages)
    assert main([*base, "--now", "2022-03-11T09:00", "run", "--once", "--digest"]) == 0
    capsys.readouterr()
    assert main([*base, "--now", "2022-03-11T09:00", "show", "ana@example.org", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["state"] == "applied"
    assert len(smtp_server.messages) == before  # no answer to any of them
    flagged = [f for _, f in imap_account.flags("INBOX") if "\\Flagged" in f]
    assert len(flagged) == 3

    # The real organiser, with the token: commands run, quoted digest lines do not.
    imap_account.append("INBOX", organiser_reply(
        reply_to, "Anna Organiser <anna.organiser@example.org>",
        f"select ana@example.org\nwaitlist bo@example.org\nstatus\n\nThanks, Anna\n\n{quoted_digest}\n",
        digest["Message-ID"]))
    assert main([*base, "--now", "2022-03-11T09:30", "run", "--once", "--digest"]) == 0
    capsys.readouterr()
    assert main([*base, "--now", "2022-03-11T09:30", "applicants", "--json"]) == 0
    states = {r["email"]: r["state"] for r in json.loads(capsys.readouterr().out)}
    assert states == {"ana@example.org": "selected", "bo@example.org": "waitlisted"}
    result = smtp_server.messages[-1]
    assert result.rcpt_tos == ["anna.organiser@example.org"]
    body = result.message.get_body(("plain",)).get_content()
    assert "ana@example.org" in body and "selected" in body
    # The next digest reports the refused attempts.
    assert main([*base, "--now", "2022-03-12T08:05", "run", "--once", "--digest"]) == 0
    latest = [m for m in smtp_server.messages if str(m.message["Subject"]).startswith("Digest")][-1]
    assert "mallory@example.net" in latest.message.get_body(("plain",)).get_content()


def test_run_once_leaves_the_digest_to_the_daemon(tmp_path: Path, imap_account, smtp_server, env) -> None:
    import os
    import signal
    import subprocess
    import sys

    cfg = digest_config(tmp_path, imap_account, smtp_server, mailbox={"poll_seconds": 1})
    imap_account.append("INBOX", mails.survey("ana@example.org", "Ana"))
    assert main(["--config", str(cfg), "--now", "2022-03-02T09:00", "run", "--once"]) == 0
    assert [m.rcpt_tos for m in smtp_server.messages] == [["ana@example.org"]]
    proc = subprocess.Popen(
        [sys.executable, "-m", "workflow", "--config", str(cfg), "--now", "2022-03-02T09:00", "run"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy(),
        cwd=REPO,
    )
    try:
        smtp_server.wait_for(2, timeout=30)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    assert smtp_server.messages[1].rcpt_tos == ["anna.organiser@example.org"]
    assert str(smtp_server.messages[1].message["Subject"]).startswith("Digest")
