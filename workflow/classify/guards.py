"""Robot guard: decide whether an incoming mail was sent automatically.

callflow answers people. Answering a machine (a bounce, an out-of-office reply, a
mailing list, a notification robot, or callflow itself) wastes a reply at best and
starts a mail loop at worst, so every incoming message goes through
:func:`robot_verdict` before anything is sent back.  ``None`` means "no sign of a
robot"; anything else says which rule decided and why.

Sources: RFC 3834 (automatic responses, ``Auto-Submitted``), RFC 5230 (Sieve
vacation), RFC 3464/3462/6522 (DSN, ``multipart/report``), RFC 8098 (MDN), RFC 5965
(ARF), RFC 2369/2919 (``List-*``), Microsoft MS-OXCMAIL, plus the headers and subject
lines of the many autoresponders that ignore all of these. Who the mail system and
list managers are, and what their notices say, is language data in robot_cues.py;
this module decides with it.

Rules run in this order, first match wins, because the *kind* matters downstream
(a bounce tells us an address is dead, an auto-reply does not):

1. ``loop`` / ``own_address`` - our own loop marker, or mail from one of our addresses.
2. ``bounce_sender`` - MAILER-DAEMON in its spellings, delivery/feedback reports, null
   return path; the mail system's role accounts (postmaster, "System Administrator",
   ...) when the mail reports a delivery failure, in a report part or only in prose.
3. ``auto_reply`` - vacation / out-of-office responders (headers, then subject).
4. ``list`` - mailing-list traffic, list managers' own addresses, and their
   administrative notices (moderation, loop alerts, probes, rejections, confirmations)
   even when they carry no list header.
5. ``automated`` - any other machine sender (``Auto-Submitted: auto-generated``,
   ``Precedence: bulk``, no-reply addresses, Exchange-generated mail, ...).

List mail wins over verdicts that did not see it: the mail system's own address also
sends list moderation notices (Microsoft 365 groups), and a newsletter may be titled
like an out-of-office reply ("Away: spring walks") or carry Exchange's rule headers; only
an explicit ``Auto-Submitted: auto-replied`` keeps a mail with list headers an auto-reply.

Judgement calls (each has a test):

* ``X-Auto-Response-Suppress`` alone is **not** a robot signal.  It is a *request*
  ("don't auto-answer me", MS-OXCMAIL 2.1.3.2.20), not a statement that the message
  is automatic, and Exchange stamps it on ordinary human mail too (mail sent through
  distribution lists, some Outlook sends).  Help desks that used it as a robot signal
  lost real mail and removed it (Jitbit, Discourse PR 21367, GLPI issue 2170,
  osTicket PR 5320, sisimai issue 491).  It only counts in the combination Exchange's
  own out-of-office/rule replies carry: ``X-Auto-Response-Suppress: All`` *and*
  ``X-MS-Exchange-Inbox-Rules-Loop``.  (Callflow's *own* outgoing mail should set it,
  but that is the sender's business, not this module's.)
* ``X-MS-Exchange-Inbox-Rules-Loop`` alone is not a signal either: Exchange adds it
  when an inbox rule *redirects* a message, and the redirected message is still the
  original person's mail.
* ``X-MS-Exchange-Generated-Message-Source`` is a signal: Exchange only stamps it on
  messages it generated itself (Mailbox Rules Agent, Transport Rule Agent, Journal
  Agent, ...).
* ``postmaster`` is a mailbox people read and answer from (RFC 5321 4.5.1), so a
  postmaster address (or another mail-system role account) only counts together with
  delivery-failure evidence - a report part, a returned message, a bounce-like subject,
  or the failure told in prose ("Error: Invalid user address", "550 Requested action
  not taken", "konnte nicht zugestellt werden"); a MAILER-DAEMON address or a null
  return path counts on its own. An organisation's ``info@``/``office@`` is no mail
  system: a person writing from it about a failed delivery is still a person.
* A list manager's notice counts alone when its subject is one nobody starts a mail
  with ("Your message to X awaits moderator approval", in Mailman's translations), or
  when it comes from a list manager's own address (LISTSERV, Majordomo, "-bounces",
  "owner-"). Its *wording* counts only from a robot's address (a list's "-owner",
  "-request", "+owner", the mail system, no-reply, ``Auto-Submitted``,
  ``Precedence``): people quote such notices when they ask about them.
* ``Feedback-ID`` alone is not a signal (Amazon WorkMail stamps it on person-to-person
  mail); its bulk senders are caught by their no-reply addresses or ``List-*`` headers.
* Out-of-office *subjects* are matched only at the very start of the subject and
  only when followed by a separator (``:``, ``-``, ``(``, end of subject, ...).
  ``Re:``/``AW:`` prefixes are deliberately **not** skipped: responders put their own
  marker first ("Automatic reply: Re: ..."), while a subject starting with ``Re:`` is
  a person answering a thread, e.g. "Re: Out of office hours question?".  This also
  keeps "Automatic reply not received" (a participant complaining to us) and
  "Absence policy" / "Absence of data in survey" out.  Accepted cost: a person who
  writes a new mail titled "Absence: session 3" is treated as an out-of-office reply
  (that is exactly how such replies look), and responders with free-form subjects are
  only caught by their headers.
* A null return path (``Return-Path: <>``) means "bounce" unless the message is
  plainly a vacation reply: RFC 3834 3.3 tells auto-responders to use the null path
  too, and Sieve vacation implementations do, so such a reply is reported as
  ``auto_reply`` rather than as a bounce of one of our messages.
* A person forwarding a bounce ("Fwd: Returned mail: ...") is flagged as a bounce
  when the body quotes the RFC 3464 per-recipient fields (``Final-Recipient`` +
  ``Status``), or when a bounce-like subject comes with the returned message (as an
  attachment, or its ``Received:`` lines pasted in) or an MTA's fixed bounce wording:
  nobody types those, and an auto-answer to a forwarded bounce helps no one.  A
  bounce-like subject alone ("my mail to you was returned") is never enough.
* ``X-Loop`` counts as automated: only processors add it (procmail/SmartList, ticket
  systems, vacation programs).  Cost: a person's mail relayed through a procmail
  forwarder that stamps it is not auto-answered.

Everything here is pure and defensive: header access on broken mail may raise (the
modern policy parses headers lazily), so every access goes through helpers that
treat an exception as "header absent".  The function never raises for any
``Message``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.header import Header, decode_header
from email.message import Message
from email.utils import parseaddr

from ..addresses import address_pairs
from ..parse import decode_encoded_words, header_index
from .mimeparts import content_type, own_text
from .robot_cues import (
    MailSystem,
    hints_at_bounce,
    is_bounce_subject,
    is_list_manager_mailbox,
    is_list_role_mailbox,
    is_out_of_office_subject,
    list_notice_subject,
    list_notice_wording,
    mail_system_sender,
    says_delivery_failed,
)

__all__ = ["RobotVerdict", "is_out_of_office_subject", "robot_verdict"]


@dataclass(frozen=True)
class RobotVerdict:
    """Why a message must not be answered automatically."""

    kind: str  # "auto_reply" | "list" | "bounce_sender" | "loop" | "own_address" | "automated"
    reason: str  # short, human-readable; ends up in logs and the review queue
    header: str | None  # the header that decided, if a header did


# --------------------------------------------------------------------------- #
# Safe header access
# --------------------------------------------------------------------------- #

# Big bodies are only scanned up to here: the evidence we look for (report parts,
# DSN fields) sits near the top of a bounce, and a guard must stay cheap.
_MAX_PARTS = 100
_MAX_BODY_SCAN = 64 * 1024


def _values(msg: Message, name: str) -> list[str]:
    """All values of header ``name`` as strings; any failure means "absent".

    ``policy.default`` parses a header on access and can raise on garbage;
    ``compat32`` can hand back ``email.header.Header`` objects whose ``str()`` can
    raise on undecodable bytes.  One bad header must not hide the others.
    """
    try:
        raw = [msg.policy.header_fetch_parse(k, v) for k, v in header_index(msg).get(name.lower(), ())]
    except Exception:
        return []
    if not raw:
        return []
    out: list[str] = []
    for value in raw:
        try:
            text = _header_text(value)
        except Exception:
            continue
        out.append(text)
    return out


def _header_text(value: object) -> str:
    """A header value as text.

    ``compat32`` returns raw 8-bit headers (a UTF-8 subject sent without RFC 2047,
    common from Japanese and webmail senders) as ``Header`` objects in the
    ``unknown-8bit`` charset, whose ``str()`` is all replacement characters.  Take
    the bytes back and decode them as UTF-8, falling back to Latin-1.
    """
    if not isinstance(value, Header):
        return str(value)
    pieces: list[str] = []
    for chunk, charset in decode_header(value):
        if isinstance(chunk, str):
            pieces.append(chunk)
            continue
        if charset and charset != "unknown-8bit":
            try:
                pieces.append(chunk.decode(charset, "replace"))
                continue
            except LookupError:
                pass
        try:
            pieces.append(chunk.decode("utf-8"))
        except UnicodeDecodeError:
            pieces.append(chunk.decode("latin-1"))
    return "".join(pieces)


def _first(msg: Message, name: str) -> str | None:
    values = _values(msg, name)
    return values[0] if values else None


def _has(msg: Message, name: str) -> bool:
    """Header present, even with an empty value (``X-Autoreply:`` still means it)."""
    try:
        return name.lower() in header_index(msg)
    except Exception:
        return False


def _token(value: str) -> str:
    """First keyword of a structured value: ``auto-replied; owner=x (zimbra)`` -> ``auto-replied``."""
    match = re.match(r"\s*([A-Za-z0-9_.-]+)", value)
    return match.group(1).casefold() if match else ""


def _decoded_subject(msg: Message) -> str:
    """The subject as text, RFC 2047 words decoded, never raising.

    ``policy.default`` already decodes; ``compat32`` does not.  Decoding an already
    decoded string is harmless, so always try it and fall back to the raw text.
    A raw 8-bit subject that is not UTF-8 comes out of ``policy.default`` with
    replacement characters; then the raw bytes are decoded again (UTF-8, else Latin-1).
    """
    raw = _first(msg, "Subject")
    if not raw:
        return ""
    if "\ufffd" in raw:
        raw = _raw_header(msg, "Subject") or raw
    return decode_encoded_words(raw)


def _raw_header(msg: Message, name: str) -> str | None:
    """The first ``name`` header re-decoded from the bytes the parser kept."""
    try:
        for key, value in msg.raw_items():
            if key.casefold() != name.casefold() or not isinstance(value, str):
                continue
            data = value.encode("ascii", "surrogateescape")
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                return data.decode("latin-1")
    except Exception:
        return None
    return None


def _addresses(msg: Message, name: str) -> list[tuple[str, str]]:
    """``(display name, address)`` pairs of an address header, never raising."""
    values = _values(msg, name)
    if not values:
        return []
    try:
        pairs = address_pairs(values)
    except Exception:
        pairs = []
        for value in values:
            try:
                pairs.append(parseaddr(value))
            except Exception:
                continue
    return [(n or "", a or "") for n, a in pairs]


def is_noreply_local_part(local: str) -> bool:
    """noreply, no-reply, do-not-reply, … (the local part of an address)."""
    return bool(_NOREPLY.match(local.strip().strip('"').casefold()))


def _local_part(address: str) -> str:
    local = address.rsplit("@", 1)[0] if "@" in address else address
    return local.strip().strip('"').casefold()


# --------------------------------------------------------------------------- #
# Sender-address patterns
# --------------------------------------------------------------------------- #

# Who the mail system and list managers are is language data: see robot_cues.py.
# noreply, no-reply, no_reply, do-not-reply, donotreply, dont-reply, plus suffixes
# such as "noreply+tag" or "no-reply-notifications".
_NOREPLY = re.compile(r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|dont[-_.]?reply)([-_.+].*)?$")
_NULL_PATH = re.compile(r"^\s*<\s*>\s*(\(.*\))?\s*$")


# --------------------------------------------------------------------------- #
# Bounce / report evidence
# --------------------------------------------------------------------------- #

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


def _report_part(msg: Message) -> str | None:
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


def _jmrp_report(msg: Message) -> bool:
    """Microsoft JMRP complaint (Outlook.com/Hotmail's pre-ARF feedback loop).

    The complained-about message comes back as a ``message/rfc822`` part stamped
    with ``X-HmXmrOriginalRecipient`` - a header only Microsoft's reporting adds.
    """
    return any(_has(inner, "X-HmXmrOriginalRecipient") for inner in _embedded_messages(msg))


def _text_of(part: Message) -> str:
    try:
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


def _quoted_dsn(msg: Message) -> bool:
    """The body carries RFC 3464 per-recipient fields (inline or quoted)."""
    return any(_DSN_FINAL_RCPT.search(text) and _DSN_STATUS.search(text) for text in _plain_texts(msg))


def _returned_evidence(msg: Message) -> str | None:
    """Signs that the mail reports on *another* message's delivery, or ``None``."""
    if _has(msg, "X-Failed-Recipients"):
        return "X-Failed-Recipients"
    part = _report_part(msg)
    if part:
        return part
    auto = _auto_submitted(msg)
    if auto:
        return f"Auto-Submitted: {auto[0]}"
    if any(True for _ in _embedded_messages(msg)):
        return "returned message attached"
    if _quoted_dsn(msg):
        return "delivery status fields in the body"
    for text in _plain_texts(msg):
        if _MTA_TEMPLATE.search(text):
            return "mail-server bounce wording in the body"
        if _PASTED_TRACE.search(text):
            return "the returned message's headers in the body"
    return None


def _delivery_evidence(msg: Message) -> str | None:
    """Anything suggesting delivery-failure mail (corroboration for the mail system's role accounts)."""
    # From the mail system's own role account even a subject's hint counts ("Message you sent
    # blocked by our bulk email filter").
    if hints_at_bounce(_decoded_subject(msg)):
        return "bounce-like subject"
    evidence = _returned_evidence(msg)
    if evidence:
        return evidence
    # A report written in prose only: "Error: Invalid user address", "550 Requested action not
    # taken", "Ihre Nachricht konnte nicht zugestellt werden", ...
    if says_delivery_failed(own_text(msg)):
        return "a delivery failure reported in the text"
    return None


# --------------------------------------------------------------------------- #
# The rule stages
# --------------------------------------------------------------------------- #


def _loop_stage(msg: Message, own: set[str], loop_marker: str) -> RobotVerdict | None:
    if loop_marker and _has(msg, loop_marker):
        return RobotVerdict("loop", f"our own loop marker {loop_marker} is present", loop_marker)
    if own:
        for _name, addr in _addresses(msg, "From"):
            if addr and addr.strip().casefold() in own:
                return RobotVerdict("own_address", f"sent from our own address {addr}", "From")
    return None


def _senders(msg: Message) -> list[tuple[str, str, str]]:
    """(header, display name, address) of every sender header; display names only from From,
    the one header whose display name a mail system sets. Kept on the message: several stages ask."""
    senders = msg.__dict__.get("_callflow_senders")
    if senders is None:
        senders = [
            (header, name if header == "From" else "", addr)
            for header in ("From", "Return-Path", "Sender")
            for name, addr in _addresses(msg, header)
        ]
        msg.__dict__["_callflow_senders"] = senders
    return senders


def _bounce_stage(msg: Message) -> RobotVerdict | None:
    for header, name, addr in _senders(msg):
        if mail_system_sender(_local_part(addr), name) is MailSystem.DAEMON:
            return RobotVerdict("bounce_sender", f"{header} is the mail system ({addr or name.strip()})", header)

    try:
        top = msg.get_content_type()
    except Exception:
        top = "text/plain"
    if top == "multipart/report":
        try:
            report_type = str(msg.get_param("report-type", "") or "").casefold()
        except Exception:
            report_type = ""
        return RobotVerdict(
            "bounce_sender",
            f"multipart/report ({report_type or 'unknown report-type'}): delivery/feedback report",
            "Content-Type",
        )
    part = _report_part(msg)
    if part:
        return RobotVerdict("bounce_sender", f"contains a {part}", "Content-Type")

    # Exim adds this header to its bounces only.
    if _has(msg, "X-Failed-Recipients"):
        return RobotVerdict(
            "bounce_sender", "X-Failed-Recipients present (Exim bounce)", "X-Failed-Recipients"
        )

    for header, name, addr in _senders(msg):
        if mail_system_sender(_local_part(addr), name) is not MailSystem.ROLE:
            continue
        evidence = _delivery_evidence(msg)
        if evidence:
            who = addr or name.strip()
            return RobotVerdict("bounce_sender", f"{header} is the mail system ({who}) and {evidence}", header)

    # Whoever sent it: a delivery-failure subject plus a returned message, bounce
    # wording or report fields.  Also catches a person forwarding a bounce.
    if is_bounce_subject(_decoded_subject(msg)):
        evidence = _returned_evidence(msg)
        if evidence:
            return RobotVerdict("bounce_sender", f"bounce-like subject and {evidence}", "Subject")

    if _jmrp_report(msg):
        return RobotVerdict(
            "bounce_sender", "Microsoft JMRP complaint report (X-HmXmrOriginalRecipient)", "Content-Type"
        )
    if _quoted_dsn(msg):
        return RobotVerdict(
            "bounce_sender", "body carries delivery status fields (Final-Recipient/Status): a bounce", None
        )

    # RFC 5321 4.5.5: bounces use the null reverse path; the delivering MTA records
    # it as "Return-Path: <>".  This is checked last because RFC 3834 3.3 asks
    # auto-responders to use it too (Sieve vacation in Dovecot/Pigeonhole does):
    # with no bounce evidence above, a null-path message that is plainly a vacation
    # reply is left to the auto-reply stage so it gets the right kind.
    if (
        any(_NULL_PATH.match(value) for value in _values(msg, "Return-Path"))
        and _auto_reply_stage(msg) is None
    ):
        return RobotVerdict("bounce_sender", "null return path (Return-Path: <>)", "Return-Path")
    return None


def _auto_submitted(msg: Message) -> tuple[str, str] | None:
    """First ``Auto-Submitted`` keyword other than ``no`` (RFC 3834 5.1), with its raw value."""
    for value in _values(msg, "Auto-Submitted"):
        keyword = _token(value)
        if keyword and keyword != "no":
            return keyword, " ".join(value.split())
    return None


def _precedence(msg: Message) -> tuple[str, str] | None:
    for header in ("Precedence", "X-Precedence"):
        for value in _values(msg, header):
            keyword = _token(value)
            if keyword in ("bulk", "list", "junk", "auto_reply", "auto-reply"):
                return header, keyword
    return None


# Vendor autoresponder headers: present (with any value but an explicit "no") means
# an auto-reply.  qmail autoresponders, cPanel, Gmail (X-Autoreply), Domain
# Technologies (X-AutoReply-From), Exim/Sieve setups (X-Mail-Autoreply), ...
_AUTOREPLY_HEADERS = (
    "X-Autoreply",
    "X-Autorespond",
    "X-Autoresponder",
    "X-Auto-Reply",
    "X-Autoreply-From",
    "X-Mail-Autoreply",
    "X-Vacation",
)
_FALSEY = {"no", "false", "0", "off", "none"}


def _auto_reply_stage(msg: Message) -> RobotVerdict | None:
    auto = _auto_submitted(msg)
    if auto and auto[0] == "auto-replied":
        return RobotVerdict("auto_reply", f"Auto-Submitted: {auto[1]}", "Auto-Submitted")

    prec = _precedence(msg)
    if prec and prec[1] in ("auto_reply", "auto-reply"):
        return RobotVerdict("auto_reply", f"{prec[0]}: {prec[1]}", prec[0])

    for header in _AUTOREPLY_HEADERS:
        if not _has(msg, header):
            continue
        value = (_first(msg, header) or "").strip()
        if _token(value) in _FALSEY:
            continue
        return RobotVerdict("auto_reply", f"{header}: {value or '(empty)'}", header)

    # Mailtraq and FirstClass autoresponders, qmail's autoresponder delivery.
    value = _first(msg, "X-POST-MessageClass") or ""
    if "autoresponder" in value.casefold():
        return RobotVerdict("auto_reply", f"X-POST-MessageClass: {value.strip()}", "X-POST-MessageClass")
    value = _first(msg, "X-FC-MachineGenerated") or ""
    if _token(value) == "true":
        return RobotVerdict("auto_reply", "X-FC-MachineGenerated: true (FirstClass)", "X-FC-MachineGenerated")
    for value in _values(msg, "Delivered-To"):
        if value.strip().casefold() == "autoresponder":
            return RobotVerdict("auto_reply", "Delivered-To: Autoresponder (qmail)", "Delivered-To")
    value = _first(msg, "X-Autogenerated") or ""
    if _token(value) == "reply":
        return RobotVerdict("auto_reply", "X-Autogenerated: Reply", "X-Autogenerated")

    # Exchange out-of-office / rule replies: see the module docstring for why
    # X-Auto-Response-Suppress only counts in this combination.
    suppress = _first(msg, "X-Auto-Response-Suppress") or ""
    if _token(suppress) == "all" and _has(msg, "X-MS-Exchange-Inbox-Rules-Loop"):
        return RobotVerdict(
            "auto_reply",
            "X-Auto-Response-Suppress: All with X-MS-Exchange-Inbox-Rules-Loop (Exchange rule/OOF reply)",
            "X-Auto-Response-Suppress",
        )

    lang = is_out_of_office_subject(_decoded_subject(msg))
    if lang:
        return RobotVerdict("auto_reply", f"subject looks like an out-of-office reply ({lang})", "Subject")
    return None


# RFC 2369 / RFC 2919 list headers, the pre-standard ones (ezmlm, SmartList), and what list
# managers stamp on everything they send, their administrative notices included: Mailman
# (X-BeenThere, X-Mailman-Version; X-List-Administrivia on its notices), fml (X-MLServer,
# X-ML-Name), ListProc, Ecartis, Google Groups.
_LIST_HEADERS = (
    "List-Id",
    "List-Unsubscribe",
    "List-Post",
    "List-Help",
    "List-Subscribe",
    "List-Owner",
    "List-Archive",
    "Mailing-List",
    "X-Mailing-List",
    "X-BeenThere",
    "X-Mailman-Version",
    "X-List-Administrivia",
    "X-MLServer",
    "X-ML-Name",
    "X-Listprocessor-Version",
    "X-Ecartis-Version",
    "X-Google-Group-Id",
)


def _list_stage(msg: Message) -> RobotVerdict | None:
    for header in _LIST_HEADERS:
        if _has(msg, header):
            return RobotVerdict("list", f"mailing-list header {header} present", header)
    prec = _precedence(msg)
    if prec and prec[1] == "list":
        return RobotVerdict("list", f"{prec[0]}: list", prec[0])
    for header, name, addr in _senders(msg):
        if is_list_manager_mailbox(_local_part(addr), name):
            return RobotVerdict("list", f"{header} is a mailing-list manager ({addr or name.strip()})", header)
    return _list_notice(msg)


def _list_notice(msg: Message, *, robot_sender: bool = False) -> RobotVerdict | None:
    """A list manager's administrative notice (moderation, loop alert, probe, rejection,
    confirmation) that carries no list header: its subject alone says so, or its wording does
    when a robot sent it (``robot_sender``: the caller already knows)."""
    lang = list_notice_subject(_decoded_subject(msg))
    if lang:
        return RobotVerdict("list", f"subject of a mailing-list manager's notice ({lang})", "Subject")
    if not (robot_sender or _robot_signs(msg)):
        return None
    if list_notice_wording(_decoded_subject(msg)) or list_notice_wording(own_text(msg)):
        return RobotVerdict("list", "a mailing-list manager's notice from a robot's address", None)
    return None


def _robot_signs(msg: Message) -> bool:
    """Signs, each too weak to decide alone, that a machine sent the mail: a list's administrative
    address, the mail system's, a no-reply address, Auto-Submitted, Precedence, X-Loop."""
    for _header, name, addr in _senders(msg):
        local = _local_part(addr)
        if is_list_role_mailbox(local) or _NOREPLY.match(local) or mail_system_sender(local, name):
            return True
    return bool(_auto_submitted(msg) or _precedence(msg) or _has(msg, "X-Loop"))


def _automated_stage(msg: Message) -> RobotVerdict | None:
    auto = _auto_submitted(msg)
    if auto:
        return RobotVerdict("automated", f"Auto-Submitted: {auto[1]}", "Auto-Submitted")

    prec = _precedence(msg)
    if prec:  # bulk / junk; list and auto_reply were taken by earlier stages
        return RobotVerdict("automated", f"{prec[0]}: {prec[1]}", prec[0])

    source = _first(msg, "X-MS-Exchange-Generated-Message-Source")
    if source is not None:
        return RobotVerdict(
            "automated",
            f"generated by Exchange ({source.strip() or 'unknown agent'})",
            "X-MS-Exchange-Generated-Message-Source",
        )

    for header in ("From", "Return-Path", "Sender"):
        for _name, addr in _addresses(msg, header):
            if _NOREPLY.match(_local_part(addr)):
                return RobotVerdict("automated", f"{header} is a no-reply address ({addr})", header)

    # X-Loop is added by automatic processors only (procmail/SmartList, ticket
    # systems, vacation programs) to stop loops - a person's client never sets it.
    value = _first(msg, "X-Loop")
    if value is not None:
        return RobotVerdict("automated", f"X-Loop: {value.strip() or '(empty)'}", "X-Loop")
    if _has(msg, "X-Cron-Env"):
        return RobotVerdict("automated", "cron job output (X-Cron-Env)", "X-Cron-Env")
    value = _first(msg, "X-Autogenerated")
    if value is not None and _token(value) not in _FALSEY:
        return RobotVerdict("automated", f"X-Autogenerated: {value.strip()}", "X-Autogenerated")
    return None


def _list_if_truer(msg: Message, verdict: RobotVerdict) -> RobotVerdict:
    """List mail wins over verdicts that did not see it.

    The mail system's own address also sends list moderation notices (Microsoft 365 groups): the
    notice's wording says which it is. A newsletter may be titled "Away: spring walks" or reach us
    through an Exchange inbox rule (X-Auto-Response-Suppress with X-MS-Exchange-Inbox-Rules-Loop):
    mail sent to a list is list mail unless it says it is an automatic reply (Auto-Submitted).
    """
    if verdict.kind == "bounce_sender" and verdict.header in ("From", "Return-Path", "Sender"):
        return _list_notice(msg, robot_sender=True) or verdict
    if verdict.kind == "auto_reply" and verdict.header != "Auto-Submitted":
        return _list_stage(msg) or verdict
    return verdict


def robot_verdict(
    msg: Message,
    own_addresses: Iterable[str] = (),
    loop_marker: str = "X-Callflow-Loop",
) -> RobotVerdict | None:
    """Return why ``msg`` must not be answered automatically, or ``None`` if it may be.

    ``own_addresses`` are callflow's own addresses (compared case-insensitively);
    ``loop_marker`` is the header callflow stamps on everything it sends.
    Never raises: malformed mail yields the verdict of whatever could be read.
    """
    try:
        own = {a.strip().casefold() for a in own_addresses if isinstance(a, str) and a.strip()}
    except Exception:
        own = set()
    try:
        loop = _loop_stage(msg, own, loop_marker)
        if loop:
            return loop
    except Exception:
        pass
    for stage in (_bounce_stage, _auto_reply_stage, _list_stage, _automated_stage):
        try:
            verdict = stage(msg)
        except Exception:
            # The helpers already swallow header errors; this is the last line of
            # defence so one broken rule cannot turn into a crash or skip the rest.
            continue
        if verdict:
            try:
                return _list_if_truer(msg, verdict)
            except Exception:
                return verdict
    return None
