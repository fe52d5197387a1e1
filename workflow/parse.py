"""Raw bytes → ParsedMail: headers, text, HTML as text, the sender's own words, attachments.

Built on the standard library's ``email`` package. Real mail is often broken, so every
header is read defensively (RFC 2047 encoded words and raw 8-bit bytes are decoded here,
never raising). Addresses are taken from the address list as written: encoded words are
decoded only inside display names (RFC 2047 §5), so a name can never become an address.
A MIME tree nested deeper than ``MAX_MIME_DEPTH`` is refused while it is read, before
anything recurses into it. A message with no usable sender and no usable text, or one that
cannot be read at all, is reported as unparseable (``ParsedMail.fatal``) and the pipeline
quarantines it; nothing here raises on bad input and nothing here decides what mail means.

The tree itself is read by mimetree.py, in bounded memory: a large attachment nothing reads
(a 30 MB PDF) is recorded by name, type and size, never held twice and never decoded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.header import Header, decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.utils import parseaddr, parsedate_to_datetime
from functools import cached_property

import html2text
from mailparser_reply import EmailReplyParser

from .addresses import address_pairs
from .limits import (
    MAX_CALENDAR_CHARS,
    MAX_HTML_CHARS,
    MAX_NAME_CHARS,
    MAX_SUBJECT_READ_CHARS,
    MAX_TEXT_CHARS,
    clip,
)
from .mimetree import (  # noqa: F401 - MAX_MIME_DEPTH: part of parse's interface
    MAX_MIME_DEPTH,
    MimeTooDeep,
    ascii_text,
    dedup_key,
    header_block,
    normalise_newlines,
    normalised_size,
    skipped_body,
)
from .mimetree import read_tree as _read_tree

REPLY_LANGUAGES = ["en", "de", "fr", "nl", "es", "it", "da", "sv", "pl", "cs"]
_reply_parser = EmailReplyParser(languages=REPLY_LANGUAGES)
_MSGID = re.compile(r"<[^<>\s]+>")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MAX_DECODED_HEADER_CHARS = 16_000


@dataclass
class Attachment:
    """A MIME leaf that is not the body. The payload stays in the message: no second copy, and
    nothing is decoded until ``data()`` is asked for."""

    filename: str | None
    content_type: str
    part: Message = field(repr=False)

    @property
    def skipped(self) -> bool:
        """True when the body was larger than ``MAX_UNREAD_PART_BYTES`` and not kept: ``data()``
        is then empty, ``size`` an estimate from the encoded length."""
        return skipped_body(self.part) is not None

    @property
    def size(self) -> int:
        """The decoded size in bytes, estimated from the encoded length (nothing is decoded)."""
        skipped = skipped_body(self.part)
        if skipped is not None:
            chars, lines = skipped
        else:
            payload = self.part.get_payload()
            if not isinstance(payload, str):
                return 0
            chars, lines = len(payload), payload.count("\n")
        encoding = str(self.part.get("Content-Transfer-Encoding", "")).strip().lower()
        return (chars - lines) * 3 // 4 if encoding == "base64" else chars

    def data(self) -> bytes:
        payload = self.part.get_payload(decode=True)
        if isinstance(payload, bytes):
            return payload
        inner = self.part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):  # message/rfc822
            return inner[0].as_bytes()
        return b""

    def text(self) -> str:
        return _decode_bytes(self.data(), self.part.get_content_charset())


@dataclass
class ParsedMail:
    message: Message = field(repr=False)
    raw_size: int
    key: str  # de-duplication key: the same Message-ID and content give the same key
    message_id: str | None
    subject: str
    from_addr: str  # lowercased addr-spec, "" if none
    from_name: str
    reply_to: list[str]
    to: list[str]
    cc: list[str]
    return_path: str | None
    date: datetime | None
    in_reply_to: list[str]
    references: list[str]
    text: str  # the readable body: text/plain, or the HTML part converted to text
    html: str | None
    attachments: list[Attachment]
    calendars: list[str]  # text/calendar parts, as text
    defects: list[str]
    fatal: str | None = None  # why the mail cannot be understood at all
    text_from_plain: bool = True  # False when ``text`` was made from the HTML part

    @cached_property
    def reply_text(self) -> str:
        """The sender's own words: quoted history and signature removed (computed on demand:
        reply parsing is the costliest step and robots and survey mail never need it)."""
        return strip_reply(self.text)

    def slim(self, keep_words: bool) -> ParsedMail:
        """A copy without the MIME tree, small to send between processes: what the decide
        stage needs (ids, sender, subject, and the sender's own words when asked)."""
        copy = ParsedMail(
            message=Message(), raw_size=self.raw_size, key=self.key, message_id=self.message_id,
            subject=self.subject, from_addr=self.from_addr, from_name=self.from_name, reply_to=self.reply_to,
            to=self.to, cc=self.cc, return_path=self.return_path, date=self.date, in_reply_to=self.in_reply_to,
            references=self.references, text="", html=None, attachments=[], calendars=[], defects=self.defects,
            fatal=self.fatal, text_from_plain=self.text_from_plain,
        )
        copy.__dict__["reply_text"] = self.reply_text if keep_words else ""
        return copy

    def header(self, name: str) -> str:
        return header_str(self.message, name)

    def header_all(self, name: str) -> list[str]:
        out = []
        for value in _header_values(self.message, name):
            try:
                out.append(_as_text(value))
            except Exception:
                continue
        return out


_SURROGATES = re.compile(r"[\udc80-\udcff]")
_SURROGATES_ANY = re.compile(r"[\ud800-\udfff]")


def _decode_8bit(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def _header_object_text(value: Header) -> str:
    """compat32 wraps a header with raw 8-bit bytes in a Header of charset unknown-8bit."""
    parts = []
    for chunk, charset in decode_header(value):
        if isinstance(chunk, bytes):
            if charset and charset != "unknown-8bit":
                try:
                    parts.append(chunk.decode(charset))
                    continue
                except (LookupError, UnicodeDecodeError):
                    pass
            parts.append(_decode_8bit(chunk))
        else:
            parts.append(chunk)
    return "".join(parts)


def decode_encoded_words(text: str) -> str:
    """RFC 2047 encoded words decoded; never raises (undecodable text is returned as it is).

    The standard library's decoder takes quadratic time in the number of encoded words, and a
    header of 100,000 of them took the better part of a minute: only the first
    ``MAX_DECODED_HEADER_CHARS`` are decoded, far more than any name or subject callflow reads.
    """
    if "=?" not in text:
        return text
    text = text[:MAX_DECODED_HEADER_CHARS]
    try:
        return str(make_header(decode_header(text)))
    except Exception:
        return text


def _as_text(value: object) -> str:
    text = _header_object_text(value) if isinstance(value, Header) else str(value)
    if _SURROGATES.search(text):
        # Raw 8-bit bytes in a header (no encoded words): most often UTF-8, else Windows-1252.
        text = _decode_8bit(text.encode("utf-8", "surrogateescape"))
    # Encoded words the header parser left alone (e.g. inside broken headers).
    text = decode_encoded_words(text)
    if _SURROGATES_ANY.search(text):
        # A broken encoded word can decode to lone surrogates, which no mail can carry.
        text = _SURROGATES_ANY.sub("\ufffd", text)
    # Unfolded, one line: a decoded CR/LF must never reach a header we write.
    return " ".join(_CONTROL.sub(" ", text).split())


def header_index(msg: Message) -> dict[str, list[tuple[str, str]]]:
    """Raw headers by lower-cased name, built once per message.

    Classification asks for dozens of headers per message; ``Message.get``/``get_all`` scan
    every header each time, which made header lookups the largest cost of a backfill.
    """
    index = msg.__dict__.get("_callflow_header_index")
    if index is None:
        index = {}
        for key, value in getattr(msg, "_headers", []):
            index.setdefault(key.lower(), []).append((key, value))
        msg.__dict__["_callflow_header_index"] = index
    return index


def _header_values(msg: Message, name: str) -> list[object]:
    """All values of a header, as the message's policy presents them (raw when that fails)."""
    pairs = header_index(msg).get(name.lower(), [])
    try:
        return [msg.policy.header_fetch_parse(k, v) for k, v in pairs]
    except Exception:
        return [v for _, v in pairs]


def header_str(msg: Message, name: str) -> str:
    """A header as clean text; never raises, '' when absent or unreadable."""
    values = _header_values(msg, name)
    if not values:
        return ""
    try:
        return _as_text(values[0])
    except Exception:
        raw = header_index(msg)[name.lower()][0][1]
        return _as_text(raw if isinstance(raw, str) else "")


def _raw_header_text(value: str) -> str:
    """A header value as written: raw 8-bit bytes decoded, lines unfolded, encoded words kept."""
    if _SURROGATES.search(value):
        value = _decode_8bit(value.encode("ascii", "surrogateescape"))
    return " ".join(_CONTROL.sub(" ", value).split())


def _addresses(msg: Message, name: str) -> list[tuple[str, str]]:
    """(display name, lowercased address) pairs; broken headers are parsed leniently.

    The address list is parsed as written and encoded words are decoded only in the display
    names afterwards: ``=?utf-8?q?Smith_=3Cboss=40corp.example=3E?= <john@example.com>`` is
    John's mail, and ``=?utf-8?q?Smith=2C_John?=`` keeps its comma. Only when the header holds
    no address at all (a client that encoded the whole header) is the decoded text read.
    """
    raw_values = [v for _, v in header_index(msg).get(name.lower(), []) if isinstance(v, str)]
    out = _address_list([_raw_header_text(v) for v in raw_values])
    if not out and any("=?" in v for v in raw_values):
        out = _address_list([_as_text(v) for v in _header_values(msg, name)])
    return out


def _address_list(values: list[str]) -> list[tuple[str, str]]:
    out = []
    for display, addr in address_pairs(values):
        addr = addr.strip().strip("<>").lower()
        if "@" in addr and " " not in addr:
            name = _as_text(display).strip()
            if "=?" in name:
                name = ""  # an encoded word that could not be decoded is not a name anyone wrote
            out.append((clip(name, MAX_NAME_CHARS), addr))
    return out


def _decode_bytes(data: bytes, charset: str | None) -> str:
    for candidate in (charset, "utf-8", "cp1252"):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1")


def _part_text(part: Message) -> str:
    text = ascii_text(part)
    if text is not None:
        return text
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        if isinstance(content, str):
            return content
    except Exception:
        pass
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return _decode_bytes(payload, part.get_content_charset())
    payload = part.get_payload()
    return payload if isinstance(payload, str) else ""


def _blank(text: str) -> bool:
    """``not text.strip()``, without copying a large text."""
    return not text or text.isspace()


def looks_like_text(text: str) -> bool:
    """Readable prose rather than binary noise or encoded data."""
    if not text.strip() or "\x00" in text:
        return False
    printable = sum(ch.isprintable() or ch in "\n\t\r" for ch in text) / len(text)
    tokens = [t for t in text.split() if any(ch.isalnum() for ch in t)]  # ">" quote marks are not words
    if not tokens:
        return False
    # CJK text has no spaces between words, so a long token of CJK letters is still prose;
    # a long ASCII token (base64, hex) is not.
    wordlike = sum(
        1 for t in tokens
        if any(ch.isalpha() for ch in t) and (len(t) <= 25 or any(ord(ch) >= 0x2E80 for ch in t))
    ) / len(tokens)
    return printable >= 0.95 and wordlike >= 0.6


def html_to_text(html: str) -> str:
    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.ignore_images = True
    converter.ignore_links = False
    converter.ignore_emphasis = True
    try:
        return converter.handle(html).strip()
    except Exception:
        return re.sub(r"<[^>]+>", " ", html)


def strip_reply(text: str) -> str:
    """The author's own words: quoted history, forwarded parts and signature removed."""
    if not text.strip():
        return ""
    try:
        mail = _reply_parser.read(text=text)
        first = mail.replies[0].body if mail.replies else text
    except Exception:
        first = text
    own = "\n".join(line for line in first.splitlines() if not line.lstrip().startswith(">"))
    return own.strip()


def _walk_leaves(msg: Message):
    """Leaves of the MIME tree. An attached message (message/rfc822, a forward) is one leaf:
    its text is someone else's words, not the sender's."""
    if msg.get_content_maintype() == "message":
        yield msg
        return
    if msg.is_multipart():
        for sub in msg.get_payload() or []:  # type: ignore[union-attr]
            if isinstance(sub, Message):
                yield from _walk_leaves(sub)
    else:
        yield msg


def _message_ids(value: str) -> list[str]:
    return _MSGID.findall(value)


_OBSOLETE_HEADER = re.compile(rb"^([!-9;-~]+)[ \t]+:", re.MULTILINE)


def _repair_obsolete_headers(raw: bytes) -> bytes:
    """RFC 2822 obsolete syntax allows space before the colon ("From  : ..."); the email
    package reads such a header block as body. Rewrite only the header block."""
    head, sep, body = raw.partition(b"\n\n")
    return _OBSOLETE_HEADER.sub(rb"\1:", head) + sep + body


def parse(raw: bytes) -> ParsedMail:
    """Parse one message. Never raises: problems are defects, or ``fatal`` when hopeless."""
    try:
        return _parse(raw)
    except MimeTooDeep as exc:
        return unreadable(raw, str(exc))
    except (Exception, RecursionError) as exc:  # a library bug on hostile input: one mail, never the pass
        return unreadable(raw, f"cannot be read ({type(exc).__name__})")


def unreadable(raw: bytes, reason: str) -> ParsedMail:
    """A ParsedMail for a message that cannot be read: its headers when they can be read (for
    the record and the organisers), never its body; ``fatal`` says why. Never raises."""
    try:
        msg = BytesParser(policy=policy.compat32).parsebytes(header_block(raw), headersonly=True)
        message_ids = _message_ids(header_str(msg, "Message-ID"))
        from_pairs = _addresses(msg, "From")
        subject = clip(header_str(msg, "Subject"), 500)
    except Exception:
        msg, message_ids, from_pairs, subject = Message(), [], [], ""
    message_id = message_ids[0] if message_ids else None
    from_name, from_addr = from_pairs[0] if from_pairs else ("", "")
    return ParsedMail(
        message=msg, raw_size=normalised_size(raw), key=dedup_key(raw, message_id), message_id=message_id,
        subject=subject, from_addr=from_addr, from_name=from_name, reply_to=[], to=[], cc=[],
        return_path=None, date=None, in_reply_to=[], references=[], text="", html=None,
        attachments=[], calendars=[], defects=["Unreadable"], fatal=reason,
    )


def _parse(raw: bytes) -> ParsedMail:
    """``raw`` as it came (any line endings: each chunk is normalised as it is read)."""
    defects: list[str] = []
    if _OBSOLETE_HEADER.match(raw):
        raw = _repair_obsolete_headers(normalise_newlines(raw))
        defects.append("ObsoleteHeaderSyntax")
    msg = _read_tree(raw)
    defects.extend(type(d).__name__ for d in getattr(msg, "defects", []))

    message_id_list = _message_ids(header_str(msg, "Message-ID"))
    message_id = message_id_list[0] if message_id_list else None
    key = dedup_key(raw, message_id)

    from_pairs = _addresses(msg, "From")
    from_name, from_addr = from_pairs[0] if from_pairs else ("", "")
    return_path_raw = header_str(msg, "Return-Path")
    return_path = None
    if return_path_raw:
        return_path = parseaddr(return_path_raw)[1].lower() if return_path_raw.strip() != "<>" else ""

    date = None
    try:
        date_header = header_str(msg, "Date")
        if date_header:
            date = parsedate_to_datetime(date_header)
    except Exception:
        defects.append("InvalidDateHeader")

    plain: list[str] = []
    html_parts: list[str] = []
    attachments: list[Attachment] = []
    calendars: list[str] = []
    for part in _walk_leaves(msg):
        try:
            ctype = part.get_content_type()
        except Exception:
            ctype = "application/octet-stream"
        try:
            disposition = part.get_content_disposition()
            filename = part.get_filename()
        except Exception:
            disposition, filename = None, None
        if ctype == "text/calendar":
            calendars.append(_part_text(part)[:MAX_CALENDAR_CHARS])
            attachments.append(Attachment(filename, ctype, part))
        elif disposition == "attachment" or filename or not ctype.startswith("text/"):
            attachments.append(Attachment(filename and _as_text(filename), ctype, part))
        elif ctype == "text/html":
            html_parts.append(_part_text(part))
        elif ctype.startswith("text/"):
            plain.append(_part_text(part))

    html = "\n".join(html_parts) if html_parts else None
    if html is not None and len(html) > MAX_HTML_CHARS:
        html = html[:MAX_HTML_CHARS]
        defects.append("HtmlTruncated")
    text = "\n\n".join(p for p in plain if not _blank(p))
    text_from_plain = True
    if _blank(text) and html:
        text = html_to_text(html)
        text_from_plain = False
    text = text.replace("\r\n", "\n")
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS]
        defects.append("TextTruncated")

    fatal = None
    if not from_addr and not text.strip() and not attachments:
        fatal = "no sender address and no readable content"
    elif not msg.keys() and not looks_like_text(text):
        # No header block at all: a person's words without headers can still be read (and
        # shown to organisers); binary noise or a file cut out of a base64 attachment cannot.
        fatal = "no headers and no readable text"

    return ParsedMail(
        message=msg,
        raw_size=normalised_size(raw),
        key=key,
        message_id=message_id,
        subject=clip(header_str(msg, "Subject"), MAX_SUBJECT_READ_CHARS),
        from_addr=from_addr,
        from_name=from_name,
        reply_to=[a for _, a in _addresses(msg, "Reply-To")],
        to=[a for _, a in _addresses(msg, "To")],
        cc=[a for _, a in _addresses(msg, "Cc")],
        return_path=return_path,
        date=date,
        in_reply_to=_message_ids(header_str(msg, "In-Reply-To")),
        references=_message_ids(header_str(msg, "References")),
        text=text,
        html=html,
        attachments=attachments,
        calendars=calendars,
        defects=defects,
        fatal=fatal,
        text_from_plain=text_from_plain,
    )

