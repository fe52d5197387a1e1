"""read_calendar / reply_intent on calendar replies as real clients send them."""

from __future__ import annotations

import pytest

from workflow.classify.itip import MIXED, CalendarReply, read_calendar, reply_intent


def crlf(text: str) -> str:
    """Calendar parts travel with CRLF line ends."""
    return text.strip("\n").replace("\n", "\r\n") + "\r\n"


OUTLOOK_ACCEPT = crlf(
    """
BEGIN:VCALENDAR
METHOD:REPLY
PRODID:Microsoft Exchange Server 2010
VERSION:2.0
BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
ATTENDEE;PARTSTAT=ACCEPTED;CN="Example, Tom":MAILTO:Tom.Example@Probation.example
COMMENT;LANGUAGE=en-US:\\n
SUMMARY;LANGUAGE=en-US:Accepted: Working group meeting - day 1
DTSTART;TZID=W. Europe Standard Time:20250312T140000
DTEND;TZID=W. Europe Standard Time:20250312T173000
UID:040000008200E00074C5B7101A82E00800000000A0F1D6C1F28BDB01000000000000000
 01000000023C8B1F4A3E4B14B9A0D7A1C2B3E4F50
CLASS:PUBLIC
PRIORITY:5
DTSTAMP:20250303T101500Z
TRANSP:OPAQUE
STATUS:CONFIRMED
SEQUENCE:1
LOCATION;LANGUAGE=en-US:WebEx
X-MICROSOFT-CDO-APPT-SEQUENCE:1
X-MICROSOFT-CDO-OWNERAPPTID:-1234567
X-MICROSOFT-CDO-BUSYSTATUS:BUSY
X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY
X-MICROSOFT-CDO-ALLDAYEVENT:FALSE
X-MICROSOFT-CDO-IMPORTANCE:1
X-MICROSOFT-CDO-INSTTYPE:0
X-MICROSOFT-DONOTFORWARDMEETING:FALSE
X-MICROSOFT-DISALLOW-COUNTER:FALSE
END:VEVENT
END:VCALENDAR
"""
)

GMAIL_DECLINE = crlf(
    """
BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
CALSCALE:GREGORIAN
METHOD:REPLY
BEGIN:VEVENT
DTSTART:20250312T130000Z
DTEND:20250312T163000Z
DTSTAMP:20250303T101500Z
ORGANIZER;CN=Call Contact:mailto:contact@example.org
UID:callflow-wg2025-s1@example.org
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=DECLINED;CN=Anna B
 eispiel;X-NUM-GUESTS=0:mailto:anna.beispiel@gmail.com
COMMENT;X-COMMENTER=mailto:anna.beispiel@gmail.com:Sorry\\, I have a confli
 ct that afternoon.
CREATED:20250303T090000Z
LAST-MODIFIED:20250303T101500Z
LOCATION:https://example.webex.com/meet/wg
SEQUENCE:0
STATUS:CONFIRMED
SUMMARY:Working group meeting – day 1
TRANSP:OPAQUE
END:VEVENT
END:VCALENDAR
"""
)

THUNDERBIRD_TENTATIVE = crlf(
    """
BEGIN:VCALENDAR
PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN
VERSION:2.0
METHOD:REPLY
BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
CREATED:20250303T090000Z
LAST-MODIFIED:20250303T101500Z
DTSTAMP:20250303T101500Z
UID:callflow-wg2025-s2@example.org
SUMMARY:Working group meeting – day 2
ORGANIZER;CN=Call Contact:mailto:contact@example.org
ATTENDEE;RSVP=TRUE;CN=Jan de Vries;PARTSTAT=TENTATIVE;ROLE=REQ-PARTICIPANT:
 mailto:jan.devries@example.nl
DTSTART;TZID=Europe/Berlin:20250313T140000
DTEND;TZID=Europe/Berlin:20250313T173000
SEQUENCE:2
X-MOZ-RECEIVED-SEQUENCE:2
X-MOZ-RECEIVED-DTSTAMP:20250303T090000Z
X-MOZ-GENERATION:3
END:VEVENT
END:VCALENDAR
"""
)


