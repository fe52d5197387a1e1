"""Robot notices that carry no machine-readable part, and the people who look like them (bytes).

Written after the formats real servers and list managers send (Exim, Postfix, Sendmail, qmail,
Exchange 2003, Lotus Domino, GroupWise, MDaemon, Kerio, Courier, Gmail, Yahoo and carriers'
gateways; Mailman 2 and 3, Sympa, LISTSERV, Majordomo, ezmlm-idx, mlmmj, fml, Google Groups,
Groups.io, Microsoft 365 groups), with the helpful headers left out: no DSN part, no
X-Failed-Recipients, no Auto-Submitted, no List-Id, often no telling subject. Shared by the
classification tests and the end-to-end test against Dovecot and SMTP.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

CONTACT = "contact@callflow.example.org"


@dataclass(frozen=True)
class Sample:
    name: str
    raw: bytes
    kind: str  # expected kind
    bounced: tuple[str, ...] = field(default=())  # expected failed recipients (bounces)


def mail(headers: str, body: str, *, charset: str = "utf-8", base64_body: bool = False) -> bytes:
    """A single-part text mail; ``headers`` are written as given (one per line)."""
    head = headers.strip("\n") + "\nMIME-Version: 1.0\n"
    if base64_body:
        encoded = base64.encodebytes(body.encode(charset)).decode("ascii")
        head += f"Content-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: base64\n"
        return (head + "\n" + encoded).encode("ascii")
    head += f"Content-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: 8bit\n"
    return (head + "\n" + body).encode(charset)


# --------------------------------------------------------------------------- delivery failures

PROSE_BOUNCES = [
    Sample(
        "carrier gateway, post_master, original subject",
        mail(
            """From: post_master@vtext.example.com
To: contact@callflow.example.org
Message-ID: <00000000.000000.1646123.JavaMail.c@vtext.example.com>
In-Reply-To: <ack-1@callflow.example.org>
Subject: Re:Working group meeting
Date: 1 Mar 2022 10:21:53 -0000""",
            """Error: Invalid user address

Error message below:
550 - Requested action not taken: no such user here

Message details:
  Subject: Working group meeting
  Sent date: Tue Mar 01 10:21:50 GMT 2022
  MAIL FROM: contact@callflow.example.org
  RCPT TO: 3125550143@vtext.example.com
  From: contact@callflow.example.org
  Size (in bytes): 2211
  Number of lines: 40
""",
        ),
        "bounce",
        ("3125550143@vtext.example.com",),
    ),
    Sample(
        "German postmaster, mailbox full",
        mail(
            """From: Postmaster <postmaster@mail.example.de>
To: contact@callflow.example.org
Subject: Ihre Nachricht vom 01.03.2022
Date: Tue, 01 Mar 2022 10:30:00 +0100
Message-ID: <pm-8812@mail.example.de>""",
            """Sehr geehrte Damen und Herren,

Ihre Nachricht an lena.vogel@example.de konnte nicht zugestellt werden:
das Postfach des Empfängers ist voll.

Dies ist eine automatisch erzeugte Nachricht.
""",
            charset="iso-8859-1",
        ),
        "bounce",
        ("lena.vogel@example.de",),
    ),
    Sample(
        "French, 'Post Master' display name",
        mail(
            """From: "Post Master" <pm@relais.example.fr>
To: contact@callflow.example.org
Subject: Votre message
Date: Tue, 01 Mar 2022 11:02:10 +0100
Message-ID: <relais-20220301-1102@relais.example.fr>""",
            """Bonjour,

Votre message n'a pas pu être remis à claire.martin@example.fr :
destinataire inconnu.
""",
            base64_body=True,
        ),
        "bounce",
        ("claire.martin@example.fr",),
    ),
    Sample(
        "Spanish, postmaster-noreply",
        mail(
            """From: postmaster-noreply@correo.example.es
To: contact@callflow.example.org
Subject: Aviso
Date: Tue, 01 Mar 2022 11:15:00 +0100
Message-ID: <aviso-3391@correo.example.es>""",
            """No se pudo entregar el mensaje a javier.lopez@example.es.
