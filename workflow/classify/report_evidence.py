"""Evidence that a mail reports on the delivery of another: report parts (DSN, MDN, ARF), DSN
fields pasted into text, the fixed sentences of the common MTAs' bounce templates, a returned
original. The robot guards read it to tell a report from a person's mail; nothing here decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import Message

from ..mimetree import payload_prefix
from .mimeparts import auto_submitted, content_type, decoded_subject, has_header, own_text
from .robot_cues import hints_at_bounce, says_delivery_failed

# Big bodies are only scanned up to here: the evidence we look for (report parts,
# DSN fields) sits near the top of a bounce, and a guard must stay cheap.
_MAX_PARTS = 100
_MAX_BODY_SCAN = 64 * 1024


# Report parts never written by people: RFC 3464 DSN, RFC 6533 internationalised
# DSN, RFC 8098 MDN (read receipts), RFC 5965 ARF, and returned headers.
_REPORT_PARTS = {
    "message/delivery-status": "delivery status report",
    "message/global-delivery-status": "delivery status report",
    "message/disposition-notification": "read receipt",
    "message/global-disposition-notification": "read receipt",
    "message/feedback-report": "abuse feedback report",
    "text/rfc822-headers": "returned message headers",
    "message/global-headers": "returned message headers",
}

# RFC 3464 per-recipient fields, possibly quoted ("> ") inside a forwarded bounce.
_DSN_FINAL_RCPT = re.compile(r"^[ \t>]*final-recipient[ \t]*:[ \t]*[a-z0-9-]+[ \t]*;", re.I | re.M)
_DSN_STATUS = re.compile(r"^[ \t>]*status[ \t]*:[ \t]*[245]\.\d{1,3}\.\d{1,3}\b", re.I | re.M)

# Fixed sentences of the common MTAs' bounce templates (Postfix, Exim, qmail,
# sendmail, Exchange 2003/2007+/Online, Gmail, Yahoo).  Like the subjects they are
# only corroboration, so a person quoting one does not trip the guard alone.
_MTA_TEMPLATE = re.compile(
    r"this is the mail system at host|"
    r"this message was created automatically by mail delivery software|"
    r"this is the qmail-send program|"
    r"the original message was received at|"
    r"the following addresses had permanent fatal errors|"
    r"delivery to the following recipients? failed|"
    r"delivery has failed to these recipients|"
    r"your message did not reach some or all of the intended recipients|"
    r"your message (wasn't|was not|couldn't be|could not be) delivered|"
    r"unable to deliver (your )?message to the following|"
    r"i'm sorry to have to inform you that your message could not|"
    r"message could not be delivered to (one or more|the following)|"
    r"transcript of session follows|unsent message follows|original message follows|"
    r"copy of (the|your) original message|-+ ?returned message ?-+|"
    r"did not reach the following recipient|delivery to the following recipient has been delayed|"
    r"this is an automatically generated delivery status notification",
    re.I,
)

# The original message's trace headers pasted into the body ("Below is a copy of
# the original message:" and similar).  People quote "From:/Sent:/To:" blocks in
# replies, but never "Received:" or "Return-Path:" lines.
_PASTED_TRACE = re.compile(r"^[ \t>]*(received: (from|by) |x-received: by |return-path: <)", re.I | re.M)


def _parts(msg: Message) -> Iterator[Message]:
    """Walk the MIME tree, bounded and exception-safe."""
    try:
        for index, part in enumerate(msg.walk()):
            if index >= _MAX_PARTS:
                return
            yield part
    except Exception:
        return


def report_part(msg: Message) -> str | None:
    for part in _parts(msg):
        what = _REPORT_PARTS.get(content_type(part))
        if what:
            return f"{content_type(part)} part ({what})"
    return None


def _embedded_messages(msg: Message) -> Iterator[Message]:
    for part in _parts(msg):
        if content_type(part) != "message/rfc822":
            continue
        try:
            payload = part.get_payload()
        except Exception:
            continue
        if isinstance(payload, list):
            for inner in payload:
                if isinstance(inner, Message):
                    yield inner


def jmrp_report(msg: Message) -> bool:
    """Microsoft JMRP complaint (Outlook.com/Hotmail's pre-ARF feedback loop).

    The complained-about message comes back as a ``message/rfc822`` part stamped
    with ``X-HmXmrOriginalRecipient`` - a header only Microsoft's reporting adds.
    """
    return any(has_header(inner, "X-HmXmrOriginalRecipient") for inner in _embedded_messages(msg))


def _text_of(part: Message) -> str:
    payload = payload_prefix(part, _MAX_BODY_SCAN)  # no copy of a large body to read its start
    try:
        if payload is None:
            payload = part.get_payload(decode=True)
    except Exception:
        return ""
    if not isinstance(payload, bytes):
        return ""
    # The DSN field names are ASCII; latin-1 never fails and keeps them intact.
    return payload[:_MAX_BODY_SCAN].decode("latin-1")


def _plain_texts(msg: Message) -> Iterator[str]:
    for part in _parts(msg):
        if content_type(part) == "text/plain":
            yield _text_of(part)


def quoted_dsn(msg: Message) -> bool:
    """The body carries RFC 3464 per-recipient fields (inline or quoted)."""
    return any(_DSN_FINAL_RCPT.search(text) and _DSN_STATUS.search(text) for text in _plain_texts(msg))


def returned_evidence(msg: Message) -> str | None:
    """Signs that the mail reports on *another* message's delivery, or ``None``."""
    if has_header(msg, "X-Failed-Recipients"):
        return "X-Failed-Recipients"
    part = report_part(msg)
    if part:
        return part
    auto = auto_submitted(msg)
    if auto:
        return f"Auto-Submitted: {auto[0]}"
    if any(True for _ in _embedded_messages(msg)):
        return "returned message attached"
    if quoted_dsn(msg):
        return "delivery status fields in the body"
    for text in _plain_texts(msg):
        if _MTA_TEMPLATE.search(text):
            return "mail-server bounce wording in the body"
        if _PASTED_TRACE.search(text):
            return "the returned message's headers in the body"
    return None


def delivery_evidence(msg: Message) -> str | None:
    """Anything suggesting delivery-failure mail (corroboration for the mail system's role accounts)."""
    # From the mail system's own role account even a subject's hint counts ("Message you sent
    # blocked by our bulk email filter").
    if hints_at_bounce(decoded_subject(msg)):
        return "bounce-like subject"
    evidence = returned_evidence(msg)
    if evidence:
        return evidence
    # A report written in prose only: "Error: Invalid user address", "550 Requested action not
    # taken", "Ihre Nachricht konnte nicht zugestellt werden", ...
    if says_delivery_failed(own_text(msg)):
        return "a delivery failure reported in the text"
    return None
