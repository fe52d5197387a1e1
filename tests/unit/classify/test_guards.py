"""Tests for the robot guard (workflow.classify.guards).

Three layers:

* a table of inline, realistic messages (robots and the human look-alikes that
  must not trip), each checked under both ``policy.default`` and ``compat32``;
* the out-of-office subject matcher on its own, per language and with traps;
* the shared sample corpus beside the repository: every bounce/report must get a
  verdict, every human ``.eml`` none, and nothing may crash.
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage, Message
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.paths import CORPUS, corpus_files_with_headers
from workflow.classify.guards import RobotVerdict, is_out_of_office_subject, robot_verdict

OWN = ("CFP@callflow.example.org", "noreply-not-us@callflow.example.org")
POLICIES = {"default": email.policy.default, "compat32": email.policy.compat32}

# The corpus lives beside the repository (…/work/shared/corpus); never copied in.


def normalise_newlines(raw: bytes) -> bytes:
    """CRLF and bare CR (old Mac mailboxes) to LF, so the parser sees real lines.

    Production does this in the parse module; the corpus has all three endings.
    """
    return raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def parse(raw: bytes, policy: str = "default") -> Message:
    return email.message_from_bytes(normalise_newlines(raw), policy=POLICIES[policy])


# A plain person writing to the contact address; cases below add or swap headers.
HUMAN_TAIL = b"""To: Call for Participants <cfp@callflow.example.org>
Date: Tue, 14 May 2024 09:12:44 +0200
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Hello, I would like to take part in the study.
"""


def human(*headers: bytes, subject: bytes = b"Participation in the study") -> bytes:
    head = b"From: Jana Novak <jana.novak@uni.example.cz>\nSubject: " + subject + b"\n"
    head += b"Message-ID: <a1b2c3@uni.example.cz>\n"
    return head + b"".join(h + b"\n" for h in headers) + HUMAN_TAIL


DSN_BOUNCE = b"""Return-Path: <>
Received: from mx1.example.net by mx.callflow.example.org; Tue, 14 May 2024 09:13:01 +0200
From: Mail Delivery System <MAILER-DAEMON@mx1.example.net>
To: cfp@callflow.example.org
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

This is the mail system at host mx1.example.net.
--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx1.example.net

Final-Recipient: rfc822; gone@example.net
Action: failed
Status: 5.1.1
--b1--
"""

# Dovecot/Pigeonhole Sieve vacation (RFC 5230): sent with the null reverse path.
SIEVE_VACATION = b"""Return-Path: <>
Delivered-To: cfp@callflow.example.org
From: Jana Novak <jana.novak@uni.example.cz>
To: <cfp@callflow.example.org>
Subject: Auto: Call for participants
In-Reply-To: <cf-123@callflow.example.org>
Auto-Submitted: auto-replied (vacation)
Precedence: bulk
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

I am on leave until 1 June.
"""

READ_RECEIPT = b"""From: Jana Novak <jana.novak@uni.example.cz>
To: cfp@callflow.example.org
Subject: Read: Your application
Date: Tue, 14 May 2024 10:00:00 +0200
MIME-Version: 1.0
Content-Type: multipart/report; report-type=disposition-notification; boundary="r1"

--r1
Content-Type: text/plain

Your message was displayed.
--r1
Content-Type: message/disposition-notification

Final-Recipient: rfc822; jana.novak@uni.example.cz
Disposition: manual-action/MDN-sent-manually; displayed
--r1--
"""

ARF_REPORT = b"""From: Abuse Desk <fbl@isp.example>
To: cfp@callflow.example.org
Subject: FW: Study invitation
Date: Tue, 14 May 2024 10:00:00 +0200
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="a1"

--a1
Content-Type: text/plain

This is an email abuse report.
--a1
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: SomeGenerator/1.0
Version: 1
--a1--
"""

# Exchange Online out-of-office reply, headers as Exchange writes them.
EXCHANGE_OOF = b"""From: Pieter de Vries <p.devries@firma.example.nl>
To: cfp@callflow.example.org
Subject: Automatic reply: Your application to the study
Thread-Topic: Your application to the study
Thread-Index: AQHTVoX48qQf/rL9R02Db7+QqglAPw==
Date: Tue, 14 May 2024 09:12:50 +0000
Message-ID: <b5d66930e762@AM0PR01MB.eurprd01.prod.outlook.com>
In-Reply-To: <cf-123@callflow.example.org>
X-MS-Has-Attach:
X-Auto-Response-Suppress: All
X-MS-Exchange-Inbox-Rules-Loop: p.devries@firma.example.nl
X-MS-TNEF-Correlator:
auto-submitted: auto-generated
x-ms-exchange-generated-message-source: Mailbox Rules Agent
Content-Type: text/plain; charset="us-ascii"
MIME-Version: 1.0

