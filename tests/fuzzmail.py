"""Hypothesis strategies for hostile and broken mail, written byte for byte.

The email package refuses to build most of what arrives in a real mailbox (bad boundaries,
encoded CR/LF, 8-bit headers, absurd nesting), so messages are assembled as raw bytes here:
MIME trees of any shape (multipart with good, missing or wrong boundaries, attached messages,
calendar parts, binary parts, declared and undeclared charsets, deep chains past the nesting
limit) under headers of any size and encoding.
"""

from __future__ import annotations

import base64
import quopri

from hypothesis import strategies as st

CHARSETS = ["utf-8", "iso-8859-1", "windows-1252", "koi8-r", "shift_jis", "gb2312", "utf-16", "x-unknown", ""]
TEXTS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=300,
)
WORDS = st.sampled_from([
    "I would like to take part", "please delete my data", "I confirm", "I cannot come", "unsubscribe",
    "Out of office", "Undelivered Mail Returned to Sender", "=?", "?=", "<", ">", "@", ",", '"', ";",
    "\r\n", "\n", "\x00", "\x1b", "Bcc: x@evil.example", "postmaster", "MAILER-DAEMON", "ünïcödé", "日本語",
])


@st.composite
def header_text(draw: st.DrawFn, max_repeat: int = 50_000) -> str:
    """A header value as senders write them: plain, encoded words, raw 8-bit, or huge."""
    parts = draw(st.lists(st.one_of(TEXTS, WORDS), min_size=0, max_size=6))
    text = " ".join(parts)
    how = draw(st.sampled_from(["plain", "q", "b", "8bit", "huge", "broken-word"]))
    if how == "q":
        charset = draw(st.sampled_from(["utf-8", "iso-8859-1"]))
        data = text.encode(charset, "replace")
        return f"=?{charset}?q?{quopri.encodestring(data, header=True).decode('ascii', 'replace')}?="
    if how == "b":
        return f"=?utf-8?b?{base64.b64encode(text.encode('utf-8', 'surrogatepass')).decode()}?="
    if how == "huge":
        return ("word " * draw(st.integers(1000, max_repeat))) + text
    if how == "broken-word":
        return f"=?{draw(st.sampled_from(CHARSETS))}?{draw(st.sampled_from('qbx'))}?{text}"
    return text


@st.composite
def address_header(draw: st.DrawFn) -> str:
    local = draw(st.sampled_from(["maria", "j.doe", "x", '"a@b.example"', "postmaster", "MAILER-DAEMON",
                                  "no-reply", "üser"]))
    domain = draw(st.sampled_from(["example.org", "example.net", "[127.0.0.1]", "localhost",
                                   "callflow.example.org", "exämple.de", ""]))
    addr = f"{local}@{domain}" if domain else local
    shape = draw(st.sampled_from(["bare", "named", "angle", "list", "group", "empty"]))
    name = draw(header_text(max_repeat=20_000))
    if shape == "bare":
        return addr
    if shape == "named":
        return f"{name} <{addr}>"
    if shape == "angle":
        return f"<{addr}>"
    if shape == "list":
        return f"{name} <{addr}>, other <other@example.com>"
    if shape == "group":
        return f"undisclosed-recipients:{addr};"
    return ""


def _leaf(ctype: str, body: bytes, extra: str = "") -> bytes:
    return f"Content-Type: {ctype}{extra}\n".encode() + b"\n" + body


