"""Survey notifications callflow must not act on: ``survey.require_authentication`` is set and no
trusted server saw DKIM or DMARC pass for the notification's sender.

Anyone can write ``From: <survey sender>``; acting on such a mail would record an application and
send an acknowledgement to whatever address it names. This module owns the rule
(``refusal_reason``) and the record kept for the organisers' digest (``record_refusal``, in
``store.meta["refused_surveys"]``, bounded). It must not change applicants or queue mail: a refused
notification writes to nobody, and the mail itself stays flagged in the inbox for a person.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from .classify import Classification
from .config import Config
from .parse import ParsedMail
from .store import Store

log = logging.getLogger(__name__)

META_KEY = "refused_surveys"
# A flood of forgeries must not grow the state file without bound; the digest shows the newest.
MAX_KEPT = 200


def refusal_reason(config: Config, cls: Classification) -> str | None:
    """Why this survey notification may not be acted on, or None when it may."""
    if not config.survey.require_authentication:
        return None
    verdict = cls.authentication
    if verdict is None:
        return "not checked for authentication"
    return None if verdict.passed else f"not authenticated: {verdict.reason}"


def record_refusal(store: Store, mail: ParsedMail, cls: Classification, now: datetime, reason: str) -> None:
    """Keep what the organisers need to find the mail and judge it; once per mail."""
    refused: list[dict[str, Any]] = store.meta.setdefault(META_KEY, [])
    if any(item.get("key") == mail.key for item in refused):
        return
    refused.append({
        "at": now.isoformat(),
        "key": mail.key,
        "sender": mail.from_addr,
        "applicant": cls.applicant_email or "",  # as the notification claims; nobody was written to
        "subject": mail.subject[:200],
        "reason": reason,
    })
    del refused[:-MAX_KEPT]
    # No address or domain at INFO or WARNING (privacy): the digest names them to the organisers.
    log.warning("survey notification not acted on (not authenticated): left flagged for a person")