I am out of the office until 20 May.
"""

# Older Exchange rule reply: no Auto-Submitted, free-form subject.
EXCHANGE_RULE_REPLY_OLD = b"""From: Pieter de Vries <p.devries@firma.example.nl>
To: cfp@callflow.example.org
Subject: Thanks for your message
Thread-Index: AQHTVoX48qQf/rL9R02Db7+QqglAPw==
Date: Tue, 14 May 2024 09:12:50 +0000
X-MS-Has-Attach:
X-Auto-Response-Suppress: All
X-MS-Exchange-Inbox-Rules-Loop: p.devries@firma.example.nl
X-MS-TNEF-Correlator:
Content-Type: text/plain; charset="us-ascii"
MIME-Version: 1.0

We have received your message.
"""

# Gmail's vacation responder: all three of its headers, user-chosen subject.
GMAIL_VACATION = b"""From: Ana Silva <ana.silva@gmail.example>
To: cfp@callflow.example.org
Subject: Away at a conference
Date: Tue, 14 May 2024 09:12:50 -0700
Message-ID: <CAF=vacation@mail.gmail.example>
In-Reply-To: <cf-123@callflow.example.org>
Auto-Submitted: auto-replied
Precedence: bulk
X-Autoreply: yes
Content-Type: text/plain; charset="UTF-8"

Back on Monday.
"""

FORWARDED_BOUNCE = b"""From: "Shironeko, Nyanko" <shironeko@example.jp>
To: cfp@callflow.example.org
Subject: Fwd: Returned mail: see transcript for details
Date: Wed, 6 May 2009 00:00:00 +0900
Content-Type: text/plain; charset=us-ascii

Begin forwarded message:

> From: Mail Delivery Subsystem <MAILER-DAEMON>
> Subject: Returned mail: see transcript for details
>
> Final-Recipient: RFC822; kijitora@example.com
> Action: failed
> Status: 5.1.1
"""

HUMAN_FORWARD_AS_ATTACHMENT = b"""From: Jana Novak <jana.novak@uni.example.cz>
To: cfp@callflow.example.org
Subject: Fwd: my application
Date: Tue, 14 May 2024 10:00:00 +0200
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="f1"

--f1
Content-Type: text/plain

See the attached mail, I sent it last week.
--f1
Content-Type: message/rfc822

From: Jana Novak <jana.novak@uni.example.cz>
To: cfp@callflow.example.org
Subject: my application

Hello!
--f1--
"""

HUMAN_REPLY_QUOTING_OUTLOOK = b"""From: Jana Novak <jana.novak@uni.example.cz>
To: cfp@callflow.example.org
Subject: Re: Undeliverable message?
In-Reply-To: <cf-9@callflow.example.org>
Date: Tue, 14 May 2024 10:00:00 +0200
Content-Type: text/plain; charset=UTF-8

Sorry, my first message bounced, here it is again.

From: Call for Participants <cfp@callflow.example.org>
Sent: Monday, 13 May 2024 17:02
To: Jana Novak <jana.novak@uni.example.cz>
Subject: Undeliverable message?
"""

THUNDERBIRD_REPLY = b"""Message-ID: <5e3f1c2a-77aa-4c1e-9a1f-0d5b2f7e9a10@uni.example.cz>
Date: Tue, 14 May 2024 09:12:44 +0200
MIME-Version: 1.0
User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Thunderbird/115.10.1
Subject: Re: Call for participants: memory study
To: Call for Participants <cfp@callflow.example.org>
References: <cf-123@callflow.example.org>
In-Reply-To: <cf-123@callflow.example.org>
From: Jana Novak <jana.novak@uni.example.cz>
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

