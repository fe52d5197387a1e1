"""IMAP intake with imapclient: verified TLS, UIDVALIDITY + last-UID checkpoint, batched
``BODY.PEEK[]`` fetches, MOVE (or COPY + delete) only after the effects are committed.

The checkpoint lives in the store (``state``): ``uidvalidity``, ``last_uid`` and
``unsettled`` — the settlements of the last committed batch that were not yet carried out
on the server. If callflow stops between its commit and the moves, the next start carries
them out first; a message is never acted on twice and never left behind.
"""

from __future__ import annotations

import contextlib
import logging
import ssl
import time
from collections.abc import Iterator
from typing import Any

import imapclient
from imapclient.exceptions import IMAPClientError, LoginError

from ..config import Mailbox
from ..errors import MailboxError, SignInError
from ..handling import ATTENTION, FOLDER_PREFIX, PROCESSED
from ..oauth2 import AGAIN, SignIn
from .intake import IncomingMail

log = logging.getLogger(__name__)
# RFC 2177: servers may drop an IDLE after 30 minutes; re-issue well before.
IDLE_RENEW_SECONDS = 25 * 60


def tls_context(ca_file: object | None) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(cafile=str(ca_file))
    return context


class ImapIntake:
    def __init__(self, settings: Mailbox, sign_in: SignIn | None = None) -> None:
        self.settings = settings
        self.sign_in = sign_in  # with auth: oauth2
        self.name = f"imap:{settings.username}@{settings.host}/{settings.folder}"
        self.client: imapclient.IMAPClient | None = None
        self.state: dict[str, Any] = {}
        self.can_move = False
        self.can_uid_expunge = False
        self.can_idle = False
        self.waiting: int | None = None
        self.uidvalidity = 0
        # The session's view of the folder is current: just selected, or IDLE reported the news.
        self.in_sync = False
        self.idle_since: float | None = None  # time.monotonic() when the running IDLE began

    # -- connection ---------------------------------------------------------------------
    def connect(self) -> imapclient.IMAPClient:
        s = self.settings
        password = s.password()
        context = tls_context(s.ca_file)
        where = f"{s.host}:{s.port}"
        try:
            client = imapclient.IMAPClient(
                s.host, port=s.port, ssl=s.security == "tls", ssl_context=context, timeout=s.timeout_seconds
            )
            if not logging.getLogger("imapclient.imaplib").isEnabledFor(logging.DEBUG):
                # imapclient turns on imaplib's protocol log, which formats every fetched mail with
                # %r before the logger drops it: twice its size again, for nothing, unless --debug.
                client._imap.debug = 0
            if s.security == "starttls":
                client.starttls(context)
            if self.sign_in is not None:
                self._oauth2_login(client)
            else:
                client.login(s.username or "", password or "")
        except ssl.SSLError as exc:
            raise MailboxError(f"mailbox: TLS with {where} failed: {exc.reason or exc}") from None
        except SignInError as exc:
            raise MailboxError(f"mailbox: {exc}") from None
        except LoginError:  # a password refused (a refused token is a SignInError by now)
            raise MailboxError(f"mailbox: login as {s.username} on {where} refused") from None
        except (TimeoutError, OSError, IMAPClientError) as exc:
            raise MailboxError(f"mailbox: cannot connect to {where}: {exc}") from None
        caps = {c.decode().upper() if isinstance(c, bytes) else str(c).upper() for c in client.capabilities()}
        self.can_move = "MOVE" in caps
        self.can_uid_expunge = "UIDPLUS" in caps
        self.can_idle = "IDLE" in caps and s.idle
        return client

    def _oauth2_login(self, client: imapclient.IMAPClient) -> None:
        """SASL XOAUTH2 with the access token; when the server refuses it (revoked, or expired
        sooner than it said), once more with a renewed one."""
        assert self.sign_in is not None
        user = self.settings.username or ""
        try:
            client.oauth2_login(user, self.sign_in.access_token())
        except LoginError:
            try:
                client.oauth2_login(user, self.sign_in.access_token(renew=True))
            except LoginError:
                s = self.settings
                raise self.sign_in.refused(
                    f"{s.host}:{s.port} refused the OAuth2 sign-in of {user}; {AGAIN}") from None
        self.sign_in.worked()

    def _folder(self, name: str) -> None:
        assert self.client is not None
        if not self.client.folder_exists(name):
            self.client.create_folder(name)
            log.info("created IMAP folder %s", name)

    def open(self, state: dict[str, Any]) -> None:
        """Start a pass: connect and select the folder unless this intake's session is still
        open (a daemon keeps one across its passes), then bring ``state`` in line with it."""
        self.state = state
        if self._end_idle():
            self.in_sync = True
        if self.client is None:
            self._start()
        elif not self.in_sync:
            self._sync()
        self.in_sync = False
        self._reported_news()  # what the server reported so far, this pass reads anyway
        if state.get("uidvalidity") != self.uidvalidity:
            # A new UIDVALIDITY means the old UIDs mean nothing: read everything again;
            # the store's record of handled messages keeps that from acting twice.
            state.update({"uidvalidity": self.uidvalidity, "last_uid": 0, "unsettled": []})
        if state.get("unsettled"):
            self.settle([(str(uid), disp) for uid, disp in state["unsettled"]])
            state["unsettled"] = []

    def _start(self) -> None:
        """A new session: log in, make the folders, select the inbox folder."""
        self.close()  # one session per intake, never a second one left behind
        self.client = self.connect()
        self.idle_since = None
        try:
            for folder in (self.settings.processed_folder, self.settings.quarantine_folder):
                self._folder(folder)
            info = self.client.select_folder(self.settings.folder)
        except (OSError, IMAPClientError) as exc:
            self.close()
            raise MailboxError(f"mailbox.folder: cannot open {self.settings.folder}: {exc}") from None
        self.uidvalidity = int(info.get(b"UIDVALIDITY", 0))
        self._reported_news()  # SELECT's counts: the first pass reads everything anyway
        self.in_sync = True

    def _sync(self) -> None:
        """Bring a kept session's view of the folder up to date: a command sees only the mail
        the server has reported to this session, and a NOOP is how a client asks (RFC 3501
        §6.1.2). Not needed right after IDLE reported new mail."""
        assert self.client is not None
        try:
            self.client.noop()
        except (OSError, IMAPClientError) as exc:
            raise MailboxError(f"mailbox: {self.settings.folder}: {exc}") from None

    def _reported_news(self) -> bool:
        """Whether the server reported new mail (EXISTS) with the answer to a command since the
        last look: mail that arrived during a pass, which IDLE will not report again.

        imaplib keeps such unrequested responses until asked; all of them are dropped here, so
        that a session kept for months does not pile them up.
        """
        untagged = getattr(getattr(self.client, "_imap", None), "untagged_responses", None)
        if not isinstance(untagged, dict):
            return False
        # EXISTS only: RECENT also changes when our own MOVE expunges a message.
        news = bool(untagged.get("EXISTS"))
        untagged.clear()
        return news

    # -- reading ------------------------------------------------------------------------
    def _new_uids(self) -> list[int]:
        assert self.client is not None
        last = int(self.state.get("last_uid", 0))
        uids = self.client.search(["UID", f"{last + 1}:*"])
        # "n:*" always matches the highest UID, even when it is below n.
        return sorted(u for u in uids if u > last)

    def batches(self, size: int) -> Iterator[list[IncomingMail]]:
        assert self.client is not None
        try:
            uids = self._new_uids()
            self.waiting = len(uids)
            for chunk in self._chunks(uids, size):
                fetched = self.client.fetch(chunk, ["BODY.PEEK[]"])
                batch = [
                    IncomingMail(ref=str(uid), data=fetched[uid][b"BODY[]"])
                    for uid in chunk
                    if uid in fetched and b"BODY[]" in fetched[uid]
                ]
                del fetched
                if batch:
                    yield batch
        except (OSError, IMAPClientError) as exc:
            raise MailboxError(f"mailbox: reading {self.settings.folder} failed: {exc}") from None

    def _chunks(self, uids: list[int], size: int) -> Iterator[list[int]]:
        """Batches of at most ``size`` messages and about ``batch_bytes`` bytes, so that a run
        of large attachments never sits in memory as a whole batch."""
        assert self.client is not None
        limit = self.settings.batch_bytes
        for start in range(0, len(uids), size):
            window = uids[start : start + size]
            if len(window) == 1:
                yield window  # one message is a batch whatever its size: no need to ask
                continue
            sizes = self.client.fetch(window, ["RFC822.SIZE"])
            chunk: list[int] = []
            total = 0
            for uid in window:
                octets = int(sizes.get(uid, {}).get(b"RFC822.SIZE", 0))
                if chunk and total + octets > limit:
                    yield chunk
                    chunk, total = [], 0
                chunk.append(uid)
                total += octets
            if chunk:
                yield chunk

    def mark_seen(self, batch: list[IncomingMail], settlements: list[tuple[str, str]]) -> None:
        if batch:
            self.state["last_uid"] = max(int(self.state.get("last_uid", 0)), *(int(m.ref) for m in batch))
        self.state["unsettled"] = [[int(ref), disp] for ref, disp in settlements]

    # -- settling -----------------------------------------------------------------------
    def settle(self, settlements: list[tuple[str, str]]) -> None:
        assert self.client is not None
        by_target: dict[str, list[int]] = {}
        flag: list[int] = []
        for ref, disposition in settlements:
            if disposition == ATTENTION:
                flag.append(int(ref))
            elif disposition.startswith(FOLDER_PREFIX):
                by_target.setdefault(disposition.removeprefix(FOLDER_PREFIX), []).append(int(ref))
            else:
                target = self.settings.processed_folder if disposition == PROCESSED else self.settings.quarantine_folder
                by_target.setdefault(target, []).append(int(ref))
        try:
            for target in by_target:
                if target not in (self.settings.processed_folder, self.settings.quarantine_folder):
                    self._folder(target)
            if flag:
                self.client.add_flags(flag, [imapclient.FLAGGED])
            for target, uids in by_target.items():
                if self.can_move:
                    self.client.move(uids, target)
                else:
                    self.client.copy(uids, target)
                    self.client.add_flags(uids, [imapclient.DELETED])
                    if self.can_uid_expunge:
                        self.client.uid_expunge(uids)
                    # Without UIDPLUS a plain EXPUNGE would also remove mail someone else marked
                    # deleted: the copies stay marked \Deleted for the mail client to expunge.
        except (OSError, IMAPClientError) as exc:
            raise MailboxError(f"mailbox: moving handled mail failed: {exc}") from None
        self.state["unsettled"] = []

    # -- waiting ------------------------------------------------------------------------
    def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for new mail: in IDLE, or by sleeping where there is none.
        True if new mail was reported (at once when that happened during the pass).

        The IDLE stays running across calls that find nothing, so that a daemon waking every
        few seconds for its own jobs does not end and begin it each time; it ends (DONE) when
        news arrives, when ``IDLE_RENEW_SECONDS`` are up, or before the next command. Before
        it begins, a NOOP asks for what arrived since the last command: Dovecot's IDLE reports
        only what changes after it began, so mail that came during the pass would otherwise
        wait for the next change or poll.
        """
        assert self.client is not None
        if self.settings.check_seconds is not None:
            return self._wait_asking(seconds, self.settings.check_seconds)
        try:
            if self.idle_since is None:
                if self.can_idle:
                    self.client.noop()
                if self._reported_news():  # during the pass or just now
                    self.in_sync = True
                    return True
                if not self.can_idle:
                    time.sleep(seconds)
                    return False
                self.client.idle()
                self.idle_since = time.monotonic()
            renew_in = self.idle_since + IDLE_RENEW_SECONDS - time.monotonic()
            timeout = max(0.0, min(seconds, renew_in))
            started = time.monotonic()
            responses = self.client.idle_check(timeout=timeout)
            # A BYE, or back early with nothing read: the server is closing the connection
            # (imapclient takes the end of the stream for "no responses"); DONE finds out.
            dropped = (not responses and time.monotonic() - started < 0.9 * timeout) or any(
                isinstance(r, tuple) and r[:1] == (b"BYE",) for r in responses
            )
            news = _news(responses)
            if news or dropped or renew_in <= seconds:
                news = self._end_idle() or news
        except (OSError, IMAPClientError) as exc:
            raise MailboxError(f"mailbox: IDLE failed: {exc}") from None
        self.in_sync = news
        return news

    def _wait_asking(self, seconds: float, every: float) -> bool:
        """Wait by asking (NOOP) every ``every`` seconds instead of in IDLE: the server answers
        a NOOP with what it has, where IDLE may hold news back (Dovecot: half a second)."""
        assert self.client is not None
        deadline = time.monotonic() + seconds
        try:
            while True:
                self.client.noop()
                if self._reported_news():
                    self.in_sync = True
                    return True
                left = deadline - time.monotonic()
                if left <= 0:
                    self.in_sync = False
                    return False
                time.sleep(min(every, left))
        except (OSError, IMAPClientError) as exc:
            raise MailboxError(f"mailbox: waiting for new mail failed: {exc}") from None

    def _end_idle(self) -> bool:
        """End a running IDLE (DONE); True if new mail was reported meanwhile."""
        if self.idle_since is None or self.client is None:
            return False
        self.idle_since = None
        try:
            _, responses = self.client.idle_done()
        except (OSError, IMAPClientError) as exc:
            raise MailboxError(f"mailbox: IDLE failed: {exc}") from None
        return self._reported_news() or _news(responses)

    def close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                self._end_idle()
            with contextlib.suppress(Exception):
                self.client.logout()
            self.client = None
        self.idle_since = None

    def counts(self) -> dict[str, int]:
        assert self.client is not None
        self._end_idle()
        status = self.client.folder_status(self.settings.quarantine_folder, [b"MESSAGES"])
        return {"quarantined": int(status.get(b"MESSAGES", 0))}


def _news(responses: list[Any]) -> bool:
    """Whether untagged responses report new mail (RFC 3501 §7.3.1: a new message is always
    announced by EXISTS)."""
    return any(isinstance(r, tuple) and len(r) > 1 and r[1] == b"EXISTS" for r in responses)


class SentCopies:
    """Finds callflow's own sent mail by its Message-ID where the provider keeps a copy of
    submitted mail (``smtp.sent_folder``), in the mailbox callflow reads.

    Only a copy that is there proves anything: "not found" cannot tell a lost mail from a
    provider that keeps no copies (or files it later), so it answers None, never False.
    """

    def __init__(self, settings: Mailbox, folder: str, sign_in: SignIn | None = None) -> None:
        self.settings = settings
        self.folder = folder
        self.sign_in = sign_in

    def __call__(self, message_id: str) -> bool | None:
        try:
            client = ImapIntake(self.settings, self.sign_in).connect()
        except MailboxError as exc:
            log.warning("sent copies: %s", exc)
            return None
        try:
            client.select_folder(self.folder, readonly=True)
            found = client.search(["HEADER", "Message-ID", message_id])
        except (IMAPClientError, OSError) as exc:
            log.warning("sent copies: cannot search %s: %s", self.folder, exc)
            return None
        finally:
            with contextlib.suppress(IMAPClientError, OSError):
                client.logout()
        return True if found else None
