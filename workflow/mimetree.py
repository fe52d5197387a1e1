"""Raw bytes → the standard library's ``Message`` tree, in bounded memory.

The parser is the standard feed parser (compat32: headers stay strings) with two limits:
a MIME tree nested deeper than ``MAX_MIME_DEPTH`` is refused while it is read, before anything
recurses into it; and the body of a part that nothing reads as text -- not ``text/*``,
``message/*`` or ``multipart/*``: a PDF, an image, an archive -- is kept in the tree only up to
``MAX_UNREAD_PART_BYTES``. A larger one is dropped line by line as it is read and recorded on
its part by size alone (``skipped_body``), so it is never joined, copied or decoded. The raw bytes
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


def skipped_body(part: Message) -> tuple[int, int] | None:
    """(characters, lines) of a body that was too large to keep and nothing reads; else None."""
    return part.__dict__.get(_SKIPPED)


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


def _nothing_reads_as_text(part: Message) -> bool:
    """Whether nothing reads this part's body as text: not text/*, message/* or multipart/*."""
    try:
        return part.get_content_maintype() not in ("text", "message", "multipart")
    except Exception:
        return False


class _SkippingInput(BufferedSubFile):
    """The feed parser's line buffer, able to skip the body of one leaf part.

    After ``skip_leaf(part)`` the next reads are that part's body (the parser reads a leaf's
    body right after its headers). Its lines are held back until the body ends: a body of at
    most ``MAX_UNREAD_PART_BYTES`` is then handed to the parser as if nothing had happened; a
    larger one is dropped line by line as it arrives and the parser sees an empty body. Its
    length is recorded on the part (``_SKIPPED``). The part's end is found by the parser's own
    boundary predicates, exactly as it would be without skipping.
    """

    def __init__(self) -> None:
        super().__init__()
        self._part: Message | None = None
        self._held: list[str] = []
        self._chars = 0
        self._lines_read = 0
        self._dropping = False

    def skip_leaf(self, part: Message) -> None:
        self._part, self._held, self._chars, self._lines_read, self._dropping = part, [], 0, 0, False

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
            if self._dropping:
                continue
            self._held.append(line)
            if self._chars > MAX_UNREAD_PART_BYTES:
                self._held, self._dropping = [], True
        part, self._part = self._part, None
        if self._dropping:
            part.__dict__[_SKIPPED] = (self._chars, self._lines_read)
            return ""
        self._lines.extendleft(reversed(self._held))  # type: ignore[attr-defined]
        self._held = []
        return super().readline()


class _DepthLimitedParser(BytesFeedParser):
    """The standard feed parser, refusing to open a part nested deeper than MAX_MIME_DEPTH, and
    skipping the large bodies of parts nothing reads as text (``_SkippingInput``).

    The feed parser keeps the parts it is inside on a stack; each new part is opened by
    ``_new_message``. Refusing there stops a hostile tree before the parser (or anything
    after it) recurses into it.
    """

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self._input = _SkippingInput()

    def _new_message(self) -> None:
        if len(self._msgstack) >= MAX_MIME_DEPTH:  # type: ignore[attr-defined]
            raise MimeTooDeep(f"MIME parts nested deeper than {MAX_MIME_DEPTH} levels")
        super()._new_message()  # type: ignore[misc]

    def _parse_headers(self, lines: list[str]) -> None:
        super()._parse_headers(lines)  # type: ignore[misc]
        part = self._cur  # type: ignore[attr-defined]
        if not self._headersonly and _nothing_reads_as_text(part):  # type: ignore[attr-defined]
            self._input.skip_leaf(part)


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
