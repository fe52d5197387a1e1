"""Cheap, never-raising reads of a stdlib ``Message``, shared by the robot guards and bounce detection.

It owns how classification reads a message's raw headers, MIME types, its own parts (not those
of attached messages) and their decoded text. It must not decide anything about the message:
guards.py and bounces.py do, on what these helpers return. Every helper treats what it cannot
read as absent, so one broken header or part never stops a classification.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from email.header import Header, decode_header
from email.message import Message
from email.utils import parseaddr

from ..addresses import address_pairs
from ..mimetree import ascii_text
from ..parse import decode_encoded_words, header_index

log = logging.getLogger(__name__)

MAX_PARTS = 200  # a report has a handful of parts; stop walking pathological trees early
MAX_TEXT = 200_000  # notices are short; this bounds regex time on huge bodies

# What a notice's own text is made of: its text parts except the returned original's headers.
ORIGINAL_HEADER_TYPES = frozenset({"text/rfc822-headers", "message/global-headers", "message/rfc822-headers"})


def raw_header(msg: Message, name: str) -> str:
    """First *name* header exactly as received (RFC 2047 words undecoded), or "".

    Classification runs on every incoming mail, and with ``email.policy.default`` each ``msg[name]`` /
    ``get_content_type()`` re-parses the header through the header registry (~0.1 ms a time);
    the raw value is all the cheap checks need.
    """
    value = _first_raw(msg, name)
    return "" if value is None else str(value)


def _first_raw(msg: Message, name: str) -> object | None:
    """The first ``name`` header's raw value from the message's header index, or None."""
    try:
        pairs = header_index(msg).get(name.lower())
    except Exception:  # noqa: BLE001 - unreadable headers count as absent
        log.debug("unreadable %s header", name, exc_info=True)
        return None
    return pairs[0][1] if pairs else None


def content_type(part: Message) -> str:
    """Lowercased MIME type with the stdlib's fallback rules, parsed cheaply from the raw header."""
    ctype = raw_header(part, "Content-Type").split(";", 1)[0].strip().lower()
    if ctype.count("/") != 1:
        # RFC 2045: missing or invalid means the default (text/plain, message/rfc822 in a digest).
        return part.get_default_type()
    return ctype


def decode_words(value: str) -> str:
    """Header text for matching: RFC 2047 words decoded, raw 8-bit (kept by the parser as
    surrogate escapes) read as UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return decode_encoded_words(value)


def own_parts(msg: Message) -> Iterator[Message]:
    """Walk the message's own MIME tree without descending into attached messages.

    An attached original (message/rfc822) may itself be a report -- e.g. a person forwarding a bounce
    as an attachment -- and must not make the outer mail look like one.
    """
    stack = [msg]
    seen = 0
    while stack and seen < MAX_PARTS:
        part = stack.pop()
        seen += 1
        yield part
        if content_type(part).startswith("multipart/") and part.is_multipart():
            payload = part.get_payload()
            if isinstance(payload, list):
                stack.extend(reversed([p for p in payload if isinstance(p, Message)]))


def part_text(part: Message) -> str:
    """A leaf part's payload decoded with its charset (UTF-8 when unknown), at most MAX_TEXT."""
    text = ascii_text(part)
    if text is not None:
        return text[:MAX_TEXT]
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        text = payload.decode(charset, "replace")
    except (LookupError, UnicodeError):
        text = payload.decode("utf-8", "replace")
    return text[:MAX_TEXT]


_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^>]*)?/?>|<!--.*?-->", re.DOTALL)


def html_to_text(text: str) -> str:
    # Only tags with a plain tag name are removed, so "<user@example.com>" survives.
    text = re.sub(r"(?i)<br\s*/?>|</(?:p|div|tr|li|h\d)>", "\n", text)
    return html.unescape(_HTML_TAG.sub(" ", text))


def own_text(msg: Message) -> str:
    """Decoded text of the message's own (non-attached) text parts; HTML only when there is no plain
    text. Kept on the message: the robot guards and bounce detection both read it."""
    text = msg.__dict__.get("_callflow_own_text")
    if text is None:
        text = msg.__dict__["_callflow_own_text"] = _own_text(msg)
    return text


