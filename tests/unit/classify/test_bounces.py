"""Tests for bounce detection (workflow.classify.bounces).

* Inline, realistic reports: RFC 3464 DSNs (Postfix permanent, Exim delayed, mixed recipients,
  broken ones), formats only flufl.bounce or the heuristic know, and mail that must not count as a
  bounce (people, ARF abuse reports, read receipts, success DSNs).
* Robustness: never raises, and a crashing detector only means "found nothing".
* The shared sample corpus beside the repository: the share of bounces with recipients found,
  humans and ARF reports all None, and the cheap short-circuit losing no bounce.
"""

from __future__ import annotations

import base64
import email
import email.policy
import logging
from email.message import Message
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.paths import CORPUS, corpus_files_with_headers
from workflow.classify import bounce_view, bounces
from workflow.classify.bounces import BounceReport, detect_bounce

POLICIES = {"default": email.policy.default, "compat32": email.policy.compat32}


def normalise_newlines(raw: bytes) -> bytes:
    """CRLF and bare CR (old Mac mailboxes) to LF, as the parse module does in production."""
    return raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def parse(raw: bytes, policy: str = "default") -> Message:
    return email.message_from_bytes(normalise_newlines(raw), policy=POLICIES[policy])


def detect(raw: bytes, policy: str = "default") -> BounceReport | None:
    return detect_bounce(parse(raw, policy))


both_policies = pytest.mark.parametrize("policy", sorted(POLICIES))

# --------------------------------------------------------------------------- #
# Inline reports
# --------------------------------------------------------------------------- #

ORIGINAL = b"""Return-Path: <cfp@callflow.example.org>
Message-ID: <20240514091244.1234@callflow.example.org>
Date: Tue, 14 May 2024 09:12:44 +0200
From: Call for Participants <cfp@callflow.example.org>
To: Jana Novak <jana.novak@uni.example.cz>
Subject: Your participation in the study
Content-Type: text/plain; charset=UTF-8

Dear Jana, thank you for signing up.
"""

POSTFIX_PERMANENT = (
    b"""Return-Path: <>
Date: Tue, 14 May 2024 09:12:46 +0200 (CEST)
From: MAILER-DAEMON@mail.callflow.example.org (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: cfp@callflow.example.org
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4F1A23C0E9.1715670766/mail.callflow.example.org"
Message-Id: <20240514071246.7C2F13C0EA@mail.callflow.example.org>

This is a MIME-encapsulated message.

--4F1A23C0E9.1715670766/mail.callflow.example.org
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.callflow.example.org.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

<jana.novak@uni.example.cz>: host mx.uni.example.cz[192.0.2.25] said: 550
    5.1.1 <jana.novak@uni.example.cz>: Recipient address rejected: User unknown
    in virtual mailbox table (in reply to RCPT TO command)

--4F1A23C0E9.1715670766/mail.callflow.example.org
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.callflow.example.org
X-Postfix-Queue-ID: 4F1A23C0E9
X-Postfix-Sender: rfc822; cfp@callflow.example.org
Arrival-Date: Tue, 14 May 2024 09:12:44 +0200 (CEST)

Final-Recipient: rfc822; Jana.Novak@uni.example.cz
Original-Recipient: rfc822;jana.novak@uni.example.cz
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.uni.example.cz
Diagnostic-Code: smtp; 550 5.1.1 <jana.novak@uni.example.cz>: Recipient address
    rejected: User unknown in virtual mailbox table

--4F1A23C0E9.1715670766/mail.callflow.example.org
Content-Description: Undelivered Message
Content-Type: message/rfc822

"""
    + ORIGINAL
    + b"""
--4F1A23C0E9.1715670766/mail.callflow.example.org--
"""
)

