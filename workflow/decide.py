"""Decide: what a classified mail means for the applicant, and which answer it causes.

Input is plain data (the parsed mail, its classification, the applicant record from the
store); the output is a ``Decision``. The changes are made to the in-memory store only —
the pipeline commits them together with the rest of the batch, and only then settles the
mail on the server. Every answer is queued through ``answers`` under an idempotency key; the
lifecycle steps, commands by mail and erasure each do their part and are called from here,
never the other way round. Nothing here reads mail or talks to a server.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from . import commands_by_mail, lifecycle, outbox
from .answers import AUTO_GENERATED, Answers
from .classify import Classification
from .config import Config
from .handling import ATTENTION, PROCESSED, QUARANTINE, Decision
from .lifecycle import Flag, State
from .lifecycle_steps import LifecycleSteps
from .limits import MAX_FIELD_CHARS, MAX_NAME_CHARS, MAX_SUBJECT_CHARS, clip
from .parse import ParsedMail
from .privacy import erase_on_request
from .store import Store
from .survey_auth import record_refusal, refusal_reason

ACCEPTS_CONFIRMATION = {State.INVITED.value, State.CONFIRMED.value, State.DECLINED.value}
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|antw|rif|r|wg|fw|fwd|tr|ref)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


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
        self.answers = Answers(config, store, now)

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

    def _queue(self, decision: Decision, record: dict[str, Any], kind: str, key: str,
               context: dict[str, Any], **options: Any) -> None:
        """Queue one answer and note it in the decision; an address callflow does not write to
        on its own leaves the mail for a person."""
        answer = self.answers.queue(record, kind, key, context, **options)
        decision.queued.extend(answer.kinds)
        if answer.refused:
            if decision.disposition == PROCESSED:
                decision.disposition = ATTENTION
            decision.note = f"not answered: {answer.refused}"

    # -- per kind -----------------------------------------------------------------------
    def decide(self, mail: ParsedMail, cls: Classification) -> Decision:
        handler = HANDLERS.get(cls.kind)
        if handler is None:  # auto replies aside, robots are logged and never answered
            disposition = ATTENTION if cls.needs_attention else PROCESSED
            return Decision(disposition, note=f"{cls.kind}: logged, never answered")
        return handler(self, mail, cls)

    def on_unparseable(self, mail: ParsedMail, cls: Classification) -> Decision:
        return Decision(QUARANTINE, note=f"quarantined: {cls.reason}")

    def on_bounce(self, mail: ParsedMail, cls: Classification) -> Decision:
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

    def on_auto_reply(self, mail: ParsedMail, cls: Classification) -> Decision:
        record = self.store.applicants.get(mail.from_addr) if mail.from_addr else None
        if record is not None:
            lifecycle.add_history(record, self.now, "auto_reply", cls.reason or "automatic reply", "mail")
        disposition = ATTENTION if cls.needs_attention else PROCESSED
        return Decision(disposition, applicant=record and record["email"], note="automatic reply: never answered")

    def on_organiser_command(self, mail: ParsedMail, cls: Classification) -> Decision:
        if not self.config.commands.enabled:
            # Commands by mail are switched off: a person reads it.
            return Decision(ATTENTION, note="organiser mail: left for a person")
        return commands_by_mail.execute(self.config, self.store, mail, self.now)

    def on_survey_response(self, mail: ParsedMail, cls: Classification) -> Decision:
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
            self._queue(
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

    def on_applicant_message(self, mail: ParsedMail, cls: Classification) -> Decision:
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
            invited = record.get("state") in ACCEPTS_CONFIRMATION
            cls.intent, cls.needs_attention = cls.intent_by_invitation.get(
                "invited" if invited else "not_invited", (cls.intent, cls.needs_attention))
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
            # The lifecycle acts on the answer and its own mail is the reply.
            change = LifecycleSteps(self.config, self.store, self.now, "mail").answer(record, cls.intent, mail)
            if change is not None:
                decision.state_change = f"{change.before}→{change.after}"
                decision.queued.extend(change.mails)
                return decision
        if cls.intent == "erasure" and not asks:
            decision.queued.extend(erase_on_request(self.config, self.store, record, self.now, mail))
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
        if self.answers.may_answer_automatically(record):
            self._queue(decision, record, kind, f"ack:{mail.key}", context, answering=mail)
        else:
            # The answer window (a safety net against loops) holds the automatic answer back;
            # a person still owes this sender one, so the mail is left for them.
            lifecycle.add_history(record, self.now, "not_answered", "answer window: already answered recently", "callflow")
            self._leave_for_a_person(decision, record, mail, cls)
        return decision


# The decide stage's handler for each kind of mail (classify.KINDS); a kind not named here is
# a robot's mail that is logged and never answered (list, spam).
HANDLERS: dict[str, Callable[[Decider, ParsedMail, Classification], Decision]] = {
    "unparseable": Decider.on_unparseable,
    "bounce": Decider.on_bounce,
    "auto_reply": Decider.on_auto_reply,
    "organiser_command": Decider.on_organiser_command,
    "survey_response": Decider.on_survey_response,
    "applicant_message": Decider.on_applicant_message,
}
