"""config.yaml as pydantic models: load, validate, resolve paths; and what the values must mean.

Every validation problem becomes one ConfigError line naming the file and the key, e.g.
``config.yaml: mailbox.port: Input should be a valid integer`` or ``config.yaml: event.capacty:
unknown key — did you mean 'capacity'?`` (see ``config_errors``). Beyond types, a config must
describe a possible call: the survey closes before the first session, sessions are in order and
do not overlap, reminder windows are within sensible bounds (``meaning_problems``). Facts about
the config relative to today (the event is over) are warnings for ``check``, not errors.
"""

from __future__ import annotations

import ipaddress
import os
from datetime import date, datetime, time, timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Annotated, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .config_errors import describe
from .config_oauth2 import OAuth2, env_secret
from .errors import ConfigError

DEFAULT_CONFIG = "config.yaml"


class _Model(BaseModel):
    # Unknown keys are typos far more often than intent: refuse them.
    model_config = ConfigDict(extra="forbid", frozen=False)


def _check_address(value: str) -> str:
    name, addr = parseaddr(value)
    if not addr or "@" not in addr or name:
        raise ValueError(f"not a plain email address: {value!r}")
    local, _, domain = addr.rpartition("@")
    if not local or "." not in domain:
        raise ValueError(f"not a valid email address: {value!r}")
    return addr.lower()


Address = Annotated[str, Field(min_length=3)]


class Session(_Model):
    start: datetime
    end: datetime


class Event(_Model):
    name: str
    timezone: str = "UTC"
    sessions: list[Session] = Field(min_length=1)
    location: str = "Online"
    webex_url: str
    survey_url: str
    survey_deadline: datetime | date
    capacity: int = Field(gt=0)
    language: str = "English"
    # Calendar UIDs derive from the contact address and this seed (default: the event name).
    # Set it to keep invitations stable across a later renaming of the event.
    uid_seed: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {value!r} (use an IANA name such as Europe/Brussels)") from None
        return value

    @field_validator("survey_deadline", mode="before")
    @classmethod
    def _date_means_day(cls, value: object) -> object:
        # "2022-03-10" (quoted in YAML) is a date, not midnight at the start of that day.
        if isinstance(value, str) and len(value.strip()) == 10:
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                return value
        return value

    @model_validator(mode="after")
    def _localise(self) -> Event:
        tz = ZoneInfo(self.timezone)
        for session in self.sessions:
            if session.start.tzinfo is None:
                session.start = session.start.replace(tzinfo=tz)
            if session.end.tzinfo is None:
                session.end = session.end.replace(tzinfo=tz)
        deadline = self.survey_deadline
        if not isinstance(deadline, datetime):
            # A date means the end of that day in the event's timezone.
            deadline = datetime.combine(deadline + timedelta(days=1), time(0, 0), tz) - timedelta(
                microseconds=1
            )
        elif deadline.tzinfo is None:
            deadline = deadline.replace(tzinfo=tz)
        self.survey_deadline = deadline
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def deadline(self) -> datetime:
        assert isinstance(self.survey_deadline, datetime)
        return self.survey_deadline


class Person(_Model):
    name: str
    email: str

    @field_validator("email")
    @classmethod
    def _plain_address(cls, value: str) -> str:
        return _check_address(value)


class Contact(_Model):
    # The SPEC names the key `address`; `email` (as for organisers) is accepted too.
    name: str
    email: str = Field(validation_alias=AliasChoices("address", "email"))
    # The contact address is also callflow's own: mail from it is never answered.
    extra_addresses: list[str] = Field(default_factory=list)

    @field_validator("email")
    @classmethod
    def _plain_address(cls, value: str) -> str:
        return _check_address(value)

    @property
    def address(self) -> str:
        return self.email


Security = Literal["tls", "starttls", "none"]