@st.composite
def leaf(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["plain", "html", "binary", "calendar", "qp", "b64text", "garbage"]))
    text = " ".join(draw(st.lists(st.one_of(TEXTS, WORDS), max_size=5)))
    charset = draw(st.sampled_from(CHARSETS))
    cs = f'; charset="{charset}"' if charset else ""
    if kind == "plain":
        return _leaf("text/plain", text.encode("utf-8", "surrogateescape"), cs)
    if kind == "html":
        return _leaf("text/html", f"<html><body><p>{text}</p><table><tr><td>{text}</td></tr></table>".encode(), cs)
    if kind == "binary":
        data = draw(st.binary(max_size=2000))
        return (b"Content-Type: application/octet-stream; name=\"x.bin\"\nContent-Transfer-Encoding: base64\n"
                b"Content-Disposition: attachment; filename=\"x.bin\"\n\n" + base64.encodebytes(data))
    if kind == "calendar":
        method = draw(st.sampled_from(["REPLY", "REQUEST", "CANCEL", ""]))
        body = f"BEGIN:VCALENDAR\nMETHOD:{method}\nBEGIN:VEVENT\nATTENDEE;PARTSTAT={text[:20]}:mailto:x@example.org\n"
        return _leaf("text/calendar", body.encode("utf-8", "surrogateescape"), f"; method={method}")
    if kind == "qp":
        return (f"Content-Type: text/plain{cs}\nContent-Transfer-Encoding: quoted-printable\n\n".encode()
                + quopri.encodestring(text.encode("utf-8", "surrogateescape")))
    if kind == "b64text":
        return (f"Content-Type: text/plain{cs}\nContent-Transfer-Encoding: base64\n\n".encode()
                + draw(st.sampled_from([base64.encodebytes(text.encode("utf-8", "surrogateescape")), b"!!notbase64"])))
    return draw(st.binary(max_size=500))


def _multipart(subtype: str, parts: list[bytes], boundary: str, declared: str) -> bytes:
    body = b"".join(b"--" + boundary.encode() + b"\n" + p + b"\n" for p in parts) + f"--{boundary}--\n".encode()
    return f'Content-Type: multipart/{subtype}; boundary="{declared}"\n\n'.encode() + body


@st.composite
def mime_tree(draw: st.DrawFn, depth: int = 0) -> bytes:
    if depth >= 5 or draw(st.integers(0, 3)) == 0:
        return draw(leaf())
    shape = draw(st.sampled_from(["multipart", "multipart", "rfc822", "deep-chain"]))
    if shape == "rfc822":
        inner = draw(mime_tree(depth + 1))
        return b"Content-Type: message/rfc822\n\nFrom: someone@example.net\nSubject: fwd\n" + inner
    if shape == "deep-chain":
        # Past the nesting limit more often than not: refused while read, never recursed into.
        n = draw(st.integers(30, 1200))
        head = b"".join(f'Content-Type: multipart/mixed; boundary="d{i}"\n\n--d{i}\n'.encode() for i in range(n))
        tail = b"".join(f"\n--d{i}--".encode() for i in range(n - 1, -1, -1))
        return head + draw(leaf()) + tail
    boundary = f"b{depth}{draw(st.integers(0, 999))}"
    declared = draw(st.sampled_from([boundary, boundary, "", "wrong"]))
    subtype = draw(st.sampled_from(["mixed", "alternative", "related", "report", "signed"]))
    parts = draw(st.lists(mime_tree(depth + 1), min_size=0, max_size=4))
    return _multipart(subtype, parts, boundary, declared)


@st.composite
def hostile_mail(draw: st.DrawFn) -> bytes:
    headers = [f"From: {draw(address_header())}", f"Subject: {draw(header_text())}"]
    if draw(st.booleans()):
        headers.append(f"To: {draw(address_header())}")
    if draw(st.booleans()):
        headers.append(f"Reply-To: {draw(address_header())}")
    headers.append(draw(st.sampled_from([
        "Message-ID: <fuzz@example.net>", "Message-ID: garbage", "", "Message-ID: <a@b> <c@d>",
    ])))
    headers.append(draw(st.sampled_from([
        "", "Auto-Submitted: auto-replied", "Precedence: bulk", "List-Id: <l.example.com>",
        "Return-Path: <>", "Date: not a date", "Content-Transfer-Encoding: x-unknown",
        "MIME-Version: 1.0", "In-Reply-To: <nothing@example.org>",
    ])))
    head = "\n".join(h for h in headers if h).encode("utf-8", "surrogateescape")
    newline = draw(st.sampled_from([b"\n", b"\r\n", b"\r"]))
    raw = head + b"\n" + draw(mime_tree())
    return raw.replace(b"\n", newline) if newline != b"\n" else raw
