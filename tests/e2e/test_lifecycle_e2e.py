"""The applicant lifecycle end to end against Dovecot + aiosmtpd: apply → select → invite (ICS) →
calendar accept → confirmed; capacity full → waitlist → a decline promotes after approval; a
changed session time → updates with SEQUENCE+1; withdraw → CANCEL; reminders once across runs."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path

import icalendar
import pytest
import vobject
import yaml

from tests import mails
from tests.cfg import server_config
from workflow.cli import main


def cli(cfg: Path, now: str, *args: str, capsys=None, code: int = 0) -> str:
    if capsys is not None:
        capsys.readouterr()
    assert main(["--config", str(cfg), "--now", now, *args]) == code
    return capsys.readouterr().out if capsys is not None else ""


def sent_to(smtp, kind_word: str) -> list:
    return [m for m in smtp.messages if kind_word.lower() in str(m.message["Subject"]).lower()]


def calendar_part(message: EmailMessage) -> tuple[str, bytes]:
    inline = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    attached = [p for p in message.walk() if p.get_filename() in ("invite.ics", "cancel.ics")]
    assert len(inline) == 1 and len(attached) == 1
    assert inline[0].get_param("method") in ("REQUEST", "CANCEL")
    return inline[0].get_param("method"), attached[0].get_content()


def calendar_reply(attendee: str, invitation_ics: bytes, partstat: str) -> bytes:
    invite = icalendar.Calendar.from_ical(invitation_ics)
    reply = icalendar.Calendar()
    reply.add("prodid", "-//Test client//EN")
    reply.add("version", "2.0")
    reply.add("method", "REPLY")
    for ev in invite.walk("VEVENT"):
        out = icalendar.Event()
        for key in ("uid", "sequence", "dtstart", "dtend", "summary", "organizer"):
            out[key] = ev[key]
        att = icalendar.vCalAddress(f"mailto:{attendee}")
        att.params["PARTSTAT"] = partstat
        out.add("attendee", att)
        out.add("dtstamp", ev["dtstamp"].dt)
        reply.add_component(out)
    msg = EmailMessage()
    msg["From"] = attendee
    msg["To"] = mails.CONTACT
    msg["Subject"] = f"{partstat.title()}: Working group meeting"
    msg["Message-ID"] = f"<reply-{attendee}@client.example>"
    msg.set_content(f"{attendee} has accepted this invitation.")
    msg.add_alternative(reply.to_ical().decode(), subtype="calendar", params={"method": "REPLY"})
    return msg.as_bytes()


@pytest.fixture
def world(tmp_path: Path, imap_account, smtp_server, env):
    cfg = server_config(tmp_path, imap_account, smtp_server)
    return cfg, imap_account, smtp_server


def test_full_lifecycle(world, capsys) -> None:
    cfg, account, smtp = world
    t0 = "2022-03-01T12:00"
    people = ["ana@example.org", "bo@example.org", "cy@example.org", "di@example.org"]
    account.append_many("INBOX", [mails.survey(p, p.split("@")[0].title(), str(i)) for i, p in enumerate(people)])
    cli(cfg, t0, "run", "--once")
    assert len(smtp.messages) == 4  # acknowledgements

    # Capacity is 3: the fourth selection is refused (one line, exit 2), then waitlisted.
    t1 = "2022-03-11T09:00"
    out = cli(cfg, t1, "select", *people[:3], capsys=capsys)
    assert out.count("applied → selected") == 3
    capsys.readouterr()
    assert main(["--config", str(cfg), "--now", t1, "select", "di@example.org"]) == 2
    assert "no place left" in capsys.readouterr().err
    cli(cfg, t1, "waitlist", "di@example.org")
    # Selection mail waits for approval; the waitlisting goes out at once.
    cli(cfg, t1, "outbox", "send")
    assert [m.rcpt_tos for m in smtp.messages[4:]] == [["di@example.org"]]
    waitlisted = smtp.messages[4].message.get_body(("plain",)).get_content()
    assert "confirmed" not in waitlisted.lower() and "position 1" in waitlisted.lower()
    cli(cfg, t1, "outbox", "approve", "--all")
    cli(cfg, t1, "outbox", "send")
    assert len(smtp.messages) == 8

    # Invitations with iCalendar, after approval.
    out = cli(cfg, t1, "invite", "--dry-run", "--selected", capsys=capsys)
    assert out.count("would change") == 3
    cli(cfg, t1, "invite", "--selected")
    cli(cfg, t1, "outbox", "approve", "--all")
    cli(cfg, t1, "outbox", "send")
    invitations = smtp.messages[8:]
    assert sorted(m.rcpt_tos[0] for m in invitations) == people[:3]
    subjects = {str(m.message["Subject"]) for m in invitations}
    assert all("confirm" in s.lower() for s in subjects)
    method, ics = calendar_part(invitations[0].message)
    assert method == "REQUEST"
    cal = icalendar.Calendar.from_ical(ics)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 2 and str(cal["method"]) == "REQUEST"
    starts = sorted(ev["dtstart"].dt.astimezone(__import__("datetime").UTC).isoformat() for ev in events)
    assert starts == ["2022-03-24T12:30:00+00:00", "2022-03-25T12:30:00+00:00"]
    assert all(int(ev["sequence"]) == 0 for ev in events)
    second = vobject.readOne(ics.decode())  # an independent parser agrees
    vevents = second.vevent_list
    assert sorted(v.dtstart.value.astimezone(__import__("datetime").UTC).hour for v in vevents) == [12, 12]
    uids = sorted(str(ev["uid"]) for ev in events)

    # Ana accepts in her calendar; Bo declines by mail; the place goes to Di after approval.
    ana_invite = next(m for m in invitations if m.rcpt_tos == ["ana@example.org"])
    account.append("INBOX", calendar_reply("ana@example.org", calendar_part(ana_invite.message)[1], "ACCEPTED"))
    bo_invite = next(m for m in invitations if m.rcpt_tos == ["bo@example.org"])
    account.append("INBOX", mails.build(
        "Bo <bo@example.org>", f"Re: {bo_invite.message['Subject']}",
        "Unfortunately I cannot attend after all, something came up.\n\nBo\n",
        In_Reply_To=bo_invite.message["Message-ID"]))
    t2 = "2022-03-14T10:00"
    cli(cfg, t2, "run", "--once")
    shown = json.loads(cli(cfg, t2, "show", "ana@example.org", "--json", capsys=capsys))
    assert shown["state"] == "confirmed"
    assert json.loads(cli(cfg, t2, "show", "bo@example.org", "--json", capsys=capsys))["state"] == "declined"
    assert json.loads(cli(cfg, t2, "show", "di@example.org", "--json", capsys=capsys))["state"] == "waitlisted"
    pending = json.loads(cli(cfg, t2, "outbox", "list", "--json", capsys=capsys))
    promotion = [p for p in pending if p["kind"] == "promotion"]
    assert len(promotion) == 1 and promotion[0]["to"] == "di@example.org" and promotion[0]["status"] == "awaiting_approval"
    cli(cfg, t2, "outbox", "approve", str(promotion[0]["id"]))
    assert json.loads(cli(cfg, t2, "show", "di@example.org", "--json", capsys=capsys))["state"] == "selected"
    cli(cfg, t2, "outbox", "send")
    kinds_sent = [str(m.message["Subject"]) for m in smtp.messages[11:]]
    assert len(kinds_sent) == 3  # confirmation to Ana, decline ack to Bo, promotion to Di
    status = json.loads(cli(cfg, t2, "status", "--json", capsys=capsys))
    assert status["counts"]["confirmed"] == 1 and status["counts"]["selected"] == 1
    assert status["capacity_left"] == 0  # Ana (confirmed), Cy (invited), Di (selected)

    # The first session moves by an hour: every invited and confirmed person gets an update.
    data = yaml.safe_load(cfg.read_text())
    data["event"]["sessions"][0] = {"start": "2022-03-24T14:30", "end": "2022-03-24T17:30"}
    cfg.write_text(yaml.safe_dump(data))
    before = len(smtp.messages)
    cli(cfg, t2, "run", "--once")
    updates = smtp.messages[before:]
    assert sorted(m.rcpt_tos[0] for m in updates) == ["ana@example.org", "cy@example.org"]
    method, ics = calendar_part(updates[0].message)
    events = list(icalendar.Calendar.from_ical(ics).walk("VEVENT"))
    assert sorted(str(ev["uid"]) for ev in events) == uids
    assert {int(ev["sequence"]) for ev in events} == {1}
    cli(cfg, t2, "run", "--once")
    assert len(smtp.messages) == before + 2  # no second update

    # Cy withdraws (organiser records it): the calendar entry is cancelled with the same UIDs.
    cli(cfg, t2, "withdraw", "cy@example.org")
    cli(cfg, t2, "outbox", "send")
    cancel = smtp.messages[-1]
    assert cancel.rcpt_tos == ["cy@example.org"]
    method, ics = calendar_part(cancel.message)
    cal = icalendar.Calendar.from_ical(ics)
    assert method == "CANCEL" and str(cal["method"]) == "CANCEL"
    assert sorted(str(ev["uid"]) for ev in cal.walk("VEVENT")) == uids
    assert {int(ev["sequence"]) for ev in cal.walk("VEVENT")} == {2}

    # An illegal step is a clear error naming the applicant and state.
    capsys.readouterr()
    assert main(["--config", str(cfg), "--now", t2, "invite", "bo@example.org"]) == 2
    assert capsys.readouterr().err.strip() == (
        "callflow: error: bo@example.org: cannot invite an applicant who is declined")

    # Event reminder to confirmed participants, once across two runs.
    before = len(smtp.messages)
    cli(cfg, "2022-03-23T09:00", "run", "--once")
    cli(cfg, "2022-03-23T10:00", "run", "--once")
    reminders = smtp.messages[before:]
    assert [m.rcpt_tos for m in reminders] == [["ana@example.org"]]
    assert reminders[0].message["Auto-Submitted"] == "auto-generated"
