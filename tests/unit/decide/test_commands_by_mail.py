"""Commands by mail: parsing, authorisation (organiser + digest token + DKIM/DMARC), execution.

Mails are real RFC 5322 bytes run through ``workflow.parse.parse``; applicants are created the
way the survey creates them. A whole pass through the CLI on Maildir is in
tests/pipeline/test_digest_reply.py.
"""

from __future__ import annotations

import copy
import email
from datetime import datetime, timedelta
from email import policy
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests import mails
from tests.cfg import base_config, write_config
from workflow import commands_by_mail, outbox, tokens
from workflow.classify import Classification
from workflow.commands_by_mail import Command, authorise, execute, parse_commands
from workflow.config import Config, load
from workflow.decide import Decider
from workflow.handling import ATTENTION, PROCESSED
from workflow.parse import ParsedMail, parse
from workflow.render import Renderer
from workflow.store import Store

TZ = ZoneInfo("Europe/Brussels")
NOW = datetime(2022, 3, 1, 12, 0, tzinfo=TZ)
ORGANISER = "anna.organiser@example.org"
FROM_ORGANISER = f"Anna Organiser <{ORGANISER}>"
PEOPLE = [
    ("ana@example.net", "Ana Applicant"),
    ("bo@example.net", "Bo Applicant"),
    ("cy@example.net", "Cy Applicant"),
    ("di@example.net", "Di Applicant"),
]
TRUSTED = "mx.callflow.example.org"
GOOD_AUTH = f"{TRUSTED}; dkim=pass header.d=example.org; dmarc=pass header.from=example.org"


class Env:
    def __init__(self, config: Config, store: Store, token: str) -> None:
        self.config = config
        self.store = store
        self.token = token

    def mail(self, body: str, *, sender: str = FROM_ORGANISER, token: str | None = "issued",
             subject: str = "Re: Digest 1 Mar – Working group meeting", **headers: str) -> ParsedMail:
        tok = self.token if token == "issued" else token
        to = tokens.reply_address(self.config, tok) if tok else mails.CONTACT
        return parse(mails.build(sender, subject, body, to=f"Working group contact <{to}>", **headers))

    def state(self, address: str) -> str | None:
        record = self.store.applicants.get(address)
        assert record is not None
        return record["state"]

    def results(self, mail: ParsedMail) -> list[dict[str, Any]]:
        entry = self.store.outbox.get(f"command:{mail.key}")
        assert entry is not None
        return entry["context"]["results"]

    def texts(self, mail: ParsedMail) -> list[str]:
        return [r["text"] for r in self.results(mail)]


def make_env(tmp_path: Path, **commands: Any) -> Env:
    data = base_config(tmp_path)
    if commands:
        data["commands"] = commands
    config = load(write_config(tmp_path, data))
    store = Store(config.storage.path)
    decider = Decider(config, store, NOW - timedelta(days=2))
    for n, (address, name) in enumerate(PEOPLE, start=1):
        decider.apply_application(address, name, {}, {}, response_id=str(n), submitted=NOW - timedelta(days=2),
                                  by="survey")
    token = tokens.issue(store, NOW - timedelta(hours=4))
    return Env(config, store, token)


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


def frozen(store: Store) -> dict[str, Any]:
    """Everything a command could change, for before/after comparisons."""
    meta = {k: v for k, v in store.meta.items() if k != "rejected_commands"}
    return copy.deepcopy({"applicants": store.applicants.docs, "outbox": store.outbox.docs, "meta": meta})


