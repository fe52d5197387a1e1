"""The pipeline, end to end: intake → parse → classify → decide → outbox → render → send.

``intake_pass`` follows each batch of mail from the mailbox to a committed state and only
then settles the batch on the server; ``send_pass`` renders and sends what the outbox holds.
Both work on one ``Runtime`` (config, clock, store) and touch the outside world only through
the intake and transport objects they are given.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import lifecycle, outbox, privacy
from .classify import Classification, ClassifyContext
from .clock import Clock
from .config import Config
from .decide import Decider
from .digest_queue import queue_digest
from .handling import PROCESSED, QUARANTINE, Decision, to_folder
from .lifecycle import Flag
from .lifecycle_steps import LifecycleSteps
from .mailbox import IncomingMail, Intake
from .parse import ParsedMail, unreadable
from .render import Renderer
from .sender import SendRun
from .store import Store
from .understand import UnderstandingPool, Understood, internal_error, understand

log = logging.getLogger("callflow")


@dataclass
class Runtime:
    config: Config
    clock: Clock
    store: Store
    classify_context: ClassifyContext = field(init=False)

    def __post_init__(self) -> None:
        self.classify_context = ClassifyContext.from_config(self.config)

    @property
    def now(self) -> datetime:
        return self.clock.now()


@dataclass
class IntakeReport:
    handled: int = 0
    duplicates: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_disposition: dict[str, int] = field(default_factory=dict)
    queued: int = 0
    commits: int = 0

    def add(self, kind: str, decision: Decision) -> None:
        self.handled += 1
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
        self.by_disposition[decision.disposition] = self.by_disposition.get(decision.disposition, 0) + 1
        self.queued += len(decision.queued)


def process_message(
    rt: Runtime, data: bytes, ref: str, report: IntakeReport,
    understood: tuple[ParsedMail, Classification] | None = None,
) -> str:
    """Handle one raw message in memory; returns its disposition. Never raises: whatever one
    message does, it costs that message alone (quarantined with the reason, its half-made
    changes undone) and the rest of the batch is handled as usual."""
    try:
        return _process(rt, data, ref, report, understood)
    except (Exception, RecursionError) as exc:
        cls = internal_error(ref, exc)
        with contextlib.suppress(Exception):
            _record(rt, unreadable(data, cls.reason), cls, Decision(QUARANTINE, note=cls.reason))
        report.add(cls.kind, Decision(QUARANTINE))
        return QUARANTINE


def _process(
    rt: Runtime, data: bytes, ref: str, report: IntakeReport,
    understood: tuple[ParsedMail, Classification] | None,
) -> str:
    mail, cls = understood or understand(data, rt.classify_context, ref)
    seen = rt.store.messages.get(mail.key)
    if seen is not None:
        # The same message delivered (or read) again: settle it as before, act never twice.
        report.duplicates += 1
        log.info("duplicate message ref=%s: settled as %s", ref, seen["disposition"])
        return seen["disposition"]
    try:
        with rt.store.savepoint():
            decision = Decider(rt.config, rt.store, rt.now).decide(mail, cls)
    except (Exception, RecursionError) as exc:  # a bug must cost one message's handling, never the mail
        cls = internal_error(ref, exc)
        decision = Decision(QUARANTINE, note=cls.reason)
    if cls.folder and decision.disposition == PROCESSED:
        decision.disposition = to_folder(cls.folder)
    _record(rt, mail, cls, decision)
    report.add(cls.kind, decision)
    # One line per message; no address, subject or body at INFO (privacy).
    log.info(
        "message ref=%s kind=%s rule=%s intent=%s state=%s queued=%s -> %s",
        ref, cls.kind, cls.rule, cls.intent, decision.state_change or "-",
        ",".join(decision.queued) or "-", decision.disposition,
    )
    return decision.disposition


def _record(rt: Runtime, mail: ParsedMail, cls: Classification, decision: Decision) -> None:
    """The handled-message record: it stops a second delivery from acting twice, and tells the
    organisers why a mail was quarantined."""
    rt.store.messages.put(
        {
            "key": mail.key,
            "at": rt.now.isoformat(),
            "kind": cls.kind,
            "rule": cls.rule,
            "intent": cls.intent,
            "disposition": decision.disposition,
            "applicant": decision.applicant,
            "reason": cls.reason or decision.note,
            "size": mail.raw_size,
        }
    )


# Told (messages handled, messages waiting) after each message of a pass: a progress display.
OnProgress = Callable[[int, int | None], None]


def intake_pass(
    rt: Runtime, intake: Intake, between_batches: Callable[[], None] | None = None,
    on_progress: OnProgress | None = None,
) -> IntakeReport:
    """Read everything waiting, commit per batch, settle each batch after its commit.

    The next batch is fetched and handed to the worker processes before the current one is
    decided, so they read it meanwhile; ``between_batches`` runs after each settled batch (the
    run sends what the batch queued there, while the workers read on). ``on_progress(handled,
    waiting)`` is told after each message."""
    report = IntakeReport()
    store = rt.store
    state = store.checkpoints.get(intake.name)
    is_new = state is None
    if state is None:
        state = store.checkpoints.put({"name": intake.name})
    before = dict(state)
    intake.open(state)
    # Write only when something changed: an idle pass should cost one write, not three.
    if is_new or state != before:
        store.commit()  # a new checkpoint, a new UIDVALIDITY, or settlements redone on open
        report.commits += 1
    pool = UnderstandingPool(rt.config)
    try:
        batches = iter(intake.batches(rt.config.mailbox.batch_size))

        def read_ahead() -> tuple[list[IncomingMail], Iterator[Understood | None]] | None:
            batch = next(batches, None)
            return (batch, pool.results([i.data for i in batch])) if batch is not None else None

        current = read_ahead()
        while current is not None:
            batch, understood = current
            current = read_ahead()
            settlements = []
            for item, ready in zip(batch, understood, strict=True):
                settlements.append((item.ref, process_message(rt, item.data, item.ref, report, ready)))
                item.data = b""  # handled: let its bytes go before the next message is parsed
                if on_progress is not None:
                    on_progress(report.handled, intake.waiting)
            intake.mark_seen(batch, settlements)
            store.commit()
            report.commits += 1
            intake.settle(settlements)
            if between_batches is not None:
                between_batches()
    finally:
        pool.close()
    store.meta["last_poll"] = rt.now.isoformat()
    store.commit()
    report.commits += 1
    return report


def scheduled_pass(rt: Runtime, *, digest: bool = True) -> int:
    """Calendar updates after a change of the event, due reminders, the daily digest (when
    ``digest``) and the retention purge.

    Idempotent (keyed mail, one digest a day), so it runs on every pass. Returns the number of
    changes (mails queued, records erased); the caller commits when it is not zero.
    """
    life = LifecycleSteps(rt.config, rt.store, rt.now, "scheduler")
    changes = life.send_updates_if_changed() + life.reminders()
    for change in changes:
        log.info("scheduled: %s queued (state %s)", ",".join(change.mails), change.after)
    digests = queue_digest(rt.config, rt.store, rt.now) if digest else []
    if digests:
        log.info("digest queued for %d organiser(s)", len(digests))
    purged = privacy.retention_purge(rt.config, rt.store, rt.now)
    if purged:
        log.info("retention: erased %d record(s) after the retention period", purged)
    return sum(len(c.mails) for c in changes) + len(digests) + purged


class Sending:
    """One run of sends over one transport, with the state locked: it folds an interrupted run
    back in first, then, each time it is asked (``step``: between the batches of a long intake
    pass), records what went out since and hands the sender thread what is due now, so answers
    go out while the next batch is read and decided; ``finish`` waits for the last of them,
    commits and clears the send journal. Used as a context manager, a run left by an exception
    is folded in the same way (``abort``).

    A step changes the state in memory; the intake's next batch commit carries it, and until
    then the journal does (it is cleared only after the final commit)."""

    def __init__(self, rt: Runtime, transport: outbox.Transport) -> None:
        self.rt = rt
        self.transport = transport
        self.journal = outbox.journal_for(rt.store)
        self.report = outbox.SendReport()
        self._recover()
        smtp = rt.config.smtp
        renderer = Renderer(rt.config)  # the templates as they are now
        self.run = SendRun(
            rt.store, transport, lambda entry: renderer.render(entry, rt.now), self.journal,
            rate_per_minute=smtp.rate_per_minute, max_attempts=smtp.max_attempts,
            retry_seconds=smtp.retry_seconds, on_refused=self._refused,
            first_contact_per_hour=smtp.first_contact_per_hour,
        )
        self._over = False

    def __enter__(self) -> Sending:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._over:
            self.abort()

    def _recover(self) -> None:
        store, now, transport = self.rt.store, self.rt.now, self.transport
        recovery = outbox.recover(store, self.journal, now, transport.delivered)
        if recovery:
            log.warning(
                "send journal: after an interruption, %d sent, %d to send again (never delivered), %d uncertain",
                recovery.sent, recovery.resent, recovery.uncertain,
            )
        resolved = outbox.resolve_uncertain(store, now, transport.delivered)
        if resolved:
            log.warning("sent folder: %d uncertain mail(s) found delivered", resolved)
        if recovery or resolved:
            store.commit()
        # What the journal still says is in the state as committed: an idle pass writes nothing.
        self.journal.clear()
        transport.tidy()

    def step(self) -> bool:
        """Record what went out since the last step, hand the sender what is due now (within
        the limits); whether anything was recorded."""
        try:
            return self._recorded(self.run.offer(self.rt.now))
        except BaseException:
            self.abort()
            raise

    def _recorded(self, report: outbox.SendReport) -> bool:
        now = self.rt.now
        for entry in report.sent:
            record = self.rt.store.applicants.get(entry["to"])
            if record is not None:
                lifecycle.add_history(record, now, "sent", f"{entry['kind']} (outbox {entry['id']})", "callflow")
        privacy.scrub_after_sending(report.sent + report.failed)
        self.report.add(report)
        return report.changed

    def _refused(self, entry: dict[str, Any], why: str) -> None:
        record = self.rt.store.applicants.get(entry["to"])
        if record is not None:
            lifecycle.set_flag(record, Flag.BOUNCED)
            lifecycle.set_flag(record, Flag.NEEDS_ATTENTION)
            lifecycle.add_history(record, self.rt.now, "send_refused", why[:200], "sender")

    def finish(self) -> outbox.SendReport:
        """Hand over the rest that is due, wait for the sender, commit (when that recorded
        anything: what the steps before recorded went with the intake's commits), and clear the
        journal."""
        try:
            changed = self._recorded(self.run.drain(self.rt.now))
            changed = self._recorded(self.run.close(self.rt.now)) or changed
        except BaseException:
            self.abort()
            raise
        self._over = True
        self.run.summed_up(self.report, self.rt.now)
        if changed:
            self.rt.store.commit()
        self.journal.clear()
        return self.report

    def abort(self) -> None:
        """Something stopped the run: wait for the sender to finish what it holds, record it,
        fold in from the journal what it could not report, commit, clear the journal."""
        if self._over:
            return
        self._over = True
        store, now = self.rt.store, self.rt.now
        try:
            self._recorded(self.run.close(now))
        except Exception as exc:  # the sender's own failure: what it left, the journal tells
            log.error("sending stopped: %s", exc)
        finally:
            outbox.recover(store, self.journal, now, self.transport.delivered)
            store.commit()
            self.journal.clear()


def send_pass(rt: Runtime, transport: outbox.Transport) -> outbox.SendReport:
    """Recover an interrupted run, then send what is due (rate-limited)."""
    with Sending(rt, transport) as sending:
        return sending.finish()
