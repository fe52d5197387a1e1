"""The rendered message, read back with the stdlib's modern parser: what a mail client will see.

The renderer composes with the compat32 classes (five times cheaper than EmailMessage), which do
not refuse a line break in a header value: these tests hold it to what EmailMessage guaranteed."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from tests.cfg import make_config
from tests.unit.outbox.test_templates import EXTRAS
from workflow import outbox
from workflow.config import Config
from workflow.render import Renderer

NOW = datetime(2022, 3, 1, 11, 0, tzinfo=UTC)
DOMAIN = "callflow.example.org"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


def entry(kind: str = "ack_inquiry", to: str = "zoe@example.net", to_name: str = "Zoë O'Brien",
          **extra: Any) -> dict[str, Any]:
    key = f"{kind}:{to}"
    context = {"applicant": {"name": to_name, "email": to}, **EXTRAS[kind][-1]}
    return {"id": 1, "key": key, "kind": kind, "to": to, "to_name": to_name, "context": context,
            "message_id": outbox.message_id_for(key, DOMAIN), **extra}


def read(config: Config, data: dict[str, Any]) -> EmailMessage:
    out = Renderer(config).render(data, NOW)
    assert out.recipients == (data["to"],) and out.sender == config.contact.email
    assert out.outbox_id == data["id"] and out.message_id == data["message_id"]
    assert out.data.isascii()  # 7-bit clean: any relay takes it, SMTPUTF8 or not
    return email.message_from_bytes(out.data, policy=policy.default)  # type: ignore[return-value]


def test_headers_and_both_bodies_read_back_as_written(config: Config) -> None:
    data = entry(in_reply_to="<q1@example.net>", references=["<q0@example.net>", "<q1@example.net>"],
                 auto_submitted="auto-replied", reply_to="reply+token@callflow.example.org")
    message = read(config, data)
    subject, text, html = Renderer(config).render_parts(data["kind"], data["context"])
    assert message["To"].addresses[0].display_name == "Zoë O'Brien"
    assert message["To"].addresses[0].addr_spec == "zoe@example.net"
    assert message["From"].addresses[0].addr_spec == config.contact.email
    assert message["Subject"] == subject
    assert message["Message-ID"] == data["message_id"]
    assert message["In-Reply-To"] == "<q1@example.net>"
    assert message["References"] == "<q0@example.net> <q1@example.net>"
    assert message["Auto-Submitted"] == "auto-replied" and message["X-Auto-Response-Suppress"] == "All"
    assert message["Reply-To"].addresses[0].addr_spec == "reply+token@callflow.example.org"
    assert message["X-Callflow-Loop"] == config.contact.email
    assert message["Date"].datetime == NOW
    assert message.get_content_type() == "multipart/alternative"
    assert message.get_body(("plain",)).get_content() == text
    assert message.get_body(("html",)).get_content() == html


@pytest.mark.parametrize("name", [
    "Ana\r\nBcc: everyone@example.org",
    "Ana\nX-Injected: yes",
    "Ana\x85Bcc: everyone@example.org",
    "Ana \u2028 Bcc: everyone@example.org",
])
def test_a_line_break_in_a_name_stays_inside_the_header(config: Config, name: str) -> None:
    message = read(config, entry(to_name=name))
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert message["To"].addresses[0].addr_spec == "zoe@example.net"
    assert "Bcc" in str(message["To"]) or "Injected" in str(message["To"])  # kept as text of the name


def test_a_long_non_ascii_subject_is_folded_into_encoded_words(config: Config) -> None:
    name = "Zoë " * 60
    message = read(config, entry(to_name=name.strip()))
    assert message["To"].addresses[0].display_name == name.strip()
    raw = message.as_bytes(policy=policy.compat32)
    assert max(len(line) for line in raw.split(b"\n")) <= 998


@pytest.mark.parametrize("address", ["jürgen@example.net", "ana@example.net\r\nBcc: x@example.org",
                                     "ana @example.net"])
def test_an_address_no_header_can_carry_is_refused_at_render(config: Config, address: str) -> None:
    with pytest.raises(ValueError, match="not an address"):
        Renderer(config).render(entry(to=address), NOW)


def test_an_invitation_carries_its_calendar_inline_and_attached(config: Config) -> None:
    data = entry(kind="invitation", calendar={"method": "REQUEST", "sequence": 0})
    message = read(config, data)
    assert message.get_content_type() == "multipart/mixed"
    inline = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    attached = [p for p in message.iter_attachments() if p.get_filename() == "invite.ics"]
    assert len(inline) == 1 and inline[0].get_param("method") == "REQUEST"
    assert len(attached) == 1 and attached[0].get_content_type() == "application/ics"
    cal = Calendar.from_ical(inline[0].get_content())
    assert cal["method"] == "REQUEST"
    assert Calendar.from_ical(attached[0].get_content()).to_ical() == cal.to_ical()
    assert len(cal.walk("VEVENT")) == len(config.event.sessions)
