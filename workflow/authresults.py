"""Authentication-Results (RFC 8601): did a server we trust see DKIM or DMARC pass for a sender?

Owns reading the header values, DMARC's relaxed alignment of a DKIM signing domain with the
sender's domain, and the one ``verify`` verdict that organiser commands and survey
notifications both rely on. It must not read mail or config (callers hand in the header values,
the sender's address and the trusted ids) and it verifies no signature itself: it believes only
what a trusted server wrote, and that server must remove copies of the header claiming its own
id from incoming mail (RFC 8601, section 5).

The reading is exact where being lenient could invent a pass: only headers whose authserv-id is
trusted count; each result is one ``;``-separated resinfo (``method=result``, an optional
``reason=``, then ``ptype.property=value`` pairs), and a resinfo that does not read that way —
two methods run together, a property given twice — is ignored rather than guessed at.
Comments, quoted values, case and folding are read as RFC 8601 and RFC 5322 define them.
(``authres``, the packaged parser, refuses a quoted authserv-id, which RFC 8601 allows, and
folds a second result written without ``;`` into the first: hence this small reader.)

Alignment: a ``dkim=pass`` counts when its signing domain (``header.d``; ``header.i``'s domain
when there is no ``header.d``) has the same organisational domain as the sender's domain —
DMARC's relaxed alignment (RFC 7489, section 3.1.1), with the organisational domain taken from
the Public Suffix List as DMARC prescribes. A ``dmarc=pass`` counts when its ``header.from`` is
exactly the sender's domain. A pass for any other domain counts for nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from publicsuffixlist import PublicSuffixList

# Results that mean "authenticated"; everything else (fail, softfail, neutral, none, policy,
# temperror, permerror, bestguesspass, ...) does not.
PASS = "pass"
# How many non-passing results a refusal reason lists: enough to act on, short enough for a line.
REASON_RESULTS = 3

_QUOTED = r'"(?:[^"\\]|\\.)*"'
# authserv-id: a MIME token (no tspecials) or a quoted string, then an optional version.
_AUTHSERV = re.compile(rf'\s*({_QUOTED}|[^\s()<>@,;:\\"/\[\]?=]+)(?:\s+[0-9]+)?\s*')
# key = value; a value is a token, a quoted string, or a local part (maybe quoted) @ domain.
_PAIR = re.compile(rf'\s*([A-Za-z0-9_.-]+(?:/[0-9]+)?)\s*=\s*({_QUOTED}[^\s";]*|[^\s";]+)\s*')


@dataclass
class AuthResult:
    """One resinfo of an Authentication-Results header: ``dkim=pass header.d=example.org``."""

    method: str  # lowercase, without a version ("dkim")
    result: str  # lowercase ("pass")
    props: dict[str, str] = field(default_factory=dict)  # "header.d" → value (unquoted, case kept)
    reason: str = ""


@dataclass(frozen=True)
class Verdict:
    """Whether a trusted server saw DKIM or DMARC pass for the sender, and in one line why (not)."""

    passed: bool
    reason: str


def strip_comments(value: str) -> str:
    """Remove RFC 5322 comments (nested parentheses); quoted strings keep their parentheses."""
    out: list[str] = []
    depth = 0
    quoted = False
    escaped = False
    for ch in value:
        if escaped:
            if depth == 0:
                out.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
            if depth == 0:
                out.append(ch)
        elif quoted:
            out.append(ch)
            if ch == '"':
                quoted = False
        elif ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                out.append(" ")  # a comment separates like whitespace
        elif depth == 0:
            if ch == '"':
                quoted = True
            out.append(ch)
    return "".join(out)


def _split_semicolons(value: str) -> list[str]:
    """Split at ``;`` outside quoted strings (a quoted ``\\"`` does not end the string)."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    escaped = False
    for ch in value:
        if escaped:
            escaped = False
        elif ch == "\\" and quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return parts


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _resinfo(segment: str) -> AuthResult | None:
    """One resinfo, or None when it is empty (``none``) or does not follow the grammar."""
    pairs: list[tuple[str, str]] = []
    pos = 0
    while pos < len(segment):
        match = _PAIR.match(segment, pos)
        if match is None:
            return None  # text that is no key=value pair: not a result we can read safely
        pairs.append((match.group(1).lower(), _unquote(match.group(2))))
        pos = match.end()
    if not pairs or "." in pairs[0][0] or pairs[0][0] == "reason":
        return None
    method, result = pairs[0]
    res = AuthResult(method.partition("/")[0], result.lower())
    reason_seen = False
    for key, value in pairs[1:]:
        if key == "reason" and not reason_seen:
            res.reason, reason_seen = value, True
        elif "." in key and key not in res.props:
            res.props[key] = value
        else:
            # A second method (a missing ";"), a second reason or a property given twice:
            # which domain the verdict is about is no longer certain.
            return None
    return res


def parse_authentication_results(value: str) -> tuple[str, list[AuthResult]]:
    """(authserv-id, results) of one header value. The id is lowercased without a trailing dot;
    it is "" when the header does not start with one (such a header is never trusted)."""
    segments = _split_semicolons(" ".join(strip_comments(value).split()))
    head = _AUTHSERV.fullmatch(segments[0])
    if head is None:
        return "", []
    authserv_id = normalise_id(_unquote(head.group(1)))
    results = [r for r in (_resinfo(s) for s in segments[1:]) if r is not None]
    return authserv_id, results


def normalise_id(authserv_id: str) -> str:
    return authserv_id.strip().lower().rstrip(".")


def domain_of(value: str) -> str:
    """The domain of an address, ``@domain`` or a bare domain; lowercase, no trailing dot."""
    return value.strip().rpartition("@")[2].strip().lower().rstrip(".")


@cache
def _suffix_list() -> PublicSuffixList:
    # The list ships inside the package (no download); read once per process, on first use.
    return PublicSuffixList()


def organisational_domain(domain: str) -> str | None:
    """DMARC's organisational domain: one label below the public suffix; None for a suffix itself."""
    return _suffix_list().privatesuffix(domain) if domain else None


def dkim_aligned(signer: str, sender_domain: str) -> bool:
    """Relaxed alignment (RFC 7489, 3.1.1): the same organisational domain, or the very same domain."""
    signer, sender_domain = domain_of(signer), domain_of(sender_domain)
    if not signer or not sender_domain:
        return False
    if signer == sender_domain:
        return True
    organisation = organisational_domain(sender_domain)
    return organisation is not None and organisation == organisational_domain(signer)


def _signing_domain(result: AuthResult) -> str:
    if result.props.get("header.d"):
        return domain_of(result.props["header.d"])
    return domain_of(result.props.get("header.i", ""))


def _subject_domain(result: AuthResult) -> str:
    """The domain a DKIM or DMARC result speaks about."""
    if result.method == "dmarc":
        return domain_of(result.props.get("header.from", ""))
    return _signing_domain(result)


def _passes_for(result: AuthResult, about: str, sender_domain: str) -> bool:
    """A DKIM or DMARC pass, about (``_subject_domain``) the sender's domain."""
    if result.result != PASS:
        return False
    if result.method == "dkim":
        return dkim_aligned(about, sender_domain)
    return about == sender_domain


def verify(header_values: Iterable[str], sender: str, trusted_ids: Iterable[str]) -> Verdict:
    """Whether a trusted server's Authentication-Results shows DKIM or DMARC passing for ``sender``.

    ``header_values`` are all Authentication-Results values of the mail, in any order; headers
    from servers not in ``trusted_ids`` are ignored, whatever they claim.
    """
    trusted = {normalise_id(t) for t in trusted_ids if t.strip()}
    sender_domain = domain_of(sender)
    if not trusted:
        return Verdict(False, "no trusted authentication server configured")
    if not sender_domain:
        return Verdict(False, "no sender domain to authenticate")
    ignored = 0
    trusted_headers = 0
    seen: list[str] = []
    for value in header_values:
        authserv_id, results = parse_authentication_results(value)
        if authserv_id not in trusted:
            ignored += 1
            continue
        trusted_headers += 1
        for result in results:
            if result.method not in ("dkim", "dmarc"):
                continue
            about = _subject_domain(result)
            if _passes_for(result, about, sender_domain):
                return Verdict(True, f"{result.method}={result.result} for {about} ({authserv_id})")
            said = f"{result.method}={result.result}" + (f" for {about}" if about else "")
            if said not in seen:
                seen.append(said)
    if not trusted_headers:
        others = f"; {ignored} from other servers ignored" if ignored else ""
        return Verdict(False, f"no Authentication-Results from a trusted server{others}")
    if not seen:
        return Verdict(False, f"no DKIM or DMARC result for {sender_domain} from a trusted server")
    shown = ", ".join(seen[:REASON_RESULTS]) + (", …" if len(seen) > REASON_RESULTS else "")
    return Verdict(False, f"no DKIM or DMARC pass for {sender_domain} (a trusted server saw {shown})")