Motivo: usuario desconocido.
""",
        ),
        "bounce",
        ("javier.lopez@example.es",),
    ),
    Sample(
        "Italian, Mailer_Daemon",
        mail(
            """From: Mailer_Daemon@posta.example.it
To: contact@callflow.example.org
Subject: Avviso di mancata consegna
Date: Tue, 01 Mar 2022 12:00:00 +0100
Message-ID: <avviso-1@posta.example.it>""",
            """Non è stato possibile recapitare il messaggio a giulia.conti@example.it.
Il destinatario non esiste.
""",
            charset="iso-8859-15",
        ),
        "bounce",
        ("giulia.conti@example.it",),
    ),
    Sample(
        "Dutch, MAIL-DAEMON",
        mail(
            """From: MAIL-DAEMON@mx.example.nl
To: contact@callflow.example.org
Subject: Bericht
Date: Tue, 01 Mar 2022 12:10:00 +0100
Message-ID: <md-55@mx.example.nl>""",
            """Uw bericht kon niet worden bezorgd bij pieter.bos@example.nl:
onbekende ontvanger.
""",
        ),
        "bounce",
        ("pieter.bos@example.nl",),
    ),
    Sample(
        "Exchange 2003, System Administrator",
        mail(
            """From: System Administrator <postmaster@exchange.example.org>
To: contact@callflow.example.org
Subject: Working group meeting
Date: Tue, 01 Mar 2022 12:20:00 +0100
Message-ID: <E2003-ndr-1@exchange.example.org>""",
            """Your message did not reach some or all of the intended recipients.

      Subject:  Working group meeting
      Sent:     01/03/2022 12:19

The following recipient(s) could not be reached:

      tom.hughes@exchange.example.org on 01/03/2022 12:20
            The e-mail account does not exist at the organization this message was sent to.
""",
        ),
        "bounce",
        ("tom.hughes@exchange.example.org",),
    ),
    Sample(
        "Lotus Domino, Mail Router",
        mail(
            """From: Mail Router <router@notes.example.com>
To: contact@callflow.example.org
Subject: Working group meeting
Date: Tue, 01 Mar 2022 12:30:00 +0100
Message-ID: <OF0000.AB12@notes.example.com>""",
            """Your message

  Subject: Working group meeting

was not delivered to:

  mark.smith@notes.example.com

because:

  User mark.smith (mark.smith@notes.example.com) not listed in Domino Directory
""",
        ),
        "bounce",
        ("mark.smith@notes.example.com",),
    ),
    Sample(
        "GroupWise, Mail Administrator, no address named",
        mail(
            """From: Mail Administrator <gwia@gw.example.be>
To: contact@callflow.example.org
Subject: Message status - undeliverable
Date: Tue, 01 Mar 2022 12:40:00 +0100
Message-ID: <gw-9981@gw.example.be>""",
            """The message that you sent was undeliverable to the following:
        jan.peeters (user not found)

Possible causes: the user name is misspelled.
""",
        ),
        "bounce",
    ),
    Sample(
        "MDaemon, permanent failure",
        mail(
            """From: MDaemon@mail.example.at
To: contact@callflow.example.org
Subject: Permanent Delivery Failure
Date: Tue, 01 Mar 2022 12:50:00 +0100
Message-ID: <MDAEMON-F202203011250.AA5011@mail.example.at>""",
            """The attached message had PERMANENT fatal delivery errors!

After one or more unsuccessful delivery attempts the attached message
has been removed from the mail queue on this server.  The number and
frequency of delivery attempts are determined by local configuration.

--- Session Transcript ---
 Tue 2022-03-01 12:49:58: Attempting SMTP connection to [mx.example.at]
 Tue 2022-03-01 12:49:59: --> RCPT TO:<eva.huber@example.at>
 Tue 2022-03-01 12:49:59: <-- 550 5.1.1 <eva.huber@example.at>: Recipient address rejected
--- End Transcript ---
""",
        ),
        "bounce",
        ("eva.huber@example.at",),
    ),
    Sample(
        "Kerio Connect",
        mail(
            """From: postmaster@kerio.example.cz
