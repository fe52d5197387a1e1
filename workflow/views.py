"""Read-only views of the state for the CLI: status, applicant lists, one applicant."""

from __future__ import annotations

from typing import Any

from . import outbox
from .config import Config
from .handling import QUARANTINE
from .lifecycle import HOLDS_PLACE, State
from .store import Store


def status(config: Config, store: Store) -> dict[str, Any]:
    counts = {s.value: 0 for s in State}
    flags: dict[str, int] = {}
    for record in store.applicants:
        if record.get("state"):
            counts[record["state"]] = counts.get(record["state"], 0) + 1
        for flag in record.get("flags", []):
            flags[flag] = flags.get(flag, 0) + 1
    taken = sum(counts[s.value] for s in HOLDS_PLACE)
    by_status: dict[str, int] = {}
    for entry in store.outbox:
        by_status[entry["status"]] = by_status.get(entry["status"], 0) + 1
    return {
        "event": config.event.name,
        "counts": counts,
        "applicants": sum(counts.values()),
        "flags": flags,
        "capacity": config.event.capacity,
        "capacity_taken": taken,
        "capacity_left": max(0, config.event.capacity - taken),
        "outbox_pending": outbox.pending_count(store),
        "outbox": by_status,
        "quarantined": sum(1 for m in store.messages if m.get("disposition") == QUARANTINE),
        "messages_handled": len(store.messages),
        "last_poll": store.meta.get("last_poll"),
    }


def applicant_view(record: dict[str, Any], with_history: bool = True) -> dict[str, Any]:
    view = {
        "email": record["email"],
        "name": record.get("name", ""),
        "state": record.get("state"),
        "flags": list(record.get("flags", [])),
        "fields": dict(record.get("fields", {})),
        "extra": dict(record.get("extra", {})),
        "created": record.get("created"),
        "updated": record.get("updated"),
        "applied_at": record.get("applied_at"),
    }
    if with_history:
        view["history"] = [
            {"at": h["at"], "event": h["event"], "detail": h.get("detail", ""), "by": h.get("by", "")}
            for h in record.get("history", [])
        ]
    return view


def applicants(store: Store, state: str | None = None) -> list[dict[str, Any]]:
    rows = [r for r in store.applicants if state is None or r.get("state") == state]
    rows.sort(key=lambda r: (r.get("applied_at") or r.get("created") or "", r["email"]))
    return [applicant_view(r) for r in rows]
