"""What a possible bounce says: one message view shared by the bounce detectors.

``BounceView`` computes, lazily and once, what the detectors in ``bounces`` ask about a
message: its report parts, the returned original and its Message-IDs, the notice text, which
sender signals a mail system. Also the address and status-code reading they share. Pure: it
only looks at the ``Message`` it is given, and decides nothing about what the mail is.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from email.message import Message
from email.parser import HeaderParser
from email.policy import compat32
from email.utils import getaddresses
from enum import Enum
from functools import cached_property

from .mimeparts import (
    MAX_TEXT,
    ORIGINAL_HEADER_TYPES,
    content_type,
    decode_words,
    own_parts,
    own_text,
    part_text,
    raw_header,
)
from .robot_cues import hints_at_bounce, mail_system_sender

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------------
# Addresses
# --------------------------------------------------------------------------------------------------

# An addr-spec as found in real reports: the local part is a quoted string or dot-atom characters,
# where consecutive/trailing dots are tolerated (Japanese carriers issued such addresses for years);
# unicode is allowed for SMTPUTF8; the domain is labels or an address literal.
_ADDR_SPEC = re.compile(
    r"(?:\"(?:[^\"\\\r\n]|\\.)+\"|[\w!#$%&'*+/=?^`{|}~.-]*[\w!#$%&'*+/=?^`{|}~-][\w!#$%&'*+/=?^`{|}~.-]*)"
    r"@(?:[\w-]+(?:\.[\w-]+)*|\[[^\]\s]+\])"
)
# For fishing addresses out of prose: ASCII only (CJK text often runs straight into an address), no
# quote/slash/equals in the local part (they glue onto surrounding punctuation) and at least one dot
# in the domain (skips "user@localhost" noise).
ADDR_IN_TEXT = re.compile(
    r"(?<![A-Za-z0-9.!#$%&*+?^_{|}~-])"
    r"([A-Za-z0-9.!#$%&*+?^_{|}~-]+"
    r"@(?:[A-Za-z0-9-]+\.)+[A-Za-z0-9-]*[A-Za-z][A-Za-z0-9-]*)"
    r"(?![A-Za-z0-9-]|\.[A-Za-z0-9-])"
)
_ADDR_TYPE_PREFIX = re.compile(r"^\s*(?:rfc822|unknown|x-[\w-]+)\s*;\s*", re.IGNORECASE)


def clean_address(raw: str | bytes | None) -> str | None:
    """Normalise one address to a lowercased addr-spec, or None if it does not look like one."""
    if raw is None:
        return None
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    text = _ADDR_TYPE_PREFIX.sub("", raw.strip())
    text = text.strip().strip("<>").strip()
    if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'" and text.count(text[0]) == 2:
        text = text[1:-1].strip()  # 'user@example.org' -- but keep "quoted local"@example.org
    if text.lower().startswith("mailto:"):
        text = text[7:]
    # Prose extraction can start at an ellipsis ("...user@example.org").
    text = text.lstrip(".")
    if not text or len(text) > 254 or not _ADDR_SPEC.fullmatch(text):
        return None
    return text.lower()


def unique(addresses: Iterable[str | None]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for address in addresses:
        if address and address not in seen:
            seen[address] = None
    return tuple(seen)


def _addresses_in_header(value: str) -> set[str]:
    found = {a for _, raw in getaddresses([value]) if (a := clean_address(raw))}
    # getaddresses gives up on some broken headers; a plain scan catches what it misses.
    found.update(a.lower() for a in ADDR_IN_TEXT.findall(value))
    return found


def _names_mail_system(value: str) -> bool:
    """A From or Return-Path value names the mail system (MAILER-DAEMON, postmaster in its spellings,
    "Mail Delivery System", Exchange's "System Administrator", ...; see robot_cues)."""
    for name, address in getaddresses([decode_words(value)]):
        local = address.rpartition("@")[0] or address
        if mail_system_sender(local, name) is not None:
            return True
    return False


# Infrastructure mailboxes that appear in every notice but are never the failed recipient.
ROLE_LOCAL_PART = re.compile(
    r"^(?:mailer[-_.]?daemon|mail[-_.]?daemon|postmaster|double-bounce|no-?reply|do-?not-?reply)$",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------------------------------
# Message view: lazily computed facts shared by the detectors
# --------------------------------------------------------------------------------------------------

class Signal(Enum):
    NONE = "none"
    SUBJECT = "subject"  # only the subject smells of a bounce (e.g. a person forwarding one)
    STRONG = "strong"  # sender, envelope, MIME structure or MTA headers say "automatic failure notice"


# Senders that are programs, not people.
_AUTOMATED_LOCAL_PART = re.compile(
    r"^(?:no-?reply|do-?not-?reply|mailer|[\w.-]*daemon|bounces?|notifications?|notify|system|sysadmin)$",
    re.IGNORECASE,
)
# Headers that only MTAs put on failure notices.
_NDR_HEADERS = ("X-Failed-Recipients", "X-MS-Exchange-Message-Is-Ndr", "X-Mailer-Daemon-Error")
_REPORT_TYPE_PARAM = re.compile(r"report-type\s*=\s*\"?([\w.-]+)", re.IGNORECASE)
_REPORT_PART_TYPES = frozenset(
    {"message/delivery-status", "message/global-delivery-status", "text/rfc822-headers"}
)
_ORIGINAL_PART_TYPES = frozenset({"message/rfc822", "message/global"})
DSN_PART_TYPES = frozenset({"message/delivery-status", "message/global-delivery-status"})


def safe_header(msg: Message, name: str) -> str:
    """Header value as plain text; never raises on undecodable or malformed headers."""
    try:
        value = msg.get(name)
        return "" if value is None else str(value)
    except Exception:  # noqa: BLE001 - a header we cannot read is as good as absent
        log.debug("unreadable %s header", name, exc_info=True)
        return ""


# A line announcing that the returned original (or its headers) follows.  Everything after it is the
# sender's own mail, whose addresses must not be mistaken for failed recipients.
_RETURNED_MARKER = re.compile(
    r"^[ \t>*=_-]*(?:"
    # "Below is a copy of the original message:", "------ This is a copy of the message, including
    # all the headers. ------", "--- Enclosed is a copy of the message."
    r".*\b(?:copy of (?:the |your )?(?:original |returned |undelivered )?(?:message|mail|e-?mail)\b"
    r"|included is a copy|message headers? follows?|the header of the original)"
    r".*"
    # A line that is nothing but a title: "----- Original message -----", "Original message headers:",
    # "------- Returned Message --------", "----- Unsent message follows -----", "Original Message:".
    r"|(?:original|returned|unsent|undelivered|undeliverable) (?:message|mail|e-?mail)"
    r"(?: headers?| details)?(?: (?:follows?|below|(?:is )?attached))?[ \t]*(?:[.:]|-{2,})?[ \t]*"
    r"(?<!undelivered message)(?<!undeliverable message)(?<!undelivered mail)(?<!undeliverable mail)"
    r")$",
    re.IGNORECASE | re.MULTILINE,
)
_LEAKED_QP = re.compile(r"=\n|=3D|=20$", re.MULTILINE)
# An inline copy of the original without any announcing line starts with trace headers.
# (Some MTAs write "Received:from ..." without the space.)
_INLINE_HEADERS_START = re.compile(r"^(?:Received|Return-Path|DKIM-Signature|X-Received):", re.MULTILINE)
_HEADER_LINE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*:")
_MESSAGE_ID_LINE = re.compile(
    r"^[ \t>]*Message-ID:[ \t]*<?([^<>\s]+@[^<>\s]+?)>?\s*$", re.IGNORECASE | re.MULTILINE
)


class BounceView:
    """One message plus the derived facts several detectors need, each computed at most once."""

    def __init__(self, msg: Message) -> None:
        self.msg = msg

    @cached_property
    def parts(self) -> list[Message]:
        return list(own_parts(self.msg))

    @cached_property
    def content_type(self) -> str:
        return content_type(self.msg)

    @cached_property
    def dsn_parts(self) -> list[Message]:
        """The machine-readable delivery-status parts (RFC 3464, RFC 6533)."""
        return [p for p in self.parts if content_type(p) in DSN_PART_TYPES]

    @cached_property
    def report_type(self) -> str:
        match = _REPORT_TYPE_PARAM.search(raw_header(self.msg, "Content-Type"))
        return match.group(1).lower() if match else ""

    @cached_property
    def is_feedback_report(self) -> bool:
        if self.content_type == "multipart/report" and self.report_type == "feedback-report":
            return True
        return any(content_type(p) == "message/feedback-report" for p in self.parts)

    @cached_property
    def is_disposition_notification(self) -> bool:
        # Read receipts and other MDNs: flufl knows the one bounce-like MDN (Dovecot's over-quota
        # reject); the free-text heuristic would only find noise in them.
        return self.content_type == "multipart/report" and self.report_type == "disposition-notification"

    @cached_property
    def subject(self) -> str:
        return decode_words(raw_header(self.msg, "Subject"))

    @cached_property
    def bounce_signal(self) -> Signal:
        msg = self.msg
        if self.content_type == "multipart/report":
            return Signal.STRONG
        return_path = raw_header(msg, "Return-Path").strip()
        if "Return-Path" in msg and (return_path in ("", "<>") or _names_mail_system(return_path)):
            return Signal.STRONG
        sender = raw_header(msg, "From")
        if _names_mail_system(sender) or re.search(r"<\s*>", sender):
            return Signal.STRONG
        if any(name in msg for name in _NDR_HEADERS):
            return Signal.STRONG
        if "x-amz-sns-message-id" in msg:  # Amazon SES event notifications delivered by e-mail
            return Signal.STRONG
        if any(content_type(p) in _REPORT_PART_TYPES for p in self.parts):
            return Signal.STRONG
        if hints_at_bounce(self.subject):
            # A failure subject from a machine is a notice; from a person it may just be someone
            # talking about a bounce ("Re: my mail was returned"), so keep that one weak.
            auto_submitted = raw_header(msg, "Auto-Submitted").strip().lower()
            if (auto_submitted and auto_submitted != "no") or any(
                _AUTOMATED_LOCAL_PART.match(address.partition("@")[0])
                for address in _addresses_in_header(sender)
            ):
                return Signal.STRONG
            return Signal.SUBJECT
        return Signal.NONE

    @cached_property
    def text(self) -> str:
        """Decoded text of the report's own (non-attached) text parts."""
        return own_text(self.msg)

    @cached_property
    def _split(self) -> tuple[str, str | None]:
        text = self.text
        cut = len(text)
        marker = _RETURNED_MARKER.search(text)
        if marker:
            cut = marker.start()
        inline = _INLINE_HEADERS_START.search(text)
        if inline and inline.start() < cut:
            cut = inline.start()
        copied = (
            text[marker.end() :]
            if marker and marker.start() == cut
            else text[cut:]
            if cut < len(text)
            else None
        )
        return text[:cut], copied

    @cached_property
    def notice(self) -> str:
        """The explanatory part of the report, i.e. its text before any copy of the original."""
        notice = self._split[0]
        if _LEAKED_QP.search(notice):
            # Quoted-printable that was never decoded (a nested part the MIME parser could not see)
            # splits addresses with soft line breaks: "kijitora@cr.ne=\nko.example.jp".
            notice = notice.replace("=\n", "").replace("=3D", "=")
        return notice

    @cached_property
    def original_headers(self) -> Message | None:
        """Headers of the returned original message, from an attached part or an inline copy."""
        for part in self.parts:
            ctype = content_type(part)
            if ctype in _ORIGINAL_PART_TYPES and part.is_multipart():
                payload = part.get_payload()
                if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                    return payload[0]
            elif ctype in ORIGINAL_HEADER_TYPES:
                return _parse_headers(part_text(part))
        copied = self._split[1]
        if copied is None:
            return None
        lines = copied.lstrip("\n").splitlines()
        # The marker line may be followed by a ruler or a blank line before the headers start.
        for index, line in enumerate(lines[:6]):
            if _HEADER_LINE.match(line):
                headers = _parse_headers("\n".join(lines[index:]))
                if headers is not None and (
                    "Message-ID" in headers or ("From" in headers and "To" in headers)
                ):
                    return headers
                return None
        return None

    @cached_property
    def original_message_id(self) -> str | None:
        headers = self.original_headers
        if headers is None:
            return None
        value = " ".join(safe_header(headers, "Message-ID").split())
        return value or None

    @cached_property
    def own_addresses(self) -> set[str]:
        """Addresses of the parties on *our* side: the report's sender/recipient and the original's
        author.  They fill every notice and are never the failed recipient."""
        found: set[str] = set()
        for name in ("From", "Sender", "Reply-To", "To", "Cc", "Return-Path"):
            found |= _addresses_in_header(safe_header(self.msg, name))
        original = self.original_headers
        if original is not None:
            for name in ("From", "Sender", "Reply-To", "Return-Path"):
                found |= _addresses_in_header(safe_header(original, name))
        return found

    @cached_property
    def message_ids(self) -> set[str]:
        """Message-IDs seen in the report; they look like addresses but never are recipients."""
        ids = {m.lower() for m in _MESSAGE_ID_LINE.findall(self.text)}
        for value in (safe_header(self.msg, "Message-ID"), self.original_message_id or ""):
            ids.update(_addresses_in_header(value))
        return ids

    @cached_property
    def original_recipients(self) -> tuple[str, ...]:
        original = self.original_headers
        if original is None:
            return ()
        found: list[str] = []
        for name in ("To", "Cc", "Bcc"):
            found.extend(sorted(_addresses_in_header(safe_header(original, name))))
        return unique(found)


def _parse_headers(text: str) -> Message | None:
    text = text.lstrip("\r\n")
    if not text:
        return None
    # compat32 is the lenient policy: it keeps malformed header values as plain strings.
    return HeaderParser(policy=compat32).parsestr(text[:MAX_TEXT])


# --------------------------------------------------------------------------------------------------
# Status codes
# --------------------------------------------------------------------------------------------------

# Enhanced status codes (RFC 3463), not preceded/followed by digits or dots so IP addresses and
# version numbers ("Exim 4.86", "192.0.2.5") do not match.
ENHANCED_STATUS = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
_SMTP_REPLY = re.compile(r"(?:^|said:|\s)([45])\d\d(?:[ -]|$)", re.MULTILINE)
TEMPORARY_WORDS = re.compile(
    r"\bdelayed\b|\bwill (?:continue to |keep )?(?:be )?(?:retr|try)|\bretrying\b|\bstill (?:be )?trying"
    r"|has not yet been delivered|not been delivered yet|\bdeferred\b|\btemporar(?:y|ily)\b"
    r"|try again later|please try later|no action is required on your part",
    re.IGNORECASE,
)


def status_from_text(text: str) -> tuple[str | None, str | None]:
    """(first enhanced status code, class "4"/"5") as far as free text tells; class None if unknown."""
    codes = [m.group(0) for m in ENHANCED_STATUS.finditer(text) if m.group(1) in "45"]
    permanent_codes = [c for c in codes if c.startswith("5")]
    if permanent_codes:
        return permanent_codes[0], "5"
    if codes:
        return codes[0], "4"
    classes = {m.group(1) for m in _SMTP_REPLY.finditer(text)}
    if "5" in classes:
        return None, "5"
    if "4" in classes:
        return None, "4"
    return None, None