To: contact@callflow.example.org
Subject: Working group meeting
Date: Tue, 01 Mar 2022 13:00:00 +0100
Message-ID: <kerio-ndr-77@kerio.example.cz>""",
            """Your message did not reach some or all of the intended recipients.

   Sent: Tue, 01 Mar 2022 12:58:41 +0100
   Subject: Working group meeting

The following recipient(s) could not be reached:

petr.novak@example.cz
   Error Type: SMTP
   Remote server (192.0.2.25) issued an error.
   hMailServer sent: RCPT TO:<petr.novak@example.cz>
   Remote server replied: 550 No such user here
""",
        ),
        "bounce",
        ("petr.novak@example.cz",),
    ),
    Sample(
        "Courier, display name only",
        mail(
            """From: "Courier mail server at mx.example.net" <@>
To: contact@callflow.example.org
Subject: Working group meeting
Date: Tue, 01 Mar 2022 13:10:00 +0100
Message-ID: <courier.000001.62@mx.example.net>""",
            """This is a delivery status notification from mx.example.net,
running the Courier mail server.

<<< 550 5.1.1 <sam.green@example.net>... User unknown
<sam.green@example.net>: delivery attempt failed.
""",
        ),
        "bounce",
        ("sam.green@example.net",),
    ),
    Sample(
        "Yahoo, Failure Notice",
        mail(
            """From: MAILER-DAEMON@yahoo.example.com
To: contact@callflow.example.org
Subject: Failure Notice
Date: Tue, 01 Mar 2022 13:20:00 +0000
Message-ID: <fn-1@yahoo.example.com>""",
            """Sorry, we were unable to deliver your message to the following address.

<sue.patel@yahoo.example.com>:
554: delivery error: dd This user doesn't have a yahoo.example.com account
""",
        ),
        "bounce",
        ("sue.patel@yahoo.example.com",),
    ),
    Sample(
        "Japanese, postmaster, ISO-2022-JP",
        mail(
            """From: postmaster@mail.example.jp
To: contact@callflow.example.org
Subject: =?iso-2022-jp?b?GyRCJCpDTiRpJDsbKEI=?=
Date: Tue, 01 Mar 2022 21:30:00 +0900
Message-ID: <20220301213000.pm@mail.example.jp>""",
            "次の宛先へのメールは配信できませんでした。\n\n    taro.yamada@example.jp\n\n理由: 宛先不明\n",
            charset="iso-2022-jp",
        ),
        "bounce",
        ("taro.yamada@example.jp",),
    ),
    Sample(
        "Polish, postmaster",
        mail(
            """From: postmaster@poczta.example.pl
To: contact@callflow.example.org
Subject: Powiadomienie
Date: Tue, 01 Mar 2022 13:40:00 +0100
Message-ID: <pl-1@poczta.example.pl>""",
            "Wiadomość nie została dostarczona do adresata jan.kowalski@example.pl.\nNieznany odbiorca.\n",
            base64_body=True,
        ),
        "bounce",
        ("jan.kowalski@example.pl",),
    ),
    Sample(
        "Portuguese, Mail Delivery Subsystem display, any address",
        mail(
            """From: Mail Delivery Subsystem <avisos@correio.example.pt>
To: contact@callflow.example.org
Subject: Aviso
Date: Tue, 01 Mar 2022 13:50:00 +0000
Message-ID: <pt-1@correio.example.pt>""",
            "A mensagem não pôde ser entregue a maria.silva@example.pt: destinatário desconhecido.\n",
        ),
        "bounce",
        ("maria.silva@example.pt",),
    ),
    Sample(
        "postmaster, mailbox full, nobody named",
        mail(
            """From: postmaster@example.org
To: contact@callflow.example.org
Subject: Your mail
Date: Tue, 01 Mar 2022 14:00:00 +0100
Message-ID: <pm-full@example.org>""",
            "Your message was rejected: the mailbox is full. Please try again later.\n",
        ),
        "bounce",
    ),
]


# --------------------------------------------------------------------------- list managers' notices

MAILMAN2_HELD = """Your mail to 'Wg-network' with the subject

    Working group meeting

