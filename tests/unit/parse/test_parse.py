"""Parsing real-world mail: charsets, encoded words, broken headers, HTML-only, forwards."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflow.decide import reply_subject
from workflow.parse import normalise_newlines, parse


def test_encoded_words_and_8bit_headers() -> None:
    raw = (
        b"From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <jm@example.de>\n"
        b"To: contact@callflow.example.org\n"
        b"Subject: =?UTF-8?B?VGVpbG5haG1lIGFtIFRyZWZmZW4=?=\n"
        b"Message-ID: <1@example.de>\n\nHallo\n"
    )
    mail = parse(raw)
    assert mail.from_name == "Jürgen Müller" and mail.from_addr == "jm@example.de"
    assert mail.subject == "Teilnahme am Treffen"
    raw8 = "From: Zoë <zoe@example.nl>\nSubject: Vraag over de bijeenkomst – tijd?\n\nHoi\n".encode()
    mail = parse(raw8)
    assert mail.from_name == "Zoë" and mail.subject == "Vraag over de bijeenkomst – tijd?"
    latin = "Subject: Réunion\nFrom: a@example.fr\n\nx\n".encode("cp1252")
    assert parse(latin).subject == "Réunion"


def test_html_only_mail_becomes_text() -> None:
    msg = EmailMessage()
    msg["From"] = "a@example.org"
    msg["Subject"] = "Q"
    msg.set_content("<html><body><p>Is the meeting <b>recorded</b>?</p><script>x()</script></body></html>",
                    subtype="html")
    mail = parse(msg.as_bytes())
    assert "Is the meeting recorded?" in mail.text
    assert mail.text_from_plain is False


def test_missing_message_id_and_crlf_and_cr_only() -> None:
    crlf = b"From: a@example.org\r\nSubject: Hi\r\n\r\nLine one\r\nLine two\r\n"
    cr = crlf.replace(b"\r\n", b"\r")
    a, b = parse(crlf), parse(cr)
    assert a.message_id is None and a.key.startswith("no-id|")
    assert a.subject == b.subject == "Hi" and a.text == b.text and "Line two" in a.text
    assert normalise_newlines(cr) == crlf.replace(b"\r\n", b"\n")


def test_same_message_id_and_body_give_the_same_key_whatever_the_trace_headers() -> None:
    body = b"From: a@example.org\nMessage-ID: <x@y>\nSubject: s\n\nHello\n"
    assert parse(b"Received: from mx1\n" + body).key == parse(b"Received: from mx2\nDelivered-To: c\n" + body).key
    assert parse(body).key != parse(body.replace(b"Hello", b"Hello!")).key


def test_forwarded_message_is_an_attachment_not_the_senders_words() -> None:
    inner = EmailMessage()
    inner["From"] = "contact@callflow.example.org"
    inner["Subject"] = "Invitation"
    inner.set_content("Please confirm or decline.")
    outer = EmailMessage()
    outer["From"] = "colleague@example.org"
    outer["Subject"] = "Fwd: Invitation"
    outer.set_content("My colleague will attend instead of me, is that possible?")
    outer.add_attachment(inner)
    mail = parse(outer.as_bytes())
    assert "decline" not in mail.text and "colleague will attend" in mail.text
    assert [a.content_type for a in mail.attachments] == ["message/rfc822"]
    assert b"Please confirm" in mail.attachments[0].data()


def test_reply_text_strips_quotes_and_signature() -> None:
    text = ("Yes, I will attend.\n\nBest,\nMaria\n\nOn Mon, 7 Mar 2022 at 10:00, Contact <c@x.org> wrote:\n"
            "> Please decline if you cannot come\n")
    msg = EmailMessage()
    msg["From"] = "m@example.org"
    msg.set_content(text)
    own = parse(msg.as_bytes()).reply_text
    assert "Yes, I will attend." in own and "decline" not in own


def test_obsolete_header_syntax_and_unknown_charset() -> None:
    mail = parse(b"From  : John <jdoe@example.org>\nSubject   : Hello\n\nBody\n")
    assert mail.from_addr == "jdoe@example.org" and mail.subject == "Hello"
    odd = b"From: a@example.org\nContent-Type: text/plain; charset=x-unknown-charset\n\nCaf\xe9\n"
    assert "Caf" in parse(odd).text


def test_header_injection_cannot_reach_a_reply_subject() -> None:
    mail = parse(b"From: a@example.org\nSubject: =?UTF-8?Q?Hi=0D=0ABcc:_victim@example.com?=\n\nx\n")
    subject = reply_subject(mail.subject, "fallback")
    assert "\n" not in subject and "\r" not in subject


def test_garbage_is_fatal_not_a_crash() -> None:
    assert parse(b"\x00\xff\xfe garbage").fatal
    assert parse(b"").fatal


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_parse_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    mail = parse(data)
    assert isinstance(mail.text, str) and isinstance(mail.key, str)
    assert isinstance(mail.reply_text, str)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.text(max_size=300))
def test_parse_never_raises_on_header_soup(subject: str, sender: str) -> None:
    raw = f"From: {sender}\nSubject: {subject}\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\n".encode(
        "utf-8", "surrogatepass")
    parse(raw)


# -- addresses come from the address, never from a display name (RFC 2047 §5) -----------------
def _from(header: str, extra: str = "") -> tuple[str, str]:
    mail = parse(f"From: {header}\n{extra}To: contact@callflow.example.org\nSubject: hi\n\nHello\n".encode())
    return mail.from_addr, mail.from_name


@pytest.mark.parametrize(
    ("header", "addr", "name"),
    [
        # An encoded name that decodes to another address stays a name.
        ("=?utf-8?q?Smith_=3Cboss=40corp=2Eexample=3E?= <john@example.com>", "john@example.com",
         "Smith <boss@corp.example>"),
        ("=?utf-8?b?Qm9zcyA8Ym9zc0Bjb3JwLmV4YW1wbGU+?= <john@example.com>", "john@example.com",
         "Boss <boss@corp.example>"),
        # An encoded CR/LF cannot smuggle a header: it is one line of name.
        ("=?utf-8?q?X=0D=0ABcc=3A_evil=40x=2Eexample?= <john@example.com>", "john@example.com",
         "X Bcc: evil@x.example"),
        # Very common: a comma inside an encoded name keeps the surname.
        ("=?utf-8?q?Smith=2C_John?= <john@example.com>", "john@example.com", "Smith, John"),
        ('"=?iso-8859-1?q?M=FCller=2C_J=FCrgen?=" <jm@example.de>', "jm@example.de", "Müller, Jürgen"),
        ("=?utf-8?q?In=C3=A8s?= Dupont <ines@example.org>", "ines@example.org", "Inès Dupont"),
        ("Plain Name <Plain@Example.ORG>", "plain@example.org", "Plain Name"),
        # Unencoded, the same trick: text before an angle address is a name, even if it looks like
        # an address (the standard library's parsers read the first token as the address).
        ("boss@corp.example <john@example.com>", "john@example.com", "boss@corp.example"),
        ("0@0. \x80 <maria@example.org>", "maria@example.org", "0@0."),  # a C1 control is not text
        ('"Doe, J <x@evil.example>" <j@example.org>', "j@example.org", "Doe, J <x@evil.example>"),
        ("<maria@example.org> (Maria)", "maria@example.org", ""),
        # A client that encoded the whole header: no address outside it, so the decoded text is read.
        ("=?utf-8?q?John_=3Cjohn=40example=2Ecom=3E?=", "john@example.com", "John"),
    ],
)
def test_the_address_is_parsed_before_names_are_decoded(header: str, addr: str, name: str) -> None:
    assert _from(header) == (addr, name)


def test_raw_8bit_names_are_decoded_and_the_address_kept() -> None:
    raw = "From: Jürgen Müller <jm@example.de>\nSubject: x\n\nHallo\n".encode()
    mail = parse(raw)
    assert (mail.from_addr, mail.from_name) == ("jm@example.de", "Jürgen Müller")


def test_address_lists_with_encoded_commas_split_on_real_commas_only() -> None:
    raw = (
        b"From: a@example.org\n"
        b"To: =?utf-8?q?Smith=2C_John?= <john@example.com>, =?utf-8?q?Doe=2C_Jane?= <jane@example.com>\n"
        b"Reply-To: =?utf-8?q?x=40evil=2Eexample?= <real@example.org>\n"
        b"Subject: x\n\nHello\n"
    )
    mail = parse(raw)
    assert mail.to == ["john@example.com", "jane@example.com"]
    assert mail.reply_to == ["real@example.org"]


def test_a_huge_display_name_is_clipped() -> None:
    addr, name = _from(("Word " * 400_000).strip() + " <big@example.org>")
    assert addr == "big@example.org" and len(name) <= 100 and name.endswith("…")