class _Server(_Model):
    host: str | None = None
    port: int | None = Field(default=None, gt=0, lt=65536)
    security: Security = "tls"
    username: str | None = None
    password_env: str | None = None
    ca_file: Path | None = None
    timeout_seconds: float = Field(default=30.0, gt=0)
    # password: password_env's secret; oauth2: a token from the `callflow login` sign-in (XOAUTH2),
    # with this section's own `oauth2` app registration or else the top-level one.
    auth: Literal["password", "oauth2"] = "password"
    oauth2: OAuth2 | None = None

    # Set by each subclass: its section name, its network backend and default ports.
    section: ClassVar[str] = ""
    network_backend: ClassVar[str] = ""
    default_ports: ClassVar[tuple[int, int]] = (0, 0)  # (implicit TLS, plain/STARTTLS)

    @model_validator(mode="after")
    def _backend_needs(self) -> _Server:
        backend = getattr(self, "backend", "")
        if backend == "maildir" and getattr(self, "path", None) is None:
            raise ValueError(f"{self.section}.path is required for backend maildir")
        if backend == self.network_backend:
            if self.port is None:
                self.port = self.default_ports[0] if self.security == "tls" else self.default_ports[1]
            if not self.host:
                raise ValueError(f"{self.section}.host is required for backend {backend}")
            if self.auth == "oauth2" and not self.username:
                raise ValueError(f"{self.section}.username (the mailbox's address) is required for auth: oauth2")
            if self.security == "none" and not _is_loopback(self.host):
                raise ValueError(
                    f"security: none is refused for non-loopback host {self.host!r} (use tls or starttls)"
                )
        return self

    def password(self) -> str | None:
        """The secret, from the environment variable the config names."""
        return env_secret(f"{self.section}.password_env", self.password_env)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Mailbox(_Server):
    backend: Literal["maildir", "imap"] = "maildir"
    path: Path | None = None
    folder: str = "INBOX"
    processed_folder: str = "Processed"
    quarantine_folder: str = "Quarantine"
    idle: bool = True
    poll_seconds: float = Field(default=60, gt=0)
    # Look for new mail this often while waiting (IMAP: a NOOP instead of IDLE, which Dovecot
    # holds back half a second). None: IDLE where offered, else every poll_seconds; Maildir: 1 s.
    check_seconds: float | None = Field(default=None, gt=0)
    batch_size: int = Field(default=500, gt=0)
    batch_bytes: int = Field(default=50_000_000, gt=0)  # a batch also stops at about this many bytes
    # Processes that parse and classify large batches (a backfill); None: one per core, at most 4.
    workers: int | None = Field(default=None, ge=1)

    section = "mailbox"
    network_backend = "imap"
    default_ports = (993, 143)

    @model_validator(mode="after")
    def _distinct_folders(self) -> Mailbox:
        # Handled mail moved back into the folder it came from would be read again and again.
        for key in ("processed_folder", "quarantine_folder"):
            if getattr(self, key).strip("/").lower() == self.folder.strip("/").lower():
                raise ValueError(f"mailbox.{key} must differ from mailbox.folder ({self.folder!r})")
        return self


class Smtp(_Server):
    backend: Literal["maildir", "smtp"] = "maildir"
    path: Path | None = None
    rate_per_minute: int = Field(default=30, gt=0)
    # Acknowledgements to addresses that never wrote to callflow themselves (survey notifications,
    # `import`) are sent at most this many per rolling hour: a forged notification names any
    # address, and mail to many new addresses at once looks like spam to their providers.
    first_contact_per_hour: int = Field(default=20, gt=0)
    # Connections used at once when much mail is due (a backfill): the server takes one mail
    # while the next is prepared. Three is polite to hosted providers, which allow a few more.
    connections: int = Field(default=3, ge=1, le=20)
    max_attempts: int = Field(default=5, gt=0)
    retry_seconds: float = Field(default=60, gt=0)
    # Where the provider keeps a copy of submitted mail (Gmail, Microsoft 365 and most hosted
    # mail do), in the IMAP mailbox callflow reads: a mail left uncertain by a crash after its
    # data was handed over is recorded as sent once its own copy is found there.
    sent_folder: str | None = None

    section = "smtp"
    network_backend = "smtp"
    default_ports = (465, 587)


DEFAULT_FIELDS: dict[str, list[str]] = {
    "email": ["email", "email address", "e-mail", "e-mail address", "your email"],
    "name": ["name", "full name", "your name"],
    "organisation": ["organisation", "organization", "institution", "affiliation"],
    "country": ["country"],
    "role": ["role", "position", "job title"],
    "field": ["field of work", "field"],
    "response_id": ["response id", "response", "contribution id", "id"],
}