# -- parsing ---------------------------------------------------------------------------
def test_parse_commands_reads_one_per_line_and_skips_the_talk() -> None:
    text = (
        "Hi,\n\nSelect <Ana@Example.net>, mailto:bo@example.net\n- waitlist cy@example.net.\n"
        "INVITE selected\napprove #4 5\napprove all\nselct di@example.net\nStatus?\nhelp\n"
        "Please check the list, thanks!\nBest regards,\nAnna\n-- \nAnna Organiser\nreject ana@example.net\n"
    )
    commands = parse_commands(text)
    assert [(c.verb, c.args) for c in commands] == [
        ("select", ("ana@example.net", "bo@example.net")),
        ("waitlist", ("cy@example.net",)),
        ("invite", ("selected",)),
        ("approve", ("4", "5")),
        ("approve", ("all",)),
        ("", ()),
        ("status", ()),
        ("help", ()),
    ]
    near = commands[5]
    assert near.line == "selct di@example.net" and '"select"' in near.problem


def test_parse_commands_reads_html_replies_converted_to_text() -> None:
    # html2text writes a linked address as a Markdown link.
    (command,) = parse_commands("reject [di@example.net](mailto:di@example.net)\n")
    assert command == Command("reject [di@example.net](mailto:di@example.net)", "reject", ("di@example.net",))


# -- authorised commands ---------------------------------------------------------------
def test_authorised_commands_are_applied_and_answered_once(env: Env) -> None:
    mail = env.mail(
        "Hi,\n\nselect ana@example.net\nwaitlist bo@example.net\nreject cy@example.net\nstatus\n\n"
        "Thanks,\nAnna\n"
    )
    assert authorise(env.config, env.store, mail, NOW) == (True, "authorised")
    decision = execute(env.config, env.store, mail, NOW)

    assert decision.disposition == PROCESSED and decision.queued == ["command_result"]
    assert [env.state(a) for a, _ in PEOPLE] == ["selected", "waitlisted", "rejected", "applied"]
    ana = env.store.applicants.get("ana@example.net")
    assert ana is not None
    assert any(h["event"] == "select" and h["by"] == f"organiser:{ORGANISER}" for h in ana["history"])
    assert env.texts(mail) == [
        "select ana@example.net: applied → selected; mail: selection (awaiting approval)",
        "waitlist bo@example.net: applied → waitlisted; mail: waitlisting",
        "reject cy@example.net: applied → rejected; mail: rejection (awaiting approval)",
        "status: 1 applied, 1 selected, 1 waitlisted, 1 rejected, 2 places left, 2 mails awaiting approval",
    ]

    replies = [e for e in env.store.outbox if e["kind"] == "command_result"]
    assert len(replies) == 1
    (reply,) = replies
    assert reply["key"] == f"command:{mail.key}"
    assert reply["to"] == ORGANISER and reply["to_name"] == "Anna Organiser" and reply["applicant"] is None
    assert reply["in_reply_to"] == mail.message_id
    assert reply["auto_submitted"] == "auto-replied" and reply["status"] == outbox.PENDING
    assert reply["context"]["organiser"] == {"name": "Anna Organiser", "email": ORGANISER}
    assert reply["reply_to"] == tokens.reply_address(env.config, env.token)

    out = Renderer(env.config).render(reply, NOW)
    assert out.recipients == (ORGANISER,)
    message = email.message_from_bytes(out.data, policy=policy.default)
    assert message["Subject"] == "Commands done: 4 ok, 0 failed – Working group meeting"
    assert message["In-Reply-To"] == mail.message_id and message["Auto-Submitted"] == "auto-replied"
    body = message.get_body(("plain",)).get_content()
    assert "select ana@example.net: applied → selected; mail: selection (awaiting approval)" in body
    assert "approve all" in body  # how to release the mail that waits

    # Read again (a crash before the mailbox was settled): nothing runs twice.
    before = frozen(env.store)
    again = execute(env.config, env.store, mail, NOW)
    assert again.disposition == PROCESSED and again.queued == []
    assert frozen(env.store) == before


