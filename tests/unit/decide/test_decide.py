"""The decide stage on its own: one test per handler in ``decide.HANDLERS`` (and for a kind with
none), on a real Store, with mail built as bytes and run through parse; the classification is
written out by hand so that each test says exactly what decide is given."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests import mails
from tests.cfg import make_config
from workflow import outbox
from workflow.classify import KINDS, Classification
from workflow.config import Config
from workflow.decide import HANDLERS, Decider, reply_subject
from workflow.handling import ATTENTION, PROCESSED, QUARANTINE
from workflow.lifecycle_steps import LifecycleSteps
from workflow.limits import MAX_SUBJECT_CHARS
from workflow.parse import ParsedMail, parse
from workflow.privacy import tombstone_key
from workflow.store import Store

TZ = ZoneInfo("Europe/Brussels")
NOW = datetime(2022, 3, 1, 12, 0, tzinfo=TZ)
AFTER_DEADLINE = datetime(2022, 3, 11, 9, 0, tzinfo=TZ)  # the survey closed at the end of 10 March
ANA = "ana@example.net"


def mail(sender: str = f"Ana Applicant <{ANA}>", subject: str = "Working group meeting",
         body: str = "I would like to take part.\n", **headers: str) -> ParsedMail:
    return parse(mails.build(sender, subject, body, **headers))


def applicant(intent: str = "none", *, email: str = ANA, needs_attention: bool = False,
              by_invitation: dict[str, tuple[str, bool]] | None = None) -> Classification:
    return Classification(kind="applicant_message", automatic=False, reply_allowed=True, rule="builtin:applicant",
                          intent=intent, applicant_email=email, applicant_name="Ana Applicant",
                          needs_attention=needs_attention,
                          intent_by_invitation=by_invitation or {"invited": (intent, needs_attention),
                                                                 "not_invited": (intent, needs_attention)})


def survey(email: str = ANA, response_id: str = "1042") -> Classification:
    return Classification(kind="survey_response", automatic=True, reply_allowed=True, rule="builtin:survey",
                          applicant_email=email, applicant_name="Ana Applicant",
                          survey_fields={"response_id": response_id, "organisation": "Exit Programme"},
                          survey_extra={"Country": "Belgium"})


def apply(config: Config, store: Store, email: str = ANA, at: datetime = NOW) -> dict[str, Any]:
    Decider(config, store, at).apply_application(email, "Ana Applicant", {}, {}, response_id=f"r-{email}",
                                                 submitted=at, by="survey")
    return store.applicants.get(email)


def invite(config: Config, store: Store, email: str = ANA) -> dict[str, Any]:
    record = apply(config, store, email)
    steps = LifecycleSteps(config, store, NOW, "anna")
    steps.apply("select", email)
    steps.apply("invite", email)
    assert record["state"] == "invited"
    return record


def kinds(store: Store, to: str = ANA) -> list[str]:
    return [e["kind"] for e in sorted(store.outbox, key=lambda e: e["id"]) if e["to"] == to]


def test_every_kind_with_a_handler_is_a_kind_classify_gives() -> None:
    assert set(HANDLERS) <= set(KINDS)
    assert set(KINDS) - set(HANDLERS) == {"list", "spam"}  # robots: logged, never answered


# -- robots --------------------------------------------------------------------------------------
def test_unparseable_mail_is_quarantined_and_changes_nothing(config: Config, store: Store) -> None:
    cls = Classification(kind="unparseable", automatic=True, reply_allowed=False, rule="guard:unparseable",
                         reason="MIME parts nested deeper than 50 levels", needs_attention=True)
    decision = Decider(config, store, NOW).decide(mail(), cls)
    assert decision.disposition == QUARANTINE
    assert decision.note == "quarantined: MIME parts nested deeper than 50 levels"
    assert len(store.applicants) == 0 and len(store.outbox) == 0


def test_a_bounce_flags_the_bounced_applicants_only(config: Config, store: Store) -> None:
    apply(config, store)
    apply(config, store, "bo@example.net")
    queued = len(store.outbox)
    cls = Classification(kind="bounce", automatic=True, reply_allowed=False, rule="builtin:dsn",
                         bounced_recipients=[ANA, "stranger@example.org"], reason="550 5.1.1 user unknown")
    decision = Decider(config, store, NOW).decide(
        mail("Mail Delivery System <MAILER-DAEMON@mx.example.net>", "Undelivered Mail"), cls)
    assert decision.disposition == PROCESSED and decision.applicant == ANA and decision.queued == []
    ana = store.applicants.get(ANA)
    assert set(ana["flags"]) == {"bounced", "needs_attention"}
    assert ana["history"][-1]["event"] == "bounce" and ana["history"][-1]["detail"] == "550 5.1.1 user unknown"
    assert store.applicants.get("bo@example.net")["flags"] == []
    assert store.applicants.get("stranger@example.org") is None  # nobody is created from a bounce
    assert len(store.outbox) == queued


def test_a_complaint_flags_the_complainant_but_is_no_bounce(config: Config, store: Store) -> None:
    apply(config, store)
    cls = Classification(kind="bounce", automatic=True, reply_allowed=False, rule="guard:feedback_report",
                         applicant_email=ANA, reason="abuse report (ARF)")
    decision = Decider(config, store, NOW).decide(mail("abuse@mailbox.example.net", "Abuse report"), cls)
    record = store.applicants.get(ANA)
    assert decision.disposition == PROCESSED and decision.applicant == ANA
    assert record["flags"] == ["needs_attention"]
    assert record["history"][-1]["event"] == "complaint"
    unknown = Classification(kind="bounce", automatic=True, reply_allowed=False, rule="guard:feedback_report",
                             applicant_email="stranger@example.org")
    assert Decider(config, store, NOW).decide(mail(), unknown).applicant is None
    assert store.applicants.get("stranger@example.org") is None


def test_an_automatic_reply_is_only_logged(config: Config, store: Store) -> None:
    record = apply(config, store)
    queued, flags = len(store.outbox), list(record["flags"])
    cls = Classification(kind="auto_reply", automatic=True, reply_allowed=False, rule="guard:auto_submitted",
                         reason="Auto-Submitted: auto-replied")
    decision = Decider(config, store, NOW).decide(mail(subject="Out of office"), cls)
    assert decision.disposition == PROCESSED and decision.applicant == ANA and decision.queued == []
    assert record["history"][-1]["event"] == "auto_reply" and record["flags"] == flags
    assert len(store.outbox) == queued
    # From someone callflow does not know: nothing is recorded at all.
    decision = Decider(config, store, NOW).decide(mail("Someone <someone@example.org>"), cls)
    assert decision.applicant is None and store.applicants.get("someone@example.org") is None


@pytest.mark.parametrize("kind", ["list", "spam"])
def test_a_kind_without_a_handler_is_logged_never_answered(config: Config, store: Store, kind: str) -> None:
    cls = Classification(kind=kind, automatic=True, reply_allowed=False, rule=f"builtin:{kind}")
    decision = Decider(config, store, NOW).decide(mail(), cls)
    assert decision.disposition == PROCESSED and decision.note == f"{kind}: logged, never answered"
    cls.needs_attention = True
    assert Decider(config, store, NOW).decide(mail(), cls).disposition == ATTENTION
    assert len(store.applicants) == 0 and len(store.outbox) == 0


# -- survey responses ------------------------------------------------------------------------------
def test_a_survey_response_records_an_application_and_acknowledges_it(config: Config, store: Store) -> None:
    decision = Decider(config, store, NOW).decide(mail(f"Survey tool <{mails.SURVEY}>", "New response"), survey())
    assert decision.disposition == PROCESSED and decision.state_change == "new→applied"
    assert decision.queued == ["ack_application"]
    record = store.applicants.get(ANA)
    assert record["state"] == "applied" and record["applied_at"] == NOW.isoformat()
    assert record["fields"]["organisation"] == "Exit Programme" and record["extra"] == {"Country": "Belgium"}
    assert record["response_ids"] == ["1042"] and "late" not in record["flags"]
    entry = store.outbox.get(f"ack:application:{ANA}")
    # Ana never wrote herself: the acknowledgement is first contact, limited per hour when sent.
    assert entry["kind"] == "ack_application" and entry.get(outbox.FIRST_CONTACT) is True


def test_a_survey_response_after_the_deadline_is_late(config: Config, store: Store, tmp_path: Path) -> None:
    decision = Decider(config, store, AFTER_DEADLINE).decide(mail(), survey())
    record = store.applicants.get(ANA)
    assert decision.queued == ["ack_late_application"]
    assert record["state"] == "applied" and {"late", "needs_attention"} <= set(record["flags"])
    assert [h["detail"] for h in record["history"] if h["event"] == "application"] == ["new → applied; late"]
    # The same response the day before the deadline is on time.
    decision = Decider(config, Store(tmp_path / "other.json"), AFTER_DEADLINE - timedelta(days=1)).decide(
        mail(), survey())
    assert decision.queued == ["ack_application"]


def test_the_same_survey_response_twice_is_one_application(config: Config, store: Store) -> None:
    Decider(config, store, NOW).decide(mail(), survey(response_id="1042"))
    later = NOW + timedelta(hours=1)
    decision = Decider(config, store, later).decide(mail(), survey(response_id="1042"))
    record = store.applicants.get(ANA)
    assert record["response_ids"] == ["1042"] and record["applied_at"] == NOW.isoformat()
    assert record["state"] == "applied" and decision.queued == []
    assert kinds(store) == ["ack_application"]  # acknowledged once
    # A response from someone already selected updates the record and leaves the state alone.
    LifecycleSteps(config, store, later, "anna").apply("select", ANA)
    decision = Decider(config, store, later).decide(mail(), survey(response_id="1043"))
    assert record["state"] == "selected" and decision.state_change is None and decision.queued == []
    assert record["response_ids"] == ["1042", "1043"] and record["history"][-1]["event"] == "survey_update"


def test_someone_who_wrote_first_is_no_first_contact(config: Config, store: Store) -> None:
    Decider(config, store, NOW).decide(mail(), applicant("interest"))
    Decider(config, store, NOW).decide(mail(f"Survey tool <{mails.SURVEY}>", "New response"), survey())
    assert store.applicants.get(ANA)["state"] == "applied"
    assert outbox.FIRST_CONTACT not in store.outbox.get(f"ack:application:{ANA}")


def test_an_unauthenticated_survey_notification_is_refused_when_required(tmp_path: Path, store: Store) -> None:
    config = make_config(tmp_path, survey={"require_authentication": True},
                         commands={"trusted_authserv_ids": ["mx.callflow.example.org"]})
    decision = Decider(config, store, NOW).decide(mail(), survey())
    assert decision.disposition == ATTENTION and "not checked for authentication" in decision.note
    assert len(store.applicants) == 0 and len(store.outbox) == 0


def test_a_survey_notification_without_an_address_is_left_for_a_person(config: Config, store: Store) -> None:
    cls = survey()
    cls.applicant_email = None
    decision = Decider(config, store, NOW).decide(mail(), cls)
    assert decision.disposition == ATTENTION and len(store.applicants) == 0


# -- applicants' own mail --------------------------------------------------------------------------
def test_a_new_person_is_inquired_and_answered_in_the_thread(config: Config, store: Store) -> None:
    first = mail(subject="Re: Working group meeting", message_id="<q1@example.net>")
    decision = Decider(config, store, NOW).decide(first, applicant("interest"))
    assert decision.disposition == PROCESSED and decision.state_change == "new→inquired"
    assert decision.queued == ["ack_inquiry"]
    record = store.applicants.get(ANA)
    assert record["state"] == "inquired" and record["name"] == "Ana Applicant" and record["flags"] == []
    entry = store.outbox.get(f"ack:{first.key}")
    assert entry["in_reply_to"] == "<q1@example.net>" and entry["auto_submitted"] == "auto-replied"
    assert entry["context"]["reply_subject"] == "Re: Working group meeting"
    assert entry["context"]["asks_question"] is False
    assert record["sent_message_ids"] == [entry["message_id"]]


def test_a_known_person_gets_the_plain_acknowledgement(config: Config, store: Store) -> None:
    apply(config, store)
    decision = Decider(config, store, NOW).decide(mail(), applicant("interest"))
    assert decision.state_change is None and decision.queued == ["ack_message"]
    assert store.applicants.get(ANA)["state"] == "applied"


def test_a_question_is_answered_and_left_flagged_for_a_person(config: Config, store: Store) -> None:
    question = mail(subject="Recording?", body="Is the meeting recorded?\n\nAna\n")
    decision = Decider(config, store, NOW).decide(question, applicant("question", needs_attention=True))
    record = store.applicants.get(ANA)
    assert decision.disposition == ATTENTION and decision.queued == ["ack_inquiry"]
    assert record["flags"] == ["needs_attention"]
    assert record["attention"]["intent"] == "question" and "recorded" in record["attention"]["snippet"]
    assert store.outbox.get(f"ack:{question.key}")["context"]["asks_question"] is True


def test_the_answer_window_holds_a_second_automatic_answer_back(config: Config, store: Store) -> None:
    Decider(config, store, NOW).decide(mail(body="First.\n"), applicant("interest"))
    second = mail(body="Second.\n")
    decision = Decider(config, store, NOW + timedelta(hours=2)).decide(second, applicant("interest"))
    record = store.applicants.get(ANA)
    assert decision.disposition == ATTENTION and decision.queued == []
    assert store.outbox.get(f"ack:{second.key}") is None and kinds(store) == ["ack_inquiry"]
    assert record["history"][-1]["event"] == "not_answered" and "needs_attention" in record["flags"]
    # A day later (replies.window_days: 1) the window is open again.
    third = mail(body="Third.\n")
    decision = Decider(config, store, NOW + timedelta(days=1, minutes=1)).decide(third, applicant("interest"))
    assert decision.queued == ["ack_message"]


@pytest.mark.parametrize(("intent", "state", "mail_kind"), [
    ("confirm", "confirmed", "confirmation"),
    ("decline", "declined", "decline_ack"),
    ("withdraw", "withdrawn", "withdrawal_ack"),
])
def test_an_invited_persons_answer_takes_the_lifecycle_step(
    config: Config, store: Store, intent: str, state: str, mail_kind: str
) -> None:
    invite(config, store)
    answer = mail(subject="Re: Invitation", body=f"{intent}\n")
    decision = Decider(config, store, NOW).decide(answer, applicant(intent))
    record = store.applicants.get(ANA)
    assert record["state"] == state and decision.state_change == f"invited→{state}"
    assert decision.queued == [mail_kind] and decision.disposition == PROCESSED
    entry = store.outbox.get(f"{mail_kind}:{ANA}:{answer.key}")
    assert entry["in_reply_to"] == answer.message_id  # the lifecycle's mail is the reply
    assert store.outbox.get(f"ack:{answer.key}") is None  # and no acknowledgement on top


def test_the_invitation_decides_which_reading_of_the_mail_counts(config: Config, store: Store) -> None:
    # "Yes, I will attend": a confirmation from someone invited, only interest before any invitation.
    reading = {"invited": ("confirm", False), "not_invited": ("interest", False)}
    invite(config, store)
    apply(config, store, "bo@example.net")
    decision = Decider(config, store, NOW).decide(mail(body="Yes, I will attend.\n"),
                                                  applicant("confirm", by_invitation=reading))
    assert store.applicants.get(ANA)["state"] == "confirmed" and decision.queued == ["confirmation"]
    bo = mail("Bo <bo@example.net>", body="Yes, I will attend.\n")
    decision = Decider(config, store, NOW).decide(bo, applicant("confirm", email="bo@example.net",
                                                                by_invitation=reading))
    record = store.applicants.get("bo@example.net")
    assert record["state"] == "applied" and decision.queued == ["ack_message"]
    assert decision.disposition == PROCESSED and "needs_attention" not in record["flags"]


def test_a_hedged_answer_is_left_for_a_person(config: Config, store: Store) -> None:
    invite(config, store)
    reading = {"invited": ("confirm", True), "not_invited": ("interest", False)}
    decision = Decider(config, store, NOW).decide(mail(body="I think I can come, but…\n"),
                                                  applicant("confirm", by_invitation=reading))
    record = store.applicants.get(ANA)
    assert record["state"] == "invited" and decision.disposition == ATTENTION
    assert "needs_attention" in record["flags"] and decision.queued == ["ack_message"]


def test_an_answer_that_does_not_fit_the_state_is_left_for_a_person(config: Config, store: Store) -> None:
    apply(config, store)  # applied, never invited: "confirm" has nothing to confirm
    reading = {"invited": ("confirm", False), "not_invited": ("confirm", False)}
    decision = Decider(config, store, NOW).decide(mail(body="I confirm.\n"),
                                                  applicant("confirm", by_invitation=reading))
    assert store.applicants.get(ANA)["state"] == "applied" and decision.disposition == ATTENTION


def test_an_erasure_request_erases(config: Config, store: Store) -> None:
    apply(config, store)
    request = mail(subject="My data", body="Please delete my personal data.\n")
    decision = Decider(config, store, NOW).decide(request, applicant("erasure"))
    assert decision.state_change == "erased" and decision.applicant is None
    assert decision.queued == ["erasure_ack"]
    assert store.applicants.get(ANA) is None
    tombstone = store.applicants.get(tombstone_key(config, ANA))
    assert tombstone["flags"] == ["erased"] and tombstone["name"] == ""
    # The confirmation still goes out to her, then her address is scrubbed from it.
    (ack,) = [e for e in store.outbox if e["kind"] == "erasure_ack"]
    assert ack["to"] == ANA and ack["status"] == outbox.PENDING and ack["erasure_of"] == tombstone["email"]


def test_a_reply_from_another_address_belongs_to_the_thread_owner(config: Config, store: Store) -> None:
    invite(config, store)
    (invitation,) = [e for e in store.outbox if e["kind"] == "invitation"]
    reply = mail("Ana at home <ana.private@example.org>", "Re: Invitation", "I confirm.\n",
                 In_Reply_To=invitation["message_id"])
    decision = Decider(config, store, NOW).decide(reply, applicant("confirm", email="ana.private@example.org"))
    assert decision.applicant == ANA and store.applicants.get(ANA)["state"] == "confirmed"
    assert store.applicants.get("ana.private@example.org") is None


def test_mail_without_a_sender_address_is_left_for_a_person(config: Config, store: Store) -> None:
    decision = Decider(config, store, NOW).decide(mail(), applicant("interest", email=""))
    assert decision.disposition == ATTENTION and len(store.applicants) == 0


# -- the subject of an answer ----------------------------------------------------------------------
@pytest.mark.parametrize(("subject", "expected"), [
    ("Working group meeting", "Re: Working group meeting"),
    ("Re: Working group meeting", "Re: Working group meeting"),
    ("RE: AW: Fwd: Re[2]: Question", "Re: Question"),
    ("SV:  Vraag", "Re: Vraag"),
    ("", "Fallback"),
    ("Re: ", "Fallback"),
    ("=?utf-8?q?broken", "Fallback"),
])
def test_reply_subject(subject: str, expected: str) -> None:
    assert reply_subject(subject, "Fallback") == expected


def test_reply_subject_is_clipped() -> None:
    subject = reply_subject("x" * 10_000, "Fallback")
    assert subject.startswith("Re: x") and len(subject) <= len("Re: ") + MAX_SUBJECT_CHARS
