"""The daemon against real servers: IDLE, Dovecot going away and coming back, SMTP refusals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests import mails
from tests.cfg import NOW, server_config
from tests.paths import REPO
from workflow.cli import main


def start_daemon(cfg: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "workflow", "--config", str(cfg), *NOW, *extra, "run"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy(), cwd=REPO,
    )


def stop(proc: subprocess.Popen) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=60)
    return code, proc.stderr.read().decode()


def test_idle_answers_mail_appended_while_running(tmp_path: Path, dovecot, imap_account, smtp_server,
                                                  env) -> None:
    # A long poll interval: only IDLE can make the answer arrive within the wait below.
    cfg = server_config(tmp_path, imap_account, smtp_server, mailbox={"poll_seconds": 600})
    proc = start_daemon(cfg)
    try:
        time.sleep(2)
        imap_account.append("INBOX", mails.inquiry("A <a@example.org>", question=False))
        smtp_server.wait_for(1, timeout=40)
    finally:
        code, logs = stop(proc)
    assert code == 0, logs
    assert [m.rcpt_tos for m in smtp_server.messages] == [["a@example.org"]]


def test_dovecot_restart_while_running_loses_nothing(tmp_path: Path, dovecot, imap_account, smtp_server,
                                                     env) -> None:
    cfg = server_config(tmp_path, imap_account, smtp_server, mailbox={"poll_seconds": 1})
    proc = start_daemon(cfg)
    try:
        imap_account.append("INBOX", mails.inquiry("A <a@example.org>", question=False))
        smtp_server.wait_for(1, timeout=30)
        dovecot.stop()
        time.sleep(3)  # the daemon notices, backs off and retries
        dovecot.start()
        imap_account.append("INBOX", mails.inquiry("B <b@example.org>", question=False))
        smtp_server.wait_for(2, timeout=90)
    finally:
        if not dovecot.running:
            dovecot.start()
        code, logs = stop(proc)
    assert code == 0, logs
    assert sorted(m.rcpt_tos[0] for m in smtp_server.messages) == ["a@example.org", "b@example.org"]
    assert "retrying in" in logs
    assert imap_account.count("Processed") == 2 and imap_account.count("INBOX") == 0


def test_refused_recipient_fails_the_mail_and_flags_the_address(tmp_path: Path, imap_account, smtp_server,
                                                                 env, capsys) -> None:
    cfg = server_config(tmp_path, imap_account, smtp_server)
    smtp_server.reject_recipients = {"gone@example.org": "550 5.1.1 no such user"}
    imap_account.append("INBOX", mails.survey("gone@example.org", "Gone"))
    imap_account.append("INBOX", mails.survey("here@example.org", "Here"))
    assert main(["--config", str(cfg), *NOW, "run", "--once"]) == 0
    assert [m.rcpt_tos for m in smtp_server.messages] == [["here@example.org"]]
    capsys.readouterr()
    assert main(["--config", str(cfg), *NOW, "outbox", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    failed = [r for r in rows if r["status"] == "failed"]
    assert len(failed) == 1 and "550" in failed[0]["last_error"]
    assert main(["--config", str(cfg), *NOW, "show", "gone@example.org", "--json"]) == 0
    assert "bounced" in json.loads(capsys.readouterr().out)["flags"]


def test_mail_keeps_going_out_while_imap_is_down(tmp_path: Path, dovecot, imap_account, smtp_server,
                                                 env) -> None:
    cfg = server_config(tmp_path, imap_account, smtp_server, mailbox={"poll_seconds": 1})
    imap_account.append("INBOX", mails.survey("x@example.org", "X"))
    smtp_server.fail_next = ["451 4.3.0 try later"]
    # First pass queues the acknowledgement; the send is deferred by the 451.
    assert main(["--config", str(cfg), *NOW, "run", "--once"]) == 0
    assert smtp_server.messages == []
    dovecot.stop()
    try:
        proc = start_daemon(cfg, "--now", "2022-03-01T13:00")
        try:
            smtp_server.wait_for(1, timeout=60)
        finally:
            code, logs = stop(proc)
    finally:
        dovecot.start()
    assert code == 0, logs
    assert [m.rcpt_tos for m in smtp_server.messages] == [["x@example.org"]]


def _answer_one_at_a_time(account, smtp, names: list[str], answered: int) -> int:
    """Append one inquiry per name, each after the previous one was answered (so each is its
    own pass); returns the number of answers now expected. One helper login per mail."""
    for name in names:
        account.append("INBOX", mails.inquiry(f"{name.upper()} <{name}@example.org>", question=False))
        answered += 1
        smtp.wait_for(answered, timeout=40)
    return answered


def test_daemon_keeps_one_imap_session_and_one_smtp_connection_across_passes(
        tmp_path: Path, dovecot, imap_account, smtp_server, env) -> None:
    cfg = server_config(tmp_path, imap_account, smtp_server, mailbox={"poll_seconds": 600})
    proc = start_daemon(cfg)
    try:
        _answer_one_at_a_time(imap_account, smtp_server, ["a", "b", "c", "d"], 0)
    finally:
        code, logs = stop(proc)
    assert code == 0, logs
    assert [m.rcpt_tos[0] for m in smtp_server.messages] == [f"{n}@example.org" for n in "abcd"]
    # Four passes (each woken by IDLE), one login to each server; the appends logged in four times.
    assert dovecot.logins(imap_account.username) - 4 == 1
    assert smtp_server.logins == 1


def test_daemon_logs_in_again_once_after_each_server_dropped_it(
        tmp_path: Path, dovecot, imap_account, smtp_server, env, capsys) -> None:
    cfg = server_config(tmp_path, imap_account, smtp_server, mailbox={"poll_seconds": 600})
    proc = start_daemon(cfg)
    try:
        answered = _answer_one_at_a_time(imap_account, smtp_server, ["a", "b"], 0)
        # Both servers go away and come back: every open connection is dropped.
        smtp_server.stop()
        smtp_server.start()
        dovecot.stop()
        dovecot.start()
        _answer_one_at_a_time(imap_account, smtp_server, ["c", "d"], answered)
    finally:
        if not dovecot.running:
            dovecot.start()
        code, logs = stop(proc)
    assert code == 0, logs
    assert "retrying in" in logs  # the IDLE that the restart broke
    assert [m.rcpt_tos[0] for m in smtp_server.messages] == [f"{n}@example.org" for n in "abcd"]
    # Each sent at the first attempt: the send after the drop reconnected first, it did not fail.
    capsys.readouterr()
    assert main(["--config", str(cfg), *NOW, "outbox", "list", "--all", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["status"], r["attempts"]) for r in rows] == [("sent", 1)] * 4
    # One new session each, the old ones gone; the appends logged in four times.
    assert dovecot.logins(imap_account.username) - 4 == 2
    assert smtp_server.logins == 2
    assert imap_account.count("Processed") == 4 and imap_account.count("INBOX") == 0
