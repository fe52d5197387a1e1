"""`callflow demo`: the whole pipeline on temporary Maildirs with realistic sample mail.

It copies an event (the example config shipped with callflow, or the one --config names) into
a config whose mailbox, outgoing mail and state live in a temporary directory, drops a handful
of typical mails into the inbox, runs one pass with the clock fixed nine days before the survey
deadline, and prints what callflow did. It needs no config.yaml in the current directory.
"""

from __future__ import annotations

import argparse
import email
import logging
import os
import shutil
import tempfile
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import yaml

from . import views
from .clock import Clock
from .config import Config, example_config, from_dict, load
from .daemon import PassReport, run_once
from .digest_queue import KIND as DIGEST_KIND
from .invocation import load_config
from .mailbox.maildir import ensure_maildir
from .pipeline import Runtime
from .store import Store


def _mail(sender: str, subject: str, body: str, when: datetime, **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = headers.pop("to", "Working group contact <contact@callflow.example.org>")
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].rstrip(">"))
    for key, value in headers.items():
        msg[key.replace("_", "-")] = value
    msg.set_content(body)
    return msg.as_bytes()


def sample_mails(contact: str, survey_sender: str, day: datetime) -> list[tuple[str, bytes]]:
    """The demo's inbox, delivered on the morning of ``day``."""

    def at(hour: int, minute: int) -> datetime:
        return day.replace(hour=hour, minute=minute, second=0, microsecond=0)

    return [
        ("an inquiry", _mail(
            "Maria Keller <maria.keller@example.net>", "Participation in the working group meeting",
            "Dear contact person,\n\nI work in probation services and would like to take part in the\n"
            "working group meeting. How do I apply?\n\nBest regards,\nMaria Keller\n",
            at(9, 12), User_Agent="Mozilla Thunderbird", to=contact)),
        ("a survey notification", _mail(
            f"Survey tool <{survey_sender}>", "New response: working group meeting 2022",
            "A new response was submitted.\n\nResponse ID: 1042\nFull name: Jonas Peeters\n"
            "Email address: jonas.peeters@example.org\nOrganisation: Exit Programme Flanders\n"
            "Country: Belgium\nField of work: Exit work with young adults,\n  family counselling\n",
            at(10, 3), Auto_Submitted="auto-generated", to=contact)),
        ("an out-of-office reply", _mail(
            "Pieter de Vries <p.devries@example.com>", "Automatic reply: Working group meeting",
            "I am out of the office until 7 March with limited access to e-mail.\n",
            at(10, 20), Auto_Submitted="auto-replied", X_Auto_Response_Suppress="All", to=contact)),
        ("a mailing-list post", _mail(
            "Practitioners network <news@lists.example.com>", "[network] Monthly newsletter",
            "This month in the network: ...\n", at(11, 0),
            List_Id="<practitioners.lists.example.com>", Precedence="list",
            List_Unsubscribe="<mailto:leave@lists.example.com>", to=contact)),
        ("the same survey notification delivered twice", b""),
    ]


def _demo_now(cfg: Config) -> datetime:
    """Noon, nine days before the survey closes: the call is open and nothing is due yet."""
    before = cfg.event.deadline.astimezone(cfg.event.tz) - timedelta(days=9)
    return before.replace(hour=12, minute=0, second=0, microsecond=0)


def pass_summary(report: PassReport) -> str:
    """What one pass did, in numbers that add up: every mail read, every mail sent (the digest
    goes to each organiser; everything else the demo sends answers a mail)."""
    intake = report.intake
    read = intake.handled + intake.duplicates
    digests = sum(1 for entry in report.sent.sent if entry["kind"] == DIGEST_KIND)
    answers = len(report.sent.sent) - digests
    duplicates = f" ({intake.duplicates} of them a second delivery, acted on once)" if intake.duplicates else ""
    sent = f"{_n(answers, 'answer')} and {_n(digests, 'digest')} (one per organiser)" if digests else _n(answers, "answer")
    return (f"read {_n(read, 'mail')}{duplicates}; queued {_n(intake.queued, 'answer')}; "
            f"sent {_n(len(report.sent.sent), 'mail')}: {sent}")


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def run_demo(args: argparse.Namespace) -> int:
    if not args.debug:
        # The tour prints its own account; per-message log lines would only clutter it.
        for name in ("callflow", "workflow"):
            logging.getLogger(name).setLevel(logging.WARNING)
    # The tour runs on the example shipped with callflow, from any directory; --config (or
    # CALLFLOW_CONFIG) tours another event instead.
    base = load_config(args) if args.config or os.environ.get("CALLFLOW_CONFIG") else load(example_config())
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="callflow-demo-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        data = yaml.safe_load(Path(base.source).read_text(encoding="utf-8"))  # type: ignore[arg-type]
        data["mailbox"] = {"backend": "maildir", "path": "mail"}
        data["smtp"] = {"backend": "maildir", "path": "outgoing", "rate_per_minute": 100}
        data["storage"] = {"path": "state.json"}
        if base.paths.templates or base.paths.rules:
            data["paths"] = {k: str(v) for k, v in base.paths.model_dump().items() if v}
        cfg = from_dict(data, base=work, source=work / "config.yaml")
        (work / "config.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        inbox = cfg.mailbox.path
        assert inbox is not None
        ensure_maildir(inbox)
        now = _demo_now(cfg)
        mails = sample_mails(cfg.contact.email, (cfg.survey.senders or ["survey@surveys.example.org"])[0], now)
        mails[-1] = (mails[-1][0], mails[1][1])
        for i, (_, raw) in enumerate(mails):
            (inbox / "new" / f"{1646125000 + i}.demo{i}.callflow").write_bytes(raw)
        print(f"callflow demo in {work}")
        print("Dropped into the inbox:")
        for what, _ in mails:
            print(f"  - {what}")
        rt = Runtime(cfg, Clock(now), Store(cfg.storage.path))
        report = run_once(rt, digest=True)
        print(f"\nOne pass at {now.isoformat()}: {pass_summary(report)}.")
        status = views.status(cfg, rt.store)
        print("\nStatus:")
        for state, n in status["counts"].items():
            if n:
                print(f"  {state:<10} {n}")
        print(f"  capacity left {status['capacity_left']} of {status['capacity']}")
        print(f"\nAnswers written to {cfg.smtp.path}:")
        digest_text = None
        for path in sorted((cfg.smtp.path / "new").iterdir()):  # type: ignore[operator]
            msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            body = msg.get_body(("plain",))
            text = body.get_content() if body is not None else ""
            if str(msg["Subject"]).startswith("Digest"):
                digest_text = digest_text or f"Subject: {msg['Subject']}\nReply-To: {msg['Reply-To']}\n\n{text}"
                continue
            print(f"\n  To: {msg['To']}\n  Subject: {msg['Subject']}\n  Auto-Submitted: {msg['Auto-Submitted']}")
            for line in text.strip().splitlines()[:6]:
                print(f"  | {line}")
            print("  | ...")
        if digest_text:
            print(f"\nThe organisers' daily digest (due at {cfg.digest.time}, sent to each organiser):\n")
            for line in digest_text.rstrip().splitlines():
                print(f"  {line}")
        print("\nNot answered: the out-of-office reply and the mailing-list post (robots are never answered);")
        print("the duplicate delivery was recognised and acted on once.")
        if args.keep:
            print(f"Explore it: callflow --config {work / 'config.yaml'} applicants")
    finally:
        if not args.keep and not getattr(args, "_keep_tmp", False):
            shutil.rmtree(work, ignore_errors=True)
    return 0
