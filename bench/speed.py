#!/usr/bin/env python3
"""Backfill speed end to end: callflow against the naive serial limit of the same work.

Starts a throw-away Dovecot (IMAPS) and an aiosmtpd submission server (STARTTLS + AUTH, a sink
that keeps what it receives), seeds N mixed messages (``workload.corpus``) and measures, in one run:
  (a) raw intake: IMAP ``UID FETCH BODY.PEEK[]`` in batches of 500 + the stdlib ``email``
      parse of every message;
  (b) callflow: ``callflow run --once`` as a fresh process, end to end (fetch, parse, classify,
      decide, commit, move, render, journal, send), the sending limits lifted;
  (c) raw sending: the very answers callflow sent in (b), sent again as prepared bytes over one
      reused aiosmtplib connection (a separate process, like (b)).
It prints b/(a+c): 1.0 is as fast as doing the two halves one after the other with nothing
else; below 1.0 callflow overlaps them. With ``--linear`` it also runs (b) on 2N messages (a
fresh mailbox and state) and prints t(2N)/t(N).

Usage: .venv/bin/python bench/speed.py [N] [--linear] [--connections K] [--profile FILE]
(default N = 10000; --connections sets smtp.connections; --profile writes a cProfile of (b)).
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.workload import corpus, raw_fetch  # noqa: E402
from tests.cfg import START as NOW  # noqa: E402
from tests.cfg import base_config, write_config  # noqa: E402
from tests.servers import CertAuthority, DovecotServer, SmtpServer  # noqa: E402


class Sink(SmtpServer):
    """The test submission server, keeping only the bytes (no parsing on the server side)."""

    def __init__(self, ca: CertAuthority) -> None:
        super().__init__(ca)
        self.received: list[tuple[str, list[str], bytes]] = []

    def _deliver(self, session, envelope) -> str:  # type: ignore[override]
        with self._cond:
            self.attempts += 1
            content = envelope.content if isinstance(envelope.content, bytes) else str(envelope.content).encode()
            self.received.append((envelope.mail_from or "", list(envelope.rcpt_tos), content))
            self._cond.notify_all()
        return "250 OK"


def raw_intake(account) -> tuple[int, float]:
    return raw_fetch(account, lambda raw: email.message_from_bytes(raw, policy=email.policy.default))


def callflow_pass(tmp: Path, account, sink: Sink, connections: int | None, profile: str | None) -> float:
    data = base_config(tmp)
    data["mailbox"] = {"backend": "imap", "host": account.host, "port": account.ssl_port, "security": "tls",
                       "username": account.username, "password_env": "BENCH_IMAP_PASSWORD",
                       "ca_file": account.ca_file}
    data["smtp"] = {"backend": "smtp", "host": sink.host, "port": sink.port, "security": "starttls",
                    "username": sink.username, "password_env": "BENCH_SMTP_PASSWORD", "ca_file": sink.ca_file,
                    "rate_per_minute": 1_000_000, "first_contact_per_hour": 1_000_000}
    if connections is not None:
        data["smtp"]["connections"] = connections
    config = write_config(tmp, data)
    env = {**os.environ, "BENCH_IMAP_PASSWORD": account.password, "BENCH_SMTP_PASSWORD": sink.password}
    command = [sys.executable]
    if profile:
        command += ["-m", "cProfile", "-o", profile]
    # The main process reports its own CPU time (without its workers') as it exits.
    own_cpu = tmp / "main-cpu.txt"
    env["BENCH_OWN_CPU_FILE"] = str(own_cpu)
    command += ["-c", _MAIN_WITH_OWN_CPU] if not profile else ["-m", "workflow"]
    command += ["--config", str(config), "--now", NOW, "-q", "run", "--once"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    machine_before = _machine_busy()
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, cwd=tmp, stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    machine = _machine_busy() - machine_before
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    main_cpu = f", the main process {float(own_cpu.read_text()):.1f}s" if own_cpu.exists() else ""
    print(f"    callflow's CPU time: {cpu:.1f}s in {seconds:.1f}s (its worker processes included{main_cpu});"
          f" the machine was busy {machine:.1f}s of {os.cpu_count()} x {seconds:.1f}s"
          f" ({100 * machine / ((os.cpu_count() or 1) * seconds):.0f} %: callflow, Dovecot and the sink)",
          flush=True)
    return seconds


_MAIN_WITH_OWN_CPU = """
import atexit, os, resource, runpy, sys
def _own():
    r = resource.getrusage(resource.RUSAGE_SELF)
    with open(os.environ["BENCH_OWN_CPU_FILE"], "w") as f:
        f.write(str(r.ru_utime + r.ru_stime))
