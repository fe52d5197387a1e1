"""Queueing the organisers' daily digest: once a day at ``digest.time`` (event timezone), or on
demand (`callflow digest --send`). Each organiser gets it through the outbox (key
``digest:<date>:<organiser>``), with a fresh reply token in its Reply-To so they can answer
with commands; its content is a snapshot taken when it is queued.
"""

from __future__ import annotations

import json
from datetime import datetime, time
from typing import Any

from . import outbox, tokens
from .answers import AUTO_GENERATED
from .config import Config
from .digest import digest_context, token_context
from .store import Store

KIND = "digest"


def _since(store: Store) -> datetime | None:
    last = store.meta.get("last_digest_at")
    return datetime.fromisoformat(last) if last else None


def snapshot(config: Config, store: Store, now: datetime, token: str | None) -> dict[str, Any]:
    context = digest_context(config, store, now, _since(store))
    context.update(token_context(config, token))
    # Stored in the outbox entry: plain JSON only.
    return json.loads(json.dumps(context, default=str))


def due(config: Config, store: Store, now: datetime) -> bool:
    local = now.astimezone(config.event.tz)
    hour, minute = (int(x) for x in config.digest.time.split(":"))
    if local.time() < time(hour, minute):
        return False
    return store.meta.get("last_digest_day") != local.date().isoformat()


def queue_digest(config: Config, store: Store, now: datetime, *, force: bool = False) -> list[dict[str, Any]]:
    """Queue today's digest to every organiser; nothing if it was queued today (unless forced)."""
    if not config.organisers or (not force and not due(config, store, now)):
        return []
    local_day = now.astimezone(config.event.tz).date().isoformat()
    token = tokens.issue(store, now)
    tokens.prune(store, now, config.commands.token_days)
    context = snapshot(config, store, now, token)
    entries = []
    stamp = now.isoformat() if force else local_day
    for person in config.organisers:
        entry = outbox.enqueue(
            store,
            key=f"digest:{stamp}:{person.email}",
            kind=KIND,
            to=person.email,
            to_name=person.name,
            applicant=None,
            context=context,
            now=now,
            domain=config.sender_domain,
            auto_submitted=AUTO_GENERATED,
            extra={"reply_to": tokens.reply_address(config, token)},
        )
        if entry is not None:
            entries.append(entry)
    store.meta["last_digest_day"] = local_day
    store.meta["last_digest_at"] = now.isoformat()
    return entries
