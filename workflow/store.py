"""State on disk: one TinyDB JSON file, written atomically once per batch.

TinyDB rewrites its whole file on every insert, so writing per message would make a
10,000-message backfill quadratic. callflow therefore keeps the state in memory as plain
dicts (in TinyDB's own table layout, so the file stays a TinyDB database that TinyDB can
open and query) and writes it with ``commit()`` once per batch of handled messages, through
a storage class that replaces the file atomically (temp file, fsync, rename, mode 0600).

Only this module touches the state file.
"""

from __future__ import annotations

import contextlib
import copy
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
from filelock import FileLock, Timeout
from tinydb import TinyDB
from tinydb.storages import Storage

from .errors import LockError, StorageError
from .private_file import write_private

SCHEMA_VERSION = 1


class AtomicJSONStorage(Storage):
    """TinyDB storage that never leaves a half-written file behind."""

    def __init__(self, path: str | os.PathLike[str], **_: Any) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            with open(self.path, encoding="utf-8") as fh:
                text = fh.read()
        except FileNotFoundError:
            return None
        if not text.strip():
            return None
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise StorageError(f"{self.path}: state file is not valid JSON ({exc.msg} at line {exc.lineno})") from None

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        # orjson: the whole state is written at every commit (each batch of a backfill), and the
        # stdlib's encoder took a fifth of a backfill's main-process time.
        write_private(self.path, orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS))

    def close(self) -> None:
        pass


class Table:
    """One table in memory: documents by TinyDB doc id, plus a unique key index.

    Documents are handed out as the live dicts and changed in place. Inside a savepoint every
    document is copied the first time it is handed out (or added), so ``rollback`` can restore
    the table exactly as it was.
    """

    def __init__(self, name: str, docs: dict[str, dict[str, Any]], key: str | None) -> None:
        self.name = name
        self.docs = docs
        self.key = key
        self._index: dict[str, str] = {}
        self._secondary: dict[str, dict[Any, str]] = {}  # other fields looked up often, built on demand
        self._next_id = 1 + max((int(i) for i in docs), default=0)
        # One entry per open savepoint (innermost last): doc id → its copy from before that
        # savepoint (None: added since), and the next id to hand out at that point.
        self._savepoints: list[tuple[dict[str, dict[str, Any] | None], int]] = []
        self._reindex()

    def _reindex(self) -> None:
        self._index = {}
        self._secondary = {}
        if self.key:
            for doc_id, doc in self.docs.items():
                if self.key in doc:
                    self._index[doc[self.key]] = doc_id

    def _touch(self, doc_id: str) -> None:
        if self._savepoints:
            before = self._savepoints[-1][0]
            if doc_id not in before:
                doc = self.docs.get(doc_id)
                before[doc_id] = copy.deepcopy(doc) if doc is not None else None

    def begin_savepoint(self) -> None:
        self._savepoints.append(({}, self._next_id))

    def release_savepoint(self) -> None:
        """Keep the changes; an enclosing savepoint can still undo them."""
        before, _ = self._savepoints.pop()
        if self._savepoints:
            outer = self._savepoints[-1][0]
            for doc_id, doc in before.items():
                # Untouched in the outer scope until now: its state then is this copy.
                outer.setdefault(doc_id, doc)

    def rollback_savepoint(self) -> None:
        """Undo every change since the innermost ``begin_savepoint``."""
        before, next_id = self._savepoints.pop()
        for doc_id, doc in before.items():
            if doc is None:
                self.docs.pop(doc_id, None)
            else:
                self.docs[doc_id] = doc
        self._next_id = next_id
        self._reindex()

    def get(self, key: str) -> dict[str, Any] | None:
        doc_id = self._index.get(key)
        if doc_id is None:
            return None
        self._touch(doc_id)
        return self.docs[doc_id]

    def put(self, doc: dict[str, Any]) -> dict[str, Any]:
        """Insert, or replace the document with the same key."""
        assert self.key is not None
        k = doc[self.key]
        doc_id = self._index.get(k)
        if doc_id is None:
            doc_id = str(self._next_id)
            self._next_id += 1
            self._index[k] = doc_id
        self._touch(doc_id)
        self.docs[doc_id] = doc
        for field_name, index in self._secondary.items():
            if doc.get(field_name) is not None:
                index[doc[field_name]] = doc_id
        return doc

    def find(self, field_name: str, value: Any) -> dict[str, Any] | None:
        """The document whose ``field_name`` equals ``value`` (the last one written wins)."""
        index = self._secondary.get(field_name)
        if index is None:
            index = {doc[field_name]: doc_id for doc_id, doc in self.docs.items() if doc.get(field_name) is not None}
            self._secondary[field_name] = index
        doc_id = index.get(value)
        if doc_id is None or doc_id not in self.docs:
            return None
        self._touch(doc_id)
        return self.docs[doc_id]

    def rekey(self, old: str, doc: dict[str, Any]) -> None:
        """Move a document to a new key (erasure replaces the address by a tombstone)."""
        doc_id = self._index.pop(old)
        self._touch(doc_id)
        self._index[doc[self.key]] = doc_id  # type: ignore[index]
        self.docs[doc_id] = doc
        self._secondary.clear()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        if not self._savepoints:
            return iter(self.docs.values())
        return self._iter_touching()

    def _iter_touching(self) -> Iterator[dict[str, Any]]:
        for doc_id in list(self.docs):
            self._touch(doc_id)
            yield self.docs[doc_id]

    def matching(self, wanted: Callable[[dict[str, Any]], bool]) -> Iterator[dict[str, Any]]:
        """The documents for which ``wanted`` holds (``wanted`` only reads).

        Inside a savepoint only the documents handed out are copied: looking through a large
        table for a few (the places taken, one person's mail) costs no copies of the rest,
        where iterating the whole table would copy every document.
        """
        for doc_id in list(self.docs):
            doc = self.docs.get(doc_id)
            if doc is not None and wanted(doc):
                self._touch(doc_id)
                yield doc

    def __len__(self) -> int:
        return len(self.docs)


