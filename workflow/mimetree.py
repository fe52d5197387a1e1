"""Raw bytes → the standard library's ``Message`` tree, in bounded memory.

The parser is the standard feed parser (compat32: headers stay strings) with two limits:
a MIME tree nested deeper than ``MAX_MIME_DEPTH`` is refused while it is read, before anything
recurses into it; and the body of a part that nothing reads as text -- not ``text/*``,
``message/*`` or ``multipart/*``: a PDF, an image, an archive -- is kept in the tree only up to
``MAX_UNREAD_PART_BYTES``. A larger one is dropped line by line as it is read and recorded on
its part by size alone (``skipped_body``), so it is never joined, copied or decoded; a large
text body is kept, joined as it is read rather than held line by line. The raw bytes
are handed over in chunks of ``CHUNK_BYTES``, line endings normalised chunk by chunk, so a mail
read over IMAP (CRLF) is never held twice. Nothing here interprets mail: parse.py does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from email import policy
from email.feedparser import BufferedSubFile, BytesFeedParser, NeedMoreData
from email.message import Message

from .limits import MAX_UNREAD_PART_BYTES

# Real mail nests a few levels (a forward of a reply with attachments is about six); a message
# nested deeper is refused as unparseable while it is read, before anything recurses into it.
MAX_MIME_DEPTH = 50
CHUNK_BYTES = 128 << 10  # how much of the raw message is normalised and handed to the parser at once
# A skipped part's body is recorded on the part under this name: (characters, lines) as written.
_SKIPPED = "_callflow_skipped_body"
# What get_payload(decode=True) decodes; any other transfer encoding is the payload's own bytes.
_TRANSFER_ENCODED = frozenset({"quoted-printable", "base64", "x-uuencode", "uuencode", "uue", "x-uue"})
# Charsets in which ASCII bytes are the same characters (the usual ones; others take the long way).
_ASCII_SUPERSETS = frozenset({
    "us-ascii", "ascii", "utf-8", "utf8", "iso-8859-1", "latin-1", "latin1", "iso-8859-15", "windows-1252", "cp1252",
})


def skipped_body(part: Message) -> tuple[int, int] | None:
    """(characters, lines) of a body that was too large to keep and nothing reads; else None."""
    return part.__dict__.get(_SKIPPED)


def ascii_text(part: Message) -> str | None:
    """A leaf's text when it is plain ASCII in an ASCII-compatible charset and no transfer
    encoding: the payload itself, which is exactly what decoding ``get_payload(decode=True)``
    gives, without the two copies. None when the part needs the long way."""
    try:
        payload = _str_payload(part)
        if payload is None or not payload.isascii():
            return None
        if str(part.get("content-transfer-encoding", "")).lower() in _TRANSFER_ENCODED:
            return None
        charset = part.get_content_charset()
    except Exception:
        return None
    return payload if charset is None or charset in _ASCII_SUPERSETS else None


def payload_prefix(part: Message, size: int) -> bytes | None:
    """``part.get_payload(decode=True)[:size]`` for a leaf without a transfer encoding, made
    from the first ``size`` characters alone. None when it takes the long way."""
    try:
        payload = _str_payload(part)
        if payload is None or str(part.get("content-transfer-encoding", "")).lower() in _TRANSFER_ENCODED:
            return None
        return payload[:size].encode("ascii", "surrogateescape")
    except Exception:  # characters no parser reading bytes makes: the long way
        return None


def _str_payload(part: Message) -> str | None:
    """A leaf's payload as the parser left it. ``get_payload()`` would first encode all of it
    to look for raw 8-bit bytes: a copy of a large body for a question about its first line."""
    payload = part.__dict__.get("_payload")
    return payload if isinstance(payload, str) else None


def normalise_newlines(raw: bytes) -> bytes:
    """CRLF and bare-CR (old Mac) line endings become LF, which the email package expects."""
    if b"\r" not in raw:
        return raw
    return raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def normalised_chunks(raw: bytes, size: int | None = None) -> Iterator[bytes]:
    """``normalise_newlines(raw)`` in pieces of about ``size`` (``CHUNK_BYTES``) bytes, never all
    of it at once. A piece never ends between the CR and the LF of a CRLF."""
    size = size or CHUNK_BYTES
    crlf = b"\r" in raw
    start, end_of_raw = 0, len(raw)
    while start < end_of_raw:
        end = min(start + size, end_of_raw)
        if crlf and end < end_of_raw and raw[end - 1] == 0x0D and raw[end] == 0x0A:
            end += 1
        piece = raw[start:end]
        yield piece.replace(b"\r\n", b"\n").replace(b"\r", b"\n") if crlf else piece
        start = end


def normalised_size(raw: bytes) -> int:
    """``len(normalise_newlines(raw))``, without making the copy."""
    return len(raw) - raw.count(b"\r\n")


def header_block(raw: bytes) -> bytes:
    """The header block of ``normalise_newlines(raw)`` (all of it when it has no body)."""
    pieces: list[bytes] = []
    last = b""
    for piece in normalised_chunks(raw):
        cut = (last + piece).find(b"\n\n")
        if cut >= 0:
            pieces.append(piece[: cut + 2 - len(last)])
            break
        pieces.append(piece)
        last = piece[-1:]
    return b"".join(pieces)


class MimeTooDeep(Exception):
    """The MIME tree is nested deeper than MAX_MIME_DEPTH."""


def _maintype(part: Message) -> str:
    try:
        return part.get_content_maintype()
    except Exception:
        return "text"


class _LeafInput(BufferedSubFile):
    """The feed parser's line buffer, watching the body of one leaf part at a time.

    After ``watch_leaf(part, skip)`` the next reads are that part's body (the parser reads a
    leaf's body right after its headers). Its lines are held back until the body ends: a body of
    at most ``MAX_UNREAD_PART_BYTES`` is then handed to the parser line by line, as if nothing
    had happened. A larger one is, when ``skip``, dropped line by line as it arrives (the parser
    sees an empty body and its length is recorded on the part, ``_SKIPPED``); otherwise it is
    joined as it arrives, a few thousand lines at a time, and handed over as one line, which the
    parser keeps as the payload without joining it again: a large text body costs about twice
    its size while it is read instead of four times (a str object per line, then the join).
    The part's end is found by the parser's own boundary predicates, exactly as before.
    """

    _JOIN_EVERY = 4096  # lines

    def __init__(self) -> None:
        super().__init__()
        self._part: Message | None = None
        self._skip = False
        self._held: list[str] = []
        self._pieces: list[str] = []
        self._chars = 0
        self._lines_read = 0
        self._large = False

    def watch_leaf(self, part: Message, skip: bool) -> None:
        self._part, self._skip, self._held, self._pieces = part, skip, [], []
        self._chars, self._lines_read, self._large = 0, 0, False

    def readline(self):  # type: ignore[no-untyped-def]
        if self._part is None:
            return super().readline()
        while True:
            line = super().readline()
            if line is NeedMoreData:
                return line
            if line == "":
                break  # the part's end: its boundary is back in the buffer (or the input ended)
            self._chars += len(line)
            self._lines_read += 1
            if self._large and self._skip:
                continue
            self._held.append(line)
            if not self._large and self._chars > MAX_UNREAD_PART_BYTES:
                self._large = True
                if self._skip:
                    self._held = []
            if self._large and len(self._held) >= self._JOIN_EVERY:
                self._pieces.append("".join(self._held))
                self._held = []
        part, self._part = self._part, None
        if not self._large:
            self._lines.extendleft(reversed(self._held))  # type: ignore[attr-defined]
            self._held = []
            return super().readline()
        if self._skip:
            part.__dict__[_SKIPPED] = (self._chars, self._lines_read)
            return ""
        self._pieces.append("".join(self._held))
        self._held = []
        body, self._pieces = "".join(self._pieces), []
        # The next read finds the boundary (or the end) again; an empty body was never large.
        return body


class _DepthLimitedParser(BytesFeedParser):
    """The standard feed parser, refusing to open a part nested deeper than MAX_MIME_DEPTH, and
    reading large leaf bodies in bounded memory (``_LeafInput``).

    The feed parser keeps the parts it is inside on a stack; each new part is opened by
    ``_new_message``. Refusing there stops a hostile tree before the parser (or anything
    after it) recurses into it.
    """

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self._input = _LeafInput()

    def _new_message(self) -> None:
        if len(self._msgstack) >= MAX_MIME_DEPTH:  # type: ignore[attr-defined]
            raise MimeTooDeep(f"MIME parts nested deeper than {MAX_MIME_DEPTH} levels")
        super()._new_message()  # type: ignore[misc]

    def _parse_headers(self, lines: list[str]) -> None:
        super()._parse_headers(lines)  # type: ignore[misc]
        part = self._cur  # type: ignore[attr-defined]
        maintype = _maintype(part)
        # message/* and multipart/* bodies are parsed further; a leaf's body follows its headers.
        if not self._headersonly and maintype not in ("message", "multipart"):  # type: ignore[attr-defined]
            # Only text is read as text (the body, a calendar, a notice); the rest is skipped
            # when large.
            self._input.watch_leaf(part, skip=maintype != "text")


def read_tree(raw: bytes) -> Message:
    # compat32 keeps headers as strings: decoding only the few callflow reads is about four
    # times faster than policy.default's header objects, and it never raises on bad headers.
    parser = _DepthLimitedParser(policy=policy.compat32)
    for piece in normalised_chunks(raw):
        parser.feed(piece)
    return parser.close()


def dedup_key(raw: bytes, message_id: str | None) -> str:
    """The key of ``normalise_newlines(raw)``: the Message-ID and a digest of the body after the
    header block (of everything when there is no Message-ID), read chunk by chunk."""
    digest = hashlib.sha256()
    digest.update((message_id or "").encode())
    digest.update(b"\0")
    in_body = message_id is None
    tail = b""
    for piece in normalised_chunks(raw):
        if in_body:
            digest.update(piece)
            continue
        data = tail + piece
        cut = data.find(b"\n\n")
        if cut >= 0:
            in_body = True
            digest.update(memoryview(data)[cut + 2:])
        else:
            tail = data[-1:]
    return f"{message_id or 'no-id'}|{digest.hexdigest()[:32]}"
