"""Worker processes end when their parent dies, however it dies (kill -9 included)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests import mails
from tests.cfg import NOW, base_config, write_config
from tests.maildir import deliver
from tests.paths import REPO


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                out.append(int(entry))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"  # a zombie has ended; only its entry is left


def test_workers_end_when_the_pass_is_killed(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, base_config(tmp_path, mailbox={"workers": 2, "batch_size": 5000}))
    inbox = tmp_path / "mail"
    for i in range(4000):
        deliver(inbox, f"{100000 + i}.m{i}", mails.inquiry(f"P{i} <p{i}@example.org>", question=False))
    proc = subprocess.Popen(
        [sys.executable, "-m", "workflow", "--config", str(cfg), *NOW, "-q", "run", "--once"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
            workers = _children(proc.pid)
            time.sleep(0.02)
        assert len(workers) >= 2, "the pass never started its worker processes"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 30
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [w for w in workers if _alive(w)] == []
    assert os.listdir(inbox / "new"), "the pass was killed before it finished; mail is still waiting"
