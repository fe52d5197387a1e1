"""Addresses: header parsing with a fast path, and which addresses callflow may answer.

``email.utils.getaddresses`` is correct but slow (a full RFC 5322 tokenizer); on a backfill it
was the largest single cost. Most real headers are one ``Name <addr>`` or a bare address: those
are read with one regular expression, and anything else (groups, quotes, comments, lists) goes
to the standard library.

``unanswerable`` says why callflow must not write to an address on its own (a domain literal,
a quoted local part holding ``@``, a domain without a dot, one of our own role accounts, …).
Such mail is recorded and left to a person. Nothing here reads or writes mail or state.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Collection
from email.utils import getaddresses

_SIMPLE = re.compile(r"^\s*(?:([^<>\",;:()@]*?)\s*<([^<>\s\",;:()]+@[^<>\s\",;:()]+)>|([^<>\s\",;:()]+@[^<>\s\",;:()]+))\s*$")


def address_pairs(values: list[str]) -> list[tuple[str, str]]:
    """``(display name, address)`` pairs from header values; never raises."""
    out: list[tuple[str, str]] = []
    slow: list[str] = []
    for value in values:
        match = _SIMPLE.match(value)
        if match:
            name, angled, bare = match.groups()
            out.append(((name or "").strip(), angled or bare))
        else:
            slow.append(value)
    if slow:
        with contextlib.suppress(Exception):
            out.extend(getaddresses(slow))
    return out


# Mailboxes of the mail system itself (RFC 2142 network operations, RFC 5321 postmaster, and
# the usual automatic senders): at our own domain, an answer there only talks to ourselves.
OWN_ROLE_ACCOUNTS = frozenset({
    "postmaster", "abuse", "hostmaster", "webmaster", "noc", "security", "mailer-daemon",
    "mailerdaemon", "mailer_daemon", "root", "noreply", "no-reply", "no_reply", "donotreply",
    "do-not-reply", "do_not_reply", "bounce", "bounces", "www", "uucp", "usenet", "news", "ftp",
})
# Top-level names that never route on the public internet (RFC 6761, RFC 6762).
_UNROUTABLE_TLDS = frozenset({"invalid", "localhost", "local", "localdomain", "arpa", "internal", "lan", "home"})
_LOCAL_ATOM = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$")
_LABEL = re.compile(r"^(?!-)[^\s.@\[\]()<>,;:\\\"]{1,63}(?<!-)$")


def unanswerable(address: str, own_domains: Collection[str] = ()) -> str | None:
    """Why callflow must not write to ``address`` on its own, or None when it may.

    Only plain addresses a person actually uses are answered: a crafted sender must not turn
    callflow into a tool that mails some other place (an internal host, a quoted address that
    a relay may read differently, our own postmaster).
    """
    address = address.strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        return "not an address"
    if len(address) > 254 or len(local) > 64:
        return "address too long"
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in address):
        return "address contains spaces or control characters"
    if domain.startswith("["):
        return "domain literal (an IP address instead of a domain)"
    if local.startswith('"') or not _LOCAL_ATOM.match(local) or local.startswith(".") or local.endswith(".") \
            or ".." in local:
        return "quoted or unusual local part"
    domain = domain.rstrip(".").lower()
    labels = domain.split(".")
    if len(labels) < 2:
        return "no dot in the domain"
    if not all(_LABEL.match(label) for label in labels):
        return "not a valid domain"
    if labels[-1].isdigit() or labels[-1] in _UNROUTABLE_TLDS:
        return "domain that does not route on the internet"
    if domain in {d.lower() for d in own_domains} and local.lower() in OWN_ROLE_ACCOUNTS:
        return "a role account of our own domain"
    return None