EXIM_DELAYED = b"""Return-path: <>
From: Mail Delivery System <Mailer-Daemon@mx1.callflow.example.org>
To: cfp@callflow.example.org
Subject: Warning: message 1s6nQW-0003Ka-2C delayed 24 hours
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary=1715757166-eximdsn-1804289383
Message-Id: <E1s6nQW-0003Kb-9X@mx1.callflow.example.org>
Date: Wed, 15 May 2024 09:12:46 +0200

--1715757166-eximdsn-1804289383
Content-type: text/plain; charset=us-ascii

This message was created automatically by mail delivery software.
A message that you sent has not yet been delivered to one or more of its
recipients after more than 24 hours on the queue on mx1.callflow.example.org.

The message identifier is:     1s6nQW-0003Ka-2C
The subject of the message is: Your participation in the study

The address to which the message has not yet been delivered is:

  piotr@busy.example.pl
    host mx.busy.example.pl [198.51.100.7]
    Delay reason: SMTP error from remote mail server after RCPT TO:<piotr@busy.example.pl>:
    451 4.4.1 Mailbox temporarily unavailable, try again later

No action is required on your part. Delivery attempts will continue for
some time, and this warning may be repeated at intervals if the message
remains undelivered. Eventually the mail delivery software will give up,
and when that happens, the message will be returned to you.

--1715757166-eximdsn-1804289383
Content-type: message/delivery-status

Reporting-MTA: dns; mx1.callflow.example.org

Action: delayed
Final-Recipient: rfc822;piotr@busy.example.pl
Status: 4.4.1
Remote-MTA: dns; mx.busy.example.pl
Will-Retry-Until: Sat, 18 May 2024 09:12:44 +0200

--1715757166-eximdsn-1804289383
Content-type: text/rfc822-headers

Return-path: <cfp@callflow.example.org>
Message-Id: <20240514091244.5678@callflow.example.org>
From: Call for Participants <cfp@callflow.example.org>
To: piotr@busy.example.pl
Subject: Your participation in the study

--1715757166-eximdsn-1804289383--
"""


def dsn(blocks: str, *, subject: str = "Delivery Status Notification", extra_parts: str = "") -> bytes:
    """A minimal multipart/report around the given per-recipient blocks."""
    return f"""Return-Path: <>
From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.net>
To: cfp@callflow.example.org
Subject: {subject}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain

Delivery report.

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.example.net

{blocks}
{extra_parts}--BOUNDARY--
""".encode()


MIXED = dsn(
    """Final-Recipient: rfc822; delayed@busy.example.org
Action: delayed
Status: 4.4.1

Final-Recipient: rfc822; gone@example.com
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 no such user

Final-Recipient: rfc822; fine@example.org
Action: delivered
Status: 2.0.0

Final-Recipient: rfc822; <Also.Gone@Example.NET>
Action: failed (bad destination mailbox address)
Status: 5.1.2
"""
)


@both_policies
def test_postfix_permanent_failure(policy: str) -> None:
    report = detect(POSTFIX_PERMANENT, policy)
    assert report == BounceReport(
        recipients=("jana.novak@uni.example.cz",),
        permanent=True,
        status="5.1.1",
        source="dsn",
        original_message_id="<20240514091244.1234@callflow.example.org>",
    )


@both_policies
def test_exim_delay_is_temporary(policy: str) -> None:
    report = detect(EXIM_DELAYED, policy)
    assert report is not None
    assert report.recipients == ("piotr@busy.example.pl",)
    assert report.permanent is False
    assert report.status == "4.4.1"
    assert report.source == "dsn"
    # The original's headers came back as text/rfc822-headers.
    assert report.original_message_id == "<20240514091244.5678@callflow.example.org>"


@both_policies
def test_mixed_recipients_report_only_the_permanent_failures(policy: str) -> None:
    report = detect(MIXED, policy)
    assert report is not None
    # Delayed and delivered recipients must not be disabled along with the failed ones.
    assert report.recipients == ("gone@example.com", "also.gone@example.net")
    assert report.permanent is True
    assert report.status == "5.1.1"