def two_sessions(first: str, second: str, *, seq1: int = 1, seq2: int = 3) -> str:
    return crlf(
        f"""
BEGIN:VCALENDAR
PRODID:-//Apple Inc.//macOS 14.3//EN
VERSION:2.0
METHOD:REPLY
BEGIN:VEVENT
UID:callflow-wg2025-s1@example.org
DTSTAMP:20250303T101500Z
DTSTART:20250312T130000Z
DTEND:20250312T163000Z
SEQUENCE:{seq1}
ORGANIZER;CN=Call Contact:mailto:contact@example.org
ATTENDEE;CN=Lucia Rossi;CUTYPE=INDIVIDUAL;EMAIL=lucia.rossi@example.it;PARTSTAT={first}:mailto:lucia.rossi@example.it
SUMMARY:Working group meeting – day 1
END:VEVENT
BEGIN:VEVENT
UID:callflow-wg2025-s2@example.org
DTSTAMP:20250303T101500Z
DTSTART:20250313T130000Z
DTEND:20250313T163000Z
SEQUENCE:{seq2}
ORGANIZER;CN=Call Contact:mailto:contact@example.org
ATTENDEE;CN=Lucia Rossi;CUTYPE=INDIVIDUAL;EMAIL=lucia.rossi@example.it;PARTSTAT={second}:mailto:lucia.rossi@example.it
SUMMARY:Working group meeting – day 2
END:VEVENT
END:VCALENDAR
"""
    )


# A client that copies the whole attendee list: the organiser's own entry is ACCEPTED, the
# person replying DECLINED; another invitee has not answered.
FULL_LIST_REPLY = crlf(
    """
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Example Corp//Groupware 9//EN
METHOD:REPLY
BEGIN:VEVENT
UID:callflow-wg2025-s1@example.org
DTSTAMP:20250303T101500Z
DTSTART:20250312T130000Z
SEQUENCE:1
ORGANIZER;CN=Call Contact:mailto:contact@example.org
ATTENDEE;ROLE=CHAIR;PARTSTAT=ACCEPTED;CN=Call Contact:mailto:contact@example.org
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:mailto:someone.else@example.net
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=DECLINED;CN=Piet:mailto:Piet@Example.NL
END:VEVENT
END:VCALENDAR
"""
)

OUR_REQUEST = crlf(
    """
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//callflow//EN
METHOD:REQUEST
BEGIN:VEVENT
UID:callflow-wg2025-s1@example.org
DTSTAMP:20250303T101500Z
DTSTART:20250312T130000Z
DTEND:20250312T163000Z
SEQUENCE:4
ORGANIZER;CN=Call Contact:mailto:contact@example.org
ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Tom Example:mailto:tom@example.net
SUMMARY:Working group meeting – day 1
END:VEVENT
END:VCALENDAR
"""
)

OUR_CANCEL = OUR_REQUEST.replace("METHOD:REQUEST", "METHOD:CANCEL").replace("SEQUENCE:4", "SEQUENCE:5")


def test_outlook_accept() -> None:
    reply = read_calendar(OUTLOOK_ACCEPT)
    assert reply is not None
    assert reply.method == "REPLY"
    assert reply.partstat == "ACCEPTED"
    assert reply.attendee == "tom.example@probation.example"  # MAILTO: stripped, lowercased
    assert reply.uids == (
        "040000008200E00074C5B7101A82E00800000000A0F1D6C1F28BDB01000000000000000"
        "01000000023C8B1F4A3E4B14B9A0D7A1C2B3E4F50",
    )  # folded line unfolded
    assert reply.sequence == 1
    assert reply_intent(reply) == "confirm"


def test_gmail_decline_with_folded_attendee_line() -> None:
    reply = read_calendar(GMAIL_DECLINE)
    assert reply == CalendarReply(
        method="REPLY",
        partstat="DECLINED",
        attendee="anna.beispiel@gmail.com",
        uids=("callflow-wg2025-s1@example.org",),
        sequence=0,
    )
    assert reply_intent(reply) == "decline"


def test_thunderbird_tentative_is_no_decision() -> None:
    reply = read_calendar(THUNDERBIRD_TENTATIVE)
    assert reply is not None
    assert reply.partstat == "TENTATIVE"
    assert reply.attendee == "jan.devries@example.nl"
    assert reply.sequence == 2
    assert reply_intent(reply) == "none"


@pytest.mark.parametrize(
    "variant",
    [
        GMAIL_DECLINE.replace("\r\n", "\n"),  # LF line ends
        "\ufeff" + GMAIL_DECLINE,  # byte-order mark
        "\r\n\r\n" + GMAIL_DECLINE + "\r\n\r\n",  # blank lines around the object
    ],
    ids=["lf", "bom", "blank-lines"],
)
def test_harmless_variants_are_read(variant: str) -> None:
    reply = read_calendar(variant)
    assert reply is not None and reply.partstat == "DECLINED"