def test_each_line_is_all_or_nothing_and_failures_do_not_stop_the_rest(env: Env) -> None:
    before = copy.deepcopy(env.store.applicants.get("ana@example.net"))
    seq = env.store.meta["outbox_seq"]
    mail = env.mail(
        "select ana@example.net nobody@example.net\ninvite bo@example.net\nwaitlist cy@example.net\n"
        "selct di@example.net\nreject the late ones\n"
    )
    decision = execute(env.config, env.store, mail, NOW)

    assert decision.disposition == PROCESSED
    results = env.results(mail)
    assert [r["status"] for r in results] == ["error", "error", "ok", "ignored", "error"]
    assert results[0]["text"] == (
        "select ana@example.net nobody@example.net: error: nobody@example.net: no such applicant "
        "(nothing on this line was changed)"
    )
    assert results[1]["text"] == "invite bo@example.net: error: cannot invite an applicant who is applied"
    assert results[3]["text"] == 'selct di@example.net: ignored: not a command (did you mean "select"?)'
    assert results[4]["text"] == "reject the late ones: error: 'the' is not an email address"
    # The first line's half (ana) was undone: no state, no history, no mail.
    assert env.store.applicants.get("ana@example.net") == before
    assert env.state("cy@example.net") == "waitlisted"
    new = [e for e in env.store.outbox if e["id"] > seq]
    assert [(e["kind"], e["to"]) for e in new] == [("waitlisting", "cy@example.net"),
                                                   ("command_result", ORGANISER)]
    subject = Renderer(env.config).render_parts("command_result", new[-1]["context"])[0]
    assert subject == "Commands done: 1 ok, 4 failed – Working group meeting"


