"""Calendar invitations: read back with icalendar and, independently, with vobject.

vobject resolves TZID through the VTIMEZONE in the file (dateutil's tzical), not through the
zoneinfo database, so its UTC times also check the generated VTIMEZONE itself.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import vobject
from icalendar import Calendar

from tests.cfg import base_config, write_config
from tests.mails import CONTACT
from workflow.config import Config, load
from workflow.ics import PRODID, event_uids, invitation_ics, schedule_fingerprint

NOW = datetime(2022, 3, 1, 9, 0, tzinfo=UTC)
ATTENDEE = "zoe.obrien@probation.example"
# Every character that needs escaping or quoting somewhere in iCalendar, plus non-ASCII.
HOSTILE = 'Zoë "Z" O\'Brien, MSc; Dipl.-Psych.: Ünïcødé \\ back'
WEBEX = "https://example.webex.com/meet/wg"


def make_config(tmp_path: Path, sessions: list[dict[str, str]] | None = None, **event: Any) -> Config:
    tmp_path.mkdir(parents=True, exist_ok=True)
    data = base_config(tmp_path)
    if sessions is not None:
        data["event"]["sessions"] = sessions
    data["event"].update(event)
    return load(write_config(tmp_path, data))


def request(config: Config, name: str = "Zoë O'Brien", **kwargs: Any) -> bytes:
    kwargs.setdefault("sequence", 0)
    kwargs.setdefault("now", NOW)
    return invitation_ics(config, ATTENDEE, name, **kwargs)


def vevents(ics: bytes) -> list[Any]:
    return list(Calendar.from_ical(ics).walk("VEVENT"))


def vobj(ics: bytes) -> Any:
    return vobject.readOne(ics.decode("utf-8"))


def rfc6868_decode(value: str) -> str:
    # vobject predates RFC 6868 and hands back the ^-encoded parameter value; icalendar decodes it.
    return re.sub(r"\^(.)", lambda m: {"n": "\n", "'": '"', "^": "^"}.get(m.group(1), m.group(0)), value)


def test_request_has_method_prodid_timezone_and_one_vevent_per_session(config: Config) -> None:
    ics = request(config)
    cal = Calendar.from_ical(ics)
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(cal["PRODID"]) == PRODID
    assert str(cal["VERSION"]) == "2.0"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Brussels"]
    events = vevents(ics)
    assert len(events) == 2
    assert [str(e["SUMMARY"]) for e in events] == [
        "Working group meeting (session 1 of 2)",
        "Working group meeting (session 2 of 2)",
    ]
    for e in events:
        assert str(e["STATUS"]) == "CONFIRMED"
        assert str(e["TRANSP"]) == "OPAQUE"
        assert str(e["URL"]) == WEBEX
        assert str(e["LOCATION"]) == f"Online (WebEx): {WEBEX}"
        description = str(e["DESCRIPTION"])
        assert WEBEX in description
        assert "online, in English" in description
        assert e.decoded("DTSTAMP") == NOW
        (alarm,) = e.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert alarm.decoded("TRIGGER") == timedelta(minutes=-15)

    v = vobj(ics)
    assert v.method.value == "REQUEST"
    assert v.prodid.value == PRODID
    assert len(v.vevent_list) == 2
    assert all(e.valarm.trigger.value == timedelta(minutes=-15) for e in v.vevent_list)


def test_times_are_in_the_event_timezone_and_right_in_utc_across_dst(tmp_path: Path) -> None:
    # 24 March is CET (UTC+1); Belgium switched to CEST (UTC+2) on 27 March 2022.
    config = make_config(
        tmp_path,
        sessions=[
            {"start": "2022-03-24T13:30", "end": "2022-03-24T16:30"},
            {"start": "2022-03-28T13:30", "end": "2022-03-28T16:30"},
        ],
    )
    ics = request(config)
    assert b"DTSTART;TZID=Europe/Brussels:20220324T133000\r\n" in ics
    assert b"DTSTART;TZID=Europe/Brussels:20220328T133000\r\n" in ics
    expected = [
        (datetime(2022, 3, 24, 12, 30, tzinfo=UTC), datetime(2022, 3, 24, 15, 30, tzinfo=UTC)),
        (datetime(2022, 3, 28, 11, 30, tzinfo=UTC), datetime(2022, 3, 28, 14, 30, tzinfo=UTC)),
    ]
    assert [(e.decoded("DTSTART"), e.decoded("DTEND")) for e in vevents(ics)] == expected
    assert [str(e.decoded("DTSTART").tzinfo) for e in vevents(ics)] == ["Europe/Brussels"] * 2
    v = vobj(ics)
    assert [
        (e.dtstart.value.astimezone(UTC), e.dtend.value.astimezone(UTC)) for e in v.vevent_list
    ] == expected
    assert v.vtimezone.tzid.value == "Europe/Brussels"


def test_a_session_given_with_another_offset_is_shown_in_the_event_timezone(tmp_path: Path) -> None:
    config = make_config(
        tmp_path,
        sessions=[{"start": "2022-03-24T12:30:00+00:00", "end": "2022-03-24T15:30:00+00:00"}],
    )
    ics = request(config)
    assert b"DTSTART;TZID=Europe/Brussels:20220324T133000\r\n" in ics
    # One session: no "(session 1 of 1)" in the title.
    assert [str(e["SUMMARY"]) for e in vevents(ics)] == ["Working group meeting"]


def test_uids_are_stable_distinct_and_survive_a_reschedule(tmp_path: Path, config: Config) -> None:
    uids = event_uids(config)
    assert len(uids) == 2 and len(set(uids)) == 2
    assert all(re.fullmatch(r"callflow-[0-9a-f]{16}-[12]@callflow\.example\.org", u) for u in uids)
    assert [u.rsplit("@")[0][-2:] for u in uids] == ["-1", "-2"]
    assert event_uids(config) == uids
    first = request(config)
    assert [str(e["UID"]) for e in vevents(first)] == uids
    assert [e.uid.value for e in vobj(first).vevent_list] == uids
    # Another attendee, another day: the same UIDs.
    again = invitation_ics(config, "other@example.net", "Other", sequence=0, now=NOW + timedelta(days=3))
    assert [str(e["UID"]) for e in vevents(again)] == uids

    moved = make_config(
        tmp_path / "moved",
        sessions=[
            {"start": "2022-03-24T14:00", "end": "2022-03-24T17:00"},
            {"start": "2022-03-25T13:30", "end": "2022-03-25T16:30"},
        ],
    )
    assert event_uids(moved) == uids
    assert schedule_fingerprint(moved) != schedule_fingerprint(config)
    assert [str(e["UID"]) for e in vevents(request(moved, sequence=1))] == uids

    new_link = make_config(tmp_path / "link", webex_url="https://example.webex.com/meet/wg2")
    assert event_uids(new_link) == uids
    assert schedule_fingerprint(new_link) != schedule_fingerprint(config)


def test_uids_depend_on_contact_and_event_name(tmp_path: Path, config: Config) -> None:
    other = make_config(tmp_path / "other", name="Another working group")
    assert set(event_uids(other)).isdisjoint(event_uids(config))
    # Cosmetic edits of the name keep the identity (and the fingerprint asks for an update).
    tidied = make_config(tmp_path / "tidied", name="Working  Group Meeting")
    assert event_uids(tidied) == event_uids(config)
    assert schedule_fingerprint(tidied) != schedule_fingerprint(config)


def test_fingerprint_is_stable_and_follows_what_the_invitation_shows(tmp_path: Path, config: Config) -> None:
    fp = schedule_fingerprint(config)
    assert re.fullmatch(r"[0-9a-f]{16}", fp)
    assert schedule_fingerprint(make_config(tmp_path / "same")) == fp
    # The same instants written in UTC are not a change.
    in_utc = make_config(
        tmp_path / "utc",
        sessions=[
            {"start": "2022-03-24T12:30:00Z", "end": "2022-03-24T15:30:00Z"},
            {"start": "2022-03-25T12:30:00Z", "end": "2022-03-25T15:30:00Z"},
        ],
    )
    assert schedule_fingerprint(in_utc) == fp
    for key, value in (("location", "Online (Zoom)"), ("name", "Working group meeting II")):
        assert schedule_fingerprint(make_config(tmp_path / key, **{key: value})) != fp
    # Things an invitation does not show are not a change.
    assert schedule_fingerprint(make_config(tmp_path / "cap", capacity=30)) == fp


def test_organizer_and_attendee(config: Config) -> None:
    ics = request(config, name="Zoë O'Brien")
    for e in vevents(ics):
        organizer, attendee = e["ORGANIZER"], e["ATTENDEE"]
        assert str(organizer) == f"mailto:{CONTACT}"
        assert organizer.params["CN"] == "Working group contact"
        assert str(attendee) == f"mailto:{ATTENDEE}"
        assert attendee.params["CN"] == "Zoë O'Brien"
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["RSVP"] == "TRUE"
    for e in vobj(ics).vevent_list:
        assert e.organizer.value == f"mailto:{CONTACT}"
        assert e.organizer.params["CN"] == ["Working group contact"]
        assert e.attendee.value == f"mailto:{ATTENDEE}"
        assert e.attendee.params == {
            "CN": ["Zoë O'Brien"],
            "ROLE": ["REQ-PARTICIPANT"],
            "PARTSTAT": ["NEEDS-ACTION"],
            "RSVP": ["TRUE"],
        }

    accepted = request(config, partstat="accepted")
    assert {e["ATTENDEE"].params["PARTSTAT"] for e in vevents(accepted)} == {"ACCEPTED"}
    assert {e.attendee.params["PARTSTAT"][0] for e in vobj(accepted).vevent_list} == {"ACCEPTED"}


def test_sequence_is_written_as_given(config: Config) -> None:
    ics = request(config, sequence=3)
    assert [e.decoded("SEQUENCE") for e in vevents(ics)] == [3, 3]
    assert [e.sequence.value for e in vobj(ics).vevent_list] == ["3", "3"]


def test_cancel_keeps_the_uids_and_has_no_alarm(config: Config) -> None:
    ics = invitation_ics(config, ATTENDEE, "Zoë", sequence=2, method="CANCEL", now=NOW)
    cal = Calendar.from_ical(ics)
    assert str(cal["METHOD"]) == "CANCEL"
    events = vevents(ics)
    assert [str(e["UID"]) for e in events] == event_uids(config)
    assert [str(e["STATUS"]) for e in events] == ["CANCELLED", "CANCELLED"]
    assert [e.decoded("SEQUENCE") for e in events] == [2, 2]
    assert not list(cal.walk("VALARM")) and b"VALARM" not in ics
    # Nobody answers a CANCEL, so no RSVP is asked for.
    assert all("RSVP" not in e["ATTENDEE"].params for e in events)
    v = vobj(ics)
    assert v.method.value == "CANCEL"
    assert [(e.status.value, e.sequence.value) for e in v.vevent_list] == [("CANCELLED", "2")] * 2
    assert not any(hasattr(e, "valarm") for e in v.vevent_list)


def test_hostile_names_round_trip_through_both_parsers(tmp_path: Path) -> None:
    event_name = 'Exit, deradicalisation; "probation" work \\ Zoë\'s group'
    config = make_config(tmp_path, name=event_name)
    ics = request(config, name=HOSTILE)
    # The parameter is quoted because of , ; and :, the DQUOTEs inside are RFC 6868-encoded.
    assert b'ATTENDEE;CN="Zo' in ics
    for e in vevents(ics):
        assert e["ATTENDEE"].params["CN"] == HOSTILE
        assert str(e["SUMMARY"]).startswith(event_name + " (session ")
        assert str(e["DESCRIPTION"]).startswith(event_name)
    for e in vobj(ics).vevent_list:
        (cn,) = e.attendee.params["CN"]
        assert rfc6868_decode(cn) == HOSTILE
        assert e.summary.value.startswith(event_name + " (session ")
    # Line breaks in a name are flattened rather than carried into a one-line display name.
    flat = request(config, name="Zoë\nO'Brien")
    assert {e["ATTENDEE"].params["CN"] for e in vevents(flat)} == {"Zoë O'Brien"}


def test_lines_are_folded_at_75_octets_with_crlf(tmp_path: Path) -> None:
    # Long and multi-byte values force folding, where a naive fold would split a UTF-8 character.
    config = make_config(tmp_path, name="Ärztinnen und Ämter — " * 6)
    ics = request(config, name=HOSTILE * 3)
    assert ics.endswith(b"\r\n")
    lines = ics.split(b"\r\n")[:-1]
    assert b"\n" not in ics.replace(b"\r\n", b"") and b"\r" not in ics.replace(b"\r\n", b"")
    assert any(line.startswith(b" ") for line in lines), "nothing was folded"
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # every physical line is whole UTF-8
    assert {e["ATTENDEE"].params["CN"] for e in vevents(ics)} == {" ".join((HOSTILE * 3).split())}


def test_one_session_only_for_clients_that_read_one_vevent(config: Config) -> None:
    ics = request(config, session=2)
    events = vevents(ics)
    assert [str(e["UID"]) for e in events] == event_uids(config)[1:]
    assert str(events[0]["SUMMARY"]) == "Working group meeting (session 2 of 2)"


def test_utc_event_needs_no_vtimezone(tmp_path: Path) -> None:
    config = make_config(tmp_path, timezone="UTC")
    ics = request(config)
    assert b"VTIMEZONE" not in ics
    assert b"DTSTART:20220324T133000Z\r\n" in ics


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "PUBLISH"}, "method"),
        ({"partstat": "MAYBE"}, "partstat"),
        ({"sequence": -1}, "sequence"),
        ({"now": datetime(2022, 3, 1, 9, 0)}, "aware"),
        ({"session": 3}, "session"),
    ],
)
def test_bad_arguments_are_refused(config: Config, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        request(config, **kwargs)


def test_uid_seed_keeps_uids_across_a_rename(tmp_path: Path) -> None:
    from tests.cfg import base_config, write_config
    from workflow.config import load
    from workflow.ics import event_uids

    data = base_config(tmp_path)
    data["event"]["uid_seed"] = "wg-2022"
    before = event_uids(load(write_config(tmp_path, data)))
    data["event"]["name"] = "Working group meeting (renamed)"
    after = event_uids(load(write_config(tmp_path, data)))
    assert before == after
    del data["event"]["uid_seed"]
    assert event_uids(load(write_config(tmp_path, data))) != before