def test_delayed_and_delivered_only_is_temporary() -> None:
    report = detect(
        dsn(
            """Final-Recipient: rfc822; slow@example.org
Action: delayed
Status: 4.2.2

Final-Recipient: rfc822; fine@example.org
Action: delivered
Status: 2.0.0
"""
        )
    )
    assert report is not None
    assert (report.recipients, report.permanent, report.status) == (("slow@example.org",), False, "4.2.2")


def test_failed_with_transient_status_is_still_returned_mail() -> None:
    # Postfix gives up after the queue lifetime with "failed" but a 4.x.x status: the address may be
    # fine, but this mail was returned undelivered, so it is a bounce (a delay warning is not).
    report = detect(dsn("Final-Recipient: rfc822; greylisted@example.org\nAction: failed\nStatus: 4.4.7\n"))
    assert report is not None
    assert report.recipients == ("greylisted@example.org",)
    assert report.permanent is True


def test_success_only_dsn_is_not_a_bounce() -> None:
    # A "delivered"/"relayed" notification must not fall through to the looser detectors, whose
    # text scan would happily find the address in it.
    raw = dsn(
        "Final-Recipient: rfc822; fine@example.org\nAction: delivered\nStatus: 2.0.0\n\n"
        "Final-Recipient: rfc822; list@example.org\nAction: relayed\nStatus: 2.0.0\n",
        subject="Successful Mail Delivery Report",
    )
    assert detect(raw) is None


def test_original_and_final_recipient_both_reported() -> None:
    # Forwarded mail: we wrote to the university address, the forward target failed.
    report = detect(
        dsn(
            "Original-Recipient: rfc822;jana@uni.example.cz\n"
            "Final-Recipient: rfc822; jana.novak@old-provider.example.com\n"
            "Action: failed\nStatus: 5.2.1\n"
        )
    )
    assert report is not None
    assert report.recipients == ("jana@uni.example.cz", "jana.novak@old-provider.example.com")


def test_glued_blocks_without_blank_lines() -> None:
    # Some MTAs omit the blank line between recipients; a repeated field starts a new recipient.
    report = detect(
        dsn(
            "Final-Recipient: rfc822; one@example.org\nAction: failed\nStatus: 5.1.1\n"
            "Final-Recipient: rfc822; two@example.org\nAction: failed\nStatus: 5.2.2\n"
        )
    )
    assert report is not None
    assert report.recipients == ("one@example.org", "two@example.org")


def test_base64_encoded_delivery_status_part() -> None:
    fields = b"Reporting-MTA: dns; relay.example.net\n\nFinal-Recipient: rfc822; b64@example.org\n"
    fields += b"Action: failed\nStatus: 5.1.1\n"
    raw = f"""Return-Path: <>
From: MAILER-DAEMON@relay.example.net
To: cfp@callflow.example.org
Subject: Undeliverable
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.
--B
Content-Type: message/delivery-status
Content-Transfer-Encoding: base64

{base64.encodebytes(fields).decode()}
--B--
""".encode()
    report = detect(raw)
    assert report is not None
    assert (report.recipients, report.status, report.source) == (("b64@example.org",), "5.1.1", "dsn")


def test_broken_boundary_falls_back_to_raw_text() -> None:
    # The boundary in the header never occurs in the body, so the parser sees one opaque string.
    raw = POSTFIX_PERMANENT.replace(b'boundary="4F1A23C0E9.1715670766', b'boundary="XXXXXXXXXX.1715670766')
    report = detect(raw)
    assert report is not None
    assert report.recipients == ("jana.novak@uni.example.cz",)
    assert (report.permanent, report.status, report.source) == (True, "5.1.1", "dsn")


def test_unusable_addresses_are_dropped_and_duplicates_merged() -> None:
    report = detect(
        dsn(
            "Final-Recipient: rfc822; not an address\nAction: failed\nStatus: 5.1.3\n\n"
            "Final-Recipient: rfc822; <Dup@Example.org>\nAction: failed\nStatus: 5.1.1\n\n"
            "Final-Recipient: RFC822;dup@example.org \nAction: failed\nStatus: 5.1.1\n\n"
            # Quoted local parts are valid addr-specs; real reports carry them.
            'Final-Recipient: rfc822; "Neko..Nyaan"@example.jp\nAction: failed\nStatus: 5.1.1\n'
        )
    )
    assert report is not None
    assert report.recipients == ("dup@example.org", '"neko..nyaan"@example.jp')


