"""What each command-line command does, on top of the pipeline and the store.

Each ``cmd_*`` takes the parsed arguments and returns an exit code; errors are raised as the
exceptions in ``errors`` and turned into one line and an exit code by ``cli``.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from . import config as config_mod
from . import outbox as outbox_mod
from . import views
from .classify import ClassifyContext
from .classify.language import load_languages
from .classify.rules import load_rules
from .config import Config
from .daemon import Daemon, run_once, send_outbox
from .demo import run_demo
from .digest import build_digest
from .digest_queue import queue_digest
from .errors import CallflowError, ConfigError, MailboxError, SignInError, UsageError
from .importer import import_export
from .invocation import clock_in, load_config, make_clock, print_csv, print_json
from .lifecycle_steps import LifecycleSteps
from .mailbox import ImapIntake, MaildirIntake
from .oauth2 import SignIn
from .pipeline import Runtime
from .privacy import erase, export
from .progress import PassProgress
from .render import Renderer
from .starter import TIMEZONE, write_starter
from .store import Store, instance_lock
from .transport import MaildirTransport, SmtpTransport
from .understand import understand


def runtime(args: argparse.Namespace) -> Runtime:
    cfg = load_config(args)
    return Runtime(cfg, make_clock(args, cfg), Store(cfg.storage.path))


def cmd_run(args: argparse.Namespace) -> int:
    rt = runtime(args)
    if args.once:
        started = time.monotonic()
        with instance_lock(rt.config.storage.path), PassProgress.for_terminal(args.quiet) as progress:
            report = run_once(rt, digest=args.digest, on_progress=progress)
        seconds = time.monotonic() - started
        r = report.intake
        print(
            f"handled {r.handled} message(s)"
            + (f" ({', '.join(f'{k} {n}' for k, n in sorted(r.by_kind.items()))})" if r.by_kind else "")
            + (f", {r.duplicates} duplicate(s)" if r.duplicates else "")
            + f"; queued {r.queued}; sent {len(report.sent.sent)}"
            + (f", {len(report.sent.retried)} to retry" if report.sent.retried else "")
            + (f", {len(report.sent.failed)} failed" if report.sent.failed else "")
            + (f", {len(report.sent.discarded)} no longer applicable" if report.sent.discarded else "")
            + (f", {report.sent.deferred} deferred by the rate limit" if report.sent.deferred else "")
            + f" in {seconds:.1f}s (the sender at work {report.sent.seconds:.1f}s of it)"
        )
        return 0
    Daemon(rt, progress=lambda: PassProgress.for_terminal(args.quiet)).run()
    return 0


def cmd_classify(args: argparse.Namespace) -> int:
    cfg = load_config(args)
    ctx = ClassifyContext.from_config(cfg)
    results = []
    for name in args.files:
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"{name}: cannot read: {exc.strerror}") from None
        results.append(understand(data, ctx, name)[1].as_json(name))
    if args.json:
        print_json(results)
    else:
        for r in results:
            print(f"{r['file']}: {r['kind']} intent={r['intent']} reply_allowed={str(r['reply_allowed']).lower()} rule={r['rule']}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    rt = runtime(args)
    data = views.status(rt.config, rt.store)
    if args.json:
        print_json(data)
        return 0
    print(data["event"])
    for state, n in data["counts"].items():
        print(f"  {state:<11} {n}")
    print(f"capacity    {data['capacity_taken']}/{data['capacity']} taken, {data['capacity_left']} left")
    if data["flags"]:
        print("flags       " + ", ".join(f"{k} {v}" for k, v in sorted(data["flags"].items())))
    print(f"outbox      {data['outbox_pending']} pending")
    print(f"quarantine  {data['quarantined']}")
    print(f"last poll   {data['last_poll'] or 'never'}")
    return 0


CSV_COLUMNS = ["email", "name", "state", "flags", "applied_at", "created", "updated"]


def cmd_applicants(args: argparse.Namespace) -> int:
    rt = runtime(args)
    rows = views.applicants(rt.store, args.state)
    if args.json:
        print_json(rows)
    elif args.csv:
        field_names = sorted({k for r in rows for k in r["fields"]} - set(CSV_COLUMNS))
        flat = [{**r, **{k: v for k, v in r["fields"].items() if k in field_names}} for r in rows]
        print_csv(flat, CSV_COLUMNS + field_names)
    else:
        for r in rows:
            flags = f" [{', '.join(r['flags'])}]" if r["flags"] else ""
            print(f"{r['state'] or '-':<11} {r['email']:<40} {r['name']}{flags}")
        print(f"{len(rows)} applicant(s)")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    rt = runtime(args)
    record = rt.store.applicants.get(args.email.strip().lower())
    if record is None:
        raise UsageError(f"{args.email}: no such applicant")
    view = views.applicant_view(record)
    if args.json:
        print_json(view)
        return 0
    print(f"{view['name']} <{view['email']}>  state: {view['state']}  flags: {', '.join(view['flags']) or '-'}")
    for k, v in view["fields"].items():
        print(f"  {k}: {v}")
    for h in view["history"]:
        print(f"  {h['at']}  {h['event']:<14} {h['detail']}  ({h['by']})")
    return 0


def _outbox_row(e: dict[str, Any]) -> dict[str, Any]:
    return {k: e.get(k) for k in ("id", "kind", "status", "to", "created", "attempts", "last_error", "sent_at", "key")}


def cmd_outbox(args: argparse.Namespace) -> int:
    rt = runtime(args)
    store = rt.store
    if args.action == "list":
        rows = [
            _outbox_row(e) for e in sorted(store.outbox, key=lambda e: e["id"])
            if args.all or e["status"] in outbox_mod.OPEN_STATES + (outbox_mod.SENDING, outbox_mod.FAILED)
        ]
        if args.json:
            print_json(rows)
        else:
            for r in rows:
                print(f"{r['id']:>5}  {r['status']:<18} {r['kind']:<22} {r['to']}")
            print(f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'}")
        return 0
    if args.action == "send":
        report = send_outbox(rt)
        print(f"sent {len(report.sent)}, to retry {len(report.retried)}, failed {len(report.failed)}, deferred {report.deferred}")
        return 1 if report.failed else 0
    with store.locked():
        if args.action == "approve":
            if not args.all and not args.ids:
                raise UsageError("outbox approve: name IDs or use --all")
            done = LifecycleSteps(rt.config, store, rt.now, "organiser").approve(None if args.all else args.ids)
        else:
            done = outbox_mod.discard(store, args.ids, rt.now, "cli")
        store.commit()
    print(f"{args.action}d {len(done)} entr{'y' if len(done) == 1 else 'ies'}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Exit 0 when everything works, 1 when anything does not (the config included: finding
    problems is this command's job, so an invalid config is a finding, not a usage error).

    Warnings (the event is over; survey senders trusted without authentication) are printed
    but do not fail the check: the config still works, and callflow keeps handling the mail
    that arrives after an event.
    """
    try:
        cfg = load_config(args)

        load_rules(cfg.rules_dir)
        load_languages(cfg.languages_dir)
        kinds = Renderer(cfg).kinds()
    except ConfigError as exc:
        print(f"config FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"config ok: {cfg.source} ({len(kinds)} mail templates, rules in {cfg.rules_dir})")
    for warning in config_mod.warnings_at(cfg, make_clock(args, cfg).now()):
        print(f"config warning: {warning}", file=sys.stderr)
    problems = 0
    for name, probe in (("oauth2", _check_sign_in), ("mailbox", _check_mailbox), ("smtp", _check_smtp)):
        try:
            found = probe(cfg)
        except CallflowError as exc:
            problems += 1
            print(f"{name} FAILED: {exc}", file=sys.stderr)
        else:
            if found:
                print(f"{name} ok: {found}")
    return 1 if problems else 0


def _signed_in(status: dict[str, Any]) -> str:
    until = status["access_token_expires"] or "-"
    renew = "renewed by itself" if status["renewable"] else "NOT renewable: run `callflow login` before then"
    return f"{status['account']} signed in ({', '.join(status['scopes'])}); access token until {until}, {renew}"


def _check_sign_in(cfg: Config) -> str:
    """Who is signed in for the servers that use OAuth2 (nothing to say without them)."""
    lines = []
    for server in (cfg.mailbox, cfg.smtp):
        sign_in = SignIn.for_server(cfg, server)
        if sign_in is None or any(sign_in.username in line for line in lines):
            continue
        status = sign_in.status()
        if not status["signed_in"]:
            raise SignInError(f"{sign_in.username} is not signed in; run `callflow login`")
        if (problem := sign_in.problem()) is not None:
            raise SignInError(f"{problem['what']} (since {problem['since']})")
        lines.append(_signed_in(status))
    return "; ".join(lines)


def cmd_login(args: argparse.Namespace) -> int:
    """The OAuth2 device code flow for each account the config signs in with."""
    cfg = load_config(args)
    done: set[str] = set()
    for server in (cfg.mailbox, cfg.smtp):
        sign_in = SignIn.for_server(cfg, server)
        if sign_in is None or sign_in.username.lower() in done:
            continue
        print(f"Signing in {sign_in.username} ({sign_in.settings.provider}):", flush=True)
        status = sign_in.login(lambda text: print(text, flush=True))
        print(f"signed in: {_signed_in(status)}", flush=True)
        done.add(sign_in.username.lower())
    if not done:
        raise UsageError("login: nothing signs in with OAuth2 (set mailbox.auth or smtp.auth: oauth2 and the "
                         "oauth2 section; see the README)")
    return 0


def _check_mailbox(cfg: Config) -> str:
    if cfg.mailbox.backend == "maildir":
        MaildirIntake(cfg.mailbox).open({})
        return f"Maildir {cfg.mailbox.path}"

    intake = ImapIntake(cfg.mailbox, SignIn.for_server(cfg, cfg.mailbox))
    client = intake.connect()
    try:
        missing = [
            f for f in (cfg.mailbox.folder, cfg.mailbox.processed_folder, cfg.mailbox.quarantine_folder)
            if not client.folder_exists(f)
        ]
        if cfg.mailbox.folder in missing:
            raise MailboxError(f"mailbox.folder: {cfg.mailbox.folder} does not exist on {cfg.mailbox.host}")
    finally:
        client.logout()
    note = f" ({', '.join(missing)} will be created)" if missing else ""
    return f"IMAP {cfg.mailbox.username}@{cfg.mailbox.host}:{cfg.mailbox.port}{note}"


def _check_smtp(cfg: Config) -> str:
    if cfg.smtp.backend == "maildir":
        MaildirTransport(cfg.smtp.path)  # type: ignore[arg-type]
        return f"Maildir {cfg.smtp.path}"

    transport = SmtpTransport(cfg.smtp, sign_in=SignIn.for_server(cfg, cfg.smtp))
    try:
        transport.connect()
    finally:
        transport.close()
    return f"SMTP {cfg.smtp.host}:{cfg.smtp.port} ({cfg.smtp.security})"


def cmd_decide(args: argparse.Namespace) -> int:
    """select / waitlist / reject / invite / withdraw: all addresses or none (one commit)."""

    rt = runtime(args)
    action = args.command
    with rt.store.locked():
        life = LifecycleSteps(rt.config, rt.store, rt.now, args.by or "organiser")
        if action == "invite" and args.selected:
            if args.emails:
                raise UsageError("invite: give addresses or --selected, not both")
            changes = life.invite_selected()
        else:
            if not args.emails:
                raise UsageError(f"{action}: name at least one address" + (" or use --selected" if action == "invite" else ""))
            changes = [life.apply(action, e, force=getattr(args, "force", False)) for e in args.emails]
        if not args.dry_run:
            rt.store.commit()
    prefix = "would change" if args.dry_run else "changed"
    for change in changes:
        print(f"{prefix}: {change.describe()}")
    if not changes:
        print("nothing to do")
    waiting = [e for e in rt.store.outbox if e["status"] == outbox_mod.AWAITING]
    if waiting and not args.dry_run:
        print(f"{len(waiting)} mail(s) await approval: callflow outbox list, then outbox approve ID…|--all")
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    rt = runtime(args)
    with rt.store.locked():
        life = LifecycleSteps(rt.config, rt.store, rt.now, args.by or "organiser")
        changes = [life.resolve(e) for e in args.emails]
        rt.store.commit()
    for change in changes:
        print(f"{change.email}: attention cleared")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    rt = runtime(args)
    with rt.store.locked():
        report = import_export(rt.config, rt.store, Path(args.file), rt.now, acknowledge=not args.no_ack)
        if not args.dry_run:
            rt.store.commit()
    for problem in report.problems:
        print(f"skipped: {problem}", file=sys.stderr)
    prefix = "would import" if args.dry_run else "imported"
    print(
        f"{prefix} {args.file}: {report.rows} row(s): {report.new} new, {report.updated} updated, "
        f"{report.unchanged} unchanged, {len(report.problems)} skipped; {report.queued} acknowledgement(s) queued"
    )
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    rt = runtime(args)
    if args.send:
        with rt.store.locked():
            entries = queue_digest(rt.config, rt.store, rt.now, force=True)
            rt.store.commit()
        if not entries:
            raise UsageError("digest --send: no organisers configured")
        report = send_outbox(rt)
        print(f"digest queued for {len(entries)} organiser(s); sent {len(report.sent)} mail(s)")
        return 0
    since = rt.store.meta.get("last_digest_at")

    subject, text, html = build_digest(
        rt.config, rt.store, Renderer(rt.config), rt.now, datetime.fromisoformat(since) if since else None, None
    )
    if args.html:
        print(html)
    else:
        print(f"Subject: {subject}\n\n{text}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    rt = runtime(args)
    print_json(export(rt.store, args.email))
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    rt = runtime(args)
    with rt.store.locked():
        erase(rt.config, rt.store, args.email, rt.now, args.by or "organiser")
        rt.store.commit()
    print(f"erased {args.email.strip().lower()}: personal data removed, a tombstone is kept; "
          "delete their mail from the mailbox folders yourself")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    return run_demo(args)


def cmd_init(args: argparse.Namespace) -> int:
    if args.directory is None and args.config:
        # init writes a config, it does not read one: the file goes where DIR says.
        raise UsageError(f"init: writes DIR/config.yaml; name the directory (callflow init "
                         f"{Path(args.config).parent}), not --config")
    today = clock_in(args, TIMEZONE).now().astimezone(TIMEZONE).date()
    made = write_starter(Path(args.directory or "."), today, force=args.force)
    if made.backup:
        print(f"kept the previous config as {made.backup}")
    print(f"wrote {made.config_path}: a starter that works as it is; replace the values marked REPLACE")
    print(f"Maildirs: {made.inbox} (incoming: mail dropped into new/ is read), "
          f"{made.outgoing} (what callflow sends lands in new/)")
    print(f"next: callflow --config {made.config_path} check")
    print(f"      callflow --config {made.config_path} run --once")
    return 0