def test_a_bug_half_way_through_a_line_is_undone(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    from workflow.lifecycle_steps import LifecycleSteps

    step = LifecycleSteps._step

    def broken(self: LifecycleSteps, record: dict[str, Any], event: str, **kw: Any) -> Any:
        change = step(self, record, event, **kw)  # the state changed and a mail was queued ...
        if record["email"] == "bo@example.net":
            raise KeyError("boom")  # ... and then something went wrong
        return change

    monkeypatch.setattr(LifecycleSteps, "_step", broken)
    before = copy.deepcopy(env.store.applicants.get("bo@example.net"))
    seq = env.store.meta["outbox_seq"]
    mail = env.mail("select bo@example.net\nreject cy@example.net\n")
    execute(env.config, env.store, mail, NOW)
    first, second = env.results(mail)
    assert first["text"] == "select bo@example.net: error: internal error (KeyError); nothing was changed"
    assert second["ok"] and env.state("cy@example.net") == "rejected"
    assert env.store.applicants.get("bo@example.net") == before
    assert [e["kind"] for e in env.store.outbox if e["id"] > seq] == ["rejection", "command_result"]
    assert [e["id"] for e in env.store.outbox if e["id"] > seq] == [seq + 1, seq + 2]


def test_capacity_refusal_by_mail(env: Env) -> None:
    mail = env.mail("select ana@example.net bo@example.net cy@example.net\nselect di@example.net\n")
    execute(env.config, env.store, mail, NOW)
    texts = env.texts(mail)
    assert texts[0].startswith("select ana@example.net bo@example.net cy@example.net: ana@example.net applied")
    assert "no place left" in texts[1] and "callflow select --force" in texts[1]
    assert env.state("di@example.net") == "applied"


def test_quoted_digest_below_the_commands_is_not_executed(env: Env) -> None:
    quoted = (
        "status\n\nAnna\n\n"
        f"On Tue, 1 Mar 2022 at 08:00, Working group contact <{mails.CONTACT}> wrote:\n"
        "> Reply to this mail with one command per line:\n"
        "> reject ana@example.net\n> approve all\n> select bo@example.net\n"
    )
    outlook = (
        "status\n\n________________________________\n"
        f"From: Working group contact <{mails.CONTACT}>\nSent: Tuesday, March 1, 2022 8:00 AM\n"
        f"To: Anna Organiser <{ORGANISER}>\nSubject: Digest 1 Mar\n\n"
        "reject ana@example.net\napprove all\nselect bo@example.net\n"
    )
    for body in (quoted, outlook):
        mail = env.mail(body)
        execute(env.config, env.store, mail, NOW)
        assert [r["command"] for r in env.results(mail)] == ["status"]
    assert [env.state(a) for a, _ in PEOPLE] == ["applied"] * 4


def test_approve_all_releases_mail_awaiting_approval(env: Env) -> None:
    execute(env.config, env.store, env.mail("select ana@example.net\nreject bo@example.net\n"), NOW)
    awaiting = sorted(e["id"] for e in env.store.outbox if e["status"] == outbox.AWAITING)
    assert len(awaiting) == 2

    mail = env.mail("approve all\n", subject="Re: Commands done")
    execute(env.config, env.store, mail, NOW)
    (result,) = env.texts(mail)
    assert result == (f"approve all: approved #{awaiting[0]} selection to ana@example.net, "
                      f"#{awaiting[1]} rejection to bo@example.net")
    assert all(env.store.outbox.get(e["key"])["status"] == outbox.PENDING  # type: ignore[index]
               for e in env.store.outbox if e["id"] in awaiting)
    assert env.store.outbox.get(f"command:{mail.key}")["context"]["awaiting_approval"] == []  # type: ignore[index]

    again = env.mail("approve all\napprove 1\n", subject="Re: Commands done")
    execute(env.config, env.store, again, NOW)
    assert env.texts(again)[0] == "approve all: nothing awaits approval"
    assert env.results(again)[1]["status"] == "error"


def test_invite_selected_and_withdraw(env: Env) -> None:
    execute(env.config, env.store, env.mail("select ana@example.net bo@example.net\nwaitlist cy@example.net\n"), NOW)
    mail = env.mail("invite selected\nwithdraw bo@example.net\n")
    execute(env.config, env.store, mail, NOW)
    invite, withdraw = env.texts(mail)
    assert invite.startswith("invite selected: ana@example.net selected → invited, bo@example.net selected → invited")
    assert "invitation to ana@example.net" in invite
    assert withdraw.startswith("withdraw bo@example.net: invited → withdrawn; mail: withdrawal_ack")
    assert "promotion to cy@example.net (awaiting approval)" in withdraw  # the freed place is offered


def test_status_and_help(env: Env) -> None:
    mail = env.mail("STATUS\nhelp\n")
    execute(env.config, env.store, mail, NOW)
    status, help_ = env.results(mail)
    assert status["text"] == "status: 4 applied, 3 places left"
    assert help_["command"] == "help" and help_["ok"]
    assert any(d.startswith("select ADDR…") for d in help_["details"])
    assert any(d.startswith("approve ID…|all") for d in help_["details"])
    html = Renderer(env.config).render_parts("command_result", env.store.outbox.get(f"command:{mail.key}")["context"])[2]  # type: ignore[index]
    assert "invite selected" in html


def test_erase_by_mail(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(commands_by_mail, "erase",
                        lambda config, store, email, now, by: calls.append((email, by)))
    mail = env.mail("erase di@example.net\nerase ana@example.net bo@example.net\n")
    execute(env.config, env.store, mail, NOW)
    assert calls == [("di@example.net", f"organiser:{ORGANISER}")]
    assert env.texts(mail)[0] == "erase di@example.net: personal data erased (a tombstone is kept)"
    assert env.results(mail)[1]["outcome"].startswith("error: name exactly one address")


def test_erase_by_mail_with_the_real_privacy_module(env: Env) -> None:
    mail = env.mail("erase di@example.net\n")
    execute(env.config, env.store, mail, NOW)
    assert env.results(mail)[0]["ok"]
    assert env.store.applicants.get("di@example.net") is None


# -- the result mail's templates -----------------------------------------------------------
NASTY = '<script>alert(1)</script> & "Q"'


def test_result_mail_renders_cleanly_and_escapes_html(env: Env) -> None:
    renderer = Renderer(env.config)
    mail = env.mail(f"select ana@example.net\nreject {NASTY}\nselct bo@example.net\nhelp\n")
    execute(env.config, env.store, mail, NOW)
    context = env.store.outbox.get(f"command:{mail.key}")["context"]  # type: ignore[index]
    quiet = {**context, "results": context["results"][:1], "failed_count": 0, "awaiting_approval": []}
    for ctx in (context, quiet, {**context, "applicant": {"name": NASTY, "email": ORGANISER}}):
        subject, text, html = renderer.render_parts("command_result", ctx)
        assert subject == f"Commands done: {ctx['ok_count']} ok, {ctx['failed_count']} failed – Working group meeting"
        for part in (text, html):
            for leftover in ("{{", "}}", "{%", "%}", "{#", "#}"):
                assert leftover not in part
        assert text.startswith(f"Dear {ctx['applicant']['name']},")
        assert "\n\n\n" not in text and text.endswith("\n") and not text.endswith("\n\n")
        assert mails.CONTACT in text and html.lstrip().startswith("<!DOCTYPE html>")
        assert "<script>" not in html
        for r in ctx["results"]:
            assert r["text"] in text
    _, text, html = renderer.render_parts("command_result", context)
    assert "FAIL  reject" in text and "skip  selct bo@example.net" in text and "changed nothing" in text
    assert "alert(1)&lt;/script" in html and "</script" not in html and "select ADDR…" in html
    html = renderer.render_parts("command_result", {**context, "applicant": {"name": NASTY, "email": ORGANISER}})[2]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Q&#34;" in html
    _, text, _ = renderer.render_parts("command_result", quiet)
    assert "changed nothing" not in text and "awaiting your approval" not in text


# -- refused mail ------------------------------------------------------------------------
def assert_refused(env: Env, mail: ParsedMail, reason: str, now: datetime = NOW) -> None:
    before = frozen(env.store)
    assert authorise(env.config, env.store, mail, now) == (False, reason)
    decision = execute(env.config, env.store, mail, now)
    assert decision.disposition == ATTENTION and decision.queued == []
    assert frozen(env.store) == before  # no state, no outbox entry, nothing
    (item,) = [r for r in env.store.meta["rejected_commands"] if r["key"] == mail.key]
    assert item["sender"] == mail.from_addr and item["reason"] == reason and item["at"] == now.isoformat()
    execute(env.config, env.store, mail, now)  # read again: recorded once
    assert len([r for r in env.store.meta["rejected_commands"] if r["key"] == mail.key]) == 1


COMMANDS = "select ana@example.net\napprove all\n"


def test_spoofed_sender_is_refused(env: Env) -> None:
    assert_refused(env, env.mail(COMMANDS, sender="Anna <anna.organiser@example.org.evil.example>"),
                   "sender is not an organiser")
    assert_refused(env, env.mail(COMMANDS, sender="Mallory <mallory@example.com>"), "sender is not an organiser")


def test_two_from_addresses_are_refused(env: Env) -> None:
    mail = env.mail(COMMANDS, sender=f"{FROM_ORGANISER}, Mallory <mallory@example.com>")
    assert_refused(env, mail, "ambiguous sender (several From addresses)")


def test_organiser_without_token_is_refused(env: Env) -> None:
    assert_refused(env, env.mail(COMMANDS, token=None, subject="Selection"), "no digest token")


def test_wrong_token_is_refused(env: Env) -> None:
    assert_refused(env, env.mail(COMMANDS, token="0123456789abcdef0123"), "unknown digest token")


def test_expired_token_is_refused(env: Env) -> None:
    later = NOW + timedelta(days=env.config.commands.token_days + 1)
    assert_refused(env, env.mail(COMMANDS), "expired digest token", now=later)


def test_token_in_the_subject_is_enough(env: Env) -> None:
    mail = env.mail("status\n", token=None, subject=f"Re: Digest 1 Mar {tokens.subject_tag(env.token)}")
    assert authorise(env.config, env.store, mail, NOW) == (True, "authorised")


def test_auto_replied_out_of_office_is_not_executed(env: Env) -> None:
    # Some autoresponders echo the mail they answer unquoted, example commands included.
    body = "I am out of the office until 7 March.\n\nYour message:\nreject ana@example.net\napprove all\n"
    mail = env.mail(body, subject="Automatic reply: Digest 1 Mar", Auto_Submitted="auto-replied")
    assert_refused(env, mail, "automatic mail (Auto-Submitted: auto-replied)")


def test_organiser_mail_without_commands_is_left_for_a_person(env: Env) -> None:
    before = frozen(env.store)
    decision = execute(env.config, env.store, env.mail("Thanks, that all looks good!\n\nAnna\n"), NOW)
    assert decision.disposition == ATTENTION and decision.queued == []
    assert frozen(env.store) == before and "rejected_commands" not in env.store.meta


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        (GOOD_AUTH, True),
        (f"{TRUSTED}; dkim=pass (good signature) header.d=example.org header.s=sel", True),
        (f"{TRUSTED}; dkim=pass header.i=anna.organiser@example.org", True),
        (f"{TRUSTED}; spf=pass smtp.mailfrom=example.org; dmarc=pass header.from=example.org", True),
        (f"{TRUSTED}; dkim=fail header.d=example.org; dmarc=fail header.from=example.org", False),
        (f"{TRUSTED}; dkim=pass header.d=evil.example; dmarc=pass header.from=evil.example", False),
        (f"{TRUSTED}; dkim=pass header.d=org", False),
        (f"{TRUSTED}; spf=pass smtp.mailfrom=example.org", False),
        ("mx.evil.example; dkim=pass header.d=example.org; dmarc=pass header.from=example.org", False),
        (f"mx.evil.example; dkim=pass header.d=example.org ({TRUSTED};)", False),
        (None, False),
    ],
)
def test_require_authentication(tmp_path: Path, header: str | None, accepted: bool) -> None:
    env = make_env(tmp_path, require_authentication=True, trusted_authserv_ids=[TRUSTED.upper()])
    extra = {"Authentication_Results": header} if header else {}
    mail = env.mail(COMMANDS, **extra)
    if accepted:
        assert authorise(env.config, env.store, mail, NOW) == (True, "authorised")
        assert execute(env.config, env.store, mail, NOW).disposition == PROCESSED
        assert env.state("ana@example.net") == "selected"
    else:
        assert_refused(env, mail, "no passing DKIM/DMARC from a trusted server")