atexit.register(_own)
sys.argv[0] = "callflow"
runpy.run_module("workflow", run_name="__main__", alter_sys=True)
"""


def _machine_busy() -> float:
    """CPU seconds all cores spent busy so far (/proc/stat: everything but idle and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


async def _send_prepared(path: str, host: str, port: int, ca_file: str, user: str, password: str) -> float:
    import aiosmtplib

    from workflow.transport.smtp import tls_context

    with open(path, "rb") as fh:
        prepared = pickle.load(fh)
    started = time.perf_counter()
    client = aiosmtplib.SMTP(hostname=host, port=port, start_tls=True, tls_context=tls_context(ca_file))
    await client.connect()
    await client.login(user, password)
    for sender, recipients, content in prepared:
        await client.sendmail(sender, recipients, content)
    await client.quit()
    return time.perf_counter() - started


def raw_send(tmp: Path, sink: Sink, prepared: list[tuple[str, list[str], bytes]]) -> float:
    path = tmp / "prepared.pickle"
    path.write_bytes(pickle.dumps(prepared))
    out = subprocess.run(
        [sys.executable, __file__, "--raw-send", str(path), sink.host, str(sink.port), sink.ca_file,
         sink.username, sink.password],
        check=True, capture_output=True, text=True, stdin=subprocess.DEVNULL,
    )
    return float(out.stdout.strip())


def seeded(server: DovecotServer, n: int):
    account = server.add_user()
    messages = corpus(n)
    started = time.perf_counter()
    account.append_many("INBOX", messages)
    print(f"seeded {n} messages ({sum(map(len, messages)) / 1e6:.1f} MB) in {time.perf_counter() - started:.1f}s",
          flush=True)
    return account


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=10_000)
    parser.add_argument("--linear", action="store_true", help="also run (b) on 2N messages")
    parser.add_argument("--connections", type=int, help="smtp.connections for (b)")
    parser.add_argument("--profile", help="write a cProfile of (b) to this file")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="callflow-speed-"))
    ca = CertAuthority(tmp)
    server = DovecotServer(ca)
    sink = Sink(ca)
    server.start()
    sink.start()
    try:
        account = seeded(server, args.n)
        parsed, a = raw_intake(account)
        work = tmp / "b1"
        work.mkdir()
        b = callflow_pass(work, account, sink, args.connections, args.profile)
        answers = list(sink.received)
        sink.received.clear()
        c = raw_send(tmp, sink, answers)
        left = account.count("INBOX")
        print(f"(a) raw fetch + email parse : {parsed} messages in {a:.2f}s ({parsed / a:.0f} msg/s)")
        print(f"(c) raw send, one connection: {len(answers)} answers in {c:.2f}s ({len(answers) / c:.0f} msg/s)")
        print(f"(b) callflow run --once     : {b:.2f}s ({args.n / b:.0f} msg/s; {len(answers)} answers sent,"
              f" {left} left in INBOX)")
        print(f"b/(a+c) = {b / (a + c):.2f}")
        if args.linear:
            account2 = seeded(server, 2 * args.n)
            work2 = tmp / "b2"
            work2.mkdir()
            b2 = callflow_pass(work2, account2, sink, args.connections, None)
            print(f"(b) on {2 * args.n} messages: {b2:.2f}s; t(2N)/t(N) = {b2 / b:.2f}")
    finally:
        sink.stop()
        server.close()
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--raw-send":
        path, host, port, ca_file, user, password = sys.argv[2:8]
        print(asyncio.run(_send_prepared(path, host, int(port), ca_file, user, password)))
        sys.exit(0)
    sys.exit(main())
