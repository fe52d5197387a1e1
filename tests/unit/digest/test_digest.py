"""The organisers' daily digest: what it says, what it leaves out, and that it is safe to open.

The state is seeded directly (plain dicts in the store's tables), so each assertion can name
exactly which record, outbox entry or message it is about.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
import pytest

from tests.cfg import base_config, write_config
from tests.paths import TEMPLATES
from workflow.config import Config, load
from workflow.digest import build_digest, digest_context, token_context
from workflow.lifecycle import new_record
from workflow.render import Renderer
from workflow.store import Store

TZ = ZoneInfo("Europe/Brussels")
NOW = datetime(2022, 3, 14, 8, 0, tzinfo=TZ)
SINCE = datetime(2022, 3, 13, 8, 0, tzinfo=TZ)
TOKEN = "0123456789abcdef0123"

HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_SNIPPET = "</td><script>alert(2)</script> When does the first session start?"
HOSTILE_EMAIL = "hostile@example.org"


def at(day: int, hh: int, mm: int = 0) -> str:
    return datetime(2022, 3, day, hh, mm, tzinfo=TZ).isoformat()


def record(email: str, name: str, state: str, history: list[tuple[str, str, str, str]],
           applied: str | None = None, flags: tuple[str, ...] = (), **extra: Any) -> dict[str, Any]:
    """A record as lifecycle.new_record makes it, with (at, event, detail, by) history."""
    rec = new_record(email, name, datetime.fromisoformat(history[0][0]))
    rec.update(state=state, applied_at=applied, flags=list(flags), **extra)
    rec["history"] = [{"at": a, "event": e, "detail": d, "by": b} for a, e, d, b in history]
    rec["updated"] = history[-1][0]
    return rec


def config(tmp: Path, capacity: int = 8) -> Config:
    data = base_config(tmp)
    data["event"]["capacity"] = capacity
    data["paths"] = {"templates": str(TEMPLATES)}
    return load(write_config(tmp, data))


def seed(store: Store) -> None:
    """A call a few days after its deadline (10 March), the morning digest of 14 March."""
    applicants = [
        # Applied long ago, confirmed yesterday (by mail: the "mail" entry precedes the step).
        record("maria.keller@example.net", "Maria Keller", "confirmed", [
            (at(1, 9, 12), "application", "new → applied", "survey"),
            (at(5, 10), "select", "applied → selected", "organiser"),
            (at(6, 10), "invite", "selected → invited", "organiser"),
            (at(13, 10), "mail", "intent confirm", "mail"),
            (at(13, 10), "confirm", "invited → confirmed; by mail", "mail"),
        ], applied=at(1, 9, 12)),
        record("jonas.peeters@example.org", "Jonas Peeters", "declined", [
            (at(1, 10, 3), "application", "new → applied", "survey"),
            (at(13, 15), "mail", "intent decline", "mail"),
            (at(13, 15), "decline", "invited → declined; by mail", "mail"),
        ], applied=at(1, 10, 3)),
        # Asked a question yesterday; the digest quotes it.
        record(HOSTILE_EMAIL, HOSTILE_NAME, "inquired", [
            (at(13, 12), "mail", "intent question (needs attention)", "mail"),
            (at(13, 12), "inquiry", "new → inquired", "mail"),
        ], flags=("needs_attention",), attention={
            "at": at(13, 12), "intent": "question", "snippet": HOSTILE_SNIPPET, "subject": "Question & times",
        }),
        # Invited, then the invitation bounced.
        record("bo.bounce@example.com", "Bo Bounce", "invited", [
            (at(4, 8), "application", "new → applied", "survey"),
            (at(13, 20), "bounce", "550 5.1.1 mailbox unknown", "mail"),
        ], applied=at(4, 8), flags=("bounced", "needs_attention")),
        # Waitlisted, inserted in the wrong order on purpose: the digest sorts by application.
        record("walter.second@example.org", "Walter Second", "waitlisted", [
            (at(4, 16), "application", "new → applied", "survey"),
        ], applied=at(4, 16)),
        record("wendy.first@example.org", "Wendy First", "waitlisted", [
            (at(2, 11), "application", "new → applied", "survey"),
        ], applied=at(2, 11)),
        record("sam.selected@example.org", "Sam Selected", "selected", [
            (at(4, 9), "application", "new → applied", "survey"),
            (at(13, 9), "select", "applied → selected", "organiser"),  # the organisers' own doing
        ], applied=at(4, 9)),
        # Applied yesterday, after the deadline.
        record("nina.new@example.org", "Nina New", "applied", [
            (at(13, 9, 30), "application", "new → applied; late", "survey"),
        ], applied=at(13, 9, 30), flags=("late", "needs_attention")),
        # Erased: counted, never named.
        record("erased:3f2a", "", "withdrawn", [(at(13, 14), "withdraw", "applied → withdrawn", "mail")],
               applied=at(1, 12), flags=("erased",)),
    ]
    for rec in applicants:
        store.applicants.put(rec)

    def entry(ident: int, kind: str, to: str, to_name: str, status: str, error: str | None = None) -> None:
        store.outbox.put({"id": ident, "key": f"{kind}:{to}:{ident}", "kind": kind, "to": to, "to_name": to_name,
                          "status": status, "created": at(13, 9), "last_error": error, "sent_at": None})

    entry(1, "ack_application", "nina.new@example.org", "Nina New", "sent")
    entry(2, "selection", "sam.selected@example.org", "Sam Selected", "awaiting_approval")
    entry(3, "invitation", "bo.bounce@example.com", "Bo Bounce", "failed", "550 5.1.1 mailbox unknown")
    entry(4, "confirmation", "maria.keller@example.net", "Maria Keller", "uncertain",
          "interrupted while sending: may or may not have been delivered")
    entry(5, "decline_ack", "jonas.peeters@example.org", "Jonas Peeters", "pending")

    def message(key: str, when: str, disposition: str, reason: str, kind: str = "unparseable",
                applicant: str | None = None) -> None:
        store.messages.put({"key": key, "at": when, "kind": kind, "rule": "r", "intent": "none",
                            "disposition": disposition, "applicant": applicant, "reason": reason})

    message("m1", at(13, 11), "quarantine", "no usable From header")
    message("m0", at(10, 11), "quarantine", "an old quarantined mail")
    message("m2", at(13, 16), "attention", "organiser mail: left for a person", kind="organiser_command")
    message("m3", at(13, 12), "attention", "question", kind="applicant_message", applicant=HOSTILE_EMAIL)
    message("m4", at(13, 13), "processed", "ok", kind="applicant_message")
    store.meta["rejected_commands"] = [
        {"at": at(13, 18), "sender": "mallory@example.com", "reason": "not an organiser address"},
        {"at": at(2, 18), "sender": "old@example.com", "reason": "an old refusal"},
    ]


@pytest.fixture
def cfg(tmp_path: Path) -> Config:
    return config(tmp_path)


@pytest.fixture
def store(cfg: Config) -> Store:
    s = Store(cfg.storage.path)
    seed(s)
    return s


@pytest.fixture
def digest(cfg: Config, store: Store) -> tuple[str, str, str]:
    return build_digest(cfg, store, Renderer(cfg), NOW, SINCE, TOKEN)


def test_counts_and_capacity(cfg: Config, store: Store) -> None:
    ctx = digest_context(cfg, store, NOW, SINCE)
    assert list(ctx["counts"]) == ["inquired", "applied", "selected", "waitlisted", "rejected", "invited",
                                   "confirmed", "declined", "withdrawn"]
    assert ctx["counts"]["waitlisted"] == 2 and ctx["counts"]["rejected"] == 0
    # selected + invited + confirmed hold a place.
    assert (ctx["capacity"], ctx["taken"], ctx["left"]) == (8, 3, 5)
    assert ctx["bar"] == "[###-----] 3/8"


def test_text_shows_counts_bar_and_hides_zero_states(digest: tuple[str, str, str]) -> None:
    _, text, _ = digest
    assert "[###-----] 3/8 taken, 5 left" in text
    assert re.search(r"^  waitlisted +2$", text, re.M)
    assert re.search(r"^  confirmed +1$", text, re.M)
    assert not re.search(r"^  rejected ", text, re.M)


def test_bar_scales_and_never_hides_one_taken_place(tmp_path: Path) -> None:
    from workflow.digest import _bar

    assert _bar(0, 14) == "[--------------] 0/14"
    assert _bar(8, 14) == "[########------] 8/14"
    assert _bar(1, 300) == "[#-----------------------------] 1/300"
    assert _bar(5, 3) == "[###] 5/3"


def test_new_items_since(cfg: Config, store: Store) -> None:
    ctx = digest_context(cfg, store, NOW, SINCE)
    got = [(item["email"], item["what"]) for item in ctx["new"]]
    assert got == [
        ("nina.new@example.org", "applied (late)"),
        ("maria.keller@example.net", "confirmed"),
        (HOSTILE_EMAIL, "asked a question"),
        ("jonas.peeters@example.org", "declined"),
        ("bo.bounce@example.com", "bounced"),
    ]
    # Times in the event's time zone; the organisers' own selection and old events are not "new".
    assert ctx["new"][0]["when"] == "Sun 13 Mar 09:30"
    assert ctx["new"][1]["who"] == "Maria Keller <maria.keller@example.net>"
    assert "sam.selected@example.org" not in {i["email"] for i in ctx["new"]}


def test_since_none_means_the_last_day(cfg: Config, store: Store) -> None:
    ctx = digest_context(cfg, store, NOW + timedelta(hours=3), None)
    # 11:00 on the 13th onwards: Nina (09:30) and Maria (10:00) are older than 24 hours.
    assert [i["what"] for i in ctx["new"]] == ["asked a question", "declined", "bounced"]
    assert ctx["since_text"] == "Sun 13 Mar 11:00"


def test_attention_sections(digest: tuple[str, str, str], cfg: Config, store: Store) -> None:
    subject, text, html = digest
    ctx = digest_context(cfg, store, NOW, SINCE)
    a = ctx["attention"]
    assert [q["email"] for q in a["questions"]] == [HOSTILE_EMAIL]
    assert [r["email"] for r in a["late"]] == ["nina.new@example.org"]
    assert [(r["email"], r["detail"]) for r in a["bounces"]] == [
        ("bo.bounce@example.com", "550 5.1.1 mailbox unknown")
    ]
    assert [m["reason"] for m in a["quarantined"]] == ["no usable From header"]  # not the old one
    assert [m["kind"] for m in a["other_mail"]] == ["organiser_command"]
    assert [(e["id"], e["status"]) for e in a["failed_sends"]] == [(3, "failed"), (4, "uncertain")]
    assert [e["id"] for e in a["awaiting_approval"]] == [2]
    assert [c["sender"] for c in a["rejected_commands"]] == ["mallory@example.com"]
    assert ctx["attention_count"] == 9 and not ctx["quiet"]

    assert "Subject: Question & times" in text
    assert "When does the first session start?" in text
    assert "Late applications" in text and "applied Sun 13 Mar 09:30" in text
    assert "Bounced addresses" in text and "550 5.1.1 mailbox unknown" in text
    assert "Quarantined mail" in text and "no usable From header" in text
    assert "an old quarantined mail" not in text and "an old refusal" not in text
    assert re.search(r"^ +#3  invitation +bo\.bounce@example\.com +failed$", text, re.M)
    assert re.search(r"^ +#4  confirmation .* uncertain$", text, re.M)
    assert re.search(r"^ +#2  selection +Sam Selected <sam\.selected@example\.org>$", text, re.M)
    assert "#5" not in text  # pending mail goes out by itself
    assert "mallory@example.com" in text and "not an organiser address" in text
    for part in (text, html):
        assert "Awaiting your approval" in part and "Mail that could not be sent" in part
    assert "#2" in html and "#3" in html and "#4" in html
    assert "5 new, 9 need attention" in subject


def test_survey_notifications_not_acted_on_are_listed_once(cfg: Config, store: Store) -> None:
    store.messages.put({"key": "forged", "at": at(13, 19), "kind": "survey_response", "rule": "builtin:survey_sender",
                        "intent": "none", "disposition": "attention", "applicant": None,
                        "reason": "survey notification not authenticated"})
    store.meta["refused_surveys"] = [
        {"at": at(13, 19), "key": "forged", "sender": "survey@surveys.example.org",
         "applicant": "victim@example.net", "subject": "New <b>response</b>",
         "reason": "not authenticated: no Authentication-Results from a trusted server"},
        {"at": at(2, 19), "key": "old", "sender": "survey@surveys.example.org", "applicant": "old@example.net",
         "subject": "New response", "reason": "an old refusal"},
    ]
    ctx = digest_context(cfg, store, NOW, SINCE)
    a = ctx["attention"]
    assert [(r["applicant"], r["subject"]) for r in a["refused_surveys"]] == [
        ("victim@example.net", "New <b>response</b>")]
    assert [m["kind"] for m in a["other_mail"]] == ["organiser_command"]  # not listed twice
    assert ctx["attention_count"] == 10
    _, text, html = build_digest(cfg, store, Renderer(cfg), NOW, SINCE, TOKEN)
    assert "Survey notifications not acted on, left flagged in the inbox (1)" in text
    assert "Sun 13 Mar 19:00  from survey@surveys.example.org, naming victim@example.net" in text
    assert "Subject: New <b>response</b>" in text
    assert "not authenticated: no Authentication-Results from a trusted server" in text
    assert "callflow import" in text and "old@example.net" not in text
    assert "Survey notifications not acted on" in html and "New &lt;b&gt;response&lt;/b&gt;" in html
    assert "victim@example.net" in html and "<b>response" not in html


def test_waitlist_in_order(digest: tuple[str, str, str], cfg: Config, store: Store) -> None:
    _, text, html = digest
    ctx = digest_context(cfg, store, NOW, SINCE)
    assert [(w["position"], w["email"], w["applied"]) for w in ctx["waitlist"]] == [
        (1, "wendy.first@example.org", "2 Mar"),
        (2, "walter.second@example.org", "4 Mar"),
    ]
    assert re.search(r"^ +1\. Wendy First <wendy\.first@example\.org> +applied 2 Mar$", text, re.M)
    assert text.index("Wendy First") < text.index("Walter Second")
    assert html.index("Wendy First") < html.index("Walter Second")


def test_applications_per_day(digest: tuple[str, str, str], cfg: Config, store: Store) -> None:
    _, text, _ = digest
    rows = digest_context(cfg, store, NOW, SINCE)["per_day"]
    # From the first application (1 March) to the last (13 March), every day; the erased
    # person's application still counts.
    assert [r["iso"] for r in rows][0] == "2022-03-01" and rows[-1]["iso"] == "2022-03-13"
    assert len(rows) == 13
    by_day = {r["iso"]: r for r in rows}
    assert by_day["2022-03-01"]["n"] == 3 and by_day["2022-03-01"]["bar"] == "█" * 30
    assert by_day["2022-03-04"]["n"] == 3
    assert by_day["2022-03-02"]["n"] == 1 and by_day["2022-03-02"]["bar"] == "█" * 10
    assert by_day["2022-03-03"] == {"day": "Thu 3 Mar", "iso": "2022-03-03", "n": 0, "bar": "", "pct": 0}
    assert re.search(r"^  Tue 1 Mar +3  █{30}$", text, re.M)
    assert re.search(r"^  Thu 3 Mar +0$", text, re.M)


def test_text_has_no_trailing_blanks(digest: tuple[str, str, str]) -> None:
    _, text, _ = digest
    assert [line for line in text.splitlines() if line != line.rstrip()] == []
    assert "\n\n\n" not in text
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_erased_people_are_never_named(digest: tuple[str, str, str]) -> None:
    _, text, html = digest
    assert "erased:" not in text and "erased:" not in html


def test_empty_sections_are_left_out(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    store = Store(cfg.storage.path)
    store.applicants.put(record("nina.new@example.org", "Nina New", "applied", [
        (at(13, 9, 30), "application", "new → applied", "survey"),
    ], applied=at(13, 9, 30)))
    subject, text, html = build_digest(cfg, store, Renderer(cfg), NOW, SINCE, None)
    assert "1 new, 0 need attention" in subject
    assert "NEW SINCE" in text and "applied" in text
    for heading in ("NEEDS ATTENTION", "WAITING LIST", "Questions", "Late applications", "Bounced",
                    "Quarantined", "could not be sent", "Awaiting your approval", "refused"):
        assert heading not in text, heading
    for heading in ("Needs attention", "Waiting list", "Awaiting your approval", "Quarantined"):
        assert heading not in html, heading
    assert "\n\n\n" not in text
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_quiet_day_is_one_line_plus_the_commands(cfg: Config, store: Store) -> None:
    later = NOW + timedelta(days=3)
    # Nothing new in the last day and nothing open: clear what the seed left open.
    for rec in store.applicants:
        rec["flags"] = [f for f in rec["flags"] if f == "erased"]
    for e in store.outbox:
        e["status"] = "sent"
    store.meta["rejected_commands"] = []
    ctx = digest_context(cfg, store, later, None)
    assert ctx["quiet"]
    subject, text, html = build_digest(cfg, store, Renderer(cfg), later, None, TOKEN)
    assert subject.startswith("Digest 17 Mar: quiet day")
    first, _, rest = text.partition("\n")
    # Counted like `callflow status`: every record with a state, the erased one too.
    assert first == "Quiet day: nothing new, nothing needs attention. 9 applicants, 5 places left."
    assert rest.startswith("\nCOMMANDS\n")
    assert "approve ID…|all" in rest and "invite selected" in rest
    assert "WAITING LIST" not in text and "APPLICATIONS PER DAY" not in text
    assert first in html and "approve ID…|all" in html


def test_commands_are_listed_at_the_bottom(digest: tuple[str, str, str]) -> None:
    _, text, html = digest
    footer = text[text.index("\nCOMMANDS\n"):]
    for usage in ("select ADDR", "waitlist ADDR", "reject ADDR", "invite selected", "approve ID…|all", "done ADDR",
                  "withdraw ADDR", "erase ADDR", "status", "help"):
        assert usage in footer, usage
        assert usage in html, usage
    assert "Reply to this mail" in footer


def test_hostile_text_is_escaped_in_html_and_verbatim_in_text(digest: tuple[str, str, str]) -> None:
    _, text, html = digest
    assert HOSTILE_NAME in text
    assert HOSTILE_SNIPPET.split()[0] in text and "<script>alert(2)</script>" in text
    assert "<img" not in html and "<script" not in html and "</td><script>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;/td&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "Question &amp; times" in html


def test_html_loads_nothing_remote(digest: tuple[str, str, str]) -> None:
    _, _, html = digest
    # No element with a src (images, scripts, frames), no stylesheet links, no CSS url().
    assert not re.search(r"<[^>]*\ssrc\s*=", html, re.I)
    assert "<link" not in html.lower() and "url(" not in html.lower() and "<style" not in html.lower()
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", html, re.I)
    assert html.lstrip().startswith("<!DOCTYPE html>")


def test_subject_carries_the_token_tag_only_when_given(cfg: Config, store: Store) -> None:
    with_token = build_digest(cfg, store, Renderer(cfg), NOW, SINCE, TOKEN)[0]
    without = build_digest(cfg, store, Renderer(cfg), NOW, SINCE, None)[0]
    assert with_token.endswith(f"[cf-{TOKEN}]")
    assert with_token.startswith("Digest 14 Mar: ") and cfg.event.name in with_token
    assert "[cf-" not in without
    assert "\n" not in with_token


@pytest.mark.parametrize("token", [None, TOKEN])
def test_templates_render_under_strict_undefined_for_an_empty_store(tmp_path: Path, token: str | None) -> None:
    cfg = config(tmp_path)
    renderer = Renderer(cfg)
    assert renderer.text_env.undefined is jinja2.StrictUndefined
    assert renderer.html_env.undefined is jinja2.StrictUndefined
    subject, text, html = build_digest(cfg, Store(cfg.storage.path), renderer, NOW, None, token)
    assert "quiet day" in subject
    assert text.startswith("Quiet day: nothing new, nothing needs attention. 0 applicants, 8 places left.")
    for part in (subject, text, html):
        for leftover in ("{{", "}}", "{%", "%}", "{#", "#}"):
            assert leftover not in part


def test_a_missing_context_key_is_an_error_not_a_blank(tmp_path: Path) -> None:
    # StrictUndefined really bites in both digest templates.
    cfg = config(tmp_path)
    renderer = Renderer(cfg)
    from workflow.errors import ConfigError

    ctx = digest_context(cfg, Store(cfg.storage.path), NOW, None)
    del ctx["quiet_line"]
    with pytest.raises(ConfigError):
        renderer.render_parts("digest", {**ctx, **token_context(cfg, None)})
    # Likewise a context without the token keys.
    with pytest.raises(ConfigError, match="subject_tag|reply_hint|token"):
        renderer.render_parts("digest", {**digest_context(cfg, Store(cfg.storage.path), NOW, None), "token": None})


def test_a_stored_snapshot_renders_the_same(cfg: Config, store: Store) -> None:
    # A queued digest keeps its context in the outbox as JSON and is rendered when sent.
    ctx = {**digest_context(cfg, store, NOW, SINCE), **token_context(cfg, TOKEN)}
    stored = json.loads(json.dumps(ctx))
    assert Renderer(cfg).render_parts("digest", stored) == build_digest(cfg, store, Renderer(cfg), NOW, SINCE, TOKEN)
