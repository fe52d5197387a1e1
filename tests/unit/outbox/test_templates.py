"""Every mail template renders with exactly the variables its sender provides.

Kinds are discovered from ``templates/``: a new ``<kind>.txt.j2`` without an entry in ``EXTRAS``
fails here, so every template gets rendered (under StrictUndefined) before it can be sent.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from tests.cfg import base_config, write_config
from tests.paths import TEMPLATES
from workflow.config import load
from workflow.render import Renderer

# Per kind: the variants of the extra variables its sender passes (beyond event/contact/organisers/applicant).
# Every kind needs at least one entry; booleans and enumerations list each value.
EXTRAS: dict[str, list[dict[str, Any]]] = {
    "ack_inquiry": [
        {"reply_subject": "Re: Question about the working group", "asks_question": False},
        {"reply_subject": "Re: Question about the working group", "asks_question": True},
    ],
    "ack_application": [{}],
    "ack_late_application": [{}],
    "ack_message": [{"reply_subject": "Re: My availability", "asks_question": True}],
    "selection": [{}],
    "waitlisting": [{"position": 1}, {"position": 4}],
    "rejection": [{"after_invitation": False}, {"after_invitation": True}],
    "invitation": [{"confirm_by": None}, {"confirm_by": "Friday 18 March 2022"}],
    "invitation_update": [{"sequence": 1}],
    "cancellation": [{"reason": "withdrawn"}, {"reason": "rejected"}, {"reason": "session_removed"}],
    "confirmation": [{}],
    "decline_ack": [{}],
    "withdrawal_ack": [{"was_invited": False}, {"was_invited": True}],
    "promotion": [{}],
    "reminder_deadline": [{"days_left": 0}, {"days_left": 1}, {"days_left": 3}],
    "reminder_event": [{"days_left": 0}, {"days_left": 1}, {"days_left": 2}],
    "nudge": [{"invited_on": "14 March 2022"}],
    "erasure_ack": [{}],
}

# Only these may tell someone that they have (or are about to have) a place.
PLACE_KINDS = {"selection", "invitation", "invitation_update", "confirmation", "promotion", "reminder_event"}
PLACE_PHRASES = ("you have a place", "your place is confirmed", "you are confirmed", "you have been selected")

NASTY_NAME = '<script>alert(1)</script> & "Q"'


def discover_kinds() -> list[str]:
    names = [p.name for p in TEMPLATES.iterdir() if not p.name.startswith("_")]
    return sorted(
        {n.removesuffix(".txt.j2") for n in names if n.endswith(".txt.j2")}
        | {n.removesuffix(".html.j2") for n in names if n.endswith(".html.j2")}
    )


# Mail to organisers has its own tests (test_digest.py, test_commands_by_mail.py): these tests are
# about the wording applicants read.
ORGANISER_KINDS = {"digest", "command_result"}
KINDS = [k for k in discover_kinds() if k not in ORGANISER_KINDS]


@pytest.fixture(scope="module")
def renderer(tmp_path_factory: pytest.TempPathFactory) -> Renderer:
    tmp = tmp_path_factory.mktemp("templates")
    data = base_config(tmp)
    data["paths"] = {"templates": str(TEMPLATES)}
    return Renderer(load(write_config(tmp, data)))


def applicant(name: str = "Maria Example") -> dict[str, str]:
    return {"applicant": {"name": name, "email": "maria@example.net"}}


def render(
    renderer: Renderer, kind: str, extras: dict[str, Any], name: str = "Maria Example"
) -> tuple[str, str, str]:
    return renderer.render_parts(kind, {**applicant(name), **extras})


def variants(kind: str) -> list[dict[str, Any]]:
    assert kind in EXTRAS, (
        f"templates/{kind}: no entry in tests/unit/outbox/test_templates.py EXTRAS; add the variables its sender passes"
    )
    assert EXTRAS[kind], f"EXTRAS[{kind!r}] lists no variant"
    return EXTRAS[kind]


def test_kinds_are_discovered() -> None:
    assert len(KINDS) >= len(EXTRAS) // 2
    assert "invitation" in KINDS and "ack_application" in KINDS


def test_extras_name_only_existing_kinds() -> None:
    assert set(EXTRAS) <= set(KINDS), f"EXTRAS lists kinds without templates: {set(EXTRAS) - set(KINDS)}"


def test_renderer_sees_the_same_kinds(renderer: Renderer) -> None:
    assert [k for k in renderer.kinds() if k not in ORGANISER_KINDS] == KINDS
    assert set(renderer.kinds()) >= ORGANISER_KINDS


@pytest.mark.parametrize("kind", KINDS)
def test_kind_has_text_and_html(kind: str) -> None:
    assert (TEMPLATES / f"{kind}.txt.j2").is_file(), f"templates/{kind}.txt.j2 is missing"
    assert (TEMPLATES / f"{kind}.html.j2").is_file(), f"templates/{kind}.html.j2 is missing"


@pytest.mark.parametrize("kind", KINDS)
def test_subject_block_is_the_first_line(kind: str) -> None:
    first = (TEMPLATES / f"{kind}.txt.j2").read_text(encoding="utf-8").partition("\n")[0]
    assert first.startswith("{% block subject %}") and first.endswith("{% endblock %}"), first


@pytest.mark.parametrize("kind", KINDS)
def test_renders_cleanly(renderer: Renderer, kind: str) -> None:
    for extras in variants(kind):
        subject, text, html = render(renderer, kind, extras)
        where = f"{kind} {extras}"
        assert subject, where
        assert "\n" not in subject and subject == subject.strip(), where
        assert len(subject) <= 100, f"{where}: subject too long for an inbox: {subject!r}"
        for part in (text, html):
            for leftover in ("{{", "}}", "{%", "%}", "{#", "#}"):
                assert leftover not in part, f"{where}: {leftover!r} left in the output"
        # The subject line is cut from the text body; the body starts with the greeting.
        assert text.startswith("Dear Maria Example,"), f"{where}: {text[:80]!r}"
        assert "\n\n\n" not in text, f"{where}: more than one blank line in a row"
        assert text.endswith("\n") and not text.endswith("\n\n"), where
        assert renderer.base_context["contact"]["email"] in text, f"{where}: no signature"
        assert html.lstrip().startswith("<!DOCTYPE html>"), where
        assert "Dear Maria Example," in html, where


@pytest.mark.parametrize("kind", KINDS)
def test_missing_name_reads_colleague(renderer: Renderer, kind: str) -> None:
    for extras in variants(kind):
        _, text, html = render(renderer, kind, extras, name="")
        assert text.startswith("Dear colleague,"), kind
        assert "Dear colleague," in html, kind


@pytest.mark.parametrize("kind", KINDS)
def test_html_is_autoescaped_text_is_verbatim(renderer: Renderer, kind: str) -> None:
    for extras in variants(kind):
        _, text, html = render(renderer, kind, extras, name=NASTY_NAME)
        assert NASTY_NAME in text, kind
        assert "<script>" not in html, kind
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Q&#34;" in html, kind


@pytest.mark.parametrize("kind", KINDS)
def test_no_place_promised_outside_the_place_kinds(renderer: Renderer, kind: str) -> None:
    if kind in PLACE_KINDS:
        return
    for extras in variants(kind):
        subject, text, html = render(renderer, kind, extras)
        for part in (subject, text, html):
            lowered = part.lower()
            for phrase in PLACE_PHRASES:
                assert phrase not in lowered, f"{kind} {extras}: says {phrase!r}"


def test_waitlisted_person_is_never_told_confirmed(renderer: Renderer) -> None:
    for extras in variants("waitlisting"):
        subject, text, html = render(renderer, "waitlisting", extras)
        for part in (subject, text, html):
            assert "confirmed" not in part.lower()
        assert f"position {extras['position']}" in text
        assert f"position {extras['position']}" in subject


def test_every_kind_has_its_own_subject(renderer: Renderer) -> None:
    subjects: dict[str, str] = {}
    for kind in KINDS:
        extras = variants(kind)[0]
        if "reply_subject" in extras:
            continue  # answers keep the applicant's own subject
        subjects[kind] = render(renderer, kind, extras)[0]
    for (a, sa), (b, sb) in itertools.combinations(subjects.items(), 2):
        assert sa != sb, f"{a} and {b} share the subject {sa!r}"


def test_invitation_subject_asks_for_action(renderer: Renderer) -> None:
    invitation = render(renderer, "invitation", variants("invitation")[0])[0]
    ack = render(renderer, "ack_application", variants("ack_application")[0])[0]
    assert "confirm" in invitation.lower()
    assert invitation != ack
    assert renderer.base_context["event"]["name"] in invitation


def test_invitation_body(renderer: Renderer) -> None:
    event = renderer.base_context["event"]
    _, text, html = render(renderer, "invitation", {"confirm_by": None})
    assert '"I confirm"' in text and "calendar invitation" in text
    assert "waiting list" in text  # declining frees the place for someone else
    assert event["webex_url"] in text and f'href="{event["webex_url"]}"' in html
    assert "English" in text and "WebEx" in text
    assert " by None" not in text
    _, text, _ = render(renderer, "invitation", {"confirm_by": "Friday 18 March 2022"})
    assert "by Friday 18 March 2022" in text


@pytest.mark.parametrize("kind", ["invitation", "invitation_update", "confirmation", "reminder_event"])
def test_sessions_and_link_in_event_time_and_utc(renderer: Renderer, kind: str) -> None:
    event = renderer.base_context["event"]
    _, text, html = render(renderer, kind, variants(kind)[0])
    assert event["webex_url"] in text
    for s in event["sessions"]:
        line = (
            f"{s['day']}, {s['start']}–{s['end']} ({event['timezone']}; {s['start_utc']}–{s['end_utc']} UTC)"
        )
        assert line in text, kind
        assert line in html, kind


def test_rejection_after_invitation_mentions_the_calendar(renderer: Renderer) -> None:
    _, before, _ = render(renderer, "rejection", {"after_invitation": False})
    subject, after, _ = render(renderer, "rejection", {"after_invitation": True})
    assert "calendar" not in before
    assert "cancellation" in after
    assert subject != render(renderer, "rejection", {"after_invitation": False})[0]


def test_withdrawal_ack_mentions_the_calendar_only_when_invited(renderer: Renderer) -> None:
    _, plain, _ = render(renderer, "withdrawal_ack", {"was_invited": False})
    _, invited, _ = render(renderer, "withdrawal_ack", {"was_invited": True})
    assert "calendar" not in plain
    assert "cancellation" in invited
    assert "retention" in plain and "retention" in invited


def test_cancellation_reasons_differ(renderer: Renderer) -> None:
    _, withdrawn, _ = render(renderer, "cancellation", {"reason": "withdrawn"})
    _, rejected, _ = render(renderer, "cancellation", {"reason": "rejected"})
    assert withdrawn != rejected
    assert "as you asked" in withdrawn


@pytest.mark.parametrize(("days", "phrase"), [(0, "today"), (1, "tomorrow"), (2, "in 2 days")])
def test_reminder_event_says_when(renderer: Renderer, days: int, phrase: str) -> None:
    subject, text, _ = render(renderer, "reminder_event", {"days_left": days})
    assert phrase in subject and phrase in text
    assert "test" in text.lower()  # the tip to try WebEx beforehand


def test_reminder_deadline(renderer: Renderer) -> None:
    event = renderer.base_context["event"]
    subject, text, _ = render(renderer, "reminder_deadline", {"days_left": 3})
    assert event["deadline"] in subject
    assert event["survey_url"] in text and "in 3 days" in text
    assert "ignore" in text


def test_nudge_names_the_invitation_date(renderer: Renderer) -> None:
    subject, text, _ = render(renderer, "nudge", {"invited_on": "14 March 2022"})
    assert "14 March 2022" in text
    assert "confirm" in subject.lower() and "decline" in subject.lower()
    assert subject != render(renderer, "invitation", {"confirm_by": None})[0]
