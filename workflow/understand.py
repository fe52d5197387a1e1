"""Understanding mail: raw bytes → (ParsedMail, Classification), in this process or in workers.

Parsing and classifying are pure, so for a large batch (a backfill) they run in worker
processes while the decisions stay in the calling process, in mailbox order. ``understand``
never raises: whatever a message does to the parser or a classifier, it comes back as
``unparseable`` with the reason, and the pipeline quarantines it. A worker that fails or dies
costs only its own chunk, which is then read again in the calling process; workers end when
their parent ends, however it ends (no orphans after a kill -9).

Nothing here reads or writes state, mailboxes or the network.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .classify import Classification, ClassifyContext, classify
from .config import Config
from .parse import ParsedMail, parse

log = logging.getLogger("callflow")

Understood = tuple[ParsedMail, Classification]

PARALLEL_MIN_BATCH = 64  # smaller batches are read in the calling process
CHUNK = 8  # messages per task sent to a worker


def understand(data: bytes, ctx: ClassifyContext, ref: str = "-") -> Understood:
    """Parse and classify one message. Never raises."""
    mail = parse(data)  # never raises
    try:
        return mail, classify(mail, ctx)
    except (Exception, RecursionError) as exc:
        return mail, internal_error(ref, exc)


def internal_error(ref: str, exc: BaseException) -> Classification:
    """The classification of a message whose handling failed: unparseable, quarantined."""
    log.error("message ref=%s could not be handled (%s): quarantined", ref, type(exc).__name__)
    log.debug("handling failed", exc_info=True)
    return Classification(
        kind="unparseable", automatic=True, reply_allowed=False, rule="internal-error",
        reason=f"internal error: {type(exc).__name__}: {exc}"[:300],
    )


def worker_count(config: Config) -> int:
    wanted = config.mailbox.workers
    if wanted is None:
        wanted = min(4, os.cpu_count() or 1)
    return max(1, wanted)


# -- in a worker process ----------------------------------------------------------------------
_worker_context: ClassifyContext | None = None
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent(parent: int) -> None:
    """End this worker when the process that started it ends, even by SIGKILL.

    Linux delivers a signal of our choice when the parent dies (prctl PR_SET_PDEATHSIG); a
    watchdog thread that notices the parent is gone covers other systems and the moment before
    prctl took effect.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while True:
            threading.Event().wait(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _init_worker(config: Config, parent: int) -> None:
    global _worker_context
    _die_with_parent(parent)
    # The parent handles SIGTERM/SIGINT (finish the pass, then stop); workers just follow it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_context = ClassifyContext.from_config(config)


def _understand_chunk(chunk: list[bytes]) -> list[Understood | None]:
    assert _worker_context is not None
    out: list[Understood | None] = []
    for data in chunk:
        mail, cls = understand(data, _worker_context)
        if cls.kind in ("organiser_command", "unparseable"):
            # Commands need the whole message (headers, token), and unparseable mail is
            # recorded from its headers: both are read again in the calling process.
            out.append(None)
        else:
            out.append((mail.slim(keep_words=cls.kind == "applicant_message"), cls))
    return out


# -- in the calling process -------------------------------------------------------------------
class UnderstandingPool:
    """Worker processes for large batches; created on first use, replaced when broken."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.workers = worker_count(config)
        self._pool: ProcessPoolExecutor | None = None

    def results(self, datas: list[bytes]) -> Iterator[Understood | None]:
        """One result per message, in order; None means "read it in this process". The work is
        handed to the workers at once (so they read a batch while the caller finishes the one
        before); the results are collected as they are iterated."""
        if self.workers <= 1 or len(datas) < PARALLEL_MIN_BATCH:
            return iter([None] * len(datas))
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("fork"),
                initializer=_init_worker, initargs=(self.config, os.getpid()),
            )
        chunks = [datas[i:i + CHUNK] for i in range(0, len(datas), CHUNK)]
        try:
            futures: list[Future[list[Understood | None]]] = [
                self._pool.submit(_understand_chunk, chunk) for chunk in chunks
            ]
        except BrokenProcessPool:  # broken by an earlier batch: these are read here, the next gets a new pool
            self._discard()
            return iter([None] * len(datas))
        return self._collect(self._pool, futures, chunks)

    def _collect(
        self, pool: ProcessPoolExecutor, futures: list[Future[list[Understood | None]]], chunks: list[list[bytes]]
    ) -> Iterator[Understood | None]:
        # Lazily, in order: decisions on the first messages overlap with the workers still
        # reading the rest.
        for future, chunk in zip(futures, chunks, strict=True):
            try:
                yield from future.result()
            except BrokenProcessPool:
                # A worker died (killed, out of memory): the rest is read in this process, and
                # the next batch gets a new pool.
                if self._pool is pool:  # not yet replaced (a batch read ahead may have been)
                    log.warning("a worker process ended unexpectedly; its messages are read here")
                    self._discard()
                yield from [None] * len(chunk)
            except Exception:  # a result that could not be sent back: read these here
                yield from [None] * len(chunk)

    def _discard(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
