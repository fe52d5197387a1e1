"""Render: an outbox entry → the bytes of a complete message (text + HTML, threading headers,
an invitation's calendar) with its envelope, made once and sent as they are.

Wording lives in ``templates/<kind>.txt.j2`` and ``templates/<kind>.html.j2``; the subject
is the ``subject`` block of the text template. StrictUndefined turns a missing variable into
an error instead of a silently empty sentence; HTML is autoescaped, the text part is not.
"""

from __future__ import annotations

import binascii
import io
import re
import secrets
from datetime import UTC, datetime
from email.generator import BytesGenerator
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import Compat32
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Any

import jinja2

from . import ics
from .config import Config
from .errors import ConfigError
from .outgoing import OutgoingMail

LOOP_HEADER = "X-Callflow-Loop"


def _fmt_day(value: datetime) -> str:
    return value.strftime("%A %-d %B %Y")


def _fmt_time(value: datetime) -> str:
    return value.strftime("%H:%M")


def event_context(config: Config) -> dict[str, Any]:
    """Plain values about the event that every template may use."""
    ev = config.event
    tz = ev.tz
    sessions = []
    for i, session in enumerate(ev.sessions, start=1):
        start, end = session.start.astimezone(tz), session.end.astimezone(tz)
        start_utc, end_utc = session.start.astimezone(UTC), session.end.astimezone(UTC)
        sessions.append(
            {
                "number": i,
                "day": _fmt_day(start),
                "start": _fmt_time(start),
                "end": _fmt_time(end),
                "start_utc": _fmt_time(start_utc),
                "end_utc": _fmt_time(end_utc),
                "day_utc": _fmt_day(start_utc),
                "start_iso": start.isoformat(),
                "end_iso": end.isoformat(),
            }
        )
    deadline = ev.deadline.astimezone(tz)
    return {
        "name": ev.name,
        "timezone": ev.timezone,
        "location": ev.location,
        "webex_url": ev.webex_url,
        "survey_url": ev.survey_url,
        "deadline": _fmt_day(deadline),
        "deadline_time": _fmt_time(deadline) if (deadline.hour, deadline.minute) != (23, 59) else None,
        "capacity": ev.capacity,
        "language": ev.language,
        "sessions": sessions,
    }


class Renderer:
    def __init__(self, config: Config, templates_dir: Path | None = None) -> None:
        self.config = config
        directory = templates_dir or config.templates_dir
        loader = jinja2.FileSystemLoader(str(directory))
        # A template is read once per Renderer (no stat of its file before each mail: a backfill
        # renders thousands); a send run makes its own, so an edited template applies from the next.
        self.text_env = jinja2.Environment(
            loader=loader, undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True,
            auto_reload=False,
        )
        self.html_env = jinja2.Environment(
            loader=loader, undefined=jinja2.StrictUndefined, autoescape=True, keep_trailing_newline=True,
            auto_reload=False,
        )
        self.base_context = {
            "event": event_context(config),
            "contact": {"name": config.contact.name, "email": config.contact.email},
            "organisers": [{"name": p.name, "email": p.email} for p in config.organisers],
        }

    def kinds(self) -> list[str]:
        return sorted(
            name.removesuffix(".txt.j2")
            for name in self.text_env.list_templates()
            if name.endswith(".txt.j2") and not name.startswith("_")
        )

    def render_parts(self, kind: str, context: dict[str, Any]) -> tuple[str, str, str]:
        """(subject, text, html) for one mail kind."""
        values = {**self.base_context, **context}
        try:
            text_t = self.text_env.get_template(f"{kind}.txt.j2")
            html_t = self.html_env.get_template(f"{kind}.html.j2")
            if "subject" not in text_t.blocks:
                raise ConfigError(f"templates/{kind}.txt.j2: has no {{% block subject %}}")
            subject = "".join(text_t.blocks["subject"](text_t.new_context(values))).strip()
            text = text_t.render(values)
            html = html_t.render(values)
        except jinja2.TemplateNotFound as exc:
            raise ConfigError(f"templates: no template {exc.name} for mail kind {kind!r}") from None
        except jinja2.UndefinedError as exc:
            raise ConfigError(f"templates/{kind}: {exc.message}") from None
        except jinja2.TemplateSyntaxError as exc:
            raise ConfigError(f"templates/{exc.name}:{exc.lineno}: {exc.message}") from None
        # Subjects are one line whatever a template or an applicant's name put in them.
        subject = " ".join(subject.split())
        return subject, _strip_subject_block(text), html

    def render(self, entry: dict[str, Any], now: datetime) -> OutgoingMail:
        """The outbox entry as the bytes that go out, with its envelope."""
        subject, text, html = self.render_parts(entry["kind"], entry["context"])
        contact = self.config.contact
        body: Message = _multipart("alternative")
        body.attach(_text_part(text, "plain"))
        body.attach(_text_part(html, "html"))
        cal = entry.get("calendar")
        if cal:
            if cal.get("removed"):
                ics_data = ics.removed_sessions_cancel_ics(
                    self.config, entry["to"], entry.get("to_name") or "", cal["removed"],
                    sequence=cal["sequence"], now=now,
                )
            else:
                ics_data = ics.invitation_ics(
                    self.config, entry["to"], entry.get("to_name") or "", sequence=cal["sequence"],
                    method=cal["method"], now=now,
                )
            # Inline text/calendar with METHOD makes Outlook, Gmail and Thunderbird show
            # Accept/Decline buttons; the .ics attachment serves every other client.
            inline = _text_part(ics_data.decode("utf-8"), "calendar")
            inline.set_param("method", cal["method"])
            body.attach(inline)
            name = "cancel.ics" if cal["method"] == "CANCEL" else "invite.ics"
            attachment = MIMEApplication(ics_data, "ics")
            attachment.add_header("Content-Disposition", "attachment", filename=name)
            mixed = _multipart("mixed")
            mixed.attach(body)
            mixed.attach(attachment)
            body = mixed
        headers = [
            ("From", _address(contact.name, contact.email)),
            ("To", _address(entry.get("to_name") or "", entry["to"])),
            ("Subject", _text_header(subject)),
            ("Date", format_datetime(now.astimezone(UTC))),
            ("Message-ID", _one_line(entry["message_id"])),
        ]
        if entry.get("in_reply_to"):
            refs = [r for r in entry.get("references", []) if r != entry["in_reply_to"]]
            headers.append(("In-Reply-To", _one_line(entry["in_reply_to"])))
            headers.append(("References", _one_line(" ".join([*refs[-10:], entry["in_reply_to"]]))))
        if entry.get("auto_submitted"):
            headers.append(("Auto-Submitted", _one_line(entry["auto_submitted"])))
            # Ask Exchange not to answer our automatic mail with its own auto-replies.
            headers.append(("X-Auto-Response-Suppress", "All"))
        if entry.get("reply_to"):
            headers.append(("Reply-To", _address(contact.name, entry["reply_to"])))
        headers.append((LOOP_HEADER, contact.email))
        for name, value in headers:
            body[name] = value
        out = io.BytesIO()
        BytesGenerator(out, mangle_from_=False, policy=_COMPOSE).flatten(body)
        return OutgoingMail(
            outbox_id=entry["id"], message_id=entry["message_id"], sender=contact.email,
            recipients=(entry["to"],), data=out.getvalue(),
        )


