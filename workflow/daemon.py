"""The loop: wait for mail (IDLE or polling), handle it, send the outbox, run scheduled jobs.

``run_once`` is one complete pass. ``Daemon.run`` repeats it until SIGTERM/SIGINT, which
let the current pass finish before the process exits 0. Mailbox errors do not stop the
daemon: it reconnects with exponential backoff and jitter, and the outbox keeps being sent.

The daemon keeps its connections between passes: one IMAP session (reopened only when it is
gone) and one SMTP connection, so that a mail reported by IDLE is read and answered at once,
without a new login to either server. The SMTP connection is closed after
``SMTP_KEEP_SECONDS`` without sending, well within the five minutes a server keeps waiting
for the next command (RFC 5321 §4.5.3.2.7), and reopened on the next mail.
"""

from __future__ import annotations

import contextlib
import logging
import random
import signal
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

import schedule

from .errors import MailboxError, TransportError
from .mailbox import Intake, open_intake
from .outbox import SendReport, Transport
from .pipeline import IntakeReport, OnProgress, Runtime, Sending, intake_pass, scheduled_pass, send_pass
from .store import instance_lock
from .transport import open_transport

log = logging.getLogger("callflow")
SMTP_KEEP_SECONDS = 60.0


@dataclass
class PassReport:
    intake: IntakeReport
    sent: SendReport


def run_once(rt: Runtime, *, digest: bool = False, on_progress: OnProgress | None = None) -> PassReport:
    """Handle everything pending, send what may be sent, and return what happened.

    Answers go out between the batches of a long pass (a backfill), while the next batch is
    read. The daily digest belongs to the daemon's schedule (or `digest --send`); a single pass
    sends it only when asked (``--digest``, for running callflow from cron).
    """
    intake = open_intake(rt.config)
    try:
        transport = open_transport(rt.config)
        try:
            with rt.store.locked(), Sending(rt, transport) as sending:
                received = intake_pass(rt, intake, between_batches=sending.step, on_progress=on_progress)
                if scheduled_pass(rt, digest=digest):
                    rt.store.commit()
                sent = sending.finish()
        finally:
            transport.close()
    finally:
        intake.close()
    return PassReport(received, sent)


def send_outbox(rt: Runtime) -> SendReport:
    transport = open_transport(rt.config)
    try:
        with rt.store.locked():
            return send_pass(rt, transport)
    finally:
        transport.close()


class Daemon:
    def __init__(
        self, rt: Runtime, progress: Callable[[], AbstractContextManager[OnProgress | None]] | None = None
    ) -> None:
        self.rt = rt
        # Makes what shows a long pass's progress (the CLI's terminal bar), for each pass.
        self.progress = progress
        self.stopping = threading.Event()
        self.failures = 0
        self.scheduler = schedule.Scheduler()
        self.transport: Transport | None = None
        self.transport_used = 0.0  # time.monotonic() of the last pass that sent (or tried to)

    def stop(self, *_: object) -> None:
        # A signal handler: it runs between two lines of whatever the main thread was doing,
        # perhaps inside a log handler or the progress bar's lock, so it only sets the flag
        # (logging from here can deadlock); the loop says it stops.
        self.stopping.set()

    def _backoff(self) -> float:
        base = min(300.0, 2.0 ** min(self.failures, 8))
        return base * (0.5 + random.random() / 2)

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        cfg = self.rt.config
        scheduler = self.scheduler
        scheduler.every(30).seconds.do(self._send)
        # The digest (at digest.time in the event's timezone), reminders, calendar updates and
        # the retention purge are checked every minute; each is keyed, so it happens once.
        # (schedule's own timezone support needs pytz; the event timezone is handled here.)
        scheduler.every(1).minutes.do(self._scheduled)
        with instance_lock(cfg.storage.path):
            log.info("callflow running: mailbox %s, every %ss", cfg.mailbox.backend, cfg.mailbox.poll_seconds)
            intake = None
            try:
                self._scheduled()  # whatever fell due while callflow was not running
                while not self.stopping.is_set():
                    try:
                        if intake is None:
                            intake = open_intake(cfg)
                        shown = self.progress() if self.progress else contextlib.nullcontext(None)
                        with self.rt.store.locked(), shown as on_progress:
                            # The session stays open for the next pass.
                            self._intake_and_send(intake, on_progress)
                        self.failures = 0
                        scheduler.run_pending()
                        self._wait(intake)
                    except MailboxError as exc:
                        self.failures += 1
                        delay = self._backoff()
                        log.warning("%s; retrying in %.0fs", exc, delay)
                        if intake is not None:
                            intake.close()
                            intake = None
                        self._send()
                        self.stopping.wait(delay)
                log.info("stop requested")
            finally:
                if intake is not None:
                    intake.close()
                self._close_transport()
        log.info("callflow stopped")

    def _wait(self, intake) -> None:
        # Wake at least every few seconds to notice a stop request and run due jobs.
        remaining = self.rt.config.mailbox.poll_seconds
        while remaining > 0 and not self.stopping.is_set():
            step = min(remaining, 5.0)
            started = time.monotonic()
            if intake.wait(step):
                return
            remaining -= time.monotonic() - started
            self.scheduler.run_pending()
            if time.monotonic() - self.transport_used > SMTP_KEEP_SECONDS:
                self._close_transport()

    def _scheduled(self) -> None:
        with self.rt.store.locked():
            if scheduled_pass(self.rt):
                self.rt.store.commit()
        self._send()

    def _intake_and_send(self, intake: Intake, on_progress: OnProgress | None) -> None:
        """One pass over the mailbox (the state locked); each batch's answers go to the sender
        as soon as the batch is committed, as in ``run_once``, and the pass ends once they are out."""
        try:
            transport = self._transport()
            with Sending(self.rt, transport) as sending:
                intake_pass(self.rt, intake, between_batches=sending.step, on_progress=on_progress)
                report = sending.finish()
        except TransportError as exc:
            log.warning("sending: %s", exc)
            self._close_transport()  # reopened for the next pass
            intake_pass(self.rt, intake, on_progress=on_progress)  # the rest of the mail all the same
            return
        if report.changed:
            self.transport_used = time.monotonic()

    def _transport(self) -> Transport:
        if self.transport is None:
            self.transport = open_transport(self.rt.config)
        return self.transport

    def _send(self) -> None:
        try:
            transport = self._transport()
            with self.rt.store.locked():
                report = send_pass(self.rt, transport)
        except TransportError as exc:
            log.warning("sending: %s", exc)
            self._close_transport()  # reopened for the next pass
            return
        if report.changed:
            self.transport_used = time.monotonic()

    def _close_transport(self) -> None:
        transport, self.transport = self.transport, None
        if transport is not None:
            try:
                transport.close()
            except Exception as exc:  # closing must never stop the daemon
                log.warning("sending: closing the connection: %s", exc)
