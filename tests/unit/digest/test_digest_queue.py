"""Queueing the daily digest: once a day from ``digest.time`` in the event's timezone, one mail per
organiser through the outbox with a fresh reply token, on demand with ``force``, and nothing at
all without organisers."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.cfg import make_config
from workflow import digest_queue, lifecycle, outbox, tokens
from workflow.config import Config
from workflow.store import Store

UTC = ZoneInfo("UTC")
ORGANISERS = [{"name": "Anna Organiser", "email": "anna.organiser@example.org"},
              {"name": "Ben Organiser", "email": "ben.organiser@example.org"}]


@pytest.fixture
def config(tmp_path: Path) -> Config:
    # 08:00 in Brussels is 07:00 UTC in March (CET, UTC+1).
    return make_config(tmp_path, digest={"time": "08:00"}, organisers=ORGANISERS)


def utc(day: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2022, 3, day, hh, mm, tzinfo=UTC)


def test_due_from_the_digest_time_in_the_event_timezone(config: Config, store: Store) -> None:
    assert not digest_queue.due(config, store, utc(1, 6, 59))  # 07:59 in Brussels
    assert digest_queue.due(config, store, utc(1, 7, 0))
    assert digest_queue.due(config, store, utc(1, 22, 59))  # 23:59 in Brussels, still 1 March there
    assert not digest_queue.due(config, store, utc(1, 23, 0))  # 00:00 on 2 March in Brussels: too early


def test_once_a_day_one_mail_per_organiser(config: Config, store: Store) -> None:
    entries = digest_queue.queue_digest(config, store, utc(1, 7, 30))
    assert [e["to"] for e in entries] == [o["email"] for o in ORGANISERS]
    (token,) = [t["token"] for t in store.meta["digest_tokens"]]
    for entry in entries:
        assert entry["key"] == f"digest:2022-03-01:{entry['to']}" and entry["kind"] == digest_queue.KIND
        assert entry["status"] == outbox.PENDING and entry["applicant"] is None
        assert entry["auto_submitted"] == "auto-generated"
        assert entry["reply_to"] == tokens.reply_address(config, token)
        assert entry["context"]["token"] == token and entry["context"]["subject_tag"] == f"[cf-{token}]"
    assert store.meta["last_digest_day"] == "2022-03-01"
    assert store.meta["last_digest_at"] == utc(1, 7, 30).isoformat()
    # Later the same day: nothing, not even a new token.
    assert not digest_queue.due(config, store, utc(1, 20, 0))
    assert digest_queue.queue_digest(config, store, utc(1, 20, 0)) == []
    assert len(store.meta["digest_tokens"]) == 1
    # The next morning, the next one.
    assert [e["key"] for e in digest_queue.queue_digest(config, store, utc(2, 7, 5))] == [
        f"digest:2022-03-02:{o['email']}" for o in ORGANISERS]


def test_the_local_day_names_the_digest(config: Config, store: Store) -> None:
    # 23:30 UTC on 1 March is 00:30 on 2 March in Brussels: the day is Brussels' day.
    digest_queue.queue_digest(config, store, utc(1, 23, 30), force=True)
    assert store.meta["last_digest_day"] == "2022-03-02"
    assert not digest_queue.due(config, store, utc(2, 7, 0))  # 2 March has had its digest


def test_force_queues_another_digest_on_demand(config: Config, store: Store) -> None:
    digest_queue.queue_digest(config, store, utc(1, 7, 30))
    forced = digest_queue.queue_digest(config, store, utc(1, 9, 0), force=True)
    assert [e["key"] for e in forced] == [f"digest:{utc(1, 9, 0).isoformat()}:{o['email']}" for o in ORGANISERS]
    assert len(store.meta["digest_tokens"]) == 2
    first_token = store.meta["digest_tokens"][0]["token"]
    assert forced[0]["context"]["token"] != first_token  # each digest its own token
    assert digest_queue.queue_digest(config, store, utc(1, 6, 0), force=True)  # before digest.time too


def test_no_organisers_no_digest_and_no_token(tmp_path: Path, store: Store) -> None:
    config = make_config(tmp_path, organisers=[])
    assert digest_queue.queue_digest(config, store, utc(1, 9, 0)) == []
    assert digest_queue.queue_digest(config, store, utc(1, 9, 0), force=True) == []
    assert "digest_tokens" not in store.meta and "last_digest_day" not in store.meta
    assert len(store.outbox) == 0


def test_old_tokens_are_pruned_when_a_digest_is_queued(config: Config, store: Store) -> None:
    old = tokens.issue(store, utc(1, 7, 0) - timedelta(days=8))  # commands.token_days: 7
    digest_queue.queue_digest(config, store, utc(1, 7, 30))
    assert old not in [t["token"] for t in store.meta["digest_tokens"]]
    assert len(store.meta["digest_tokens"]) == 1


def test_the_digest_is_a_snapshot_of_the_state_when_queued(config: Config, store: Store) -> None:
    record = lifecycle.new_record("a@example.org", "A", utc(1, 6, 0))
    lifecycle.transition(record, "application", utc(1, 6, 0), "survey")
    store.applicants.put(record)
    (entry, _) = digest_queue.queue_digest(config, store, utc(1, 7, 30))
    assert entry["context"]["counts"]["applied"] == 1
    assert entry["context"]["reply_hint"].startswith("Reply to this mail")
    assert json.loads(json.dumps(entry["context"])) == entry["context"]  # plain JSON, as the outbox keeps it
    lifecycle.transition(record, "select", utc(1, 8, 0), "anna")
    assert entry["context"]["counts"]["applied"] == 1 and entry["context"]["counts"]["selected"] == 0