# Composing with the compat32 classes costs a fifth of EmailMessage's (whose every header is
# parsed back through the header registry); what they do not check, these helpers do: every
# header value is one line, non-ASCII text is an RFC 2047 encoded word, addresses are ASCII.


class _ShortLinesAsTheyAre(Compat32):
    """compat32 folding, except that a header already short and ASCII is written as it is
    (compat32 runs every header through the Header folding machinery, half of the cost of a
    whole message)."""

    def fold_binary(self, name: str, value: Any) -> bytes:
        if isinstance(value, str) and value.isascii() and value.isprintable() and len(name) + len(value) < 76:
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


_COMPOSE = _ShortLinesAsTheyAre()


def _text_part(text: str, subtype: str) -> MIMENonMultipart:
    """A UTF-8 text part, quoted-printable (readable in any mail source view, safe over any
    relay) by binascii's encoder, which is many times faster than email.quoprimime's."""
    part = MIMENonMultipart("text", subtype, charset="utf-8")
    part["Content-Transfer-Encoding"] = "quoted-printable"
    part.set_payload(binascii.b2a_qp(text.encode("utf-8"), istext=True).decode("ascii"))
    return part


_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # Unicode's Cc: C0, DEL and C1


def _one_line(value: str) -> str:
    """Header text on one line: CR, LF and other controls become spaces (no header injection)."""
    return " ".join(_CONTROLS.sub(" ", value).split())


def _multipart(subtype: str) -> MIMEMultipart:
    """A multipart whose boundary cannot occur in its parts: "=_" is never in quoted-printable
    (after "=" come two hex digits or a line end) nor in base64, which is all callflow writes.
    So the generator need not search every part for it, as it does for a boundary it makes."""
    return MIMEMultipart(subtype, boundary=f"=_callflow_{secrets.token_hex(12)}")


def _text_header(value: str) -> str | Header:
    value = _one_line(value)
    return value if value.isascii() else Header(value, "utf-8")


def _address(name: str, address: str) -> str:
    address = address.strip()
    if not address.isascii() or _one_line(address) != address or " " in address:
        raise ValueError(f"not an address that can be written in a header: {address!r}")
    return formataddr((_one_line(name), address), "utf-8")


def _strip_subject_block(text: str) -> str:
    # The subject block renders inline at the top of the text; templates put it on the
    # first line so it can be cut off here.
    first, _, rest = text.partition("\n")
    return rest.lstrip("\n") if first.strip() else text.lstrip("\n")