Is being held until the list moderator can review it for approval.

The reason it is being held:

    Post by non-member to a members-only list

Either the message will get posted to the list, or you will receive
notification of the moderator's decision.  If you would like to cancel
this posting, please visit the following URL:

    https://lists.example.org/mailman/confirm/wg-network/4c1b9f3e0a7d2b6e8f5a1c3d9e7b0a2f4c6d8e1b
"""

LIST_NOTICES = [
    Sample(
        "Mailman 2 held message, from -owner, no list headers",
        mail(
            """From: wg-network-owner@lists.example.org
To: contact@callflow.example.org
Subject: Your message to Wg-network awaits moderator approval
Date: Tue, 01 Mar 2022 09:05:00 +0100
Message-ID: <mailman.12.1646121900.1234.wg-network@lists.example.org>""",
            MAILMAN2_HELD,
            charset="us-ascii",
        ),
        "list",
    ),
    Sample(
        "Mailman 2 held message with its own headers",
        mail(
            """From: wg-network-owner@lists.example.org
To: contact@callflow.example.org
Subject: Your message to Wg-network awaits moderator approval
Date: Tue, 01 Mar 2022 09:05:00 +0100
Message-ID: <mailman.13.1646121900.1234.wg-network@lists.example.org>
Precedence: bulk
X-BeenThere: wg-network@lists.example.org
X-Mailman-Version: 2.1.29
X-List-Administrivia: yes""",
            MAILMAN2_HELD,
            charset="us-ascii",
        ),
        "list",
    ),
    Sample(
        "Mailman 3 held message, from -bounces",
        mail(
            """From: wg-network-bounces@lists.example.org
To: contact@callflow.example.org
Subject: Your message to wg-network@lists.example.org awaits moderator approval
Date: Tue, 01 Mar 2022 09:06:00 +0100
Message-ID: <164612196012.77.1234567890@lists.example.org>""",
            """Your mail to 'wg-network@lists.example.org' with the subject

    Working group meeting

Is being held until the list moderator can review it for approval.

The message is being held because:

The message is not from a list member

Either the message will get posted to the list, or you will receive
notification of the moderator's decision.
""",
        ),
        "list",
    ),
    Sample(
        "Mailman German held message, wording only",
        mail(
            """From: praxis-owner@listen.example.de
To: contact@callflow.example.org
Subject: Praxis: Ihre Nachricht
Date: Tue, 01 Mar 2022 09:07:00 +0100
Message-ID: <mailman.3.1646121960.99.praxis@listen.example.de>""",
            """Ihre Mail an "Praxis" mit dem Subject/Betreff

    Arbeitsgruppe

wird zurückgehalten, bis der Listenmoderator Ihre E-Mail genehmigt.
""",
            charset="iso-8859-1",
        ),
        "list",
    ),
    Sample(
        "Mailman probe",
        mail(
            """From: wg-network-bounces+contact=callflow.example.org@lists.example.org
To: contact@callflow.example.org
Subject: Wg-network mailing list probe message
Date: Tue, 01 Mar 2022 09:08:00 +0100
Message-ID: <mailman.probe.1@lists.example.org>""",
            """This is a probe message.  You can ignore this message.

The wg-network mailing list has received a number of bounces from you,
indicating that there may be a problem delivering messages to
contact@callflow.example.org.
""",
        ),
        "list",
    ),
    Sample(
        "Mailman request rejected",
        mail(
            """From: wg-network-owner@lists.example.org
To: contact@callflow.example.org
Subject: Request to mailing list Wg-network rejected
Date: Tue, 01 Mar 2022 09:09:00 +0100
Message-ID: <mailman.reject.1@lists.example.org>""",
            """Your request to the Wg-network mailing list

    Posting of your message titled "Working group meeting"

has been rejected by the list moderator.
""",
        ),
        "list",
    ),
    Sample(
        "Sympa rejection",
        mail(
            """From: SYMPA <sympa@listes.example.fr>
