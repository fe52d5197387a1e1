"""Config errors are one clear line naming the key (at the CLI: tests/pipeline/test_config_cli.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cfg import base_config, write_config
from tests.paths import REPO
from workflow import config as config_mod
from workflow.errors import ConfigError


def test_shipped_config_describes_the_reference_meeting() -> None:
    cfg = config_mod.load(REPO / "config.yaml")
    assert cfg.event.timezone == "Europe/Brussels"
    assert [s.start.isoformat() for s in cfg.event.sessions] == [
        "2022-03-24T13:30:00+01:00", "2022-03-25T13:30:00+01:00"]
    # A date deadline means the end of that day in the event's timezone.
    assert cfg.event.deadline.isoformat().startswith("2022-03-10T23:59:59")
    assert cfg.mailbox.backend == "maildir" and cfg.smtp.backend == "maildir"
    assert cfg.storage.path == REPO / "var" / "state.json"
    assert (cfg.templates_dir / "ack_inquiry.txt.j2").is_file()


def _load_error(tmp_path: Path, change) -> tuple[Path, str]:
    """Write the base config with `change` applied; return its path and the one-line error it loads with."""
    data = base_config(tmp_path)
    change(data)
    path = write_config(tmp_path, data)
    with pytest.raises(ConfigError) as err:
        config_mod.load(path)
    message = str(err.value)
    assert "\n" not in message
    return path, message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["mailbox"].update(colour="blue"), "mailbox.colour: unknown key"),
        (lambda d: d["mailbox"].update(backend="imap", host="imap.example.org", port="abc"), "mailbox.port"),
        (lambda d: d["event"].update(timezone="Europe/Brussel"), "event.timezone: unknown timezone 'Europe/Brussel'"),
        (lambda d: d["event"].pop("capacity"), "event.capacity: required key is missing"),
        (lambda d: d["event"].update(capacity=0), "event.capacity"),
        (lambda d: d["digest"].update(time="8 am"), "digest.time: expected HH:MM"),
        (lambda d: d["contact"].update(address="not an address"), "contact.address"),
        (lambda d: d["mailbox"].update(processed_folder="inbox"), "mailbox: mailbox.processed_folder must differ"),
        (lambda d: d["smtp"].update(backend="smtp", host="smtp.example.org", security="none"),
         "security: none is refused for non-loopback host"),
        (lambda d: d["survey"].update(require_authentication=True),
         "commands: trusted_authserv_ids is required by survey.require_authentication"),
        (lambda d: d["smtp"].update(first_contact_per_hour=0), "smtp.first_contact_per_hour"),
    ],
)
def test_config_errors_name_the_key(tmp_path: Path, change, expected: str) -> None:
    path, message = _load_error(tmp_path, change)
    assert str(path) in message
    assert expected in message


def _renamed(where: tuple[str | int, ...], old: str, new: str):
    """A change that misspells one key of the mapping at ``where`` (keys and list indices)."""

    def change(d: dict) -> None:
        mapping = d
        for step in where:
            mapping = mapping[step]
        mapping[new] = mapping.pop(old)

    return change


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_renamed(("event",), "capacity", "capacty"), "event.capacty: unknown key — did you mean 'capacity'?"),
        (_renamed(("event",), "survey_deadline", "deadline"),
         "event.deadline: unknown key — did you mean 'survey_deadline'?"),
        (_renamed((), "event", "evnt"), "evnt: unknown key — did you mean 'event'?"),
        (_renamed((), "organisers", "organizers"), "organizers: unknown key — did you mean 'organisers'?"),
        (_renamed(("contact",), "address", "adress"), "contact.adress: unknown key — did you mean 'address'?"),
        (_renamed(("organisers", 0), "email", "emial"),
         "organisers.0.emial: unknown key — did you mean 'email'?"),
        (_renamed(("event", "sessions", 1), "start", "strat"),
         "event.sessions.1.strat: unknown key — did you mean 'start'?"),
        (_renamed(("mailbox",), "path", "paht"), "mailbox.paht: unknown key — did you mean 'path'?"),
        (_renamed(("digest",), "time", "tim"), "digest.tim: unknown key — did you mean 'time'?"),
        (lambda d: d.update(reminder={"deadline_days_before": 3}),
         "reminder: unknown key — did you mean 'reminders'?"),
        (lambda d: d.update(reminders={"deadline_day_before": 3}),
         "reminders.deadline_day_before: unknown key — did you mean 'deadline_days_before'?"),
    ],
)
def test_a_misspelt_key_is_named_with_the_key_it_was_meant_to_be(tmp_path: Path, change, expected: str) -> None:
    path, message = _load_error(tmp_path, change)
    # One problem, not two: the required key the typo was meant to be is not reported as missing.
    assert message == f"{path}: {expected}"


def test_a_typo_is_preferred_over_other_problems_and_they_are_counted(tmp_path: Path) -> None:
    def change(data: dict) -> None:
        data["mailbox"]["poll_seconds"] = "often"
        data["event"]["capacty"] = data["event"].pop("capacity")

    path, message = _load_error(tmp_path, change)
    assert message == (f"{path}: event.capacty: unknown key — did you mean 'capacity'? "
                              "(and 1 more problem(s))")


def test_an_unknown_key_like_no_other_is_just_unknown(tmp_path: Path) -> None:
    path, message = _load_error(tmp_path, lambda d: d["event"].update(seats=d["event"].pop("capacity")))
    # Nothing close to "seats": both problems stand, in pydantic's order.
    assert message == f"{path}: event.capacity: required key is missing (and 1 more problem(s))"


def _sessions(*spans: tuple[str, str]):
    return lambda d: d["event"].update(sessions=[{"start": a, "end": b} for a, b in spans])


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["event"].update(survey_deadline="2022-03-30"),
         "event.survey_deadline: 2022-03-30 23:59 is not before the first session starts (2022-03-24 13:30); "
         "the survey must close before the event"),
        # A date means the end of that day: a deadline on the first day of the event is during it.
        (lambda d: d["event"].update(survey_deadline="2022-03-24"),
         "event.survey_deadline: 2022-03-24 23:59 is not before the first session starts"),
        (lambda d: d["event"].update(survey_deadline="2022-03-24T14:00"),
         "event.survey_deadline: 2022-03-24 14:00 is not before the first session starts"),
        (_sessions(("2022-03-25T13:30", "2022-03-25T16:30"), ("2022-03-24T13:30", "2022-03-24T16:30")),
         "event.sessions.1: starts 2022-03-24 13:30, before the session listed above it (2022-03-25 13:30); "
         "list the sessions in chronological order"),
        (_sessions(("2022-03-24T13:30", "2022-03-24T16:30"), ("2022-03-24T16:00", "2022-03-24T18:00")),
         "event.sessions.1: starts 2022-03-24 16:00, before the previous session ends (2022-03-24 16:30); "
         "sessions must not overlap"),
        (_sessions(("2022-03-24T16:30", "2022-03-24T13:30")),
         "event.sessions.0: ends 2022-03-24 13:30, not after it starts (2022-03-24 16:30)"),
        # An offset is honoured: 12:00Z is 13:00 in Brussels, inside the first session.
        (_sessions(("2022-03-24T12:30", "2022-03-24T16:30"), ("2022-03-24T12:00:00+00:00", "2022-03-24T18:00")),
         "event.sessions.1: starts 2022-03-24 13:00, before the previous session ends (2022-03-24 16:30)"),
        (lambda d: d.update(reminders={"deadline_days_before": 0}),
         "reminders.deadline_days_before: 0 would never send a reminder; use 1 to 30 "
         "(reminders.enabled: false switches reminders off)"),
        (lambda d: d.update(reminders={"event_days_before": 31}),
         "reminders.event_days_before: 31 days is too long for a reminder; use 1 to 30"),
        (lambda d: d.update(reminders={"nudge_after_days": -2}),
         "reminders.nudge_after_days: -2 would never send a reminder"),
    ],
)
def test_a_config_must_describe_a_possible_call(tmp_path: Path, change, expected: str) -> None:
    path, message = _load_error(tmp_path, change)
    assert message.startswith(f"{path}: {expected}")


def test_several_meaning_problems_are_counted(tmp_path: Path) -> None:
    data = base_config(tmp_path)
    data["event"]["survey_deadline"] = "2022-04-01"
    _sessions(("2022-03-25T13:30", "2022-03-25T16:30"), ("2022-03-24T13:30", "2022-03-24T16:30"))(data)
    with pytest.raises(ConfigError, match=r"event\.sessions\.1: .* \(and 1 more problem\(s\)\)$"):
        config_mod.load(write_config(tmp_path, data))


@pytest.mark.parametrize(
    "change",
    [
        # Back to back is not an overlap; the deadline may be the day before; the bounds are inclusive.
        _sessions(("2022-03-24T09:00", "2022-03-24T12:00"), ("2022-03-24T12:00", "2022-03-24T15:00")),
        lambda d: d["event"].update(survey_deadline="2022-03-23"),
        lambda d: d["event"].update(survey_deadline="2022-03-24T13:29"),
        lambda d: d.update(reminders={"deadline_days_before": 1, "event_days_before": 30, "nudge_after_days": 30}),
    ],
)
def test_sensible_edges_are_accepted(tmp_path: Path, change) -> None:
    data = base_config(tmp_path)
    change(data)
    config_mod.load(write_config(tmp_path, data))


def test_security_none_allowed_on_loopback(tmp_path: Path) -> None:
    data = base_config(tmp_path)
    data["smtp"] = {"backend": "smtp", "host": "127.0.0.1", "port": 2525, "security": "none"}
    assert config_mod.load(write_config(tmp_path, data)).smtp.security == "none"


def test_relative_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    data = base_config(tmp_path)
    data["storage"] = {"path": "state/db.json"}
    cfg = config_mod.load(write_config(tmp_path, data))
    assert cfg.storage.path == tmp_path.resolve() / "state" / "db.json"
