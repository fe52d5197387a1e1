"""callflow's command line: commands → calls; errors → exit codes; nothing else.

Exit codes: 0 ok, 1 runtime failure, 2 usage or config error. Errors are one line naming
the file, key or mail; a traceback only with --debug.
"""

from __future__ import annotations

import argparse
import difflib
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from . import __version__
from . import cli_commands as c
from .errors import CallflowError, UsageError

log = logging.getLogger("callflow")

PROG = "callflow"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, exit 2, like every other usage error. main() prints "callflow: error: ";
        # a subcommand's parser adds its own name ("outbox: ...") so the line says where.
        command = self.prog.removeprefix(PROG).strip()
        raise UsageError(f"{command}: {message}" if command else message)

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        # argparse's own wording ("argument COMMAND: invalid choice: 'foo' (choose from 'run', …)")
        # speaks of its metavar; an organiser typed a command.
        if isinstance(action, argparse._SubParsersAction) and value not in action.choices:
            what = (action.metavar or "command").lower()
            close = difflib.get_close_matches(value, list(action.choices), n=1)
            hint = f" — did you mean {close[0]!r}?" if close else ""
            raise argparse.ArgumentError(
                None, f"unknown {what} {value!r}{hint} (choose from {', '.join(action.choices)})"
            )
        super()._check_value(action, value)


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
    p = _Parser(prog=PROG, description="The mail side of a call for participants.")
    _global_options(p, here=True)
    p.add_argument("--version", action="version", version=f"callflow {__version__}",
                   help="print callflow's version and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser,
                           help="what to do (callflow COMMAND --help explains each)")

    run = _add(sub, "run", c.cmd_run, "run the daemon (or one pass with --once)")
    run.add_argument("--once", action="store_true", help="handle everything pending, send, exit")
    run.add_argument("--digest", action="store_true",
                     help="with --once: also send the daily digest when it is due (for cron)")
    demo = _add(sub, "demo", c.cmd_demo,
                "a self-contained tour on temporary Maildirs (the shipped example event; works anywhere)")
    demo.add_argument("--keep", metavar="DIR", help="keep the demo's files in DIR instead of a temp dir")
    init = _add(sub, "init", c.cmd_init,
                "start a new call: write a commented starter config.yaml and its Maildir folders")
    init.add_argument("directory", nargs="?", metavar="DIR",
                      help="where to write config.yaml (default: the current directory; created when missing)")
    init.add_argument("--force", action="store_true",
                      help="replace an existing config.yaml (the old one is kept as config.yaml.bak)")
    _add(sub, "check", c.cmd_check,
         "validate the config and connect to the mailbox and SMTP (exit 1 on a problem; a warning is not one)")
    _add(sub, "login", c.cmd_login,
         "sign the mailbox in with OAuth2 (auth: oauth2): open a URL anywhere, type the code shown")
    cl = _add(sub, "classify", c.cmd_classify, "classify mail files; no state is touched")
    cl.add_argument("files", nargs="+", metavar="FILE.eml", help="mail files (RFC 5322, as saved by a mail client)")
    cl.add_argument("--json", action="store_true", help="print a JSON array")
    st = _add(sub, "status", c.cmd_status, "counts per state, capacity, outbox, quarantine")
    st.add_argument("--json", action="store_true", help="print JSON")
    ap = _add(sub, "applicants", c.cmd_applicants, "list applicants")
    ap.add_argument("--state", help="only applicants in this state")
    fmt = ap.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON")
    fmt.add_argument("--csv", action="store_true", help="print CSV (one column per survey field)")
    sh = _add(sub, "show", c.cmd_show, "one applicant with history")
    sh.add_argument("email", metavar="EMAIL", help="the applicant's address")
    sh.add_argument("--json", action="store_true", help="print JSON")
    for action, what in (
        ("select", "select applicants (refused beyond capacity unless --force)"),
        ("waitlist", "put applicants on the waiting list"),
        ("reject", "reject applicants (an invited person's calendar entry is cancelled)"),
        ("invite", "send the calendar invitation to selected applicants"),
        ("withdraw", "withdraw applicants (frees their place; the waitlist moves up)"),
    ):
        dp = _add(sub, action, c.cmd_decide, what)
        dp.add_argument("emails", nargs="*", metavar="EMAIL", help="applicants' addresses (all or none change)")
        dp.add_argument("--dry-run", action="store_true", help="show what would change and which mail would be queued")
        dp.add_argument("--by", help="who decides, for the history (default: organiser)")
        if action == "select":
            dp.add_argument("--force", action="store_true", help="select even beyond capacity")
        if action == "invite":
            dp.add_argument("--selected", action="store_true", help="invite everyone who is selected")
    rs = _add(sub, "resolve", c.cmd_resolve, "mark what needed attention as dealt with")
    rs.add_argument("emails", nargs="+", metavar="EMAIL", help="applicants' addresses")
    rs.add_argument("--by", help="who, for the history (default: organiser)")
    im = _add(sub, "import", c.cmd_import, "import a survey export (CSV, XLSX); idempotent by response ID")
    im.add_argument("file", metavar="FILE", help="the survey tool's export (.csv or .xlsx)")
    im.add_argument("--no-ack", action="store_true", help="do not acknowledge imported applications by mail")
    im.add_argument("--dry-run", action="store_true", help="report what would change, change nothing")
    dg = _add(sub, "digest", c.cmd_digest, "build the organisers' digest now")
    mode = dg.add_mutually_exclusive_group(required=True)
    mode.add_argument("--print", action="store_true", help="print it (text; --html for the HTML part)")
    mode.add_argument("--send", action="store_true", help="send it to every organiser now")
    dg.add_argument("--html", action="store_true", help="with --print: print the HTML part")
    ex = _add(sub, "export", c.cmd_export, "everything callflow holds about one person, as JSON")
    ex.add_argument("email", metavar="EMAIL", help="the person's address")
    er = _add(sub, "erase", c.cmd_erase, "erase one person's personal data (a tombstone is kept)")
    er.add_argument("email", metavar="EMAIL", help="the person's address")
    er.add_argument("--by", help="who asked, for the tombstone's history (default: organiser)")
    ob = _add(sub, "outbox", c.cmd_outbox, "review and send queued mail")
    obs = ob.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser, required=True,
                            help="what to do with the outbox")

    def outbox_action(name: str, help_: str) -> argparse.ArgumentParser:
        return obs.add_parser(name, help=help_, description=help_, parents=[_AFTER])

    ol = outbox_action("list", "list queued mail")
    ol.add_argument("--json", action="store_true", help="print JSON")
    ol.add_argument("--all", action="store_true", help="include sent and discarded mail")
    oa = outbox_action("approve", "approve mail awaiting approval")
    oa.add_argument("ids", nargs="*", metavar="ID", help="outbox ids (as outbox list shows them)")
    oa.add_argument("--all", action="store_true", help="approve everything awaiting approval")
    od = outbox_action("discard", "never send these mails")
    od.add_argument("ids", nargs="+", metavar="ID", help="outbox ids (as outbox list shows them)")
    outbox_action("send", "send what is due now")
    return p


def _setup_logging(debug: bool, quiet: bool) -> None:
    level = logging.DEBUG if debug else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # Libraries log addresses and protocol lines at INFO/DEBUG: keep them quiet unless debugging.
    for noisy in ("imapclient", "aiosmtplib", "asyncio", "filelock"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if debug else logging.WARNING)
    # The sign-in libraries may log request details, tokens among them: never below WARNING.
    for secretive in ("msal", "urllib3"):
        logging.getLogger(secretive).setLevel(logging.WARNING)


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


__all__ = ["main", "build_parser"]
