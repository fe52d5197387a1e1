"""Address-header parsing with a fast path.

``email.utils.getaddresses`` is correct but slow (a full RFC 5322 tokenizer); on a backfill it
was the largest single cost. Most real headers are one ``Name <addr>`` or a bare address: those
are read with one regular expression, and anything else (groups, quotes, comments, lists) goes
to the standard library.
"""

from __future__ import annotations

import contextlib
import re
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