class Survey(_Model):
    senders: list[str] = Field(default_factory=list)
    fields: dict[str, list[str]] = Field(default_factory=dict)
    # Anyone can write "From: <survey sender>": with this, a notification is acted on only when
    # a server in commands.trusted_authserv_ids saw DKIM or DMARC pass for the sender's domain.
    require_authentication: bool = False

    @field_validator("senders")
    @classmethod
    def _senders(cls, values: list[str]) -> list[str]:
        return [_check_address(v) for v in values]

    @model_validator(mode="after")
    def _defaults(self) -> Survey:
        merged = {k: list(v) for k, v in DEFAULT_FIELDS.items()}
        for key, labels in self.fields.items():
            merged[key] = list(labels)
        self.fields = merged
        return self


class Digest(_Model):
    time: str = "08:00"

    @field_validator("time")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        try:
            datetime.strptime(value, "%H:%M")
        except ValueError:
            raise ValueError(f"expected HH:MM, got {value!r}") from None
        return value


class Storage(_Model):
    path: Path


class Paths(_Model):
    templates: Path | None = None
    rules: Path | None = None
    languages: Path | None = None


class Outbox(_Model):
    approval_required: list[str] = Field(
        default_factory=lambda: ["selection", "rejection", "invitation", "promotion"]
    )


class Replies(_Model):
    # Second safety net after the robot guards: at most one automatic answer per sender
    # per window, like Sieve vacation's :days.
    window_days: float = Field(default=1.0, ge=0)
    max_per_window: int = Field(default=1, gt=0)


class Waitlist(_Model):
    # A freed place goes to the first waitlisted applicant: proposed for organiser approval
    # (outbox approve) by default, or promoted at once when auto_promote is true.
    auto_promote: bool = False


# Reminder windows, in days. 0 would never fire (the window would close as it opens): switching
# reminders off is `enabled: false`. Beyond REMINDER_DAYS_MAX a reminder is an announcement, and
# since nobody is reminded who wrote or confirmed inside the window, a long window reminds almost
# nobody; an unanswered invitation nudged after more than a month is no nudge either.
REMINDER_DAYS_MAX = 30


class Reminders(_Model):
    deadline_days_before: int = 3  # to people who inquired but did not apply
    event_days_before: int = 2  # to confirmed participants
    nudge_after_days: int = 5  # invited, no answer yet
    enabled: bool = True

    @field_validator("deadline_days_before", "event_days_before", "nudge_after_days")
    @classmethod
    def _sensible_days(cls, value: int) -> int:
        if value < 1:
            raise ValueError(f"{value} would never send a reminder; use 1 to {REMINDER_DAYS_MAX} "
                             "(reminders.enabled: false switches reminders off)")
        if value > REMINDER_DAYS_MAX:
            raise ValueError(f"{value} days is too long for a reminder; use 1 to {REMINDER_DAYS_MAX}")
        return value


class Retention(_Model):
    # Personal data is erased (tombstones kept) this many days after the last session. Off
    # unless set: erasing everything is not something to do by default (a config describing a
    # past event would otherwise be emptied on its first run).
    days_after_event: int | None = Field(default=None, ge=0)


class Commands(_Model):
    # Commands by mail: the sender must be an organiser AND the mail must carry a digest
    # token issued within token_days. With require_authentication, an Authentication-Results
    # header added by one of trusted_authserv_ids must also show dkim=pass or dmarc=pass.
    enabled: bool = True
    token_days: float = Field(default=7, gt=0)
    require_authentication: bool = False
    trusted_authserv_ids: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _trusted_needed(self) -> Commands:
        if self.require_authentication and not self.trusted_authserv_ids:
            raise ValueError("require_authentication needs trusted_authserv_ids (your own mail server's id)")
        return self


