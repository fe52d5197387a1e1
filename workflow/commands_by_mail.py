"""Commands by mail: organisers answer the daily digest with one command per line.

Three steps, each plain data in and out:

* ``parse_commands`` reads the organiser's own words (``ParsedMail.reply_text``: the quoted
  digest with its example commands is already gone) into ``Command`` lines;
* ``authorise`` decides whether the mail may act at all: an organiser's address, a digest token
  callflow issued recently, optionally a passing DKIM/DMARC verdict from a trusted server, and
  no sign of an automatic sender;
* ``execute`` runs every line through ``LifecycleSteps``, each line on its own and
  all-or-nothing, and queues one result mail to the organiser.

A mail that is not authorised changes nothing and is answered never: an answer would tell a
forger which part of the check failed. It is recorded for the digest and left flagged.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import authresults, outbox, tokens, views
from .addresses import AMBIGUOUS_SENDER, several_senders
from .answers import AUTO_REPLIED
from .classify import guards
from .config import Config
from .errors import CallflowError
from .handling import ATTENTION, PROCESSED, Decision
from .lifecycle import State
from .lifecycle_steps import LifecycleSteps
from .limits import MAX_COMMAND_LINES, MAX_ECHOED_LINE_CHARS, clip
from .parse import ParsedMail
from .privacy import erase
from .store import Store

log = logging.getLogger(__name__)

KIND = "command_result"
# At most this many rejected command mails are kept for the digest: a flood of forgeries
# must not grow the state file without bound.
MAX_REJECTED_KEPT = 200

ADDRESS_VERBS = ("select", "waitlist", "reject", "withdraw")
VERBS = (*ADDRESS_VERBS, "invite", "approve", "done", "erase", "status", "help")

HELP: list[tuple[str, str]] = [
    ("select ADDR…", "select applicants (not beyond capacity)"),
    ("waitlist ADDR…", "put applicants on the waiting list"),
    ("reject ADDR…", "reject applicants"),
    ("invite selected", "send the calendar invitation to everyone selected"),
    ("invite ADDR…", "send the calendar invitation to these selected applicants"),
    ("approve ID…|all", "release mail awaiting approval (ids as #N in the digest)"),
    ("withdraw ADDR…", "withdraw applicants (frees their place)"),
    ("done ADDR…", "mark what needed attention as dealt with (leaves the digest's list)"),
    ("erase ADDR", "erase one person's data (a tombstone is kept)"),
    ("status", "answer with the current counts"),
    ("help", "answer with this list"),
]

_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\".]+$")
# HTML-only replies reach us through html2text, which writes linked addresses as Markdown.
_MARKDOWN_MAILTO = re.compile(r"\[[^\]]*\]\(\s*mailto:([^)\s]+)\s*\)", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+")
_SEPARATORS = re.compile(r"[\s,;]+")
_VERB_PUNCTUATION = ":,.;!?"


# -- parsing ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Command:
    line: str  # the line as the organiser wrote it (trimmed)
    verb: str  # canonical lowercase verb; "" for a line that only looks like a command
    args: tuple[str, ...] = ()  # lowercased; addresses without <>, mailto: or trailing punctuation
    problem: str = ""  # for a near-miss: why it is not run

    @property
    def text(self) -> str:
        """The command as callflow understood it, for the result mail."""
        if not self.verb:
            return _shorten(self.line)
        return " ".join([self.verb, *self.args])


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _clean_arg(token: str) -> str:
    token = token.strip().strip("<>").strip()
    if token.lower().startswith("mailto:"):
        token = token[len("mailto:"):]
    # "a@b.org." at the end of a sentence, "<a@b.org>," in a list, "#12" as the digest shows ids.
    token = token.strip("<>").rstrip(".:!?)").lstrip("(#")
    return token.lower()


def _is_signature_delimiter(line: str) -> bool:
    # RFC 3676 says "-- "; many clients trim the trailing space.
    return line.rstrip() == "--"


def parse_commands(text: str) -> list[Command]:
    """One command per line; greetings, prose and sign-offs are skipped, the signature ends it.

    A line that starts with a word close to a verb ("selct", "approved") is returned with a
    ``problem`` so the organiser learns it was not run; any other prose is skipped silently.
    """
    commands: list[Command] = []
    for raw in (text or "").splitlines():
        if _is_signature_delimiter(raw):
            break
        line = raw.strip()
        if not line or line.startswith(">"):
            continue  # quoted history that survived reply stripping is never a command
        body = _BULLET.sub("", line)
        body = _MARKDOWN_MAILTO.sub(r"\1", body)
        words = [w for w in _SEPARATORS.split(body) if w]
        if not words:
            continue
        verb = words[0].lower().strip(_VERB_PUNCTUATION)
        shown = clip(line, MAX_ECHOED_LINE_CHARS)  # what the result mail repeats
        if len(commands) >= MAX_COMMAND_LINES and (verb in VERBS or difflib.get_close_matches(verb, VERBS)):
            commands.append(Command(shown, "", (), f"not run: at most {MAX_COMMAND_LINES} commands per mail"))
            break
        if verb in VERBS:
            args = tuple(a for a in (_clean_arg(w) for w in words[1:]) if a)
            commands.append(Command(shown, verb, args))
            continue
        close = difflib.get_close_matches(verb, VERBS, n=1, cutoff=0.8)
        if close:
            commands.append(Command(shown, "", (), f'not a command (did you mean "{close[0]}"?)'))
    return commands


# -- authorisation ----------------------------------------------------------------------
def authenticated(config: Config, mail: ParsedMail) -> bool:
    """A trusted server's Authentication-Results shows DKIM or DMARC passing for the From domain
    (read by ``authresults``, the same reading survey notifications get)."""
    verdict = authresults.verify(
        mail.header_all("Authentication-Results"), mail.from_addr, config.commands.trusted_authserv_ids
    )
    return verdict.passed


def authorise(config: Config, store: Store, mail: ParsedMail, now: datetime) -> tuple[bool, str]:
    """(accepted, reason): every check must pass; the reason names the first that failed."""
    if several_senders(mail.header_all("From")):
        return False, AMBIGUOUS_SENDER
    if not mail.from_addr or mail.from_addr not in config.organiser_addresses:
        return False, "sender is not an organiser"
    verdict = guards.robot_verdict(mail.message, own_addresses=config.own_addresses)
    if verdict is not None:
        # An out-of-office or an auto-forward may echo the digest's example commands unquoted.
        return False, f"automatic mail ({verdict.reason})"
    state = tokens.status(store, tokens.find(mail), now, config.commands.token_days)
    if state != "valid":
        return False, {"missing": "no digest token", "expired": "expired digest token"}.get(
            state, "unknown digest token"
        )
    if config.commands.require_authentication and not authenticated(config, mail):
        return False, "no passing DKIM/DMARC from a trusted server"
    return True, "authorised"


# -- execution --------------------------------------------------------------------------
@dataclass
class Result:
    command: str
    status: str  # "ok", "error" or "ignored"
    outcome: str
    details: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def as_dict(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "status": self.status,
            "ok": self.ok,
            "outcome": self.outcome,
            "text": f"{self.command}: {self.outcome}",
            "details": list(self.details),
        }


class _LineError(CallflowError):
    """A command line that cannot be run as written (bad or missing arguments)."""


class _Runner:
    """Runs the lines of one command mail against the in-memory store."""

    def __init__(self, config: Config, store: Store, now: datetime, sender: str) -> None:
        self.config = config
        self.store = store
        self.now = now
        self.by = f"organiser:{sender}"
        self.life = LifecycleSteps(config, store, now, by=self.by)

    def run(self, command: Command) -> Result:
        if not command.verb:
            return Result(command.text, "ignored", f"ignored: {command.problem or 'not a command'}")
        seq = self.store.meta.get("outbox_seq", 0)
        partial = False
        try:
            # All or nothing per line: a line that fails leaves no change behind.
            with self.store.savepoint():
                return VERB_HANDLERS[command.verb](self, command, seq)
        except _LineError as exc:  # refused as written, before anything was touched
            outcome = f"error: {exc}"
        except CallflowError as exc:
            outcome = f"error: {self._message(exc, command)}"
            partial = len(command.args) > 1
        except Exception as exc:  # a bug costs this line, never the other lines or the mail
            log.error("mail command %s failed: %s", command.verb, type(exc).__name__)
            log.debug("mail command failed", exc_info=True)
            outcome = f"error: internal error ({type(exc).__name__}); nothing was changed"
        if partial:
            # Earlier addresses on the line may have succeeded: say that they were undone too.
            outcome += " (nothing on this line was changed)"
        return Result(command.text, "error", outcome)

    @staticmethod
    def _message(exc: Exception, command: Command) -> str:
        text = str(exc)
        if len(command.args) == 1:
            # "bo@x: cannot invite …" reads twice once the line starts with the address.
            text = text.removeprefix(f"{command.args[0]}: ")
        # The capacity refusal names the CLI's override, which mail does not offer.
        return text.replace("or use --force", "or use callflow select --force")

    # -- describing what happened ---------------------------------------------------------
    def _new_mail(self, seq: int) -> list[dict[str, Any]]:
        return sorted(self.store.outbox.matching(lambda e: e["id"] > seq), key=lambda e: e["id"])

    def _describe_mail(self, entries: list[dict[str, Any]], only: str | None) -> str:
        parts = []
        for e in entries:
            who = "" if only is not None and e["to"] == only else f" to {e['to']}"
            waits = " (awaiting approval)" if e["status"] == outbox.AWAITING else ""
            parts.append(f"{e['kind']}{who}{waits}")
        return f"mail: {', '.join(parts)}" if parts else "no mail"

    def _describe(self, changes: list[Any], seq: int, only: str | None) -> str:
        if len(changes) == 1 and only is not None and changes[0].email == only:
            what = [f"{changes[0].before} → {changes[0].after}"]
        else:
            what = [", ".join(f"{c.email} {c.before} → {c.after}" for c in changes)]
        what.append(self._describe_mail(self._new_mail(seq), only))
        what.extend(c.note for c in changes if c.note)
        return "; ".join(what)

    def _addresses(self, command: Command, exactly_one: bool = False) -> list[str]:
        if not command.args:
            raise _LineError(f"name {'an address' if exactly_one else 'at least one address'}")
        if exactly_one and len(command.args) != 1:
            raise _LineError("name exactly one address per line")
        bad = [a for a in command.args if not _ADDRESS.match(a)]
        if bad:
            raise _LineError(f"{bad[0]!r} is not an email address")
        return list(command.args)

    # -- the verbs ------------------------------------------------------------------------
    def _lifecycle(self, command: Command, seq: int, action: str) -> Result:
        emails = self._addresses(command)
        changes = [self.life.apply(action, email) for email in emails]
        only = emails[0] if len(emails) == 1 else None
        return Result(command.text, "ok", self._describe(changes, seq, only))

    def do_select(self, command: Command, seq: int) -> Result:
        return self._lifecycle(command, seq, "select")

    def do_waitlist(self, command: Command, seq: int) -> Result:
        return self._lifecycle(command, seq, "waitlist")

    def do_reject(self, command: Command, seq: int) -> Result:
        return self._lifecycle(command, seq, "reject")

    def do_withdraw(self, command: Command, seq: int) -> Result:
        return self._lifecycle(command, seq, "withdraw")

    def do_invite(self, command: Command, seq: int) -> Result:
        if command.args == ("selected",):
            changes = self.life.invite_selected()
            if not changes:
                return Result(command.text, "ok", "nothing to do: nobody is selected")
            return Result(command.text, "ok", self._describe(changes, seq, None))
        return self._lifecycle(command, seq, "invite")

    def do_approve(self, command: Command, seq: int) -> Result:
        if not command.args:
            raise _LineError("name outbox ids (as #N in the digest) or all")
        if command.args == ("all",):
            ids: list[str] | None = None
        else:
            bad = [a for a in command.args if not a.isdigit()]
            if bad:
                raise _LineError(f"{bad[0]!r} is not an outbox id (use the numbers shown as #N, or all)")
            ids = list(command.args)
        entries = self.life.approve(ids)
        if not entries:
            return Result(command.text, "ok", "nothing awaits approval")
        parts = []
        for e in entries:
            what = f"#{e['id']} {e['kind']} to {e['to']}"
            if e["status"] == outbox.DISCARDED:
                what += f" discarded ({e.get('last_error') or 'no longer applicable'})"
            parts.append(what)
        return Result(command.text, "ok", "approved " + ", ".join(parts))

    def do_done(self, command: Command, seq: int) -> Result:
        emails = self._addresses(command)
        for email in emails:
            self.life.resolve(email)
        return Result(command.text, "ok", f"attention cleared for {', '.join(emails)}")

    def do_erase(self, command: Command, seq: int) -> Result:
        (email,) = self._addresses(command, exactly_one=True)
        erase(self.config, self.store, email, self.now, self.by)
        return Result(command.text, "ok", "personal data erased (a tombstone is kept)")

    def do_status(self, command: Command, seq: int) -> Result:
        data = views.status(self.config, self.store)
        counts = [f"{data['counts'][s.value]} {s.value}" for s in State if data["counts"].get(s.value)]
        left = data["capacity_left"]
        parts = [", ".join(counts) or "no applicants yet", f"{left} place{'s' if left != 1 else ''} left"]
        awaiting = data["outbox"].get(outbox.AWAITING, 0)
        if awaiting:
            parts.append(f"{awaiting} mail{'s' if awaiting != 1 else ''} awaiting approval")
        return Result("status", "ok", ", ".join(parts))

    def do_help(self, command: Command, seq: int) -> Result:
        width = max(len(usage) for usage, _ in HELP)
        details = [f"{usage.ljust(width)}  {does}" for usage, does in HELP]
        return Result("help", "ok", "one command per line, addresses as written in the digest:", details)


# What each verb runs: the table the parser's VERBS name (a test checks they match).
VERB_HANDLERS: dict[str, Callable[[_Runner, Command, int], Result]] = {
    "select": _Runner.do_select,
    "waitlist": _Runner.do_waitlist,
    "reject": _Runner.do_reject,
    "withdraw": _Runner.do_withdraw,
    "invite": _Runner.do_invite,
    "approve": _Runner.do_approve,
    "done": _Runner.do_done,
    "erase": _Runner.do_erase,
    "status": _Runner.do_status,
    "help": _Runner.do_help,
}


def _record_rejection(store: Store, mail: ParsedMail, now: datetime, reason: str) -> None:
    rejected: list[dict[str, Any]] = store.meta.setdefault("rejected_commands", [])
    if any(item.get("key") == mail.key for item in rejected):
        return  # the same mail read again
    rejected.append({"at": now.isoformat(), "sender": mail.from_addr, "reason": reason, "key": mail.key})
    del rejected[:-MAX_REJECTED_KEPT]


def _organiser_name(config: Config, email: str, fallback: str) -> str:
    return next((p.name for p in config.organisers if p.email == email), fallback)


def execute(config: Config, store: Store, mail: ParsedMail, now: datetime) -> Decision:
    """Authorise and run the commands in one organiser mail; queue one result mail."""
    commands = parse_commands(mail.reply_text)
    if not commands:
        # Not a command mail (a question, a thank-you): the contact person reads it.
        return Decision(ATTENTION, note="organiser mail without commands: left for a person")
    accepted, reason = authorise(config, store, mail, now)
    if not accepted:
        _record_rejection(store, mail, now, reason)
        log.warning("mail commands refused: %s", reason)
        return Decision(ATTENTION, note=f"commands refused: {reason}")

    key = f"command:{mail.key}"
    if store.outbox.get(key) is not None:
        # Already run (the result mail is keyed by this mail): running again would act twice.
        return Decision(PROCESSED, note="commands already executed")

    sender = mail.from_addr
    runner = _Runner(config, store, now, sender)
    results = [runner.run(command) for command in commands]
    ok = sum(1 for r in results if r.ok)
    failed = len(results) - ok
    name = _organiser_name(config, sender, mail.from_name)
    awaiting = [
        {"id": e["id"], "kind": e["kind"], "to": e["to"]}
        for e in sorted(store.outbox, key=lambda e: e["id"]) if e["status"] == outbox.AWAITING
    ]
    token = tokens.find(mail)
    decision = Decision(PROCESSED, note=f"mail commands: {ok} ok, {failed} failed")
    entry = outbox.enqueue(
        store,
        key=key,
        kind=KIND,
        to=sender,
        to_name=name,
        applicant=None,
        context={
            "results": [r.as_dict() for r in results],
            "ok_count": ok,
            "failed_count": failed,
            "awaiting_approval": awaiting,
            "organiser": {"name": name, "email": sender},
            # Every template greets its recipient as ``applicant`` (templates/README.md).
            "applicant": {"name": name, "email": sender},
        },
        now=now,
        domain=config.sender_domain,
        in_reply_to=mail.message_id,
        references=mail.references,
        auto_submitted=AUTO_REPLIED,
        approval=False,
        # The organiser can go on answering the result mail with the same (still valid) token.
        extra={"reply_to": tokens.reply_address(config, token)} if token else None,
    )
    if entry is not None:
        decision.queued.append(KIND)
    log.info("mail commands: %d ok, %d failed", ok, failed)
    return decision
