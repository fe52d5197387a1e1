"""A complete config written from the SPEC, for tests; backends chosen per test."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from tests.mails import CONTACT, SURVEY
from workflow.config import Config, from_dict

# The organisers: base_config has the first; tests of several organisers give both.
ORGANISERS = [{"name": "Anna Organiser", "email": "anna.organiser@example.org"},
              {"name": "Ben Organiser", "email": "ben.organiser@example.org"}]
# When the CLI tests run unless they say otherwise: a pass before the survey closes (10 March).
START = "2022-03-01T12:00"
NOW = ["--now", START]


def base_config(tmp: Path, **sections: Any) -> dict[str, Any]:
    """A complete config with its files in ``tmp``, changed by ``sections`` (see ``merge``); a deep
    copy, so a test that changes it in place changes no shared value (``ORGANISERS``)."""
    return copy.deepcopy(merge({
        "event": {
            "name": "Working group meeting",
            "timezone": "Europe/Brussels",
            "sessions": [
                {"start": "2022-03-24T13:30", "end": "2022-03-24T16:30"},
                {"start": "2022-03-25T13:30", "end": "2022-03-25T16:30"},
            ],
            "location": "Online (WebEx)",
            "webex_url": "https://example.webex.com/meet/wg",
            "survey_url": "https://surveys.example.org/s/wg",
            "survey_deadline": "2022-03-10",
            "capacity": 3,
        },
        "contact": {"name": "Working group contact", "address": CONTACT},
        "organisers": ORGANISERS[:1],
        "mailbox": {"backend": "maildir", "path": str(tmp / "mail")},
        "smtp": {"backend": "maildir", "path": str(tmp / "outgoing"), "rate_per_minute": 1000},
        "survey": {"senders": [SURVEY]},
        # Late in the day, so that tests counting mail see no digest unless they ask for one.
        "digest": {"time": "23:59"},
        "storage": {"path": str(tmp / "state.json")},
    }, sections))


def merge(data: dict[str, Any], sections: dict[str, Any]) -> dict[str, Any]:
    """``data`` with each section given as a mapping (``event={"capacity": 1}``) updated with it,
    any other (``organisers=[...]``) replaced."""
    for name, values in sections.items():
        if isinstance(values, dict):
            data.setdefault(name, {}).update(values)
        else:
            data[name] = values
    return data


def make_config(tmp: Path, **sections: Any) -> Config:
    """The validated config of ``base_config(tmp, **sections)``."""
    return from_dict(base_config(tmp, **sections), base=tmp)


def write_config(tmp: Path, data: dict[str, Any]) -> Path:
    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def server_config(tmp: Path, account, smtp, /, **sections: Any) -> Path:
    """The config for the real servers, written to ``tmp``: an IMAP account on the test Dovecot
    (IMAPS, its CA) and the aiosmtpd submission server (STARTTLS + AUTH), passwords in the
    environment (``env`` fixture); with ``account`` None the inbox stays base_config's Maildir.
    ``sections`` change it as in ``merge`` (``mailbox={"poll_seconds": 1}``, ``smtp={...}``)."""
    data = base_config(tmp)
    if account is not None:
        data["mailbox"] = {
            "backend": "imap", "host": account.host, "port": account.ssl_port, "security": "tls",
            "username": account.username, "password_env": "CALLFLOW_TEST_IMAP_PASSWORD",
            "ca_file": account.ca_file, "processed_folder": "Processed", "quarantine_folder": "Quarantine",
        }
    data["smtp"] = {
        "backend": "smtp", "host": smtp.host, "port": smtp.port, "security": "starttls",
        "username": smtp.username, "password_env": "CALLFLOW_TEST_SMTP_PASSWORD", "ca_file": smtp.ca_file,
        "rate_per_minute": 1000,
    }
    return write_config(tmp, merge(data, sections))