QMAIL = b"""Return-Path: <>
Date: 14 May 2024 07:12:46 -0000
From: MAILER-DAEMON@mx.example.net
To: cfp@callflow.example.org
Subject: failure notice

Hi. This is the qmail-send program at mx.example.net.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<gone@example.net>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

Return-Path: <cfp@callflow.example.org>
Message-ID: <qmail-original@callflow.example.org>
From: cfp@callflow.example.org
To: gone@example.net
Subject: Your participation in the study

Dear participant,
"""


@both_policies
def test_qmail_text_bounce_via_flufl(policy: str) -> None:
    report = detect(QMAIL, policy)
    assert report is not None
    assert report.source == "flufl"
    assert report.recipients == ("gone@example.net",)
    assert report.permanent is True
    assert report.status == "5.1.1"
    assert report.original_message_id == "<qmail-original@callflow.example.org>"


def test_qmail_bounce_without_from_header() -> None:
    # flufl.bounce 6's Yale detector crashes on From-less single-part mail; we work around it.
    report = detect(QMAIL.replace(b"From: MAILER-DAEMON@mx.example.net\n", b""))
    assert report is not None
    assert report.recipients == ("gone@example.net",)


DRAGONFLY = b"""Received: from MAILER-DAEMON
\tid 1e07
\tby mail.callflow.example.org (DragonFly Mail Agent v0.13);
\tTue, 14 May 2024 09:12:46 +0200
From: MAILER-DAEMON <>
To: cfp@callflow.example.org
Subject: Mail delivery failed
Message-Id: <1e07@mail.callflow.example.org>
Date: Tue, 14 May 2024 09:12:46 +0200

This is the DragonFly Mail Agent v0.13 at mail.callflow.example.org.

There was an error delivering your mail to <marek@full.example.sk>.

mx.full.example.sk [203.0.113.9] did not like our RCPT TO:
552 5.2.2 Mailbox full, see https://help.example.sk/quota or write to help@example.sk

Message headers follow.

Received: from cfp (uid 1000)
\t(envelope-from cfp@callflow.example.org)
\tid 1e06
\tby mail.callflow.example.org (DragonFly Mail Agent v0.13);
\tTue, 14 May 2024 09:12:44 +0200
Subject: Your participation in the study
To: <marek@full.example.sk>
Message-Id: <dragonfly-original@callflow.example.org>
From: <cfp@callflow.example.org>
"""


@both_policies
def test_plain_text_notice_via_heuristic(policy: str) -> None:
    report = detect(DRAGONFLY, policy)
    assert report is not None
    assert report.source == "heuristic"
    # help@example.sk is mentioned too, but it is not where the original went.
    assert report.recipients == ("marek@full.example.sk",)
    assert (report.permanent, report.status) == (True, "5.2.2")
    assert report.original_message_id == "<dragonfly-original@callflow.example.org>"


def test_heuristic_temporary_notice() -> None:
    raw = DRAGONFLY.replace(b"552 5.2.2 Mailbox full", b"451 4.3.0 Try again later")
    report = detect(raw)
    assert report is not None
    assert report.permanent is False
    assert report.status == "4.3.0"


