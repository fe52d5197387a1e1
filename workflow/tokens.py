"""Per-digest secret tokens that prove an organiser's command mail answers a real digest.

Each digest gets a fresh random token, placed in its Reply-To as a plus-address
(``contact+cf-<token>@domain``) and in its subject. A command mail is accepted only if it
carries a token callflow issued within ``commands.token_days`` days (and, separately, comes
from an organiser address — see mailcommands.py). Tokens are stored in the state file.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from .config import Config
from .parse import ParsedMail
from .store import Store

PREFIX = "cf-"
_TOKEN = re.compile(r"\bcf-([0-9a-f]{20})\b")


def issue(store: Store, now: datetime) -> str:
    token = secrets.token_hex(10)
    store.meta.setdefault("digest_tokens", []).append({"token": token, "issued": now.isoformat()})
    return token


def reply_address(config: Config, token: str) -> str:
    local, _, domain = config.contact.email.partition("@")
    return f"{local}+{PREFIX}{token}@{domain}"


def subject_tag(token: str) -> str:
    return f"[{PREFIX}{token}]"


def find(mail: ParsedMail) -> str | None:
    """A token in the recipients (plus-address), the Delivered-To trace, or the subject."""
    places = [*mail.to, *mail.cc, *mail.header_all("Delivered-To"), *mail.header_all("X-Original-To"),
              mail.subject]
    for place in places:
        match = _TOKEN.search(place or "")
        if match:
            return match.group(1)
    return None


def status(store: Store, token: str | None, now: datetime, days: float) -> str:
    """'valid', 'missing', 'unknown' or 'expired'."""
    if not token:
        return "missing"
    for entry in store.meta.get("digest_tokens", []):
        if secrets.compare_digest(entry["token"], token):
            issued = datetime.fromisoformat(entry["issued"])
            return "valid" if now - issued <= timedelta(days=days) else "expired"
    return "unknown"


def prune(store: Store, now: datetime, days: float) -> None:
    """Forget tokens that can no longer authorise anything."""
    keep = [t for t in store.meta.get("digest_tokens", [])
            if now - datetime.fromisoformat(t["issued"]) <= timedelta(days=days)]
    store.meta["digest_tokens"] = keep