Yes, Thursday works for me.
"""

OUTLOOK_HUMAN = b"""From: "Miller, Tom" <tom.miller@corp.example.com>
To: Call for Participants <cfp@callflow.example.org>
Subject: RE: Call for participants: memory study
Thread-Topic: Call for participants: memory study
Thread-Index: AdqlxA9wR2m3g6bTQ0mJ2yUuKq0Z3w==
Date: Tue, 14 May 2024 07:12:44 +0000
Message-ID: <DM6PR11MB4321ABCD@DM6PR11MB4321.namprd11.prod.outlook.com>
References: <cf-123@callflow.example.org>
In-Reply-To: <cf-123@callflow.example.org>
Accept-Language: en-US
Content-Language: en-US
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
X-Mailer: Microsoft Outlook 16.0
X-Auto-Response-Suppress: All
MIME-Version: 1.0
Content-Type: text/plain; charset="us-ascii"

Count me in.
"""

GMAIL_HUMAN = b"""MIME-Version: 1.0
References: <cf-123@callflow.example.org>
In-Reply-To: <cf-123@callflow.example.org>
From: Ana Silva <ana.silva@gmail.example>
Date: Tue, 14 May 2024 09:12:44 -0700
Message-ID: <CAJ+abc123@mail.gmail.example>
Subject: Re: Call for participants
To: cfp@callflow.example.org
X-Gm-Message-State: AOJu0YwAbCdEf
Content-Type: multipart/alternative; boundary="000000000000abcdef"

--000000000000abcdef
Content-Type: text/plain; charset="UTF-8"

Sounds good!
--000000000000abcdef
Content-Type: text/html; charset="UTF-8"

