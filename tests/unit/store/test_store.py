"""Storage: atomic replacement, mode 0600, schema version, one write per commit."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from tinydb import Query, TinyDB

from workflow.errors import LockError, StorageError
from workflow.store import AtomicJSONStorage, Store, instance_lock


def test_commit_writes_a_tinydb_file_with_mode_0600(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.json")
    store.applicants.put({"email": "a@example.org", "state": "applied"})
    store.commit()
    mode = stat.S_IMODE((tmp_path / "state.json").stat().st_mode)
    assert mode == 0o600
    data = json.loads((tmp_path / "state.json").read_text())
    assert data["_meta"]["1"]["schema"] == 1
    # The file is a real TinyDB database: TinyDB itself can query it.
    db = TinyDB(tmp_path / "state.json", storage=AtomicJSONStorage)
    assert db.table("applicants").search(Query().email == "a@example.org")[0]["state"] == "applied"


def test_nothing_is_written_until_commit(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.json")
    for i in range(100):
        store.applicants.put({"email": f"p{i}@example.org"})
    assert not (tmp_path / "state.json").exists()
    store.commit()
    assert store.commits == 1
    assert len(Store(tmp_path / "state.json").applicants) == 100


def test_a_failed_write_leaves_the_previous_file_intact(tmp_path: Path, monkeypatch) -> None:
    store = Store(tmp_path / "state.json")
    store.applicants.put({"email": "a@example.org"})
    store.commit()
    before = (tmp_path / "state.json").read_bytes()
    store.applicants.put({"email": "b@example.org", "bad": object()})  # not JSON-serialisable
    with pytest.raises(TypeError):
        store.commit()
    assert (tmp_path / "state.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".state")] == []


def test_crash_during_rename_keeps_old_state(tmp_path: Path, monkeypatch) -> None:
    store = Store(tmp_path / "state.json")
    store.applicants.put({"email": "a@example.org"})
    store.commit()
    store.applicants.put({"email": "b@example.org"})

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        store.commit()
    monkeypatch.undo()
    assert len(Store(tmp_path / "state.json").applicants) == 1


def test_newer_schema_and_corrupt_file_are_clear_errors(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"_meta": {"1": {"schema": 99}}}))
    with pytest.raises(StorageError, match="schema 99 is newer"):
        Store(path)
    path.write_text("{not json")
    with pytest.raises(StorageError, match="not valid JSON"):
        Store(path)


def test_refresh_sees_another_process_commit(tmp_path: Path) -> None:
    a = Store(tmp_path / "state.json")
    a.commit()
    b = Store(tmp_path / "state.json")
    b.applicants.put({"email": "x@example.org"})
    b.commit()
    with a.locked():
        assert a.applicants.get("x@example.org") is not None


def test_second_instance_is_refused(tmp_path: Path) -> None:
    with instance_lock(tmp_path / "state.json"):
        second = instance_lock(tmp_path / "state.json")
        with pytest.raises(LockError, match="already running"):
            second.__enter__()


# -- savepoints: one message's failed handling leaves nothing behind --------------------------
def _filled(tmp_path: Path) -> Store:
    store = Store(tmp_path / "state.json")
    store.applicants.put({"email": "a@example.org", "state": "applied", "history": [1]})
    store.outbox.put({"key": "ack:1", "id": 1, "message_id": "<m1@x>"})
    store.meta["outbox_seq"] = 1
    store.commit()
    return store


def test_a_savepoint_left_by_an_exception_undoes_every_change(tmp_path: Path) -> None:
    store = _filled(tmp_path)
    with pytest.raises(RuntimeError), store.savepoint():
        store.applicants.get("a@example.org")["history"].append(2)  # changed in place
        store.applicants.put({"email": "b@example.org", "state": "inquired"})  # added
        store.outbox.put({"key": "ack:2", "id": 2, "message_id": "<m2@x>"})
        store.meta["outbox_seq"] = 2
        next(iter(store.outbox))["status"] = "sent"  # changed while iterating
        raise RuntimeError("handling failed")
    assert store.applicants.get("a@example.org") == {"email": "a@example.org", "state": "applied", "history": [1]}
    assert store.applicants.get("b@example.org") is None and len(store.applicants) == 1
    assert [e["key"] for e in store.outbox] == ["ack:1"] and "status" not in store.outbox.get("ack:1")
    assert store.outbox.find("message_id", "<m2@x>") is None
    assert store.meta["outbox_seq"] == 1
    # Ids handed out inside are handed out again: the table looks as if nothing happened.
    assert store.applicants.put({"email": "c@example.org"}) is store.applicants.get("c@example.org")
    assert sorted(store.applicants.docs) == ["1", "2"]


def test_a_savepoint_left_normally_keeps_the_changes(tmp_path: Path) -> None:
    store = _filled(tmp_path)
    with store.savepoint():
        store.applicants.get("a@example.org")["state"] = "selected"
        store.applicants.put({"email": "b@example.org"})
    assert store.applicants.get("a@example.org")["state"] == "selected"
    assert store.applicants.get("b@example.org") is not None


def test_nested_savepoints_undo_only_their_own_part_until_the_outer_one_fails(tmp_path: Path) -> None:
    store = _filled(tmp_path)
    with pytest.raises(KeyError), store.savepoint():
        store.applicants.get("a@example.org")["state"] = "selected"  # outer change
        with pytest.raises(ValueError), store.savepoint():
            store.applicants.get("a@example.org")["state"] = "invited"
            store.applicants.put({"email": "x@example.org"})
            raise ValueError("one command line fails")
        assert store.applicants.get("a@example.org")["state"] == "selected"
        assert store.applicants.get("x@example.org") is None
        with store.savepoint():  # a line that works
            store.applicants.put({"email": "y@example.org"})
            store.outbox.get("ack:1")["status"] = "sent"
        assert store.applicants.get("y@example.org") is not None
        raise KeyError("then the whole message fails")
    assert store.applicants.get("a@example.org")["state"] == "applied"
    assert store.applicants.get("y@example.org") is None
    assert "status" not in store.outbox.get("ack:1")


def test_outside_a_savepoint_nothing_is_copied(tmp_path: Path) -> None:
    store = _filled(tmp_path)
    record = store.applicants.get("a@example.org")
    assert store.applicants.get("a@example.org") is record
    assert all(not t._savepoints for t in (store.applicants, store.outbox, store.messages))


def test_documents_found_by_matching_are_restored_and_only_they_are_copied(tmp_path: Path) -> None:
    store = _filled(tmp_path)
    store.applicants.put({"email": "b@example.org", "state": "selected", "history": []})
    with pytest.raises(RuntimeError), store.savepoint():
        found = list(store.applicants.matching(lambda r: r["state"] == "selected"))
        assert [r["email"] for r in found] == ["b@example.org"]
        # Looking through the table copied only the document handed out.
        assert list(store.applicants._savepoints[-1][0]) == [store.applicants._index["b@example.org"]]
        found[0]["state"] = "invited"
        raise RuntimeError("handling failed")
    assert store.applicants.get("b@example.org")["state"] == "selected"
