"""Robot notices that carry no machine-readable part, and the people who look like them (bytes).

Written after the formats real servers send (Exim, Postfix, Sendmail, qmail, Exchange 2003,
Lotus Domino, GroupWise, MDaemon, Kerio, Courier, Gmail, Yahoo and carriers' gateways), with the
helpful headers left out: no DSN part, no X-Failed-Recipients, no Auto-Submitted, often no
telling subject. Shared by the classification tests.
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
]

ROBOTS = PROSE_BOUNCES