class Config(_Model):
    event: Event
    contact: Contact
    organisers: list[Person] = Field(default_factory=list)
    mailbox: Mailbox
    smtp: Smtp
    survey: Survey = Field(default_factory=Survey)
    digest: Digest = Field(default_factory=Digest)
    storage: Storage
    paths: Paths = Field(default_factory=Paths)
    outbox: Outbox = Field(default_factory=Outbox)
    replies: Replies = Field(default_factory=Replies)
    waitlist: Waitlist = Field(default_factory=Waitlist)
    reminders: Reminders = Field(default_factory=Reminders)
    commands: Commands = Field(default_factory=Commands, validate_default=True)
    retention: Retention = Field(default_factory=Retention)
    oauth2: OAuth2 | None = Field(default=None, validate_default=True)

    # Where the file was loaded from (set by load(), not a YAML key).
    source: Path | None = Field(default=None, exclude=True)

    @field_validator("oauth2")
    @classmethod
    def _oauth2_when_asked(cls, oauth2: OAuth2 | None, info: ValidationInfo) -> OAuth2 | None:
        for name in ("mailbox", "smtp") if oauth2 is None else ():  # validated before: the error names oauth2
            if (server := info.data.get(name)) and server.auth == "oauth2" and server.oauth2 is None:
                raise ValueError(f"required by {name}.auth: oauth2 (provider, client_id; see the README)")
        return oauth2

    @field_validator("commands")
    @classmethod
    def _survey_trust_needed(cls, commands: Commands, info: ValidationInfo) -> Commands:
        # A validator on `commands` (validated after `survey`), so the error names that section.
        survey = info.data.get("survey")
        if survey is not None and survey.require_authentication and not commands.trusted_authserv_ids:
            raise ValueError(
                "trusted_authserv_ids is required by survey.require_authentication (your own mail server's id)"
            )
        return commands

    @field_validator("smtp")
    @classmethod
    def _sent_folder_needs_imap(cls, smtp: Smtp, info: ValidationInfo) -> Smtp:
        mailbox = info.data.get("mailbox")
        if smtp.sent_folder and mailbox is not None and mailbox.backend != "imap":
            raise ValueError("sent_folder is looked up in the IMAP mailbox: it needs mailbox.backend: imap")
        return smtp

    @property
    def survey_trusted_without_authentication(self) -> bool:
        """Notifications from survey.senders are believed on their From line alone."""
        return bool(self.survey.senders) and not self.survey.require_authentication

    @property
    def own_addresses(self) -> set[str]:
        return {self.contact.email, *(a.lower() for a in self.contact.extra_addresses)}

    @property
    def own_domains(self) -> set[str]:
        return {a.rpartition("@")[2] for a in self.own_addresses}

    @property
    def organiser_addresses(self) -> set[str]:
        return {p.email for p in self.organisers}

    @property
    def templates_dir(self) -> Path:
        return self.paths.templates or _shipped("templates")

    @property
    def rules_dir(self) -> Path:
        return self.paths.rules or _shipped("mailbox_rules")

    @property
    def languages_dir(self) -> Path:
        return self.paths.languages or shipped_languages_dir()

    @property
    def sender_domain(self) -> str:
        return self.contact.email.rpartition("@")[2]


# Where the installed package's data folders are. They are namespace packages (no __init__.py),
# for which importlib.resources gives a MultiplexedPath that is no directory name: the folder
# beside this module is the same place, as a plain path.
_INSTALLED = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    """The copy of templates/ or mailbox_rules/ that came with callflow.

    In a source checkout (and an editable install run from it) the top-level folders are
    used directly; an installed wheel carries them as the workflow.<name> package.
    """
    checkout = _source_checkout()
    if checkout is not None and (checkout / name).is_dir():
        return checkout / name
    return _INSTALLED / name


def shipped_languages_dir() -> Path:
    """The languages/ folder that came with callflow (read when no paths.languages is set)."""
    return _shipped("languages")


def example_config() -> Path:
    """The example config.yaml that came with callflow: the reference meeting of the SPEC.

    The repository's top-level config.yaml is the one copy; a wheel carries that same file as
    workflow/example/config.yaml (pyproject.toml maps it, nothing copies it).
    """
    checkout = _source_checkout()
    if checkout is not None and (checkout / DEFAULT_CONFIG).is_file():
        return checkout / DEFAULT_CONFIG
    return _INSTALLED / "example" / DEFAULT_CONFIG


def _source_checkout() -> Path | None:
    # An installed wheel sits in site-packages, where another package may have dropped a
    # config.yaml or templates/ of its own: only a folder with pyproject.toml is callflow's checkout.
    root = _INSTALLED.parent
    return root if (root / "pyproject.toml").is_file() else None


