#!/usr/bin/env python3
"""Memory of one pass with a large mail: peak RSS of ``callflow run --once`` against the empty pass.

Each case runs ``python -m workflow --config … --now 2022-03-01T12:00 -q run --once`` as a fresh
process on a fresh mailbox and state, with the Maildir backend (the embedded default) and with
IMAP (a throw-away Dovecot, IMAPS, as the tests start it). The cases:
  empty       nothing waiting (the baseline);
  attach30    an inquiry with a 30 MiB application/pdf attachment of random bytes (base64);
  text30      an inquiry whose text/plain body is 30 MiB of words;
  many20      an inquiry with 20 attachments of 1.5 MiB each (application/pdf, random bytes).

How RSS is counted: ``peak`` is the ``ru_maxrss`` that ``os.wait4`` reports for the callflow
process, which Linux takes as the maximum over that process and every descendant it waited for
(parse/classify worker processes, if a pass used any). Linux also counts, in a process's
``ru_maxrss``, the memory of the process that forked it, as it was just before the exec: so
callflow is started by a small fresh Python (``SPAWN``) rather than by this script, whose own
memory (the mails built for the cases) would otherwise show up in every pass after the first.
To tell the callflow process from its workers, it
runs through a few lines (``-c``) that run ``workflow`` exactly as ``python -m workflow``
does and, at exit, write ``getrusage(RUSAGE_SELF)`` and ``getrusage(RUSAGE_CHILDREN)``: ``self``
is the callflow process alone, ``kids`` the largest of its children (0: none ran). Sizes are in
MiB (2**20 bytes); ``mail`` is the message as stored (its size on the wire). The target (issue
11), for attach30 with either backend: (peak - peak of the empty pass) / mail size ≤ 3; the
exit status is 1 when it is missed. The other cases are printed for reference.

Usage: .venv/bin/python bench/memory.py [--backend maildir|imap|both] [--cases attach30,text30,...]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.cfg import START, base_config, write_config  # noqa: E402
from tests.mails import inquiry  # noqa: E402

MiB = 1 << 20
TARGET = 3.0

# Runs callflow as `python -m workflow` does; at exit (after the pool of workers, if any, is shut
# down and its processes reaped) it writes this process's rusage and its children's.
CHILD = """\
import atexit, json, os, resource, runpy, sys
def _report():
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(os.environ["CALLFLOW_BENCH_RUSAGE"], "w") as fh:
        json.dump({"self_kib": own, "children_kib": kids}, fh)
