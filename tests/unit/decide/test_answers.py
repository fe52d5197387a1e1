"""Answers: one mail to one applicant, queued in the outbox only to an address a person uses, and
noted in the applicant's record (threading, the answer window, history)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests import mails
from tests.cfg import make_config
from workflow import lifecycle, outbox
from workflow.addresses import unanswerable
from workflow.answers import AUTO_GENERATED, AUTO_REPLIED, Answers
from workflow.config import Config
from workflow.parse import parse
from workflow.store import Store

NOW = datetime(2022, 3, 1, 12, 0, tzinfo=ZoneInfo("Europe/Brussels"))
ANA = "ana@example.net"


def record_for(store: Store, email: str = ANA, name: str = "Ana Applicant") -> dict[str, Any]:
    return store.applicants.put(lifecycle.new_record(email, name, NOW))


def test_an_answer_is_queued_in_the_thread_and_noted_in_the_record(config: Config, store: Store) -> None:
    record = record_for(store)
    question = parse(mails.build(f"Ana <{ANA}>", "Question", "Is it recorded?\n", message_id="<q@example.net>",
                                 References="<first@example.net>"))
    answer = Answers(config, store, NOW).queue(record, "ack_inquiry", "ack:q", {"asks_question": True},
                                               answering=question)
    entry = answer.entry
    assert answer.kind == "ack_inquiry" and answer.refused is None
    assert store.outbox.get("ack:q") is entry and entry["status"] == outbox.PENDING
    assert entry["to"] == ANA and entry["to_name"] == "Ana Applicant" and entry["applicant"] == ANA
    assert entry["context"] == {"applicant": {"name": "Ana Applicant", "email": ANA}, "asks_question": True}
    assert entry["in_reply_to"] == "<q@example.net>" and entry["references"] == ["<first@example.net>"]
    assert entry["auto_submitted"] == AUTO_REPLIED
    assert record["sent_message_ids"] == [entry["message_id"]]
    assert record["auto_answers"] == [NOW.isoformat()]  # an answer to a mail counts for the window
    assert record["history"][-1] == {"at": NOW.isoformat(), "event": "queued",
                                     "detail": f"ack_inquiry (outbox {entry['id']})", "by": "callflow"}


def test_mail_not_answering_a_mail_does_not_count_for_the_answer_window(config: Config, store: Store) -> None:
    record = record_for(store)
    answer = Answers(config, store, NOW).queue(record, "reminder_deadline", "remind:a", {},
                                               auto_submitted=AUTO_GENERATED)
    assert answer.entry["in_reply_to"] is None and answer.entry["auto_submitted"] == AUTO_GENERATED
    assert record["auto_answers"] == [] and len(record["sent_message_ids"]) == 1


def test_the_config_decides_which_kinds_await_approval_unless_told(config: Config, store: Store) -> None:
    record = record_for(store)
    answers = Answers(config, store, NOW)
    selection = answers.queue(record, "selection", "selection:a", {})
    assert selection.entry["status"] == outbox.AWAITING
    assert record["history"][-1]["detail"].endswith("(awaiting approval)")
    assert answers.queue(record, "confirmation", "confirmation:a", {}).entry["status"] == outbox.PENDING
    assert answers.queue(record, "selection", "selection:b", {}, approval=False).entry["status"] == outbox.PENDING
    assert answers.queue(record, "confirmation", "confirmation:b", {}, approval=True).entry["status"] == \
        outbox.AWAITING


def test_the_same_key_twice_queues_and_notes_nothing(config: Config, store: Store) -> None:
    record = record_for(store)
    answers = Answers(config, store, NOW)
    answers.queue(record, "ack_application", "ack:application:ana", {})
    history = list(record["history"])
    again = answers.queue(record, "ack_application", "ack:application:ana", {})
    assert again.entry is None and again.kind is None and again.refused is None
    assert record["history"] == history and len(record["sent_message_ids"]) == 1 and len(store.outbox) == 1


@pytest.mark.parametrize(("address", "why"), [
    ("postmaster@callflow.example.org", "a role account of our own domain"),
    ("x@[127.0.0.1]", "domain literal"),
    ("bob@intranet", "no dot in the domain"),
])
def test_an_unanswerable_address_is_flagged_for_a_person_and_nothing_queued(
    config: Config, store: Store, address: str, why: str
) -> None:
    record = record_for(store, address, "")
    mail = parse(mails.build(f"Someone <{address}>", "Participation", "I would like to take part.\n"))
    answer = Answers(config, store, NOW).queue(record, "ack_inquiry", "ack:x", {}, answering=mail)
    assert answer.entry is None and why in answer.refused
    assert len(store.outbox) == 0 and record["sent_message_ids"] == [] and record["auto_answers"] == []
    assert record["flags"] == ["needs_attention"]
    assert record["history"][-1]["event"] == "not_answered"
    assert record["history"][-1]["detail"] == f"ack_inquiry: {answer.refused}"
    assert record["attention"]["note"] == f"not answered automatically: {answer.refused}"
    assert record["attention"]["snippet"] == "I would like to take part." and record["attention"]["subject"] == \
        "Participation"


def test_invisible_characters_and_numeric_domains_are_never_answered() -> None:
    for address in ["0@0.\x80", "a@b\u200b.org", "a@\u202eexample.org", "x@foo.123", "x@host.local", "a b@x.org"]:
        assert unanswerable(address) is not None, address
    for address in ["maria@example.org", "o'brien@example.ie", "x@exämple.de", "a+tag@xn--bcher-kva.example"]:
        assert unanswerable(address) is None, address


# -- the answer window --------------------------------------------------------------------------------
def test_one_automatic_answer_per_sender_and_day(config: Config, store: Store) -> None:
    record = record_for(store)
    answers = Answers(config, store, NOW)
    assert answers.may_answer_automatically(record)
    record["auto_answers"] = [(NOW - timedelta(hours=23)).isoformat()]
    assert not answers.may_answer_automatically(record)
    assert Answers(config, store, NOW + timedelta(hours=1, seconds=1)).may_answer_automatically(record)
    assert record["auto_answers"] == []  # what fell out of the window is forgotten


def test_the_answer_window_follows_the_config(tmp_path: Path, store: Store) -> None:
    config = make_config(tmp_path, replies={"window_days": 7, "max_per_window": 2})
    record = record_for(store)
    answers = Answers(config, store, NOW)
    record["auto_answers"] = [(NOW - timedelta(days=8)).isoformat(), (NOW - timedelta(days=6)).isoformat()]
    assert answers.may_answer_automatically(record)
    record["auto_answers"].append((NOW - timedelta(days=1)).isoformat())
    assert not answers.may_answer_automatically(record)