<div>Sounds good!</div>
--000000000000abcdef--
"""

# (id, raw message, expected kind or None, expected deciding header or ...=don't care)
CASES: list[tuple[str, bytes, str | None, str | None | type[Ellipsis]]] = [
    # --- RFC 3834 Auto-Submitted -------------------------------------------------
    ("auto-submitted auto-replied", human(b"Auto-Submitted: auto-replied"), "auto_reply", "Auto-Submitted"),
    (
        "auto-submitted mixed case with parameter",
        human(b'Auto-Submitted: Auto-Replied; owner-email="jana.novak@uni.example.cz"'),
        "auto_reply",
        "Auto-Submitted",
    ),
    (
        "zimbra vacation with comment",
        human(b"Auto-Submitted: auto-replied (zimbra; vacation)", b"Precedence: bulk"),
        "auto_reply",
        "Auto-Submitted",
    ),
    (
        "auto-submitted auto-generated",
        human(b"Auto-Submitted: auto-generated"),
        "automated",
        "Auto-Submitted",
    ),
    ("auto-submitted auto-notified", human(b"Auto-Submitted: auto-notified"), "automated", "Auto-Submitted"),
    ("gmail vacation responder", GMAIL_VACATION, "auto_reply", "Auto-Submitted"),
    # --- Precedence -----------------------------------------------------------------
    ("precedence bulk", human(b"Precedence: bulk"), "automated", "Precedence"),
    ("precedence junk (BSD vacation)", human(b"Precedence: junk"), "automated", "Precedence"),
    ("precedence list", human(b"Precedence: list"), "list", "Precedence"),
    ("precedence auto_reply", human(b"Precedence: auto_reply"), "auto_reply", "Precedence"),
    ("x-precedence bulk", human(b"X-Precedence: bulk"), "automated", "X-Precedence"),
    # --- Mailing lists --------------------------------------------------------------------
    ("list-id", human(b"List-Id: Memory research <memory.lists.example.org>"), "list", "List-Id"),
    (
        "list-unsubscribe only (newsletter)",
        human(b"List-Unsubscribe: <mailto:unsub@news.example.com>, <https://news.example.com/u/1>"),
        "list",
        "List-Unsubscribe",
    ),
    ("list-post", human(b"List-Post: <mailto:memory@lists.example.org>"), "list", "List-Post"),
    ("mailman sender", human(b"Sender: memory-bounces@lists.example.org"), "list", "Sender"),
    # --- Bounces and reports ---------------------------------------------------------------
    ("null return path", human(b"Return-Path: <>"), "bounce_sender", "Return-Path"),
    ("dsn multipart/report", DSN_BOUNCE, "bounce_sender", "From"),
    ("sieve vacation with null return path", SIEVE_VACATION, "auto_reply", "Auto-Submitted"),
    (
        "mailer-daemon from, no return path",
        b"From: MAILER-DAEMON@mx.example.net\nTo: cfp@callflow.example.org\nSubject: failure notice\n\n"
        b"Hi. This is the qmail-send program at mx.example.net.\n",
        "bounce_sender",
        "From",
    ),
    (
        "mailer-daemon display name with empty address",
        b"From: MAILER-DAEMON <>\nTo: cfp@callflow.example.org\nSubject: Mail delivery failed\n\nError.\n",
        "bounce_sender",
        "From",
    ),
    (
        "return-path mailer-daemon unbracketed",
        human(b"Return-Path: MAILER-DAEMON"),
        "bounce_sender",
        "Return-Path",
    ),
    (
        "postmaster with bounce subject",
        b"From: Postmaster <postmaster@mail.example.org>\nTo: cfp@callflow.example.org\n"
        b"Subject: Undeliverable Mail\n\nUnknown user: someone@example.org\n",
        "bounce_sender",
        "From",
    ),
    (
        "exchange online system mailbox",
        human(
            b"Sender: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@corp.example.com>"
        ),
        "bounce_sender",
        "Sender",
    ),
    ("read receipt (MDN)", READ_RECEIPT, "bounce_sender", "Content-Type"),
    ("ARF abuse report part", ARF_REPORT, "bounce_sender", "Content-Type"),
    ("exim x-failed-recipients", human(b"X-Failed-Recipients: gone@example.net"), "bounce_sender", ...),
    ("human forwarding a bounce", FORWARDED_BOUNCE, "bounce_sender", ...),
    # --- Vendor auto-responders ------------------------------------------------------------
    ("exchange OOF", EXCHANGE_OOF, "auto_reply", "X-Auto-Response-Suppress"),
    ("old exchange rule reply", EXCHANGE_RULE_REPLY_OLD, "auto_reply", "X-Auto-Response-Suppress"),
    (
        "exchange transport rule notification",
        human(b"X-MS-Exchange-Generated-Message-Source: Transport Rule Agent"),
        "automated",
        "X-MS-Exchange-Generated-Message-Source",
    ),
    ("x-autoreply", human(b"X-Autoreply: yes"), "auto_reply", "X-Autoreply"),
    ("x-autorespond", human(b"X-Autorespond: Vacation"), "auto_reply", "X-Autorespond"),
    (
        "x-autoreply-from",
        human(b"X-AutoReply-From: jana.novak@uni.example.cz"),
        "auto_reply",
        "X-Autoreply-From",
    ),
    ("x-mail-autoreply", human(b"X-Mail-Autoreply: yes"), "auto_reply", "X-Mail-Autoreply"),
    ("x-vacation", human(b"X-Vacation: yes"), "auto_reply", "X-Vacation"),
    ("mailtraq", human(b"X-POST-MessageClass: 9; Autoresponder"), "auto_reply", "X-POST-MessageClass"),
    ("firstclass", human(b"X-FC-MachineGenerated: true"), "auto_reply", "X-FC-MachineGenerated"),
    ("qmail autoresponder", human(b"Delivered-To: Autoresponder"), "auto_reply", "Delivered-To"),
    ("x-loop", human(b"X-Loop: helpdesk@uni.example.cz"), "automated", "X-Loop"),
    (
        "encoded german OOF subject",
        human(subject=b"=?iso-8859-1?q?Abwesenheitsnotiz=3A_Ihre_Anfrage_zur_Studie?="),
        "auto_reply",
        "Subject",
    ),
    (
        "encoded french OOF subject",
        human(subject=b"=?utf-8?q?R=C3=A9ponse_automatique_=3A_Appel_=C3=A0_participants?="),
        "auto_reply",
        "Subject",
    ),
    (
        "raw 8-bit utf-8 subject (no RFC 2047)",
        human(subject="Réponse automatique : Étude".encode()),
        "auto_reply",
        "Subject",
    ),
    (
        "raw 8-bit latin-1 subject",
        human(subject="Réponse automatique : Étude".encode("latin-1")),
        "auto_reply",
        "Subject",
    ),
    ("lotus notes OOF subject", human(subject=b"Jana Novak is out of the office."), "auto_reply", "Subject"),
    # --- No-reply senders -----------------------------------------------------------------------
    (
        "from noreply",
        human(b"Reply-To: x@y.example").replace(b"jana.novak@", b"noreply@"),
        "automated",
        "From",
    ),
    ("sender do-not-reply", human(b"Sender: do-not-reply@forms.example.com"), "automated", "Sender"),
    (
        "return-path no-reply with tag",
        human(b"Return-Path: <no-reply+abc123@notify.example.com>"),
        "automated",
        "Return-Path",
    ),
    ("donotreply", human().replace(b"jana.novak@", b"DoNotReply@"), "automated", "From"),
    # --- Loops and our own mail -----------------------------------------------------------------
    ("our loop marker", human(b"X-Callflow-Loop: 1"), "loop", "X-Callflow-Loop"),
    (
        "from our own address, case-insensitive",
        human().replace(b"Jana Novak <jana.novak@uni.example.cz>", b"Callflow <cfp@CALLFLOW.example.org>"),
        "own_address",
        "From",
    ),
    # --- Order of the rules ---------------------------------------------------------------------
    (
        "own address beats bounce",
        human(b"Return-Path: <>").replace(b"jana.novak@uni.example.cz", b"cfp@callflow.example.org"),
        "own_address",
        "From",
    ),
    (
        "bounce beats auto-reply (exim)",
        b"From: Mail Delivery System <Mailer-Daemon@mx.example.org>\nTo: cfp@callflow.example.org\n"
        b"Subject: Mail delivery failed: returning message to sender\nAuto-Submitted: auto-replied\n\n"
        b"This message was created automatically by mail delivery software.\n",
        "bounce_sender",
        "From",
    ),
    (
        "auto-reply beats list",
        human(b"List-Id: <memory.lists.example.org>", b"Auto-Submitted: auto-replied"),
        "auto_reply",
        "Auto-Submitted",
    ),
    (
        "list beats automated",
        human(b"List-Id: <memory.lists.example.org>", b"Precedence: bulk"),
        "list",
        "List-Id",
    ),
    # --- People who must get an answer ----------------------------------------------------------
    ("thunderbird reply", THUNDERBIRD_REPLY, None, None),
    ("outlook human with X-Auto-Response-Suppress", OUTLOOK_HUMAN, None, None),
    ("gmail human", GMAIL_HUMAN, None, None),
    ("auto-submitted: no", human(b"Auto-Submitted: no"), None, None),
    ("precedence first-class", human(b"Precedence: first-class"), None, None),
    ("re: out of office hours", human(subject=b"Re: Out of office hours question?"), None, None),
    ("out of office hours (no Re:)", human(subject=b"Out of office hours question"), None, None),
    ("absence policy", human(subject=b"Absence policy"), None, None),
    ("absence of data", human(subject=b"Absence of data in survey"), None, None),
    ("complaint about missing auto reply", human(subject=b"Automatic reply not received"), None, None),
    ("german car", human(subject=b"Auto: Parkplatz am Institut?"), None, None),
    ("reply to an OOF", human(subject=b"AW: Abwesenheitsnotiz"), None, None),
    (
        "rule-redirected mail keeps its sender",
        human(b"X-MS-Exchange-Inbox-Rules-Loop: assistant@uni.example.cz"),
        None,
        None,
    ),
    (
        "human postmaster asking a question",
        human().replace(b"jana.novak@", b"postmaster@"),
        None,
        None,
    ),
    ("forward as attachment", HUMAN_FORWARD_AS_ATTACHMENT, None, None),
    ("re: undeliverable with quoted outlook header", HUMAN_REPLY_QUOTING_OUTLOOK, None, None),
    ("amazon workmail feedback-id", human(b"Feedback-ID: 1.eu-west-1.abc=:AmazonSES"), None, None),
    ("noreply only in display name", human().replace(b"Jana Novak <", b"Noreply Fan <"), None, None),
    ("X-Auto-Response-Suppress alone", human(b"X-Auto-Response-Suppress: OOF, AutoReply"), None, None),
    ("x-autoreply: no", human(b"X-Autoreply: no"), None, None),
]


@pytest.mark.parametrize("policy", sorted(POLICIES))
@pytest.mark.parametrize(("raw", "kind", "header"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_verdict_table(raw: bytes, kind: str | None, header: object, policy: str) -> None:
    verdict = robot_verdict(parse(raw, policy), own_addresses=OWN)
    if kind is None:
        assert verdict is None, verdict
        return
    assert verdict is not None
    assert verdict.kind == kind, verdict
    if header is not ...:
        assert verdict.header == header, verdict
    assert verdict.reason


def test_table_is_big_enough() -> None:
    assert len(CASES) >= 35
    assert sum(1 for c in CASES if c[2] is None) >= 10


def test_verdict_is_frozen_dataclass() -> None:
    verdict = robot_verdict(parse(human(b"Auto-Submitted: auto-replied")))
    assert verdict == RobotVerdict("auto_reply", "Auto-Submitted: auto-replied", "Auto-Submitted")
    with pytest.raises(AttributeError):
        verdict.kind = "list"  # type: ignore[misc]


def test_custom_loop_marker() -> None:
    msg = parse(human(b"X-Other-Loop: yes"))
    assert robot_verdict(msg) is None
    verdict = robot_verdict(msg, loop_marker="X-Other-Loop")
    assert verdict is not None and verdict.kind == "loop"


def test_own_addresses_any_iterable() -> None:
    msg = parse(human())
    assert robot_verdict(msg, own_addresses=iter(["Jana.Novak@UNI.example.cz"])) == RobotVerdict(
        "own_address", "sent from our own address jana.novak@uni.example.cz", "From"
    )


def test_built_email_message() -> None:
    msg = EmailMessage()
    msg["From"] = "Pieter <p@example.nl>"
    msg["Subject"] = "Automatisch antwoord: Uw aanmelding"
    msg.set_content("Ik ben afwezig.")
    assert robot_verdict(msg) == RobotVerdict(
        "auto_reply", "subject looks like an out-of-office reply (nl)", "Subject"
    )


# --------------------------------------------------------------------------- #
# Subjects
# --------------------------------------------------------------------------- #

OOF_SUBJECTS = [
    ("Automatic reply: Call for participants", "en"),
    ("Out of Office: Re: Memory study", "en"),
    ("Out of Office AutoReply: Memory study", "en"),
    ("Out of the office until 12 May", "en"),
    ("AutoReply: Memory study", "en"),
    ("Auto-Reply: Memory study", "en"),
    ("[Auto-Reply] Memory study", "en"),
    ("[EXTERNAL] Automatic reply: Memory study", "en"),
    ("OOO: back Monday", "en"),
    ("Absence: 3 - 7 June", "en"),
    ("Jane Doe is out of the office.", "en"),
    ("Abwesenheitsnotiz: Ihre Anfrage", "de"),
    ("Automatische Antwort: Studie", "de"),
    ("Abwesend - 1. bis 5. Mai", "de"),
    ("Max Mustermann ist außer Haus.", "de"),
    ("Réponse automatique : Étude", "fr"),
    ("Re\u0301ponse automatique: decomposed accent", "fr"),
    ("Absent du bureau", "fr"),
    ("Automatisch antwoord: Onderzoek", "nl"),
    ("Afwezig", "nl"),
    ("Respuesta automática: Estudio", "es"),
    ("Fuera de la oficina", "es"),
    ("Risposta automatica: Studio", "it"),
    ("Fuori sede", "it"),
    ("Assente", "it"),
    ("Resposta automática: Estudo", "pt"),
    ("Fora do escritório", "pt"),
    ("Frånvaro", "sv"),
    ("Autosvar: Studie", "sv"),
    ("Automatiskt svar: Studie", "sv"),
    ("Automatisk svar: Undersøgelse", "da"),
    ("Fravær", "no"),
    ("Nieobecność", "pl"),
    ("Odpowiedź automatyczna: Badanie", "pl"),
    ("Automaattinen vastaus: Tutkimus", "fi"),
    ("Автоматический ответ: Исследование", "ru"),
    ("自動応答: 調査", "ja"),
    ("自动答复: 调查", "zh"),
]

HUMAN_SUBJECTS = [
    "",
    "Re: Out of office hours question?",
    "Out of office hours question",
    "Absence policy",
    "Absence of data in survey",
    "Absent-minded participants?",
    "Automatic reply not received",
    "Auto-Reply-Funktion defekt?",
    "Auto: Parkplatz am Institut?",
    "AW: Abwesenheitsnotiz",
    "Re: Automatic reply: Memory study",
    "Ooo, great news",
    "Away day planning",
    "Assenteismo e studio",
    "Question about the autoresponder settings of my account",
    "Call for participants: memory study",
]


@pytest.mark.parametrize(("subject", "lang"), OOF_SUBJECTS)
def test_out_of_office_subjects(subject: str, lang: str) -> None:
    assert is_out_of_office_subject(subject) == lang


@pytest.mark.parametrize("subject", HUMAN_SUBJECTS)
def test_human_subjects(subject: str) -> None:
    assert is_out_of_office_subject(subject) is None


# --------------------------------------------------------------------------- #
# Robustness: never raise
# --------------------------------------------------------------------------- #

BROKEN = b"""From: =?utf-8?q?broken <<<@@>>> "unterminated
Sender: \xff\xfe\x00 weird
Return-Path: <<<>
Subject: =?x-unknown-charset?b?!!!notbase64?= \xe4\xf6\xfc Abwesenheitsnotiz
Auto-Submitted: \xff
Content-Type: multipart/report; boundary=
Precedence:

