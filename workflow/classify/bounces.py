"""Recognise delivery-failure reports ("bounces") and say which addresses bounced.

Detection runs in layers, most authoritative first:

1. RFC 3464 delivery status notifications (``message/delivery-status`` parts), read per recipient.
2. ``flufl.bounce``'s detectors for the many non-standard formats it knows.
3. A small generic heuristic for formats flufl misses (DragonFly, OpenSMTPD, Office 365 and other
   plain-text notices, DSN fields pasted into text, Amazon SES JSON notifications). Reports in prose
   from the mail system's role accounts (post_master, "Mail Router", "System Administrator", ...) are
   read here too, the failed recipient taken from the prose in any language robot_cues.py knows.

Everything here is pure: it only looks at the ``email.message.Message`` it is given.  A detector that
trips over broken input counts as "found nothing" (logged at debug level), so one malformed mail can
never stop a backfill.

Abuse/feedback reports (ARF) are deliberately *not* bounces; another classifier handles them.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import quopri
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser
from email.policy import compat32
from email.utils import getaddresses
from enum import Enum
from functools import cached_property
from typing import Literal

from flufl.bounce import all_failures

from .mimeparts import MAX_TEXT, content_type, decode_words, own_parts, own_text, part_text, raw_header
from .robot_cues import hints_at_bounce, mail_system_sender, says_delivery_failed

log = logging.getLogger(__name__)

Source = Literal["dsn", "flufl", "heuristic"]


@dataclass(frozen=True)
class BounceReport:
    """What a delivery-failure report says.

    ``recipients`` are the addresses that ``permanent`` applies to: when a report mixes permanent
    failures with delays, only the permanently failed addresses are listed, so a caller can safely
    disable every address it is given when ``permanent`` is true.
    """

    recipients: tuple[str, ...]
    permanent: bool
    status: str | None
    source: Source
    original_message_id: str | None


def detect_bounce(msg: Message) -> BounceReport | None:
    """Return a `BounceReport` if *msg* reports failed (or delayed) delivery, else None.

    Never raises: broken input is treated as "not a bounce" by whichever detector chokes on it.
    """
    try:
        return _detect(_View(msg))
    except Exception:  # noqa: BLE001 - the contract is "never raise"; the reason goes to the debug log
        log.debug("bounce detection failed on message %r", _safe_header(msg, "Message-ID"), exc_info=True)
        return None


# --------------------------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------------------------


class _NotABounce:
    """Marker returned by a detector that positively knows the mail is *not* a failure report
    (e.g. a DSN announcing successful delivery), so later, vaguer detectors must not second-guess it."""


_NOT_A_BOUNCE = _NotABounce()


def _detect(view: _View) -> BounceReport | None:
    if view.is_feedback_report:
        return None

    dsn = _run(_detect_dsn, view)
    if isinstance(dsn, _NotABounce):
        return None
    if dsn is not None:
        return dsn

    # Cheap short-circuit: everything below walks the body many times (flufl runs ~17 detectors,
    # one of them with ~45 regex passes over every line), so only mail that carries some bounce
    # signal in its headers or MIME structure gets that far.
    if view.bounce_signal is _Signal.NONE:
        return None

    # Amazon SES's JSON notifications are structured data, so they go before flufl, whose text
    # scan pulls junk (and, for delivery/complaint notices, plausible-looking addresses) out of JSON.
    for detector in (_detect_ses_json, _detect_flufl, _detect_heuristic):
        found = _run(detector, view)
        if isinstance(found, _NotABounce):
            return None
        if found is not None:
            return found
    return None


def _run(
    detector: Callable[[_View], BounceReport | _NotABounce | None], view: _View
) -> BounceReport | _NotABounce | None:
    try:
        return detector(view)
    except Exception:  # noqa: BLE001 - a crashing detector just means "found nothing"
        log.debug(
            "bounce detector %s failed on message %r",
            detector.__name__,
            _safe_header(view.msg, "Message-ID"),
            exc_info=True,
        )
        return None


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
_ADDR_IN_TEXT = re.compile(
    r"(?<![A-Za-z0-9.!#$%&*+?^_{|}~-])"
    r"([A-Za-z0-9.!#$%&*+?^_{|}~-]+"
    r"@(?:[A-Za-z0-9-]+\.)+[A-Za-z0-9-]*[A-Za-z][A-Za-z0-9-]*)"
    r"(?![A-Za-z0-9-]|\.[A-Za-z0-9-])"
)
_ADDR_TYPE_PREFIX = re.compile(r"^\s*(?:rfc822|unknown|x-[\w-]+)\s*;\s*", re.IGNORECASE)


def _clean_address(raw: str | bytes | None) -> str | None:
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


def _unique(addresses: Iterable[str | None]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for address in addresses:
        if address and address not in seen:
            seen[address] = None
    return tuple(seen)


def _addresses_in_header(value: str) -> set[str]:
    found = {a for _, raw in getaddresses([value]) if (a := _clean_address(raw))}
    # getaddresses gives up on some broken headers; a plain scan catches what it misses.
    found.update(a.lower() for a in _ADDR_IN_TEXT.findall(value))
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
_ROLE_LOCAL_PART = re.compile(
    r"^(?:mailer[-_.]?daemon|mail[-_.]?daemon|postmaster|double-bounce|no-?reply|do-?not-?reply)$",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------------------------------
# Message view: lazily computed facts shared by the detectors
# --------------------------------------------------------------------------------------------------

class _Signal(Enum):
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
_ORIGINAL_HEADER_TYPES = frozenset(
    {"text/rfc822-headers", "message/global-headers", "message/rfc822-headers"}
)
_DSN_PART_TYPES = frozenset({"message/delivery-status", "message/global-delivery-status"})


def _safe_header(msg: Message, name: str) -> str:
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


class _View:
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
    def bounce_signal(self) -> _Signal:
        msg = self.msg
        if self.content_type == "multipart/report":
            return _Signal.STRONG
        return_path = raw_header(msg, "Return-Path").strip()
        if "Return-Path" in msg and (return_path in ("", "<>") or _names_mail_system(return_path)):
            return _Signal.STRONG
        sender = raw_header(msg, "From")
        if _names_mail_system(sender) or re.search(r"<\s*>", sender):
            return _Signal.STRONG
        if any(name in msg for name in _NDR_HEADERS):
            return _Signal.STRONG
        if "x-amz-sns-message-id" in msg:  # Amazon SES event notifications delivered by e-mail
            return _Signal.STRONG
        if any(content_type(p) in _REPORT_PART_TYPES for p in self.parts):
            return _Signal.STRONG
        if hints_at_bounce(self.subject):
            # A failure subject from a machine is a notice; from a person it may just be someone
            # talking about a bounce ("Re: my mail was returned"), so keep that one weak.
            auto_submitted = raw_header(msg, "Auto-Submitted").strip().lower()
            if (auto_submitted and auto_submitted != "no") or any(
                _AUTOMATED_LOCAL_PART.match(address.partition("@")[0])
                for address in _addresses_in_header(sender)
            ):
                return _Signal.STRONG
            return _Signal.SUBJECT
        return _Signal.NONE

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
            elif ctype in _ORIGINAL_HEADER_TYPES:
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
        value = " ".join(_safe_header(headers, "Message-ID").split())
        return value or None

    @cached_property
    def own_addresses(self) -> set[str]:
        """Addresses of the parties on *our* side: the report's sender/recipient and the original's
        author.  They fill every notice and are never the failed recipient."""
        found: set[str] = set()
        for name in ("From", "Sender", "Reply-To", "To", "Cc", "Return-Path"):
            found |= _addresses_in_header(_safe_header(self.msg, name))
        original = self.original_headers
        if original is not None:
            for name in ("From", "Sender", "Reply-To", "Return-Path"):
                found |= _addresses_in_header(_safe_header(original, name))
        return found

    @cached_property
    def message_ids(self) -> set[str]:
        """Message-IDs seen in the report; they look like addresses but never are recipients."""
        ids = {m.lower() for m in _MESSAGE_ID_LINE.findall(self.text)}
        for value in (_safe_header(self.msg, "Message-ID"), self.original_message_id or ""):
            ids.update(_addresses_in_header(value))
        return ids

    @cached_property
    def original_recipients(self) -> tuple[str, ...]:
        original = self.original_headers
        if original is None:
            return ()
        found: list[str] = []
        for name in ("To", "Cc", "Bcc"):
            found.extend(sorted(_addresses_in_header(_safe_header(original, name))))
        return _unique(found)


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
_ENHANCED_STATUS = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
_SMTP_REPLY = re.compile(r"(?:^|said:|\s)([45])\d\d(?:[ -]|$)", re.MULTILINE)
_TEMPORARY_WORDS = re.compile(
    r"\bdelayed\b|\bwill (?:continue to |keep )?(?:be )?(?:retr|try)|\bretrying\b|\bstill (?:be )?trying"
    r"|has not yet been delivered|not been delivered yet|\bdeferred\b|\btemporar(?:y|ily)\b"
    r"|try again later|please try later|no action is required on your part",
    re.IGNORECASE,
)


def _status_from_text(text: str) -> tuple[str | None, str | None]:
    """(first enhanced status code, class "4"/"5") as far as free text tells; class None if unknown."""
    codes = [m.group(0) for m in _ENHANCED_STATUS.finditer(text) if m.group(1) in "45"]
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


# --------------------------------------------------------------------------------------------------
# 1. RFC 3464 delivery status notifications
# --------------------------------------------------------------------------------------------------

_DSN_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$")
_QUOTE_PREFIX = re.compile(r"^(?:[ \t]*>[ \t]?)+")
_RECIPIENT_FIELDS = ("original-recipient", "final-recipient")
_RECORD_FIELDS = frozenset({*_RECIPIENT_FIELDS, "action", "status"})


@dataclass
class _RecipientRecord:
    fields: dict[str, str]

    @property
    def addresses(self) -> tuple[str, ...]:
        # The Original-Recipient is the address *we* used; Final-Recipient is where it ended up
        # after forwarding/aliasing.  Report both so the caller can match either.
        return _unique(_clean_address(self.fields.get(name)) for name in _RECIPIENT_FIELDS)

    @property
    def status(self) -> str | None:
        match = _ENHANCED_STATUS.search(self.fields.get("status", ""))
        return match.group(0) if match else None

    @property
    def outcome(self) -> Literal["permanent", "temporary", "success"]:
        action = self.fields.get("action", "").strip().lower()
        status = self.status
        status_class = status[0] if status else None
        if action.startswith(("deliver", "relay", "expand")):
            return "success"
        if action.startswith("delay"):
            return "temporary"
        if action.startswith(("fail", "error", "expired", "abort", "bounce", "undeliver")):
            # "failed" is final whatever the status class: with 4.x.x the MTA gave up on a
            # transient problem, but the mail was still returned undelivered — that is a bounce
            # (only a delay warning, Action: delayed, is not).
            return "permanent"
        # No usable Action: go by the status class, and treat an unlabelled block as a failure,
        # since that is what reports without an Action field are in practice.
        if status_class == "2":
            return "success"
        return "temporary" if status_class == "4" else "permanent"


def _parse_dsn_fields(text: str) -> list[_RecipientRecord]:
    """Read per-recipient DSN field groups from raw text.

    Tolerates what real servers produce: missing blank lines between recipients, unindented
    continuation lines, "> " quoting (forwarded reports) and fields embedded in prose.
    """
    records: list[_RecipientRecord] = []
    current: dict[str, str] = {}

    def close() -> None:
        nonlocal current
        if current and any(name in current for name in _RECIPIENT_FIELDS):
            records.append(_RecipientRecord(current))
        elif current and records and not any(name in records[-1].fields for name in current):
            # Action/Status that ended up in a block of their own belong to the previous recipient.
            records[-1].fields.update(current)
        current = {}

    for raw_line in text.splitlines():
        line = _QUOTE_PREFIX.sub("", raw_line)
        if not line.strip():
            close()
            continue
        if line[0] in " \t":
            continue  # folded continuation of a field we do not need verbatim
        match = _DSN_FIELD.match(line)
        if not match:
            continue
        name = match.group(1).lower()
        if name not in _RECORD_FIELDS:
            continue
        if name in current:
            close()  # the same field twice means a new recipient started without a blank line
        current[name] = match.group(2).strip()
    close()
    return records


def _records_to_report(
    records: list[_RecipientRecord], source: Source, view: _View
) -> BounceReport | _NotABounce | None:
    permanent = [r for r in records if r.outcome == "permanent" and r.addresses]
    temporary = [r for r in records if r.outcome == "temporary" and r.addresses]
    chosen = permanent or temporary
    if chosen:
        status = next((r.status for r in chosen if r.status), None)
        return BounceReport(
            recipients=_unique(a for r in chosen for a in r.addresses),
            permanent=bool(permanent),
            status=status,
            source=source,
            original_message_id=view.original_message_id,
        )
    if records and all(r.outcome == "success" for r in records):
        return _NOT_A_BOUNCE
    return None


def _dsn_part_text(part: Message) -> str:
    """Raw text of a delivery-status part, whether or not the stdlib managed to split it into blocks."""
    payload = part.get_payload()
    if isinstance(payload, list):
        pieces: list[str] = []
        for block in payload:
            if not isinstance(block, Message):
                continue
            pieces.extend(f"{name}: {value}" for name, value in block.items())
            body = block.get_payload()
            if isinstance(body, str):
                pieces.append(body)
            pieces.append("")
        text = "\n".join(pieces)
    else:
        text = str(payload)
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    try:
        if encoding == "base64":
            text = base64.b64decode("".join(text.split()), validate=False).decode("utf-8", "replace")
        elif encoding == "quoted-printable":
            text = quopri.decodestring(text.encode("utf-8", "surrogateescape")).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        log.debug("undecodable %s delivery-status part", encoding, exc_info=True)
    return text


def _detect_dsn(view: _View) -> BounceReport | _NotABounce | None:
    records: list[_RecipientRecord] = []
    dsn_parts = [p for p in view.parts if content_type(p) in _DSN_PART_TYPES]
    for part in dsn_parts:
        found: list[_RecipientRecord] = []
        payload = part.get_payload()
        if isinstance(payload, list):
            # The stdlib already split the part into one header block per recipient.
            for block in payload:
                if isinstance(block, Message):
                    found.extend(_parse_dsn_fields("\n".join(f"{k}: {v}" for k, v in block.items())))
        if not any(r.addresses for r in found):
            # Broken part (encoded, text/plain-ish, glued blocks): read its raw text instead.
            found = _parse_dsn_fields(_dsn_part_text(part))
        records.extend(found)
    if not dsn_parts and view.content_type == "multipart/report" and view.report_type == "delivery-status":
        # The MIME structure is broken (typically a boundary that never occurs), so the whole body is
        # one opaque string; the DSN fields are still in there.
        body = view.msg.get_payload()
        if isinstance(body, str) and re.search(r"(?im)^(?:final|original)-recipient\s*:", body):
            records = _parse_dsn_fields(view.text or body)
    if not records:
        return None
    return _records_to_report(records, "dsn", view)


# --------------------------------------------------------------------------------------------------
# 2. flufl.bounce
# --------------------------------------------------------------------------------------------------


def _detect_flufl(view: _View) -> BounceReport | None:
    temporary_raw, permanent_raw = all_failures(_flufl_safe(view.msg))
    permanent = _plausible_flufl_addresses(permanent_raw, view)
    temporary = _plausible_flufl_addresses(temporary_raw, view)
    chosen = permanent or temporary
    if not chosen:
        return None
    status, status_class = _status_from_text(view.notice)
    # flufl.bounce separates delay warnings (temporary) from returned mail (permanent).
    is_permanent = bool(permanent)
    return BounceReport(
        recipients=tuple(_unique(chosen)),
        permanent=is_permanent,
        status=status,
        source="flufl",
        original_message_id=view.original_message_id,
    )


def _flufl_safe(msg: Message) -> Message:
    """Work around two flufl.bounce 6 detectors that raise on ordinary broken mail, aborting the
    whole scan (and logging an error with a traceback) before the Postfix/qmail/heuristic
    detectors run: Yale indexes ``getaddresses(...)[0]`` on a single-part mail without a From
    header, and Sina calls ``.lower()`` on a From header holding raw 8-bit bytes (which the
    compat32 policy hands out as a ``Header`` object). Such mail gets a copy with a plain-ASCII
    From; everything else is passed through untouched."""
    sender = raw_header(msg, "From")
    if sender.strip() and sender.isascii():
        return msg
    if not sender.strip() and msg.is_multipart():
        return msg
    clone = type(msg)(policy=msg.policy)
    for name, value in msg.raw_items():
        if name.lower() != "from":
            clone.set_raw(name, value)
    clone.set_raw("From", sender.encode("ascii", "replace").decode("ascii") if sender.strip() else "unknown@invalid")
    clone.set_payload(msg.get_payload())
    return clone


def _plausible_flufl_addresses(raw_addresses: Iterable[bytes], view: _View) -> list[str]:
    """Clean flufl's byte strings and drop what its looser detectors pick up by mistake.

    Some detectors scan every line after a cue, so an unmarked inline copy of the original hands them
    its Message-ID and the sender's own address; others return whole JSON snippets.  Sets have no
    order, so the result is sorted for stable output.
    """
    cleaned = sorted({a for raw in raw_addresses if (a := _clean_address(raw))} - view.message_ids)
    # Our own addresses only count when nothing else is left (someone did mail themselves).
    foreign = [a for a in cleaned if a not in view.own_addresses]
    return foreign or cleaned


# --------------------------------------------------------------------------------------------------
# 3. Generic heuristic for what flufl misses
# --------------------------------------------------------------------------------------------------

_FAILURE_EVIDENCE = re.compile(
    r"(?<![\d.])[45]\.\d{1,3}\.\d{1,3}(?![\d.])|(?:^|\s)[45]\d\d[ -]"
    r"|undeliver|not (?:be )?deliver|could ?n[o']t|unable to|\bfail|\berror|reject|refused|unknown"
    r"|does not exist|no such|invalid|over ?quota|mailbox (?:is )?full|returned|bounced|delay|expired"
    r"|giving up|given up|permanent|problem|blocked|denied"
    r"|エラー|できません|失敗|届きません",
    re.IGNORECASE | re.MULTILINE,
)
_URL = re.compile(r"\b(?:https?|ftp)://\S+", re.IGNORECASE)
# Lines whose addresses describe the message or the MTAs, not the failed recipient.
_IRRELEVANT_LINE = re.compile(
    r"^[ \t>]*(?:Message-ID|In-Reply-To|References|Reporting-MTA|Received-From-MTA|Remote-MTA"
    r"|X-Postfix-Sender|Original[- ]Sender|Sender|From|Return-Path|Reply-To)[ \t]*:.*$",
    re.IGNORECASE | re.MULTILINE,
)


def _detect_heuristic(view: _View) -> BounceReport | _NotABounce | None:
    notice = view.notice
    # DSN fields pasted into the text (Amazon WorkMail, forwarded reports) are explicit enough to
    # trust even when only the subject hints at a bounce.
    embedded = _parse_dsn_fields(notice)
    if any(r.addresses for r in embedded):
        report = _records_to_report(embedded, "heuristic", view)
        if report is not None:
            return report  # a report, or "these fields say delivered": either way, settled

    # Free-text extraction needs stronger evidence that this is an automatic notice: a person
    # writing "my mail to bob@example.org bounced" must not get bob reported.
    if view.bounce_signal is not _Signal.STRONG or view.is_disposition_notification:
        return None
    if not _FAILURE_EVIDENCE.search(view.subject + "\n" + notice) and not says_delivery_failed(notice):
        return None

    own = view.own_addresses
    prose = _IRRELEVANT_LINE.sub("", _URL.sub(" ", notice))
    candidates = _unique(
        address
        for raw in _ADDR_IN_TEXT.findall(prose)
        if (address := _clean_address(raw))
        and address not in own
        and not _ROLE_LOCAL_PART.match(address.partition("@")[0])
    )
    original_recipients = [a for a in view.original_recipients if a not in own]
    if candidates and original_recipients:
        # When the returned original is at hand, an address the notice names that was also an
        # original recipient is by far the likeliest failed one (this drops help-desk addresses
        # and the like that notices mention).
        confirmed = tuple(a for a in candidates if a in original_recipients)
        candidates = confirmed or candidates
    if not candidates:
        # Some notices never name the recipient ("Cannot send message for 4 days"); the returned
        # original's To/Cc is then the best we have.
        candidates = tuple(original_recipients)
    if not candidates:
        return None

    status_text = (
        notice
        + "\n"
        + "\n".join(_dsn_part_text(p) for p in view.parts if content_type(p) in _DSN_PART_TYPES)
    )
    status, status_class = _status_from_text(status_text)
    # Returned mail is final even with a 4.x.x status (the MTA gave up); only a notice that the
    # message is still queued and will be retried is a temporary report.
    permanent = status_class == "5" or not _TEMPORARY_WORDS.search(view.subject + "\n" + notice)
    return BounceReport(
        recipients=candidates,
        permanent=permanent,
        status=status,
        source="heuristic",
        original_message_id=view.original_message_id,
    )


def _detect_ses_json(view: _View) -> BounceReport | _NotABounce | None:
    """Amazon SES event notifications (delivered by e-mail through SNS) carry a JSON document.

    Reported with source "heuristic": it is neither RFC 3464 nor flufl, and the API has no fourth kind.
    """
    body = view.text.strip()
    if not body.startswith("{") or '"notificationType"' not in body:
        return None
    # SNS appends an unsubscribe footer after the JSON document, so decode just the object; strict=False
    # because long header values in it arrive folded, i.e. with raw newlines inside strings.
    document, _ = json.JSONDecoder(strict=False).raw_decode(body)
    if not isinstance(document, dict):
        return None
    kind = str(document.get("notificationType", "")).lower()
    if kind != "bounce":
        # "Delivery" and "Complaint" notifications are not delivery failures.
        return _NOT_A_BOUNCE if kind in ("delivery", "complaint") else None
    bounce = document.get("bounce") or {}
    recipients = bounce.get("bouncedRecipients") or []
    addresses = _unique(_clean_address(r.get("emailAddress")) for r in recipients if isinstance(r, dict))
    if not addresses:
        return None
    status = next((str(r["status"]) for r in recipients if isinstance(r, dict) and r.get("status")), None)
    mail = document.get("mail") or {}
    message_id = None
    for header in mail.get("headers") or []:
        if isinstance(header, dict) and str(header.get("name", "")).lower() == "message-id":
            message_id = str(header.get("value", "")).strip() or None
    return BounceReport(
        recipients=addresses,
        # "Transient" and "Undetermined" leave the address possibly fine; only "Permanent" is final.
        permanent=str(bounce.get("bounceType", "")).lower() == "permanent",
        status=status,
        source="heuristic",
        original_message_id=message_id,
    )
