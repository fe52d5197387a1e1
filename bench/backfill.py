#!/usr/bin/env python3
"""Backfill benchmark: callflow's pipeline vs. merely fetching and parsing the same mailbox.

Starts a throw-away Dovecot (as the tests do), seeds N mixed messages (survey notifications,
inquiries, questions, out-of-office replies, list mail, bounces, a few with large attachments),
then measures in one run:
  (a) raw: IMAP UID FETCH BODY.PEEK[] in batches of 500 + callflow's parse() of each message;
  (b) pipeline: `intake_pass` — fetch, parse, classify, decide, queue answers, commit per
      batch, MOVE each batch to the processed folder.
and prints the ratio (b)/(a), the state-file writes, and the peak memory.
Usage: .venv/bin/python bench/backfill.py [N] [WORKERS]   (default 10000, workers: one per core up to 4)
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.workload import corpus, raw_fetch  # noqa: E402
from tests.cfg import base_config, write_config  # noqa: E402
from tests.servers import CertAuthority, DovecotServer  # noqa: E402
from workflow import config as config_mod  # noqa: E402
from workflow.clock import Clock  # noqa: E402
from workflow.mailbox.imap import ImapIntake  # noqa: E402
from workflow.parse import parse  # noqa: E402
from workflow.pipeline import Runtime, intake_pass  # noqa: E402
from workflow.store import Store  # noqa: E402
from workflow.understand import worker_count  # noqa: E402


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else None
    tmp = Path(tempfile.mkdtemp(prefix="callflow-bench-"))
    ca = CertAuthority(tmp)
    server = DovecotServer(ca)
    server.start()
    try:
        account = server.add_user()
        messages = corpus(n)
        t = time.perf_counter()
        account.append_many("INBOX", messages)
        print(f"seeded {n} messages ({sum(map(len, messages)) / 1e6:.1f} MB) in {time.perf_counter() - t:.1f}s")
        del messages

        parsed, raw_s = raw_fetch(account, parse)

        data = base_config(tmp)
        data["mailbox"] = {"backend": "imap", "host": account.host, "port": account.ssl_port, "security": "tls",
                           "username": account.username, "password_env": "BENCH_IMAP_PASSWORD",
                           "ca_file": account.ca_file, "workers": workers}
        os.environ["BENCH_IMAP_PASSWORD"] = account.password
        cfg = config_mod.load(write_config(tmp, data))
        rt = Runtime(cfg, Clock(cfg.event.deadline.replace(month=3, day=1)), Store(cfg.storage.path))
        t = time.perf_counter()
        intake = ImapIntake(cfg.mailbox)
        report = intake_pass(rt, intake)
        intake.close()
        pipe_s = time.perf_counter() - t
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        print(f"raw fetch+parse : {parsed} messages in {raw_s:.2f}s ({parsed / raw_s:.0f} msg/s)")
        print(f"pipeline        : {report.handled} messages in {pipe_s:.2f}s ({report.handled / pipe_s:.0f} msg/s), "
              f"{report.duplicates} duplicates, {report.queued} answers queued")
        print(f"ratio pipeline/raw = {pipe_s / raw_s:.2f} (parse+classify workers: {worker_count(cfg)})")
        print(f"state file writes: {report.commits} (batches of {cfg.mailbox.batch_size}); "
              f"state file {cfg.storage.path.stat().st_size / 1e6:.1f} MB")
        print(f"by kind: {dict(sorted(report.by_kind.items()))}")
        print(f"peak RSS: {peak_mb:.0f} MB; processed folder now holds {account.count('Processed')}")
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
