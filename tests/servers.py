"""Real mail servers for the test suite: a standalone Dovecot (IMAP, IMAPS, LMTP) and aiosmtpd (SMTP).

Plain helpers, no pytest in here: ``tests/conftest.py`` wraps them in fixtures. The recipe (and the
reasons behind most settings) is /work/shared/infra.md; the numbered "pitfall" references below point
into its section 6.

Everything listens on 127.0.0.1 only, on ports picked at run time, and TLS is always verified against a
throw-away trustme CA: a client that does not trust that CA explicitly must fail, exactly as it would
against a server with an unknown certificate in production.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import email
import email.policy
import grp
import itertools
import json
import logging
import os
import pwd
import re
import secrets
import shutil
import signal
import smtplib
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from imapclient import IMAPClient

LOCALHOST = "127.0.0.1"


# aiosmtpd itself sets the deprecated Session.login_data on every successful AUTH and then logs a warning
# about it; that noise would show up in every failing SMTP test's captured log.
class _DropLoginDataWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "login_data is deprecated" not in record.getMessage()


logging.getLogger("mail.log").addFilter(_DropLoginDataWarning())

# Where Debian (and most distributions) put the dovecot binary and its service executables. /usr/sbin is
# not on a non-root user's PATH on Debian, hence the explicit fallback.
_DOVECOT_CANDIDATES = ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot")
_LIBEXEC_CANDIDATES = ("/usr/lib/dovecot", "/usr/libexec/dovecot", "/usr/local/libexec/dovecot")


# --------------------------------------------------------------------------------------------------- ports


def free_ports(count: int) -> list[int]:
    """Return ``count`` distinct TCP ports that are free on 127.0.0.1 right now.

    All sockets are held open until every port is picked, so the ports are distinct. There is a small
    race between closing them and the server binding; acceptable for tests (infra.md pitfall 11).
    """
    with contextlib.ExitStack() as stack:
        ports = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind((LOCALHOST, 0))
            ports.append(sock.getsockname()[1])
        return ports


def free_port() -> int:
    """One free TCP port on 127.0.0.1 (aiosmtpd 1.4's Controller cannot bind port 0 itself)."""
    return free_ports(1)[0]


# ----------------------------------------------------------------------------------------------------- TLS


class CertAuthority:
    """A throw-away CA plus one server certificate for 127.0.0.1 / localhost.

    ``ca_file`` is the CA certificate as a PEM file; hand it to the code under test wherever it accepts
    a CA bundle. ``client_context()`` is what a correctly configured client uses.
    """

    def __init__(self, directory: Path) -> None:
        self.ca = trustme.CA()
        # The IP SAN is what makes hostname checking pass when clients connect to "127.0.0.1".
        self.server_cert = self.ca.issue_cert(LOCALHOST, "localhost")
        directory.mkdir(parents=True, exist_ok=True)
        self.ca_file = str(directory / "ca.pem")
        self.ca.cert_pem.write_to_path(self.ca_file)

    def client_context(self) -> ssl.SSLContext:
        """A verifying client context (hostname check on) that trusts only this CA."""
        return ssl.create_default_context(cafile=self.ca_file)

    def server_context(self) -> ssl.SSLContext:
        """A server context presenting the 127.0.0.1/localhost certificate."""
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.server_cert.configure_cert(ctx)
        return ctx

    def write_server_files(self, cert_path: Path, key_path: Path) -> None:
        """Write the server certificate chain and its private key (0600) for servers that read files."""
        self.server_cert.cert_chain_pems[0].write_to_path(str(cert_path))
        for pem in self.server_cert.cert_chain_pems[1:]:
            pem.write_to_path(str(cert_path), append=True)
        self.server_cert.private_key_pem.write_to_path(str(key_path))
        os.chmod(key_path, 0o600)


def client_ssl_context(ca_file: str) -> ssl.SSLContext:
    """A verifying client context that trusts only ``ca_file``.

    ``create_default_context(cafile=...)`` loads *only* that file, not the system store, so a server
    whose certificate comes from elsewhere is rejected.
    """
    return ssl.create_default_context(cafile=ca_file)


# ------------------------------------------------------------------------------------------------- Dovecot


def find_dovecot() -> str:
    """Path of the dovecot binary; a clear error (never a skip) when it is not installed."""
    found = shutil.which("dovecot") or next((p for p in _DOVECOT_CANDIDATES if os.access(p, os.X_OK)), None)
    if found is None:
        raise RuntimeError("dovecot is not installed; run scripts/install.sh (installs dovecot-imapd/-lmtpd)")
    return found


def _find_libexec_binary(name: str) -> str | None:
    return next((f"{d}/{name}" for d in _LIBEXEC_CANDIDATES if os.access(f"{d}/{name}", os.X_OK)), None)


@dataclass(frozen=True)
class _RunAs:
    """The single account every dovecot process runs as (infra.md pitfalls 1-3)."""

    user: str
    group: str
    uid: int
    gid: int
    switch: bool  # True when we are root and must drop to this account for Popen


def _run_as() -> _RunAs:
    if os.geteuid() != 0:
        uid, gid = os.getuid(), os.getgid()
        return _RunAs(pwd.getpwuid(uid).pw_name, grp.getgrgid(gid).gr_name, uid, gid, switch=False)
    try:
        pw = pwd.getpwnam("dovecot")
    except KeyError:
        raise RuntimeError("running as root but the 'dovecot' account is missing; run scripts/install.sh") from None
    return _RunAs("dovecot", grp.getgrgid(pw.pw_gid).gr_name, pw.pw_uid, pw.pw_gid, switch=True)


_DOVECOT_CONF = """\
# Standalone test config: nothing from /etc/dovecot is included. Written by tests/servers.py.
protocols = {protocols}
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = dovecot-test-{port}
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log

# One unprivileged account for every process: no setuid, no chroot (works as root and non-root).
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
mail_uid = {uid}
mail_gid = {gid}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
last_valid_gid = {gid}

disable_plaintext_auth = no
auth_mechanisms = plain login{oauth2_mechanisms}
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users/%u{passwd_mechanisms}
}}
{oauth2_passdb}userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users/%u
}}

mail_location = maildir:~/Maildir
mail_fsync = never
mailbox_idle_check_interval = 1 secs
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Trash {{
    special_use = \\Trash
    auto = create
  }}
  mailbox Sent {{
    special_use = \\Sent
    auto = create
  }}
}}
protocol imap {{
  mail_max_userip_connections = 1000
}}

ssl = yes
ssl_cert = <{root}/server.pem
ssl_key = <{root}/server.key
ssl_min_protocol = TLSv1.2

service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
    ssl = yes
  }}
}}
{lmtp_service}
service anvil {{
  chroot =
  # Disable the auth penalty (2-15 s delay on every login from an IP after a failed one; all tests share
  # 127.0.0.1, so one wrong-password test would slow every later login; measured 4-8 s). With mode 0 the
  # master does not create the socket, auth cannot connect (ENOENT, not logged) and turns penalties off.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service doveadm {{
  inet_listener {{
    port = 0
  }}
}}
"""

# OAuth2 sign-in (XOAUTH2 / OAUTHBEARER), only with DovecotServer(oauth2_introspection_url=...): every token
# is checked by an RFC 7662 introspection POST, the password passdb above is limited to PLAIN/LOGIN so a
# token is never compared with a password, and the oauth2 passdb to the token mechanisms so a password is
# never sent to the introspection endpoint.
_OAUTH2_PASSDB = """\
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/dovecot-oauth2.conf.ext
}}
"""

_OAUTH2_PASSWD_MECHANISMS = """
  mechanisms = plain login"""

# Dovecot 2.3 db-oauth2 settings: without tokeninfo_url the introspection request is the only check;
# "username" is the RFC 7662 member naming the account, and it must equal the login name the client sent
# (Dovecot compares them), so a token of one user never opens another user's mailbox.
_OAUTH2_CONF = """\
introspection_mode = post
introspection_url = {url}
username_attribute = username
active_attribute = active
active_value = true
timeout_msecs = 5000
"""

_LMTP_SERVICE = """\
service lmtp {{
  unix_listener lmtp {{
    mode = 0666
  }}
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lmtp_port}
  }}
}}
"""


class DovecotServer:
    """A standalone Dovecot in its own /tmp directory, on its own ports.

    Attributes: ``host``, ``port`` (IMAP, STARTTLS offered), ``ssl_port`` (IMAPS), ``lmtp_port`` and
    ``lmtp_socket`` (None when dovecot-lmtpd is not installed), ``root``, ``conf_path``, ``log_path``,
    ``ca_file``. ``stop()``/``start()`` restart it on the same ports and data (reconnect tests).

    With ``oauth2_introspection_url`` (e.g. :attr:`tests.oauth_server.OAuthServer.plain_introspection_url`)
    it also accepts ``AUTHENTICATE XOAUTH2`` and ``OAUTHBEARER`` for any account made by ``add_user()``,
    as long as that URL says the bearer token is active for that username; passwords keep working.
    """

    def __init__(self, ca: CertAuthority, *, oauth2_introspection_url: str | None = None) -> None:
        self._binary = find_dovecot()
        self._run_as = _run_as()
        self._lock = threading.Lock()
        self._user_numbers = itertools.count(1)
        self._proc: subprocess.Popen[bytes] | None = None
        self.host = LOCALHOST
        self.ca_file = ca.ca_file
        self.oauth2_introspection_url = oauth2_introspection_url
        # Directly under /tmp, not pytest's tmp_path: pytest's dirs are 0700 and the dovecot account
        # could not traverse them when the suite runs as root (pitfall 5).
        self.root = Path(tempfile.mkdtemp(prefix="dovecot-test-"))
        try:
            self.port, self.ssl_port, lmtp_port = free_ports(3)
            has_lmtp = _find_libexec_binary("lmtp") is not None
            self.lmtp_port: int | None = lmtp_port if has_lmtp else None
            self.lmtp_socket: str | None = str(self.root / "run" / "lmtp") if has_lmtp else None
            self.conf_path = self.root / "dovecot.conf"
            self.log_path = self.root / "dovecot.log"
            self._users_dir = self.root / "users"
            for sub in ("run", "state", "home", "users"):
                (self.root / sub).mkdir()
            ca.write_server_files(self.root / "server.pem", self.root / "server.key")
            shutil.copyfile(ca.ca_file, self.root / "ca.pem")
            self.conf_path.write_text(self._render_conf())
            if oauth2_introspection_url is not None:
                (self.root / "dovecot-oauth2.conf.ext").write_text(_OAUTH2_CONF.format(url=oauth2_introspection_url))
            self._chown(self.root, recursive=True)
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise

    def _render_conf(self) -> str:
        ra = self._run_as
        protocols = "imap lmtp" if self.lmtp_port else "imap"
        lmtp = _LMTP_SERVICE.format(lmtp_port=self.lmtp_port) if self.lmtp_port else ""
        oauth2 = self.oauth2_introspection_url is not None
        return _DOVECOT_CONF.format(
            protocols=protocols, root=self.root, user=ra.user, group=ra.group, uid=ra.uid, gid=ra.gid,
            port=self.port, ssl_port=self.ssl_port, lmtp_service=lmtp,
            oauth2_mechanisms=" xoauth2 oauthbearer" if oauth2 else "",
            passwd_mechanisms=_OAUTH2_PASSWD_MECHANISMS if oauth2 else "",
            oauth2_passdb=_OAUTH2_PASSDB.format(root=self.root) if oauth2 else "",
        )

    def _chown(self, path: Path, *, recursive: bool = False) -> None:
        if not self._run_as.switch:
            return
        ra = self._run_as
        os.chown(path, ra.uid, ra.gid)
        if recursive:
            for dirpath, dirnames, filenames in os.walk(path):
                for name in dirnames + filenames:
                    os.chown(os.path.join(dirpath, name), ra.uid, ra.gid, follow_symlinks=False)

    # -- lifecycle ----------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self, timeout: float = 15.0) -> None:
        """Start the master in the foreground (-F) and wait for the IMAP greeting."""
        if self.running:
            return
        self.stop()  # a master that died on its own may have left children holding the ports
        deadline = time.monotonic() + timeout
        while True:
            self._spawn()
            try:
                self._wait_ready(deadline)
                return
            except _AddressInUse:
                # After a stop() the previous instance's login processes can hold the listening socket
                # for a moment; retry instead of failing the restart.
                if time.monotonic() > deadline:
                    raise RuntimeError(f"dovecot: ports still in use after {timeout}s\n{self.log_tail()}") from None
                time.sleep(0.1)

    def _spawn(self) -> None:
        stderr = open(self.root / "dovecot.stderr", "ab")  # noqa: SIM115 - handed over to the child
        kwargs: dict[str, Any] = {}
        if self._run_as.switch:
            kwargs = {"user": self._run_as.uid, "group": self._run_as.gid, "extra_groups": []}
        try:
            self._proc = subprocess.Popen(
                [self._binary, "-F", "-c", str(self.conf_path)],
                stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr, cwd=self.root,
                # Own session: a Ctrl-C in the terminal reaches pytest (which tears down cleanly), not dovecot.
                start_new_session=True, **kwargs,
            )
        finally:
            stderr.close()

    def _wait_ready(self, deadline: float) -> None:
        assert self._proc is not None
        while True:
            if self._proc.poll() is not None:
                output = self.log_tail()
                _signal_group(self._proc.pid, signal.SIGKILL)  # children it may have forked already
                self._proc = None
                if "Address already in use" in output:
                    raise _AddressInUse()
                raise RuntimeError(f"dovecot exited during start-up:\n{output}")
            try:
                with socket.create_connection((self.host, self.port), timeout=1.0) as sock:
                    if sock.recv(1024).startswith(b"* OK"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"dovecot did not greet on port {self.port} in time:\n{self.log_tail()}")
            time.sleep(0.02)

    def stop(self, timeout: float = 15.0) -> None:
        """Stop dovecot *and* drop every client connection; data stays in place for ``start()``.

        SIGTERM to the master alone is not enough: imap and imap-login processes that serve a connected
        client outlive the master and keep that session working (verified), so a "server went away"
        test would see nothing. The master was started in its own session, so all its processes share
        its process group: signal the whole group, then make sure none is left.
        """
        proc, self._proc = self._proc, None
        if proc is None:
            return
        pgid = proc.pid  # start_new_session=True: the master leads its own process group
        _signal_group(pgid, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal_group(pgid, signal.SIGKILL)
            proc.wait()
        # Stragglers (children re-parented to init) get 2 s to exit on their SIGTERM, then SIGKILL. Bounded,
        # because an unreaped zombie would keep "existing" for kill(0).
        deadline = time.monotonic() + 2.0
        while _signal_group(pgid, 0):
            if time.monotonic() > deadline:
                _signal_group(pgid, signal.SIGKILL)
                break
            time.sleep(0.02)
        # A SIGKILLed master leaves master.pid behind; should that pid be reused, the next start() would
        # refuse with "already running".
        (self.root / "run" / "master.pid").unlink(missing_ok=True)

    def close(self) -> None:
        """Stop and delete the whole directory."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def log_tail(self, chars: int = 4000) -> str:
        """Last part of dovecot's log and stderr, for error messages."""
        parts = []
        for name in ("dovecot.stderr", "dovecot.log"):
            with contextlib.suppress(OSError):
                parts.append(f"--- {name} ---\n" + (self.root / name).read_text(errors="replace")[-chars:])
        return "\n".join(parts)

    def logins(self, username: str) -> int:
        """How many IMAP logins as ``username`` Dovecot has logged (every client, helpers included)."""
        with contextlib.suppress(OSError):
            text = self.log_path.read_text(errors="replace")
            return sum(1 for line in text.splitlines() if f"Login: user=<{username}>," in line)
        return 0

    def deliver_lmtp(self, username: str, raw: bytes, sender: str = "sender@example.org") -> None:
        """Deliver ``raw`` to ``username``'s INBOX over LMTP, like a real MTA would (no flags, \\Recent,
        wakes IDLE). APPEND via :class:`ImapAccount` is the simpler choice when that does not matter."""
        if self.lmtp_socket is None:
            raise RuntimeError("dovecot-lmtpd is not installed; run scripts/install.sh")
        with smtplib.LMTP(self.lmtp_socket) as lmtp:
            lmtp.sendmail(sender, [username], raw)

    # -- accounts -----------------------------------------------------------------------------------

    def add_user(self, username: str | None = None, password: str | None = None) -> ImapAccount:
        """Create a mail account and return its :class:`ImapAccount`. Works while dovecot runs.

        Each user has its own passwd-file (``users/<name>``, the passdb path is ``.../users/%u``). A single
        shared file does NOT work for users added at run time: dovecot re-stats a passwd-file at most once
        per second (``last_sync_time == ioloop_time``), so a user appended within a second of the previous
        login was "unknown" (observed). A new per-user file is a new path, opened on first lookup.
        """
        with self._lock:
            if username is None:
                username = f"user{next(self._user_numbers)}"
            if password is None:
                password = secrets.token_hex(8)
            # Dovecot lowercases login names (auth_username_format = %Lu) before expanding %u in the path.
            if not _USERNAME_RE.fullmatch(username):
                raise ValueError(f"username {username!r}: use lowercase letters, digits, '.', '_', '-', '@'")
            if any(c in password for c in ":\n"):
                raise ValueError("password must not contain ':' or a newline")
            passwd = self._users_dir / username
            if passwd.exists():
                raise ValueError(f"user {username!r} exists already")
            home = self.root / "home" / username
            home.mkdir()
            self._chown(home)
            # uid/gid columns left empty on purpose: mail_uid/mail_gid are global (pitfalls 2 and 4).
            # Written under a temporary name and renamed, so dovecot never reads a half-written line.
            tmp = self._users_dir / f".{username}.tmp"
            tmp.write_text(f"{username}:{{PLAIN}}{password}::::{home}::\n")
            self._chown(tmp)
            os.replace(tmp, passwd)
        return ImapAccount(
            host=self.host, port=self.port, ssl_port=self.ssl_port, username=username, password=password,
            ca_file=self.ca_file,
        )


_USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")


class _AddressInUse(Exception):
    pass


def _signal_group(pgid: int, sig: int) -> bool:
    """Send ``sig`` to a process group; False when the group has no process left."""
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        return False
    return True


# ------------------------------------------------------------------------------------------- IMAP account

_APPENDUID_RE = re.compile(rb"\[APPENDUID \d+ ([0-9:,]+)\]")


def _parse_uid_set(uid_set: bytes) -> list[int]:
    uids: list[int] = []
    for part in uid_set.split(b","):
        lo, _, hi = part.partition(b":")
        uids.extend(range(int(lo), int(hi or lo) + 1))
    return uids


def _appended_uids(response: bytes) -> list[int]:
    match = _APPENDUID_RE.search(response)
    if match is None:
        raise AssertionError(f"APPEND response without APPENDUID: {response!r}")
    return _parse_uid_set(match.group(1))


def _multiappend(client: IMAPClient, folder: str, batch: list[Any]) -> list[int]:
    # imapclient's multiappend() returns the raw (typ, data) and does not check the status itself.
    typ, data = client.multiappend(folder, batch)
    if typ != "OK":
        raise AssertionError(f"MULTIAPPEND to {folder!r} failed: {typ} {data!r}")
    return _appended_uids(b" ".join(d for d in data if isinstance(d, bytes)))


@dataclass
class ImapAccount:
    """One mailbox account on the test Dovecot plus helpers that inspect/seed it.

    Every helper opens its own short connection over *verified* IMAPS, so it never interferes with the
    code under test's connection; reads use EXAMINE + BODY.PEEK so they change no flags (not even
    \\Recent). Folder separator is "/". Messages come back as Dovecot stores/serves them: CRLF line ends.
    """

    host: str
    port: int
    ssl_port: int
    username: str
    password: str
    ca_file: str
    batch_size: int = field(default=500, repr=False)

    def ssl_context(self) -> ssl.SSLContext:
        """Verifying client context trusting only the test CA."""
        return client_ssl_context(self.ca_file)

    def connect(self, *, starttls: bool = False, login: bool = True, timeout: float = 30.0) -> IMAPClient:
        """A new IMAPClient: IMAPS on ``ssl_port``, or STARTTLS on ``port``; logged in unless told not.

        Usable as a context manager (``with account.connect() as c:``), which logs out at the end.
        """
        if starttls:
            client = IMAPClient(self.host, port=self.port, ssl=False, timeout=timeout)
            client.starttls(self.ssl_context())
        else:
            client = IMAPClient(self.host, port=self.ssl_port, ssl=True, ssl_context=self.ssl_context(),
                                timeout=timeout)
        if login:
            client.login(self.username, self.password)
        return client

    @staticmethod
    def _ensure_folder(client: IMAPClient, folder: str) -> None:
        if folder.upper() != "INBOX" and not client.folder_exists(folder):
            client.create_folder(folder)

    def create_folder(self, folder: str) -> None:
        """Create ``folder`` (and, Dovecot-style, its parents) unless it exists."""
        with self.connect() as client:
            self._ensure_folder(client, folder)

    def append(self, folder: str, raw: bytes, flags: Sequence[str] = (), msg_time: datetime | None = None) -> int:
        """APPEND one message (creating ``folder`` if missing); returns its UID."""
        with self.connect() as client:
            self._ensure_folder(client, folder)
            response = client.append(folder, raw, flags=tuple(flags), msg_time=msg_time)
        return _appended_uids(response)[0]

    def append_many(self, folder: str, messages: Iterable[bytes], flags: Sequence[str] = ()) -> list[int]:
        """MULTIAPPEND in batches of ``batch_size`` (creating ``folder`` if missing); returns UIDs in order.

        One APPEND per message costs ~2-3 ms; MULTIAPPEND seeds thousands per second (infra.md section 5).
        """
        uids: list[int] = []
        with self.connect() as client:
            self._ensure_folder(client, folder)
            batch: list[Any] = []
            for raw in messages:
                batch.append({"msg": raw, "flags": tuple(flags)} if flags else raw)
                if len(batch) >= self.batch_size:
                    uids += _multiappend(client, folder, batch)
                    batch = []
            if batch:
                uids += _multiappend(client, folder, batch)
        return uids

    def uids(self, folder: str = "INBOX") -> list[int]:
        """All UIDs in ``folder``, ascending."""
        with self.connect() as client:
            client.select_folder(folder, readonly=True)
            return sorted(client.search("ALL"))

    def fetch_all(self, folder: str = "INBOX") -> list[bytes]:
        """Raw bytes of every message in ``folder``, in UID order (does not set \\Seen)."""
        return list(self.fetch_by_uid(folder).values())

    def fetch_by_uid(self, folder: str = "INBOX") -> dict[int, bytes]:
        """``{uid: raw bytes}`` for every message in ``folder``, in UID order (does not set \\Seen)."""
        result: dict[int, bytes] = {}
        with self.connect() as client:
            client.select_folder(folder, readonly=True)
            uids = sorted(client.search("ALL"))
            for i in range(0, len(uids), self.batch_size):
                data = client.fetch(uids[i : i + self.batch_size], ["BODY.PEEK[]"])
                for uid in uids[i : i + self.batch_size]:
                    result[uid] = data[uid][b"BODY[]"]
        return result

    def folders(self) -> list[str]:
        """All folder names, sorted, "/"-separated (INBOX, Sent and Trash always exist)."""
        with self.connect() as client:
            return sorted(name for _flags, _delim, name in client.list_folders())

    def flags(self, folder: str = "INBOX") -> list[tuple[int, frozenset[str]]]:
        """``[(uid, flags)]`` in UID order, flags as strings like ``"\\\\Seen"`` or ``"$Label1"``.

        \\Recent is dropped: it is per-session state and would make assertions depend on which
        connection happened to see a message first.
        """
        with self.connect() as client:
            client.select_folder(folder, readonly=True)
            uids = sorted(client.search("ALL"))
            data = client.fetch(uids, ["FLAGS"]) if uids else {}
        return [
            (uid, frozenset(f.decode() if isinstance(f, bytes) else f for f in data[uid][b"FLAGS"]) - {"\\Recent"})
            for uid in uids
        ]

    def count(self, folder: str = "INBOX") -> int:
        """Number of messages in ``folder`` (STATUS MESSAGES; no SELECT)."""
        with self.connect() as client:
            return int(client.folder_status(folder, ["MESSAGES"])[b"MESSAGES"])

    def wait_count(self, folder: str, n: int, timeout: float = 10.0) -> int:
        """Poll until ``folder`` holds at least ``n`` messages; returns the count or raises AssertionError."""
        deadline = time.monotonic() + timeout
        while True:
            current = self.count(folder) if self._folder_exists(folder) else 0
            if current >= n:
                return current
            if time.monotonic() > deadline:
                raise AssertionError(f"{folder}: {current} messages after {timeout}s, expected >= {n}")
            time.sleep(0.05)

    def _folder_exists(self, folder: str) -> bool:
        with self.connect() as client:
            return folder.upper() == "INBOX" or bool(client.folder_exists(folder))


# ---------------------------------------------------------------------------------------------------- SMTP


@dataclass(frozen=True)
class ReceivedMessage:
    """One message accepted by :class:`SmtpServer`."""

    mail_from: str
    rcpt_tos: list[str]
    content: bytes  # exactly the DATA payload (dot-unstuffed), CRLF line ends
    message: EmailMessage  # email.message_from_bytes(content, policy=email.policy.default)
    tls: bool  # the session was encrypted (STARTTLS or implicit TLS)
    auth_user: str | None  # the AUTH login name, None when unauthenticated


class _Handler:
    """aiosmtpd handler; runs in the Controller's thread, state is shared with the test through locks."""

    def __init__(self, server: SmtpServer) -> None:
        self._server = server

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        refusal = self._server._recipient_refusal(address)
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        reply = self._server._deliver(session, envelope)
        if self._server.silent_after_data:
            # The message is kept, but the answer comes too late for the client: it cannot know.
            self._server.silent_after_data -= 1
            await asyncio.sleep(self._server.silence_seconds)
        return reply


@dataclass(frozen=True)
class BearerLogin:
    """``session.auth_data`` after a successful XOAUTH2/OAUTHBEARER AUTH (``login`` like LoginPassword's)."""

    login: bytes
    mechanism: str


def _parse_bearer(mechanism: str, blob: bytes) -> tuple[str, str] | None:
    """(user, token) from an XOAUTH2 or OAUTHBEARER client response, None when malformed.

    XOAUTH2 (Google): ``user=U ^A auth=Bearer T ^A ^A``; OAUTHBEARER (RFC 7628): GS2 header
    ``n,a=U,`` then ``^A auth=Bearer T ^A ^A`` (user optional there; "=2C"/"=3D" escape "," and "=").
    """
    try:
        text = blob.decode()
    except UnicodeDecodeError:
        return None
    parts = text.split("\x01")
    user = None
    if mechanism == "OAUTHBEARER":
        gs2 = parts[0].split(",")
        if len(gs2) < 2 or gs2[0] not in ("n", "y"):
            return None
        if gs2[1].startswith("a="):
            user = gs2[1][2:].replace("=2C", ",").replace("=3D", "=")
        pairs = parts[1:]
    else:
        pairs = parts
    token = None
    for pair in pairs:
        key, _, value = pair.partition("=")
        if key == "user" and mechanism == "XOAUTH2":
            user = value
        elif key == "auth" and value[:7].lower() == "bearer ":
            token = value[7:]
    if not user or not token:
        return None
    return user, token


class _OAuthHandler(_Handler):
    """The handler plus AUTH XOAUTH2 / OAUTHBEARER; aiosmtpd offers every ``auth_<MECH>`` method of the
    handler, so the mechanisms exist only on this subclass (SmtpServer's ``oauth2_introspection_url``)."""

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        return await self._bearer(server, "XOAUTH2", args)

    async def auth_OAUTHBEARER(self, server: SMTP, args: list[str]) -> AuthResult:
        return await self._bearer(server, "OAUTHBEARER", args)

    async def _bearer(self, server: SMTP, mechanism: str, args: list[str]) -> AuthResult:
        if len(args) == 1:
            # No initial response: ask for it with an empty challenge (RFC 4954).
            blob = await server.challenge_auth("")
            if not isinstance(blob, bytes):
                return AuthResult(success=False, handled=True)  # client sent "*", aiosmtpd answered 501
        else:
            try:
                blob = base64.b64decode(args[1], validate=True)
            except binascii.Error:
                await server.push("501 5.5.2 Can't decode base64")
                return AuthResult(success=False, handled=True)
        parsed = _parse_bearer(mechanism, blob)
        if parsed is None:
            await server.push("501 5.5.2 Malformed " + mechanism + " response")
            return AuthResult(success=False, handled=True)
        user, token = parsed
        # The introspection call blocks; off the event loop so other sessions keep going meanwhile.
        loop = asyncio.get_running_loop()
        ok = await loop.run_in_executor(None, self._server._token_is_valid, user, token)
        if ok:
            with self._server._cond:
                self._server.logins += 1
            return AuthResult(success=True, auth_data=BearerLogin(user.encode(), mechanism))
        # Failure as Gmail does it (and RFC 7628 section 3.2.2 for OAUTHBEARER): an error challenge with
        # base64 JSON, the client answers with an empty line (^A for OAUTHBEARER), then the 535.
        status = "401" if mechanism == "XOAUTH2" else "invalid_token"
        error = json.dumps({"status": status, "schemes": "Bearer", "scope": self._server.oauth2_scope})
        await server.challenge_auth(error)
        return AuthResult(success=False, handled=False)


class SmtpServer:
    """aiosmtpd on 127.0.0.1 with verified TLS (STARTTLS required, or implicit TLS) and AUTH LOGIN/PLAIN.

    With ``oauth2_introspection_url`` it also offers AUTH XOAUTH2 and OAUTHBEARER: a login succeeds when
    an RFC 7662 introspection POST of the bearer token answers ``active: true`` with ``username`` equal to
    the user named in the AUTH data (any user: the password account plays no part). A refused token gets
    the base64 JSON error challenge, then ``535 5.7.8``. ``auth_user`` of a message is that username.

    Test knobs (may be changed at any time from the test thread):

    - ``reject_recipients``: ``{address: "550 5.1.1 no such user"}``; RCPT TO for that address
      (case-insensitive) gets that reply, other recipients are accepted.
    - ``fail_next``: list of replies such as ``"451 4.3.0 try later"``; each DATA (i.e. each message
      transaction) pops the first entry and answers with it instead of accepting the message.
    - ``silent_after_data``: for this many messages, keep the message but answer only after
      ``silence_seconds`` (longer than the client waits): the client loses it after the final dot.

    ``messages`` holds accepted messages in arrival order; ``attempts`` counts DATA commands, accepted or
    failed; ``logins`` counts successful AUTHs (one per client connection that logs in). ``stop()``/``start()``
    restart on the same port (a new Controller each time).
    """

    def __init__(
        self,
        ca: CertAuthority,
        *,
        implicit_tls: bool = False,
        username: str = "smtp-user",
        password: str = "smtp-secret",
        auth_required: bool = True,
        oauth2_introspection_url: str | None = None,
        oauth2_scope: str = "https://mail.example/smtp",
    ) -> None:
        self.host = LOCALHOST
        self.oauth2_introspection_url = oauth2_introspection_url
        self.oauth2_scope = oauth2_scope  # only echoed in the error challenge, not checked
        self.port = free_port()
        self.username = username
        self.password = password
        self.ca_file = ca.ca_file
        self.implicit_tls = implicit_tls
        self.auth_required = auth_required
        self.messages: list[ReceivedMessage] = []
        self.reject_recipients: dict[str, str] = {}
        self.fail_next: list[str] = []
        self.silent_after_data = 0
        self.silence_seconds = 5.0
        self.attempts = 0
        self.logins = 0
        self._server_ctx = ca.server_context()
        self._cond = threading.Condition()
        self._controller: Controller | None = None

    def ssl_context(self) -> ssl.SSLContext:
        """Verifying client context trusting only the test CA (pass as aiosmtplib ``tls_context``)."""
        return client_ssl_context(self.ca_file)

    # -- lifecycle ----------------------------------------------------------------------------------

    def start(self) -> None:
        if self._controller is not None:
            return
        tls: dict[str, Any]
        if self.implicit_tls:
            # aiosmtpd only counts STARTTLS as "TLS" for auth_require_tls, so with implicit TLS AUTH would
            # be refused (538); the whole connection is encrypted anyway.
            tls = {"ssl_context": self._server_ctx, "auth_require_tls": False}
        else:
            tls = {"tls_context": self._server_ctx, "require_starttls": True, "auth_require_tls": True}
        handler = _Handler(self) if self.oauth2_introspection_url is None else _OAuthHandler(self)
        controller = Controller(
            handler, hostname=self.host, port=self.port,
            # Without server_hostname aiosmtpd calls socket.getfqdn(), which can stall on DNS.
            server_hostname="localhost",
            authenticator=self._authenticate, auth_required=self.auth_required, **tls,
        )
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    @property
    def running(self) -> bool:
        return self._controller is not None

    # -- inspection ---------------------------------------------------------------------------------

    def wait_for(self, n: int, timeout: float = 10.0) -> list[ReceivedMessage]:
        """Block until at least ``n`` messages arrived; returns a copy of ``messages`` or raises AssertionError."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.messages) >= n, timeout):
                raise AssertionError(f"SMTP: {len(self.messages)} messages after {timeout}s, expected >= {n}")
            return list(self.messages)

    def clear(self) -> None:
        with self._cond:
            self.messages.clear()
            self.attempts = 0

    # -- called from the server thread --------------------------------------------------------------

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            mechanism in ("LOGIN", "PLAIN")
            and isinstance(auth_data, LoginPassword)
            and auth_data.login == self.username.encode()
            and auth_data.password == self.password.encode()
        )
        if ok:
            with self._cond:
                self.logins += 1
        return AuthResult(success=ok, auth_data=auth_data if ok else None)

    def _token_is_valid(self, user: str, token: str) -> bool:
        """Introspect ``token`` (RFC 7662 POST); True when active and issued to ``user``."""
        assert self.oauth2_introspection_url is not None
        request = urllib.request.Request(
            self.oauth2_introspection_url, data=urllib.parse.urlencode({"token": token}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        )
        context = client_ssl_context(self.ca_file) if self.oauth2_introspection_url.startswith("https:") else None
        # No proxies: an http_proxy in a developer's environment must not intercept a loopback call.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context))
        # A broken introspection endpoint is a test-setup error: let it raise (aiosmtpd answers 500 and logs).
        with opener.open(request, timeout=10) as response:
            answer = json.loads(response.read())
        return answer.get("active") is True and answer.get("username") == user

    def _recipient_refusal(self, address: str) -> str | None:
        wanted = address.lower()
        for addr, reply in list(self.reject_recipients.items()):
            if addr.lower() == wanted:
                return reply
        return None

    def _deliver(self, session: Session, envelope: Envelope) -> str:
        with self._cond:
            self.attempts += 1
            if self.fail_next:
                return self.fail_next.pop(0)
            content = envelope.content if isinstance(envelope.content, bytes) else str(envelope.content).encode()
            login = getattr(session.auth_data, "login", None)  # LoginPassword or BearerLogin
            self.messages.append(
                ReceivedMessage(
                    mail_from=envelope.mail_from or "",
                    rcpt_tos=list(envelope.rcpt_tos),
                    content=content,
                    message=email.message_from_bytes(content, policy=email.policy.default),  # type: ignore[arg-type]
                    tls=self.implicit_tls or session.ssl is not None,
                    auth_user=login.decode() if isinstance(login, bytes) else None,
                )
            )
            self._cond.notify_all()
        return "250 OK"