def test_unquoted_comma_in_cn_from_older_outlook() -> None:
    reply = read_calendar(OUTLOOK_ACCEPT.replace('CN="Example, Tom"', "CN=Example, Tom"))
    assert reply is not None
    assert (reply.partstat, reply.attendee) == ("ACCEPTED", "tom.example@probation.example")


@pytest.mark.parametrize(
    ("first", "second", "partstat", "intent"),
    [
        ("ACCEPTED", "ACCEPTED", "ACCEPTED", "confirm"),
        ("DECLINED", "DECLINED", "DECLINED", "decline"),
        ("ACCEPTED", "DECLINED", MIXED, "none"),
        ("ACCEPTED", "TENTATIVE", MIXED, "none"),
        ("accepted", "ACCEPTED", "ACCEPTED", "confirm"),  # case of the value does not matter
    ],
)
def test_one_answer_per_session(first: str, second: str, partstat: str, intent: str) -> None:
    reply = read_calendar(two_sessions(first, second))
    assert reply is not None
    assert reply.partstat == partstat
    assert reply.attendee == "lucia.rossi@example.it"
    assert reply.uids == ("callflow-wg2025-s1@example.org", "callflow-wg2025-s2@example.org")
    assert reply.sequence == 3  # the highest: the reply refers to the latest version
    assert reply_intent(reply) == intent


def test_copied_attendee_list_the_organiser_is_not_the_answer() -> None:
    reply = read_calendar(FULL_LIST_REPLY)
    assert reply is not None
    assert reply.attendee == "piet@example.nl"
    assert reply.partstat == "DECLINED"
    assert reply_intent(reply) == "decline"


def test_request_and_cancel_are_not_answers() -> None:
    request = read_calendar(OUR_REQUEST)
    assert request is not None
    assert (request.method, request.partstat, request.attendee, request.sequence) == (
        "REQUEST",
        "NEEDS-ACTION",
        "tom@example.net",
        4,
    )
    assert reply_intent(request) == "none"
    # Even an ACCEPTED inside a REQUEST says nothing about the sender.
    accepted_request = read_calendar(OUR_REQUEST.replace("PARTSTAT=NEEDS-ACTION", "PARTSTAT=ACCEPTED"))
    assert accepted_request is not None and reply_intent(accepted_request) == "none"
    cancel = read_calendar(OUR_CANCEL)
    assert cancel is not None and cancel.method == "CANCEL" and cancel.sequence == 5
    assert reply_intent(cancel) == "none"


def test_reply_without_partstat_or_attendee() -> None:
    text = crlf(
        """
BEGIN:VCALENDAR
VERSION:2.0
METHOD:REPLY
BEGIN:VEVENT
UID:x@example.org
DTSTAMP:20250303T101500Z
ATTENDEE;CN=Someone:mailto:someone@example.org
END:VEVENT
END:VCALENDAR
"""
    )
    reply = read_calendar(text)
    assert reply is not None
    assert reply.partstat is None
    assert reply.attendee == "someone@example.org"
    assert reply_intent(reply) == "none"
    empty = read_calendar("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    assert empty == CalendarReply(method="", partstat=None, attendee=None, uids=(), sequence=None)


def test_unreadable_sequence_is_none_not_an_error() -> None:
    reply = read_calendar(GMAIL_DECLINE.replace("SEQUENCE:0", "SEQUENCE:zero"))
    assert reply is not None
    assert reply.sequence is None
    assert reply.partstat == "DECLINED"


@pytest.mark.parametrize(
    "broken",
    [
        "",
        "   \r\n",
        "hello world",
        "<html><body>Accepted</body></html>",
        # truncated in transit
        GMAIL_DECLINE[: len(GMAIL_DECLINE) // 2],
        # a content line without a colon
        "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nTHIS IS NOT A CONTENT LINE\r\nEND:VCALENDAR\r\n",
        # a bare VEVENT is not a calendar object
        "BEGIN:VEVENT\r\nUID:x\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.c\r\nEND:VEVENT\r\n",
        # mismatched END
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VCALENDAR\r\n",
    ],
)
def test_broken_ics_is_none(broken: str) -> None:
    assert read_calendar(broken) is None
