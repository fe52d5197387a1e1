"""End to end against real servers: Dovecot (IMAPS, verified TLS) in, aiosmtpd (STARTTLS + AUTH) out."""

from __future__ import annotations

import email
import email.policy
import json
import os
import subprocess
import sys
from pathlib import Path

from tests import mails
from tests import robot_notices as notices
from tests.cfg import NOW, ORGANISERS, server_config
from tests.paths import DATA, REPO
from workflow.cli import main


def test_mixed_batch_end_to_end_exactly_once(tmp_path: Path, env, capsys) -> None:
    account, smtp = env
    cfg = server_config(tmp_path, account, smtp)
    inquiry = mails.inquiry("Maria Keller <maria.keller@example.net>", question=False)
    account.append_many("INBOX", [
        inquiry,
        mails.survey("jonas@example.org", "Jonas Peeters", "1"),
        mails.survey("ines@example.org", "Inès Dupont", "2"),
        mails.out_of_office(),
        mails.list_post(),
        mails.inquiry("Quentin <quentin@example.com>", question=True),
    ])
    assert main(["--config", str(cfg), *NOW, "run", "--once"]) == 0

    got = {m.rcpt_tos[0]: m for m in smtp.messages}
    assert sorted(got) == ["ines@example.org", "jonas@example.org", "maria.keller@example.net",
                           "quentin@example.com"]
    for m in smtp.messages:
        assert m.tls and m.auth_user == smtp.username
        assert m.mail_from == "contact@callflow.example.org"
        assert m.message["Auto-Submitted"] in ("auto-replied", "auto-generated")
        assert m.message["Message-ID"]
    maria = got["maria.keller@example.net"].message
    assert maria["In-Reply-To"] == mails_message_id(inquiry)
    assert got["ines@example.org"].message["To"].addresses[0].display_name == "Inès Dupont"

    # Handled mail moved; the question stays in the inbox, flagged for a person.
    assert account.count("Processed") == 5
    flags = account.flags("INBOX")
    assert len(flags) == 1 and "\\Flagged" in flags[0][1]
    assert "Quarantine" in account.folders()

    # Second run: nothing new is sent, nothing is moved again.
    assert main(["--config", str(cfg), *NOW, "run", "--once"]) == 0
    assert len(smtp.messages) == 4
    assert account.count("Processed") == 5 and account.count("INBOX") == 1

    capsys.readouterr()
    assert main(["--config", str(cfg), *NOW, "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["counts"]["applied"] == 2 and status["counts"]["inquired"] == 2
    assert status["outbox_pending"] == 0 and status["last_poll"]


def mails_message_id(raw: bytes) -> str:
    import email
    from email import policy

    return email.message_from_bytes(raw, policy=policy.default)["Message-ID"]


def test_mail_arriving_later_is_picked_up_by_uid_checkpoint(tmp_path: Path, env) -> None:
    account, smtp = env
    cfg = server_config(tmp_path, account, smtp)
    account.append("INBOX", mails.inquiry("A <a@example.org>"))  # a question: stays flagged in INBOX
    assert main(["--config", str(cfg), *NOW, "run", "--once"]) == 0
    account.append("INBOX", mails.inquiry("B <b@example.org>", question=False))
    assert main(["--config", str(cfg), *NOW, "run", "--once"]) == 0
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == ["a@example.org", "b@example.org"]


def test_starttls_imap_and_folders_created(tmp_path: Path, env) -> None:
    account, smtp = env
    cfg = server_config(tmp_path, account, smtp, mailbox={
        "port": account.port, "security": "starttls",
        "processed_folder": "Handled/callflow", "quarantine_folder": "Quarantine2"})
    account.append("INBOX", mails.list_post())
    assert main(["--config", str(cfg), *NOW, "run", "--once"]) == 0
    assert account.count("Handled/callflow") == 1
    assert "Quarantine2" in account.folders()
    assert smtp.messages == []


def test_tls_verification_is_on_by_default(tmp_path: Path, env, capsys) -> None:
    account, smtp = env
    cfg = server_config(tmp_path, account, smtp, mailbox={"ca_file": None})
    account.append("INBOX", mails.inquiry())
    assert main(["--config", str(cfg), *NOW, "run", "--once"]) == 1
    err = capsys.readouterr().err
    assert "TLS" in err and "CERTIFICATE_VERIFY_FAILED" in err
    assert account.count("INBOX") == 1 and smtp.messages == []


def test_temporary_smtp_failure_is_retried_not_lost(tmp_path: Path, env, capsys) -> None:
    account, smtp = env
    cfg = server_config(tmp_path, account, smtp)
    smtp.fail_next = ["451 4.3.0 try again later"]
    account.append("INBOX", mails.inquiry("A <a@example.org>", question=False))
    assert main(["--config", str(cfg), *NOW, "run", "--once"]) == 0
    assert smtp.messages == []
    # Later (after the retry delay) it goes out, once.
    assert main(["--config", str(cfg), "--now", "2022-03-01T12:10", "run", "--once"]) == 0
    assert [m.rcpt_tos for m in smtp.messages] == [["a@example.org"]]


def test_check_connects_to_both_servers(tmp_path: Path, env, capsys) -> None:
    account, smtp = env
    cfg = server_config(tmp_path, account, smtp)
    assert main(["--config", str(cfg), "check"]) == 0
    out = capsys.readouterr().out
    assert "mailbox ok: IMAP" in out and "smtp ok: SMTP" in out
    os.environ["CALLFLOW_TEST_SMTP_PASSWORD"] = "wrong"
    assert main(["--config", str(cfg), "check"]) == 1
    assert "smtp FAILED" in capsys.readouterr().err


def test_daemon_handles_mail_and_stops_cleanly_on_sigterm(tmp_path: Path, env) -> None:
    import signal
    import time

    account, smtp = env
    cfg = server_config(tmp_path, account, smtp, mailbox={"poll_seconds": 1})
    proc = subprocess.Popen(
        [sys.executable, "-m", "workflow", "--config", str(cfg), *NOW, "run"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy(),
        cwd=REPO,
    )
    try:
        account.append("INBOX", mails.inquiry("A <a@example.org>", question=False))
        smtp.wait_for(1, timeout=30)
        assert [m.rcpt_tos for m in smtp.messages] == [["a@example.org"]]
        # A second instance on the same storage refuses to start.
        second = subprocess.run(
            [sys.executable, "-m", "workflow", "--config", str(cfg), *NOW, "run"],
            capture_output=True, text=True, timeout=60, env=os.environ.copy(),
        )
        assert second.returncode == 1 and "already running" in second.stderr
    finally:
        proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        code = proc.wait(timeout=60)
    assert code == 0, proc.stderr.read().decode()
    assert time.monotonic() - started < 60
    logs = proc.stderr.read().decode()
    assert "a@example.org" not in logs  # no addresses in INFO logs


def test_a_rule_files_mail_in_its_own_folder(tmp_path: Path, env) -> None:
    account, smtp = env
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "10-local.yaml").write_text(
        "rules:\n  - name: newsletters\n    when: {from: {domain: lists.example.com}}\n"
        "    then: {kind: list, folder: Newsletters/2022}\n", encoding="utf-8")
    cfg = server_config(tmp_path, account, smtp, paths={"rules": str(rules)})
    account.append("INBOX", mails.list_post())
    assert main(["--config", str(cfg), *NOW, "run", "--once"]) == 0
    assert account.count("Newsletters/2022") == 1 and account.count("INBOX") == 0
    assert smtp.messages == []


def test_large_attachments_are_fetched_in_small_batches(tmp_path: Path, env) -> None:
    from email import message_from_bytes, policy

    account, smtp = env
    cfg = server_config(tmp_path, account, smtp, mailbox={"batch_bytes": 3_000_000})
    big = []
    for i in range(4):
        msg = message_from_bytes(mails.inquiry(f"P{i} <p{i}@example.org>", question=False), policy=policy.default)
        msg.add_attachment(os.urandom(1_500_000), maintype="application", subtype="pdf", filename="cv.pdf")
        big.append(msg.as_bytes())
    account.append_many("INBOX", big)
    from workflow import config as config_mod
    from workflow.clock import Clock
    from workflow.mailbox.imap import ImapIntake
    from workflow.pipeline import Runtime, intake_pass
    from workflow.store import Store

    config = config_mod.load(cfg)
    rt = Runtime(config, Clock(config.event.deadline.replace(month=3, day=1)), Store(config.storage.path))
    intake = ImapIntake(config.mailbox)
    try:
        report = intake_pass(rt, intake)
    finally:
        intake.close()
    # ~2 MB each on the wire, at most ~3 MB per batch: one message per batch, four commits for them.
    assert report.handled == 4 and report.commits == 1 + 4 + 1
    assert account.count("Processed") == 4


def test_system_trust_store_via_ssl_cert_file_without_ca_file(tmp_path: Path, env, monkeypatch) -> None:
    """A config written only from the SPEC's keys (no ca_file) verifies against the system trust
    store, which OpenSSL lets an operator extend with SSL_CERT_FILE."""
    account, smtp = env
    import yaml

    cfg = server_config(tmp_path, account, smtp)
    data = yaml.safe_load(cfg.read_text())
    del data["mailbox"]["ca_file"], data["smtp"]["ca_file"]
    cfg.write_text(yaml.safe_dump(data))
    monkeypatch.setenv("SSL_CERT_FILE", account.ca_file)
    account.append("INBOX", mails.inquiry("A <a@example.org>", question=False))
    assert main(["--config", str(cfg), *NOW, "run", "--once"]) == 0
    assert [m.rcpt_tos for m in smtp.messages] == [["a@example.org"]]


def test_servers_without_move_get_copy_and_delete(tmp_path: Path, env, monkeypatch) -> None:
    from workflow.mailbox import imap

    account, smtp = env
    real_connect = imap.ImapIntake.connect

    def without_move(self):
        client = real_connect(self)
        self.can_move = False  # as on servers that do not offer RFC 6851 MOVE
        return client

    monkeypatch.setattr(imap.ImapIntake, "connect", without_move)
    cfg = server_config(tmp_path, account, smtp)
    account.append("INBOX", mails.list_post())
    assert main(["--config", str(cfg), *NOW, "run", "--once"]) == 0
    assert account.count("Processed") == 1 and account.count("INBOX") == 0


def test_a_new_uidvalidity_rereads_the_folder_without_acting_twice(tmp_path: Path, env) -> None:
    account, smtp = env
    cfg = server_config(tmp_path, account, smtp, mailbox={"folder": "Contact"})
    first = mails.inquiry("A <a@example.org>")  # a question: stays (flagged) in the folder
    account.append("Contact", first)
    assert main(["--config", str(cfg), *NOW, "run", "--once"]) == 0
    # The folder is deleted and recreated (a new UIDVALIDITY) with the same mail plus a new one.
    with account.connect() as client:
        client.delete_folder("Contact")
        client.create_folder("Contact")
    account.append("Contact", first)
    account.append("Contact", mails.inquiry("B <b@example.org>", question=False))
    assert main(["--config", str(cfg), *NOW, "run", "--once"]) == 0
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == ["a@example.org", "b@example.org"]


def test_the_labelled_set_end_to_end_robots_never_answered(tmp_path: Path, env) -> None:
    """All 122 labelled messages through a real Dovecot and SMTP server in one pass: every robot
    stays unanswered, every person who may be answered gets exactly one answer, nothing is lost."""
    import csv

    account, smtp = env
    data_dir = DATA / "classify"
    with open(data_dir / "labels.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    cfg = server_config(tmp_path, account, smtp, organisers=ORGANISERS)
    account.append_many("INBOX", [(data_dir / r["file"]).read_bytes() for r in rows if (data_dir / r["file"]).stat().st_size])
    assert main(["--config", str(cfg), *NOW, "run", "--once"]) == 0

    from email import message_from_bytes, policy
    from email.utils import parseaddr

    recipients = {m.rcpt_tos[0] for m in smtp.messages}
    def sender(row: dict[str, str]) -> str | None:
        parsed = message_from_bytes((data_dir / row["file"]).read_bytes(), policy=policy.compat32)
        addr = parseaddr(str(parsed.get("From", "")))[1].lower()
        return addr or None

    def message_id(row: dict[str, str]) -> str | None:
        parsed = message_from_bytes((data_dir / row["file"]).read_bytes(), policy=policy.compat32)
        return str(parsed.get("Message-ID", "")).strip() or None

    robot_rows = [r for r in rows if r["kind"] in ("auto_reply", "bounce", "list", "spam")]
    robot_ids = {message_id(r) for r in robot_rows} - {None}
    assert len(robot_ids) > 20
    # No answer refers to a robot's mail ...
    assert not {str(m.message["In-Reply-To"] or "") for m in smtp.messages} & robot_ids
    # ... and nobody who only ever sent robot mail gets anything.
    people_rows = [r for r in rows if r["kind"] in ("applicant_message", "survey_response", "organiser_command")]
    robots_only = {sender(r) for r in robot_rows} - {sender(r) for r in people_rows} - {None}
    robots_only -= {r["applicant_email"] for r in people_rows}
    assert robots_only and not robots_only & recipients
    for m in smtp.messages:
        assert m.message["Auto-Submitted"] in ("auto-replied", "auto-generated")
        assert m.mail_from == "contact@callflow.example.org"
    # Every person is answered: by mail, or their mail stays flagged in the inbox for the contact person.
    left_for_a_person = {
        message_from_bytes(raw, policy=policy.default)["From"].addresses[0].addr_spec.lower()
        for raw in account.fetch_all("INBOX")
    }
    surveyed = {r["applicant_email"] for r in rows if r["kind"] == "survey_response" and r["applicant_email"]}
    writers = {r["applicant_email"] for r in rows if r["kind"] == "applicant_message" and r["applicant_email"]}
    assert surveyed <= recipients
    assert writers <= recipients | left_for_a_person, writers - recipients - left_for_a_person
    total = account.count("Processed") + account.count("Quarantine") + account.count("INBOX")
    assert total == len([r for r in rows if (data_dir / r["file"]).stat().st_size])


def test_robots_writing_in_prose_end_to_end(tmp_path: Path, env, capsys) -> None:
    """Prose delivery failures, list managers' notices and newsletters through a real Dovecot and
    SMTP server, mixed with people who look like them: no robot is answered, the applicants whose
    address failed are flagged, every person is answered or left flagged for the contact person."""
    account, smtp = env
    cfg = server_config(tmp_path, account, smtp)
    account.append_many("INBOX", [
        mails.inquiry("Lena Vogel <lena.vogel@example.de>", question=False),
        mails.inquiry("<3125550143@vtext.example.com>", question=False),
    ])
    assert main(["--config", str(cfg), *NOW, "run", "--once"]) == 0
    assert len(smtp.messages) == 2

    samples = notices.ROBOTS + notices.PEOPLE
    account.append_many("INBOX", [s.raw for s in samples])
    assert main(["--config", str(cfg), *NOW, "run", "--once"]) == 0

    def sender(raw: bytes) -> str:
        return email.message_from_bytes(raw, policy=email.policy.default)["From"].addresses[0].addr_spec.lower()

    answers = smtp.messages[2:]
    robot_ids = {mails_message_id(s.raw) for s in notices.ROBOTS}
    assert not {str(m.message["In-Reply-To"] or "") for m in answers} & robot_ids
    recipients = {m.rcpt_tos[0] for m in answers}
    people = {sender(s.raw) for s in notices.PEOPLE}
    left_for_a_person = {sender(raw) for raw in account.fetch_all("INBOX")}
    assert recipients <= people
    assert people <= recipients | left_for_a_person
    assert not {sender(s.raw) for s in notices.ROBOTS} & left_for_a_person

    capsys.readouterr()
    for address in ("lena.vogel@example.de", "3125550143@vtext.example.com"):
        assert main(["--config", str(cfg), *NOW, "show", address, "--json"]) == 0
        assert "bounced" in json.loads(capsys.readouterr().out)["flags"]
    assert account.count("Processed") + account.count("INBOX") == len(samples) + 2


def test_a_pass_over_imap_holds_a_large_mail_about_once(tmp_path: Path, env) -> None:
    import random
    import tracemalloc
    from email import message_from_bytes, policy

    from workflow import config as config_mod
    from workflow.clock import Clock
    from workflow.mailbox.imap import ImapIntake
    from workflow.pipeline import Runtime, intake_pass
    from workflow.store import Store

    account, smtp = env
    msg = message_from_bytes(mails.inquiry("Maria Keller <maria.keller@example.net>"), policy=policy.default)
    msg.add_attachment(random.Random(5).randbytes(8 << 20), maintype="application", subtype="pdf", filename="cv.pdf")
    raw = msg.as_bytes()
    account.append("INBOX", raw)
    config = config_mod.load(server_config(tmp_path, account, smtp))
    rt = Runtime(config, Clock(config.event.deadline.replace(month=3, day=1)), Store(config.storage.path))
    intake = ImapIntake(config.mailbox)
    tracemalloc.start()
    try:
        report = intake_pass(rt, intake)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        intake.close()
    assert report.by_kind == {"applicant_message": 1}
    # The fetched bytes themselves, and little else: imaplib's protocol log (a %r of the mail)
    # and parsing (a normalised copy, the parser's lines, the joined payload) took 10 times that.
    assert peak < 1.5 * len(raw), f"{peak / len(raw):.1f} times the mail's size"


def _imap_intake(tmp_path: Path, account, smtp):
    from workflow import config as config_mod
    from workflow.mailbox.imap import ImapIntake

    return ImapIntake(config_mod.load(server_config(tmp_path, account, smtp)).mailbox)


def test_imap_wait_reports_mail_that_arrived_before_idle_began(tmp_path: Path, env) -> None:
    """Dovecot's IDLE reports only what changes after it began: mail that came between the
    pass's last command and the IDLE must wake the daemon all the same."""
    account, smtp = env
    intake = _imap_intake(tmp_path, account, smtp)
    intake.open({})
    try:
        account.append("INBOX", mails.inquiry("A <a@example.org>", question=False))
        assert intake.wait(5) is True
        intake.open(intake.state)
        assert [len(b) for b in intake.batches(10)] == [1]
    finally:
        intake.close()


def test_imap_idle_runs_on_across_waits_and_the_next_pass_sees_mail_from_its_end(
        tmp_path: Path, env) -> None:
    """The IDLE goes on across waits that find nothing (no DONE and IDLE every few seconds);
    mail that arrives just before the pass ends it (too early for the server to have said
    so) is still read by that pass."""
    account, smtp = env
    intake = _imap_intake(tmp_path, account, smtp)
    intake.open({})
    try:
        assert intake.wait(0.1) is False
        began = intake.idle_since
        assert began is not None and intake.wait(0.1) is False and intake.idle_since == began
        account.append("INBOX", mails.inquiry("A <a@example.org>", question=False))
        intake.open(intake.state)  # DONE at once: the server has not reported the mail yet
        assert intake.idle_since is None
        assert [len(b) for b in intake.batches(10)] == [1]
        # And an IDLE that is running reports new mail.
        assert intake.wait(0.1) is False
        account.append("INBOX", mails.inquiry("B <b@example.org>", question=False))
        assert intake.wait(30) is True
    finally:
        intake.close()


def test_imap_wait_asks_every_check_seconds_instead_of_idling(tmp_path: Path, env) -> None:
    """With ``check_seconds`` the wait asks the server (NOOP) for news, which Dovecot answers at
    once, instead of sitting in an IDLE it reports news to only after half a second."""
    from workflow import config as config_mod
    from workflow.mailbox.imap import ImapIntake

    account, smtp = env
    config = config_mod.load(server_config(tmp_path, account, smtp, mailbox={"check_seconds": 0.05}))
    intake = ImapIntake(config.mailbox)
    intake.open({})
    try:
        asked = []
        noop = intake.client.noop
        intake.client.noop = lambda: asked.append(1) or noop()  # counts the real NOOPs
        assert intake.can_idle and intake.wait(0.2) is False and intake.idle_since is None
        assert len(asked) >= 3  # at once, then every 0.05 s
        account.append("INBOX", mails.inquiry("A <a@example.org>", question=False))
        assert intake.wait(30) is True and intake.idle_since is None
        intake.open(intake.state)
        assert [len(b) for b in intake.batches(10)] == [1]
        assert intake.wait(0.3) is False  # its own move is no news
    finally:
        intake.close()


def test_imap_wait_fails_when_the_server_drops_the_idle_connection(tmp_path: Path, dovecot, env) -> None:
    """A connection closed during IDLE is an error the daemon reconnects after, never an
    endless run of empty waits."""
    import pytest

    from workflow.errors import MailboxError

    account, smtp = env
    intake = _imap_intake(tmp_path, account, smtp)
    intake.open({})
    try:
        assert intake.wait(0.1) is False  # in IDLE
        dovecot.stop()
        dovecot.start()
        with pytest.raises(MailboxError):
            for _ in range(3):  # a BYE may come first, then the end of the stream
                intake.wait(30)
    finally:
        intake.close()
    assert intake.client is None


def test_imap_wait_returns_at_once_for_mail_reported_during_the_pass(tmp_path: Path, env) -> None:
    """Mail that arrives during a pass is reported with the answer to one of its commands, and
    IDLE will not report it again: the next wait must not sleep on it."""
    account, smtp = env
    intake = _imap_intake(tmp_path, account, smtp)
    intake.open({})
    try:
        account.append("INBOX", mails.inquiry("A <a@example.org>", question=False))
        assert [len(b) for b in intake.batches(10)] == []  # searched before the server said EXISTS
        assert intake.wait(5) is True
        intake.open(intake.state)
        assert [len(b) for b in intake.batches(10)] == [1]
    finally:
        intake.close()


def test_imap_intake_keeps_its_session_across_passes(tmp_path: Path, dovecot, env) -> None:
    """A daemon's passes share one IMAP session: open() logs in only when it has none."""
    from workflow import config as config_mod
    from workflow.clock import Clock
    from workflow.mailbox.imap import ImapIntake
    from workflow.pipeline import Runtime, intake_pass
    from workflow.store import Store

    account, smtp = env
    config = config_mod.load(server_config(tmp_path, account, smtp))
    rt = Runtime(config, Clock(config.event.deadline.replace(month=3, day=1)), Store(config.storage.path))
    intake = ImapIntake(config.mailbox)
    try:
        for name in ("a", "b", "c"):
            account.append("INBOX", mails.inquiry(f"{name} <{name}@example.org>", question=False))
            assert intake_pass(rt, intake).handled == 1
        session = intake.client
        assert intake.wait(0.1) is False  # its own moves are no news: no second pass for nothing
        assert intake_pass(rt, intake).handled == 0 and intake.client is session
    finally:
        intake.close()
    assert intake.client is None
    assert dovecot.logins(account.username) - 3 == 1  # the appends logged in three times
    assert account.count("Processed") == 3
