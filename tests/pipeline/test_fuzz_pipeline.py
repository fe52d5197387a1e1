"""The whole pipeline, driven by generated mail: no single message can stop, redirect or bloat it.

Each example puts one generated message (any MIME tree, any header size and encoding, see
tests/fuzzmail.py) between two ordinary inquiries in the Maildir inbox and runs one complete
pass — intake, parse, classify, decide, commit, settle, render, send. Whatever the message
does, the pass completes, every file ends up in exactly one place, both people are answered
exactly once, nothing is answered that callflow cannot stand behind, and every answer is small.

CI runs a fixed set of examples (derandomised, so a red run is reproducible); set
CALLFLOW_FUZZ_EXAMPLES (and CALLFLOW_FUZZ_RANDOM=1) for a longer, random hunt.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from tests import mails
from tests.cfg import base_config
from tests.fuzzmail import hostile_mail
from tests.maildir import deliver
from workflow.addresses import unanswerable
from workflow.classify.guards import robot_verdict
from workflow.clock import Clock
from workflow.config import from_dict
from workflow.daemon import run_once
from workflow.parse import parse
from workflow.pipeline import Runtime
from workflow.store import Store

EXAMPLES = int(os.environ.get("CALLFLOW_FUZZ_EXAMPLES", "120"))
ANSWER_LIMIT = 32 * 1024
PEOPLE = ["first@example.org", "last@example.org"]


def _pass(raw: bytes) -> tuple[Path, Runtime]:
    tmp = Path(tempfile.mkdtemp(prefix="callflow-fuzz-"))
    cfg = from_dict(base_config(tmp), base=tmp)
    inbox = tmp / "mail"
    deliver(inbox, "1.first", mails.inquiry(f"First <{PEOPLE[0]}>", question=False))
    deliver(inbox, "2.fuzz", raw)
    deliver(inbox, "3.last", mails.inquiry(f"Last <{PEOPLE[1]}>", question=False))
    rt = Runtime(cfg, Clock(cfg.event.deadline.replace(month=3, day=1, hour=12)), Store(cfg.storage.path))
    run_once(rt)
    return tmp, rt


@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("CALLFLOW_FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(raw=hostile_mail())
def test_no_generated_mail_can_stop_redirect_or_bloat_a_pass(raw: bytes) -> None:
    tmp, rt = _pass(raw)
    try:
        inbox = tmp / "mail"
        # Every file in exactly one place; nothing waits in new/, nothing is lost.
        placed = [n.split(":")[0] for sub in ("cur", ".Processed/cur", ".Quarantine/cur")
                  for n in os.listdir(inbox / sub)]
        assert sorted(placed) == ["1.first", "2.fuzz", "3.last"]
        assert os.listdir(inbox / "new") == []

        files = sorted((tmp / "outgoing" / "new").iterdir())
        sizes = [p.stat().st_size for p in files]
        # The envelope line the Maildir transport writes first (UTF-8 for international addresses).
        recipients = [p.read_bytes().split(b"\n", 2)[1].decode().removeprefix("X-Envelope-To: ") for p in files]
        for person in PEOPLE:
            assert recipients.count(person) == 1  # the people around it are answered, once
        assert not sizes or max(sizes) < ANSWER_LIMIT
        for to in recipients:
            assert unanswerable(to, rt.config.own_domains) is None
        # A robot is never answered (the guards' verdict on the generated message itself).
        mail = parse(raw)
        if mail.fatal is None and robot_verdict(mail.message, own_addresses=rt.config.own_addresses):
            assert mail.from_addr not in recipients or mail.from_addr in PEOPLE
        # The committed state reads back.
        assert len(Store(rt.config.storage.path).messages) == 3
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