def test_dsn_fields_pasted_into_text() -> None:
    # Amazon WorkMail style: no message/delivery-status part, the fields sit in the prose.
    raw = b"""Return-Path: <>
From: MAILER-DAEMON@us-west-2.amazonses.com
To: cfp@callflow.example.org
Subject: Delivery Status Notification (Failure)
Content-Type: text/plain; charset=us-ascii

An error occurred while trying to deliver the mail to the following recipients:
ola@example.no

Technical report:

Reporting-MTA: dsn; a27-85.smtp-out.us-west-2.amazonses.com

Action: failed
Final-Recipient: rfc822; ola@example.no
Diagnostic-Code: smtp; 550 5.1.1 <ola@example.no>... User Unknown
Status: 5.1.1
"""
    report = detect(raw)
    assert report is not None
    assert (report.recipients, report.permanent, report.status) == (("ola@example.no",), True, "5.1.1")


def test_amazon_ses_json_notification() -> None:
    raw = b"""From: SES <no-reply@sns.amazonaws.com>
To: cfp@callflow.example.org
Subject: AWS Notification Message
x-amz-sns-message-id: ad6bdf42-f483-5bae-bf50-8fc1aad3f981
Content-Type: text/plain; charset=UTF-8

{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bouncedRecipients":[{"emailAddress":"Gone@Example.com","action":"failed","status":"5.1.1"}]},"mail":{"headers":[{"name":"Message-ID","value":"<ses-original@callflow.example.org>"}]}}

--
If you wish to stop receiving notifications from this topic, please click below to unsubscribe:
https://sns.us-west-2.amazonaws.com/unsubscribe.html
"""
    report = detect(raw)
    assert report == BounceReport(
        recipients=("gone@example.com",),
        permanent=True,
        status="5.1.1",
        source="heuristic",
        original_message_id="<ses-original@callflow.example.org>",
    )
    assert detect(raw.replace(b'"notificationType":"Bounce"', b'"notificationType":"Delivery"')) is None


# --------------------------------------------------------------------------- #
# Not bounces
# --------------------------------------------------------------------------- #

HUMAN = b"""From: Jana Novak <jana.novak@uni.example.cz>
To: Call for Participants <cfp@callflow.example.org>
Subject: Re: Your participation in the study
Message-ID: <a1b2c3@uni.example.cz>
Date: Tue, 14 May 2024 10:02:11 +0200
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8

Hello, I would like to take part. My colleague piotr@busy.example.pl could not
be reached, the address was rejected as unknown; please use piotr.k@example.pl.
"""

ARF = (
    b"""Return-Path: <>
From: Abuse Desk <postmaster@isp.example.net>
To: cfp@callflow.example.org
Subject: FW: Your participation in the study
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="ARF"

--ARF
Content-Type: text/plain

This is an email abuse report for an email message received from IP 192.0.2.1.

--ARF
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: SomeGenerator/1.0
Version: 1
Original-Mail-From: <cfp@callflow.example.org>
Original-Rcpt-To: <jana.novak@uni.example.cz>
Source-IP: 192.0.2.1

--ARF
Content-Type: message/rfc822

"""
    + ORIGINAL
    + b"""
--ARF--
"""
)

READ_RECEIPT = b"""From: Jana Novak <jana.novak@uni.example.cz>
To: cfp@callflow.example.org
Subject: Read: Your participation in the study
MIME-Version: 1.0
Content-Type: multipart/report; report-type=disposition-notification; boundary="MDN"

--MDN
Content-Type: text/plain

Your message to jana.novak@uni.example.cz was read on Tuesday, 14 May 2024.
Error handling of receipts is not needed.

--MDN
Content-Type: message/disposition-notification

Final-Recipient: rfc822;jana.novak@uni.example.cz
Original-Message-ID: <20240514091244.1234@callflow.example.org>
Disposition: manual-action/MDN-sent-manually; displayed

--MDN--
"""


@both_policies
@pytest.mark.parametrize(
    "raw",
    [HUMAN, ARF, READ_RECEIPT],
    ids=["human", "arf", "read-receipt"],
)
def test_not_bounces(raw: bytes, policy: str) -> None:
    assert detect(raw, policy) is None


def test_person_talking_about_a_bounce_is_not_one() -> None:
    # The subject smells of a bounce, but a person wrote it: no addresses get fished out of prose.
    raw = HUMAN.replace(b"Subject: Re: Your participation in the study", b"Subject: Undeliverable mail?")
    assert detect(raw) is None


