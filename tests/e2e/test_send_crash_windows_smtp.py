"""Narrow crash windows over SMTP (aiosmtpd, STARTTLS + AUTH): a process that dies while sending
sends nothing twice. Only a death after the message data was handed over (the final dot) may leave
a mail ``uncertain``; a death before that sends it again, safely; an uncertain mail found in the
provider's Sent folder (a real Dovecot) is recorded as sent. The Maildir side is in
tests/pipeline/test_send_crash_windows.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import mails
from tests.cfg import server_config
from tests.crash_windows import PEOPLE, cli, inquiries, statuses
from tests.crashpoint import DIED
from tests.maildir import deliver
from workflow.config import load
from workflow.outgoing import OutgoingMail
from workflow.store import Store
from workflow.transport.smtp import SmtpTransport

# One connection: the N-th mail to reach a journal step is the N-th person, as the tests expect.
ONE_AT_A_TIME = {"connections": 1}


# -- SMTP: uncertain only after the final dot ----------------------------------------------------
@pytest.fixture
def smtp_env(smtp_server):
    return smtp_server, {**os.environ, "CALLFLOW_TEST_SMTP_PASSWORD": smtp_server.password}


def _received(smtp) -> list[str]:
    return sorted(r for m in smtp.messages for r in m.rcpt_tos)


def test_smtp_a_death_before_the_handover_sends_again_safely(tmp_path: Path, smtp_env) -> None:
    smtp, env = smtp_env
    cfg = server_config(tmp_path, None, smtp, smtp=ONE_AT_A_TIME)
    inquiries(tmp_path)
    # Dies with the connection open and the server waiting for the data (after its 354).
    assert cli(cfg, "run", "--once", crash=("before-handover", 2), env=env) == DIED
    assert _received(smtp) == ["a@example.org"]
    assert cli(cfg, "run", "--once", env=env) == 0
    assert _received(smtp) == PEOPLE
    assert set(statuses(tmp_path).values()) == {"sent"}


@pytest.mark.parametrize("point", ["after-handover", "before-done"])
def test_smtp_a_death_after_the_handover_is_uncertain_and_never_resent(
    tmp_path: Path, smtp_env, point: str
) -> None:
    smtp, env = smtp_env
    cfg = server_config(tmp_path, None, smtp, smtp=ONE_AT_A_TIME)
    inquiries(tmp_path)
    assert cli(cfg, "run", "--once", crash=(point, 2), env=env) == DIED
    got = _received(smtp)
    assert cli(cfg, "run", "--once", env=env) == 0
    by_person = statuses(tmp_path)
    assert by_person == {"a@example.org": "sent", "b@example.org": "uncertain", "c@example.org": "sent"}
    # Whether b got it depends on how far the data went; it is never sent a second time.
    assert _received(smtp).count("b@example.org") == got.count("b@example.org") <= 1


def test_smtp_a_death_after_done_is_sent(tmp_path: Path, smtp_env) -> None:
    smtp, env = smtp_env
    cfg = server_config(tmp_path, None, smtp, smtp=ONE_AT_A_TIME)
    inquiries(tmp_path)
    assert cli(cfg, "run", "--once", crash=("after-done", 2), env=env) == DIED
    assert cli(cfg, "run", "--once", env=env) == 0
    assert _received(smtp) == PEOPLE
    assert set(statuses(tmp_path).values()) == {"sent"}


def test_smtp_the_handover_is_the_moment_before_the_final_dot(tmp_path: Path, smtp_env, monkeypatch) -> None:
    """The guarantee rests on aiosmtplib writing the data and its final dot in one write after the
    server's 354: checked here against a real server, so a change there fails this test."""
    smtp, env = smtp_env
    monkeypatch.setenv("CALLFLOW_TEST_SMTP_PASSWORD", smtp.password)
    config = load(server_config(tmp_path, None, smtp, smtp=ONE_AT_A_TIME))
    transport = SmtpTransport(config.smtp)
    seen: list[tuple[int, int]] = []
    try:
        for i in range(3):
            to = f"p{i}@example.org"
            mail = OutgoingMail(i, f"<{i}@x>", "contact@callflow.example.org", (to,),
                                mails.inquiry(f"P <{to}>"))
            transport.deliver([mail], lambda group: seen.append((smtp.attempts, len(smtp.messages))),
                              lambda delivery: None)
            assert len(smtp.messages) == i + 1
    finally:
        transport.close()
    # Once per mail, and each time the server had not yet seen that mail's end of data.
    assert seen == [(0, 0), (1, 1), (2, 2)]


def _mail(i: int) -> OutgoingMail:
    to = f"p{i}@example.org"
    return OutgoingMail(i, f"<{i}@x>", "contact@callflow.example.org", (to,), mails.inquiry(f"P <{to}>"))


