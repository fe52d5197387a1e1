"""Render: an outbox entry → a complete EmailMessage (text + HTML, threading headers).

Wording lives in ``templates/<kind>.txt.j2`` and ``templates/<kind>.html.j2``; the subject
is the ``subject`` block of the text template. StrictUndefined turns a missing variable into
an error instead of a silently empty sentence; HTML is autoescaped, the text part is not.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import jinja2

from . import ics
from .config import Config
from .errors import ConfigError

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
        self.text_env = jinja2.Environment(
            loader=loader, undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True
        )
        self.html_env = jinja2.Environment(
            loader=loader, undefined=jinja2.StrictUndefined, autoescape=True, keep_trailing_newline=True
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

    def render(self, entry: dict[str, Any], now: datetime) -> tuple[EmailMessage, str, list[str]]:
        """The message, the envelope sender and the envelope recipients."""
        subject, text, html = self.render_parts(entry["kind"], entry["context"])
        contact = self.config.contact
        msg = EmailMessage()
        msg["From"] = Address(contact.name, addr_spec=contact.email)
        msg["To"] = Address(entry.get("to_name") or "", addr_spec=entry["to"])
        msg["Subject"] = subject
        msg["Date"] = format_datetime(now.astimezone(UTC))
        msg["Message-ID"] = entry["message_id"]
        if entry.get("in_reply_to"):
            msg["In-Reply-To"] = entry["in_reply_to"]
            refs = [r for r in entry.get("references", []) if r != entry["in_reply_to"]]
            msg["References"] = " ".join([*refs[-10:], entry["in_reply_to"]])
        if entry.get("auto_submitted"):
            msg["Auto-Submitted"] = entry["auto_submitted"]
            # Ask Exchange not to answer our automatic mail with its own auto-replies.
            msg["X-Auto-Response-Suppress"] = "All"
        if entry.get("reply_to"):
            msg["Reply-To"] = Address(contact.name, addr_spec=entry["reply_to"])
        msg[LOOP_HEADER] = contact.email
        msg.set_content(text)
        msg.add_alternative(html, subtype="html")
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
            msg.add_alternative(ics_data.decode("utf-8"), subtype="calendar", params={"method": cal["method"]})
            name = "cancel.ics" if cal["method"] == "CANCEL" else "invite.ics"
            msg.add_attachment(ics_data, maintype="application", subtype="ics", filename=name)
        return msg, contact.email, [entry["to"]]


def _strip_subject_block(text: str) -> str:
    # The subject block renders inline at the top of the text; templates put it on the
    # first line so it can be cut off here.
    first, _, rest = text.partition("\n")
    return rest.lstrip("\n") if first.strip() else text.lstrip("\n")
