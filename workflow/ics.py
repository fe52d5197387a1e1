"""WebEx calendar invitations (iTIP ``METHOD:REQUEST`` / ``METHOD:CANCEL``) built with ``icalendar``.

Everything that ends up in the ICS goes through the library: text escaping (``,;\\``), parameter
quoting (RFC 6868 for names with quotes), line folding at 75 octets, CRLF line ends, and the
VTIMEZONE generated from the zoneinfo database. Nothing here writes ICS syntax by hand, because
applicants' names are hostile input as far as the format is concerned.

Identity and change detection are kept apart on purpose:

* ``event_uids`` depends only on who organises what (contact address, event name), never on times
  or the link, so a rescheduled session keeps its UID and the update *replaces* the entry in the
  attendee's calendar instead of adding a second one.
* ``schedule_fingerprint`` depends on everything an invitation shows, so comparing it with the one
  stored when invitations went out tells callflow that an update (SEQUENCE + 1) is due.

Needs icalendar >= 6.1 (``Calendar.add_missing_timezones``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta

from icalendar import Alarm, Calendar, vCalAddress
from icalendar import Event as VEvent

from .config import Config

__all__ = ["PRODID", "event_uids", "invitation_ics", "schedule_fingerprint"]

PRODID = "-//callflow//call for participants//EN"

METHODS = frozenset({"REQUEST", "CANCEL"})
# RFC 5545 3.2.12, the values that make sense for a VEVENT attendee.
PARTSTATS = frozenset({"NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED"})
ALARM_BEFORE = timedelta(minutes=15)


def _one_line(text: str) -> str:
    # Display names are shown on one line by every client; a stray newline from a survey field
    # would otherwise travel as RFC 6868 ``^n`` inside CN, which most clients print literally.
    # This normalises whitespace only: escaping is left to icalendar.
    return " ".join(text.split())


def _digest(payload: object, length: int = 16) -> str:
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:length]


def event_uids(config: Config) -> list[str]:
    """One stable UID per session, in session order (session numbers are 1-based).

    The seed is the contact address and the event name with case and spacing folded, so fixing
    "working group  meeting" to "Working Group Meeting" keeps the UIDs (and the fingerprint then
    triggers an update). Times and the WebEx link are deliberately left out: an update must carry
    the same UID to replace the old entry. Renaming the event for real would change the UIDs, so
    ``event.uid_seed`` (set it before the first invitation, never change it) replaces the name.
    """
    name = _one_line(config.event.uid_seed or config.event.name).casefold()
    digest = _digest(["callflow-uid-v1", config.contact.email.lower(), name])
    domain = config.sender_domain
    return [f"callflow-{digest}-{i}@{domain}" for i in range(1, len(config.event.sessions) + 1)]


def schedule_fingerprint(config: Config) -> str:
    """A short hash of everything an invitation shows that may change.

    Times are compared in UTC so that writing the same instant with another offset in the config
    is not a change; the timezone name is included separately because it is shown (DTSTART's
    TZID). Attendee-specific values, DTSTAMP and SEQUENCE are not part of it: they differ per
    mail, not per schedule. The version tag lets a future change of the payload be recognised.
    """
    ev = config.event
    sessions = [[s.start.astimezone(UTC).isoformat(), s.end.astimezone(UTC).isoformat()] for s in ev.sessions]
    return _digest(
        {
            "v": 1,
            "sessions": sessions,
            "timezone": ev.timezone,
            "webex_url": ev.webex_url,
            "location": ev.location,
            "name": ev.name,
            "language": ev.language,
            "organizer": [config.contact.name, config.contact.email],
        }
    )


def _location(config: Config) -> str:
    # Clients show LOCATION in list and agenda views and most turn a URL there into a link, so
    # the join link goes in it, after the human-readable location text.
    ev = config.event
    text = _one_line(ev.location)
    if not text or ev.webex_url in text:
        return text or ev.webex_url
    return f"{text}: {ev.webex_url}"


def _description(config: Config, number: int, total: int) -> str:
    ev = config.event
    lines = [ev.name if total == 1 else f"{ev.name} — session {number} of {total}", ""]
    lines.append(f"This meeting is held online, in {ev.language}, on WebEx.")
    lines.append(f"Join with WebEx: {ev.webex_url}")
    lines += ["", f"Questions: {config.contact.name} <{config.contact.email}>"]
    return "\n".join(lines)


def _address(email: str, name: str, **params: str) -> vCalAddress:
    # vCalAddress + params (not vCalAddress.new, which is icalendar 7 only) keeps this working on
    # 6.x; the library quotes/escapes CN when it writes the line.
    address = vCalAddress(f"mailto:{email}")
    cn = _one_line(name)
    if cn:
        address.params["CN"] = cn
    for key, value in params.items():
        address.params[key] = value
    return address


def invitation_ics(
    config: Config,
    attendee_email: str,
    attendee_name: str,
    *,
    sequence: int,
    method: str = "REQUEST",
    now: datetime,
    partstat: str = "NEEDS-ACTION",
    session: int | None = None,
) -> bytes:
    """The iTIP calendar for one attendee: one VEVENT per session (or only ``session``, 1-based).

    ``method`` is REQUEST (invitation or update) or CANCEL (withdrawal); for an update or a
    cancellation the caller passes the bumped ``sequence``. ``now`` becomes DTSTAMP (in UTC).
    Returns what ``Calendar.to_ical()`` produces: UTF-8 bytes, CRLF line ends, lines folded at
    75 octets.

    Outlook reads only the first VEVENT of an iMIP message; a caller that cares can send one
    message per session by passing ``session``.
    """
    method = method.upper()
    if method not in METHODS:
        raise ValueError(f"method must be one of {sorted(METHODS)}, not {method!r}")
    partstat = partstat.upper()
    if partstat not in PARTSTATS:
        raise ValueError(f"partstat must be one of {sorted(PARTSTATS)}, not {partstat!r}")
    if sequence < 0:
        raise ValueError(f"sequence must be >= 0, not {sequence}")
    if now.tzinfo is None or now.utcoffset() is None:
        # A naive DTSTAMP would be written as floating time, which RFC 5545 forbids for DTSTAMP.
        raise ValueError("now must be an aware datetime")
    attendee_email = attendee_email.strip()
    if "@" not in attendee_email:
        raise ValueError(f"not an email address: {attendee_email!r}")

    ev = config.event
    total = len(ev.sessions)
    numbers = list(range(1, total + 1))
    if session is not None:
        if session not in numbers:
            raise ValueError(f"session must be between 1 and {total}, not {session}")
        numbers = [session]
    uids = event_uids(config)
    tz = ev.tz
    cancel = method == "CANCEL"

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)

    for number in numbers:
        s = ev.sessions[number - 1]
        summary = ev.name if total == 1 else f"{ev.name} (session {number} of {total})"
        vevent = VEvent()
        vevent.add("uid", uids[number - 1])
        vevent.add("sequence", sequence)
        vevent.add("dtstamp", now.astimezone(UTC))
        # A config may give a session with an explicit offset; the invitation shows the event's
        # own timezone, so convert to it (icalendar then writes TZID=<zone name>).
        vevent.add("dtstart", s.start.astimezone(tz))
        vevent.add("dtend", s.end.astimezone(tz))
        vevent.add("summary", summary)
        vevent.add("location", _location(config))
        vevent.add("url", ev.webex_url)
        vevent.add("description", _description(config, number, total))
        vevent.add("organizer", _address(config.contact.email, config.contact.name))
        attendee_params = {"ROLE": "REQ-PARTICIPANT", "PARTSTAT": partstat}
        if not cancel:
            # RFC 5546: attendees do not answer a CANCEL, so only a REQUEST asks for a reply.
            attendee_params["RSVP"] = "TRUE"
        vevent.add("attendee", _address(attendee_email, attendee_name, **attendee_params))
        vevent.add("status", "CANCELLED" if cancel else "CONFIRMED")
        vevent.add("transp", "OPAQUE")
        if not cancel:
            # A reminder on a cancelled event would fire for a meeting that does not happen.
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary)
            alarm.add("trigger", -ALARM_BEFORE)
            vevent.add_component(alarm)
        cal.add_component(vevent)

    # The VTIMEZONE comes from the zoneinfo database via icalendar. The default window
    # (1970-2038) lists every transition as RDATEs (~3 KB per mail) and stops at 2038; a window
    # around the sessions (whole calendar years) is small and covers every time shown.
    first = min(s.start.astimezone(tz).date() for s in ev.sessions)
    last = max(s.end.astimezone(tz).date() for s in ev.sessions)
    cal.add_missing_timezones(first_date=date(first.year, 1, 1), last_date=date(last.year + 1, 1, 1))
    missing = cal.get_missing_tzids()
    if missing:
        # A TZID without its VTIMEZONE is an invalid calendar; better to fail than to mis-schedule.
        raise ValueError(f"no VTIMEZONE could be generated for {sorted(missing)}")
    return cal.to_ical()


def session_records(config: Config) -> list[dict[str, str]]:
    """UID and UTC times of each session, as stored when invitations go out: what a later
    cancellation of a session that is no longer in the config needs to name."""
    uids = event_uids(config)
    return [
        {"uid": uid, "start": s.start.astimezone(UTC).isoformat(), "end": s.end.astimezone(UTC).isoformat()}
        for uid, s in zip(uids, config.event.sessions, strict=True)
    ]


def removed_sessions_cancel_ics(
    config: Config,
    attendee_email: str,
    attendee_name: str,
    removed: list[dict[str, str]],
    *,
    sequence: int,
    now: datetime,
) -> bytes:
    """METHOD:CANCEL for sessions that were removed from the config (from their stored records)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL")
    for record in removed:
        vevent = VEvent()
        vevent.add("uid", record["uid"])
        vevent.add("sequence", sequence)
        vevent.add("dtstamp", now.astimezone(UTC))
        vevent.add("dtstart", datetime.fromisoformat(record["start"]))
        vevent.add("dtend", datetime.fromisoformat(record["end"]))
        vevent.add("summary", f"{config.event.name} (cancelled session)")
        vevent.add("organizer", _address(config.contact.email, config.contact.name))
        vevent.add("attendee", _address(attendee_email.strip(), attendee_name, ROLE="REQ-PARTICIPANT",
                                        PARTSTAT="NEEDS-ACTION"))
        vevent.add("status", "CANCELLED")
        cal.add_component(vevent)
    return cal.to_ical()
