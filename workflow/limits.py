"""How much of what a stranger wrote callflow keeps and echoes back.

Subjects and names end up in answers, in the state file and in the organisers' digest. A
mail with a 2 MB subject must not produce a 2 MB answer, so everything echoed is clipped
here, at a word boundary. Nothing here reads or writes mail.
"""

from __future__ import annotations

# What classification reads of one message (the message itself is kept whole in the mailbox): a
# person's mail to a contact address is a few pages, and reading megabytes of text for intents
# and quotes would let one mail hold up the pass for minutes.
MAX_TEXT_CHARS = 200_000  # readable text, about a hundred pages
MAX_HTML_CHARS = 1_000_000  # an HTML body, before it is turned into text
MAX_CALENDAR_CHARS = 200_000  # one text/calendar part
MAX_SUBJECT_READ_CHARS = 1_000  # a subject, as rules and intents read it
# A part nothing reads as text (not text/*, message/*, multipart/*: a PDF, an image, a zip) is kept
# in the parsed message up to this many bytes as written (a survey's JSON export fits); a larger
# one is recorded by name, type and size only, never held in memory twice nor decoded.
MAX_UNREAD_PART_BYTES = 1 << 20

MAX_NAME_CHARS = 100  # a display name or a survey's name field
MAX_SUBJECT_CHARS = 150  # the subject an answer repeats ("Re: …")
MAX_FIELD_CHARS = 2000  # one survey answer kept in the applicant record
MAX_COMMAND_LINES = 100  # command lines run from one organiser mail
MAX_ECHOED_LINE_CHARS = 200  # a command line repeated in the result mail
ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a word boundary when there is one in
    the last third, with an ellipsis when something was cut."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - len(ELLIPSIS))]
    space = cut.rfind(" ")
    if space >= len(cut) * 2 // 3:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS
