"""`callflow demo`: the whole pipeline on temporary Maildirs with realistic sample mail.

It copies the shipped config's event into a config whose mailbox, outgoing mail and state
live in a temporary directory, drops a handful of typical mails into the inbox, runs one
pass with the clock fixed before the survey deadline, and prints what callflow did.
"""

from __future__ import annotations

import argparse
import email
import logging
import shutil
import tempfile
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import yaml

from . import views
from .cli import load_config
from .clock import Clock
from .config import from_dict
from .daemon import run_once
from .errors import ConfigError
from .mailbox.maildir import ensure_maildir
from .pipeline import Runtime
from .store import Store


def _mail(sender: str, subject: str, body: str, when: str, **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = headers.pop("to", "Working group contact <contact@callflow.example.org>")
    msg["Subject"] = subject
    msg["Date"] = when
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].rstrip(">"))
    for key, value in headers.items():
        msg[key.replace("_", "-")] = value
    msg.set_content(body)
    return msg.as_bytes()


def sample_mails(contact: str, survey_sender: str) -> list[tuple[str, bytes]]:
    day = "Tue, 01 Mar 2022 "
    return [
        ("an inquiry", _mail(
            "Maria Keller <maria.keller@example.net>", "Participation in the working group meeting",
            "Dear contact person,\n\nI work in probation services and would like to take part in the\n"
            "working group meeting. How do I apply?\n\nBest regards,\nMaria Keller\n",
            day + "09:12:00 +0100", User_Agent="Mozilla Thunderbird", to=contact)),
        ("a survey notification", _mail(
            f"Survey tool <{survey_sender}>", "New response: working group meeting 2022",
            "A new response was submitted.\n\nResponse ID: 1042\nFull name: Jonas Peeters\n"
            "Email address: jonas.peeters@example.org\nOrganisation: Exit Programme Flanders\n"
            "Country: Belgium\nField of work: Exit work with young adults,\n  family counselling\n",
            day + "10:03:00 +0100", Auto_Submitted="auto-generated", to=contact)),
        ("an out-of-office reply", _mail(
            "Pieter de Vries <p.devries@example.com>", "Automatic reply: Working group meeting",
            "I am out of the office until 7 March with limited access to e-mail.\n",
            day + "10:20:00 +0100", Auto_Submitted="auto-replied", X_Auto_Response_Suppress="All", to=contact)),
        ("a mailing-list post", _mail(
            "Practitioners network <news@lists.example.com>", "[network] Monthly newsletter",
            "This month in the network: ...\n", day + "11:00:00 +0100",
            List_Id="<practitioners.lists.example.com>", Precedence="list",
            List_Unsubscribe="<mailto:leave@lists.example.com>", to=contact)),
        ("the same survey notification delivered twice", b""),
    ]


def run_demo(args: argparse.Namespace) -> int:
    if not args.debug:
        # The tour prints its own account; per-message log lines would only clutter it.
        for name in ("callflow", "workflow"):
            logging.getLogger(name).setLevel(logging.WARNING)
    base = load_config(args) if args.config or Path("config.yaml").exists() else None
    if base is None:
        raise ConfigError("demo: no config.yaml here; pass --config with the shipped example")
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
        mails = sample_mails(cfg.contact.email, (cfg.survey.senders or ["survey@surveys.example.org"])[0])
        mails[-1] = (mails[-1][0], mails[1][1])
        for i, (_, raw) in enumerate(mails):
            (inbox / "new" / f"{1646125000 + i}.demo{i}.callflow").write_bytes(raw)
        print(f"callflow demo in {work}")
        print("Dropped into the inbox:")
        for what, _ in mails:
            print(f"  - {what}")
        now = cfg.event.deadline.replace(year=2022, month=3, day=1, hour=12, minute=0, second=0, microsecond=0)
        rt = Runtime(cfg, Clock(now), Store(cfg.storage.path))
        report = run_once(rt, digest=True)
        print(f"\nOne pass at {now.isoformat()}: handled {report.intake.handled}, "
              f"{report.intake.duplicates} duplicate, queued {report.intake.queued}, sent {len(report.sent.sent)}.")
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
