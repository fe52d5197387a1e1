"""Lifecycle steps: carrying applicants through the lifecycle — organisers' decisions, the
applicant's answers, capacity and the waitlist, calendar invitations, updates and
cancellations, reminders.

``lifecycle`` holds the transition table; this module takes the steps. Every step goes
through ``lifecycle.transition`` and queues the mail it causes as an answer (``answers``), with
an idempotency key derived from its cause. Invitations, updates and cancellations carry
``calendar`` data that the renderer turns into an iCalendar part (``ics``). Nothing here reads
mail, sends or writes files: the caller commits the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from . import ics, lifecycle, outbox
from .answers import AUTO_GENERATED, AUTO_REPLIED, Answers
from .config import Config
from .errors import TransitionError, UsageError
from .lifecycle import HAS_CALENDAR_ENTRY, HOLDS_PLACE, LEFT_PROCESS, Flag, State
from .store import Store

ACTIONS = ("select", "waitlist", "reject", "invite", "withdraw")


@dataclass
class Change:
    email: str
    before: str | None
    after: str | None
    mails: list[str] = field(default_factory=list)
    note: str = ""

    def describe(self) -> str:
        mails = f"; mail: {', '.join(self.mails)}" if self.mails else ""
        note = f" ({self.note})" if self.note else ""
        return f"{self.email}: {self.before} → {self.after}{mails}{note}"


class LifecycleSteps:
    """Lifecycle steps on the in-memory store, for one point in time and one actor."""

    def __init__(self, config: Config, store: Store, now: datetime, by: str) -> None:
        self.config = config
        self.store = store
        self.now = now
        self.by = by
        self.answers = Answers(config, store, now)

    # -- capacity -----------------------------------------------------------------------
    def places_taken(self) -> int:
        return sum(1 for _ in self.store.applicants.matching(lambda r: r.get("state") in HOLDS_PLACE))

    def open_proposals(self) -> list[dict[str, Any]]:
        return list(self.store.outbox.matching(
            lambda e: bool(e.get("on_approve")) and e["status"] in (outbox.AWAITING, outbox.PENDING)
            and not e.get("approved_at")
        ))

    def places_left(self) -> int:
        return self.config.event.capacity - self.places_taken() - len(self.open_proposals())

    def waitlist(self) -> list[dict[str, Any]]:
        rows = list(self.store.applicants.matching(lambda r: r.get("state") == State.WAITLISTED.value))
        return sorted(rows, key=lambda r: (r.get("applied_at") or r.get("created") or "", r["email"]))

    # -- steps ----------------------------------------------------------------------------
    def record(self, email: str) -> dict[str, Any]:
        record = self.store.applicants.get(email.strip().lower())
        if record is None or Flag.ERASED.value in record.get("flags", []):
            raise UsageError(f"{email}: no such applicant")
        return record

    def apply(self, action: str, email: str, *, force: bool = False, detail: str = "") -> Change:
        """One organiser decision (select, waitlist, reject, invite, withdraw)."""
        if action not in ACTIONS:
            raise UsageError(f"unknown action {action!r}")
        record = self.record(email)
        before = record.get("state")
        if action == "select" and not force and self.places_left() <= 0 and before not in HOLDS_PLACE:
            raise TransitionError(
                f"{record['email']}: no place left ({self.config.event.capacity} taken or proposed); "
                "waitlist instead, or use --force"
            )
        return self._step(record, action, detail=detail)

    def _step(
        self, record: dict[str, Any], event: str, *, detail: str = "", answering: Any = None,
        key_suffix: str | None = None, approval: bool | None = None,
    ) -> Change:
        before = record.get("state")
        had_entry = before in HAS_CALENDAR_ENTRY
        held_place = before in HOLDS_PLACE
        _, mail_kind = lifecycle.transition(record, event, self.now, self.by, detail)
        change = Change(record["email"], before, record["state"])
        suffix = key_suffix or str(len(record["history"]))
        if mail_kind:
            context: dict[str, Any] = {}
            extra: dict[str, Any] = {}
            if mail_kind == "invitation":
                extra["calendar"] = self._calendar(record, "REQUEST")
                context["confirm_by"] = None
                key = f"invite:{record['email']}:{extra['calendar']['sequence']}"
            else:
                key = f"{mail_kind}:{record['email']}:{suffix}"
            if mail_kind in ("rejection", "withdrawal_ack") and had_entry:
                # Their calendar entry must go: this mail carries the CANCEL.
                extra["calendar"] = self._calendar(record, "CANCEL")
            if mail_kind == "rejection":
                context["after_invitation"] = had_entry
            if mail_kind == "withdrawal_ack":
                context["was_invited"] = had_entry
            if mail_kind == "waitlisting":
                context["position"] = 1 + [r["email"] for r in self.waitlist()].index(record["email"])
            auto = AUTO_GENERATED if self.by in ("scheduler",) else None
            if answering is not None:
                auto = AUTO_REPLIED
            queued = self.answers.queue(
                record, mail_kind, key, context, answering=answering, auto_submitted=auto,
                approval=approval, extra=extra or None,
            )
            change.mails = queued.kinds
            own = [queued.entry["key"]] if queued.entry else []
        else:
            own = []
        if record["state"] in LEFT_PROCESS and before not in LEFT_PROCESS:
            outbox.discard_open(self.store, record["email"], self.now, f"the applicant is {record['state']}", own)
        if held_place and record["state"] not in HOLDS_PLACE:
            promoted = self.promote_next()
            if promoted:
                change.note = f"place offered to {promoted.email}"
        return change

    def _calendar(self, record: dict[str, Any], method: str) -> dict[str, Any]:
        current = record.get("calendar_sequence")
        sequence = 0 if current is None else current + 1
        record["calendar_sequence"] = sequence
        self.store.meta.setdefault("schedule_fingerprint", ics.schedule_fingerprint(self.config))
        self.store.meta.setdefault("calendar_sessions", ics.session_records(self.config))
        return {"method": method, "sequence": sequence}

    def resolve(self, email: str) -> Change:
        """A person dealt with what needed attention (answered the question, decided on a late
        application): clear the flag so the digest stops listing it."""
        record = self.record(email)
        lifecycle.set_flag(record, Flag.NEEDS_ATTENTION, on=False)
        record.pop("attention", None)
        lifecycle.add_history(record, self.now, "resolved", "attention cleared", self.by)
        return Change(record["email"], record.get("state"), record.get("state"), note="attention cleared")

    def invite_selected(self) -> list[Change]:
        chosen = list(self.store.applicants.matching(lambda r: r.get("state") == State.SELECTED.value))
        chosen.sort(key=lambda r: (r.get("applied_at") or "", r["email"]))
        return [self._step(r, "invite") for r in chosen]

    # -- waitlist -------------------------------------------------------------------------
    def promote_next(self) -> Change | None:
        """A place became free: offer it to the first waitlisted applicant."""
        if self.places_left() <= 0:
            return None
        proposed = {e["applicant"] for e in self.open_proposals()}
        for record in self.waitlist():
            if record["email"] in proposed:
                continue
            if self.config.waitlist.auto_promote:
                return self._step(record, "promote", detail="a place became free", approval=False)
            queued = self.answers.queue(
                record, "promotion", f"promotion:{record['email']}:{len(record['history'])}", {},
                auto_submitted=None, approval=True, extra={"on_approve": {"event": "promote"}},
            )
            lifecycle.add_history(record, self.now, "proposed", "first on the waitlist for a freed place", self.by)
            return Change(record["email"], record["state"], record["state"], queued.kinds,
                          "promotion awaits approval")
        return None

    def approve(self, ids: list[str] | None) -> list[dict[str, Any]]:
        """Approve outbox mail; a promotion's lifecycle step happens on its approval."""
        entries = outbox.approve(self.store, ids, self.now, self.by)
        for entry in entries:
            step = entry.get("on_approve")
            if not step or entry.get("approved_at"):
                continue
            record = self.store.applicants.get(entry["applicant"])
            if record is None or not lifecycle.can(record, step["event"]):
                entry["status"] = outbox.DISCARDED
                entry["last_error"] = "no longer applicable: the applicant's state changed"
                continue
            entry["approved_at"] = self.now.isoformat()
            lifecycle.transition(record, step["event"], self.now, self.by, "promotion approved")
        return entries

    # -- the applicant's answers (mail and calendar replies) ------------------------------
    def answer(self, record: dict[str, Any], intent: str, mail: Any) -> Change | None:
        """Apply confirm/decline/withdraw from the applicant's mail; None if not applicable."""
        event = {"confirm": "confirm", "decline": "decline", "withdraw": "withdraw"}.get(intent)
        if event is None or not lifecycle.can(record, event):
            return None
        if event == "confirm" and record.get("state") == State.DECLINED.value and self.places_left() <= 0:
            return None  # changed their mind, but the place is gone: a person decides
        return self._step(record, event, answering=mail, key_suffix=mail.key, detail="by mail")

    # -- schedule changes and reminders ---------------------------------------------------
    def send_updates_if_changed(self) -> list[Change]:
        """Invited and confirmed people get an update (SEQUENCE + 1) when times or link changed."""
        current = ics.schedule_fingerprint(self.config)
        stored = self.store.meta.get("schedule_fingerprint")
        if stored is None or stored == current:
            self.store.meta["schedule_fingerprint"] = current
            return []
        self.store.meta["schedule_fingerprint"] = current
        sessions_now = ics.session_records(self.config)
        current_uids = {r["uid"] for r in sessions_now}
        removed = [r for r in self.store.meta.get("calendar_sessions", []) if r["uid"] not in current_uids]
        self.store.meta["calendar_sessions"] = sessions_now
        changes = []
        for record in self.store.applicants:
            if record.get("state") in HAS_CALENDAR_ENTRY:
                if removed:
                    # Sessions that no longer exist are cancelled by their own UIDs; the update
                    # below carries only the sessions that remain.
                    gone = self._calendar(record, "CANCEL")
                    gone["removed"] = removed
                    self.answers.queue(
                        record, "cancellation",
                        f"cancel-sessions:{record['email']}:{gone['sequence']}", {"reason": "session_removed"},
                        auto_submitted=AUTO_GENERATED, approval=False, extra={"calendar": gone},
                    )
                cal = self._calendar(record, "REQUEST")
                queued = self.answers.queue(
                    record, "invitation_update", f"update:{record['email']}:{cal['sequence']}",
                    {"sequence": cal["sequence"]}, auto_submitted=AUTO_GENERATED, approval=False,
                    extra={"calendar": cal},
                )
                lifecycle.add_history(record, self.now, "update", "event details changed", "scheduler")
                changes.append(Change(record["email"], record["state"], record["state"],
                                      queued.kinds))
        return changes

    def reminders(self) -> list[Change]:
        """Reminders that are due, each at most once per person (idempotency keys)."""
        cfg = self.config.reminders
        if not cfg.enabled:
            return []
        changes: list[Change] = []
        first_session = min(s.start for s in self.config.event.sessions)
        deadline = self.config.event.deadline
        for record in list(self.store.applicants):
            state = record.get("state")
            flags = record.get("flags", [])
            if Flag.ERASED.value in flags or Flag.BOUNCED.value in flags:
                continue
            kind = key = None
            context: dict[str, Any] = {}
            deadline_window = deadline - timedelta(days=cfg.deadline_days_before)
            event_window = first_session - timedelta(days=cfg.event_days_before)
            # Someone who wrote (or confirmed) inside the window has just had a mail with the
            # same facts: a reminder on top would be noise.
            if (state == State.INQUIRED.value and deadline_window <= self.now < deadline
                    and datetime.fromisoformat(record["created"]) < deadline_window):
                kind, key = "reminder_deadline", f"remind:deadline:{record['email']}"
                context["days_left"] = max(0, (deadline - self.now).days)
            elif (state == State.CONFIRMED.value and event_window <= self.now < first_session
                    and _last_event_at(record, "confirm") < event_window):
                kind, key = "reminder_event", f"remind:event:{record['email']}"
                context["days_left"] = max(0, (first_session - self.now).days)
            elif state == State.INVITED.value and record.get("invited_at") and self.now < first_session:
                invited_at = datetime.fromisoformat(record["invited_at"])
                if self.now - invited_at >= timedelta(days=cfg.nudge_after_days):
                    kind = "nudge"
                    key = f"nudge:{record['email']}:{record.get('calendar_sequence')}"
                    context["invited_on"] = invited_at.astimezone(self.config.event.tz).strftime("%-d %B %Y")
            if kind and key:
                queued = self.answers.queue(
                    record, kind, key, context, auto_submitted=AUTO_GENERATED, approval=False
                )
                if queued.entry is not None:
                    changes.append(Change(record["email"], state, state, [kind]))
        return changes


def _last_event_at(record: dict[str, Any], event: str) -> datetime:
    """When the record last had this history event (the record's creation if never)."""
    for entry in reversed(record.get("history", [])):
        if entry["event"] == event:
            return datetime.fromisoformat(entry["at"])
    return datetime.fromisoformat(record["created"])