To: contact@callflow.example.org
Subject: Your message has been rejected
Date: Tue, 01 Mar 2022 09:10:00 +0100
Message-ID: <sympa.1646122200.1@listes.example.fr>""",
            """Your message for list praticiens@listes.example.fr has been rejected by the moderator (moderateur@example.fr).

(Subject of your mail: Working group meeting)
""",
        ),
        "list",
    ),
    Sample(
        "LISTSERV loop, from the list server",
        mail(
            """From: "L-Soft list server at LISTS.EXAMPLE.EDU (16.5)" <LISTSERV@LISTS.EXAMPLE.EDU>
To: contact@callflow.example.org
Subject: WG-L: mail loop detected
Date: Tue, 01 Mar 2022 09:11:00 -0500
Message-ID: <LISTSERV%2022030109110001@LISTS.EXAMPLE.EDU>""",
            """Your message to the WG-L list has been identified as a possible
delivery error notice (mail loop detected). Message NOT sent.
""",
        ),
        "list",
    ),
    Sample(
        "LISTSERV rejected posting, owner- sender",
        mail(
            """From: owner-wg-l@lists.example.edu
To: contact@callflow.example.org
Subject: Rejected posting to WG-L@LISTS.EXAMPLE.EDU
Date: Tue, 01 Mar 2022 09:12:00 -0500
Message-ID: <LISTSERV%2022030109120002@LISTS.EXAMPLE.EDU>""",
            """You are not authorized to send mail to the WG-L list from your
contact@callflow.example.org account. Your message is being returned to you unprocessed.
""",
        ),
        "list",
    ),
    Sample(
        "Majordomo non-member bounce",
        mail(
            """From: owner-praxis@lists.example.com
To: contact@callflow.example.org
Subject: BOUNCE praxis@lists.example.com: Non-member submission from [contact@callflow.example.org]
Date: Tue, 01 Mar 2022 09:13:00 -0500
Message-ID: <majordomo.1@lists.example.com>""",
            "Members only list: your submission was not distributed.\n",
        ),
        "list",
    ),
    Sample(
        "Majordomo results",
        mail(
            """From: Majordomo@lists.example.com
To: contact@callflow.example.org
Subject: Majordomo results: subscribe
Date: Tue, 01 Mar 2022 09:14:00 -0500
Message-ID: <majordomo.2@lists.example.com>""",
            "**** Command 'subscribe' not recognized.\n",
        ),
        "list",
    ),
    Sample(
        "ezmlm subscription confirmation",
        mail(
            """From: wg-help@lists.example.net
To: contact@callflow.example.org
Subject: confirm subscribe to wg@lists.example.net
Date: Tue, 01 Mar 2022 09:15:00 +0000
Message-ID: <1646126100.4411.ezmlm@lists.example.net>""",
            """Hi! This is the ezmlm program. I'm managing the
wg@lists.example.net mailing list.

To confirm that you would like

   contact@callflow.example.org

added to the wg mailing list, please send
an empty reply to this address:

   wg-sc.1646126100.abcdefgh-contact=callflow.example.org@lists.example.net
""",
        ),
        "list",
    ),
    Sample(
        "ezmlm moderators timed out, -return- sender",
        mail(
            """From: wg-return-1234-contact=callflow.example.org@lists.example.net
To: contact@callflow.example.org
Subject: Working group meeting
Date: Tue, 01 Mar 2022 09:16:00 +0000
Message-ID: <1646126160.4412.ezmlm@lists.example.net>""",
            """Hi! This is the ezmlm program. I'm managing the
wg@lists.example.net mailing list.

I'm sorry, the list moderators for the wg list
have failed to act on your post. Thus, I'm returning it to you.
""",
        ),
        "list",
    ),
    Sample(
        "mlmmj moderation",
        mail(
            """From: wg+owner@lists.example.com
To: contact@callflow.example.org
Subject: Post waiting for approval
Date: Tue, 01 Mar 2022 09:17:00 +0100
Message-ID: <mlmmj-1646122620@lists.example.com>""",
            """Hi, this is the mlmmj program managing the mailinglist

wg@lists.example.com

