"""`callflow init`: a new call's starting point — a commented config.yaml and its Maildirs.

The starter config (``starter_config.yaml.tmpl``, shipped with the package) is valid as
written: its placeholder dates lie ahead of today, so ``check`` and ``run --once`` work on it
at once with the Maildir backends, and an organiser replaces the values marked REPLACE. The
rendered text is validated before anything is written. An existing config.yaml is replaced
only when asked, and then kept as a backup: nothing an organiser wrote is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from string import Template
from zoneinfo import ZoneInfo

import yaml

from .config import DEFAULT_CONFIG, Config, from_dict
from .errors import CallflowError, UsageError
from .mailbox.maildir import MaildirIntake
from .transport.maildir import MaildirTransport

TEMPLATE = "starter_config.yaml.tmpl"
# The starter's timezone: its placeholder dates are local to it (the organiser replaces it).
TIMEZONE = ZoneInfo("Europe/Brussels")
# Placeholder schedule, counted from today: the survey is open four weeks, the two sessions
# follow two weeks after it closes (time for selection and invitations).
DEADLINE_AFTER = timedelta(weeks=4)
FIRST_SESSION_AFTER = timedelta(weeks=6)
SESSION_HOURS = (time(13, 30), time(16, 30))


@dataclass(frozen=True)
class Starter:
    config_path: Path
    backup: Path | None  # where the replaced config.yaml went, if one was replaced
    inbox: Path
    outgoing: Path


def render(today: date, config_path: Path) -> str:
    """The starter config's text, with placeholder dates counted from ``today``."""
    first = today + FIRST_SESSION_AFTER
    second = first + timedelta(days=1)
    start, end = SESSION_HOURS
    template = Template((resources.files("workflow") / TEMPLATE).read_text(encoding="utf-8"))
    return template.substitute(
        today=today.isoformat(),
        timezone=TIMEZONE.key,
        config_path=str(config_path),
        deadline=(today + DEADLINE_AFTER).isoformat(),
        session1_start=_local(first, start),
        session1_end=_local(first, end),
        session2_start=_local(second, start),
        session2_end=_local(second, end),
    )


def write_starter(directory: Path, today: date, *, force: bool = False) -> Starter:
    """Write DIR/config.yaml and create the Maildirs it names; refuse to replace a config unless ``force``."""
    config_path = directory / DEFAULT_CONFIG
    if config_path.exists() and not force:
        raise UsageError(f"init: {config_path} already exists; edit it, or use --force to replace it "
                         f"(the old one is then kept as {DEFAULT_CONFIG}.bak)")
    text = render(today, config_path)
    config = _validated(text, directory, config_path)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        backup = _keep_old(config_path) if config_path.exists() else None
        config_path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CallflowError(f"init: cannot write {config_path}: {exc.strerror}") from None
    # The same code that opens them at run time creates them (with the processed and
    # quarantine sub-folders), so what init makes is what run expects.
    MaildirIntake(config.mailbox).open({})
    MaildirTransport(config.smtp.path)  # type: ignore[arg-type]
    return Starter(config_path, backup, config.mailbox.path, config.smtp.path)  # type: ignore[arg-type]


def _validated(text: str, directory: Path, config_path: Path) -> Config:
    # A starter that does not validate is a bug in callflow: better an error than a broken file.
    return from_dict(yaml.safe_load(text), base=directory, source=config_path)


def _keep_old(config_path: Path) -> Path:
    """Move the existing config aside under the first free name config.yaml.bak, .bak.2, …"""
    candidate = config_path.with_name(f"{config_path.name}.bak")
    number = 2
    while candidate.exists():
        candidate = config_path.with_name(f"{config_path.name}.bak.{number}")
        number += 1
    config_path.rename(candidate)
    return candidate


def _local(day: date, at: time) -> str:
    return datetime.combine(day, at).strftime("%Y-%m-%dT%H:%M")