def test_bounce_attached_by_a_person_is_not_one() -> None:
    # A person forwarding a bounce as an attachment: the report is inside message/rfc822, not ours.
    raw = (
        b"""From: Jana Novak <jana.novak@uni.example.cz>
To: cfp@callflow.example.org
Subject: Fwd: see attached
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="FWD"

--FWD
Content-Type: text/plain

What does this mean?
--FWD
Content-Type: message/rfc822

"""
        + POSTFIX_PERMANENT
        + b"""
--FWD--
"""
    )
    assert detect(raw) is None


def test_forwarded_bounce_inline_with_dsn_fields_counts() -> None:
    # "Fwd: Returned mail" pasted inline with the DSN fields: nobody types those, so it is a bounce.
    raw = b"""From: Jana Novak <jana.novak@uni.example.cz>
To: cfp@callflow.example.org
Subject: Fwd: Returned mail: see transcript for details
Content-Type: text/plain

Begin forwarded message:

> From: Mail Delivery Subsystem <MAILER-DAEMON>
> Subject: Returned mail: see transcript for details
>
> Final-Recipient: RFC822; old@uni.example.cz
> Action: failed
> Status: 5.1.1
"""
    report = detect(raw)
    assert report is not None
    assert report.recipients == ("old@uni.example.cz",)


# --------------------------------------------------------------------------- #
# Robustness and cost
# --------------------------------------------------------------------------- #


def test_crashing_detector_means_nothing_found(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(msg: Message) -> tuple[frozenset[bytes], frozenset[bytes]]:
        raise RuntimeError("detector exploded")

    monkeypatch.setattr(bounces, "all_failures", boom)
    with caplog.at_level(logging.DEBUG, logger=bounces.__name__):
        report = detect(DRAGONFLY)
    # flufl "found nothing", so the heuristic still gets its turn ...
    assert report is not None and report.source == "heuristic"
    # ... and the failure is on record, not silently dropped.
    assert any("detector exploded" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_human_mail_never_reaches_flufl(monkeypatch: pytest.MonkeyPatch) -> None:
    # The cheap short-circuit: flufl's ~17 detectors (one with ~45 regex passes per line) must not
    # run on ordinary mail.
    calls: list[Message] = []
    monkeypatch.setattr(bounces, "all_failures", lambda msg: calls.append(msg) or (frozenset(), frozenset()))
    assert detect(HUMAN) is None
    assert calls == []


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\n\n\n",
        b"From: \nContent-Type: multipart/report; report-type=delivery-status\n\nno boundary",
        b'Content-Type: multipart/report; boundary="x"\n\n--x\nContent-Type: message/delivery-status\n\n'
        b"Final-Recipient: rfc822;\nAction:\n--x--",
        b"Return-Path: <>\nFrom: <@>\nSubject: =?utf-8?q?=FF=FE?=\n\nFinal-Recipient: rfc822; <<>>@@\n",
        b"Content-Type: message/rfc822\n\nContent-Type: message/delivery-status\n\n\x00\xff\xfe",
        b"Return-Path: <>\nSubject: failure notice\nContent-Transfer-Encoding: base64\n\n!!!notbase64",
    ],
)
@both_policies
def test_malformed_input_never_raises(raw: bytes, policy: str) -> None:
    report = detect(raw, policy)
    assert report is None or isinstance(report, BounceReport)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            [
                b"Return-Path: <>\n",
                b"From: MAILER-DAEMON <>\n",
                b"Subject: Undelivered Mail Returned to Sender\n",
                b"Content-Type: multipart/report; report-type=delivery-status; boundary=b\n",
                b"\n",
                b"--b\n",
                b"Content-Type: message/delivery-status\n",
                b"Content-Type: message/rfc822\n",
                b"Final-Recipient: rfc822; x@example.org\n",
                b"Action: failed\n",
                b"Status: 5.1.1\n",
                b"<y@example.net>: host said 550\n",
                b"--b--\n",
            ]
        )
        | st.binary(max_size=40),
        max_size=30,
    )
)
def test_fuzzed_reports_never_raise(chunks: list[bytes]) -> None:
    report = detect(b"".join(chunks))
    assert report is None or isinstance(report, BounceReport)