This list is configured to have moderated posts, the post has been queued
for approval.
""",
        ),
        "list",
    ),
    Sample(
        "mlmmj subscribers only",
        mail(
            """From: wg+owner@lists.example.com
To: contact@callflow.example.org
Subject: wg@lists.example.com is a subscribers only list
Date: Tue, 01 Mar 2022 09:18:00 +0100
Message-ID: <mlmmj-1646122680@lists.example.com>""",
            """Hi, this is the mlmmj program managing the mailinglist

wg@lists.example.com

Your post came from an address that is not subscribed, and only
subscribers may post to the list.
""",
        ),
        "list",
    ),
    Sample(
        "fml loop alert, -admin sender, no fml header",
        mail(
            """From: wg-admin@ml.example.co.jp
To: contact@callflow.example.org
Subject: Loop Alert: Duplicated Message-ID (wg ML)
Date: Tue, 01 Mar 2022 23:34:45 +0900
Message-ID: <202203012334.FMLFFF00002.wg@ml.example.co.jp>""",
            "Duplicated Message-ID in <wg@ml.example.co.jp>.\n",
        ),
        "list",
    ),
    Sample(
        "Google Groups pending",
        mail(
            """From: Google Groups <groups-noreply@google.example.com>
To: contact@callflow.example.org
Subject: Message pending: Working group meeting
Date: Tue, 01 Mar 2022 09:19:00 -0800
Message-ID: <pending-1@google.example.com>""",
            "Your message to the group wg-network is pending moderator approval.\n",
        ),
        "list",
    ),
    Sample(
        "Groups.io held message",
        mail(
            """From: wg+owner@groups.io
To: contact@callflow.example.org
Subject: Your message to wg@groups.io is awaiting approval
Date: Tue, 01 Mar 2022 09:20:00 -0800
Message-ID: <held.1@groups.io>""",
            "Your message has been held for moderation and will be reviewed by a moderator.\n",
        ),
        "list",
    ),
    Sample(
        "Microsoft 365 group moderation",
        mail(
            """From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@example.onmicrosoft.com>
To: contact@callflow.example.org
Subject: Message awaiting approval: Working group meeting
Date: Tue, 01 Mar 2022 09:21:00 +0000
Message-ID: <moderation-1@example.onmicrosoft.com>""",
            "Your message to Working Group Members is awaiting moderator approval.\n",
        ),
        "list",
    ),
]


# --------------------------------------------------------------------------- bulk newsletters

def newsletter(subject: str, *extra: str) -> bytes:
    headers = "\n".join(
        [
            "From: Prevention Network <news@ngo.example.org>",
            "To: contact@callflow.example.org",
            f"Subject: {subject}",
            "Date: Tue, 01 Mar 2022 08:00:00 +0100",
            "Message-ID: <campaign-2022-03@ngo.example.org>",
            "Precedence: bulk",
            "List-Unsubscribe: <https://ngo.example.org/unsubscribe?u=8812>",
            *extra,
        ]
    )
    return mail(headers, "Our March issue: new research on exit work, three events, one podcast.\n")


NEWSLETTERS = [
    Sample("newsletter", newsletter("Prevention Network - March issue"), "list"),
    Sample("newsletter titled like an absence", newsletter("Away: spring walks in the Ardennes"), "list"),
    Sample("newsletter titled 'Read:'", newsletter("Read: five books on probation work"), "list"),
    Sample("newsletter stamped auto-generated", newsletter("March issue", "Auto-Submitted: auto-generated"), "list"),
    Sample(
        "newsletter passed on by an Exchange inbox rule",
        newsletter("March issue", "X-Auto-Response-Suppress: All", "X-MS-Exchange-Inbox-Rules-Loop: contact@callflow.example.org"),
        "list",
    ),
]


# --------------------------------------------------------------------------- people who look like them

PEOPLE = [
    Sample(
        "a person who got a delivery failure",
        mail(
            """From: Jana Novak <jana.novak@uni.example.cz>
To: contact@callflow.example.org
Subject: Problem with the survey
Date: Tue, 01 Mar 2022 10:00:00 +0100
Message-ID: <jn-1@uni.example.cz>""",
            """Dear contact person,