class Store:
    """The whole state, loaded once, changed in memory, committed in one atomic write."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = TinyDB(self.path, storage=AtomicJSONStorage)
        self._storage: AtomicJSONStorage = self._db.storage  # type: ignore[assignment]
        self._write_lock = FileLock(str(self.path) + ".lock")
        self.commits = 0
        self._load()

    def _load(self) -> None:
        data = self._storage.read() or {}
        meta = data.get("_meta", {}).get("1", {})
        schema = meta.get("schema", SCHEMA_VERSION)
        if schema > SCHEMA_VERSION:
            raise StorageError(
                f"{self.path}: state schema {schema} is newer than this callflow understands ({SCHEMA_VERSION})"
            )
        self.meta: dict[str, Any] = {"schema": SCHEMA_VERSION, **meta}
        self.applicants = Table("applicants", data.get("applicants", {}), "email")
        self.outbox = Table("outbox", data.get("outbox", {}), "key")
        self.messages = Table("messages", data.get("messages", {}), "key")
        self.checkpoints = Table("checkpoints", data.get("checkpoints", {}), "name")
        self._mtime = self._file_mtime()

    def _file_mtime(self) -> float | None:
        try:
            return self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return None

    def commit(self) -> None:
        """Write everything in one atomic replacement of the file."""
        data = {
            "_meta": {"1": self.meta},
            "applicants": self.applicants.docs,
            "outbox": self.outbox.docs,
            "messages": self.messages.docs,
            "checkpoints": self.checkpoints.docs,
        }
        self._storage.write(data)
        self.commits += 1
        self._mtime = self._file_mtime()

    def refresh(self) -> None:
        """Reload if another process (an organiser's CLI command) committed meanwhile."""
        if self._file_mtime() != self._mtime:
            self._load()

    @contextlib.contextmanager
    def locked(self, timeout: float = 30.0) -> Iterator[Store]:
        """Hold the write lock for a read-modify-commit cycle shared with other processes."""
        try:
            self._write_lock.acquire(timeout=timeout)
        except Timeout:
            raise LockError(f"{self.path}: state is locked by another callflow process") from None
        try:
            self.refresh()
            yield self
        finally:
            self._write_lock.release()

    @contextlib.contextmanager
    def savepoint(self) -> Iterator[None]:
        """Changes made inside are undone if it is left by an exception (which propagates).

        The pipeline decides each message inside one, so a message whose handling fails leaves
        no half-made change behind; a command mail runs each line inside a nested one. Only the
        documents actually handed out are copied, when they are first handed out.
        """
        tables = (self.applicants, self.outbox, self.messages, self.checkpoints)
        meta_before = copy.deepcopy(self.meta)
        for table in tables:
            table.begin_savepoint()
        try:
            yield
        except BaseException:
            for table in tables:
                table.rollback_savepoint()
            # In place: callers may hold the meta dict.
            self.meta.clear()
            self.meta.update(meta_before)
            raise
        for table in tables:
            table.release_savepoint()

    def tinydb(self) -> TinyDB:
        """The underlying TinyDB, for ad-hoc read queries over the committed file."""
        return self._db


@contextlib.contextmanager
def instance_lock(storage_path: Path) -> Iterator[None]:
    """Refuse a second daemon on the same storage."""
    lock = FileLock(str(storage_path) + ".daemon.lock")
    storage_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise LockError(
            f"{storage_path}: another callflow daemon is already running on this storage"
        ) from None
    try:
        yield
    finally:
        lock.release()
