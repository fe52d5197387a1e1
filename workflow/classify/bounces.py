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
from typing import Literal

from flufl.bounce import all_failures

from .bounce_view import (
    ADDR_IN_TEXT,
    ENHANCED_STATUS,
    ROLE_LOCAL_PART,
    TEMPORARY_WORDS,
    BounceView,
    Signal,
    clean_address,
    safe_header,
    status_from_text,
    unique,
)
from .mimeparts import raw_header
from .robot_cues import says_delivery_failed

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
        return _detect(BounceView(msg))
    except Exception:  # noqa: BLE001 - the contract is "never raise"; the reason goes to the debug log
        log.debug("bounce detection failed on message %r", safe_header(msg, "Message-ID"), exc_info=True)
        return None


# --------------------------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------------------------


class _NotABounce:
    """Marker returned by a detector that positively knows the mail is *not* a failure report
    (e.g. a DSN announcing successful delivery), so later, vaguer detectors must not second-guess it."""


_NOT_A_BOUNCE = _NotABounce()


def _detect(view: BounceView) -> BounceReport | None:
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
    if view.bounce_signal is Signal.NONE:
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
    detector: Callable[[BounceView], BounceReport | _NotABounce | None], view: BounceView
) -> BounceReport | _NotABounce | None:
    try:
        return detector(view)
    except Exception:  # noqa: BLE001 - a crashing detector just means "found nothing"
        log.debug(
            "bounce detector %s failed on message %r",
            detector.__name__,
            safe_header(view.msg, "Message-ID"),
            exc_info=True,
        )
        return None




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
        return unique(clean_address(self.fields.get(name)) for name in _RECIPIENT_FIELDS)

    @property
    def status(self) -> str | None:
        match = ENHANCED_STATUS.search(self.fields.get("status", ""))
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
    records: list[_RecipientRecord], source: Source, view: BounceView
) -> BounceReport | _NotABounce | None:
    permanent = [r for r in records if r.outcome == "permanent" and r.addresses]
    temporary = [r for r in records if r.outcome == "temporary" and r.addresses]
    chosen = permanent or temporary
    if chosen:
        status = next((r.status for r in chosen if r.status), None)
        return BounceReport(
            recipients=unique(a for r in chosen for a in r.addresses),
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


def _detect_dsn(view: BounceView) -> BounceReport | _NotABounce | None:
    records: list[_RecipientRecord] = []
    for part in view.dsn_parts:
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
    if not view.dsn_parts and view.content_type == "multipart/report" and view.report_type == "delivery-status":
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


def _detect_flufl(view: BounceView) -> BounceReport | None:
    temporary_raw, permanent_raw = all_failures(_flufl_safe(view.msg))
    permanent = _plausible_flufl_addresses(permanent_raw, view)
    temporary = _plausible_flufl_addresses(temporary_raw, view)
    chosen = permanent or temporary
    if not chosen:
        return None
    status, status_class = status_from_text(view.notice)
    # flufl.bounce separates delay warnings (temporary) from returned mail (permanent).
    is_permanent = bool(permanent)
    return BounceReport(
        recipients=tuple(unique(chosen)),
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


def _plausible_flufl_addresses(raw_addresses: Iterable[bytes], view: BounceView) -> list[str]:
    """Clean flufl's byte strings and drop what its looser detectors pick up by mistake.

    Some detectors scan every line after a cue, so an unmarked inline copy of the original hands them
    its Message-ID and the sender's own address; others return whole JSON snippets.  Sets have no
    order, so the result is sorted for stable output.
    """
    cleaned = sorted({a for raw in raw_addresses if (a := clean_address(raw))} - view.message_ids)
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


def _detect_heuristic(view: BounceView) -> BounceReport | _NotABounce | None:
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
    if view.bounce_signal is not Signal.STRONG or view.is_disposition_notification:
        return None
    if not _FAILURE_EVIDENCE.search(view.subject + "\n" + notice) and not says_delivery_failed(notice):
        return None

    own = view.own_addresses
    prose = _IRRELEVANT_LINE.sub("", _URL.sub(" ", notice))
    candidates = unique(
        address
        for raw in ADDR_IN_TEXT.findall(prose)
        if (address := clean_address(raw))
        and address not in own
        and not ROLE_LOCAL_PART.match(address.partition("@")[0])
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
        + "\n".join(_dsn_part_text(p) for p in view.dsn_parts)
    )
    status, status_class = status_from_text(status_text)
    # Returned mail is final even with a 4.x.x status (the MTA gave up); only a notice that the
    # message is still queued and will be retried is a temporary report.
    permanent = status_class == "5" or not TEMPORARY_WORDS.search(view.subject + "\n" + notice)
    return BounceReport(
        recipients=candidates,
        permanent=permanent,
        status=status,
        source="heuristic",
        original_message_id=view.original_message_id,
    )


def _detect_ses_json(view: BounceView) -> BounceReport | _NotABounce | None:
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
    addresses = unique(clean_address(r.get("emailAddress")) for r in recipients if isinstance(r, dict))
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