I got a delivery failure when I tried the survey link, and my first mail to
you could not be delivered either (550 user unknown). Could you send me the
link again?

Best regards,
Jana
""",
        ),
        "applicant_message",
    ),
    Sample(
        "an organisation's info@ address, in prose",
        mail(
            """From: Exit Programme <info@exit.example.org>
To: contact@callflow.example.org
Subject: Registration of two colleagues
Date: Tue, 01 Mar 2022 10:05:00 +0100
Message-ID: <info-77@exit.example.org>""",
            """Dear organisers,

our office would like to register two colleagues for the meeting. Our
previous message was returned with "mailbox full", so we write again.

Kind regards,
Exit Programme office
""",
        ),
        "applicant_message",
    ),
    Sample(
        "an office@ address",
        mail(
            """From: office@probation.example.at
To: contact@callflow.example.org
Subject: Teilnahme
Date: Tue, 01 Mar 2022 10:06:00 +0100
Message-ID: <office-1@probation.example.at>""",
            """Sehr geehrte Damen und Herren,

unsere Kollegin möchte teilnehmen. Ihre E-Mail konnte nicht zugestellt werden,
bitte schreiben Sie an diese Adresse.

Mit freundlichen Grüßen
""",
        ),
        "applicant_message",
    ),
    Sample(
        "a postmaster who wants to take part",
        mail(
            """From: postmaster@partner.example.org
To: contact@callflow.example.org
Subject: Working group meeting
Date: Tue, 01 Mar 2022 10:07:00 +0100
Message-ID: <pm-person@partner.example.org>""",
            """Hello,

I run our organisation's mail server and also work in the exit programme.
I would like to take part in the meeting.

Thomas
""",
        ),
        "applicant_message",
    ),
    Sample(
        "a person answering a moderation notice",
        mail(
            """From: Ruth Meyer <ruth.meyer@example.ch>
To: contact@callflow.example.org
Subject: Re: Your message to Wg-network awaits moderator approval
Date: Tue, 01 Mar 2022 10:08:00 +0100
Message-ID: <rm-1@example.ch>""",
            """Sorry, I wrote to the list by mistake. I would like to take part in the meeting.

Ruth
""",
        ),
        "applicant_message",
    ),
    Sample(
        "a person quoting a list notice",
        mail(
            """From: Birger Lund <birger.lund@example.dk>
To: contact@callflow.example.org
Subject: Mailing list
Date: Tue, 01 Mar 2022 10:09:00 +0100
Message-ID: <bl-1@example.dk>""",
            """Hello,

I keep getting "Your message to Wg-network awaits moderator approval" and
"mail loop detected" when I write to the list. Is the list still used for the
meeting, or should I write here?

Birger
""",
        ),
        "applicant_message",
    ),
    Sample(
        "a help desk writing for a colleague",
        mail(
            """From: IT Service Desk <it-help@uni.example.edu>
To: contact@callflow.example.org
Subject: Registration for Dr. Weber
Date: Tue, 01 Mar 2022 10:10:00 +0100
Message-ID: <ticket-5521@uni.example.edu>""",
            """Hello,

Dr. Weber asked us to tell you that she would like to take part; her mail
could not be delivered from home. Please write to her at weber@uni.example.edu.
""",
        ),
        "applicant_message",
    ),
    Sample(
        "a person forwarding a moderation notice",
        mail(
            """From: Ana Costa <ana.costa@example.pt>
To: contact@callflow.example.org
Subject: Fwd: Your message to wg@groups.io is awaiting approval
Date: Tue, 01 Mar 2022 10:11:00 +0100
Message-ID: <ac-1@example.pt>""",
            """Is this list still the right place to register?

---------- Forwarded message ---------
From: wg+owner@groups.io
Subject: Your message to wg@groups.io is awaiting approval

Your message has been held for moderation.
""",
        ),
        "applicant_message",
    ),
]

ROBOTS = PROSE_BOUNCES + LIST_NOTICES + NEWSLETTERS