atexit.register(_report)
sys.argv[0] = "workflow"
runpy.run_module("workflow", run_name="__main__", alter_sys=True)
"""
# Starts the command in argv, waits for it with os.wait4 and prints its exit code and ru_maxrss.
SPAWN = """\
import json, os, subprocess, sys
proc = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
print(json.dumps({"code": os.waitstatus_to_exitcode(status), "maxrss_kib": usage.ru_maxrss}))
"""


def with_attachments(sizes: list[int], seed: int = 11) -> bytes:
    """An inquiry with application/pdf attachments of random bytes of the given sizes."""
    msg = message_from_bytes(inquiry(), policy=policy.default)
    assert isinstance(msg, EmailMessage)
    rnd = random.Random(seed)
    for n, size in enumerate(sizes, 1):
        msg.add_attachment(rnd.randbytes(size), maintype="application", subtype="pdf",
                           filename=f"programme-{n}.pdf")
    return msg.as_bytes()


def with_long_text(size: int, seed: int = 11) -> bytes:
    """An inquiry whose plain-text body is ``size`` bytes of words in lines of about 70 chars."""
    rnd = random.Random(seed)
    words = ["the", "meeting", "probation", "work", "exit", "programme", "session", "question", "survey",
             "deadline", "online", "place", "practitioners", "answer", "would", "like", "take", "part"]
    lines, total = [], 0
    while total < size:
        line = " ".join(rnd.choice(words) for _ in range(10))
        lines.append(line)
        total += len(line) + 1
    body = "Dear contact person,\n\nIs the meeting recorded?\n\n" + "\n".join(lines) + "\n"
    msg = message_from_bytes(inquiry(), policy=policy.default)
    assert isinstance(msg, EmailMessage)
    msg.set_content(body, cte="7bit")
    return msg.as_bytes()


CASES = {
    "empty": lambda: None,
    "attach30": lambda: with_attachments([30 * MiB]),
    "text30": lambda: with_long_text(30 * MiB),
    "many20": lambda: with_attachments([3 * MiB // 2] * 20),
}


def run_pass(work: Path, config: Path, env: dict[str, str]) -> dict[str, float]:
    report = work / "rusage.json"
    command = [sys.executable, "-c", CHILD, "--config", str(config), "--now", START, "-q", "run", "--once"]
    out = subprocess.run([sys.executable, "-c", SPAWN, *command], cwd=work, stdin=subprocess.DEVNULL,
                         env={**env, "CALLFLOW_BENCH_RUSAGE": str(report)}, check=True,
                         capture_output=True, text=True)
    waited = json.loads(out.stdout)
    if waited["code"] != 0:
        raise SystemExit(f"callflow run --once exited with {waited['code']} in {work}")
    own = json.loads(report.read_text())
    return {"peak": waited["maxrss_kib"] / 1024, "self": own["self_kib"] / 1024,
            "kids": own["children_kib"] / 1024}


def maildir_case(tmp: Path, raw: bytes | None) -> dict[str, float]:
    config = write_config(tmp, base_config(tmp))
    new = tmp / "mail" / "new"
    new.mkdir(parents=True)
    for sub in ("cur", "tmp"):
        (tmp / "mail" / sub).mkdir()
    if raw is not None:
        (new / "1646132400.M1P1.bench").write_bytes(raw)
    result = run_pass(tmp, config, dict(os.environ))
    if raw is not None and os.listdir(new):
        raise SystemExit(f"the mail was not handled: still in {new}")
    return result


def imap_case(tmp: Path, raw: bytes | None, server) -> dict[str, float]:
    account = server.add_user()
    if raw is not None:
        account.append("INBOX", raw)
    data = base_config(tmp)
    data["mailbox"] = {"backend": "imap", "host": account.host, "port": account.ssl_port, "security": "tls",
                       "username": account.username, "password_env": "BENCH_IMAP_PASSWORD",
                       "ca_file": account.ca_file}
    config = write_config(tmp, data)
    result = run_pass(tmp, config, {**os.environ, "BENCH_IMAP_PASSWORD": account.password})
    if raw is not None and account.count("INBOX") and "\\Flagged" not in account.flags("INBOX")[0][1]:
        raise SystemExit("the mail was not handled: still unflagged in INBOX")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["maildir", "imap", "both"], default="both")
    parser.add_argument("--cases", default="attach30,text30,many20",
                        help="comma-separated, from " + ", ".join(c for c in CASES if c != "empty"))
    args = parser.parse_args()
    cases = ["empty"] + [c for c in args.cases.split(",") if c and c != "empty"]
    backends = ["maildir", "imap"] if args.backend == "both" else [args.backend]

    tmp = Path(tempfile.mkdtemp(prefix="callflow-memory-"))
    server = None
    if "imap" in backends:
        from tests.servers import CertAuthority, DovecotServer

        server = DovecotServer(CertAuthority(tmp))
        server.start()
    print("peak: ru_maxrss of the callflow process and the children it waited for (os.wait4); "
          "self: the callflow process alone; kids: its largest child (0: none). MiB.")
    print(f"{'backend':8} {'case':9} {'mail':>7} {'peak':>7} {'self':>7} {'kids':>6} {'peak-empty':>10} "
          f"{'ratio':>6}  (target for attach30: ≤ {TARGET:g})")
    failed = False
    try:
        for backend in backends:
            empty = 0.0
            for case in cases:
                raw = CASES[case]()
                work = tmp / f"{backend}-{case}"
                work.mkdir()
                result = maildir_case(work, raw) if backend == "maildir" else imap_case(work, raw, server)
                size = len(raw) / MiB if raw is not None else 0.0
                del raw
                if case == "empty":
                    empty = result["peak"]
                    ratio = ""
                else:
                    value = (result["peak"] - empty) / size
                    failed |= value > TARGET and case == "attach30"
                    ratio = f"{value:6.2f}" + ("" if value <= TARGET else "  over")
                print(f"{backend:8} {case:9} {size:7.1f} {result['peak']:7.1f} {result['self']:7.1f} "
                      f"{result['kids']:6.1f} {result['peak'] - empty:10.1f} {ratio}", flush=True)
    finally:
        if server is not None:
            server.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
