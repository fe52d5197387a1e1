"""callflow's command line: commands → calls; errors → exit codes; nothing else.

Exit codes: 0 ok, 1 runtime failure, 2 usage or config error. Errors are one line naming
the file, key or mail; a traceback only with --debug.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from . import config as config_mod
from .clock import Clock, parse_now
from .errors import CallflowError, UsageError

log = logging.getLogger("callflow")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other usage error
        raise UsageError(f"{self.prog}: {message}")


def _global_options(parser: argparse.ArgumentParser, here: bool) -> None:
    """The global options, accepted before the command and (for convenience) after it too."""
    default: dict[str, Any] = {} if here else {"default": argparse.SUPPRESS}
    parser.add_argument("--config", help="config file (default: $CALLFLOW_CONFIG or ./config.yaml)", **default)
    parser.add_argument("--now", help="fix the clock (ISO datetime; local to event.timezone without offset)",
                        **default)
    parser.add_argument("--debug", action="store_true", help="debug logging and tracebacks on errors", **default)
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors on stderr", **default)


_AFTER = argparse.ArgumentParser(add_help=False)
_global_options(_AFTER, here=False)


def _add(sub: argparse._SubParsersAction, name: str, func: Callable[..., int], help_: str, **kw: Any):
    parser = sub.add_parser(name, help=help_, description=help_, parents=[_AFTER], **kw)
    parser.set_defaults(func=func)
    return parser


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="callflow", description="The mail side of a call for participants.")
    _global_options(p, here=True)
    p.add_argument("--version", action="version", version=f"callflow {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    from . import commands as c

    run = _add(sub, "run", c.cmd_run, "run the daemon (or one pass with --once)")
    run.add_argument("--once", action="store_true", help="handle everything pending, send, exit")
    run.add_argument("--digest", action="store_true",
                     help="with --once: also send the daily digest when it is due (for cron)")
    demo = _add(sub, "demo", c.cmd_demo, "a self-contained tour on temporary Maildirs")
    demo.add_argument("--keep", metavar="DIR", help="keep the demo's files in DIR instead of a temp dir")
    _add(sub, "check", c.cmd_check, "validate the config and connect to the mailbox and SMTP")
    cl = _add(sub, "classify", c.cmd_classify, "classify mail files; no state is touched")
    cl.add_argument("files", nargs="+", metavar="FILE.eml")
    cl.add_argument("--json", action="store_true", help="print a JSON array")
    st = _add(sub, "status", c.cmd_status, "counts per state, capacity, outbox, quarantine")
    st.add_argument("--json", action="store_true")
    ap = _add(sub, "applicants", c.cmd_applicants, "list applicants")
    ap.add_argument("--state", help="only applicants in this state")
    fmt = ap.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true")
    sh = _add(sub, "show", c.cmd_show, "one applicant with history")
    sh.add_argument("email")
    sh.add_argument("--json", action="store_true")
    for action, what in (
        ("select", "select applicants (refused beyond capacity unless --force)"),
        ("waitlist", "put applicants on the waiting list"),
        ("reject", "reject applicants (an invited person's calendar entry is cancelled)"),
        ("invite", "send the calendar invitation to selected applicants"),
        ("withdraw", "withdraw applicants (frees their place; the waitlist moves up)"),
    ):
        dp = _add(sub, action, c.cmd_decide, what)
        dp.add_argument("emails", nargs="*", metavar="EMAIL")
        dp.add_argument("--dry-run", action="store_true", help="show what would change and which mail would be queued")
        dp.add_argument("--by", help="who decides, for the history (default: organiser)")
        if action == "select":
            dp.add_argument("--force", action="store_true", help="select even beyond capacity")
        if action == "invite":
            dp.add_argument("--selected", action="store_true", help="invite everyone who is selected")
    rs = _add(sub, "resolve", c.cmd_resolve, "mark what needed attention as dealt with")
    rs.add_argument("emails", nargs="+", metavar="EMAIL")
    rs.add_argument("--by", help="who, for the history (default: organiser)")
    im = _add(sub, "import", c.cmd_import, "import a survey export (CSV, XLSX); idempotent by response ID")
    im.add_argument("file", metavar="FILE")
    im.add_argument("--no-ack", action="store_true", help="do not acknowledge imported applications by mail")
    im.add_argument("--dry-run", action="store_true", help="report what would change, change nothing")
    dg = _add(sub, "digest", c.cmd_digest, "build the organisers' digest now")
    mode = dg.add_mutually_exclusive_group(required=True)
    mode.add_argument("--print", action="store_true", help="print it (text; --html for the HTML part)")
    mode.add_argument("--send", action="store_true", help="send it to every organiser now")
    dg.add_argument("--html", action="store_true", help="with --print: print the HTML part")
    ex = _add(sub, "export", c.cmd_export, "everything callflow holds about one person, as JSON")
    ex.add_argument("email")
    er = _add(sub, "erase", c.cmd_erase, "erase one person's personal data (a tombstone is kept)")
    er.add_argument("email")
    er.add_argument("--by", help="who asked, for the tombstone's history (default: organiser)")
    ob = _add(sub, "outbox", c.cmd_outbox, "review and send queued mail")
    obs = ob.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser, required=True)
    ol = obs.add_parser("list", help="list queued mail")
    ol.add_argument("--json", action="store_true")
    ol.add_argument("--all", action="store_true", help="include sent and discarded mail")
    oa = obs.add_parser("approve", help="approve mail awaiting approval")
    oa.add_argument("ids", nargs="*", metavar="ID")
    oa.add_argument("--all", action="store_true")
    od = obs.add_parser("discard", help="never send these")
    od.add_argument("ids", nargs="+", metavar="ID")
    obs.add_parser("send", help="send what is due now")
    return p


def _setup_logging(debug: bool, quiet: bool) -> None:
    level = logging.DEBUG if debug else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # Libraries log addresses and protocol lines at INFO/DEBUG: keep them quiet unless debugging.
    for noisy in ("imapclient", "aiosmtplib", "asyncio", "filelock"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if debug else logging.WARNING)


def load_config(args: argparse.Namespace) -> config_mod.Config:
    path = args.config or os.environ.get("CALLFLOW_CONFIG") or config_mod.DEFAULT_CONFIG
    return config_mod.load(Path(path))


def make_clock(args: argparse.Namespace, cfg: config_mod.Config) -> Clock:
    if not args.now:
        return Clock()
    try:
        return Clock(parse_now(args.now, cfg.event.tz))
    except ValueError:
        raise UsageError(f"--now: not an ISO datetime: {args.now!r}") from None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help()
            return 2
        _setup_logging(args.debug, args.quiet or args.command in ("classify", "status", "applicants", "show"))
        return int(args.func(args) or 0)
    except CallflowError as exc:
        print(f"callflow: error: {exc}", file=sys.stderr)
        if debug:
            raise
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: still one line, the traceback on request
        if debug:
            raise
        print(f"callflow: internal error: {type(exc).__name__}: {exc} (run with --debug for details)", file=sys.stderr)
        return 1


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def print_csv(rows: list[dict[str, Any]], columns: list[str]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (";".join(map(str, row[k])) if isinstance(row.get(k), list) else row.get(k)) for k in columns})


__all__ = ["main", "build_parser", "load_config", "make_clock"]
