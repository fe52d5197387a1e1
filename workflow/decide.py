"""Decide: what a classified mail means for the applicant, and which answer it causes.

Input is plain data (the parsed mail, its classification, the applicant record from the
store); the output is a ``Decision``. The changes are made to the in-memory store only —
the pipeline commits them together with the rest of the batch, and only then settles the
mail on the server. Every answer is queued in the outbox under an idempotency key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from . import lifecycle, outbox
from .addresses import unanswerable
from .classify import Classification, intents
from .config import Config
from .lifecycle import Flag, State
from .limits import MAX_FIELD_CHARS, MAX_NAME_CHARS, MAX_SUBJECT_CHARS, clip
from .mailbox import ATTENTION, PROCESSED, QUARANTINE
from .parse import ParsedMail
from .store import Store
from .survey_auth import record_refusal, refusal_reason

AUTO_REPLIED = "auto-replied"
AUTO_GENERATED = "auto-generated"
ACCEPTS_CONFIRMATION = {State.INVITED.value, State.CONFIRMED.value, State.DECLINED.value}
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|antw|rif|r|wg|fw|fwd|tr|ref)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


@dataclass
class Decision:
    disposition: str
    applicant: str | None = None
    state_change: str | None = None
    queued: list[str] = field(default_factory=list)  # outbox kinds queued
    note: str = ""


def reply_subject(subject: str, fallback: str) -> str:
    core = _REPLY_PREFIX.sub("", clip(subject or "", 4 * MAX_SUBJECT_CHARS)).strip()
    if "=?" in core:
        # An encoded word that could not be decoded: unreadable, and the email package would
        # take it for an encoded word again when it writes our header.
        return fallback
    return f"Re: {clip(core, MAX_SUBJECT_CHARS)}" if core else fallback


class Decider:
    def __init__(self, config: Config, store: Store, now: datetime) -> None:
        self.config = config
        self.store = store
        self.now = now
        self.domain = config.sender_domain
        self.own_domains = config.own_domains

    # -- helpers ------------------------------------------------------------------------
    def _record(self, email: str, name: str | None) -> dict[str, Any]:
        name = clip(name, MAX_NAME_CHARS) if name else name
        record = self.store.applicants.get(email)
        if record is None:
            record = lifecycle.new_record(email, name, self.now)
            self.store.applicants.put(record)
        elif name and not record.get("name"):
            record["name"] = name
        return record

    def _may_auto_answer(self, record: dict[str, Any]) -> bool:
        """Second safety net after the robot guards (like Sieve vacation's :days)."""
        window = self.config.replies
        since = self.now - timedelta(days=window.window_days)
        recent = [t for t in record.get("auto_answers", []) if datetime.fromisoformat(t) > since]
        record["auto_answers"] = recent
        return len(recent) < window.max_per_window

    def queue(
        self,
        decision: Decision,
        record: dict[str, Any],
        kind: str,
        key: str,
        context: dict[str, Any],
        *,
        answering: ParsedMail | None = None,
        auto_submitted: str | None = AUTO_REPLIED,
        approval: bool | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any] | None:
        """Queue one mail to this applicant; None if its key was queued before, or if the address
        is not one callflow writes to on its own (then the applicant is left for a person)."""
        refused = unanswerable(record["email"], self.own_domains)
        if refused:
            self._not_answered(decision, record, kind, refused, answering)
            return None
        entry = outbox.enqueue(
            self.store,
            key=key,
            kind=kind,
            to=record["email"],
            to_name=record.get("name", ""),
            applicant=record["email"],
            context={"applicant": {"name": record.get("name", ""), "email": record["email"]}, **context},
            now=self.now,
            domain=self.domain,
            in_reply_to=answering.message_id if answering else None,
            references=answering.references if answering else (),
            auto_submitted=auto_submitted,
            approval=kind in self.config.outbox.approval_required if approval is None else approval,
            extra=extra,
        )
        if entry is None:
            return None
        record["sent_message_ids"].append(entry["message_id"])
        if answering is not None:
            record["auto_answers"].append(self.now.isoformat())
        waits = " (awaiting approval)" if entry["status"] == outbox.AWAITING else ""
        lifecycle.add_history(record, self.now, "queued", f"{kind} (outbox {entry['id']}){waits}", "callflow")
        decision.queued.append(kind)
        return entry

    def _not_answered(
        self, decision: Decision, record: dict[str, Any], kind: str, why: str, answering: ParsedMail | None
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
        if decision.disposition == PROCESSED:
            decision.disposition = ATTENTION
        decision.note = f"not answered: {why}"

    # -- per kind -----------------------------------------------------------------------
    def decide(self, mail: ParsedMail, cls: Classification) -> Decision:
        handler = getattr(self, f"_on_{cls.kind}", None)
        if handler is None:
            disposition = ATTENTION if cls.needs_attention else PROCESSED
            return Decision(disposition, note=f"{cls.kind}: logged, never answered")
        return handler(mail, cls)

    def _on_unparseable(self, mail: ParsedMail, cls: Classification) -> Decision:
        return Decision(QUARANTINE, note=f"quarantined: {cls.reason}")

    def _on_bounce(self, mail: ParsedMail, cls: Classification) -> Decision:
        decision = Decision(PROCESSED, note=cls.reason)
        if cls.rule == "guard:feedback_report" and cls.applicant_email:
            # A complaint: the organisers decide whether to write to this person again.
            record = self.store.applicants.get(cls.applicant_email)
            if record is not None:
                lifecycle.set_flag(record, Flag.NEEDS_ATTENTION)
                lifecycle.add_history(record, self.now, "complaint", cls.reason, "mail")
                decision.applicant = record["email"]
            return decision
        for address in cls.bounced_recipients:
            record = self.store.applicants.get(address)
            if record is None:
                continue
            lifecycle.set_flag(record, Flag.BOUNCED)
            lifecycle.set_flag(record, Flag.NEEDS_ATTENTION)
            lifecycle.add_history(record, self.now, "bounce", cls.reason, "mail")
            decision.applicant = address
        return decision

    def _on_auto_reply(self, mail: ParsedMail, cls: Classification) -> Decision:
        record = self.store.applicants.get(mail.from_addr) if mail.from_addr else None
        if record is not None:
            lifecycle.add_history(record, self.now, "auto_reply", cls.reason or "automatic reply", "mail")
        disposition = ATTENTION if cls.needs_attention else PROCESSED
        return Decision(disposition, applicant=record and record["email"], note="automatic reply: never answered")

    def _on_organiser_command(self, mail: ParsedMail, cls: Classification) -> Decision:
        if not self.config.commands.enabled:
            # Commands by mail are switched off: a person reads it.
            return Decision(ATTENTION, note="organiser mail: left for a person")
        # Imported here: mailcommands builds on organise, which builds on this module.
        from . import mailcommands

        return mailcommands.execute(self.config, self.store, mail, self.now)

    def _on_survey_response(self, mail: ParsedMail, cls: Classification) -> Decision:
        refused = refusal_reason(self.config, cls)
        if refused is not None:
            # Possibly forged: nobody is recorded or written to; the digest lists it.
            record_refusal(self.store, mail, cls, self.now, refused)
            return Decision(ATTENTION, note=f"survey notification {refused}")
        email = cls.applicant_email
        if not email:
            return Decision(ATTENTION, note=f"survey notification without a usable address: {cls.reason}")
        return self.apply_application(
            email, cls.applicant_name, cls.survey_fields, cls.survey_extra,
            response_id=cls.survey_fields.get("response_id") or mail.key, submitted=self.now, by="survey",
        )

    def apply_application(
        self,
        email: str,
        name: str | None,
        fields: dict[str, str],
        extra: dict[str, str],
        *,
        response_id: str,
        submitted: datetime,
        by: str,
        acknowledge: bool = True,
    ) -> Decision:
        """A survey response (from a notification mail or an imported export) for one person."""
        record = self._record(email, name)
        if name:
            record["name"] = clip(name, MAX_NAME_CHARS)
        record["fields"].update({k: clip(v, MAX_FIELD_CHARS) for k, v in fields.items()})
        record["extra"].update({k: clip(v, MAX_FIELD_CHARS) for k, v in extra.items()})
        if response_id not in record["response_ids"]:
            record["response_ids"].append(response_id)
        decision = Decision(PROCESSED, applicant=email)
        late = submitted > self.config.event.deadline
        before = record.get("state")
        mail_kind = None
        if lifecycle.can(record, "application"):
            _, mail_kind = lifecycle.transition(record, "application", self.now, by, "late" if late else "")
            if record["applied_at"] is None or before == State.WITHDRAWN.value:
                record["applied_at"] = submitted.isoformat()
            decision.state_change = f"{before or 'new'}→{record['state']}"
        else:
            lifecycle.add_history(record, self.now, "survey_update", "survey response updated the record", by)
        if late and record["state"] == State.APPLIED.value and lifecycle.set_flag(record, Flag.LATE):
            lifecycle.set_flag(record, Flag.NEEDS_ATTENTION)
        if mail_kind and acknowledge:
            kind = "ack_late_application" if late else "ack_application"
            # Once per applicant: a duplicate or updated response is not acknowledged again.
            # Someone who never wrote to us may not know their address was given: such
            # acknowledgements are rate-limited per hour when sent (outbox.FIRST_CONTACT).
            first_contact = None if lifecycle.has_written(record) else {outbox.FIRST_CONTACT: True}
            self.queue(
                decision, record, kind, f"ack:application:{email}", {}, auto_submitted=AUTO_GENERATED,
                extra=first_contact,
            )
        return decision

    def _leave_for_a_person(
        self, decision: Decision, record: dict[str, Any], mail: ParsedMail, cls: Classification
    ) -> None:
        """Flag the applicant and leave the mail flagged in the inbox for the contact person."""
        lifecycle.set_flag(record, Flag.NEEDS_ATTENTION)
        decision.disposition = ATTENTION
        # The organisers' digest quotes the applicant's own words (kept in the state file,
        # never logged).
        record["attention"] = {
            "at": self.now.isoformat(),
            "intent": cls.intent,
            "snippet": " ".join(mail.reply_text.split())[:280],
            "subject": mail.subject[:200],
        }

    def _thread_owner(self, mail: ParsedMail) -> str | None:
        """The applicant a reply belongs to, by the Message-IDs of mail callflow sent them."""
        for message_id in [*mail.in_reply_to, *reversed(mail.references)]:
            entry = self.store.outbox.find("message_id", message_id)
            if entry is not None and entry.get("applicant"):
                return entry["applicant"]
        return None

    def _on_applicant_message(self, mail: ParsedMail, cls: Classification) -> Decision:
        email = cls.applicant_email
        if not email:
            return Decision(ATTENTION, note="mail without a sender address")
        if self.store.applicants.get(email) is None:
            # Someone answering from another address (a colleague's, a private one, a
            # calendar delegate): the thread or the calendar reply says whose application it is.
            attendee = (cls.calendar or {}).get("attendee")
            owner = attendee if attendee and self.store.applicants.get(attendee) else self._thread_owner(mail)
            if owner and self.store.applicants.get(owner) is not None:
                email = owner
        existing = self.store.applicants.get(email)
        record = self._record(email, cls.applicant_name)
        decision = Decision(PROCESSED, applicant=email)
        if cls.rule == "builtin:applicant" and cls.intent in ("confirm", "decline", "interest"):
            # Classification knows no state; these intents mean more once we know whether this
            # person was invited ("Yes, I will attend" before any invitation is interest).
            detected = intents.detect_intent(
                mail.reply_text, mail.subject, invited=record.get("state") in ACCEPTS_CONFIRMATION
            )
            cls.intent, cls.needs_attention = detected.intent, detected.needs_attention
        asks = cls.intent == "question" or cls.needs_attention
        lifecycle.add_history(
            record, self.now, "mail", f"intent {cls.intent}{' (needs attention)' if asks else ''}", "mail"
        )
        if existing is None or record.get("state") is None:
            lifecycle.transition(record, "inquiry", self.now, "mail")
            decision.state_change = "new→inquired"
            kind = "ack_inquiry"
        else:
            kind = "ack_message"
        if cls.intent in ("confirm", "decline", "withdraw") and not asks:
            # The lifecycle acts on the answer and its own mail is the reply (imported here:
            # organise builds on this module).
            from .organise import Lifecycle

            change = Lifecycle(self.config, self.store, self.now, "mail").answer(record, cls.intent, mail)
            if change is not None:
                decision.state_change = f"{change.before}→{change.after}"
                decision.queued.extend(change.mails)
                return decision
        if cls.intent == "erasure" and not asks:
            from .privacy import erase_on_request

            decision.queued.extend(erase_on_request(self.config, self.store, record, self.now, mail, self))
            decision.applicant = None
            decision.state_change = "erased"
            return decision
        if cls.intent in ("confirm", "decline", "withdraw", "erasure"):
            # Not applicable in this state, or hedged: a person reads it.
            asks = True
        if asks:
            self._leave_for_a_person(decision, record, mail, cls)
        context = {
            "reply_subject": reply_subject(mail.subject, self.config.event.name),
            "asks_question": asks,
        }
        if self._may_auto_answer(record):
            self.queue(decision, record, kind, f"ack:{mail.key}", context, answering=mail)
        else:
            # The answer window (a safety net against loops) holds the automatic answer back;
            # a person still owes this sender one, so the mail is left for them.
            lifecycle.add_history(record, self.now, "not_answered", "answer window: already answered recently", "callflow")
            self._leave_for_a_person(decision, record, mail, cls)
        return decision
