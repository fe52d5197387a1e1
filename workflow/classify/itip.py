"""Calendar replies (iTIP, RFC 5546) → what the attendee answered.

When an invitee presses "Accept"/"Decline" in Outlook, Gmail, Thunderbird or Apple Calendar,
their client mails back a ``text/calendar; method=REPLY`` part with one ATTENDEE (theirs) and
its PARTSTAT. This module reads that part with the ``icalendar`` library (real-world ICS has
folded lines, quoted parameters with commas, odd casing and vendor properties: never parse it
by hand) and reduces it to plain data.

Our invitations carry one VEVENT per session. A client may answer each session separately
(accepted the first afternoon, declined the second): such a reply is ``MIXED`` and is not
read as a confirmation or decline, a person decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from icalendar import Calendar

__all__ = ["MIXED", "CalendarReply", "read_calendar", "reply_intent"]

MIXED = "MIXED"  # the attendee gave different answers for different sessions


@dataclass(frozen=True)
class CalendarReply:
    method: str  # "REPLY", "REQUEST", "CANCEL", … ("" when the calendar has no METHOD)
    partstat: str | None  # "ACCEPTED" | "DECLINED" | "TENTATIVE" | "NEEDS-ACTION" | "MIXED" | None
    attendee: str | None  # lowercased address from ATTENDEE (mailto: stripped)
    uids: tuple[str, ...]
    sequence: int | None


def _address(value: Any) -> str | None:
    text = str(value).strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    text = text.strip().strip("<>").strip().lower()
    return text or None


def _attendees(event: Any) -> list[Any]:
    # One ATTENDEE comes back as a single value, several as a list.
    value = event.get("ATTENDEE")
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _partstat(attendee: Any) -> str | None:
    params = getattr(attendee, "params", None) or {}
    value = params.get("PARTSTAT")
    if value is None:
        return None
    text = str(value).strip().upper()
    return text or None


def _sequence(event: Any) -> int | None:
    value = event.get("SEQUENCE")
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):  # icalendar keeps unreadable values as vBroken
        return None


def read_calendar(ics_text: str) -> CalendarReply | None:
    """The essentials of one iCalendar object, or None when it cannot be parsed."""
    # A byte-order mark (some Windows clients) or blank lines around the object are not errors.
    ics_text = (ics_text or "").lstrip("\ufeff").strip()
    if not ics_text:
        return None
    try:
        calendar = Calendar.from_ical(ics_text)
    except Exception:  # any malformed input: the caller treats the mail as text instead
        return None
    if isinstance(calendar, list) or getattr(calendar, "name", None) != "VCALENDAR":
        return None

    try:
        method = str(calendar.get("METHOD") or "").strip().upper()
        events = list(calendar.walk("VEVENT"))

        uids: list[str] = []
        sequences: list[int] = []
        # Per event, the answers found in it: (address, partstat). The organiser's own entry
        # (some clients copy the whole attendee list into a reply, the organiser "ACCEPTED")
        # is never the answer.
        answers: list[list[tuple[str | None, str]]] = []
        others: list[str] = []  # attendees without PARTSTAT, for the address only
        for event in events:
            uid = event.get("UID")
            if uid is not None and str(uid).strip() and str(uid).strip() not in uids:
                uids.append(str(uid).strip())
            seq = _sequence(event)
            if seq is not None:
                sequences.append(seq)
            organiser = _address(event["ORGANIZER"]) if event.get("ORGANIZER") is not None else None
            found = []
            for att in _attendees(event):
                address = _address(att)
                if address is not None and address == organiser:
                    continue
                if str(getattr(att, "params", {}).get("ROLE", "")).upper() == "CHAIR":
                    continue
                status = _partstat(att)
                if status is not None:
                    found.append((address, status))
                elif address:
                    others.append(address)
            answers.append(found)

        attendee = _choose_attendee(answers) or (others[0] if others else None)
        statuses = []
        for found in answers:
            mine = [s for a, s in found if a == attendee] if attendee else [s for _, s in found]
            if mine:
                statuses.append(mine[0])
        distinct = set(statuses)
        if not distinct:
            partstat = None
        elif len(distinct) == 1:
            partstat = distinct.pop()
        else:
            partstat = MIXED
    except Exception:  # a structurally odd calendar we cannot read safely
        return None

    return CalendarReply(
        method=method,
        partstat=partstat,
        attendee=attendee,
        uids=tuple(uids),
        sequence=max(sequences) if sequences else None,
    )


def _choose_attendee(answers: list[list[tuple[str | None, str]]]) -> str | None:
    """The replying attendee: the one with a PARTSTAT. A REPLY has exactly one, but some
    clients copy the whole attendee list; then prefer whoever actually answered (not
    NEEDS-ACTION), in order of appearance."""
    everyone = [(a, s) for found in answers for a, s in found if a]
    if not everyone:
        return None
    for address, status in everyone:
        if status != "NEEDS-ACTION":
            return address
    return everyone[0][0]


def reply_intent(reply: CalendarReply) -> str:
    """ACCEPTED → "confirm", DECLINED → "decline"; anything else (tentative, mixed, none) → "none".

    Only a REPLY is an answer: a REQUEST or CANCEL carrying PARTSTAT=ACCEPTED (e.g. our own
    invitation forwarded back, where the organiser's entry is accepted) says nothing about
    the sender.
    """
    if reply.method != "REPLY":
        return "none"
    if reply.partstat == "ACCEPTED":
        return "confirm"
    if reply.partstat == "DECLINED":
        return "decline"
    return "none"
