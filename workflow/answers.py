"""Answers: one mail to one applicant, queued in the outbox.

Every stage that writes to applicants — the decide stage, the lifecycle steps (organisers'
decisions, the applicant's own answers, reminders, calendar updates), commands by mail and
erasure — queues its mail here, so none of them needs another to do it. An answer is queued
only to an address callflow may write to on its own (``addresses.unanswerable``); otherwise the
applicant is flagged for a person with the reason, and nothing is queued. A queued answer is
noted in the applicant's record (its Message-ID for threading, the time for the answer window,
a history line).

It decides nothing about the lifecycle and sends nothing; the caller commits the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from . import lifecycle, outbox
from .addresses import unanswerable
from .config import Config
from .lifecycle import Flag
from .parse import ParsedMail
from .store import Store

# RFC 3834 Auto-Submitted values of callflow's own mail.
AUTO_REPLIED = "auto-replied"  # an answer to a mail
AUTO_GENERATED = "auto-generated"  # caused by something else (a survey, the schedule)


@dataclass
class Answer:
    """The outcome of queueing one answer."""

    entry: dict[str, Any] | None  # the outbox entry, when one was queued now
    refused: str | None = None  # why nothing was queued: the address is not written to on its own

    @property
    def kind(self) -> str | None:
        return self.entry["kind"] if self.entry is not None else None

    @property
    def kinds(self) -> list[str]:
        """The kind queued now, as the list of mail kinds callers report (empty when none)."""
        return [self.entry["kind"]] if self.entry is not None else []


class Answers:
    """Queues answers to applicants for one point in time."""

    def __init__(self, config: Config, store: Store, now: datetime) -> None:
        self.config = config
        self.store = store
        self.now = now

    def queue(
        self,
        record: dict[str, Any],
        kind: str,
        key: str,
        context: dict[str, Any],
        *,
        answering: ParsedMail | None = None,
        auto_submitted: str | None = AUTO_REPLIED,
        approval: bool | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Answer:
        """Queue one mail of ``kind`` to this applicant under the idempotency ``key``.

        ``Answer.entry`` is None when the key was queued before (nothing to do) or when the
        address is refused (``Answer.refused`` says why; the applicant is then flagged).
        """
        refused = unanswerable(record["email"], self.config.own_domains)
        if refused:
            self._leave_for_a_person(record, kind, refused, answering)
            return Answer(None, refused)
        entry = outbox.enqueue(
            self.store,
            key=key,
            kind=kind,
            to=record["email"],
            to_name=record.get("name", ""),
            applicant=record["email"],
            context={"applicant": {"name": record.get("name", ""), "email": record["email"]}, **context},
            now=self.now,
            domain=self.config.sender_domain,
            in_reply_to=answering.message_id if answering else None,
            references=answering.references if answering else (),
            auto_submitted=auto_submitted,
            approval=kind in self.config.outbox.approval_required if approval is None else approval,
            extra=extra,
        )
        if entry is None:
            return Answer(None)
        record["sent_message_ids"].append(entry["message_id"])
        if answering is not None:
            record["auto_answers"].append(self.now.isoformat())
        waits = " (awaiting approval)" if entry["status"] == outbox.AWAITING else ""
        lifecycle.add_history(record, self.now, "queued", f"{kind} (outbox {entry['id']}){waits}", "callflow")
        return Answer(entry)

    def may_answer_automatically(self, record: dict[str, Any]) -> bool:
        """The answer window, a second safety net after the robot guards (like Sieve vacation's
        ``:days``): at most ``replies.max_per_window`` automatic answers per sender and window."""
        window = self.config.replies
        since = self.now - timedelta(days=window.window_days)
        recent = [t for t in record.get("auto_answers", []) if datetime.fromisoformat(t) > since]
        record["auto_answers"] = recent
        return len(recent) < window.max_per_window

    def _leave_for_a_person(
        self, record: dict[str, Any], kind: str, why: str, answering: ParsedMail | None
    ) -> None:
        """An address callflow does not write to on its own: recorded, flagged, never mailed."""
        lifecycle.add_history(record, self.now, "not_answered", f"{kind}: {why}", "callflow")
        lifecycle.set_flag(record, Flag.NEEDS_ATTENTION)
        record["attention"] = {
            "at": self.now.isoformat(),
            "intent": "",
            "snippet": " ".join(answering.reply_text.split())[:280] if answering is not None else "",
            "subject": answering.subject[:200] if answering is not None else "",
            "note": f"not answered automatically: {why}",
        }