def _own_text(msg: Message) -> str:
    chunks: list[str] = []
    html_chunks: list[str] = []
    for part in own_parts(msg):
        ctype = content_type(part)
        broken_multipart = ctype.startswith("multipart/") and not part.is_multipart()
        if not ctype.startswith("text/") and not broken_multipart:
            continue
        if ctype in ORIGINAL_HEADER_TYPES:
            continue
        if part is not msg and part.get_content_disposition() == "attachment":
            continue
        try:
            text = part_text(part)
        except Exception:  # noqa: BLE001 - an undecodable part is an empty one
            log.debug("undecodable %s part", ctype, exc_info=True)
            continue
        if ctype == "text/html":
            html_chunks.append(html_to_text(text))
        else:
            chunks.append(text)
    # HTML alternatives repeat the plain text; use them only for HTML-only notices.
    return "\n".join(chunks or html_chunks)


# -- header values as text (what the robot guards read) ----------------------------------------
def header_values(msg: Message, name: str) -> list[str]:
    """All values of header ``name`` as strings; any failure means "absent".

    ``policy.default`` parses a header on access and can raise on garbage;
    ``compat32`` can hand back ``email.header.Header`` objects whose ``str()`` can
    raise on undecodable bytes.  One bad header must not hide the others.
    """
    try:
        raw = [msg.policy.header_fetch_parse(k, v) for k, v in header_index(msg).get(name.lower(), ())]
    except Exception:
        return []
    if not raw:
        return []
    out: list[str] = []
    for value in raw:
        try:
            text = _header_text(value)
        except Exception:
            continue
        out.append(text)
    return out


def _header_text(value: object) -> str:
    """A header value as text.

    ``compat32`` returns raw 8-bit headers (a UTF-8 subject sent without RFC 2047,
    common from Japanese and webmail senders) as ``Header`` objects in the
    ``unknown-8bit`` charset, whose ``str()`` is all replacement characters.  Take
    the bytes back and decode them as UTF-8, falling back to Latin-1.
    """
    if not isinstance(value, Header):
        return str(value)
    pieces: list[str] = []
    for chunk, charset in decode_header(value):
        if isinstance(chunk, str):
            pieces.append(chunk)
            continue
        if charset and charset != "unknown-8bit":
            try:
                pieces.append(chunk.decode(charset, "replace"))
                continue
            except LookupError:
                pass
        try:
            pieces.append(chunk.decode("utf-8"))
        except UnicodeDecodeError:
            pieces.append(chunk.decode("latin-1"))
    return "".join(pieces)


def first_header(msg: Message, name: str) -> str | None:
    values = header_values(msg, name)
    return values[0] if values else None


def has_header(msg: Message, name: str) -> bool:
    """Header present, even with an empty value (``X-Autoreply:`` still means it)."""
    try:
        return name.lower() in header_index(msg)
    except Exception:
        return False


def first_token(value: str) -> str:
    """First keyword of a structured value: ``auto-replied; owner=x (zimbra)`` -> ``auto-replied``."""
    match = re.match(r"\s*([A-Za-z0-9_.-]+)", value)
    return match.group(1).casefold() if match else ""


def decoded_subject(msg: Message) -> str:
    """The subject as text, RFC 2047 words decoded, never raising.

    ``policy.default`` already decodes; ``compat32`` does not.  Decoding an already
    decoded string is harmless, so always try it and fall back to the raw text.
    A raw 8-bit subject that is not UTF-8 comes out of ``policy.default`` with
    replacement characters; then the raw bytes are decoded again (UTF-8, else Latin-1).
    """
    raw = first_header(msg, "Subject")
    if not raw:
        return ""
    if "\ufffd" in raw:
        raw = redecoded_header(msg, "Subject") or raw
    return decode_encoded_words(raw)


def redecoded_header(msg: Message, name: str) -> str | None:
    """The first ``name`` header re-decoded from the bytes the parser kept."""
    value = _first_raw(msg, name)
    if not isinstance(value, str):
        return None
    try:
        data = value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def header_addresses(msg: Message, name: str) -> list[tuple[str, str]]:
    """``(display name, address)`` pairs of an address header, never raising."""
    values = header_values(msg, name)
    if not values:
        return []
    try:
        pairs = address_pairs(values)
    except Exception:
        pairs = []
        for value in values:
            try:
                pairs.append(parseaddr(value))
            except Exception:
                continue
    return [(n or "", a or "") for n, a in pairs]


def auto_submitted(msg: Message) -> tuple[str, str] | None:
    """First ``Auto-Submitted`` keyword other than ``no`` (RFC 3834 5.1), with its raw value."""
    for value in header_values(msg, "Auto-Submitted"):
        keyword = first_token(value)
        if keyword and keyword != "no":
            return keyword, " ".join(value.split())
    return None
