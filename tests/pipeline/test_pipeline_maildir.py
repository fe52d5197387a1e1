"""The embedded default end to end: Maildir in, state committed, answers written as files."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest

from tests import mails
from tests.cfg import NOW, base_config, make_config, write_config
from tests.maildir import cli_json, deliver, outgoing, recipients
from tests.paths import CORPUS
from workflow.cli import main


@pytest.fixture
def setup(tmp_path: Path):
    path = write_config(tmp_path, base_config(tmp_path))
    return tmp_path, ["--config", str(path), *NOW]


def test_run_once_answers_people_not_robots_and_files_the_mail(setup, capsys) -> None:
    tmp, base = setup
    inbox = tmp / "mail"
    inquiry = mails.inquiry()
    deliver(inbox, "1.a", inquiry)
    deliver(inbox, "2.b", mails.survey("Jonas.Peeters@Example.org", "Jonas Peeters", "1042"))
    deliver(inbox, "3.c", mails.out_of_office())
    deliver(inbox, "4.d", mails.list_post())
    assert main([*base, "run", "--once"]) == 0

    sent = outgoing(tmp)
    assert sorted(m["To"].addresses[0].addr_spec for m in sent) == [
        "jonas.peeters@example.org", "maria.keller@example.net"]
    by_to = {m["To"].addresses[0].addr_spec: m for m in sent}
    ack = by_to["maria.keller@example.net"]
    original_id = email.message_from_bytes(inquiry, policy=policy.default)["Message-ID"]
    assert ack["In-Reply-To"] == original_id and original_id in ack["References"]
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["Message-ID"] and ack["Date"]
    text = ack.get_body(("plain",)).get_content()
    assert "https://surveys.example.org/s/wg" in text and "Thursday 10 March 2022" in text
    assert "limited" in text and "does not guarantee" in text
    assert ack.get_body(("html",)) is not None
    survey_ack = by_to["jonas.peeters@example.org"]
    assert "received your" in survey_ack.get_body(("plain",)).get_content()
    assert all(m["To"].addresses[0].addr_spec != mails.SURVEY for m in sent)

    # People's mail that asks something stays in the inbox, flagged; the rest is filed.
    assert sorted(p.name for p in (inbox / "cur").iterdir()) == ["1.a:2,F"]
    assert sorted(p.name for p in (inbox / ".Processed" / "cur").iterdir()) == ["2.b:2,S", "3.c:2,S", "4.d:2,S"]
    assert list((inbox / "new").iterdir()) == []

    status = cli_json([*base, "status", "--json"], capsys)
    assert status["counts"]["inquired"] == 1 and status["counts"]["applied"] == 1
    assert status["capacity"] == 3 and status["capacity_left"] == 3
    assert status["outbox_pending"] == 0 and status["quarantined"] == 0

    jonas = cli_json([*base, "show", "jonas.peeters@example.org", "--json"], capsys)
    assert jonas["state"] == "applied" and jonas["name"] == "Jonas Peeters"
    assert jonas["fields"]["organisation"] == "Exit Programme"
    assert jonas["fields"]["field"] == "Exit work,\nfamily counselling"
    assert [h["event"] for h in jonas["history"]][:2] == ["application", "queued"]
    assert all({"at", "event", "detail"} <= set(h) for h in jonas["history"])

    # A second pass sends nothing new.
    assert main([*base, "run", "--once"]) == 0
    assert len(outgoing(tmp)) == 2


def test_same_message_delivered_twice_is_handled_once(setup, capsys) -> None:
    tmp, base = setup
    raw = mails.inquiry(question=False)
    deliver(tmp / "mail", "1.a", raw)
    deliver(tmp / "mail", "2.a-again", b"Delivered-To: contact@callflow.example.org\n" + raw)
    assert main([*base, "run", "--once"]) == 0
    assert len(outgoing(tmp)) == 1
    assert len(list((tmp / "mail" / ".Processed" / "cur").iterdir())) == 2


def test_late_survey_is_flagged_and_gets_the_late_answer(setup, capsys) -> None:
    tmp, base = setup
    base = [base[0], base[1], "--now", "2022-03-11T09:00"]
    deliver(tmp / "mail", "1", mails.survey("late@example.org", "Lea Late"))
    assert main([*base, "run", "--once"]) == 0
    (ack,) = outgoing(tmp)
    assert "after the deadline" in ack["Subject"]
    rec = cli_json([*base, "show", "late@example.org", "--json"], capsys)
    assert rec["state"] == "applied" and "late" in rec["flags"]


def test_duplicate_survey_response_updates_one_record(setup, capsys) -> None:
    tmp, base = setup
    deliver(tmp / "mail", "1", mails.survey("a@example.org", "A One", "7"))
    deliver(tmp / "mail", "2", mails.survey("A@example.org", "A One-Two", "8"))
    assert main([*base, "run", "--once"]) == 0
    rows = cli_json([*base, "applicants", "--json"], capsys)
    assert [(r["email"], r["name"]) for r in rows] == [("a@example.org", "A One-Two")]
    assert len(outgoing(tmp)) == 1


def test_inquirer_who_then_applies_moves_to_applied(setup, capsys) -> None:
    tmp, base = setup
    deliver(tmp / "mail", "1", mails.inquiry("Maria <maria@example.net>", question=False))
    assert main([*base, "run", "--once"]) == 0
    deliver(tmp / "mail", "2", mails.survey("maria@example.net", "Maria K"))
    assert main([*base, "run", "--once"]) == 0
    rec = cli_json([*base, "show", "maria@example.net", "--json"], capsys)
    assert rec["state"] == "applied"
    assert len(outgoing(tmp)) == 2


def test_unparseable_mail_is_quarantined_never_dropped(setup, capsys) -> None:
    tmp, base = setup
    deliver(tmp / "mail", "1", b"\x00\x01\x02 garbage without headers or sender\n")
    assert main([*base, "run", "--once"]) == 0
    assert [p.name for p in (tmp / "mail" / ".Quarantine" / "cur").iterdir()] == ["1:2,S"]
    assert cli_json([*base, "status", "--json"], capsys)["quarantined"] == 1
    assert outgoing(tmp) == []


def test_applicants_csv_and_state_filter(setup, capsys) -> None:
    tmp, base = setup
    deliver(tmp / "mail", "1", mails.survey("a@example.org", "A, with comma"))
    deliver(tmp / "mail", "2", mails.inquiry("B <b@example.org>"))
    assert main([*base, "run", "--once"]) == 0
    capsys.readouterr()
    assert main([*base, "applicants", "--csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("email,name,state,flags")
    assert '"A, with comma"' in out[1] or '"A, with comma"' in out[2]
    rows = cli_json([*base, "applicants", "--state", "inquired", "--json"], capsys)
    assert [r["email"] for r in rows] == ["b@example.org"]


def test_answer_window_limits_automatic_answers_per_sender(setup, capsys) -> None:
    tmp, base = setup
    for i in range(3):
        deliver(tmp / "mail", f"{i}", mails.inquiry("Chatty <chatty@example.org>", question=False))
    assert main([*base, "run", "--once"]) == 0
    assert len(outgoing(tmp)) == 1


def test_crash_between_commit_and_settle_acts_once(setup, capsys, monkeypatch) -> None:
    """Commit done, the move to the processed folder never happened: the next run only files it."""
    from workflow.mailbox import maildir

    tmp, base = setup
    deliver(tmp / "mail", "1", mails.inquiry(question=False))

    def crash(self, settlements):
        raise SystemExit("killed")

    monkeypatch.setattr(maildir.MaildirIntake, "settle", crash)
    with pytest.raises(SystemExit):
        main([*base, "run", "--once"])
    monkeypatch.undo()
    assert len(list((tmp / "mail" / "new").iterdir())) == 1
    assert main([*base, "run", "--once"]) == 0
    assert len(outgoing(tmp)) == 1
    assert list((tmp / "mail" / "new").iterdir()) == []


def test_a_long_pass_answers_each_batch_before_reading_on(tmp_path: Path, capsys, monkeypatch) -> None:
    """A backfill hands what a batch queued to the sender right after the batch is committed and
    settled, and it goes out while the next batches are read, not only at the very end; a death
    halfway keeps what went out, and the next run sends only the rest."""
    import time

    from workflow.mailbox import maildir

    path = write_config(tmp_path, base_config(tmp_path, mailbox={"batch_size": 2}))
    base = ["--config", str(path), *NOW]
    for i in range(6):
        deliver(tmp_path / "mail", f"{i}.m", mails.inquiry(f"P{i} <p{i}@example.org>", question=False))
    real_settle = maildir.MaildirIntake.settle
    seen_at_settle: list[int] = []

    def settle_then_die_at_the_third(self, settlements):
        if len(seen_at_settle) == 2:
            # The pass is still on its third batch: the first two batches' answers go out meanwhile.
            deadline = time.monotonic() + 30
            while len(outgoing(tmp_path)) < 4 and time.monotonic() < deadline:
                time.sleep(0.01)
        seen_at_settle.append(len(outgoing(tmp_path)))
        real_settle(self, settlements)
        if len(seen_at_settle) == 3:
            raise SystemExit("killed while the third batch was being filed")

    monkeypatch.setattr(maildir.MaildirIntake, "settle", settle_then_die_at_the_third)
    with pytest.raises(SystemExit):
        main([*base, "run", "--once"])
    monkeypatch.undo()
    assert seen_at_settle[0] == 0 and seen_at_settle[2] == 4  # out before the pass ended
    assert len(outgoing(tmp_path)) == 4  # the third batch's were never handed to the sender
    assert main([*base, "run", "--once"]) == 0
    assert recipients(tmp_path) == sorted(f"p{i}@example.org" for i in range(6))  # each exactly once
    rows = cli_json([*base, "outbox", "list", "--json", "--all"], capsys)
    assert sorted(r["status"] for r in rows) == ["sent"] * 6


def test_crash_while_sending_never_sends_twice(setup, capsys, monkeypatch) -> None:
    from workflow.transport import maildir as tmaildir

    tmp, base = setup
    deliver(tmp / "mail", "1", mails.inquiry("A <a@example.org>", question=False))
    deliver(tmp / "mail", "2", mails.inquiry("B <b@example.org>", question=False))
    real_send = tmaildir.MaildirTransport.send
    calls = []

    def send_then_die(self, mail, on_handover):
        calls.append(mail.recipients)
        real_send(self, mail, on_handover)
        if len(calls) == 1:
            raise SystemExit("killed after the first mail was delivered, before the journal's done")

    monkeypatch.setattr(tmaildir.MaildirTransport, "send", send_then_die)
    with pytest.raises(SystemExit):
        main([*base, "run", "--once"])
    monkeypatch.undo()
    assert main([*base, "run", "--once"]) == 0
    # The first mail is found delivered (exactly once, never uncertain); the second goes out.
    assert sorted(recipients(tmp)) == ["a@example.org", "b@example.org"]
    rows = cli_json([*base, "outbox", "list", "--json", "--all"], capsys)
    assert sorted(r["status"] for r in rows) == ["sent", "sent"]


def test_backfill_commits_once_per_batch_not_per_message(tmp_path: Path) -> None:
    """TinyDB rewrites its whole file per write: a backfill must write it per batch."""
    from workflow.clock import Clock
    from workflow.mailbox.maildir import MaildirIntake
    from workflow.pipeline import Runtime, intake_pass
    from workflow.store import Store

    cfg = make_config(tmp_path, mailbox={"batch_size": 250})
    inbox = tmp_path / "mail"
    for i in range(600):
        raw = mails.survey(f"p{i}@example.org", f"P {i}", str(i)) if i % 3 else mails.inquiry(
            f"Q{i} <q{i}@example.net>", question=False)
        deliver(inbox, f"{1000 + i}.m{i}", raw)
    rt = Runtime(cfg, Clock(cfg.event.deadline.replace(month=3, day=1)), Store(cfg.storage.path))
    report = intake_pass(rt, MaildirIntake(cfg.mailbox))
    assert report.handled == 600 and report.queued == 600
    # 1 checkpoint commit + 3 batches (250, 250, 100) + 1 final = 5 writes for 600 messages.
    assert report.commits == 5 and rt.store.commits == 5
    assert len(list((inbox / ".Processed" / "cur").iterdir())) == 600


def dsn(recipient: str, action: str, status: str, original_id: str = "<orig@callflow.example.org>") -> bytes:
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\n"
        "To: contact@callflow.example.org\nSubject: Undelivered Mail Returned to Sender\n"
        f"Message-ID: <dsn-{action}-{status}@mx.example.net>\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
        "--B\nContent-Type: text/plain\n\nThis is the mail system.\n\n"
        "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
        f"Final-Recipient: rfc822; {recipient}\nAction: {action}\nStatus: {status}\n\n"
        f"--B\nContent-Type: text/rfc822-headers\n\nFrom: contact@callflow.example.org\nTo: {recipient}\n"
        f"Message-ID: {original_id}\nSubject: Application received\n\n--B--\n"
    )


def test_bounce_flags_the_applicant_and_is_never_answered(setup, capsys) -> None:
    tmp, base = setup
    deliver(tmp / "mail", "1", mails.survey("gone@example.org", "Gone Person"))
    deliver(tmp / "mail", "2", mails.survey("slow@example.org", "Slow Server"))
    assert main([*base, "run", "--once"]) == 0
    deliver(tmp / "mail", "3", dsn("gone@example.org", "failed", "5.1.1").encode())
    deliver(tmp / "mail", "4", dsn("slow@example.org", "delayed", "4.4.1").encode())
    assert main([*base, "run", "--once"]) == 0
    assert len(outgoing(tmp)) == 2  # the two acknowledgements, nothing to the bounces
    gone = cli_json([*base, "show", "gone@example.org", "--json"], capsys)
    assert "bounced" in gone["flags"] and gone["history"][-1]["event"] == "bounce"
    slow = cli_json([*base, "show", "slow@example.org", "--json"], capsys)
    assert "bounced" not in slow["flags"]


def test_reply_from_another_address_is_matched_by_thread(setup, capsys) -> None:
    tmp, base = setup
    deliver(tmp / "mail", "1", mails.survey("work@example.org", "Wanda Work"))
    assert main([*base, "run", "--once"]) == 0
    (ack,) = outgoing(tmp)
    reply = mails.build("Wanda <wanda.private@example.net>", f"Re: {ack['Subject']}",
                        "Is the meeting recorded?\n", In_Reply_To=ack["Message-ID"], References=ack["Message-ID"])
    deliver(tmp / "mail", "2", reply)
    assert main([*base, "run", "--once"]) == 0
    rows = cli_json([*base, "applicants", "--json"], capsys)
    assert [r["email"] for r in rows] == ["work@example.org"]
    assert "needs_attention" in rows[0]["flags"]
    assert rows[0]["history"][-3]["event"] == "mail"


def test_html_table_survey_notification_end_to_end(setup, capsys) -> None:
    from email.message import EmailMessage

    tmp, base = setup
    msg = EmailMessage()
    msg["From"] = f"LimeSurvey <{mails.SURVEY}>"
    msg["To"] = mails.CONTACT
    msg["Subject"] = "Response submission for survey Working group"
    msg["Message-ID"] = "<ls-1@surveys.example.org>"
    msg.set_content(
        "<html><body><table class='printouttable'>"
        "<tr><th colspan='2'>Personal details</th></tr>"
        "<tr><td>Full name</td><td>Hélène &amp; Co</td></tr>"
        "<tr><td>Email address</td><td>helene@example.fr</td></tr>"
        "<tr><td>Field of work</td><td>Exit work<br />\nprisons</td></tr>"
        "</table></body></html>", subtype="html")
    deliver(tmp / "mail", "1", msg.as_bytes())
    assert main([*base, "run", "--once"]) == 0
    rec = cli_json([*base, "show", "helene@example.fr", "--json"], capsys)
    assert rec["name"] == "Hélène & Co" and rec["fields"]["field"] == "Exit work\nprisons"
    (ack,) = outgoing(tmp)
    assert ack["To"].addresses[0].addr_spec == "helene@example.fr"
    assert "Hélène &amp; Co" in ack.get_body(("html",)).get_content()


def test_parallel_understanding_gives_the_same_result_as_inline(tmp_path: Path) -> None:
    """Large batches are parsed and classified in worker processes; the outcome must not change."""
    import json as json_mod

    from workflow.clock import Clock
    from workflow.mailbox.maildir import MaildirIntake
    from workflow.pipeline import Runtime, intake_pass
    from workflow.store import Store

    raws = []
    for i in range(150):
        kind = i % 5
        raws.append(mails.survey(f"p{i}@example.org", f"P {i}", str(i)) if kind == 0
                    else mails.inquiry(f"Q{i} <q{i}@example.net>", question=bool(i % 2)) if kind in (1, 2)
                    else mails.out_of_office(f"O{i} <o{i}@example.com>") if kind == 3
                    else mails.build("Anna Organiser <anna.organiser@example.org>", "Hi", "select p0@example.org\n",
                                     message_id=f"<org-{i}@example.org>"))

    def run(workers: int) -> tuple[dict, list]:
        tmp = tmp_path / f"w{workers}"
        tmp.mkdir()
        cfg = make_config(tmp, mailbox={"workers": workers})
        for i, raw in enumerate(raws):
            deliver(tmp / "mail", f"{1000 + i}.m{i}", raw)
        rt = Runtime(cfg, Clock(cfg.event.deadline.replace(month=3, day=1)), Store(cfg.storage.path))
        report = intake_pass(rt, MaildirIntake(cfg.mailbox))
        assert report.handled == 150
        applicants = {r["email"]: (r["state"], sorted(r["flags"]), r.get("attention", {}).get("snippet"))
                      for r in rt.store.applicants}
        sent = sorted((e["key"], e["kind"], e["to"]) for e in rt.store.outbox)
        return applicants, json_mod.loads(json_mod.dumps(sent))

    assert run(1) == run(2)


def test_no_mail_is_ever_lost_whatever_arrives(tmp_path: Path) -> None:
    """Fuzzed and corpus mail: after one pass every file is in exactly one place, none is left in new/."""
    import random

    from workflow.clock import Clock
    from workflow.mailbox.maildir import MaildirIntake
    from workflow.pipeline import Runtime, intake_pass
    from workflow.store import Store

    rng = random.Random(7)
    corpus = CORPUS
    raws = [p.read_bytes() for p in sorted(corpus.glob("*/*"))[::7]]
    base = mails.inquiry(question=False)
    for _ in range(60):  # mutations of a good mail: truncations, flipped bytes, spliced garbage
        cut = rng.randrange(len(base))
        raws.append(base[:cut])
        flipped = bytearray(base)
        for _ in range(20):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        raws.append(bytes(flipped))
        raws.append(base[:cut] + bytes(rng.randrange(256) for _ in range(200)) + base[cut:])
    cfg = make_config(tmp_path)
    inbox = tmp_path / "mail"
    for i, raw in enumerate(raws):
        deliver(inbox, f"{10_000 + i}.f{i}", raw)
    rt = Runtime(cfg, Clock(cfg.event.deadline.replace(month=3, day=1)), Store(cfg.storage.path))
    report = intake_pass(rt, MaildirIntake(cfg.mailbox))
    placed = [p for sub in ("cur", ".Processed/cur", ".Quarantine/cur") for p in (inbox / sub).iterdir()]
    assert list((inbox / "new").iterdir()) == []
    assert len(placed) == len(raws) == report.handled + report.duplicates
    assert sorted(p.name.split(":")[0] for p in placed) == sorted(f"{10_000 + i}.f{i}" for i in range(len(raws)))


def test_contact_form_relay_is_answered_at_the_reply_to_address(setup, capsys) -> None:
    tmp, base = setup
    form = mails.build("Website <no-reply@www.example.org>", "Contact form: participation",
                       "Name: Lena Berg\nMessage: I would like to take part. How do I apply?\n",
                       Reply_To="Lena Berg <lena.berg@example.se>")
    newsletter = mails.build("News <noreply@news.example.com>", "Our newsletter", "Read more...\n",
                             Reply_To="news@news.example.com")
    deliver(tmp / "mail", "1", form)
    deliver(tmp / "mail", "2", newsletter)
    assert main([*base, "run", "--once"]) == 0
    assert recipients(tmp) == ["lena.berg@example.se"]
    rows = cli_json([*base, "applicants", "--json"], capsys)
    assert [(r["email"], r["state"]) for r in rows] == [("lena.berg@example.se", "inquired")]


def test_maildir_batches_are_bounded_in_bytes(tmp_path: Path) -> None:
    from workflow.mailbox.maildir import MaildirIntake

    cfg = make_config(tmp_path, mailbox={"batch_bytes": 10_000})
    for i in range(6):
        deliver(tmp_path / "mail", f"{i}.big", b"From: a@example.org\n\n" + b"x" * 6_000)
    sizes = [len(b) for b in MaildirIntake(cfg.mailbox).batches(500)]
    assert sizes == [1, 1, 1, 1, 1, 1]


def test_abuse_complaint_flags_the_complainant_and_is_never_answered(setup, capsys) -> None:
    tmp, base = setup
    deliver(tmp / "mail", "1", mails.survey("grumpy@example.org", "Grumpy"))
    assert main([*base, "run", "--once"]) == 0
    arf = (
        b"From: Feedback Loop <fbl@isp.example.net>\nTo: contact@callflow.example.org\n"
        b"Subject: Abuse report\nMessage-ID: <arf-1@isp.example.net>\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/report; report-type=feedback-report; boundary="A"\n\n'
        b"--A\nContent-Type: text/plain\n\nThis is an email abuse report.\n\n"
        b"--A\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nVersion: 1\n"
        b"Original-Mail-From: <contact@callflow.example.org>\nOriginal-Rcpt-To: <grumpy@example.org>\n\n"
        b"--A\nContent-Type: message/rfc822\n\nFrom: contact@callflow.example.org\nTo: grumpy@example.org\n"
        b"Subject: Application received\n\nThank you\n--A--\n"
    )
    deliver(tmp / "mail", "2", arf)
    assert main([*base, "run", "--once"]) == 0
    assert len(outgoing(tmp)) == 1  # only the acknowledgement of the application
    rec = cli_json([*base, "show", "grumpy@example.org", "--json"], capsys)
    assert "needs_attention" in rec["flags"] and rec["history"][-1]["event"] == "complaint"


def test_a_send_pass_with_nothing_to_send_writes_nothing(tmp_path: Path) -> None:
    """The daemon runs a send pass every 30 seconds: with nothing due it must not rewrite the state."""
    from workflow.clock import Clock
    from workflow.pipeline import Runtime, send_pass
    from workflow.store import Store
    from workflow.transport import open_transport

    cfg = make_config(tmp_path)
    deliver(tmp_path / "mail", "1.m", mails.inquiry(question=False))
    assert main(["--config", str(write_config(tmp_path, base_config(tmp_path))), *NOW, "run", "--once"]) == 0
    store = Store(cfg.storage.path)
    rt = Runtime(cfg, Clock(cfg.event.deadline.replace(month=3, day=1)), store)
    transport = open_transport(cfg)
    try:
        report = send_pass(rt, transport)
    finally:
        transport.close()
    assert not report.changed and store.commits == 0
    assert len(outgoing(tmp_path)) == 1
