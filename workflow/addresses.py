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

import re
from collections.abc import Collection
from email.utils import getaddresses

_SIMPLE = re.compile(r"^\s*(?:([^<>\",;:()@]*?)\s*<([^<>\s\",;:()]+@[^<>\s\",;:()]+)>|([^<>\s\",;:()]+@[^<>\s\",;:()]+))\s*$")


# Two From addresses (or headers) is the classic way to show one address to the reader and have
# another one checked: whatever vouches for "the sender" does not say which one.
AMBIGUOUS_SENDER = "ambiguous sender (several From addresses)"


def several_senders(from_values: list[str]) -> bool:
    """The From header values name more than one address."""
    return len(address_pairs(from_values)) > 1


def address_pairs(values: list[str]) -> list[tuple[str, str]]:
    """``(display name, address)`` pairs from header values; never raises.

    In an item with an angle address (``… <addr>``) the angle address is the address and
    whatever stands before it is display text, even when it looks like an address: the
    standard library (before its strict mode) reads ``boss@corp.example <john@example.com>``
    as boss's address, which would let a display name redirect an answer.
    """
    out: list[tuple[str, str]] = []
    for value in values:
        match = _SIMPLE.match(value)
        if match:
            name, angled, bare = match.groups()
            out.append(((name or "").strip(), angled or bare))
        elif "<" in value:
            for item in _top_level_items(value):
                angle = _last_angle_address(item)
                if angle is not None:
                    out.append(angle)
                elif item.strip():
                    out.extend(_stdlib_pairs(item))
        else:
            out.extend(_stdlib_pairs(value))
    return out


def _stdlib_pairs(value: str) -> list[tuple[str, str]]:
    try:
        return getaddresses([value])
    except Exception:  # never raises: a header too broken to read gives no address
        return []


def _top_level_items(value: str) -> list[str]:
    """The value split at commas outside quoted strings, comments and angle brackets."""
    items, start, depth, quoted, angled, escaped = [], 0, 0, False, False, False
    for i, ch in enumerate(value):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif quoted:
            quoted = ch != '"'
        elif ch == '"':
            quoted = True
        elif ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif depth:
            continue
        elif ch == "<":
            angled = True
        elif ch == ">":
            angled = False
        elif ch == "," and not angled:
            items.append(value[start:i])
            start = i + 1
    items.append(value[start:])
    return items


def _last_angle_address(item: str) -> tuple[str, str] | None:
    """``(name, addr)`` from ``name <addr>`` when the item has an angle address outside quotes."""
    quoted, escaped, open_at, found = False, False, -1, None
    for i, ch in enumerate(item):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch == "<":
            open_at = i
        elif ch == ">" and open_at >= 0:
            found = (open_at, i)
            open_at = -1
    if found is None:
        return None
    addr = item[found[0] + 1:found[1]].strip()
    if "@" not in addr:
        return None
    name = item[:found[0]].strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return name, addr


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
    if any(ch.isspace() or not ch.isprintable() for ch in address):
        return "address contains spaces or invisible characters"
    if domain.startswith("["):
        return "domain literal (an IP address instead of a domain)"
    if local.startswith('"') or not _LOCAL_ATOM.match(local) or local.startswith(".") or local.endswith(".") \
            or ".." in local:
        return "quoted or unusual local part"
    domain = domain.rstrip(".").lower()
    labels = domain.split(".")
    if len(labels) < 2:
        return "no dot in the domain"
    if not all(_is_label(label) for label in labels):
        return "not a valid domain"
    tld = labels[-1]
    if not (tld.isalpha() or tld.startswith("xn--")) or tld in _UNROUTABLE_TLDS:
        return "domain that does not route on the internet"
    if domain in {d.lower() for d in own_domains} and local.lower() in OWN_ROLE_ACCOUNTS:
        return "a role account of our own domain"
    return None


def _is_label(label: str) -> bool:
    """A domain label: letters (any script), digits and inner hyphens, at most 63 characters."""
    return 0 < len(label) <= 63 and label.replace("-", "").isalnum() and not label.startswith("-") \
        and not label.endswith("-")
