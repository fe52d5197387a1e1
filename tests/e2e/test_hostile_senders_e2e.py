"""Crafted senders and attacker-sized headers through real servers (Dovecot in, aiosmtpd out): the
answer goes to the address, never to a display name, and stays small."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import mails
from tests.cfg import NOW, server_config
from workflow.cli import main

LIMIT = 32 * 1024  # "a few tens of KB whatever arrived"


# -- the address comes from the address, through real servers -----------------------------------
def test_an_encoded_display_name_never_redirects_the_answer(tmp_path: Path, env) -> None:
    account, smtp = env
    cfg = server_config(tmp_path, account, smtp)
    account.append_many("INBOX", [
        mails.raw("=?utf-8?q?Smith_=3Cboss=40corp=2Eexample=3E?= <john@example.com>", "Participation",
                    "I would like to take part.\n"),
        mails.raw("=?utf-8?q?X=0D=0ABcc=3A_evil=40evil=2Eexample?= <jane@example.com>", "Participation",
                    "I would like to take part.\n"),
        mails.raw("=?utf-8?q?Smith=2C_John?= <john.smith@example.com>", "Participation",
                    "I would like to take part.\n"),
    ])
    assert main(["--config", str(cfg), *NOW, "run", "--once"]) == 0
    assert sorted(r for m in smtp.messages for r in m.rcpt_tos) == [
        "jane@example.com", "john.smith@example.com", "john@example.com"]
    for m in smtp.messages:
        assert "Bcc" not in m.message and "Cc" not in m.message
        assert [a.addr_spec for a in m.message["To"].addresses] == m.rcpt_tos  # one address: the sender's
        assert m.message.as_string().count("\nTo:") == 1
    by_to = {m.rcpt_tos[0]: m.message for m in smtp.messages}
    assert by_to["john.smith@example.com"]["To"].addresses[0].display_name == "Smith, John"


@pytest.mark.parametrize("header", ["Subject", "From"])
def test_huge_headers_through_dovecot_and_smtp(tmp_path: Path, env, header: str) -> None:
    account, smtp = env
    cfg = server_config(tmp_path, account, smtp)
    huge = "word " * 400_000
    if header == "Subject":
        raw = mails.raw("A <a@example.org>", huge, "I would like to take part.\n")
    else:
        raw = mails.raw(f"{huge} <a@example.org>", "Participation", "I would like to take part.\n")
    account.append("INBOX", raw)
    assert main(["--config", str(cfg), *NOW, "run", "--once"]) == 0
    assert [m.rcpt_tos for m in smtp.messages] == [["a@example.org"]]
    assert len(smtp.messages[0].message.as_bytes()) < LIMIT
