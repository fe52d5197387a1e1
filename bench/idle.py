#!/usr/bin/env python3
"""IDLE latency: from a mail's arrival in the inbox to its answer accepted by the SMTP server.

Starts a throw-away Dovecot (IMAPS) and an aiosmtpd submission server (STARTTLS + AUTH, a sink
that notes when each answer arrives), then runs the real daemon (``callflow run``, IMAP with
``idle: true``, the sending limits lifted) as a separate process. Once the daemon answered a
first mail and sits in IDLE, it APPENDs N inquiries one at a time, each from its own sender, at
random intervals, and measures from the APPEND's completion (the server's tagged OK) to the sink
accepting the acknowledgement to that sender.

As a reference it first measures the server's own floor: a bare imapclient session in IDLE, the
time from the APPEND's completion (on another connection) to the untagged EXISTS. While the
daemon runs, a second bare IDLE session on its account notes each EXISTS, which gives the
daemon's own part (EXISTS → answer accepted).

Usage: .venv/bin/python bench/idle.py [N] [--floor K] [--gap MIN MAX] [--check SECONDS] [--log FILE]
[--profile FILE] (default N = 100 mails, K = 30 floor samples, gaps 0.3-1.0 s; --check sets
``mailbox.check_seconds``, so the daemon asks with a NOOP instead of waiting in IDLE; --log keeps
the daemon's INFO log, --profile writes a cProfile of the daemon).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.speed import Sink  # noqa: E402
from tests import mails  # noqa: E402
from tests.cfg import START as NOW  # noqa: E402
from tests.cfg import base_config, write_config  # noqa: E402
from tests.servers import CertAuthority, DovecotServer  # noqa: E402


class TimedSink(Sink):
    """The sink, noting when (perf_counter) the answer to each recipient was accepted."""

    def __init__(self, ca: CertAuthority) -> None:
        super().__init__(ca)
        self.arrived: dict[str, float] = {}
        self.connections = 0

    def _deliver(self, session, envelope) -> str:  # type: ignore[override]
        at = time.perf_counter()
        reply = super()._deliver(session, envelope)
        with self._cond:
            for rcpt in envelope.rcpt_tos:
                self.arrived.setdefault(rcpt.lower(), at)
            self._cond.notify_all()
        return reply

    def _authenticate(self, server, session, envelope, mechanism, auth_data):  # type: ignore[override]
        self.connections += 1  # callflow logs in once per SMTP connection
        return super()._authenticate(server, session, envelope, mechanism, auth_data)

    def wait_rcpt(self, rcpt: str, timeout: float) -> float | None:
        with self._cond:
            if self._cond.wait_for(lambda: rcpt in self.arrived, timeout):
                return self.arrived[rcpt]
        return None


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))  # nearest rank
    return ordered[k]


def summary(label: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (f"{label}: n={len(ms)} p50={statistics.median(ms):.0f} ms p95={percentile(ms, 95):.0f} ms"
            f" max={max(ms):.0f} ms min={min(ms):.0f} ms")


def server_floor(server: DovecotServer, samples: int, gap: tuple[float, float]) -> list[float]:
    """APPEND completion → untagged EXISTS in a bare IDLE session (no callflow involved)."""
    account = server.add_user()
    watcher = account.connect()
    appender = account.connect()
    watcher.select_folder("INBOX")
    out = []
    try:
        for i in range(samples):
            watcher.idle()
            time.sleep(random.uniform(*gap))
            appender.append("INBOX", mails.inquiry(f"F{i} <floor{i}@example.org>", question=False))
            sent = time.perf_counter()
            got = None
            deadline = sent + 10
            while got is None and time.perf_counter() < deadline:
                for r in watcher.idle_check(timeout=deadline - time.perf_counter()):
                    if len(r) > 1 and r[1] == b"EXISTS":
                        got = time.perf_counter()
            watcher.idle_done()
            if got is None:
                raise RuntimeError("no EXISTS within 10 s of an APPEND")
            out.append(got - sent)
    finally:
        for client in (watcher, appender):
            client.logout()
    return out


class ExistsWatcher(threading.Thread):
    """A second, bare IDLE session on the daemon's account, noting when each untagged EXISTS
    arrives. Dovecot delays IDLE notifications per session, from the first change it sees while
    the session is in IDLE; ``rearm()`` (DONE, IDLE) before each APPEND puts this session in the
    same position as the daemon's, which starts a fresh IDLE after its pass. Answer time minus
    this EXISTS is then the daemon's own part."""

    def __init__(self, account) -> None:
        super().__init__(daemon=True)
        self.client = account.connect()
        self.client.select_folder("INBOX", readonly=True)
        self.times: list[float] = []
        self.stopping = threading.Event()
        self._rearm = threading.Event()
        self._rearmed = threading.Event()

    def run(self) -> None:
        self.client.idle()
        while not self.stopping.is_set():
            for r in self.client.idle_check(timeout=0.05):
                if len(r) > 1 and r[1] == b"EXISTS":
                    self.times.append(time.perf_counter())
            if self._rearm.is_set():
                self._rearm.clear()
                self.client.idle_done()
                self.client.idle()
                self._rearmed.set()
        self.client.idle_done()
        self.client.logout()

    def rearm(self) -> None:
        self._rearmed.clear()
        self._rearm.set()
        if not self._rearmed.wait(10):
            raise RuntimeError("the watcher did not re-enter IDLE")

    def after(self, t: float) -> float | None:
        return min((x for x in self.times if x >= t), default=None)