def test_smtp_several_connections_each_mail_handed_over_before_its_data(tmp_path: Path, smtp_env,
                                                                         monkeypatch) -> None:
    smtp, env = smtp_env
    monkeypatch.setenv("CALLFLOW_TEST_SMTP_PASSWORD", smtp.password)
    config = load(server_config(tmp_path, None, smtp, smtp={"connections": 3}))
    transport = SmtpTransport(config.smtp)
    recorded: dict[str, int] = {}  # recipient -> how many mails the server had when it was handed over
    outcomes: list = []

    def handover(group) -> None:
        for mail in group:
            recorded[mail.recipients[0]] = len(smtp.messages)

    try:
        transport.deliver((_mail(i) for i in range(12)), handover, outcomes.append)
        assert 1 <= len(transport.idle) <= 3  # kept open for the next run of sends
    finally:
        transport.close()
    assert sorted(o.mail.recipients[0] for o in outcomes if o.delivered) == sorted(f"p{i}@example.org" for i in range(12))
    received = [m.rcpt_tos[0] for m in smtp.messages]
    assert sorted(received) == sorted(recorded) and len(received) == 12  # each once
    for position, to in enumerate(received):
        assert recorded[to] <= position  # recorded before the server had this mail


def test_smtp_a_handover_that_cannot_be_recorded_sends_nothing(tmp_path: Path, smtp_env, monkeypatch) -> None:
    """If the journal cannot be written, the data of that mail never leaves; the others go out."""
    smtp, env = smtp_env
    monkeypatch.setenv("CALLFLOW_TEST_SMTP_PASSWORD", smtp.password)
    config = load(server_config(tmp_path, None, smtp, smtp=ONE_AT_A_TIME))
    transport = SmtpTransport(config.smtp)
    outcomes: list = []

    def handover(group) -> None:
        if any(m.recipients[0] == "p1@example.org" for m in group):
            raise OSError(28, "No space left on device")

    try:
        transport.deliver((_mail(i) for i in range(3)), handover, outcomes.append)
    finally:
        transport.close()
    by_to = {o.mail.recipients[0]: o for o in outcomes}
    assert by_to["p1@example.org"].error is not None and not by_to["p1@example.org"].handed_over
    assert "handover could not be recorded" in str(by_to["p1@example.org"].error)
    assert not getattr(by_to["p1@example.org"].error, "maybe_delivered", False)
    assert sorted(r for m in smtp.messages for r in m.rcpt_tos) == ["p0@example.org", "p2@example.org"]


def test_smtp_a_connection_lost_after_the_final_dot_is_uncertain(tmp_path: Path, smtp_env) -> None:
    smtp, env = smtp_env
    cfg = server_config(tmp_path, None, smtp, smtp={**ONE_AT_A_TIME, "timeout_seconds": 1})
    smtp.silent_after_data, smtp.silence_seconds = 1, 4.0
    deliver(tmp_path / "mail", "1.m", mails.inquiry("P <a@example.org>", question=False))
    assert cli(cfg, "run", "--once", env=env) == 0
    assert statuses(tmp_path) == {"a@example.org": "uncertain"}
    assert cli(cfg, "--now", "2022-03-01T13:00", "run", "--once", env=env) == 0
    assert _received(smtp) == ["a@example.org"]  # the server kept it once; callflow never resent it
    assert statuses(tmp_path) == {"a@example.org": "uncertain"}


# -- resolving uncertain mail from the provider's copy of sent mail -------------------------------
def test_an_uncertain_mail_found_in_the_sent_folder_is_sent(tmp_path: Path, env) -> None:
    account, smtp = env
    cfg = server_config(tmp_path, account, smtp, smtp={**ONE_AT_A_TIME, "sent_folder": "Sent"})
    account.append_many("INBOX", [mails.inquiry(f"P <{p}>", question=False) for p in PEOPLE])
    assert cli(cfg, "run", "--once", crash=("before-done", 2), env=os.environ.copy()) == DIED
    assert _received(smtp) == ["a@example.org", "b@example.org"]

    # The provider has not filed its copy yet: nobody can tell, so b stays uncertain.
    assert cli(cfg, "run", "--once", env=os.environ.copy()) == 0
    assert statuses(tmp_path)["b@example.org"] == "uncertain"
    # Now it has (as Gmail and Microsoft 365 do with submitted mail): a later pass finds it.
    copy = next(m.content for m in smtp.messages if m.rcpt_tos == ["b@example.org"])
    account.append("Sent", copy)
    assert cli(cfg, "--now", "2022-03-01T12:30", "run", "--once", env=os.environ.copy()) == 0
    assert statuses(tmp_path) == {p: "sent" for p in PEOPLE}
    assert _received(smtp) == PEOPLE  # nothing was sent twice
    history = next(e for e in Store(tmp_path / "state.json").outbox if e["to"] == "b@example.org")["history"]
    assert "found where the provider keeps sent mail" in history[-1]["event"]
