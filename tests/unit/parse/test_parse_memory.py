"""Parsing a large mail in bounded memory: an attachment nothing reads is never held twice nor
decoded, and the raw bytes are never copied whole (CRLF mail from IMAP included)."""

from __future__ import annotations

import random
import tracemalloc
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import mails
from workflow.classify import ClassifyContext, classify
from workflow.config import Config
from workflow.limits import MAX_UNREAD_PART_BYTES
from workflow.mimetree import normalise_newlines, normalised_chunks, normalised_size
from workflow.parse import parse

MiB = 1 << 20


def with_attachment(data: bytes, *, then_text: str | None = None, maintype: str = "application",
                    subtype: str = "pdf", filename: str = "programme.pdf") -> bytes:
    msg = message_from_bytes(mails.inquiry(), policy=policy.default)
    assert isinstance(msg, EmailMessage)
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    if then_text is not None:
        msg.add_attachment(then_text, filename="notes.txt")  # a part after it, kept as usual
    return msg.as_bytes()


def parse_peak(raw: bytes):
    tracemalloc.start()
    try:
        mail = parse(raw)
        return mail, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"], ids=["maildir-lf", "imap-crlf"])
def test_a_large_attachment_is_neither_copied_nor_decoded(newline: bytes) -> None:
    pdf = random.Random(11).randbytes(8 * MiB)
    raw = with_attachment(pdf, then_text="P.S. Is there a waiting list?\n").replace(b"\n", newline)
    mail, peak = parse_peak(raw)
    # Holding the message again (a normalised copy, the parser's lines, the joined payload, the
    # decoded PDF) took 6-7 times its size; read in chunks, with the attachment's body dropped
    # as it is read, parse holds at most the kept part of a body (lines of at most
    # MAX_UNREAD_PART_BYTES) and one chunk, whatever the size of the attachment.
    bound = 2 * MAX_UNREAD_PART_BYTES + 2 * MiB
    assert len(raw) > 2.5 * bound
    assert peak < bound, f"parse allocated {peak / MiB:.1f} MiB for a {len(raw) / MiB:.1f} MiB mail"
    attachment, notes = mail.attachments
    assert attachment.filename == "programme.pdf" and attachment.skipped
    assert attachment.part.get_payload() == "" and attachment.data() == b""
    assert abs(attachment.size - len(pdf)) < len(pdf) / 100  # estimated from the base64 length
    # The parts around it are read as before: the boundary after the skipped body is found.
    assert "would like to take part" in mail.text and "Is the meeting recorded?" in mail.text
    assert notes.filename == "notes.txt" and not notes.skipped and notes.text() == "P.S. Is there a waiting list?\n"
    assert mail.raw_size == len(raw.replace(b"\r\n", b"\n"))


def test_the_key_and_the_classification_do_not_depend_on_skipping(config: Config) -> None:
    pdf = random.Random(12).randbytes(2 * MiB)
    raw = with_attachment(pdf)
    mail = parse(raw)
    assert mail.attachments[0].skipped
    assert mail.key == parse(raw.replace(b"\n", b"\r\n")).key
    cls = classify(mail, ClassifyContext.from_config(config))
    assert cls.kind == "applicant_message" and cls.intent == "question"
    assert cls.as_json("x") == classify(parse(raw.replace(b"\n", b"\r\n")), ClassifyContext.from_config(config)).as_json("x")


def test_a_small_attachment_is_kept_whole_and_decoded_only_when_asked() -> None:
    data = random.Random(13).randbytes(MAX_UNREAD_PART_BYTES // 2)
    mail = parse(with_attachment(data, filename="responses.json", subtype="json"))
    [attachment] = mail.attachments
    assert not attachment.skipped and attachment.data() == data
    assert abs(attachment.size - len(data)) < len(data) / 100


def test_a_large_text_part_is_kept() -> None:
    # Text is read (the body, a calendar, a notice): only parts nothing reads as text are skipped.
    text = "I would like to take part.\n" * (MAX_UNREAD_PART_BYTES // 20)
    mail = parse(with_attachment(text.encode(), maintype="text", subtype="plain", filename="notes.txt"))
    [attachment] = mail.attachments
    assert not attachment.skipped and attachment.data().decode() == text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"a", b"\r", b"\n", b"\r\n", b"\n\n", b"xyz"]), max_size=60),
       st.integers(min_value=1, max_value=9))
def test_normalising_in_chunks_is_normalising_at_once(pieces: list[bytes], size: int) -> None:
    raw = b"".join(pieces)
    assert b"".join(normalised_chunks(raw, size)) == normalise_newlines(raw)
    assert normalised_size(raw) == len(normalise_newlines(raw))


def test_a_large_text_body_is_read_whole_at_about_twice_its_size() -> None:
    from workflow.classify.mimeparts import own_text
    from workflow.limits import MAX_TEXT_CHARS

    line = "I would like to take part in the meeting. Is it recorded?\n"
    body = "Dear contact person,\n\n" + line * ((8 * MiB) // len(line))
    raw = mails.build("Maria Keller <maria.keller@example.net>", "Question", body)
    mail, peak = parse_peak(raw)
    # Held line by line (a str per line), joined, then encoded and decoded again to be read,
    # it took 7 times its size; now the kept body and the pieces it is joined from.
    assert peak < 2.5 * len(raw), f"parse allocated {peak / len(raw):.1f} times the mail's size"
    assert mail.message.get_payload() == body
    assert mail.text == body[:MAX_TEXT_CHARS] and "TextTruncated" in mail.defects
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        text = own_text(mail.message)  # what the robot guards and bounce detection read
        grown = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert text == body[:len(text)] and len(text) > MAX_TEXT_CHARS // 2
    assert grown < len(raw) / 10  # its first part, not a decoded copy of all of it


@pytest.mark.parametrize("charset", [None, "us-ascii", "utf-8", "iso-8859-1", "windows-1252", "utf-7", "utf-16"])
@pytest.mark.parametrize("cte", ["7bit", "8bit", "quoted-printable", "base64"])
@pytest.mark.parametrize("body", [b"Is the meeting recorded? +AGEA- =41\n", "Größe\n".encode("latin-1")])
def test_the_short_way_to_a_parts_text_is_the_long_way(charset: str | None, cte: str, body: bytes) -> None:
    from workflow.classify.mimeparts import part_text
    from workflow.mimetree import ascii_text, payload_prefix, read_tree

    ctype = "text/plain" + (f"; charset={charset}" if charset else "")
    part = read_tree(b"Content-Type: " + ctype.encode() + b"\nContent-Transfer-Encoding: " + cte.encode()
                     + b"\n\n" + body)
    decoded = part.get_payload(decode=True)
    text = ascii_text(part)
    if text is not None:  # only where it is exactly what decoding gives
        assert text == decoded.decode(charset or "utf-8") == part_text(part)
    prefix = payload_prefix(part, 5)
    assert prefix is None or prefix == decoded[:5]