def test_authentication_is_not_needed_unless_required(env: Env) -> None:
    mail = env.mail(COMMANDS, Authentication_Results=f"{TRUSTED}; dkim=fail header.d=example.org")
    assert authorise(env.config, env.store, mail, NOW) == (True, "authorised")


# -- wiring in decide.py -----------------------------------------------------------------
def organiser_classification() -> Classification:
    return Classification(kind="organiser_command", automatic=False, reply_allowed=True,
                          rule="builtin:organiser", needs_attention=True)


def test_decider_runs_commands_when_enabled(env: Env) -> None:
    mail = env.mail("select ana@example.net\n")
    decision = Decider(env.config, env.store, NOW).decide(mail, organiser_classification())
    assert decision.disposition == PROCESSED and env.state("ana@example.net") == "selected"


def test_decider_leaves_commands_to_a_person_when_disabled(tmp_path: Path) -> None:
    env = make_env(tmp_path, enabled=False)
    before = frozen(env.store)
    decision = Decider(env.config, env.store, NOW).decide(env.mail(COMMANDS), organiser_classification())
    assert decision.disposition == ATTENTION and frozen(env.store) == before


def test_every_verb_the_parser_knows_has_a_handler_and_no_other() -> None:
    assert set(commands_by_mail.VERB_HANDLERS) == set(commands_by_mail.VERBS)


def test_the_decide_stage_has_a_handler_for_every_kind_it_acts_on() -> None:
    from workflow.classify import KINDS
    from workflow.decide import HANDLERS

    assert set(HANDLERS) <= set(KINDS)
    assert set(KINDS) - set(HANDLERS) == {"list", "spam"}  # logged, never answered