def daemon_config(tmp: Path, account, sink: TimedSink, check: float | None) -> Path:
    data = base_config(tmp)
    data["mailbox"] = {"backend": "imap", "host": account.host, "port": account.ssl_port, "security": "tls",
                       "username": account.username, "password_env": "BENCH_IMAP_PASSWORD",
                       "ca_file": account.ca_file, "idle": True, "poll_seconds": 600}
    if check is not None:
        data["mailbox"]["check_seconds"] = check
    data["smtp"] = {"backend": "smtp", "host": sink.host, "port": sink.port, "security": "starttls",
                    "username": sink.username, "password_env": "BENCH_SMTP_PASSWORD", "ca_file": sink.ca_file,
                    "rate_per_minute": 1_000_000, "first_contact_per_hour": 1_000_000}
    return write_config(tmp, data)


def count_logins(server: DovecotServer, username: str) -> int:
    text = server.log_path.read_text(errors="replace")
    return sum(1 for line in text.splitlines() if f"Login: user=<{username}>," in line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=100)
    parser.add_argument("--floor", type=int, default=30, help="samples of the server's own APPEND→EXISTS")
    parser.add_argument("--gap", type=float, nargs=2, default=(0.3, 1.0), metavar=("MIN", "MAX"))
    parser.add_argument("--log", help="keep the daemon's log (INFO) in this file")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--check", type=float, metavar="SECONDS",
                        help="mailbox.check_seconds: ask (NOOP) this often instead of waiting in IDLE")
    parser.add_argument("--profile", help="write a cProfile of the daemon to this file")
    args = parser.parse_args()
    random.seed(args.seed)
    gap = tuple(args.gap)

    tmp = Path(tempfile.mkdtemp(prefix="callflow-idle-"))
    ca = CertAuthority(tmp)
    server = DovecotServer(ca)
    sink = TimedSink(ca)
    server.start()
    sink.start()
    proc = None
    log_path = Path(args.log) if args.log else tmp / "daemon.log"
    try:
        floor = server_floor(server, args.floor, gap) if args.floor else []

        account = server.add_user()
        config = daemon_config(tmp, account, sink, args.check)
        env = {**os.environ, "BENCH_IMAP_PASSWORD": account.password, "BENCH_SMTP_PASSWORD": sink.password}
        command = [sys.executable]
        if args.profile:
            command += ["-m", "cProfile", "-o", args.profile]
        command += ["-m", "workflow", "--config", str(config), "--now", NOW]
        if not args.log:
            command.append("-q")
        command.append("run")
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(command, env=env, cwd=tmp, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        appender = account.connect()
        # A first mail: when its answer arrives the daemon has started, connected and sent once.
        appender.append("INBOX", mails.inquiry("Warm Up <warmup@example.org>", question=False))
        if sink.wait_rcpt("warmup@example.org", 60) is None:
            raise RuntimeError(f"the daemon did not answer the first mail; see {log_path}")
        time.sleep(1.0)  # back in IDLE
        watcher = ExistsWatcher(account)
        watcher.start()

        latencies: list[float] = []
        own: list[float] = []
        missed = 0
        for i in range(args.n):
            time.sleep(random.uniform(*gap))
            watcher.rearm()
            rcpt = f"applicant{i}@example.org"
            appender.append("INBOX", mails.inquiry(f"Applicant {i} <{rcpt}>", question=False,
                                                   message_id=f"<idle-bench-{i}@example.net>"))
            appended = time.perf_counter()
            answered = sink.wait_rcpt(rcpt, 30)
            if answered is None:  # a missed wake-up: the next mail's EXISTS (or the poll) brings it
                missed += 1
                continue
            latencies.append(answered - appended)
            exists = watcher.after(appended)
            if exists is not None and exists <= answered:
                own.append(answered - exists)
        watcher.stopping.set()
        watcher.join(10)
        appender.logout()
        logins = count_logins(server, account.username)
        answers, smtp_logins = len(sink.received), sink.connections
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
        sink.stop()
        server.close()

    if floor:
        print(summary("server floor, APPEND -> untagged EXISTS (bare IDLE session)", floor))
    how = f"asking every {args.check} s" if args.check else "in IDLE"
    print(summary(f"callflow daemon ({how}), APPEND -> answer accepted by SMTP", latencies))
    if missed:
        print(f"not answered within 30 s (left out above): {missed}")
    if own:
        print(summary("callflow's own part, untagged EXISTS (a second IDLE session) -> answer accepted", own))
    print(f"answers sent: {answers}; SMTP logins: {smtp_logins}; IMAP logins on the account (daemon + the"
          f" bench's one): {logins}; daemon exit code {proc.returncode if proc else '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
