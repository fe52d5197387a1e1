"""The organisers' daily digest: what happened since the last one, and what needs a person.

``digest_context`` turns the state into plain data (no I/O, nothing changed); the wording
and layout live in ``templates/digest.txt.j2`` and ``templates/digest.html.j2``;
``build_digest`` renders both through the ordinary ``Renderer``. Sending it (with a fresh
token in Reply-To, see ``tokens.py``) and remembering when it was sent is the caller's job.

The digest quotes applicants' own words and names. The HTML part is autoescaped by the
renderer; nothing here builds markup, so there is nothing to escape by hand.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from . import oauth2, outbox, survey_auth, tokens, views
from .commands_by_mail import HELP
from .config import Config
from .handling import ATTENTION, QUARANTINE
from .lifecycle import Flag, State
from .lifecycle_steps import LifecycleSteps
from .render import Renderer
from .store import Store

DAY = timedelta(hours=24)
CHART_WIDTH = 30  # the longest per-day bar, in characters
BAR_MAX = 30  # the capacity bar is one character per place up to this many places
WHEN_FORMAT = "%a %-d %b %H:%M"  # "Mon 14 Mar 09:12", in the event's time zone

# What organisers can answer the digest with: the same list the command mail's "help" gives.
COMMANDS: list[dict[str, str]] = [{"usage": usage, "does": does} for usage, does in HELP]

# History events that are the organisers' own doing: they know about them, so they are
# not "new" to them. Withdrawals count as new only when the applicant asked (by mail).
_ORGANISER_EVENTS = {"select", "waitlist", "reject", "invite", "proposed", "queued", "sent", "update"}
_MAIL_DETAIL = re.compile(r"intent (\w+)( \(needs attention\))?")


def _when(value: datetime, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime(WHEN_FORMAT)


def _parse(text: str | None) -> datetime | None:
    if not text:
        return None
    value = datetime.fromisoformat(text)
    # Everything callflow writes is aware; a hand-edited naive value is read as UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _who(record: dict[str, Any]) -> str:
    name = (record.get("name") or "").strip()
    return f"{name} <{record['email']}>" if name else record["email"]


def _person(record: dict[str, Any]) -> dict[str, str]:
    return {"name": record.get("name") or "", "email": record["email"], "who": _who(record)}


def _visible(record: dict[str, Any]) -> bool:
    # An erased record is a tombstone: counted, never named.
    return Flag.ERASED.value not in record.get("flags", [])


def _describe(history: list[dict[str, Any]], i: int) -> str | None:
    """What history entry ``i`` means to an organiser, or None if it is not news."""
    entry = history[i]
    event, detail, by = entry["event"], entry.get("detail") or "", entry.get("by") or ""
    if event in _ORGANISER_EVENTS:
        return None
    if event == "application":
        what = "applied again" if detail.startswith("withdrawn") else "applied"
        return what + (" (late)" if "late" in detail.split("; ")[1:] else "")
    if event == "survey_update":
        return "updated their survey response"
    if event == "mail":
        match = _MAIL_DETAIL.match(detail)
        intent, flagged = (match.group(1), bool(match.group(2))) if match else ("none", False)
        if intent in ("confirm", "decline", "withdraw"):
            # The lifecycle step that follows in the same instant says it better ("confirmed").
            same_time = [h["event"] for h in history[i + 1:] if h["at"] == entry["at"]]
            if intent in same_time:
                return None
            return f"wrote ({intent}, not applied: needs a look)"
        if intent == "question":
            return "asked a question"
        if intent == "erasure":
            return "asked for their data to be erased"
        if intent == "interest":
            return "showed interest" + (" (needs a look)" if flagged else "")
        return "wrote" + (" (needs a look)" if flagged else "")
    if event == "inquiry":
        return None  # the "mail" entry just before it says what they wrote
    if event == "confirm":
        return "confirmed"
    if event == "decline":
        return "declined"
    if event == "withdraw":
        return "withdrew" if by == "mail" else None
    if event == "promote":
        return "moved up from the waiting list"
    if event == "bounce":
        return "bounced"
    if event == "send_refused":
        return "bounced (mail refused)"
    return None  # auto-replies, not_answered and other bookkeeping


def _bar(taken: int, capacity: int) -> str:
    # One character per place while that fits; beyond, the bar is scaled.
    width = min(capacity, BAR_MAX) if capacity > 0 else BAR_MAX
    filled = width if capacity <= 0 else min(width, round(taken * width / capacity))
    if taken > 0 and filled == 0:
        filled = 1  # one taken place must never look like none
    return f"[{'#' * filled}{'-' * (width - filled)}] {taken}/{capacity}"


def _per_day(records: list[dict[str, Any]], tz: ZoneInfo) -> list[dict[str, Any]]:
    days: dict[date, int] = {}
    for record in records:
        applied = _parse(record.get("applied_at"))
        if applied is not None:
            day = applied.astimezone(tz).date()
            days[day] = days.get(day, 0) + 1
    if not days:
        return []
    first, last = min(days), max(days)
    top = max(days.values())
    rows = []
    day = first
    while day <= last:
        n = days.get(day, 0)
        length = round(n * CHART_WIDTH / top) if n else 0
        rows.append(
            {
                "day": day.strftime("%a %-d %b"),
                "iso": day.isoformat(),
                "n": n,
                "bar": "█" * max(length, 1 if n else 0),
                "pct": round(n * 100 / top),
            }
        )
        day += timedelta(days=1)
    return rows


def _deadline_text(config: Config, now: datetime) -> str:
    deadline = config.event.deadline
    local = deadline.astimezone(config.event.tz).strftime("%a %-d %b %Y")
    days = (deadline.astimezone(config.event.tz).date() - now.astimezone(config.event.tz).date()).days
    if now > deadline:
        return f"closed {local}" + (f" ({-days} days ago)" if days < -1 else "")
    if days == 0:
        return f"closes today, {local}"
    return f"closes {local} (in {days} day{'s' if days != 1 else ''})"


def digest_context(config: Config, store: Store, now: datetime, since: datetime | None) -> dict[str, Any]:
    """Plain data for the digest templates; reads the store, changes nothing."""
    tz = config.event.tz
    since = since or now - DAY
    status = views.status(config, store)
    records = [r for r in store.applicants if _visible(r)]
    life = LifecycleSteps(config, store, now, "digest")

    new: list[dict[str, Any]] = []
    for record in records:
        history = record.get("history", [])
        for i, entry in enumerate(history):
            at = _parse(entry.get("at"))
            if at is None or at <= since:
                continue
            what = _describe(history, i)
            if what:
                new.append({"at": at, "when": _when(at, tz), **_person(record), "what": what})
    new.sort(key=lambda item: (item["at"], item["email"]))
    for item in new:
        item["at"] = item["at"].isoformat()

    questions: list[dict[str, Any]] = []
    late: list[dict[str, Any]] = []
    bounces: list[dict[str, Any]] = []
    for record in sorted(records, key=lambda r: (r.get("updated") or "", r["email"])):
        flags = record.get("flags", [])
        state = record.get("state")
        is_late = Flag.LATE.value in flags and state == State.APPLIED.value
        is_bounced = Flag.BOUNCED.value in flags and state != State.WITHDRAWN.value
        if is_late:
            applied = _parse(record.get("applied_at"))
            late.append({**_person(record), "applied": _when(applied, tz) if applied else ""})
        if is_bounced:
            last = next(
                (h for h in reversed(record.get("history", [])) if h["event"] in ("bounce", "send_refused")),
                None,
            )
            at = _parse(last["at"]) if last else None
            bounces.append(
                {**_person(record), "state": state or "", "when": _when(at, tz) if at else "",
                 "detail": (last.get("detail") or "") if last else ""}
            )
        if Flag.NEEDS_ATTENTION.value not in flags:
            continue
        attention = record.get("attention")
        if attention is None and (is_late or is_bounced):
            continue  # shown in its own group above
        attention = attention or {}
        at = _parse(attention.get("at"))
        questions.append(
            {
                **_person(record),
                "state": state or "",
                "when": _when(at, tz) if at else "",
                "intent": attention.get("intent") or "",
                "subject": attention.get("subject") or "",
                "snippet": attention.get("snippet") or "",
                "note": attention.get("note") or "",
            }
        )

    # Survey notifications not acted on: each is also a handled message left flagged, listed
    # here (with what it claims) instead of among the other mail.
    refused_surveys = []
    listed_as_refused = set()
    for item in store.meta.get(survey_auth.META_KEY, []):
        at = _parse(item.get("at"))
        if at is not None and at > since:
            refused_surveys.append({"when": _when(at, tz), "sender": item.get("sender") or "",
                                    "applicant": item.get("applicant") or "",
                                    "subject": item.get("subject") or "", "reason": item.get("reason") or ""})
            listed_as_refused.add(item.get("key"))

    quarantined: list[dict[str, Any]] = []
    other_mail: list[dict[str, Any]] = []
    for message in store.messages:
        at = _parse(message.get("at"))
        if at is None or at <= since or message.get("key") in listed_as_refused:
            continue
        row = {"at": at, "when": _when(at, tz), "kind": message.get("kind") or "",
               "reason": message.get("reason") or ""}
        if message.get("disposition") == QUARANTINE:
            quarantined.append(row)
        elif message.get("disposition") == ATTENTION and not message.get("applicant"):
            # Left flagged in the inbox and tied to no applicant (so not a "question"):
            # without this line nobody would know it is waiting there.
            other_mail.append(row)
    for rows in (quarantined, other_mail):
        rows.sort(key=lambda r: r["at"])
        for row in rows:
            row["at"] = row["at"].isoformat()

    def _entry(e: dict[str, Any]) -> dict[str, Any]:
        name = e.get("to_name") or ""
        return {"id": e["id"], "kind": e["kind"], "to": e["to"], "to_name": name,
                "who": f"{name} <{e['to']}>" if name else e["to"], "status": e["status"],
                "last_error": e.get("last_error") or ""}

    entries = sorted(store.outbox, key=lambda e: e["id"])
    failed_sends = [_entry(e) for e in entries if e["status"] in (outbox.FAILED, outbox.UNCERTAIN)]
    awaiting = [_entry(e) for e in entries if e["status"] == outbox.AWAITING]

    rejected_commands = []
    for item in store.meta.get("rejected_commands", []):
        at = _parse(item.get("at"))
        if at is not None and at > since:
            rejected_commands.append({"when": _when(at, tz), "sender": item.get("sender") or "",
                                      "reason": item.get("reason") or ""})

    sign_in = [{**problem, "when": _when(at, tz) if (at := _parse(problem.get("since"))) else ""}
               for problem in oauth2.problems(config)]

    groups = {
        "sign_in": sign_in,
        "questions": questions,
        "late": late,
        "bounces": bounces,
        "quarantined": quarantined,
        "other_mail": other_mail,
        "failed_sends": failed_sends,
        "awaiting_approval": awaiting,
        "rejected_commands": rejected_commands,
        "refused_surveys": refused_surveys,
    }
    attention_count = sum(len(v) for v in groups.values())

    waitlist = []
    for position, record in enumerate(life.waitlist(), start=1):
        if not _visible(record):
            continue
        applied = _parse(record.get("applied_at") or record.get("created"))
        waitlist.append({"position": position, **_person(record),
                         "applied": applied.astimezone(tz).strftime("%-d %b") if applied else ""})

    capacity, taken, left = status["capacity"], status["capacity_taken"], status["capacity_left"]
    proposed = len(life.open_proposals())
    quiet = not new and attention_count == 0
    total = status["applicants"]
    return {
        "quiet": quiet,
        "day": now.astimezone(tz).strftime("%-d %b"),
        "date_text": now.astimezone(tz).strftime("%A %-d %B %Y"),
        "now_text": _when(now, tz),
        "since_text": _when(since, tz),
        "timezone": config.event.timezone,
        "deadline_text": _deadline_text(config, now),
        "counts": status["counts"],
        "applicants_total": total,
        "capacity": capacity,
        "taken": taken,
        "left": left,
        "proposed": proposed,
        "over": taken > capacity,
        "bar": _bar(taken, capacity),
        "bar_pct": min(100, round(taken * 100 / capacity)) if capacity > 0 else 100,
        "new": new,
        "attention": groups,
        "attention_count": attention_count,
        "waitlist": waitlist,
        # Erased people's applications still happened: the chart names nobody.
        "per_day": _per_day(list(store.applicants), tz),
        "quiet_line": (
            f"Quiet day: nothing new, nothing needs attention. {total} applicant{'s' if total != 1 else ''}, "
            f"{left} place{'s' if left != 1 else ''} left."
        ),
        "commands": COMMANDS,
    }


def token_context(config: Config, token: str | None) -> dict[str, Any]:
    """The context keys that depend on the digest's command token (``token``, ``subject_tag``,
    ``reply_hint``); whoever queues a digest adds these to ``digest_context``'s data."""
    if token:
        hint = (
            "Reply to this mail with one command per line (keep the subject as it is; "
            f"commands are accepted for {config.commands.token_days:g} days):"
        )
    else:
        # A printed copy carries no token, so a reply to it could not be authorised.
        hint = (
            "Reply to a digest sent by mail with one command per line, or use the same "
            "commands on the callflow command line:"
        )
    return {"token": token, "subject_tag": tokens.subject_tag(token) if token else "", "reply_hint": hint}


def build_digest(
    config: Config, store: Store, renderer: Renderer, now: datetime, since: datetime | None,
    token: str | None,
) -> tuple[str, str, str]:
    """(subject, text, html) of the digest; ``token`` makes replies usable as commands."""
    context = {**digest_context(config, store, now, since), **token_context(config, token)}
    return renderer.render_parts("digest", context)
