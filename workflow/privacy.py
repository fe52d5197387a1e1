"""Data subject access (export), erasure and retention.

Erasure replaces the applicant's record by a tombstone: the address is replaced by a keyed hash
(so that a later mail from the same address can be recognised as a returning person without
storing who they are), every field, name, snippet and history detail is dropped, and the outbox
and handled-message records that named them are scrubbed. What callflow does not own — the mail
itself in the mailbox folders — is not touched: the README tells organisers to delete it there.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from . import lifecycle, outbox, survey_auth
from .answers import Answers
from .config import Config
from .errors import UsageError
from .lifecycle import HAS_CALENDAR_ENTRY, Flag
from .lifecycle_steps import LifecycleSteps
from .parse import ParsedMail
from .store import Store

TOMBSTONE_PREFIX = "erased:"


def tombstone_key(config: Config, email: str) -> str:
    # Keyed by the contact address so the same person hashes differently across installations.
    digest = hashlib.sha256(f"{config.contact.email}\0{email.lower()}".encode()).hexdigest()[:32]
    return TOMBSTONE_PREFIX + digest


def export(store: Store, email: str) -> dict[str, Any]:
    """Everything callflow holds about one person (SPEC: `callflow export EMAIL`)."""
    email = email.strip().lower()
    record = store.applicants.get(email)
    if record is None:
        raise UsageError(f"{email}: no such applicant")
    return {
        "applicant": record,
        "mail_sent_or_queued": [
            {k: e.get(k) for k in ("id", "kind", "status", "created", "sent_at", "message_id")}
            for e in store.outbox if e.get("to") == email or e.get("applicant") == email
        ],
        "messages_received": [
            {k: m.get(k) for k in ("at", "kind", "intent", "disposition")}
            for m in store.messages if m.get("applicant") == email
        ],
        "survey_notifications_not_acted_on": [
            {k: item.get(k) for k in ("at", "sender", "subject", "reason")}
            for item in store.meta.get(survey_auth.META_KEY, []) if item.get("applicant") == email
        ],
    }


def erase(
    config: Config, store: Store, email: str, now: datetime, by: str, *, deliver: Collection[str] = ()
) -> dict[str, Any]:
    """Erase one person's data, keeping a tombstone; returns the tombstone.

    The outbox keys in ``deliver`` (when the person asked by mail: the erasure confirmation, a
    calendar CANCEL) still go out and are scrubbed once sent; other open mail to them is
    discarded (a selection or an invitation awaiting approval no longer applies).
    """
    email = email.strip().lower()
    record = store.applicants.get(email)
    if record is None:
        raise UsageError(f"{email}: no such applicant")
    key = tombstone_key(config, email)
    tombstone = {
        "email": key,
        "name": "",
        "state": record.get("state"),
        "flags": [Flag.ERASED.value],
        "fields": {},
        "extra": {},
        "response_ids": [],
        "created": record.get("created"),
        "updated": now.isoformat(),
        "applied_at": None,
        "auto_answers": [],
        "sent_message_ids": [],
        "calendar_sequence": record.get("calendar_sequence"),
        "invited_at": None,
        "history": [{"at": now.isoformat(), "event": "erased", "detail": "personal data erased", "by": by}],
    }
    store.applicants.rekey(email, tombstone)
    name = record.get("name") or ""
    # Short names ("Bo") would match inside other words; an address always can be matched.
    needles = [email, name] if len(name) >= 4 else [email]
    for entry in list(store.outbox):
        owed = entry["key"] in deliver
        if email in entry["key"]:
            # Idempotency keys name their cause, often the address: keep them unique, not personal.
            old_key = entry["key"]
            entry["key"] = old_key.replace(email, key)
            store.outbox.rekey(old_key, entry)
        if entry.get("to") == email or entry.get("applicant") == email:
            if entry["status"] in outbox.OPEN_STATES:
                if owed:
                    entry["erasure_of"] = key  # scrubbed by scrub_after_sending once it is out
                    continue
                entry["status"] = outbox.DISCARDED
            elif entry["status"] == outbox.SENDING:
                # Already with the transport, as good as sent before the erasure; if it does not
                # go out, it is not tried again.
                entry[outbox.DISCARD_UNLESS_SENT] = "the applicant's data was erased"
            _scrub_entry(entry, key)
        elif entry.get("applicant") is None:
            # Organiser mail (digests, command results) quotes applicants: scrub them there too.
            text = json.dumps(entry["context"], ensure_ascii=False)
            if any(n in text for n in needles):
                for needle in needles:
                    text = text.replace(json.dumps(needle, ensure_ascii=False)[1:-1], "(erased)")
                entry["context"] = json.loads(text)
    for message in store.messages:
        if message.get("applicant") == email:
            message["applicant"] = key
    for item in store.meta.get(survey_auth.META_KEY, []):
        if item.get("applicant") == email:
            item["applicant"] = key
    return tombstone


def _scrub_entry(entry: dict[str, Any], key: str) -> None:
    entry["to"] = key
    entry["to_name"] = ""
    entry["applicant"] = key
    entry["context"] = {}


def scrub_after_sending(entries: list[dict[str, Any]]) -> None:
    """Mail that was still owed to an erased person: once it is out (or failed), forget the address."""
    for entry in entries:
        if entry.get("erasure_of") and entry["status"] not in outbox.OPEN_STATES:
            _scrub_entry(entry, entry["erasure_of"])


def erase_on_request(
    config: Config, store: Store, record: dict[str, Any], now: datetime, mail: ParsedMail
) -> list[str]:
    """An applicant asked by mail to delete their data: withdraw (cancelling any calendar
    entry), confirm by mail, erase. Returns the mail kinds queued."""
    queued: list[str] = []
    email = record["email"]
    earlier = {e["key"] for e in store.outbox.matching(lambda e: e.get("applicant") == email)}
    if record.get("state") in HAS_CALENDAR_ENTRY and lifecycle.can(record, "withdraw"):
        change = LifecycleSteps(config, store, now, "mail").answer(record, "withdraw", mail)
        if change:
            queued.extend(change.mails)
    ack = Answers(config, store, now).queue(
        record, "erasure_ack", f"erasure:{mail.key}", {}, answering=mail, approval=False
    )
    queued.extend(ack.kinds)
    # What this request queued still goes out (the confirmation, the withdrawal's CANCEL); mail
    # queued for earlier steps no longer applies.
    owed = [e["key"] for e in store.outbox.matching(
        lambda e: e.get("applicant") == email and e["status"] in outbox.OPEN_STATES and e["key"] not in earlier
    )]
    erase(config, store, email, now, "mail", deliver=owed)
    return queued


def retention_purge(config: Config, store: Store, now: datetime) -> int:
    """After the event plus ``retention.days_after_event``, erase every remaining record."""
    days = config.retention.days_after_event
    last_session = max(s.end for s in config.event.sessions)
    if days is None or now < last_session + timedelta(days=days):
        return 0
    count = 0
    for record in list(store.applicants):
        if Flag.ERASED.value not in record.get("flags", []):
            erase(config, store, record["email"], now, "retention")
            count += 1
    # Refused survey notifications name addresses that have no record: they go too (written with
    # the next commit; clearing again is harmless).
    store.meta.pop(survey_auth.META_KEY, None)
    if count:
        store.meta["retention_purged_at"] = now.isoformat()
    return count
