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
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import Message

from .list_cues import is_list_manager_mailbox, is_list_role_mailbox, list_notice_subject, list_notice_wording
from .mimeparts import (
    auto_submitted,
    decoded_subject,
    first_header,
    first_token,
    has_header,
    header_addresses,
    header_values,
    own_text,
)
from .report_evidence import delivery_evidence, jmrp_report, quoted_dsn, report_part, returned_evidence
from .robot_cues import (
    MailSystem,
    is_bounce_subject,
    is_out_of_office_subject,
    mail_system_sender,
)

__all__ = ["RobotVerdict", "is_out_of_office_subject", "robot_verdict"]


@dataclass(frozen=True)
class RobotVerdict:
    """Why a message must not be answered automatically."""

    kind: str  # "auto_reply" | "list" | "bounce_sender" | "loop" | "own_address" | "automated"
    reason: str  # short, human-readable; ends up in logs and the review queue
    header: str | None  # the header that decided, if a header did


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
# The rule stages
# --------------------------------------------------------------------------- #


def _loop_stage(msg: Message, own: set[str], loop_marker: str) -> RobotVerdict | None:
    if loop_marker and has_header(msg, loop_marker):
        return RobotVerdict("loop", f"our own loop marker {loop_marker} is present", loop_marker)
    if own:
        for _name, addr in header_addresses(msg, "From"):
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
            for name, addr in header_addresses(msg, header)
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
    part = report_part(msg)
    if part:
        return RobotVerdict("bounce_sender", f"contains a {part}", "Content-Type")

    # Exim adds this header to its bounces only.
    if has_header(msg, "X-Failed-Recipients"):
        return RobotVerdict(
            "bounce_sender", "X-Failed-Recipients present (Exim bounce)", "X-Failed-Recipients"
        )

    role = next(((h, n, a) for h, n, a in _senders(msg) if mail_system_sender(_local_part(a), n) is MailSystem.ROLE), None)
    if role is not None:
        evidence = delivery_evidence(msg)  # about the mail, whichever sender header names the role
        if evidence:
            header, name, addr = role
            who = addr or name.strip()
            return RobotVerdict("bounce_sender", f"{header} is the mail system ({who}) and {evidence}", header)

    # Whoever sent it: a delivery-failure subject plus a returned message, bounce
    # wording or report fields.  Also catches a person forwarding a bounce.
    if is_bounce_subject(decoded_subject(msg)):
        evidence = returned_evidence(msg)
        if evidence:
            return RobotVerdict("bounce_sender", f"bounce-like subject and {evidence}", "Subject")

    if jmrp_report(msg):
        return RobotVerdict(
            "bounce_sender", "Microsoft JMRP complaint report (X-HmXmrOriginalRecipient)", "Content-Type"
        )
    if quoted_dsn(msg):
        return RobotVerdict(
            "bounce_sender", "body carries delivery status fields (Final-Recipient/Status): a bounce", None
        )

    # RFC 5321 4.5.5: bounces use the null reverse path; the delivering MTA records
    # it as "Return-Path: <>".  This is checked last because RFC 3834 3.3 asks
    # auto-responders to use it too (Sieve vacation in Dovecot/Pigeonhole does):
    # with no bounce evidence above, a null-path message that is plainly a vacation
    # reply is left to the auto-reply stage so it gets the right kind.
    if (
        any(_NULL_PATH.match(value) for value in header_values(msg, "Return-Path"))
        and _auto_reply_stage(msg) is None
    ):
        return RobotVerdict("bounce_sender", "null return path (Return-Path: <>)", "Return-Path")
    return None