# --------------------------------------------------------------------------- #
# The shared sample corpus
# --------------------------------------------------------------------------- #

# Measured rate of corpus bounces with at least one recipient: 412/414 = 99.5% (RFC 3464 alone 55.6%,
# plus flufl.bounce 81.9%, plus the heuristic 99.5%).  The two misses are deliberate: an Amazon SES
# *Delivery* (success) notification and a Postfix success DSN ("Action: delivered"), neither of which
# reports a failure.  The floor leaves room for a few regressions' worth of margin, not more.
MIN_BOUNCE_RATE = 0.98


LABELLED = corpus_files_with_headers()


def test_the_sample_corpus_is_present() -> None:
    # The corpus lives beside the repository (../shared/corpus) on every machine and in CI;
    # without it the corpus tests below would silently have no cases.
    assert LABELLED, f"sample corpus not found at {CORPUS}"


def _corpus(category: str) -> list[str]:
    return [path for path, cat in LABELLED if cat == category]


def _read(relpath: str, policy: str = "default") -> Message:
    return parse((CORPUS / relpath).read_bytes(), policy)


@both_policies
def test_corpus_bounce_detection_rate(policy: str) -> None:
    paths = _corpus("bounce")
    reports = {path: detect_bounce(_read(path, policy)) for path in paths}
    found = {path: r for path, r in reports.items() if r is not None and r.recipients}
    misses = sorted(set(paths) - set(found))
    rate = len(found) / len(paths)
    print(f"bounce detection ({policy}): {len(found)}/{len(paths)} = {rate:.1%}; misses: {misses}")
    assert rate >= MIN_BOUNCE_RATE, f"only {rate:.1%} of corpus bounces detected; misses: {misses}"
    for path, report in found.items():
        for address in report.recipients:
            assert address == address.lower() and "@" in address and "<" not in address, (path, address)
        assert len(set(report.recipients)) == len(report.recipients), path


@both_policies
@pytest.mark.parametrize(
    "relpath",
    [p for p, cat in LABELLED if cat in ("human", "report")],
    ids=lambda p: Path(p).name[:70],
)
def test_corpus_humans_and_abuse_reports_are_not_bounces(relpath: str, policy: str) -> None:
    assert detect_bounce(_read(relpath, policy)) is None


def test_corpus_short_circuit_loses_no_bounce(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _corpus("bounce")
    gated = {p for p in paths if (r := detect_bounce(_read(p))) is not None and r.recipients}
    # Same corpus with the gate forced open: every mail runs all detectors.
    monkeypatch.setattr(bounce_view.BounceView, "bounce_signal", property(lambda self: bounce_view.Signal.STRONG))
    ungated = {p for p in paths if (r := detect_bounce(_read(p))) is not None and r.recipients}
    assert ungated - gated == set()


def test_corpus_humans_never_reach_flufl(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Message] = []
    monkeypatch.setattr(bounces, "all_failures", lambda msg: calls.append(msg) or (frozenset(), frozenset()))
    for path in _corpus("human"):
        detect_bounce(_read(path))
    assert calls == []


@both_policies
@pytest.mark.parametrize("relpath", [p for p, _cat in LABELLED], ids=lambda p: Path(p).name[:70])
def test_corpus_never_raises(relpath: str, policy: str) -> None:
    # Unnormalised bytes too: detection must survive a parser that saw bare CRs.
    raw = (CORPUS / relpath).read_bytes()
    for data in (raw, normalise_newlines(raw)):
        report = detect_bounce(email.message_from_bytes(data, policy=POLICIES[policy]))
        assert report is None or isinstance(report, BounceReport)
