"""One run of sends: due mail is picked, rendered and its outcome recorded in the caller's thread,
while the transport moves the bytes in a thread of its own.

So a long pass decides the next batch of mail while the server takes the answers to the last
one. The thread gets ``OutgoingMail`` (plain bytes) and gives back ``Delivery`` outcomes; the
journal's handover lines are written from it (the transport's point of no return is there).

This module must not change the state from the sender thread: every change to an outbox entry
is made by the caller, in ``offer``, ``collect`` and ``close``. An entry is ``sending`` while
the transport has it; everything else in callflow leaves such an entry alone or marks it
(``outbox.DISCARD_UNLESS_SENT``), and its outcome is looked up by id, which no step changes.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from . import outbox
from .outbox import FIRST_CONTACT, SENDING, SendJournal, SendReport, Transport
from .outgoing import Delivery, Handoff, OutgoingMail
from .store import Store

log = logging.getLogger(__name__)

MINUTE = "minute"
_FINISHED = object()  # the sender thread's last word on the results queue


class SendRun:
    """Sends over one transport for as long as the caller offers mail, within the limits:
    ``rate_per_minute`` in any minute and ``first_contact_per_hour`` first-contact mails in any
    hour (the others are not slowed by that). The caller holds the state's lock throughout and
    commits; ``close`` must follow every run that began (it waits for the sender thread)."""

    def __init__(
        self,
        store: Store,
        transport: Transport,
        render: Callable[[dict[str, Any]], OutgoingMail],
        journal: SendJournal,
        *,
        rate_per_minute: int,
        max_attempts: int,
        retry_seconds: float,
        on_refused: Callable[[dict[str, Any], str], None] | None = None,
        first_contact_per_hour: int | None = None,
    ) -> None:
        self.store = store
        self.transport = transport
        self.render = render
        self.journal = journal
        self.rate_per_minute = rate_per_minute
        self.first_contact_per_hour = first_contact_per_hour
        self.max_attempts = max_attempts
        self.retry_seconds = retry_seconds
        self.on_refused = on_refused
        self._handed = Handoff()
        self._results: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._in_flight: dict[int, list[str]] = {}  # outbox id → the limits it counts against
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._ended = False  # the sender thread has ended (the run closed, or the transport stopped)
        self._closed = False
        self.stopped = False  # the transport stopped taking mail: its server cannot be reached
        self.seconds = 0.0  # how long the sender thread was at work

    # -- the caller's side -------------------------------------------------------------------
    def offer(self, now: datetime) -> SendReport:
        """Record the outcomes that came back, then hand the transport what is due now and the
        limits allow. Returns what was recorded (render failures included)."""
        report = self.collect(now)
        if self._ended or self._closed:
            return report
        left = self._limits_left(now)
        for entry in outbox.due(self.store, now):
            if left[MINUTE] <= 0:
                break
            limits = [MINUTE, FIRST_CONTACT] if entry.get(FIRST_CONTACT) and FIRST_CONTACT in left else [MINUTE]
            if FIRST_CONTACT in limits and left[FIRST_CONTACT] <= 0:
                continue  # stays pending, untouched: a later pass sends it
            try:
                mail = self.render(entry)
            except Exception as exc:  # one broken template or context must not stop every other mail
                outbox.render_failed(entry, exc, now)
                report.failed.append(entry)
                continue
            for limit in limits:
                left[limit] -= 1
            entry["status"] = SENDING
            self._in_flight[entry["id"]] = limits
            self._start()
            self._handed.put(mail)
        return report

    def collect(self, now: datetime, wait: bool = False) -> SendReport:
        """Record the outcomes that came back; with ``wait``, until every mail handed over has
        come back (or the sender thread ended)."""
        return self._outcomes(now, lambda: wait and bool(self._in_flight))

    def _outcomes(self, now: datetime, waiting: Callable[[], bool]) -> SendReport:
        """Record outcomes as they come, waiting for the next while ``waiting()`` says so."""
        report = SendReport()
        while not self._ended:
            try:
                item = self._results.get(block=waiting())
            except queue.Empty:
                break
            if item is _FINISHED:
                self._end(now)
            else:
                self._record(item, now, report)
        return report

    def drain(self, now: datetime) -> SendReport:
        """Send everything that is due and the limits allow, waiting for each outcome: a mail
        that was not delivered gives its place in the limits back to the next one."""
        report = SendReport()
        while True:
            report.add(self.offer(now))
            if not self._in_flight or self._ended:
                return report
            report.add(self.collect(now, wait=True))

    def close(self, now: datetime) -> SendReport:
        """No more mail: wait for the sender to finish what it has, record it, and sync the
        journal. Re-raises what stopped the sender thread, if anything did."""
        self._closed = True
        self._handed.end()
        try:
            report = self._outcomes(now, lambda: True) if self._thread is not None else SendReport()
        finally:
            self.journal.sync()
        if self._error is not None:
            raise self._error
        return report

    def summed_up(self, report: SendReport, now: datetime) -> SendReport:
        """``report`` (of the whole run, once closed) with what the run leaves: the mail still
        due (left by the limits or a transport that stopped), and the sender's working time."""
        report.deferred = len(outbox.due(self.store, now))
        report.stopped = self.stopped
        report.seconds = self.seconds
        return report

    def _limits_left(self, now: datetime) -> dict[str, int]:
        recent = outbox.sends_since(self.store.meta.get("recent_sends"), now - timedelta(minutes=1))
        in_flight = list(self._in_flight.values())
        left = {MINUTE: self.rate_per_minute - sum(recent.values()) - len(in_flight)}
        if self.first_contact_per_hour is not None:
            budget = outbox.first_contact_budget(self.store, now, self.first_contact_per_hour)
            left[FIRST_CONTACT] = budget - sum(1 for limits in in_flight if FIRST_CONTACT in limits)
        return left

    def _record(self, delivery: Delivery, now: datetime, report: SendReport) -> None:
        ident = delivery.mail.outbox_id
        self._in_flight.pop(ident, None)
        entry = self.store.outbox.find("id", ident)
        if entry is None or entry["status"] != SENDING:  # only this run changes a sending entry
            log.error("outbox id=%s: an outcome for an entry that is not being sent", ident)
            return
        outbox.record_delivery(entry, delivery, self.journal, now, report, self.max_attempts,
                               self.retry_seconds, self.on_refused)
        if delivery.delivered:
            at = now.isoformat()
            recent = outbox.sends_since(self.store.meta.get("recent_sends"), now - timedelta(minutes=1))
            recent[at] = recent.get(at, 0) + 1
            self.store.meta["recent_sends"] = recent

    def _end(self, now: datetime) -> None:
        """The sender thread ended: what it did not take never left, and is pending again."""
        self._ended = True
        self.stopped = not self._handed.saw_end
        for mail in self._handed.left_over():
            self._in_flight.pop(mail.outbox_id, None)
            entry = self.store.outbox.find("id", mail.outbox_id)
            if entry is not None and entry["status"] == SENDING:
                outbox.settle_untaken(entry, now)
        # Taken and not reported (the thread failed): the journal knows; recovery settles them.

    # -- the sender thread --------------------------------------------------------------------
    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._send, name="callflow-sender", daemon=True)
            self._thread.start()

    def _send(self) -> None:
        started = time.monotonic()
        try:
            self.transport.deliver(self._handed, self._handover, self._results.put)
        except BaseException as exc:
            self._error = exc
        finally:
            self.seconds = time.monotonic() - started
            self._results.put(_FINISHED)

    def _handover(self, mails: Sequence[OutgoingMail]) -> None:
        self.journal.handover([m.outbox_id for m in mails])


def send_due(
    store: Store,
    transport: Transport,
    render: Callable[[dict[str, Any]], OutgoingMail],
    journal: SendJournal,
    now: datetime,
    **limits: Any,
) -> SendReport:
    """Send what is due now, in one run (``SendRun``'s limits as keywords); the caller commits."""
    run = SendRun(store, transport, render, journal, **limits)
    try:
        report = run.drain(now)
    finally:
        report_rest = run.close(now)
    report.add(report_rest)
    return run.summed_up(report, now)