def meaning_problems(config: Config) -> list[tuple[str, str]]:
    """(key, problem) for every value that is well-typed but cannot describe a real call."""
    event = config.event

    def when(moment: datetime) -> str:
        return _when(moment, event)

    problems: list[tuple[str, str]] = []
    previous: Session | None = None
    for index, session in enumerate(event.sessions):
        key = f"event.sessions.{index}"
        if session.end <= session.start:
            problems.append((key, f"ends {when(session.end)}, not after it starts ({when(session.start)})"))
        elif previous is not None and session.start < previous.start:
            problems.append((key, f"starts {when(session.start)}, before the session listed above it "
                                  f"({when(previous.start)}); list the sessions in chronological order"))
        elif previous is not None and session.start < previous.end:
            problems.append((key, f"starts {when(session.start)}, before the previous session ends "
                                  f"({when(previous.end)}); sessions must not overlap"))
        previous = session
    first_start = min(s.start for s in event.sessions)
    if event.deadline >= first_start:
        problems.append(("event.survey_deadline", f"{when(event.deadline)} is not before the first session starts "
                                                  f"({when(first_start)}); the survey must close before the event"))
    return problems


SURVEY_TRUST_WARNING = (
    "survey.senders are trusted without authentication: anyone can send a notification in their name "
    "and have an acknowledgement sent to any address (set survey.require_authentication: true)"
)


def warnings_at(config: Config, now: datetime) -> list[str]:
    """Facts worth a second look that do not make the config invalid (shown by ``check``)."""
    event = config.event
    warnings = []
    last_end = max(s.end for s in event.sessions)
    if last_end <= now:
        warnings.append(f"event.sessions: the last session ended {_when(last_end, event)} ({event.timezone}); "
                        "this config describes an event that is over")
    if config.survey_trusted_without_authentication:
        # Many survey tools do not sign their mail (README, Known limitations): a warning, not an error.
        warnings.append(SURVEY_TRUST_WARNING)
    return warnings


def _when(moment: datetime, event: Event) -> str:
    return moment.astimezone(event.tz).strftime("%Y-%m-%d %H:%M")


def load(path: str | os.PathLike[str]) -> Config:
    """Read and validate a config file; relative paths are relative to the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found (use --config or CALLFLOW_CONFIG)") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}:{where}: invalid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of sections at the top level")
    return from_dict(data, base=path.parent, source=path)


def from_dict(data: dict, base: Path, source: Path | None = None) -> Config:
    name = str(source) if source else "config"
    try:
        config = Config.model_validate(data)
    except ValidationError as err:
        raise ConfigError(f"{name}: {describe(err, Config)}") from None
    problems = meaning_problems(config)
    if problems:
        key, problem = problems[0]
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise ConfigError(f"{name}: {key}: {problem}{more}")
    base = base.resolve()

    def resolve(p: Path | None) -> Path | None:
        if p is None:
            return None
        p = p.expanduser()
        return p if p.is_absolute() else base / p

    config.mailbox.path = resolve(config.mailbox.path)
    config.smtp.path = resolve(config.smtp.path)
    config.storage.path = resolve(config.storage.path)  # type: ignore[assignment]
    trusting = {"mailbox": config.mailbox, "smtp": config.smtp, "oauth2": config.oauth2,
                "mailbox.oauth2": config.mailbox.oauth2, "smtp.oauth2": config.smtp.oauth2}
    for section in trusting.values():
        if section is not None:
            section.ca_file = resolve(section.ca_file)
    config.paths.templates = resolve(config.paths.templates)
    config.paths.rules = resolve(config.paths.rules)
    config.paths.languages = resolve(config.paths.languages)
    config.source = source
    for key, p in (("paths.templates", config.paths.templates), ("paths.rules", config.paths.rules),
                   ("paths.languages", config.paths.languages)):
        if p is not None and not p.is_dir():
            raise ConfigError(f"{name}: {key}: directory {p} does not exist")
    for key, section in trusting.items():
        if section is not None and section.ca_file is not None and not section.ca_file.is_file():
            raise ConfigError(f"{name}: {key}.ca_file: file {section.ca_file} does not exist")
    return config
