"""Lifecycle rules on the embedded default (Maildir): transitions, capacity, promotion, reminders."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import mails
from tests.maildir import World, deliver, outgoing, recipients
from tests.paths import TEMPLATES
from workflow.cli import main


def test_dry_run_changes_nothing_and_lists_mail(tmp_path: Path, capsys) -> None:
    w = World(tmp_path)
    w.apply("a@example.org")
    capsys.readouterr()
    w("2022-03-12T10:00", "select", "--dry-run", "a@example.org")
    out = capsys.readouterr().out
    assert "would change: a@example.org: applied → selected; mail: selection" in out
    assert w.state(capsys, "a@example.org") == "applied"


def test_several_addresses_are_all_or_nothing(tmp_path: Path, capsys) -> None:
    w = World(tmp_path)
    w.apply("a@example.org")
    w("2022-03-12T10:00", "select", "a@example.org", "nobody@example.org", code=2)
    assert "nobody@example.org: no such applicant" in capsys.readouterr().err
    assert w.state(capsys, "a@example.org") == "applied"


def test_auto_promote_moves_the_first_waitlisted_at_once(tmp_path: Path, capsys) -> None:
    w = World(tmp_path, event={"capacity": 1}, waitlist={"auto_promote": True})
    w.apply("a@example.org", "b@example.org", "c@example.org")
    w("2022-03-12T10:00", "select", "a@example.org")
    w("2022-03-12T10:00", "waitlist", "c@example.org", "b@example.org")
    w("2022-03-12T10:00", "withdraw", "a@example.org")
    # Ordered by application time, not by the order they were waitlisted.
    assert w.state(capsys, "b@example.org") == "selected"
    assert w.state(capsys, "c@example.org") == "waitlisted"
    rows = w.json(capsys, "2022-03-12T10:00", "outbox", "list", "--json")
    promotions = [r for r in rows if r["kind"] == "promotion"]
    assert [(r["to"], r["status"]) for r in promotions] == [("b@example.org", "pending")]


def test_force_selects_beyond_capacity(tmp_path: Path, capsys) -> None:
    w = World(tmp_path, event={"capacity": 1})
    w.apply("a@example.org", "b@example.org")
    w("2022-03-12T10:00", "select", "a@example.org")
    w("2022-03-12T10:00", "select", "b@example.org", code=2)
    w("2022-03-12T10:00", "select", "--force", "b@example.org")
    assert w.json(capsys, "2022-03-12T10:00", "status", "--json")["capacity_left"] == 0


def test_rejection_after_invitation_carries_the_cancel(tmp_path: Path, capsys) -> None:
    w = World(tmp_path)
    w.apply("a@example.org")
    for step in (["select", "a@example.org"], ["invite", "a@example.org"], ["reject", "a@example.org"]):
        w("2022-03-12T10:00", *step)
    w("2022-03-12T10:00", "outbox", "approve", "--all")
    w("2022-03-12T10:00", "outbox", "send")
    last = outgoing(tmp_path)[-1]
    assert "withdrawn" in last["Subject"].lower() or "no place" in last["Subject"].lower()
    cal = [p for p in last.walk() if p.get_content_type() == "text/calendar"]
    assert cal and cal[0].get_param("method") == "CANCEL"


def test_withdrawal_by_mail_frees_the_place_and_is_confirmed(tmp_path: Path, capsys) -> None:
    w = World(tmp_path, event={"capacity": 1})
    w.apply("a@example.org", "b@example.org")
    w("2022-03-12T10:00", "select", "a@example.org")
    w("2022-03-12T10:00", "waitlist", "b@example.org")
    deliver(tmp_path / "mail", "w1", mails.build(
        "A <a@example.org>", "My application", "Please withdraw my application, I am no longer available.\n"))
    w("2022-03-13T10:00", "run", "--once")
    assert w.state(capsys, "a@example.org") == "withdrawn"
    rows = w.json(capsys, "2022-03-13T10:00", "outbox", "list", "--json")
    assert any(r["kind"] == "promotion" and r["to"] == "b@example.org" for r in rows)
    assert "Application withdrawn" in outgoing(tmp_path)[-1]["Subject"]


def test_deadline_reminder_and_nudge_each_once(tmp_path: Path, capsys) -> None:
    w = World(tmp_path)
    deliver(tmp_path / "mail", "q", mails.inquiry("Q <q@example.org>", question=False))
    w("2022-03-01T12:00", "run", "--once")
    w.apply("a@example.org")
    # Three days before the deadline (10 March), the inquirer who did not apply is reminded, once.
    w("2022-03-08T09:00", "run", "--once")
    w("2022-03-09T09:00", "run", "--once")
    reminders = [m for m in outgoing(tmp_path) if "survey closes" in m["Subject"]]
    assert [m["To"].addresses[0].addr_spec for m in reminders] == ["q@example.org"]
    # Invited on the 11th, no answer five days later: one gentle nudge.
    w("2022-03-11T10:00", "select", "a@example.org")
    w("2022-03-11T10:00", "invite", "a@example.org")
    w("2022-03-11T10:00", "outbox", "approve", "--all")
    w("2022-03-15T10:00", "run", "--once")
    assert not [m for m in outgoing(tmp_path) if "please confirm or decline" in m["Subject"].lower()]
    w("2022-03-16T11:00", "run", "--once")
    w("2022-03-17T11:00", "run", "--once")
    nudges = [m for m in outgoing(tmp_path) if "please confirm or decline" in m["Subject"].lower()]
    assert len(nudges) == 1


@pytest.mark.parametrize("word", ["select", "waitlist", "reject", "invite", "withdraw"])
def test_decision_commands_have_help(word: str, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([word, "--help"])
    assert exit_.value.code == 0
    assert "--dry-run" in capsys.readouterr().out


def test_a_mail_that_cannot_be_rendered_fails_alone(tmp_path: Path, capsys) -> None:
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "ack_inquiry.txt.j2").write_text("{% block subject %}Hi{% endblock %}\n{{ no_such_variable }}\n")
    w = World(tmp_path, paths={"templates": str(templates)})
    deliver(tmp_path / "mail", "q", mails.inquiry("Q <q@example.org>", question=False))
    deliver(tmp_path / "mail", "s", mails.survey("s@example.org", "S"))
    w("2022-03-01T12:00", "run", "--once")
    assert recipients(tmp_path) == ["s@example.org"]
    rows = w.json(capsys, "2022-03-01T12:00", "outbox", "list", "--json")
    failed = [r for r in rows if r["status"] == "failed"]
    assert len(failed) == 1 and "no_such_variable" in failed[0]["last_error"]


def test_a_removed_session_is_cancelled_by_its_own_uid(tmp_path: Path, capsys) -> None:
    import icalendar
    import yaml

    w = World(tmp_path)
    w.apply("a@example.org")
    for step in (["select", "a@example.org"], ["invite", "a@example.org"], ["outbox", "approve", "--all"],
                 ["outbox", "send"]):
        w("2022-03-12T10:00", *step)
    invite = outgoing(tmp_path)[-1]
    ics = next(p for p in invite.walk() if p.get_filename() == "invite.ics").get_content()
    uids = [str(ev["uid"]) for ev in icalendar.Calendar.from_ical(ics).walk("VEVENT")]
    data = yaml.safe_load(w.cfg.read_text())
    data["event"]["sessions"] = data["event"]["sessions"][:1]
    w.cfg.write_text(yaml.safe_dump(data))
    w("2022-03-13T10:00", "run", "--once")
    cancel, update = outgoing(tmp_path)[-2:]
    assert "Session cancelled" in cancel["Subject"]
    cancelled = icalendar.Calendar.from_ical(
        next(p for p in cancel.walk() if p.get_filename() == "cancel.ics").get_content())
    assert str(cancelled["method"]) == "CANCEL"
    assert [str(ev["uid"]) for ev in cancelled.walk("VEVENT")] == [uids[1]]
    remaining = icalendar.Calendar.from_ical(
        next(p for p in update.walk() if p.get_filename() == "invite.ics").get_content())
    assert [str(ev["uid"]) for ev in remaining.walk("VEVENT")] == [uids[0]]
    seqs = [int(ev["sequence"]) for ev in cancelled.walk("VEVENT")] + [
        int(ev["sequence"]) for ev in remaining.walk("VEVENT")]
    assert seqs == [1, 2]


def test_no_deadline_reminder_right_after_the_acknowledgement(tmp_path: Path, capsys) -> None:
    w = World(tmp_path)
    deliver(tmp_path / "mail", "q", mails.inquiry("Q <q@example.org>", question=False))
    w("2022-03-08T12:00", "run", "--once")  # inside the 3-day window: the ack already says the deadline
    w("2022-03-09T12:00", "run", "--once")
    subjects = [m["Subject"] for m in outgoing(tmp_path)]
    assert len(subjects) == 1 and "survey closes" not in subjects[0]
