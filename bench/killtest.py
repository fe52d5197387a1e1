#!/usr/bin/env python3
"""kill -9 benchmark: the daemon killed again and again while it reads and answers a mailbox.

Starts a throw-away Dovecot and an aiosmtpd submission server (as the tests do), runs `callflow
run` (the daemon, with worker processes) and kills the daemon process with SIGKILL K times at
random moments, restarting it after each kill. N mixed messages (people who expect one answer
each, survey notifications, robots, hostile mail) arrive in K shares, one before each start, so
every kill lands on work. Then it lets one last
`run --once` finish and counts, from the outside only (IMAP folders, what reached the SMTP
server, `outbox list --json`):
  lost        messages no longer in any IMAP folder, and people expecting an answer who got none
              and whose mail is neither sent nor uncertain;
  duplicates  answers that reached the SMTP server more than once;
  uncertain   mails callflow could not know were delivered (killed after the final dot);
  orphans     callflow processes still alive after the kills.
Usage: .venv/bin/python bench/killtest.py [N] [KILLS] [SEED]   (default 2000 20 1)
"""

from __future__ import annotations

import collections
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.workload import bounce  # noqa: E402
from tests import mails  # noqa: E402
from tests.cfg import NOW, server_config  # noqa: E402
from tests.servers import CertAuthority, DovecotServer, SmtpServer  # noqa: E402


def corpus(n: int) -> tuple[list[bytes], set[str]]:
    """The messages, and the addresses that must get exactly one answer."""
    out, expect = [], set()
    for i in range(n):
        r = i % 10
        if r in (0, 1, 2):
            out.append(mails.survey(f"p{i}@example.org", f"Person {i}", str(i)))
            expect.add(f"p{i}@example.org")
        elif r in (3, 4, 5, 6):
            out.append(mails.inquiry(f"Q {i} <q{i}@example.net>", question=bool(i % 2)))
            expect.add(f"q{i}@example.net")
        elif r == 7:
            out.append(mails.out_of_office(f"O {i} <o{i}@example.com>"))
        elif r == 8:
            out.append(bounce(f"gone{i}@example.net"))
        elif i % 100 == 9:
            out.append(mails.deep_mime(1000, sender=f"Deep {i} <d{i}@example.net>"))  # quarantined
        else:
            out.append(mails.list_post())
    return out, expect


def daemon_processes(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
                state = Path(f"/proc/{entry}/stat").read_text().rpartition(")")[2].split()[0]
            except OSError:
                continue
            if marker.encode() in cmdline and state != "Z":
                found.append(int(entry))
    return found


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    kills = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    tmp = Path(tempfile.mkdtemp(prefix="callflow-killtest-"))
    ca = CertAuthority(tmp)
    dovecot, smtp = DovecotServer(ca), SmtpServer(ca)
    dovecot.start()
    smtp.start()
    try:
        account = dovecot.add_user()
        messages, expect = corpus(n)
        rng.shuffle(messages)
        # New mail keeps arriving: a share of it before each start, so every kill lands on work.
        chunks = [messages[i::kills] for i in range(kills)]
        cfg = server_config(tmp, account, smtp, mailbox={"batch_size": 100, "poll_seconds": 1, "workers": 2},
                            smtp={"rate_per_minute": 100_000, "first_contact_per_hour": 100_000})
        env = {**os.environ, "CALLFLOW_TEST_IMAP_PASSWORD": account.password,
               "CALLFLOW_TEST_SMTP_PASSWORD": smtp.password}
        base = [sys.executable, "-m", "workflow", "--config", str(cfg), *NOW, "-q"]
        print(f"seeded {n} messages; {len(expect)} people expect one answer each; {kills} kills")

        started = time.perf_counter()
        for k in range(kills):
            account.append_many("INBOX", chunks[k])
            proc = subprocess.Popen([*base, "run"], cwd=ROOT, env=env, start_new_session=True,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.5, 2.0))
            os.kill(proc.pid, signal.SIGKILL)  # the daemon only: what it started must end by itself
            proc.wait()
            print(f"  kill {k + 1:>2}: {len(smtp.messages)} answers at the server so far", flush=True)
        time.sleep(2)
        orphans = daemon_processes(str(cfg))
        subprocess.run([*base, "run", "--once"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        took = time.perf_counter() - started

        listing = subprocess.run([*base, "outbox", "list", "--json", "--all"], cwd=ROOT, env=env, check=True,
                                 capture_output=True, text=True)
        status = {row["to"]: row["status"] for row in json.loads(listing.stdout)}
        received = collections.Counter(r for m in smtp.messages for r in m.rcpt_tos)
        in_folders = sum(account.count(f) for f in account.folders())
        duplicates = sum(c - 1 for c in received.values() if c > 1)
        uncertain = sorted(a for a, s in status.items() if s == "uncertain")
        unanswered = sorted(a for a in expect if received[a] == 0 and status.get(a) not in ("uncertain",))
        answered_robots = sorted(a for a in received if a not in expect)
        print(f"\n{n} messages, {kills} kills of the daemon (SIGKILL), {took:.0f}s in all")
        print(f"  mail lost in IMAP       : {n - in_folders} ({in_folders} in {', '.join(account.folders())})")
        print(f"  people left unanswered  : {len(unanswered)}")
        print(f"  duplicate answers       : {duplicates}")
        print(f"  uncertain (never resent): {len(uncertain)}"
              + (f" — delivered anyway: {sum(1 for a in uncertain if received[a])}" if uncertain else ""))
        print(f"  robots answered         : {len(answered_robots)}")
        print(f"  orphan processes        : {len(orphans)}")
        return 1 if (n - in_folders or unanswered or duplicates or answered_robots or orphans) else 0
    finally:
        smtp.stop()
        dovecot.close()


if __name__ == "__main__":
    sys.exit(main())
