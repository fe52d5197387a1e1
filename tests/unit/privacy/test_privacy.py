"""Privacy on its own: export of everything held about one person, erasure to a tombstone (the
address scrubbed from every table), erasure asked for by mail, and retention after the event.
Through the CLI and whole passes: tests/pipeline/test_privacy.py."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests import mails
from tests.cfg import make_config
from workflow import lifecycle, outbox, privacy
from workflow.config import Config
from workflow.errors import UsageError
from workflow.lifecycle_steps import LifecycleSteps
from workflow.parse import parse
from workflow.store import Store
from workflow.survey_auth import META_KEY

TZ = ZoneInfo("Europe/Brussels")
T0 = datetime(2022, 3, 1, 12, 0, tzinfo=TZ)
ANA = "ana.keller@example.net"


def applicant(store: Store, email: str = ANA, name: str = "Ana Keller") -> dict[str, Any]:
    record = lifecycle.new_record(email, name, T0)
    lifecycle.transition(record, "application", T0, "survey")
    record["fields"] = {"organisation": "Exit Programme"}
    return store.applicants.put(record)


def queue(store: Store, key: str, to: str, *, applicant: str | None, context: dict[str, Any],
          status: str = outbox.PENDING) -> dict[str, Any]:
    entry = outbox.enqueue(store, key=key, kind="ack_application" if applicant else "digest", to=to, to_name="",
                           applicant=applicant, context=context, now=T0, domain="callflow.example.org")
    entry["status"] = status
    return entry


def test_the_tombstone_key_hides_the_address_but_recognises_it_again(tmp_path: Path, config: Config) -> None:
    key = privacy.tombstone_key(config, ANA)
    assert key.startswith("erased:") and len(key) == len("erased:") + 32 and ANA not in key
    assert privacy.tombstone_key(config, ANA.upper()) == key
    assert privacy.tombstone_key(config, "bo@example.net") != key
    other = make_config(tmp_path, contact={"address": "info@other.example.org"})
    assert privacy.tombstone_key(other, ANA) != key  # keyed per installation


def test_export_gathers_everything_held_about_one_person(store: Store) -> None:
    applicant(store)
    applicant(store, "bo@example.net", "Bo")
    queue(store, f"ack:application:{ANA}", ANA, applicant=ANA, context={}, status=outbox.SENT)
    queue(store, "ack:application:bo@example.net", "bo@example.net", applicant="bo@example.net", context={})
    store.messages.put({"key": "m1", "at": T0.isoformat(), "kind": "applicant_message", "intent": "question",
                        "disposition": "attention", "applicant": ANA, "subject": "not exported"})
    store.meta[META_KEY] = [{"at": T0.isoformat(), "sender": "x@example.org", "applicant": ANA, "subject": "S",
                             "reason": "not authenticated", "key": "k"}]
    data = privacy.export(store, f" {ANA.upper()} ")
    assert data["applicant"]["email"] == ANA and data["applicant"]["fields"] == {"organisation": "Exit Programme"}
    assert [(m["kind"], m["status"]) for m in data["mail_sent_or_queued"]] == [("ack_application", "sent")]
    assert data["messages_received"] == [{"at": T0.isoformat(), "kind": "applicant_message", "intent": "question",
                                          "disposition": "attention"}]
    assert data["survey_notifications_not_acted_on"] == [{"at": T0.isoformat(), "sender": "x@example.org",
                                                          "subject": "S", "reason": "not authenticated"}]
    with pytest.raises(UsageError, match="nobody@example.net: no such applicant"):
        privacy.export(store, "nobody@example.net")


def test_erasure_leaves_a_tombstone_and_scrubs_every_table(config: Config, store: Store) -> None:
    record = applicant(store)
    lifecycle.set_flag(record, lifecycle.Flag.NEEDS_ATTENTION)
    sent = queue(store, f"ack:application:{ANA}", ANA, applicant=ANA, context={"applicant": {"email": ANA}},
                 status=outbox.SENT)
    waiting = queue(store, f"selection:{ANA}:3", ANA, applicant=ANA, context={}, status=outbox.AWAITING)
    digest = queue(store, "digest:2022-03-02:anna.organiser@example.org", "anna.organiser@example.org",
                   applicant=None, context={"new": [{"who": f"Ana Keller <{ANA}>"}], "note": "Ana Keller asked"})
    store.messages.put({"key": "m1", "applicant": ANA})
    store.meta[META_KEY] = [{"applicant": ANA, "key": "k"}]

    later = T0 + timedelta(days=1)
    tombstone = privacy.erase(config, store, ANA, later, "anna")
    key = privacy.tombstone_key(config, ANA)
    assert store.applicants.get(ANA) is None and store.applicants.get(key) is tombstone
    assert tombstone["flags"] == ["erased"] and tombstone["name"] == "" and tombstone["fields"] == {}
    assert tombstone["state"] == "applied"  # what counts, without who
    assert tombstone["history"] == [{"at": later.isoformat(), "event": "erased", "detail": "personal data erased",
                                     "by": "anna"}]
    # Open mail to her is discarded, sent mail kept without her; keys no longer name her.
    assert waiting["status"] == outbox.DISCARDED and sent["status"] == outbox.SENT
    for entry in (sent, waiting):
        assert entry["to"] == key and entry["applicant"] == key and entry["context"] == {}
        assert ANA not in entry["key"] and store.outbox.get(entry["key"]) is entry
    # Organiser mail quoting her keeps its sense, not her name or address.
    assert digest["context"] == {"new": [{"who": "(erased) <(erased)>"}], "note": "(erased) asked"}
    assert store.messages.get("m1")["applicant"] == key and store.meta[META_KEY][0]["applicant"] == key
    store.commit()
    text = store.path.read_text(encoding="utf-8")
    assert ANA not in text and "Ana Keller" not in text
    with pytest.raises(UsageError, match="no such applicant"):
        privacy.erase(config, store, ANA, later, "anna")


def test_a_short_name_is_not_scrubbed_from_other_peoples_words(config: Config, store: Store) -> None:
    applicant(store, "bo@example.net", "Bo")
    digest = queue(store, "digest:1", "anna.organiser@example.org", applicant=None,
                   context={"who": "Bo <bo@example.net>", "note": "Bob asked about the boat"})
    privacy.erase(config, store, "bo@example.net", T0, "anna")
    assert digest["context"] == {"who": "Bo <(erased)>", "note": "Bob asked about the boat"}


def test_mail_owed_to_a_person_who_asked_goes_out_then_is_scrubbed(config: Config, store: Store) -> None:
    applicant(store)
    owed = queue(store, f"erasure:{ANA}", ANA, applicant=ANA, context={"applicant": {"email": ANA}})
    privacy.erase(config, store, ANA, T0, "mail", deliver=[f"erasure:{ANA}"])
    key = privacy.tombstone_key(config, ANA)
    assert owed["status"] == outbox.PENDING and owed["to"] == ANA and owed["erasure_of"] == key
    privacy.scrub_after_sending([owed])
    assert owed["to"] == ANA  # not sent yet: still needed
    owed["status"] = outbox.SENT
    privacy.scrub_after_sending([owed])
    assert owed["to"] == key and owed["context"] == {}


def test_erasure_by_mail_cancels_the_calendar_entry_and_confirms(config: Config, store: Store) -> None:
    record = applicant(store)
    steps = LifecycleSteps(config, store, T0, "anna")
    steps.apply("select", ANA)
    steps.apply("invite", ANA)
    request = parse(mails.build(f"Ana <{ANA}>", "My data", "Please delete my data.\n"))
    queued = privacy.erase_on_request(config, store, record, T0 + timedelta(days=1), request)
    assert queued == ["withdrawal_ack", "erasure_ack"]
    by_kind = {e["kind"]: e for e in store.outbox}
    assert by_kind["withdrawal_ack"]["calendar"]["method"] == "CANCEL"
    assert by_kind["erasure_ack"]["to"] == ANA and by_kind["erasure_ack"]["status"] == outbox.PENDING
    assert store.applicants.get(privacy.tombstone_key(config, ANA))["state"] == "withdrawn"


def test_erasure_by_mail_of_someone_never_invited_only_confirms(config: Config, store: Store) -> None:
    record = applicant(store)
    request = parse(mails.build(f"Ana <{ANA}>", "My data", "Please delete my data.\n"))
    assert privacy.erase_on_request(config, store, record, T0, request) == ["erasure_ack"]


# -- retention ----------------------------------------------------------------------------------------
def test_retention_is_off_unless_configured(config: Config, store: Store) -> None:
    applicant(store)
    assert privacy.retention_purge(config, store, datetime(2030, 1, 1, tzinfo=TZ)) == 0
    assert store.applicants.get(ANA) is not None


def test_retention_erases_everyone_after_the_event_plus_the_days(tmp_path: Path, store: Store) -> None:
    config = make_config(tmp_path, retention={"days_after_event": 30})
    applicant(store)
    applicant(store, "bo@example.net", "Bo")
    privacy.erase(config, store, "bo@example.net", T0, "anna")
    store.meta[META_KEY] = [{"applicant": "someone@example.org", "key": "k"}]
    last_session_end = datetime(2022, 3, 25, 16, 30, tzinfo=TZ)
    assert privacy.retention_purge(config, store, last_session_end + timedelta(days=30, seconds=-1)) == 0
    at = last_session_end + timedelta(days=30)
    assert privacy.retention_purge(config, store, at) == 1  # Bo was erased already
    assert all(r["flags"] == ["erased"] for r in store.applicants) and len(store.applicants) == 2
    assert META_KEY not in store.meta and store.meta["retention_purged_at"] == at.isoformat()
    assert "@" not in json.dumps(list(store.applicants))
