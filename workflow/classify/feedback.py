"""Abuse feedback reports (ARF, RFC 5965): someone marked callflow's mail as spam.

Never answered (the guards already see ``multipart/report``); this module only finds *who*
complained, so that the organisers can stop writing to them: ``Original-Rcpt-To`` in the
``message/feedback-report`` part, else the To of the returned message or its headers.
"""

from __future__ import annotations

import re
from email.message import Message
from email.utils import getaddresses

_FIELD = re.compile(r"^Original-Rcpt-To:\s*(.+)$", re.IGNORECASE | re.MULTILINE)


def _text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload.decode("utf-8", "replace")
    inner = part.get_payload()
    if isinstance(inner, list):  # the stdlib parses message/* parts into sub-messages
        return "\n".join(str(p) for p in inner)
    return inner if isinstance(inner, str) else ""


def complainant(msg: Message) -> str | None:
    """The address that complained, or None when this is not a feedback report."""
    try:
        if msg.get_content_type() != "multipart/report" or msg.get_param("report-type") != "feedback-report":
            return None
        returned_to: str | None = None
        for part in msg.walk():
            ctype = part.get_content_type()
            if ctype == "message/feedback-report":
                match = _FIELD.search(_text(part))
                if match:
                    addresses = [a for _, a in getaddresses([match.group(1)]) if "@" in a]
                    if addresses:
                        return addresses[0].lower()
            elif ctype in ("message/rfc822", "text/rfc822-headers") and returned_to is None:
                inner = part.get_payload()
                headers = inner[0] if isinstance(inner, list) and inner else None
                to = str(headers.get("To", "")) if headers is not None else ""
                if not to:
                    found = re.search(r"^To:\s*(.+)$", _text(part), re.IGNORECASE | re.MULTILINE)
                    to = found.group(1) if found else ""
                addresses = [a for _, a in getaddresses([to]) if "@" in a]
                returned_to = addresses[0].lower() if addresses else None
        return returned_to
    except Exception:
        return None