body \xff
"""


@pytest.mark.parametrize("policy", sorted(POLICIES))
def test_broken_headers_do_not_raise(policy: str) -> None:
    verdict = robot_verdict(parse(BROKEN, policy), own_addresses=OWN)
    # Whatever it decides, the multipart/report content type alone makes it a bounce.
    assert verdict is not None and verdict.kind == "bounce_sender"


class ExplodingMessage(Message):
    """A message whose header access always fails (a worst-case parser state)."""

    def get_all(self, name, failobj=None):  # type: ignore[no-untyped-def, override]
        raise ValueError("boom")

    def get(self, name, failobj=None):  # type: ignore[no-untyped-def, override]
        raise ValueError("boom")

    def get_content_type(self) -> str:
        raise ValueError("boom")


def test_header_access_exceptions_mean_absent() -> None:
    assert robot_verdict(ExplodingMessage(), own_addresses=OWN) is None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            [
                b"From: ",
                b"Subject: ",
                b"Return-Path: ",
                b"Auto-Submitted: ",
                b"Content-Type: multipart/report; boundary=x\n",
                b"List-Id: ",
                b"=?utf-8?q?",
                b"?=",
                b"<>",
                b"\r",
                b"\n",
                b"\n\n",
                b"\xff\xfe",
                b"MAILER-DAEMON",
                b"@",
                b"--x\n",
                b"Content-Type: message/rfc822\n\n",
            ]
        )
        | st.binary(max_size=20),
        max_size=40,
    ),
    st.sampled_from(sorted(POLICIES)),
)
def test_fuzzed_mail_never_raises(chunks: list[bytes], policy: str) -> None:
    msg = email.message_from_bytes(b"".join(chunks), policy=POLICIES[policy])
    result = robot_verdict(msg, own_addresses=OWN)
    assert result is None or isinstance(result, RobotVerdict)


# --------------------------------------------------------------------------- #
# The shared sample corpus
# --------------------------------------------------------------------------- #


LABELLED = corpus_files_with_headers()


def test_the_sample_corpus_is_present() -> None:
    # The corpus lives beside the repository (../shared/corpus) on every machine and in CI;
    # without it the corpus tests below would silently have no cases.
    assert LABELLED, f"sample corpus not found at {CORPUS}"


@pytest.mark.parametrize("policy", sorted(POLICIES))
@pytest.mark.parametrize(
    "relpath", [p for p, cat in LABELLED if cat in ("bounce", "report")], ids=lambda p: Path(p).name[:70]
)
def test_corpus_bounces_and_reports_are_robots(relpath: str, policy: str) -> None:
    verdict = robot_verdict(parse((CORPUS / relpath).read_bytes(), policy), own_addresses=OWN)
    assert verdict is not None, f"{relpath} was not recognised as automatic mail"


@pytest.mark.parametrize("policy", sorted(POLICIES))
@pytest.mark.parametrize(
    "relpath",
    [p for p, cat in LABELLED if cat == "human" and p.endswith(".eml")],
    ids=lambda p: Path(p).name[:70],
)
def test_corpus_humans_pass(relpath: str, policy: str) -> None:
    verdict = robot_verdict(parse((CORPUS / relpath).read_bytes(), policy), own_addresses=OWN)
    assert verdict is None, f"{relpath}: {verdict}"


@pytest.mark.parametrize("policy", sorted(POLICIES))
@pytest.mark.parametrize("relpath", [p for p, _cat in LABELLED], ids=lambda p: Path(p).name[:70])
def test_corpus_never_raises(relpath: str, policy: str) -> None:
    # Also unnormalised bytes: the guard must survive a parser that saw bare CRs.
    for raw in ((CORPUS / relpath).read_bytes(), normalise_newlines((CORPUS / relpath).read_bytes())):
        msg = email.message_from_bytes(raw, policy=POLICIES[policy])
        result = robot_verdict(msg, own_addresses=OWN)
        assert result is None or isinstance(result, RobotVerdict)