def _precedence(msg: Message) -> tuple[str, str] | None:
    for header in ("Precedence", "X-Precedence"):
        for value in header_values(msg, header):
            keyword = first_token(value)
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
    auto = auto_submitted(msg)
    if auto and auto[0] == "auto-replied":
        return RobotVerdict("auto_reply", f"Auto-Submitted: {auto[1]}", "Auto-Submitted")

    prec = _precedence(msg)
    if prec and prec[1] in ("auto_reply", "auto-reply"):
        return RobotVerdict("auto_reply", f"{prec[0]}: {prec[1]}", prec[0])

    for header in _AUTOREPLY_HEADERS:
        if not has_header(msg, header):
            continue
        value = (first_header(msg, header) or "").strip()
        if first_token(value) in _FALSEY:
            continue
        return RobotVerdict("auto_reply", f"{header}: {value or '(empty)'}", header)

    # Mailtraq and FirstClass autoresponders, qmail's autoresponder delivery.
    value = first_header(msg, "X-POST-MessageClass") or ""
    if "autoresponder" in value.casefold():
        return RobotVerdict("auto_reply", f"X-POST-MessageClass: {value.strip()}", "X-POST-MessageClass")
    value = first_header(msg, "X-FC-MachineGenerated") or ""
    if first_token(value) == "true":
        return RobotVerdict("auto_reply", "X-FC-MachineGenerated: true (FirstClass)", "X-FC-MachineGenerated")
    for value in header_values(msg, "Delivered-To"):
        if value.strip().casefold() == "autoresponder":
            return RobotVerdict("auto_reply", "Delivered-To: Autoresponder (qmail)", "Delivered-To")
    value = first_header(msg, "X-Autogenerated") or ""
    if first_token(value) == "reply":
        return RobotVerdict("auto_reply", "X-Autogenerated: Reply", "X-Autogenerated")

    # Exchange out-of-office / rule replies: see the module docstring for why
    # X-Auto-Response-Suppress only counts in this combination.
    suppress = first_header(msg, "X-Auto-Response-Suppress") or ""
    if first_token(suppress) == "all" and has_header(msg, "X-MS-Exchange-Inbox-Rules-Loop"):
        return RobotVerdict(
            "auto_reply",
            "X-Auto-Response-Suppress: All with X-MS-Exchange-Inbox-Rules-Loop (Exchange rule/OOF reply)",
            "X-Auto-Response-Suppress",
        )

    lang = is_out_of_office_subject(decoded_subject(msg))
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
        if has_header(msg, header):
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
    lang = list_notice_subject(decoded_subject(msg))
    if lang:
        return RobotVerdict("list", f"subject of a mailing-list manager's notice ({lang})", "Subject")
    if not (robot_sender or _robot_signs(msg)):
        return None
    if list_notice_wording(decoded_subject(msg)) or list_notice_wording(own_text(msg)):
        return RobotVerdict("list", "a mailing-list manager's notice from a robot's address", None)
    return None


def _robot_signs(msg: Message) -> bool:
    """Signs, each too weak to decide alone, that a machine sent the mail: a list's administrative
    address, the mail system's, a no-reply address, Auto-Submitted, Precedence, X-Loop."""
    for _header, name, addr in _senders(msg):
        local = _local_part(addr)
        if is_list_role_mailbox(local) or _NOREPLY.match(local) or mail_system_sender(local, name):
            return True
    return bool(auto_submitted(msg) or _precedence(msg) or has_header(msg, "X-Loop"))


def _automated_stage(msg: Message) -> RobotVerdict | None:
    auto = auto_submitted(msg)
    if auto:
        return RobotVerdict("automated", f"Auto-Submitted: {auto[1]}", "Auto-Submitted")

    prec = _precedence(msg)
    if prec:  # bulk / junk; list and auto_reply were taken by earlier stages
        return RobotVerdict("automated", f"{prec[0]}: {prec[1]}", prec[0])

    source = first_header(msg, "X-MS-Exchange-Generated-Message-Source")
    if source is not None:
        return RobotVerdict(
            "automated",
            f"generated by Exchange ({source.strip() or 'unknown agent'})",
            "X-MS-Exchange-Generated-Message-Source",
        )

    for header, _name, addr in _senders(msg):
        if _NOREPLY.match(_local_part(addr)):
            return RobotVerdict("automated", f"{header} is a no-reply address ({addr})", header)

    # X-Loop is added by automatic processors only (procmail/SmartList, ticket
    # systems, vacation programs) to stop loops - a person's client never sets it.
    value = first_header(msg, "X-Loop")
    if value is not None:
        return RobotVerdict("automated", f"X-Loop: {value.strip() or '(empty)'}", "X-Loop")
    if has_header(msg, "X-Cron-Env"):
        return RobotVerdict("automated", "cron job output (X-Cron-Env)", "X-Cron-Env")
    value = first_header(msg, "X-Autogenerated")
    if value is not None and first_token(value) not in _FALSEY:
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
